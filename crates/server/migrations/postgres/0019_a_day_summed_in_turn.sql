-- A person's hours logged on one day, summed only after any other log of theirs on that day in
-- flight has ended. A work log's insert checks that the day stays within 24 h; summed in the
-- statement itself, two logs at once each read the day without the other (READ COMMITTED reads
-- as of the statement's start) and both were stored (28 of 30 one-hour logs on one day). Here a
-- lock on the person's day is taken first (held until the transaction ends), and a VOLATILE
-- function's query reads anew, after it: the logs of one day are checked one after another, and
-- logs of other days or people do not wait. (A hash collision only makes two days wait for each
-- other.) SQLite has one writer and sums in the statement.
CREATE FUNCTION hours_logged_that_day(person BIGINT, day TEXT) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('hours of ' || person || ' on ' || day));
    RETURN (SELECT CAST(COALESCE(SUM(hours), 0) AS BIGINT) FROM worklogs WHERE user_id = person AND work_date = day);
END
$$;
