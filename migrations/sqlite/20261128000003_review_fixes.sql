-- Findings of a review of the hardening and new-customer work.

-- Who an entry's actor was when it was written: whether they are the
-- provider's staff no longer depends on a user row that may be deleted and
-- its id reused. Older entries have NULL and fall back to the user row.
ALTER TABLE audit_log ADD COLUMN actor_role TEXT;

-- A top-up confirmed on its own page: paying uses the row up, in the
-- transaction that credits the balance, so a second click pays nothing.
CREATE TABLE top_up_intents (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX top_up_intents_by_user ON top_up_intents (user_id, id);
