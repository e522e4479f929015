-- Expired idempotent answers are purged by age, now and then, across all
-- keys; a claim no longer scans its key's rows on every request.
CREATE INDEX idempotent_requests_by_age ON idempotent_requests (created_at);
