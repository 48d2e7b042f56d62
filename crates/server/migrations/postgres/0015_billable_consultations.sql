-- A month's statement sums its billable consultations (`WHERE org_id = ? AND billable <> 0 AND
-- date BETWEEN …`) at every build of its report. Consultations bill only when staff mark them
-- (off by default), so an index of the billable ones alone, with their durations, lets the sum
-- read those few instead of every consultation of the month.
CREATE INDEX consultations_billable_idx ON consultations (org_id, date, duration) WHERE billable <> 0;
