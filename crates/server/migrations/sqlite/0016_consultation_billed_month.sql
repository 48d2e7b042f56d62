-- A consultation is listed, and billed when billable, in the report of `period`: the month of its
-- date, or, when that month was already closed as it was logged (a month may close on its last
-- working day, and consultations are often logged a day or two late), the first open month
-- after it (`shared/domain.md`: nothing billed is lost). A closed month stays frozen either way.
-- Keep in step with ../postgres/0016_consultation_billed_month.sql.
DROP TRIGGER consultations_never_updated;
ALTER TABLE consultations ADD COLUMN period TEXT NOT NULL DEFAULT '';
UPDATE consultations SET period = substr(date, 1, 7);
CREATE TRIGGER consultations_never_updated BEFORE UPDATE ON consultations
BEGIN
    SELECT RAISE(ABORT, 'consultations are never changed (see listing.rs)');
END;

-- SQLite adds no CHECK to an existing table: a consultation without its month, or billed before
-- its date, is refused here instead (PostgreSQL: consultations_period_check).
CREATE TRIGGER consultations_period_check BEFORE INSERT ON consultations
WHEN NEW.period IS NULL OR length(NEW.period) <> 7 OR NEW.period < substr(NEW.date, 1, 7)
BEGIN
    SELECT RAISE(ABORT, 'a consultation bills in the month of its date or a later one');
END;

-- A month's report lists its consultations newest first, a page at a time (`period = ? ORDER BY
-- id DESC`), and its statement sums the billable ones by `period`.
DROP INDEX consultations_org_date_idx;
CREATE INDEX consultations_org_period_idx ON consultations (org_id, period, id);
DROP INDEX consultations_billable_idx;
CREATE INDEX consultations_billable_idx ON consultations (org_id, period, duration) WHERE billable <> 0;
