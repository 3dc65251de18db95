//! One operation of the REST API as the router mounts it and the OpenAPI document describes it: method, path,
//! operationId, summary, the scope its key needs, the types it reads and returns, the errors it may answer.

use crate::model::Scope;
use http::Method;
use schemars::generate::SchemaGenerator;
use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

pub(super) type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn reference<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn inline<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    T::json_schema(g)
}

/// What a response carries.
pub(super) enum Content {
    /// One media type whose schema is a Rust type's.
    Typed(&'static str, SchemaFn),
    /// Media types, each with a schema (as JSON).
    Media(Vec<(&'static str, Value)>),
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) description: &'static str,
    pub(super) content: Content,
    /// OpenAPI links: (name, operationId, parameter, runtime expression).
    pub(super) links: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

/// One operation: what the router mounts and the document describes.
pub struct Op {
    pub method: Method,
    /// The path, as routed and documented.
    pub path: &'static str,
    pub id: &'static str,
    pub(super) summary: &'static str,
    pub(super) description: &'static str,
    pub(super) tag: &'static str,
    /// The scope the key needs; `None` for public operations.
    pub scope: Option<Scope>,
    pub(super) path_params: Vec<(&'static str, &'static str, Value)>,
    pub(super) query: Option<SchemaFn>,
    pub(super) body: Option<SchemaFn>,
    pub(super) replies: Vec<Reply>,
    pub(super) conflict: Option<&'static str>,
    pub(super) consequential: bool,
    /// Streams (no request timeout).
    pub streams: bool,
    /// In the ChatGPT Actions profile (`/v1/openapi.json?profile=actions`).
    pub(super) actions: bool,
}

impl Op {
    fn new(method: Method, path: &'static str, id: &'static str, summary: &'static str) -> Op {
        Op {
            method,
            path,
            id,
            summary,
            description: "",
            tag: "",
            scope: None,
            path_params: Vec::new(),
            query: None,
            body: None,
            replies: Vec::new(),
            conflict: None,
            consequential: false,
            streams: false,
            actions: false,
        }
    }
    pub fn get(path: &'static str, id: &'static str, summary: &'static str) -> Op {
        Op::new(Method::GET, path, id, summary)
    }
    pub fn post(path: &'static str, id: &'static str, summary: &'static str) -> Op {
        Op::new(Method::POST, path, id, summary)
    }
    pub fn delete(path: &'static str, id: &'static str, summary: &'static str) -> Op {
        Op::new(Method::DELETE, path, id, summary)
    }
    pub fn patch(path: &'static str, id: &'static str, summary: &'static str) -> Op {
        Op::new(Method::PATCH, path, id, summary)
    }
    pub fn describe(mut self, text: &'static str) -> Op {
        self.description = text;
        self
    }
    pub fn tag(mut self, tag: &'static str) -> Op {
        self.tag = tag;
        self
    }
    pub fn scope(mut self, scope: Scope) -> Op {
        self.scope = Some(scope);
        self
    }
    /// A path parameter (a string unless `schema` says otherwise).
    pub fn path_param(mut self, name: &'static str, description: &'static str) -> Op {
        self.path_params.push((
            name,
            description,
            json!({ "type": "string", "minLength": 1 }),
        ));
        self
    }
    /// Query parameters: the fields of `Q`.
    pub fn query<Q: JsonSchema>(mut self) -> Op {
        self.query = Some(inline::<Q>);
        self
    }
    /// A JSON request body of type `B`.
    pub fn body<B: JsonSchema>(mut self) -> Op {
        self.body = Some(reference::<B>);
        self
    }
    /// A JSON success response of type `T`.
    pub fn reply<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Op {
        self.replies.push(Reply {
            status,
            description,
            content: Content::Typed("application/json", reference::<T>),
            links: Vec::new(),
        });
        self
    }
    /// A success response in other media types.
    pub fn reply_media(
        mut self,
        status: u16,
        description: &'static str,
        media: Vec<(&'static str, Value)>,
    ) -> Op {
        self.replies.push(Reply {
            status,
            description,
            content: Content::Media(media),
            links: Vec::new(),
        });
        self
    }
    /// Links from the last reply to operations taking `param` from it (`$response.body#/scan_id`).
    pub fn links(mut self, param: &'static str, expr: &'static str, ops: &[&'static str]) -> Op {
        let reply = self.replies.last_mut().expect("a reply to link from");
        for op in ops {
            reply.links.push((op, op, param, expr));
        }
        self
    }
    /// The operation may answer 409, for this reason.
    pub fn conflict(mut self, why: &'static str) -> Op {
        self.conflict = Some(why);
        self
    }
    /// The operation acts (starts, stops, deletes): ChatGPT asks the user first.
    pub fn consequential(mut self) -> Op {
        self.consequential = true;
        self
    }
    pub fn streaming(mut self) -> Op {
        self.streams = true;
        self
    }
    /// A conversation needs it: the ChatGPT Actions profile keeps it.
    pub fn for_actions(mut self) -> Op {
        self.actions = true;
        self
    }

    /// The error statuses the operation may answer, each with what it means here.
    pub(super) fn errors(&self) -> Vec<(u16, &'static str)> {
        let mut out = Vec::new();
        let takes_input =
            !self.path_params.is_empty() || self.query.is_some() || self.body.is_some();
        if takes_input {
            out.push((
                400,
                "The request is malformed: a parameter or the JSON body does not parse.",
            ));
        }
        if self.scope.is_some() {
            out.push((401, "No API key, or a wrong or revoked one."));
            out.push((
                403,
                "The key lacks the scope this operation needs, or the Host or Origin is refused.",
            ));
        }
        if self.id == "startScan" || self.id == "createKey" {
            out.push((402, "An org quota is used up (running scans, scans per day, or keys); the message names it."));
        }
        if !self.path_params.is_empty() {
            out.push((404, "No such object in the key's org."));
        }
        if let Some(why) = self.conflict {
            out.push((409, why));
        }
        if self.body.is_some() {
            out.push((
                413,
                "The request body is larger than server.max_request_body.",
            ));
            out.push((415, "The request body is not sent as application/json."));
        }
        if takes_input {
            out.push((
                422,
                "The request parses but a value is invalid; the message says which and why.",
            ));
        }
        if self.scope.is_some() {
            out.push((429, "Too many requests with this key: wait `retry_after` seconds (also in Retry-After)."));
        }
        out.push((
            500,
            "The server failed; the cause is logged on the server, never sent.",
        ));
        if !self.streams {
            out.push((503, "The request took longer than server.request_timeout."));
        }
        out
    }
}
