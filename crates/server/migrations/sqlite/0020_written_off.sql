-- Approved work written off by staff is settled like cancelled work, in the month of the write-off
-- (`cancelled_period`), but bills 0 h: the report lists it with the staff's reason, so approved
-- work is never silently dropped (shared/domain.md). Write-offs made before this migration keep
-- no month (they were listed nowhere then, and closed months stay as they were); the flag is set
-- for them so that their task still reads as written off. Keep in step with ../postgres/0020.
ALTER TABLE tasks ADD COLUMN written_off INTEGER NOT NULL DEFAULT 0 CHECK (written_off IN (0, 1));
UPDATE tasks SET written_off = 1 WHERE id IN (SELECT task_id FROM task_events WHERE transition = 'write_off');
