//! The store writer of a running scan: the collector hands it batches over a bounded channel and goes on
//! broadcasting, so a slow disk never delays a finding on its way to listeners. Writes keep their order.

use crate::model::{Coverage, Finding, ScanTarget};
use crate::store::{ScanProgress, Store, StoreError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// One thing to write.
pub(super) enum Write {
    Batch {
        findings: Vec<(u32, Finding)>,
        coverage: Vec<Coverage>,
        phase: &'static str,
        done: u32,
        requests: u64,
    },
    Target(Box<ScanTarget>),
}

/// Writes in the background; `finish` waits for every write and returns the first error.
pub(super) struct Writer {
    tx: mpsc::Sender<Write>,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Writer {
    pub fn start(store: Store, scan_id: String) -> Writer {
        let (tx, mut rx) = mpsc::channel::<Write>(32);
        let task = tokio::spawn(async move {
            let mut first_error = None;
            while let Some(write) = rx.recv().await {
                if first_error.is_some() {
                    continue;
                }
                if let Err(e) = apply(&store, &scan_id, write).await {
                    first_error = Some(e);
                }
            }
            first_error.map_or(Ok(()), Err)
        });
        Writer { tx, task }
    }

    /// Queues a write (waits only when 32 writes are already queued).
    pub async fn send(&self, write: Write) {
        let _ = self.tx.send(write).await;
    }

    /// Waits until everything queued is written.
    pub async fn finish(self) -> Result<(), StoreError> {
        drop(self.tx);
        self.task
            .await
            .unwrap_or_else(|e| Err(StoreError::Corrupt(format!("the store writer failed: {e}"))))
    }
}

async fn apply(store: &Store, scan_id: &str, write: Write) -> Result<(), StoreError> {
    match write {
        Write::Batch {
            findings,
            coverage,
            phase,
            done,
            requests,
        } => {
            store.insert_findings(&findings).await?;
            store.insert_coverage(scan_id, &coverage).await?;
            let lease = crate::time::format(time::OffsetDateTime::now_utc() + super::scans::LEASE);
            let progress = ScanProgress {
                phase,
                checks_done: done,
                requests,
                lease_until: &lease,
            };
            store.update_progress(scan_id, &progress).await
        }
        Write::Target(target) => store.set_target_result(scan_id, &target).await,
    }
}
