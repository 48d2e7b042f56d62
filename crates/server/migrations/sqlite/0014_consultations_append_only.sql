-- A consultation, once logged, is never changed or removed: the API has no such operation, and
-- the server relies on it. An open month's report lists the consultations read so far and reads
-- only the ones logged since (listing::MonthListing), so a change to a logged one would never
-- reach the report. Whoever adds corrections must change the listing too. Keep in step with
-- ../postgres/0014_consultations_append_only.sql.
CREATE TRIGGER consultations_never_updated BEFORE UPDATE ON consultations
BEGIN
    SELECT RAISE(ABORT, 'consultations are never changed (see listing.rs)');
END;

CREATE TRIGGER consultations_never_deleted BEFORE DELETE ON consultations
BEGIN
    SELECT RAISE(ABORT, 'consultations are never removed (see listing.rs)');
END;
