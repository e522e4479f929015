-- Per-day totals without a row everyone waits for. Each statement that
-- wrote messages used to add itself to the one totals row of its account,
-- day, country and status, holding that row's lock until its commit: an
-- account's sends, and the delivery loop moving its messages on, queued
-- behind each other there. Now a statement appends its own deltas as rows
-- nobody else touches (not yet folded); readers already sum every row of
-- a key, and a background round folds the deltas into one row per key.
ALTER TABLE message_daily ADD COLUMN folded BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE message_daily DROP CONSTRAINT message_daily_pkey;
CREATE UNIQUE INDEX message_daily_key ON message_daily (account_id, day, country_code, status) WHERE folded;
CREATE INDEX message_daily_by_day ON message_daily (account_id, day);
CREATE INDEX message_daily_deltas ON message_daily (account_id) WHERE NOT folded;

CREATE OR REPLACE FUNCTION message_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_daily (account_id, day, country_code, status, messages, parts, cost, folded)
    SELECT account_id, day, country_code, status, SUM(n), SUM(n * parts), SUM(n * price), FALSE
    FROM (
        SELECT account_id, substr(created_at, 1, 10) AS day, country_code, status, 1 AS n, parts, price
        FROM new_rows
        UNION ALL
        SELECT account_id, substr(created_at, 1, 10), country_code, status, -1, parts, price
        FROM old_rows
    ) AS deltas
    GROUP BY account_id, day, country_code, status
    HAVING SUM(n) <> 0 OR SUM(n * parts) <> 0 OR SUM(n * price) <> 0;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION message_daily_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_daily (account_id, day, country_code, status, messages, parts, cost, folded)
    SELECT account_id, substr(created_at, 1, 10) AS day, country_code, status, COUNT(*), SUM(parts), SUM(price), FALSE
    FROM new_rows
    GROUP BY account_id, day, country_code, status;
    RETURN NULL;
END $$;

-- Moves every delta into its key's folded row, in one statement: a reader
-- sees the deltas or their sum, never both or neither. Returns how many
-- deltas it folded. Callers run one fold at a time (an advisory lock).
CREATE FUNCTION message_daily_fold() RETURNS BIGINT LANGUAGE sql AS $$
    WITH deltas AS (
        DELETE FROM message_daily WHERE NOT folded
        RETURNING account_id, day, country_code, status, messages, parts, cost
    ), sums AS (
        INSERT INTO message_daily AS d (account_id, day, country_code, status, messages, parts, cost, folded)
        SELECT account_id, day, country_code, status, SUM(messages), SUM(parts), SUM(cost), TRUE
        FROM deltas
        GROUP BY account_id, day, country_code, status
        ORDER BY account_id, day, country_code, status
        ON CONFLICT (account_id, day, country_code, status) WHERE folded DO UPDATE
        SET messages = d.messages + excluded.messages, parts = d.parts + excluded.parts, cost = d.cost + excluded.cost
    )
    SELECT COUNT(*) FROM deltas;
$$;
