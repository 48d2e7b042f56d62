-- Who works on a task: a specialist (or analyst) the analyst assigns; NULL while nobody is.
ALTER TABLE tasks ADD COLUMN assignee_id INTEGER REFERENCES users (id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, state);
