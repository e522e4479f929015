-- Customer accounts and every login of the platform.
CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    can_add_subaccount INTEGER NOT NULL DEFAULT 0 CHECK (can_add_subaccount IN (0, 1)),
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- NULL for the provider's managers; the customer's account otherwise.
    account_id    INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('manager', 'owner', 'sub')),
    -- Logins are ASCII, so NOCASE makes them unique regardless of letter case.
    login         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    company       TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- Bumped to end every open session of the user (disable, reset, sign-out).
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_login_at TEXT,
    CHECK ((role = 'manager') = (account_id IS NULL))
);

CREATE UNIQUE INDEX users_one_owner_per_account ON users (account_id) WHERE role = 'owner';
CREATE INDEX users_by_account ON users (account_id, role);

-- The grants of sub-users; owners implicitly hold every permission.
CREATE TABLE user_permissions (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission TEXT    NOT NULL,
    PRIMARY KEY (user_id, permission)
) WITHOUT ROWID;
