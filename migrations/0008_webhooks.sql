-- Webhooks and their deliveries. A delivery is stored before it is sent, and retried from the store, so a restart
-- loses none.

CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    url          TEXT NOT NULL,
    -- Comma-separated: scan.completed, scan.failed, finding.new, score.degraded, cert.expiring.
    events       TEXT NOT NULL,
    -- json (signed Palisade payloads) or slack (Slack incoming-webhook messages).
    format       TEXT NOT NULL,
    -- The HMAC-SHA256 key of the Palisade-Signature header (shown once at creation; needed to sign).
    secret       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE INDEX webhooks_org ON webhooks (org_id, created_at);

CREATE TABLE deliveries (
    id                TEXT PRIMARY KEY,
    webhook_id        TEXT NOT NULL,
    org_id            TEXT NOT NULL,
    event             TEXT NOT NULL,
    -- The exact body sent (the signature covers it).
    payload           TEXT NOT NULL,
    -- pending, delivered, failed (gave up after 24 hours, or the URL is refused).
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT,
    last_status_code  INTEGER,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    delivered_at      TEXT
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, created_at);
