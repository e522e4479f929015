-- Two backends (issue #11).

-- Logins are looked up as lower(login) = lower(...), the same query on
-- SQLite and PostgreSQL.
CREATE INDEX users_by_lower_login ON users (lower(login));

-- A process's claim on a queued message while it hands it to the carrier:
-- until this time no other process takes it (see server/gateway.rs).
ALTER TABLE messages ADD COLUMN lease_until TEXT;
