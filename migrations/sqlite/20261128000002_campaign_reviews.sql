-- A campaign as composed, kept for its review (issue #17): the recipients
-- travel in a POST body and stay on the server, never in a URL, and Send
-- sends exactly what was reviewed. Sending deletes the review, so a second
-- click cannot send it twice.
CREATE TABLE campaign_reviews (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender     TEXT    NOT NULL,
    list_id    TEXT    NOT NULL,
    numbers    TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX campaign_reviews_by_user ON campaign_reviews (user_id, id);
