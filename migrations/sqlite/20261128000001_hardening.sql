-- Hardening (issue #16).

-- The Details recipient search is served by indexes: a number's beginning
-- by (account, recipient), its end by (account, reversed recipient). SQLite
-- has no reverse(); a stored number has at most 16 characters (`+` and 15
-- digits), and substr() past the end is empty, so this reverses all of them.
ALTER TABLE messages ADD COLUMN recipient_reversed TEXT
    GENERATED ALWAYS AS (substr(recipient, 16, 1) || substr(recipient, 15, 1) || substr(recipient, 14, 1) || substr(recipient, 13, 1) || substr(recipient, 12, 1) || substr(recipient, 11, 1) || substr(recipient, 10, 1) || substr(recipient, 9, 1) || substr(recipient, 8, 1) || substr(recipient, 7, 1) || substr(recipient, 6, 1) || substr(recipient, 5, 1) || substr(recipient, 4, 1) || substr(recipient, 3, 1) || substr(recipient, 2, 1) || substr(recipient, 1, 1)) VIRTUAL;
CREATE INDEX messages_by_recipient ON messages (account_id, recipient);
CREATE INDEX messages_by_recipient_end ON messages (account_id, recipient_reversed);
