-- Two-factor authentication (TOTP, RFC 6238): a user's secret (hex), on
-- once confirmed with a code; the last time step accepted, so no code is
-- accepted twice; single-use recovery codes, hashed. Accounts may require
-- it: the owner for the sub-accounts, the provider's manager for the owner.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1));
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE accounts ADD COLUMN require_two_factor_subs INTEGER NOT NULL DEFAULT 0
    CHECK (require_two_factor_subs IN (0, 1));
ALTER TABLE accounts ADD COLUMN require_two_factor_owner INTEGER NOT NULL DEFAULT 0
    CHECK (require_two_factor_owner IN (0, 1));

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   TEXT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
