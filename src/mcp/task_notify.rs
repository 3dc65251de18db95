//! Task status notifications (`notifications/tasks`) on a `subscriptions/listen` stream whose filter names
//! `taskIds`: the task's state at once, then again when it ends, each exactly what `tasks/get` would answer. rmcp
//! 3.11 drops `taskIds` when it reads the filter, so the framing layer ([`super::framing`], stdio and HTTP) picks
//! them from the raw request and hands them over in the request's extensions.

use super::McpServer;
use rmcp::RoleServer;
use rmcp::model::{
    ClientJsonRpcMessage, GetExtensions, GetMeta, JsonRpcMessage, ServerNotification,
    TaskStatusNotification, TaskStatusNotificationParams,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use serde_json::Value;
use std::time::Duration;

/// The task ids a `subscriptions/listen` request asked to follow (at most [`MAX_TASKS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenTasks(pub Vec<String>);

/// How many tasks one listen stream may follow.
const MAX_TASKS: usize = 100;

/// How often a task running in another process is read again (issue 19's workers; here, a scan run by another
/// server on the same database).
const ELSEWHERE_POLL: Duration = Duration::from_secs(2);

/// The task ids in a raw `subscriptions/listen` request (`params.notifications.taskIds`), if any.
pub fn listen_tasks(raw: &Value) -> Option<ListenTasks> {
    if raw["method"] != "subscriptions/listen" {
        return None;
    }
    // Each id once: a list naming one task many times would follow (and poll) it many times.
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<String> = raw["params"]["notifications"]["taskIds"]
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .filter(|id| seen.insert(id.clone()))
        .take(MAX_TASKS)
        .collect();
    (!ids.is_empty()).then_some(ListenTasks(ids))
}

/// Attaches the task ids of a `subscriptions/listen` request in `text` to `message`, for [`McpServer::listen`].
pub fn attach(message: &mut ClientJsonRpcMessage, text: &str) {
    if !text.contains("taskIds") {
        return;
    }
    let JsonRpcMessage::Request(request) = message else {
        return;
    };
    let Some(tasks) = serde_json::from_str::<Value>(text)
        .ok()
        .as_ref()
        .and_then(listen_tasks)
    else {
        return;
    };
    request.request.extensions_mut().insert(tasks);
}

/// The task ids attached to a listen request: in its own extensions (stdio), or in those of the HTTP request that
/// carried it.
fn attached(ctx: &RequestContext<RoleServer>) -> Option<ListenTasks> {
    ctx.extensions.get::<ListenTasks>().cloned().or_else(|| {
        ctx.extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<ListenTasks>().cloned())
    })
}

impl McpServer {
    /// Sends each followed task's state now and when it ends, until the stream closes. Only for a client that
    /// declared the tasks extension.
    pub(super) async fn task_listen(&self, context: &SubscriptionContext) {
        let ctx = context.request_context();
        let declared = ctx
            .client_capabilities()
            .is_some_and(|c| c.supports_tasks());
        let Some(ListenTasks(ids)) = attached(ctx).filter(|_| declared) else {
            return;
        };
        let follows = ids.into_iter().map(|id| self.follow_task(ctx, id));
        futures::future::join_all(follows).await;
    }

    async fn follow_task(&self, ctx: &RequestContext<RoleServer>, id: String) {
        let Ok(now) = self.detailed_task(&id).await else {
            return;
        };
        let ended = now.status().is_terminal();
        if !send(ctx, now).await || ended {
            return;
        }
        match self.app.watch_scan(&id) {
            Some(mut watch) => {
                let _ = watch.done.wait_for(|d| *d).await;
            }
            None => loop {
                tokio::time::sleep(ELSEWHERE_POLL).await;
                match self.app.get_scan(crate::app::DEFAULT_ORG, &id).await {
                    Ok(scan) if !scan.status.is_terminal() => {}
                    _ => break,
                }
            },
        }
        if let Ok(last) = self.detailed_task(&id).await {
            send(ctx, last).await;
        }
    }
}

/// Sends one task's state on the listen stream of `ctx`; false when the stream is gone.
async fn send(ctx: &RequestContext<RoleServer>, task: rmcp::model::DetailedTask) -> bool {
    let mut notification = ServerNotification::TaskStatusNotification(TaskStatusNotification::new(
        TaskStatusNotificationParams::new(task),
    ));
    notification
        .get_meta_mut()
        .set_subscription_id(ctx.id.clone());
    ctx.peer.send_notification(notification).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::framing::{Inbound, inbound};

    fn listen(filter: Value) -> String {
        serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "subscriptions/listen",
            "params": { "notifications": filter, "_meta": {} }
        })
        .to_string()
    }

    fn attached_to(line: &str) -> Option<ListenTasks> {
        let Inbound::Message(message) = inbound(line.as_bytes()) else {
            panic!("{line} is a message");
        };
        let JsonRpcMessage::Request(request) = *message else {
            panic!("{line} is a request");
        };
        request.request.extensions().get::<ListenTasks>().cloned()
    }

    #[test]
    fn the_task_ids_of_a_listen_request_travel_with_it() {
        let line = listen(serde_json::json!({ "taskIds": ["k7w2m9qa", 3, "p3d8x2fn"] }));
        assert_eq!(
            attached_to(&line),
            Some(ListenTasks(vec!["k7w2m9qa".into(), "p3d8x2fn".into()]))
        );
        assert_eq!(
            attached_to(&listen(serde_json::json!({ "taskIds": [] }))),
            None
        );
        assert_eq!(attached_to(&listen(serde_json::json!({}))), None);
        let many: Vec<String> = (0..500).map(|i| format!("t{i}")).collect();
        let line = listen(serde_json::json!({ "taskIds": many }));
        assert_eq!(attached_to(&line).unwrap().0.len(), MAX_TASKS);
        let same = vec!["k7w2m9qa"; 500];
        let line = listen(serde_json::json!({ "taskIds": same }));
        assert_eq!(
            attached_to(&line),
            Some(ListenTasks(vec!["k7w2m9qa".into()])),
            "a task named many times is followed once"
        );
    }

    #[test]
    fn other_requests_carry_no_task_ids() {
        let call = serde_json::json!({
            "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": { "name": "get_scan", "arguments": { "taskIds": ["x"] } }
        });
        assert_eq!(attached_to(&call.to_string()), None);
    }
}
