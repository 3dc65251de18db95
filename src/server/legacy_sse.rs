//! The 2024-11-05 HTTP+SSE transport for clients that speak only it: `GET /sse` opens a session whose first event
//! names the endpoint to POST to (`/message?sessionId=...`), and every server message follows as an SSE `message`.
//! rmcp dropped this transport, so it is adapted here onto an ordinary (sink, stream) pair.

use crate::app::App;
use crate::mcp::McpServer;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use http::StatusCode;
use rmcp::ServiceExt;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Open sessions: where to deliver each session's POSTed messages.
#[derive(Clone, Default)]
pub struct Sessions {
    app: Option<App>,
    open: Arc<Mutex<HashMap<String, mpsc::Sender<ClientJsonRpcMessage>>>>,
}

impl Sessions {
    pub fn new(app: App) -> Sessions {
        Sessions {
            app: Some(app),
            open: Arc::default(),
        }
    }
}

/// Removes a session when its event stream ends (the client went away).
struct Close(Sessions, String);

impl Drop for Close {
    fn drop(&mut self) {
        self.0.open.lock().expect("sessions lock").remove(&self.1);
    }
}

/// `GET /sse`: starts a session.
pub async fn open(
    State(sessions): State<Sessions>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let id = crate::app::new_id(24);
    let (to_server, mut from_client) = mpsc::channel::<ClientJsonRpcMessage>(64);
    let (to_client, mut from_server) = mpsc::channel::<ServerJsonRpcMessage>(64);
    sessions
        .open
        .lock()
        .expect("sessions lock")
        .insert(id.clone(), to_server);
    let app = sessions.app.clone().expect("sessions serve an app");
    tokio::spawn(async move {
        let incoming = futures::stream::poll_fn(move |cx| from_client.poll_recv(cx));
        let transport = (tokio_util::sync::PollSender::new(to_client), incoming);
        match McpServer::new(app).serve(transport).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            Err(e) => tracing::debug!("legacy SSE session ended before initialisation: {e}"),
        }
    });
    let endpoint = Event::default()
        .event("endpoint")
        .data(format!("/message?sessionId={id}"));
    let close = Close(sessions, id);
    let messages =
        futures::stream::poll_fn(move |cx| from_server.poll_recv(cx)).map(move |message| {
            let _keep = &close;
            let data = serde_json::to_string(&message).unwrap_or_default();
            Ok(Event::default().event("message").data(data))
        });
    let stream = futures::stream::once(async move { Ok(endpoint) }).chain(messages);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[derive(serde::Deserialize)]
pub struct SessionQuery {
    #[serde(rename = "sessionId")]
    session_id: String,
}

/// `POST /message?sessionId=...`: one client message for a session.
pub async fn post(
    State(sessions): State<Sessions>,
    Query(q): Query<SessionQuery>,
    body: axum::body::Bytes,
) -> Response {
    // The same check as stdio and /mcp: what is not a JSON-RPC message rmcp answers right gets the JSON-RPC error
    // (with HTTP 400, since this transport's replies otherwise go over the event stream).
    let message = match crate::mcp::http::message_or_error(crate::mcp::http::classify(body).await) {
        Ok(message) => *message,
        Err(reply) => return crate::mcp::http::bad_request(&reply),
    };
    let sender = sessions
        .open
        .lock()
        .expect("sessions lock")
        .get(&q.session_id)
        .cloned();
    let Some(sender) = sender else {
        let body = serde_json::json!({
            "error": format!("no open session {}: open one with GET /sse", q.session_id),
            "code": "unknown_session"
        });
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    };
    match sender.send(message).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(_) => StatusCode::GONE.into_response(),
    }
}
