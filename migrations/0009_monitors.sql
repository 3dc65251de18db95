-- Monitors: the alert rules that decide which events a finished scan raises, per target or for the whole org.
-- An org without monitors gets every rule, org-wide, with its default threshold.

CREATE TABLE monitors (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    -- A target URL, or NULL for every target of the org.
    target        TEXT,
    -- new-finding, grade-drop, cert-expiring, unreachable, scan-failed.
    rule          TEXT NOT NULL,
    -- new-finding: the lowest severity that alerts.
    min_severity  TEXT,
    -- cert-expiring: alert when the certificate has at most this many days left.
    days          INTEGER,
    created_at    TEXT NOT NULL
);

CREATE INDEX monitors_org ON monitors (org_id, created_at);
