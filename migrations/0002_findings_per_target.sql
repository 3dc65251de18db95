-- A finding belongs to one target of a scan: two targets on the same host (https://x/ and https://x/app) both
-- report the host's certificate problem. The first schema keyed findings by (scan, fingerprint) and dropped the
-- second target's copy; rebuild the table keyed by (scan, target, fingerprint), keeping every row.

CREATE TABLE findings_new (
    scan_id        TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    target_id      TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    check_id       TEXT NOT NULL,
    module         TEXT NOT NULL,
    category       TEXT NOT NULL,
    severity       TEXT NOT NULL,
    severity_rank  INTEGER NOT NULL,
    confidence     TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    location       TEXT NOT NULL,
    evidence       TEXT,
    remediation    TEXT NOT NULL,
    refs           TEXT NOT NULL DEFAULT '[]',
    cwe            INTEGER,
    cve            TEXT NOT NULL DEFAULT '[]',
    kev            INTEGER NOT NULL DEFAULT 0,
    cvss           REAL,
    status         TEXT NOT NULL,
    found_at       TEXT NOT NULL,
    PRIMARY KEY (scan_id, target_id, fingerprint)
);

INSERT INTO findings_new (scan_id, target_id, fingerprint, seq, check_id, module, category, severity, severity_rank,
        confidence, title, description, location, evidence, remediation, refs, cwe, cve, kev, cvss, status, found_at)
    SELECT scan_id, target_id, fingerprint, seq, check_id, module, category, severity, severity_rank, confidence,
        title, description, location, evidence, remediation, refs, cwe, cve, kev, cvss, status, found_at
    FROM findings;

DROP TABLE findings;
ALTER TABLE findings_new RENAME TO findings;
CREATE INDEX findings_scan_rank ON findings (scan_id, severity_rank DESC, seq);
CREATE INDEX findings_scan_target_check ON findings (scan_id, target_id, check_id);
