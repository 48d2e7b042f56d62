-- A consultation, once logged, is a record of work done: it is never changed or removed (a
-- mistake is corrected by a new entry, as in a ledger). The server relies on it when it lists a
-- month's consultations (services::reports::MonthListing). Keep in step with
-- ../sqlite/0014_consultations_append_only.sql.
CREATE FUNCTION consultations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consultations are never %: log a correcting one',
        CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'removed' END;
END;
$$;

CREATE TRIGGER consultations_never_changed BEFORE UPDATE OR DELETE ON consultations
    FOR EACH ROW EXECUTE FUNCTION consultations_append_only();
