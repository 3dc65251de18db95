-- Counting a scan's findings by target, severity and status (every read of a scan does) from the index alone,
-- without reading the rows.
CREATE INDEX findings_scan_counts ON findings (scan_id, target_id, severity, status);
