-- A consultation is listed, and billed when billable, in the report of `period`: the month of its
-- date, or, when that month was already closed as it was logged (a month may close on its last
-- working day, and consultations are often logged a day or two late), the first open month
-- after it (`shared/domain.md`: nothing billed is lost). A closed month stays frozen either way.
-- Keep in step with ../sqlite/0016_consultation_billed_month.sql.
ALTER TABLE consultations DISABLE TRIGGER consultations_never_changed;
ALTER TABLE consultations ADD COLUMN period TEXT;
UPDATE consultations SET period = substr(date, 1, 7);
ALTER TABLE consultations ENABLE TRIGGER consultations_never_changed;
ALTER TABLE consultations ALTER COLUMN period SET NOT NULL;
ALTER TABLE consultations ADD CONSTRAINT consultations_period_check
    CHECK (length(period) = 7 AND period >= substr(date, 1, 7));

-- A month's report lists its consultations newest first, a page at a time (`period = ? ORDER BY
-- id DESC`), and its statement sums the billable ones by `period`.
DROP INDEX consultations_org_date_idx;
CREATE INDEX consultations_org_period_idx ON consultations (org_id, period, id);
DROP INDEX consultations_billable_idx;
CREATE INDEX consultations_billable_idx ON consultations (org_id, period, duration) WHERE billable <> 0;
