-- Lists come newest first a page at a time (`WHERE org_id = ? AND id < ? ORDER BY id DESC
-- LIMIT n`): these let a page be read from the index's end instead of sorting every row of the
-- organisation (the soak's task list slowed as its organisation's tasks grew).
CREATE INDEX tasks_org_page_idx ON tasks (org_id, id);
CREATE INDEX consultations_org_page_idx ON consultations (org_id, id);
