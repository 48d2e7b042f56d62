-- A consultation, once logged, is never changed or removed: the API has no such operation, and
-- the server relies on it (listing::MonthListing). Whoever adds corrections must change the
-- listing too. Keep in step with ../sqlite/0014_consultations_append_only.sql.
CREATE FUNCTION consultations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consultations are never % (see listing.rs)',
        CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'removed' END;
END;
$$;

CREATE TRIGGER consultations_never_changed BEFORE UPDATE OR DELETE ON consultations
    FOR EACH ROW EXECUTE FUNCTION consultations_append_only();
