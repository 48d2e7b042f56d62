-- A consultation, once logged, is a record of work done: it is never changed or removed (a
-- mistake is corrected by a new entry, as in a ledger). The server relies on it: an open month's
-- report lists the consultations read so far and reads only the ones logged since
-- (services::reports::MonthListing). Keep in step with ../postgres/0014_consultations_append_only.sql.
CREATE TRIGGER consultations_never_updated BEFORE UPDATE ON consultations
BEGIN
    SELECT RAISE(ABORT, 'consultations are never changed: log a correcting one');
END;

CREATE TRIGGER consultations_never_deleted BEFORE DELETE ON consultations
BEGIN
    SELECT RAISE(ABORT, 'consultations are never removed: log a correcting one');
END;
