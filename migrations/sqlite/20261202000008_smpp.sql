-- SMPP 3.4 (#15): the account's credentials, the binds open on them, and
-- what waits for a receiver (delivery receipts, inbound messages).

-- The password (8 characters, SMPP 3.4's limit) is kept as an argon2id
-- hash. `allowed_networks`: client networks in CIDR form, one space apart;
-- empty allows any address.
CREATE TABLE smpp_credentials (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    system_id        TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    allowed_networks TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    revoked_at       TEXT
);
CREATE INDEX smpp_credentials_by_account ON smpp_credentials (account_id, id);

-- A bind while it is open: its process refreshes `seen_at` every few
-- seconds and deletes the row at unbind; a row not seen for a while is a
-- process that died.
CREATE TABLE smpp_binds (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER NOT NULL REFERENCES smpp_credentials (id) ON DELETE CASCADE,
    mode          TEXT NOT NULL CHECK (mode IN ('transmitter', 'receiver', 'transceiver')),
    address       TEXT NOT NULL,
    bound_at      TEXT NOT NULL,
    seen_at       TEXT NOT NULL,
    submitted     INTEGER NOT NULL DEFAULT 0,
    delivered     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX smpp_binds_by_credential ON smpp_binds (credential_id, seen_at);

-- A deliver_sm owed to a credential's receivers: the receipt of message
-- `message_id`, or the inbound message `inbound_id`. Written in the
-- transaction that makes it due; a bind claims rows (`claimed_by`, until
-- `claimed_until_ms`) and marks them sent when the client acknowledges.
CREATE TABLE smpp_outbox (
    id               INTEGER PRIMARY KEY,
    credential_id    INTEGER NOT NULL REFERENCES smpp_credentials (id) ON DELETE CASCADE,
    message_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    inbound_id       INTEGER REFERENCES incoming_messages (id) ON DELETE CASCADE,
    queued_at_ms     INTEGER NOT NULL,
    claimed_by       INTEGER,
    claimed_until_ms INTEGER,
    sent_at_ms       INTEGER,
    CHECK ((message_id IS NULL) <> (inbound_id IS NULL))
);
CREATE INDEX smpp_outbox_waiting ON smpp_outbox (credential_id, id) WHERE sent_at_ms IS NULL;

-- Which credential submitted a message, and which receipt it asked for
-- (registered_delivery: 0 none, 1 final outcome, 2 failure only, 3 success only).
ALTER TABLE messages ADD COLUMN smpp_credential_id INTEGER;
ALTER TABLE messages ADD COLUMN receipt_requested INTEGER NOT NULL DEFAULT 0;

-- A message's source may be `smpp` now. SQLite cannot alter a CHECK
-- constraint; its documented way to relax one is to edit the table's
-- definition and reload the schema, which is what follows (every existing
-- row satisfies the wider constraint). The DDL above bumps the schema
-- version, so other connections reload it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (source IN (''portal'', ''api''))', 'CHECK (source IN (''portal'', ''api'', ''smpp''))')
 WHERE type = 'table' AND name = 'messages';
PRAGMA writable_schema = RESET;
