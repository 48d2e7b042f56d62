-- hourbank schema (SQLite). Money is integer kopecks, hours integer hundredths (exact, portable);
-- dates are TEXT 'YYYY-MM-DD', periods 'YYYY-MM', instants TEXT RFC 3339 UTC (sortable).
-- Keep in step with ../postgres/0001_init.sql: the same tables, columns and constraint names.

CREATE TABLE orgs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    inn            TEXT NOT NULL CONSTRAINT orgs_inn_key UNIQUE,
    -- A stored copy of the tariff's terms: changing a tariff later never rewrites history.
    tariff_name    TEXT NOT NULL,
    monthly_fee    INTEGER NOT NULL,
    included_hours INTEGER NOT NULL,
    overage_rate   INTEGER NOT NULL,
    reserve_cap    INTEGER NOT NULL,
    trial_months   INTEGER NOT NULL,
    trial_rate     INTEGER NOT NULL,
    contract_start TEXT NOT NULL,
    contract_end   TEXT,
    vat_mode       TEXT NOT NULL CHECK (vat_mode IN ('none', 'included', 'on_top')),
    vat_rate       INTEGER NOT NULL DEFAULT 0,
    -- The dedicated analyst (a user with role analyst); checked by the application, since
    -- users reference orgs and the two cannot reference each other at creation.
    analyst_id     INTEGER,
    created_at     TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CONSTRAINT users_role_check
                  CHECK (role IN ('client', 'analyst', 'specialist', 'admin', 'sales')),
    org_id        INTEGER REFERENCES orgs (id),
    phone         TEXT,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CONSTRAINT users_client_org_check CHECK ((role = 'client') = (org_id IS NOT NULL))
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX login_failures_subject_idx ON login_failures (subject, at);

CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            INTEGER NOT NULL REFERENCES orgs (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    state             TEXT NOT NULL,
    specification     TEXT,
    estimate          INTEGER,
    deadline          TEXT,
    approved_estimate INTEGER,
    created_by        INTEGER NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    accepted_at       TEXT,
    accepted_period   TEXT
);
CREATE INDEX tasks_org_idx ON tasks (org_id, state);
CREATE INDEX tasks_accepted_idx ON tasks (org_id, accepted_period);

CREATE TABLE task_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id    INTEGER NOT NULL REFERENCES tasks (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    at         TEXT NOT NULL,
    transition TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX task_events_task_idx ON task_events (task_id);

CREATE TABLE worklogs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER NOT NULL REFERENCES tasks (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    work_date   TEXT NOT NULL,
    hours       INTEGER NOT NULL CONSTRAINT worklogs_hours_check CHECK (hours > 0),
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX worklogs_task_idx ON worklogs (task_id);

CREATE TABLE closed_months (
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    period      TEXT NOT NULL,
    reserve_end INTEGER NOT NULL,
    report_json TEXT NOT NULL,
    closed_at   TEXT NOT NULL,
    closed_by   INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (org_id, period)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    org_id      INTEGER,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    before_json TEXT,
    after_json  TEXT
);

CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    method     TEXT NOT NULL,
    path       TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
