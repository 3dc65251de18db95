//! The client requests rmcp knows, each with the check of its params against rmcp's own typed request: how
//! [`super::framing`] tells a known method with params that do not fit (`-32602`) from an unknown one.

use rmcp::model::{
    CallToolRequest, CancelTaskRequest, CompleteRequest, ConstString, DiscoverRequest,
    GetPromptRequest, GetSkillRequest, GetTaskRequest, InitializeRequest, ListPromptsRequest,
    ListResourceTemplatesRequest, ListResourcesRequest, ListSkillsRequest, ListToolsRequest,
    PingRequest, ReadResourceDirectoryRequest, ReadResourceRequest, Request, RequestNoParam,
    RequestOptionalParam, SetLevelRequest, SubscribeRequest, SubscriptionsListenRequest,
    UnsubscribeRequest, UpdateTaskRequest,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Checks a message against the typed request of its method, giving the deserializer's complaint.
pub(super) type Check = fn(&Value) -> Option<String>;

/// The check for a method rmcp knows as a client request, or `None` for other methods.
pub(super) fn known(method: &str) -> Option<Check> {
    KNOWN
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, check)| *check)
}

/// The client requests of rmcp's `ClientRequest` union (bar the catch-all), named by rmcp's own method constants.
pub(super) const KNOWN: &[(&str, Check)] = &[
    entry::<InitializeRequest>(),
    entry::<PingRequest>(),
    entry::<DiscoverRequest>(),
    entry::<CompleteRequest>(),
    entry::<SetLevelRequest>(),
    entry::<GetPromptRequest>(),
    entry::<ListPromptsRequest>(),
    entry::<ListResourcesRequest>(),
    entry::<ListResourceTemplatesRequest>(),
    entry::<ReadResourceRequest>(),
    entry::<SubscriptionsListenRequest>(),
    entry::<SubscribeRequest>(),
    entry::<UnsubscribeRequest>(),
    entry::<CallToolRequest>(),
    entry::<ListToolsRequest>(),
    entry::<GetTaskRequest>(),
    entry::<UpdateTaskRequest>(),
    entry::<CancelTaskRequest>(),
    entry::<ListSkillsRequest>(),
    entry::<GetSkillRequest>(),
    entry::<ReadResourceDirectoryRequest>(),
];

const fn entry<T: Typed>() -> (&'static str, Check) {
    (T::METHOD, T::complaint)
}

/// One of rmcp's typed requests, whose method is a constant.
trait Typed: DeserializeOwned {
    const METHOD: &'static str;

    fn complaint(message: &Value) -> Option<String> {
        // Only the request's own fields: `jsonrpc` and `id` are the envelope's.
        let mut request = serde_json::Map::new();
        for key in ["method", "params"] {
            if let Some(v) = message.get(key) {
                request.insert(key.into(), v.clone());
            }
        }
        Self::deserialize(&Value::Object(request))
            .err()
            .map(|e| e.to_string())
    }
}

impl<M: ConstString, P> Typed for Request<M, P>
where
    Self: DeserializeOwned,
{
    const METHOD: &'static str = M::VALUE;
}

impl<M: ConstString, P> Typed for RequestOptionalParam<M, P>
where
    Self: DeserializeOwned,
{
    const METHOD: &'static str = M::VALUE;
}

impl<M: ConstString> Typed for RequestNoParam<M>
where
    Self: DeserializeOwned,
{
    const METHOD: &'static str = M::VALUE;
}
