//! Schedules: create, list, read, update, delete, find the due ones, and claim a slot so that one run starts per
//! slot even with two servers on one database.

use super::{Store, StoreError, corrupt, parse};
use crate::model::{Schedule, ScheduleRun};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

const COLUMNS: &str = "id, org_id, name, targets, profile, cadence, timezone, jitter_secs, jitter_set, paused, \
                       next_run_at, last_run_at, last_scan_id, last_status, last_error, created_at, updated_at";

fn schedule(row: &SqliteRow) -> Result<Schedule, StoreError> {
    let targets: String = row.try_get("targets")?;
    let profile: String = row.try_get("profile")?;
    let jitter: i64 = row.try_get("jitter_secs")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        targets: serde_json::from_str(&targets).map_err(corrupt)?,
        profile: parse(&profile)?,
        cadence: row.try_get("cadence")?,
        timezone: row.try_get("timezone")?,
        jitter_secs: u32::try_from(jitter).map_err(corrupt)?,
        jitter_set: row.try_get::<i64, _>("jitter_set")? != 0,
        paused: row.try_get::<i64, _>("paused")? != 0,
        next_run_at: row.try_get("next_run_at")?,
        next_start_at: None,
        last_run_at: row.try_get("last_run_at")?,
        last_scan_id: row.try_get("last_scan_id")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// What a run of a schedule came to.
pub struct RunOutcome<'a> {
    pub slot: &'a str,
    pub ran_at: &'a str,
    pub scan_id: Option<&'a str>,
    pub status: &'a str,
    pub error: Option<&'a str>,
}

impl Store {
    /// Stores a new schedule if the org has fewer than `limit`; returns whether it was stored.
    pub async fn insert_schedule(&self, s: &Schedule, limit: u32) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schedules WHERE org_id = ?")
            .bind(&s.org_id)
            .fetch_one(&mut *tx)
            .await?;
        if count >= i64::from(limit) {
            return Ok(false);
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO schedules ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&s.id)
        .bind(&s.org_id)
        .bind(&s.name)
        .bind(serde_json::to_string(&s.targets).expect("serialisable"))
        .bind(s.profile.as_str())
        .bind(&s.cadence)
        .bind(&s.timezone)
        .bind(i64::from(s.jitter_secs))
        .bind(i64::from(s.jitter_set))
        .bind(i64::from(s.paused))
        .bind(&s.next_run_at)
        .bind(&s.last_run_at)
        .bind(&s.last_scan_id)
        .bind(&s.last_status)
        .bind(&s.last_error)
        .bind(&s.created_at)
        .bind(&s.updated_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The org's schedules, oldest first.
    pub async fn list_schedules(&self, org: &str) -> Result<Vec<Schedule>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedules WHERE org_id = ? ORDER BY created_at, id"
        )))
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(schedule).collect()
    }

    /// One schedule of the org.
    pub async fn get_schedule(&self, org: &str, id: &str) -> Result<Option<Schedule>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedules WHERE org_id = ? AND id = ?"
        )))
        .bind(org)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(schedule).transpose()
    }

    /// Replaces the editable fields of a schedule (name, targets, profile, cadence, zone, jitter, paused, next slot).
    pub async fn update_schedule(&self, s: &Schedule) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE schedules SET name = ?, targets = ?, profile = ?, cadence = ?, timezone = ?, jitter_secs = ?, \
             jitter_set = ?, paused = ?, next_run_at = ?, updated_at = ? WHERE org_id = ? AND id = ?",
        )
        .bind(&s.name)
        .bind(serde_json::to_string(&s.targets).expect("serialisable"))
        .bind(s.profile.as_str())
        .bind(&s.cadence)
        .bind(&s.timezone)
        .bind(i64::from(s.jitter_secs))
        .bind(i64::from(s.jitter_set))
        .bind(i64::from(s.paused))
        .bind(&s.next_run_at)
        .bind(&s.updated_at)
        .bind(&s.org_id)
        .bind(&s.id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a schedule of the org; returns whether it existed.
    pub async fn delete_schedule(&self, org: &str, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM schedules WHERE org_id = ? AND id = ?")
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            sqlx::query("DELETE FROM schedule_runs WHERE schedule_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Active schedules, every org, soonest slot first (the scheduler's view).
    pub async fn active_schedules(&self) -> Result<Vec<Schedule>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL ORDER BY next_run_at"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(schedule).collect()
    }

    /// Moves a schedule from the slot `from` to the slot `to`, only if it still is at `from` and active: the one
    /// caller that succeeds owns the run of `from`.
    pub async fn claim_schedule_slot(
        &self,
        id: &str,
        from: &str,
        to: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ? AND paused = 0",
        )
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records what a run came to, in the schedule and in its run history (the last 100 kept).
    pub async fn record_schedule_run(
        &self,
        id: &str,
        run: &RunOutcome<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT OR REPLACE INTO schedule_runs (schedule_id, slot, started_at, status, scan_id, error) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(run.slot)
        .bind(run.ran_at)
        .bind(run.status)
        .bind(run.scan_id)
        .bind(run.error)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM schedule_runs WHERE schedule_id = ? AND slot NOT IN \
             (SELECT slot FROM schedule_runs WHERE schedule_id = ? ORDER BY slot DESC LIMIT 100)",
        )
        .bind(id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE schedules SET last_run_at = ?, last_scan_id = COALESCE(?, last_scan_id), last_status = ?, \
             last_error = ? WHERE id = ?",
        )
        .bind(run.ran_at)
        .bind(run.scan_id)
        .bind(run.status)
        .bind(run.error)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some(scan_id) = run.scan_id {
            // A quick scan may have ended before its run was recorded.
            sync_run_with_scan(&mut tx, scan_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives the scheduled run that started `scan_id` (and its schedule's last status, while that run is still the
    /// schedule's last) the scan's end, once the scan has ended; nothing when no schedule started it.
    pub async fn finish_schedule_run(&self, scan_id: &str) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sync_run_with_scan(&mut tx, scan_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A schedule's runs, newest first.
    pub async fn schedule_runs(
        &self,
        id: &str,
        limit: u32,
    ) -> Result<Vec<ScheduleRun>, StoreError> {
        let rows = sqlx::query(
            "SELECT slot, started_at, status, scan_id, error FROM schedule_runs WHERE schedule_id = ? \
             ORDER BY slot DESC LIMIT ?",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScheduleRun {
                    slot: r.try_get("slot")?,
                    started_at: r.try_get("started_at")?,
                    status: r.try_get("status")?,
                    scan_id: r.try_get("scan_id")?,
                    error: r.try_get("error")?,
                })
            })
            .collect()
    }
}

async fn sync_run_with_scan(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    scan_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE schedule_runs SET status = s.status, error = COALESCE(s.error, schedule_runs.error) \
         FROM scans s WHERE s.id = schedule_runs.scan_id AND schedule_runs.scan_id = ? \
         AND s.status IN ('completed', 'failed', 'cancelled')",
    )
    .bind(scan_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE schedules SET last_status = s.status, last_error = s.error \
         FROM scans s WHERE s.id = schedules.last_scan_id AND schedules.last_scan_id = ? \
         AND schedules.last_status = 'started' AND s.status IN ('completed', 'failed', 'cancelled')",
    )
    .bind(scan_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
