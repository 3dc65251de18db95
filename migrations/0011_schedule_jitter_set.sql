-- Whether a schedule's jitter was given (kept when the cadence changes) or is its cadence's default (which follows a
-- new cadence: a cron expression keeps its minute, a preset spreads its runs).

ALTER TABLE schedules ADD COLUMN jitter_set INTEGER NOT NULL DEFAULT 0;
