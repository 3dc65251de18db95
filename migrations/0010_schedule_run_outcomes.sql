-- A scheduled run's status follows its scan: started while the scan runs, then the scan's own end (completed,
-- failed or cancelled). The scan's end finds its run, and the schedule showing it, by scan id.

CREATE INDEX schedule_runs_scan ON schedule_runs (scan_id) WHERE scan_id IS NOT NULL;
CREATE INDEX schedules_last_scan ON schedules (last_scan_id) WHERE last_scan_id IS NOT NULL;
