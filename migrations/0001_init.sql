-- Palisade's first schema: orgs, targets, scans, their targets, findings and coverage.
-- Timestamps are RFC 3339 UTC text with milliseconds (they sort as text).

CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

INSERT INTO orgs (id, name, created_at) VALUES ('default', 'Default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE targets (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    input         TEXT NOT NULL,
    url           TEXT NOT NULL,
    host          TEXT NOT NULL,
    label         TEXT,
    verification  TEXT NOT NULL DEFAULT 'unverified',
    created_at    TEXT NOT NULL,
    UNIQUE (org_id, url)
);

CREATE TABLE scans (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    profile       TEXT NOT NULL,
    status        TEXT NOT NULL,
    phase         TEXT NOT NULL DEFAULT 'queued',
    checks_done   INTEGER NOT NULL DEFAULT 0,
    checks_total  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    error         TEXT,
    requests      INTEGER NOT NULL DEFAULT 0,
    verify_of     TEXT REFERENCES scans (id),
    -- Which process runs the scan ("host:pid:start-ticks") and until when its lease holds; a scan whose owner is
    -- gone becomes failed/interrupted when the next process starts.
    owner         TEXT,
    lease_until   TEXT
);

CREATE INDEX scans_org_created ON scans (org_id, created_at DESC);
CREATE INDEX scans_status ON scans (status);

-- Targets of a scan. No foreign key to targets: removing a target keeps the history of its scans.
CREATE TABLE scan_targets (
    scan_id           TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    target_id         TEXT NOT NULL,
    position          INTEGER NOT NULL,
    url               TEXT NOT NULL,
    host              TEXT NOT NULL,
    previous_scan_id  TEXT,
    security_score    INTEGER,
    risk_grade        TEXT,
    observatory       TEXT,
    error             TEXT,
    PRIMARY KEY (scan_id, target_id)
);

CREATE INDEX scan_targets_url ON scan_targets (url);

CREATE TABLE findings (
    scan_id        TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    fingerprint    TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    target_id      TEXT NOT NULL,
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
    PRIMARY KEY (scan_id, fingerprint)
);

CREATE INDEX findings_scan_rank ON findings (scan_id, severity_rank DESC, seq);

CREATE TABLE coverage (
    scan_id      TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    target_id    TEXT NOT NULL,
    check_id     TEXT NOT NULL,
    state        TEXT NOT NULL,
    detail       TEXT,
    findings     INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scan_id, target_id, check_id)
);
