//! The decisions only the user can make, asked instead of failing: permission to probe the ports and TLS of the
//! sites a deep scan targets, which of several registered targets an ambiguous host means, and whether to remove a
//! target that has scans. Asked with input-required results (protocol 2026-07-28) or `elicitation/create` (a 2025
//! session); a client without elicitation gets the previous behaviour and a sentence saying what it was not asked.

use super::McpServer;
use super::rounds::{Round, answer_in, elicit};
use crate::app::DEFAULT_ORG;
use crate::model::Target;
use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, ElicitationSchema, EnumSchema, InputRequest,
    InputResponses,
};
use rmcp::service::{Peer, RequestContext};
use serde_json::Value;
use std::time::Duration;

/// What a tool does after asking: go on (with a notice for a client that could not be asked), or answer now.
pub(super) enum Gate<T> {
    Go(T, Option<String>),
    Reply(CallToolResponse),
}

/// A tool error with `sentence`.
pub(super) fn refused(sentence: String) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(sentence)]).into()
}

/// Whether an elicited form was accepted with `field` true.
fn yes(answer: &Value, field: &str) -> bool {
    answer.get(field).and_then(Value::as_bool) == Some(true)
}

/// How long a session client's user has to answer an `elicitation/create`.
const SESSION_ANSWER: Duration = Duration::from_secs(600);

/// Asks the user, the way the client allows: in input-required rounds (protocol 2026-07-28, a client that declares
/// elicitation), by `elicitation/create` in a session whose client declared elicitation, or not at all.
pub(super) struct Asker {
    round: Option<Round>,
    peer: Option<Peer<RoleServer>>,
}

/// What asking gave: the answer (`null` when the user declined), or the question to send back as the tool's reply.
pub(super) enum Asked {
    Answer(Value),
    Reply(CallToolResponse),
}

impl Asker {
    /// An asker for one call, bound to `tool` and what it acts on (`subject`), so that one call's sealed answers
    /// cannot be replayed for another; an altered, expired or foreign `state` is an invalid-params error.
    pub(super) fn new(
        ctx: &RequestContext<RoleServer>,
        tool: &str,
        subject: &[String],
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Asker, McpError> {
        let elicits = ctx
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some());
        let binding = format!("{tool}\n{}", subject.join("\n"));
        Ok(match (elicits, super::stateless(ctx)) {
            (true, true) => Asker {
                round: Some(Round::open(&binding, responses, state)?),
                peer: None,
            },
            (true, false) => Asker {
                round: None,
                peer: Some(ctx.peer.clone()),
            },
            (false, _) => Asker {
                round: None,
                peer: None,
            },
        })
    }

    pub(super) fn can_ask(&self) -> bool {
        self.round.is_some() || self.peer.is_some()
    }

    /// The user's answer to `request` under `key` (an earlier round's, or the session client's), or the question.
    pub(super) async fn ask(
        &mut self,
        key: &'static str,
        request: InputRequest,
    ) -> Result<Asked, McpError> {
        if let Some(round) = &mut self.round {
            return Ok(match round.answer(key, &request) {
                Some(answer) => Asked::Answer(answer),
                None => Asked::Reply(round.ask([(key, request)])?.into()),
            });
        }
        let (Some(peer), InputRequest::Elicitation(elicit)) = (&self.peer, &request) else {
            return Ok(Asked::Answer(Value::Null));
        };
        let asked = peer
            .create_elicitation_with_timeout(elicit.params.clone(), Some(SESSION_ANSWER))
            .await;
        let answer = asked
            .ok()
            .and_then(|result| serde_json::to_value(result).ok())
            .and_then(|response| answer_in(&request, &response))
            .unwrap_or(Value::Null);
        Ok(Asked::Answer(answer))
    }
}

impl McpServer {
    /// What `tool` (`start_scan`, or `schedule_scan` creating a schedule) asks before scans of `profile` (the
    /// configured one when `None`) of `targets` may run: the deep scan's permission, when they are deep scans.
    pub(super) async fn scan_gate(
        &self,
        tool: &str,
        profile: Option<crate::model::Profile>,
        targets: &[String],
        ctx: &RequestContext<RoleServer>,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Gate<()>, McpError> {
        let profile = profile.unwrap_or(self.app.config().scan.profile);
        if profile != crate::model::Profile::Deep {
            return Ok(Gate::Go((), None));
        }
        let sites = targets.join(", ");
        let mut asker = Asker::new(ctx, tool, targets, responses, state)?;
        if !asker.can_ask() {
            return Ok(Gate::Go(
                (),
                Some(format!(
                    "This deep scan probes the ports and TLS of {sites}; this client could not ask the user to confirm \
                     they own these sites or may test them, so make sure they do"
                )),
            ));
        }
        let question = elicit(
            &format!(
                "A deep scan probes the ports and TLS configuration of {sites}. Do you own these sites, or have \
                 permission to test them?"
            ),
            ElicitationSchema::builder().required_bool("permitted"),
        );
        match asker.ask("permission", question).await? {
            Asked::Reply(reply) => Ok(Gate::Reply(reply)),
            Asked::Answer(answer) if yes(&answer, "permitted") => Ok(Gate::Go((), None)),
            Asked::Answer(_) => Ok(Gate::Reply(refused(match tool {
                "schedule_scan" => format!(
                    "The deep schedule was not created: the user did not confirm they may test {sites}. A standard \
                     scan sends only ordinary page requests; schedule one of those instead, or ask the user."
                ),
                _ => format!(
                    "The deep scan was not started: the user did not confirm they may test {sites}. A standard scan \
                     sends only ordinary page requests; start one of those instead, or ask the user."
                ),
            }))),
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
        let mut asker = Asker::new(ctx, "remove_target", &[given.into()], responses, state)?;
        let target = match matching.len() {
            0 => {
                return Ok(Gate::Reply(refused(format!(
                    "no target '{given}': call list_targets to see registered targets"
                ))));
            }
            1 => matching.into_iter().next().expect("one"),
            _ if !asker.can_ask() => {
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
                let answer = match asker.ask("which", question).await? {
                    Asked::Reply(reply) => return Ok(Gate::Reply(reply)),
                    Asked::Answer(answer) => answer,
                };
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
        if !asker.can_ask() {
            let notice =
                format!("Removed without asking the user (this client cannot be asked): {what}");
            return Ok(Gate::Go(target, Some(notice)));
        }
        let question = elicit(
            &format!("Remove the target {what}?"),
            ElicitationSchema::builder().required_bool("remove"),
        );
        match asker.ask("confirm", question).await? {
            Asked::Reply(reply) => Ok(Gate::Reply(reply)),
            Asked::Answer(answer) if yes(&answer, "remove") => Ok(Gate::Go(target, None)),
            Asked::Answer(_) => Ok(Gate::Reply(refused(format!(
                "{} was not removed: the user did not confirm.",
                target.url
            )))),
        }
    }
}
