-- Team access: passwords the owner set (changed at the next login),
-- monthly spending caps per sub-account, and the owner's permission presets.
ALTER TABLE users ADD COLUMN password_temporary INTEGER NOT NULL DEFAULT 0
    CHECK (password_temporary IN (0, 1));
-- In units of 0.0001 EUR, as all money; NULL: no cap.
ALTER TABLE users ADD COLUMN monthly_cap INTEGER CHECK (monthly_cap > 0);

-- What a user spent this month is summed from their campaigns.
CREATE INDEX campaigns_by_user ON campaigns (user_id, created_at);

CREATE TABLE permission_presets (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    -- The permissions' keys, comma-separated.
    permissions TEXT    NOT NULL,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX permission_presets_name_key ON permission_presets (account_id, lower(name));

-- The refunds of a campaign, for what a user spent this month.
CREATE INDEX transactions_by_campaign ON balance_transactions (campaign_id);
