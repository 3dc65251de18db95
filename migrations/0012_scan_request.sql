-- What a scan was asked to run beyond its profile and targets (checks, template selection, the findings a
-- verification re-checks), as JSON, and whether a server started it (`resume`): a scan a server started, interrupted
-- by a stop, is run again under the same id by the next server; one started by the foreground CLI, or stored
-- before this migration, ends failed as before.

ALTER TABLE scans ADD COLUMN request TEXT;
ALTER TABLE scans ADD COLUMN resume INTEGER NOT NULL DEFAULT 0;
