-- Billing invariants (shared/domain.md). Keep in step with ../postgres/0008_ledger.sql.
-- A task's `accepted_period` is the month whose report bills it: the month it was accepted, or
-- the first open month after it when that month was already closed.
-- Approved work that is cancelled bills in `cancelled_period` (the first open month from the
-- cancellation); NULL when nothing bills (never approved, or written off by staff).
ALTER TABLE tasks ADD COLUMN cancelled_at TEXT;
ALTER TABLE tasks ADD COLUMN cancelled_period TEXT;
-- A warranty claim: the accepted task it reopens. It follows the workflow and bills 0 h.
ALTER TABLE tasks ADD COLUMN warranty_of INTEGER REFERENCES tasks (id);
CREATE INDEX tasks_warranty_idx ON tasks (warranty_of);
-- Days after acceptance during which the client may claim warranty work (a tariff term).
ALTER TABLE tariffs ADD COLUMN warranty_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE orgs ADD COLUMN warranty_days INTEGER NOT NULL DEFAULT 30;
