-- Counting a scan's findings, by target, severity and status (every read of a scan does) or under any filter of the
-- findings API (severity floor, category, module, status, target), from the index alone, without reading the rows.
CREATE INDEX findings_scan_filters ON findings (scan_id, status, severity_rank, category, module, target_id, severity);
