-- The account's HTTP API (/v1): keys, idempotent requests, message sources.

-- Keys belong to the account. Only a hash (BLAKE2s) of the key is kept: the
-- key holds 262 random bits, so a fast hash is as safe as a slow one and
-- costs nothing per request. `public_id` is the key's id, part of the key.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, id);

-- A POST's first answer, replayed for 24 hours to a retry with the same
-- Idempotency-Key; `status` 0 while the first request is still running.
CREATE TABLE idempotent_requests (
    api_key_id   INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    PRIMARY KEY (api_key_id, key)
);

-- The profile's old clear-text key had nothing behind it: it goes.
ALTER TABLE accounts DROP COLUMN api_key;

ALTER TABLE campaigns ADD COLUMN source TEXT NOT NULL DEFAULT 'portal' CHECK (source IN ('portal', 'api'));
-- Where a message came from, shown in Analytics and its exports, and the
-- API caller's own reference for it.
ALTER TABLE messages ADD COLUMN source TEXT NOT NULL DEFAULT 'portal' CHECK (source IN ('portal', 'api'));
ALTER TABLE messages ADD COLUMN client_ref TEXT;
