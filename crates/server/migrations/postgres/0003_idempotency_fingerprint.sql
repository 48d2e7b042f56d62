-- A repeated Idempotency-Key must come with the same request; the fingerprint tells.
ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
