-- What a scan learned about each target's build (stack and content sources, JSON), for fixes written for that
-- stack; and the root cause a finding shares with others (the same secret in several files), so one fix covers them.

ALTER TABLE scan_targets ADD COLUMN site TEXT;
ALTER TABLE findings ADD COLUMN root_cause TEXT;
