-- The balance in a row of its own, as on PostgreSQL (where the accounts row
-- every message refers to must not be rewritten by every send).
CREATE TABLE account_balances (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    balance    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO account_balances (account_id, balance) SELECT id, balance FROM accounts;
ALTER TABLE accounts DROP COLUMN balance;
