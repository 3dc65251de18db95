//! The eleven tools: thin adapters that parse arguments, call `App`, and shape the answer. Their descriptions live in
//! `tools/<name>.md`. A problem the model can fix (bad URL, unknown scan, out of scope) is a tool error with a
//! sentence saying what to do; JSON-RPC errors are left to protocol faults.

use super::McpServer;
use super::answers::{answer, scan_request};
use super::confirm::{Gate, refused};
use super::params::*;
use super::views::*;
use super::watch::Waited;
use crate::app::{AppError, DEFAULT_ORG, NewSchedule};
use crate::model::{Category, Module};
use crate::store::FindingFilter;
use rmcp::handler::server::tool::{InputResponses as Responses, RequestState, schema_for_output};
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Resource};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, tool, tool_router};
use std::time::Duration;

/// The sentence the model reads for an App error.
pub(super) fn say(e: AppError) -> String {
    match e {
        AppError::NotFound {
            kind: "scan", id, ..
        } => {
            format!("no scan '{id}': call list_scans to see recent scan ids")
        }
        AppError::NotFound {
            kind: "target", id, ..
        } => {
            format!("no target '{id}': call list_targets to see registered targets")
        }
        AppError::OutOfScope { target, reason } => format!(
            "{target} cannot be scanned: {reason}. Tell the user; the server's scope settings must allow it."
        ),
        AppError::NotFound {
            kind: "schedule",
            id,
            ..
        } => format!(
            "no schedule '{id}': call schedule_scan with operation list to see schedule ids"
        ),
        AppError::Store(_) => {
            "palisade's database failed; the server log has details. Try again later.".into()
        }
        other => other.to_string(),
    }
}

const PAGE_BYTES: usize = 20 * 1024;

#[tool_router(vis = "pub(super)")]
impl McpServer {
    #[tool(description = include_str!("../../tools/add_target.md"), title = "Add a target",
        annotations(
            title = "Add a target",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn add_target(
        &self,
        Parameters(p): Parameters<AddTargetParams>,
    ) -> Result<Json<TargetOut>, String> {
        let target = self
            .app
            .add_target(DEFAULT_ORG, &p.url, p.label.as_deref())
            .await
            .map_err(say)?;
        Ok(Json(TargetOut {
            target: target.into(),
            notice: None,
        }))
    }

    #[tool(description = include_str!("../../tools/list_targets.md"), title = "List targets",
        annotations(
            title = "List targets",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn list_targets(&self) -> Result<Json<TargetsOut>, String> {
        let targets = self.app.list_targets(DEFAULT_ORG).await.map_err(say)?;
        Ok(Json(TargetsOut {
            targets: targets.into_iter().map(Into::into).collect(),
        }))
    }

    #[tool(description = include_str!("../../tools/remove_target.md"), title = "Remove a target",
        annotations(
            title = "Remove a target",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        ),
        output_schema = schema_for_output::<TargetOut>()
    )]
    async fn remove_target(
        &self,
        Parameters(p): Parameters<RemoveTargetParams>,
        ctx: RequestContext<RoleServer>,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let (target, notice) = match self.removal_gate(&p.target, &ctx, responses, state).await? {
            Gate::Go(target, notice) => (target, notice),
            Gate::Reply(reply) => return Ok(reply),
        };
        let removed = self.app.remove_target(DEFAULT_ORG, &target.id).await;
        answer(removed.map_err(say).map(|target| TargetOut {
            target: target.into(),
            notice,
        }))
    }

    #[tool(description = include_str!("../../tools/start_scan.md"), title = "Scan a site",
        annotations(
            title = "Scan a site",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        ),
        output_schema = schema_for_output::<StartScanOut>()
    )]
    async fn start_scan(
        &self,
        Parameters(p): Parameters<StartScanParams>,
        ctx: RequestContext<RoleServer>,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let wait = p.wait_seconds;
        let request = match scan_request(p) {
            Ok(request) => request,
            Err(sentence) => return Ok(refused(sentence)),
        };
        let gate = self.scan_gate(
            "start_scan",
            request.profile,
            &request.targets,
            &ctx,
            responses,
            state,
        );
        let notice = match gate.await? {
            Gate::Go((), notice) => notice,
            Gate::Reply(reply) => return Ok(reply),
        };
        let handle = match self.app.start_scan(DEFAULT_ORG, request).await {
            Ok(handle) => handle,
            Err(e) => return Ok(refused(say(e))),
        };
        let scan_id = handle.scan.id.clone();
        self.waiting
            .lock()
            .expect("waiting lock")
            .insert(ctx.id.to_string(), scan_id.clone());
        // A cancellation that arrived while the scan was being created found nothing to cancel yet.
        if ctx.ct.is_cancelled() {
            let _ = self.app.cancel_scan(DEFAULT_ORG, &scan_id).await;
        }
        let wait = Duration::from_secs(wait_seconds(wait, 20).into());
        let waited = self
            .wait_streaming(&scan_id, Some(handle.into_watch()), wait, &ctx)
            .await;
        if waited != Waited::Interrupted {
            self.waiting
                .lock()
                .expect("waiting lock")
                .remove(&ctx.id.to_string());
        }
        answer(self.start_scan_out(&scan_id).await.map(|mut out| {
            out.notice = notice;
            out
        }))
    }

    #[tool(description = include_str!("../../tools/get_scan.md"), title = "Get a scan",
        annotations(
            title = "Get a scan",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn get_scan(
        &self,
        Parameters(p): Parameters<GetScanParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<GetScanOut>, String> {
        let scan = self
            .app
            .get_scan(DEFAULT_ORG, &p.scan_id)
            .await
            .map_err(say)?;
        let wait = wait_seconds(p.wait_seconds, 0);
        let scan = if wait > 0 && !scan.status.is_terminal() {
            self.wait_streaming(&p.scan_id, None, Duration::from_secs(wait.into()), &ctx)
                .await;
            self.app
                .get_scan(DEFAULT_ORG, &p.scan_id)
                .await
                .map_err(say)?
        } else {
            scan
        };
        let verdicts = match (&scan.verify_of, scan.status.is_terminal()) {
            (Some(_), true) => Some(
                self.app
                    .verification(DEFAULT_ORG, &scan.id, None)
                    .await
                    .map_err(say)?,
            ),
            _ => None,
        };
        let coverage = self
            .app
            .coverage(DEFAULT_ORG, &scan.id)
            .await
            .map_err(say)?;
        Ok(Json(GetScanOut {
            scan: ScanView::new(scan, Some(&coverage)),
            verdicts,
            _untrusted_content_notice: UNTRUSTED,
        }))
    }

    #[tool(description = include_str!("../../tools/get_findings.md"), title = "Get findings",
        annotations(
            title = "Get findings",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn get_findings(
        &self,
        Parameters(p): Parameters<GetFindingsParams>,
    ) -> Result<Json<FindingsPage>, String> {
        let scan = self
            .app
            .get_scan(DEFAULT_ORG, &p.scan_id)
            .await
            .map_err(say)?;
        let target_id = match &p.target {
            None => None,
            Some(t) => Some(
                scan.targets
                    .iter()
                    .find(|x| &x.url == t || &x.target_id == t || &x.host == t)
                    .map(|x| x.target_id.clone())
                    .ok_or_else(|| {
                        format!(
                            "scan {} has no target '{t}'; its targets are listed by get_scan",
                            scan.id
                        )
                    })?,
            ),
        };
        let category = p
            .category
            .as_deref()
            .map(str::parse::<Category>)
            .transpose()
            .map_err(|e| format!("category: {e}"))?;
        let module = p
            .module
            .as_deref()
            .map(str::parse::<Module>)
            .transpose()
            .map_err(|e| format!("module: {e}"))?;
        let filter = FindingFilter {
            min_severity: p.min_severity.map(Into::into),
            category,
            module,
            status: p.status.map(Into::into),
            target_id,
            fingerprints: None,
        };
        let limit = p.limit.unwrap_or(25).clamp(1, 100);
        let offset = p.offset.unwrap_or(0);
        let (found, total) = self
            .app
            .findings(DEFAULT_ORG, &scan.id, &filter, limit, offset)
            .await
            .map_err(say)?;
        let mut findings: Vec<FindingView> = found.iter().map(FindingView::from).collect();
        findings.truncate(fit_page(&findings, PAGE_BYTES));
        let returned = findings.len() as u32;
        let has_more = u64::from(offset + returned) < total;
        Ok(Json(FindingsPage {
            scan_id: scan.id,
            total,
            offset,
            limit,
            returned,
            has_more,
            next_offset: has_more.then_some(offset + returned),
            findings,
            _untrusted_content_notice: UNTRUSTED,
        }))
    }

    #[tool(
        description = include_str!("../../tools/get_fix_file.md"),
        title = "Get the fix file",
        annotations(
            title = "Get the fix file",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ),
        output_schema = schema_for_output::<FixFileOut>()
    )]
    async fn get_fix_file(
        &self,
        Parameters(p): Parameters<GetFixFileParams>,
    ) -> Result<CallToolResult, String> {
        let markdown = self
            .app
            .fix_file(DEFAULT_ORG, &p.scan_id, p.target.as_deref())
            .await
            .map_err(say)?;
        let filter = super::fix_pages::Filter {
            floor: p.severity.map(Into::into),
            ids: p.fix_ids,
        };
        let page = super::fix_pages::page(&markdown, &filter, p.cursor.as_deref())?;
        let uri = format!("palisade://scans/{}/fix", p.scan_id);
        // The Markdown goes once, as text; the structured content says what the page holds.
        let out = FixFileOut {
            scan_id: p.scan_id.clone(),
            uri: uri.clone(),
            fixes: page.total as u32,
            returned: page.returned,
            next_cursor: page.next_cursor,
        };
        let link = Resource::new(uri, format!("SECURITY-FIX.md of scan {}", p.scan_id))
            .with_mime_type("text/markdown");
        let mut result = CallToolResult::success(vec![
            ContentBlock::text(page.markdown),
            ContentBlock::resource_link(link),
        ]);
        result.structured_content = Some(serde_json::to_value(out).map_err(|e| e.to_string())?);
        Ok(result)
    }

    #[tool(description = include_str!("../../tools/cancel_scan.md"), title = "Cancel a scan",
        annotations(
            title = "Cancel a scan",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn cancel_scan(
        &self,
        Parameters(p): Parameters<ScanIdParams>,
    ) -> Result<Json<ScanView>, String> {
        let scan = self
            .app
            .cancel_scan(DEFAULT_ORG, &p.scan_id)
            .await
            .map_err(say)?;
        let coverage = self
            .app
            .coverage(DEFAULT_ORG, &scan.id)
            .await
            .map_err(say)?;
        Ok(Json(ScanView::new(scan, Some(&coverage))))
    }

    #[tool(description = include_str!("../../tools/list_scans.md"), title = "List scans",
        annotations(
            title = "List scans",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        ))]
    async fn list_scans(
        &self,
        Parameters(p): Parameters<ListScansParams>,
    ) -> Result<Json<ScansOut>, String> {
        let scans = self
            .app
            .list_scans(DEFAULT_ORG, p.limit.unwrap_or(10).clamp(1, 50))
            .await
            .map_err(say)?;
        Ok(Json(ScansOut {
            scans: scans.into_iter().map(|s| ScanView::new(s, None)).collect(),
        }))
    }

    #[tool(description = include_str!("../../tools/schedule_scan.md"), title = "Schedule scans",
        annotations(
            title = "Schedule scans",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        ),
        output_schema = schema_for_output::<SchedulesOut>()
    )]
    async fn schedule_scan(
        &self,
        Parameters(p): Parameters<ScheduleScanParams>,
        ctx: RequestContext<RoleServer>,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut notice = None;
        if let (ScheduleOperation::Create, Some(targets), Some(_)) = (
            &p.operation,
            p.targets.as_ref().filter(|t| !t.is_empty()),
            &p.cadence,
        ) {
            // A deep schedule runs deep scans unattended: the user permits them now, as for start_scan.
            let profile = p.profile.map(Into::into);
            let gate = self.scan_gate("schedule_scan", profile, targets, &ctx, responses, state);
            notice = match gate.await? {
                Gate::Go((), notice) => notice,
                Gate::Reply(reply) => return Ok(reply),
            };
        }
        answer(self.schedule(p).await.map(|mut out| {
            out.notice = notice;
            out
        }))
    }
    #[tool(description = include_str!("../../tools/verify_fixes.md"), title = "Verify fixes",
        annotations(
            title = "Verify fixes",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        ))]
    async fn verify_fixes(
        &self,
        Parameters(p): Parameters<VerifyFixesParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<VerifyOut>, String> {
        let asked = p.fingerprints.as_deref();
        let handle = self
            .app
            .verify_fixes(DEFAULT_ORG, &p.scan_id, asked)
            .await
            .map_err(say)?;
        let id = handle.scan.id.clone();
        self.waiting
            .lock()
            .expect("waiting lock")
            .insert(ctx.id.to_string(), id.clone());
        let wait = Duration::from_secs(wait_seconds(p.wait_seconds, 20).into());
        if self
            .wait_streaming(&id, Some(handle.into_watch()), wait, &ctx)
            .await
            != Waited::Interrupted
        {
            self.waiting
                .lock()
                .expect("waiting lock")
                .remove(&ctx.id.to_string());
        }
        self.verify_out(&id, p.scan_id, asked).await.map(Json)
    }
}

impl McpServer {
    /// `schedule_scan`'s operation, once the user has been asked what they must decide.
    async fn schedule(&self, p: ScheduleScanParams) -> Result<SchedulesOut, String> {
        match p.operation {
            ScheduleOperation::List => {
                let schedules = self.app.list_schedules(DEFAULT_ORG).await.map_err(say)?;
                Ok(SchedulesOut {
                    message: format!("{} schedule(s)", schedules.len()),
                    schedules,
                    notice: None,
                })
            }
            ScheduleOperation::Delete => {
                let id = p.schedule_id.ok_or(
                    "delete needs schedule_id: call schedule_scan with operation list to see ids",
                )?;
                let s = self.app.get_schedule(DEFAULT_ORG, &id).await.map_err(say)?;
                self.app
                    .delete_schedule(DEFAULT_ORG, &id)
                    .await
                    .map_err(say)?;
                Ok(SchedulesOut {
                    message: format!("schedule {id} deleted; the scans it ran are kept"),
                    schedules: vec![s],
                    notice: None,
                })
            }
            ScheduleOperation::Create => {
                let targets = p.targets.filter(|t| !t.is_empty()).ok_or(
                    "create needs targets (URLs or host names) and a cadence such as daily",
                )?;
                let cadence = p.cadence.ok_or(
                    "create needs a cadence: hourly, every-12hours, daily, weekly-monday, or five cron fields",
                )?;
                let new = NewSchedule {
                    targets,
                    cadence,
                    timezone: p.timezone,
                    profile: p.profile.map(Into::into),
                    ..Default::default()
                };
                let s = self
                    .app
                    .create_schedule(DEFAULT_ORG, new)
                    .await
                    .map_err(say)?;
                Ok(SchedulesOut {
                    message: format!(
                        "schedule {} created: {} ({}); first run at {} while palisade serve runs",
                        s.id,
                        s.cadence,
                        s.timezone,
                        s.next_start_at.as_deref().unwrap_or("never")
                    ),
                    schedules: vec![s],
                    notice: None,
                })
            }
        }
    }
}
