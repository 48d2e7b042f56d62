-- What an accepted task puts in its month's report, written when the client accepts it: the
-- billed hours and the report's JSON entry of the task with its work logs. Acceptance is final,
-- so the entry never changes; a report reads its month's entries instead of rebuilding each one.
-- Tasks accepted before this table existed get theirs when the server starts.
CREATE TABLE report_entries (
    task_id     INTEGER PRIMARY KEY REFERENCES tasks (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    period      TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    billed      INTEGER NOT NULL,
    entry       TEXT NOT NULL
);
CREATE INDEX report_entries_month_idx ON report_entries (org_id, period, accepted_at, task_id);
