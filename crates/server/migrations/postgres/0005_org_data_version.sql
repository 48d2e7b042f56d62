-- Bumped by every audited change to an organisation's data, so a server can cache a computed
-- report and know, with one indexed read, whether it is still current.
ALTER TABLE orgs ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
