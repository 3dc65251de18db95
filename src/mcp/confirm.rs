//! The decisions only the user can make, asked with input-required results (protocol 2026-07-28) instead of
//! failing: permission to probe the ports and TLS of the sites a deep scan targets, which of several registered
//! targets an ambiguous host means, and whether to remove a target that has scans. A client that cannot be asked
//! (no elicitation, or a 2025 session) gets the previous behaviour and a sentence saying what it was not asked.

use super::McpServer;
use super::rounds::{Round, elicit};
use crate::app::DEFAULT_ORG;
use crate::model::Target;
use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, ElicitationSchema, EnumSchema, InputResponses,
};
use rmcp::service::RequestContext;
use serde_json::Value;

/// What a tool does after asking: go on (with a notice for a client that could not be asked), or answer now.
pub(super) enum Gate<T> {
    Go(T, Option<String>),
    Reply(CallToolResponse),
}

/// Whether the client can be asked: a 2026-07-28 request from a client that declares elicitation.
pub(super) fn can_ask(ctx: &RequestContext<RoleServer>) -> bool {
    super::stateless(ctx)
        && ctx
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some())
}

/// A tool error with `sentence`.
pub(super) fn refused(sentence: String) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(sentence)]).into()
}

/// Whether an elicited form was accepted with `field` true.
fn yes(answer: &Value, field: &str) -> bool {
    answer.get(field).and_then(Value::as_bool) == Some(true)
}

/// The sealed-state binding of one tool call: the tool and what it acts on, so one call's answers cannot be
/// replayed for another.
fn binding(tool: &str, subject: &[String]) -> String {
    format!("{tool}\n{}", subject.join("\n"))
}

impl McpServer {
    /// What `start_scan` asks before `request` runs: the deep scan's permission, when it is a deep scan.
    pub(super) fn scan_gate(
        &self,
        request: &crate::app::ScanRequest,
        ctx: &RequestContext<RoleServer>,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Gate<()>, McpError> {
        let profile = request.profile.unwrap_or(self.app.config().scan.profile);
        match profile {
            crate::model::Profile::Deep => {
                self.deep_scan_gate(&request.targets, ctx, responses, state)
            }
            _ => Ok(Gate::Go((), None)),
        }
    }

    /// Before a deep scan of `targets`: the user's permission to probe their ports and TLS. `Go` once given (or,
    /// with a notice, when the client cannot be asked); otherwise the question, or the refusal when declined.
    pub(super) fn deep_scan_gate(
        &self,
        targets: &[String],
        ctx: &RequestContext<RoleServer>,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Gate<()>, McpError> {
        let sites = targets.join(", ");
        if !can_ask(ctx) {
            return Ok(Gate::Go(
                (),
                Some(format!(
                    "This deep scan probes the ports and TLS of {sites}; this client could not ask the user to confirm \
                     they own these sites or may test them, so make sure they do"
                )),
            ));
        }
        let mut round = Round::open(&binding("start_scan", targets), responses, state)?;
        let question = elicit(
            &format!(
                "A deep scan probes the ports and TLS configuration of {sites}. Do you own these sites, or have \
                 permission to test them?"
            ),
            ElicitationSchema::builder().required_bool("permitted"),
        );
        match round.answer("permission", &question) {
            None => Ok(Gate::Reply(round.ask([("permission", question)])?.into())),
            Some(answer) if yes(&answer, "permitted") => Ok(Gate::Go((), None)),
            Some(_) => Ok(Gate::Reply(refused(format!(
                "The deep scan was not started: the user did not confirm they may test {sites}. A standard scan \
                 sends only ordinary page requests; start one of those instead, or ask the user."
            )))),
        }
    }

    /// The target `remove_target` removes: the one `given` names (an id or URL, or a host several targets share,
    /// then chosen by the user), confirmed by the user when it has scans.
    pub(super) async fn removal_gate(
        &self,
        given: &str,
        ctx: &RequestContext<RoleServer>,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Gate<Target>, McpError> {
        let app = &self.app;
        let internal = |e| McpError::internal_error(super::tools::say(e), None);
        let matching = app
            .targets_matching(DEFAULT_ORG, given)
            .await
            .map_err(internal)?;
        let ask = can_ask(ctx);
        let mut round = Round::open(&binding("remove_target", &[given.into()]), responses, state)?;
        let target = match matching.len() {
            0 => {
                return Ok(Gate::Reply(refused(format!(
                    "no target '{given}': call list_targets to see registered targets"
                ))));
            }
            1 => matching.into_iter().next().expect("one"),
            _ if !ask => {
                let urls: Vec<&str> = matching.iter().map(|t| t.url.as_str()).collect();
                return Ok(Gate::Reply(refused(format!(
                    "'{given}' matches {} targets: {}. Call remove_target again with the URL or id of the one to remove",
                    urls.len(),
                    urls.join(", ")
                ))));
            }
            _ => {
                let urls: Vec<String> = matching.iter().map(|t| t.url.clone()).collect();
                let question = elicit(
                    &format!("'{given}' matches several targets. Which one should be removed?"),
                    ElicitationSchema::builder()
                        .required_enum_schema("target", EnumSchema::builder(urls).build()),
                );
                match round.answer("which", &question) {
                    None => return Ok(Gate::Reply(round.ask([("which", question)])?.into())),
                    Some(answer) => {
                        let chosen = answer.get("target").and_then(Value::as_str);
                        match matching
                            .into_iter()
                            .find(|t| Some(t.url.as_str()) == chosen)
                        {
                            Some(target) => target,
                            None => {
                                return Ok(Gate::Reply(refused(format!(
                                    "No target was removed: the user chose none of those '{given}' matches."
                                ))));
                            }
                        }
                    }
                }
            }
        };
        let scans = app
            .target_scan_count(DEFAULT_ORG, &target.id)
            .await
            .map_err(internal)?;
        if scans == 0 {
            return Ok(Gate::Go(target, None));
        }
        let what = format!(
            "{} has {scans} scan(s); they stay readable, but the target leaves the list and its history stops",
            target.url
        );
        if !ask {
            let notice =
                format!("Removed without asking the user (this client cannot be asked): {what}");
            return Ok(Gate::Go(target, Some(notice)));
        }
        let question = elicit(
            &format!("Remove the target {what}?"),
            ElicitationSchema::builder().required_bool("remove"),
        );
        match round.answer("confirm", &question) {
            None => Ok(Gate::Reply(round.ask([("confirm", question)])?.into())),
            Some(answer) if yes(&answer, "remove") => Ok(Gate::Go(target, None)),
            Some(_) => Ok(Gate::Reply(refused(format!(
                "{} was not removed: the user did not confirm.",
                target.url
            )))),
        }
    }
}
