-- The owner's message report filtered by who sent: one login's messages
-- of a period, without reading everyone else's.
CREATE INDEX messages_by_user ON messages (account_id, user_id, created_at);
