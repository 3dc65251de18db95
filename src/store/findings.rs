//! Findings and coverage: batched writes, filtered and paged reads.

use super::{Store, StoreError, corrupt, parse};
use crate::model::{Category, Coverage, Finding, FindingStatus, Module, ScanStatus, Severity};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

/// Which findings of a scan to read.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only findings at or above this severity.
    pub min_severity: Option<Severity>,
    pub category: Option<Category>,
    pub module: Option<Module>,
    pub status: Option<FindingStatus>,
    pub target_id: Option<String>,
    /// Only these fingerprints.
    pub fingerprints: Option<Vec<String>>,
}

/// Where a finding sits in a scan's worst-first order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePos {
    pub rank: i64,
    pub seq: i64,
}

fn position(row: &SqliteRow) -> Result<PagePos, StoreError> {
    Ok(PagePos {
        rank: row.try_get("severity_rank")?,
        seq: row.try_get("seq")?,
    })
}

fn finding(row: &SqliteRow) -> Result<Finding, StoreError> {
    let json_list = |col: &str| -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&row.try_get::<String, _>(col)?).map_err(corrupt)
    };
    Ok(Finding {
        fingerprint: row.try_get("fingerprint")?,
        scan_id: row.try_get("scan_id")?,
        target_id: row.try_get("target_id")?,
        check_id: row.try_get("check_id")?,
        module: parse(row.try_get("module")?)?,
        category: parse(row.try_get("category")?)?,
        severity: parse(row.try_get("severity")?)?,
        confidence: parse(row.try_get("confidence")?)?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: row.try_get("location")?,
        evidence: row.try_get("evidence")?,
        remediation: row.try_get("remediation")?,
        references: json_list("refs")?,
        cwe: row.try_get::<Option<i64>, _>("cwe")?.map(|c| c as u32),
        cve: json_list("cve")?,
        kev: row.try_get::<i64, _>("kev")? != 0,
        cvss: row.try_get::<Option<f64>, _>("cvss")?.map(|c| c as f32),
        status: parse(row.try_get("status")?)?,
        found_at: row.try_get("found_at")?,
        root_cause: row.try_get("root_cause")?,
    })
}

impl Store {
    /// The highest position a finding of the scan has (0 for none): a scan run again after a restart numbers its
    /// findings on from there, so that positions stay unique and pages of findings skip none.
    pub async fn last_finding_seq(&self, scan_id: &str) -> Result<u32, StoreError> {
        let seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM findings WHERE scan_id = ?")
                .bind(scan_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(seq as u32)
    }

    /// What an earlier run of the scan stored, one `(target id, fingerprint, check id)` per open finding: a scan
    /// run again after a restart closes those its complete run no longer finds.
    pub async fn open_finding_keys(
        &self,
        scan_id: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT target_id, fingerprint, check_id FROM findings WHERE scan_id = ? AND status != 'fixed'",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("target_id")?,
                    r.try_get("fingerprint")?,
                    r.try_get("check_id")?,
                ))
            })
            .collect()
    }

    /// Drops findings of a scan an interrupted run of it stored and the run that completed it did not find again
    /// although their check ran to its end: the scan reports what its complete run found. (One the previous scan
    /// had is then recorded `fixed` by the baseline comparison, as for any scan.)
    pub async fn drop_findings(
        &self,
        scan_id: &str,
        fingerprints: &[String],
    ) -> Result<(), StoreError> {
        if fingerprints.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for fp in fingerprints {
            sqlx::query("DELETE FROM findings WHERE scan_id = ? AND fingerprint = ?")
                .bind(scan_id)
                .bind(fp)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes a batch of findings in one transaction; a fingerprint already stored for the scan is kept as is.
    /// `seq` numbers them in the order found.
    pub async fn insert_findings(&self, findings: &[(u32, Finding)]) -> Result<(), StoreError> {
        if findings.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for (seq, f) in findings {
            sqlx::query(
                "INSERT OR IGNORE INTO findings (scan_id, fingerprint, seq, target_id, check_id, module, category,
                    severity, severity_rank, confidence, title, description, location, evidence, remediation, refs,
                    cwe, cve, kev, cvss, status, found_at, root_cause)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&f.scan_id)
            .bind(&f.fingerprint)
            .bind(*seq as i64)
            .bind(&f.target_id)
            .bind(&f.check_id)
            .bind(f.module.as_str())
            .bind(f.category.as_str())
            .bind(f.severity.as_str())
            .bind(f.severity.rank())
            .bind(f.confidence.as_str())
            .bind(&f.title)
            .bind(&f.description)
            .bind(&f.location)
            .bind(&f.evidence)
            .bind(&f.remediation)
            .bind(serde_json::to_string(&f.references).expect("serialisable"))
            .bind(f.cwe.map(i64::from))
            .bind(serde_json::to_string(&f.cve).expect("serialisable"))
            .bind(f.kev as i64)
            .bind(f.cvss.map(f64::from))
            .bind(f.status.as_str())
            .bind(&f.found_at)
            .bind(&f.root_cause)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The status of a scan of `org` (`None` when it has no such scan): the cheap check before reading findings.
    pub async fn scan_status(&self, org: &str, id: &str) -> Result<Option<ScanStatus>, StoreError> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM scans WHERE org_id = ? AND id = ?")
                .bind(org)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        status.as_deref().map(parse).transpose()
    }

    /// One page of a scan's findings, worst first, and how many match in all.
    pub async fn list_findings(
        &self,
        scan_id: &str,
        filter: &FindingFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<Finding>, u64), StoreError> {
        let total = self.count_findings(scan_id, filter).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT * FROM findings WHERE scan_id = ");
        q.push_bind(scan_id);
        push_filter(&mut q, filter);
        q.push(" ORDER BY severity_rank DESC, seq LIMIT ")
            .push_bind(limit as i64)
            .push(" OFFSET ")
            .push_bind(offset as i64);
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok((rows.iter().map(finding).collect::<Result<_, _>>()?, total))
    }

    /// How many of a scan's findings match `filter`.
    pub async fn count_findings(
        &self,
        scan_id: &str,
        filter: &FindingFilter,
    ) -> Result<u64, StoreError> {
        self.count_matching(scan_id, filter, false).await
    }

    /// How many of a scan's findings match `filter`; counted once per filter when the scan has `ended`.
    pub async fn count_matching(
        &self,
        scan_id: &str,
        filter: &FindingFilter,
        ended: bool,
    ) -> Result<u64, StoreError> {
        let key = (scan_id.to_string(), format!("{filter:?}"));
        if ended && let Some(n) = self.ended.lock().expect("counts lock").matches.get(&key) {
            return Ok(*n);
        }
        let mut count =
            QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM findings WHERE scan_id = ");
        count.push_bind(scan_id);
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        if ended {
            let mut cache = self.ended.lock().expect("counts lock");
            if cache.matches.len() >= super::EndedCounts::MAX {
                cache.matches.clear();
            }
            cache.matches.insert(key, total as u64);
        }
        Ok(total as u64)
    }

    /// Up to `limit` findings of a scan, worst first, after position `after` (keyset paging: each page costs the
    /// same however deep it is), each with its position.
    pub async fn page_findings(
        &self,
        scan_id: &str,
        filter: &FindingFilter,
        limit: u32,
        after: Option<PagePos>,
    ) -> Result<Vec<(PagePos, Finding)>, StoreError> {
        // Two index range scans instead of one OR the planner cannot use: the rest of the cursor's severity,
        // then the lower severities.
        let mut out = Vec::with_capacity(limit as usize);
        let fetch = |q: &mut QueryBuilder<Sqlite>, n: usize| {
            q.push(" ORDER BY severity_rank DESC, seq LIMIT ")
                .push_bind(n as i64);
        };
        if let Some(pos) = after {
            let mut q = QueryBuilder::<Sqlite>::new("SELECT * FROM findings WHERE scan_id = ");
            q.push_bind(scan_id)
                .push(" AND severity_rank = ")
                .push_bind(pos.rank)
                .push(" AND seq > ")
                .push_bind(pos.seq);
            push_filter(&mut q, filter);
            fetch(&mut q, limit as usize);
            for row in q.build().fetch_all(&self.pool).await? {
                out.push((position(&row)?, finding(&row)?));
            }
        }
        let left = limit as usize - out.len();
        if left > 0 {
            let mut q = QueryBuilder::<Sqlite>::new("SELECT * FROM findings WHERE scan_id = ");
            q.push_bind(scan_id);
            if let Some(pos) = after {
                q.push(" AND severity_rank < ").push_bind(pos.rank);
            }
            push_filter(&mut q, filter);
            fetch(&mut q, left);
            for row in q.build().fetch_all(&self.pool).await? {
                out.push((position(&row)?, finding(&row)?));
            }
        }
        Ok(out)
    }

    /// Writes coverage rows (replacing rows of the same check and target).
    pub async fn insert_coverage(
        &self,
        scan_id: &str,
        rows: &[Coverage],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for c in rows {
            sqlx::query(
                "INSERT OR REPLACE INTO coverage (scan_id, target_id, check_id, state, detail, findings, duration_ms)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(scan_id)
            .bind(&c.target_id)
            .bind(&c.check_id)
            .bind(c.state.as_str())
            .bind(&c.detail)
            .bind(c.findings as i64)
            .bind(c.duration_ms as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A scan's coverage, in the order checks are registered within each target.
    pub async fn list_coverage(&self, scan_id: &str) -> Result<Vec<Coverage>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.target_id, c.check_id, c.state, c.detail, c.findings, c.duration_ms
             FROM coverage c LEFT JOIN scan_targets st ON st.scan_id = c.scan_id AND st.target_id = c.target_id
             WHERE c.scan_id = ? ORDER BY st.position, c.check_id",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Coverage {
                    target_id: r.try_get("target_id")?,
                    check_id: r.try_get("check_id")?,
                    state: parse(r.try_get("state")?)?,
                    detail: r.try_get("detail")?,
                    findings: r.try_get::<i64, _>("findings")? as u32,
                    duration_ms: r.try_get::<i64, _>("duration_ms")? as u64,
                })
            })
            .collect()
    }
}

fn push_filter(q: &mut QueryBuilder<Sqlite>, f: &FindingFilter) {
    if let Some(s) = f.min_severity {
        q.push(" AND severity_rank >= ").push_bind(s.rank());
    }
    if let Some(c) = f.category {
        q.push(" AND category = ").push_bind(c.as_str().to_string());
    }
    if let Some(m) = f.module {
        q.push(" AND module = ").push_bind(m.as_str().to_string());
    }
    match f.status {
        Some(s) => {
            q.push(" AND status = ").push_bind(s.as_str().to_string());
        }
        None => {
            q.push(" AND status != 'fixed'");
        }
    }
    if let Some(t) = &f.target_id {
        q.push(" AND target_id = ").push_bind(t.clone());
    }
    if let Some(fps) = &f.fingerprints {
        q.push(" AND fingerprint IN (");
        let mut sep = q.separated(", ");
        for fp in fps {
            sep.push_bind(fp.clone());
        }
        if fps.is_empty() {
            sep.push("NULL");
        }
        q.push(")");
    }
}
