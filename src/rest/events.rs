//! `/v1/scans/{id}/events`: a scan as server-sent events. First a `scan` event (status and progress), then every
//! finding stored so far, then, while the scan runs in this server, each new `finding`, `progress` and
//! `target_done` as it happens, and last `finished`. A client that connects late misses nothing; one that drops
//! does not stop the scan.

use super::error::ApiResult;
use super::views::Progress;
use super::{Caller, Rest};
use crate::app::ScanEvent;
use crate::model::ScanStatus;
use crate::store::FindingFilter;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Serialize;
use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Findings read per page when replaying.
const REPLAY_PAGE: u32 = 500;

#[derive(Serialize)]
struct ScanSnapshot<'a> {
    scan_id: &'a str,
    status: ScanStatus,
    phase: &'a str,
    progress: Progress,
}

#[derive(Serialize)]
struct ProgressEvent<'a> {
    done: u32,
    total: u32,
    target_url: &'a str,
    check_id: &'a str,
}

#[derive(Serialize)]
struct TargetDone<'a> {
    target_url: &'a str,
    risk_grade: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct Finished<'a> {
    scan_id: &'a str,
    status: ScanStatus,
    /// Set when the scan runs in another palisade process, whose events this server cannot see.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// Sends the stored findings not sent yet; false when the client is gone.
async fn replay(
    rest: &Rest,
    caller: &Caller,
    scan_id: &str,
    seen: &mut HashSet<(String, String)>,
    tx: &mpsc::Sender<Event>,
) -> bool {
    let mut after = None;
    loop {
        let page = rest
            .app
            .page_findings(
                &caller.org,
                scan_id,
                &FindingFilter::default(),
                REPLAY_PAGE,
                after,
            )
            .await
            .unwrap_or_default();
        let full = page.len() == REPLAY_PAGE as usize;
        for (pos, f) in page {
            after = Some(pos);
            if seen.insert((f.target_id.clone(), f.fingerprint.clone()))
                && tx.send(event("finding", &f)).await.is_err()
            {
                return false;
            }
        }
        if !full {
            return true;
        }
    }
}

fn event(name: &str, data: &impl Serialize) -> Event {
    Event::default()
        .event(name)
        .data(serde_json::to_string(data).expect("serialisable"))
}

pub async fn stream(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading what is stored, so nothing falls between the two.
    let live = rest.app.watch_scan(&id);
    let scan = rest.app.get_scan(&caller.org, &id).await?;
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        let (done, total) = (scan.checks_done, scan.checks_total);
        let snapshot = ScanSnapshot {
            scan_id: &scan.id,
            status: scan.status,
            phase: &scan.phase,
            progress: Progress {
                done,
                total,
                percent: (u64::from(done) * 100)
                    .checked_div(u64::from(total))
                    .unwrap_or(0) as u32,
            },
        };
        if tx.send(event("scan", &snapshot)).await.is_err() {
            return;
        }
        let mut seen = HashSet::new();
        if !replay(&rest, &caller, &scan.id, &mut seen, &tx).await {
            return;
        }
        let Some(mut parts) = live else {
            let note = (!scan.status.is_terminal())
                .then_some("the scan runs in another palisade process; poll GET /v1/scans/{id} for its progress");
            let _ = tx
                .send(event(
                    "finished",
                    &Finished {
                        scan_id: &scan.id,
                        status: scan.status,
                        note,
                    },
                ))
                .await;
            return;
        };
        let status = loop {
            let next = match parts.events.recv().await {
                Ok(e) => e,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => {
                    let stored = rest.app.get_scan(&caller.org, &scan.id).await;
                    break stored.map(|s| s.status).unwrap_or(scan.status);
                }
            };
            let sent = match next {
                ScanEvent::Finding(f) => {
                    if !seen.insert((f.target_id.clone(), f.fingerprint.clone())) {
                        continue;
                    }
                    tx.send(event("finding", &*f)).await
                }
                ScanEvent::Progress {
                    done,
                    total,
                    target_url,
                    check_id,
                } => {
                    let p = ProgressEvent {
                        done,
                        total,
                        target_url: &target_url,
                        check_id,
                    };
                    tx.send(event("progress", &p)).await
                }
                ScanEvent::TargetDone {
                    target_url,
                    risk_grade,
                    error,
                } => {
                    let t = TargetDone {
                        target_url: &target_url,
                        risk_grade: risk_grade.as_deref(),
                        error: error.as_deref(),
                    };
                    tx.send(event("target_done", &t)).await
                }
                ScanEvent::Finished { status } => break status,
            };
            if sent.is_err() {
                return;
            }
        };
        // Findings made before this stream subscribed and stored after it first read the store.
        if !replay(&rest, &caller, &scan.id, &mut seen, &tx).await {
            return;
        }
        let finished = Finished {
            scan_id: &scan.id,
            status,
            note: None,
        };
        let _ = tx.send(event("finished", &finished)).await;
    });
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|e| e.map(Ok)));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
