-- Webhooks (Standard Webhooks): the account's endpoints and the outbox of
-- their deliveries. An event's deliveries are written in the transaction
-- that makes the event, so none is lost; every process sends due ones.

-- The signing secret must be kept to sign (a hash would not do): it is
-- readable by whoever reads the database, like the sessions are.
CREATE TABLE webhook_endpoints (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    -- Comma-separated event types, e.g. 'message.delivered,inbound.received'.
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id, id);

-- One event to one endpoint. `event_id` is the webhook-id header, the same
-- on every attempt; `status` is pending until a 2xx or the last retry.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    -- The last attempt: its HTTP status (NULL when there was no answer) and why.
    last_status     INTEGER,
    last_error      TEXT,
    last_attempt_at TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
