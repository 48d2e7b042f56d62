-- The tariff catalogue: «Старт» is built in; sales and admins add others. An organisation keeps
-- its own copy of the terms it signed, so editing the catalogue never rewrites history.
CREATE TABLE tariffs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL CONSTRAINT tariffs_name_key UNIQUE,
    monthly_fee    INTEGER NOT NULL,
    included_hours INTEGER NOT NULL,
    overage_rate   INTEGER NOT NULL,
    reserve_cap    INTEGER NOT NULL,
    trial_months   INTEGER NOT NULL,
    trial_rate     INTEGER NOT NULL,
    created_by     INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL
);
