-- The audit log: append-only, enforced by the database itself.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- NULL for events outside any customer account (a manager's login).
    account_id  INTEGER,
    actor_id    INTEGER,
    -- Logins are copied, so entries stay readable after a user is deleted.
    actor_login TEXT,
    subject     TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    ip          TEXT,
    user_agent  TEXT
);
CREATE INDEX audit_by_account ON audit_log (account_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Failed logins per login name (existing or not, so nothing is revealed).
-- Times are Unix seconds.
CREATE TABLE login_failures (
    login_key     TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
) WITHOUT ROWID;
