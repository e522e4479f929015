-- The sections of the portal. Money is INTEGER in units of 0.0001 EUR;
-- times are UTC ISO-8601 text. Every row that belongs to an account carries
-- account_id, and every query filters by it.

ALTER TABLE accounts ADD COLUMN balance       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN contact_email TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN contact_phone TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN timezone      TEXT    NOT NULL DEFAULT 'UTC';
ALTER TABLE accounts ADD COLUMN api_key       TEXT;
ALTER TABLE accounts ADD COLUMN profile_updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE sender_names (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
    note       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (account_id, name)
);

CREATE TABLE contact_lists (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL COLLATE NOCASE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (account_id, name)
);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    list_id    INTEGER NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (list_id, phone)
);
CREATE INDEX contacts_by_list ON contacts (list_id, name, id);

-- CSV imports and their per-row report, kept so the report can be shown again.
CREATE TABLE contact_imports (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    list_id    INTEGER NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    added      INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    report     TEXT    NOT NULL,  -- JSON: [[line, reason], ...]
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The provider's price list, per country and network.
CREATE TABLE prices (
    id          INTEGER PRIMARY KEY,
    country_code TEXT   NOT NULL,  -- ISO 3166-1 alpha-2
    country     TEXT    NOT NULL,
    dial_prefix TEXT    NOT NULL,  -- digits after +
    network     TEXT    NOT NULL,
    price       INTEGER NOT NULL CHECK (price >= 0),  -- per SMS part
    UNIQUE (country_code, network)
);
CREATE INDEX prices_by_prefix ON prices (dial_prefix);

CREATE TABLE stop_list (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    added_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (account_id, phone)
) WITHOUT ROWID;

CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sender     TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    parts      INTEGER NOT NULL,
    recipients INTEGER NOT NULL,
    blocked    INTEGER NOT NULL,
    cost       INTEGER NOT NULL,  -- charged when sent; failed parts are refunded
    status     TEXT    NOT NULL CHECK (status IN ('sending', 'completed')),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX campaigns_by_account ON campaigns (account_id, id);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    campaign_id  INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sender       TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    country_code TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    parts        INTEGER NOT NULL,
    price        INTEGER NOT NULL,  -- parts × unit price
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
    -- The gateway's verdict, applied when the simulated delivery report arrives.
    outcome      TEXT    CHECK (outcome IN ('delivered', 'failed')),
    created_at   TEXT    NOT NULL,
    sent_at      TEXT,
    done_at      TEXT
);
CREATE INDEX messages_by_time ON messages (account_id, created_at, id);
CREATE INDEX messages_by_campaign ON messages (campaign_id, status);
CREATE INDEX messages_in_flight ON messages (status, id) WHERE status IN ('queued', 'sent');

-- Per-day totals kept by triggers, so the analytics summary never scans messages.
CREATE TABLE message_daily (
    account_id   INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    country_code TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    messages     INTEGER NOT NULL,
    parts        INTEGER NOT NULL,
    cost         INTEGER NOT NULL,
    PRIMARY KEY (account_id, day, country_code, status)
) WITHOUT ROWID;

CREATE TRIGGER message_daily_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_daily VALUES (NEW.account_id, substr(NEW.created_at, 1, 10), NEW.country_code, NEW.status, 1, NEW.parts, NEW.price)
    ON CONFLICT DO UPDATE SET messages = messages + 1, parts = parts + excluded.parts, cost = cost + excluded.cost;
END;

CREATE TRIGGER message_daily_status AFTER UPDATE OF status ON messages WHEN OLD.status <> NEW.status BEGIN
    UPDATE message_daily SET messages = messages - 1, parts = parts - OLD.parts, cost = cost - OLD.price
    WHERE account_id = OLD.account_id AND day = substr(OLD.created_at, 1, 10)
      AND country_code = OLD.country_code AND status = OLD.status;
    INSERT INTO message_daily VALUES (NEW.account_id, substr(NEW.created_at, 1, 10), NEW.country_code, NEW.status, 1, NEW.parts, NEW.price)
    ON CONFLICT DO UPDATE SET messages = messages + 1, parts = parts + excluded.parts, cost = cost + excluded.cost;
END;

CREATE TABLE incoming_messages (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sender      TEXT    NOT NULL,  -- the phone that wrote in
    recipient   TEXT    NOT NULL,  -- the account's number or keyword
    text        TEXT    NOT NULL,
    received_at TEXT    NOT NULL
);
CREATE INDEX incoming_by_time ON incoming_messages (account_id, received_at, id);

CREATE TABLE blocked_messages (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    sender      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('stop_list', 'invalid_number', 'no_route', 'spam_filter')),
    created_at  TEXT    NOT NULL
);
CREATE INDEX blocked_by_time ON blocked_messages (account_id, created_at, id);

CREATE TABLE balance_transactions (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('top_up', 'charge', 'refund')),
    amount        INTEGER NOT NULL,  -- signed: top-ups and refunds positive
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    description   TEXT    NOT NULL,
    campaign_id   INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX transactions_by_account ON balance_transactions (account_id, id);

CREATE TABLE invoices (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    number     TEXT    NOT NULL UNIQUE,
    period     TEXT    NOT NULL,  -- YYYY-MM
    amount     INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('paid', 'open')),
    issued_at  TEXT    NOT NULL
);
CREATE INDEX invoices_by_account ON invoices (account_id, issued_at);
