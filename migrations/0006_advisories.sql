-- Advisory feeds imported by `palisade db import` and `palisade db update`: one row per feed (the retire.js
-- repository, CISA's KEV catalog, OSV records) and its records as JSON (a library, a KEV entry, an OSV record).
-- Scans read them together with the bundled database. An import writes a feed and its records in one transaction:
-- a whole catalog replaces the feed's records, OSV records replace those with the same id.

CREATE TABLE advisory_feeds (
    kind         TEXT PRIMARY KEY,
    -- The file or URL of the last import.
    source       TEXT NOT NULL,
    -- The feed's own version or date, when it states one (KEV's catalogVersion).
    version      TEXT,
    imported_at  TEXT NOT NULL,
    -- JSON: what the last import loaded and skipped, and why.
    report       TEXT NOT NULL
);

CREATE TABLE advisory_records (
    kind  TEXT NOT NULL REFERENCES advisory_feeds (kind) ON DELETE CASCADE,
    key   TEXT NOT NULL,
    data  TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
