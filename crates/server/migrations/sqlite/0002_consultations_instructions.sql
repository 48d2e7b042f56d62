-- Consultations (phone, CRM chat, mobile app) and user instructions attached to tasks.
-- Keep in step with ../postgres/0002_consultations_instructions.sql: the same tables, columns and
-- constraint names.

CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    specialist_id INTEGER NOT NULL REFERENCES users (id),
    channel       TEXT NOT NULL CONSTRAINT consultations_channel_check
                  CHECK (channel IN ('phone', 'crm_chat', 'mobile_app')),
    date          TEXT NOT NULL,
    -- Hundredths of an hour; at most one day.
    duration      INTEGER NOT NULL CONSTRAINT consultations_duration_check CHECK (duration > 0 AND duration <= 2400),
    topic         TEXT NOT NULL,
    -- 1: the duration counts as hours of its month, like an accepted task.
    billable      INTEGER NOT NULL CONSTRAINT consultations_billable_check CHECK (billable IN (0, 1)),
    created_at    TEXT NOT NULL
);
CREATE INDEX consultations_org_date_idx ON consultations (org_id, date);

CREATE TABLE instructions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id    INTEGER NOT NULL REFERENCES tasks (id),
    -- The task's organisation, copied so instructions are scoped without a join.
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    title      TEXT NOT NULL,
    markdown   TEXT NOT NULL,
    -- Rendered from the Markdown and sanitized when written; served as is.
    html       TEXT NOT NULL,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX instructions_task_idx ON instructions (task_id);
CREATE INDEX instructions_org_idx ON instructions (org_id);
