-- Accounts (issue «Safe to put on the internet»). Keep in step with ../postgres/0010_accounts.sql.
-- A disabled user cannot sign in, and every session of theirs ends when they are disabled.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
-- When a session was last used: it ends after the idle lifetime, as well as at `expires_at`.
ALTER TABLE sessions ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';
-- Sessions open at the upgrade count as used when they were opened.
UPDATE sessions SET last_seen = created_at;
-- The session list shows where a session was opened from.
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_at_idx ON login_failures (at);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
