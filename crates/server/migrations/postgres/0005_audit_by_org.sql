-- Every audited change to an organisation's data adds a row here, so the newest id per
-- organisation tells a server whether a cached report of it is still current.
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id);
