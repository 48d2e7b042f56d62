-- The keyed write's two statements as the server sends them on PostgreSQL (the session with its
-- key, then the key, the task and its audit row in one statement), without HTTP or the server:
-- what this machine's PostgreSQL alone can do. Against a database the server has migrated and
-- signed someone in on (`hourbank serve --demo --database-url postgres://…`, then
-- `POST /api/v1/session` as buh@romashka.demo):
--   pgbench -n -M prepared -c 16 -j 2 -T 20 -f scripts/pgbench-keyed.sql \
--     -D token_hash=<sessions.token_hash> -D user_id=<its user> -D org_id=<its org> postgres://…
-- The server also records each answer (in batches, without waiting for the disk); that is left
-- out, so this is a ceiling for the keyed write, not its equal.
\set key random(1, 2000000000)
SELECT u.id, u.role, u.org_id, u.name, u.email, s.last_seen, CASE WHEN u.org_id IS NOT NULL THEN (SELECT a.id FROM audit_log a WHERE a.org_id = u.org_id ORDER BY a.org_id DESC, a.id DESC LIMIT 1) END AS org_version, k.status, k.body, k.request_hash, k.created_at FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN idempotency_keys k ON k.user_id = u.id AND k.key = 'k-' || :client_id || '-' || :key WHERE s.token_hash = :token_hash AND s.expires_at > '2000-01-01T00:00:00.000Z' AND s.last_seen > '2000-01-01T00:00:00.000Z' AND u.disabled = 0;
WITH idempotency_key AS (INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) VALUES (:user_id, 'k-' || :client_id || '-' || md5(random()::text || clock_timestamp()::text), 'POST', '/tasks', 0, '', '2026-11-28T14:20:17.191Z', 'ca1d3a964b2c8db47b0507b8e5ce8941ac025fda9445edc4c8ef43b72d2c57e1')), created AS (INSERT INTO tasks (org_id, title, description, state, created_by, created_at, updated_at, warranty_of) VALUES (:org_id, 'Печать', 'не печатает', 'new', :user_id, '2026-11-28T14:20:17.191Z', '2026-11-28T14:20:17.191Z', NULL) RETURNING id) INSERT INTO audit_log (at, user_id, org_id, action, entity, entity_id, before_json, after_json) SELECT '2026-11-28T14:20:17.191Z', :user_id, :org_id, 'create', 'task', id, NULL, '{"description":"не печатает","state":"new","title":"Печать"}' FROM created RETURNING entity_id AS id;
