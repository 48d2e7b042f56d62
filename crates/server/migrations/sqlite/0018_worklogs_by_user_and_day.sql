-- A person's work on one day is at most 24 h across all tasks: the check sums their logs of that
-- day, found by this index. Keep in step with the other engine's 0018.
CREATE INDEX worklogs_user_date_idx ON worklogs (user_id, work_date);
