-- Schedules: scans that `palisade serve` starts on a cadence (a preset or a cron expression in a time zone).

CREATE TABLE schedules (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    name          TEXT NOT NULL,
    -- JSON array of targets, as given (URLs or host names).
    targets       TEXT NOT NULL,
    profile       TEXT NOT NULL,
    -- A preset (hourly, every-12hours, daily, weekly-monday) or five cron fields.
    cadence       TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    -- Runs start this many seconds at most after their slot, by a stable function of the id.
    jitter_secs   INTEGER NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0,
    -- The next slot (UTC); the run starts at this slot plus the schedule's offset. NULL when paused.
    next_run_at   TEXT,
    last_run_at   TEXT,
    last_scan_id  TEXT,
    -- started, skipped (the previous run still going), failed (with last_error).
    last_status   TEXT,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX schedules_org ON schedules (org_id, created_at);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused = 0;

-- Each run a schedule started or skipped, newest kept (the App trims to the last 100 per schedule).
CREATE TABLE schedule_runs (
    schedule_id   TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    -- The slot this run is for (UTC), and when it started (the slot plus the schedule's offset, or later after
    -- downtime).
    slot          TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    -- started, skipped or failed.
    status        TEXT NOT NULL,
    scan_id       TEXT,
    error         TEXT,
    PRIMARY KEY (schedule_id, slot)
);
