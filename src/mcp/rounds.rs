//! Input-required rounds (SEP-2322, protocol 2026-07-28): a tool that needs the user's answer replies with the
//! questions instead of a result, and the client calls again with the answers; what earlier rounds answered travels
//! in `requestState`, sealed (HMAC, bound to the tool and its arguments, expiring) so an altered or foreign state is
//! refused. Used by the confirmations of `start_scan` and `remove_target` and by the conformance fixtures.

use rmcp::ErrorData as McpError;
use rmcp::model::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

/// How long a sealed state stays valid: long enough for a person to answer a question.
const STATE_TTL: Duration = Duration::from_secs(15 * 60);

/// Seals and opens `requestState` with a key drawn at start-up, so a state does not survive a restart.
static CODEC: LazyLock<RequestStateCodec> = LazyLock::new(|| {
    RequestStateCodec::try_new(rand::random::<[u8; 32]>().to_vec())
        .expect("a 32-byte key is long enough")
});

/// One round of a fixture's exchange: the answers of earlier rounds (from the sealed state) and this round's responses.
pub(super) struct Round {
    /// The tool or prompt; the state is bound to it, so one fixture's state is refused by another.
    fixture: String,
    responses: InputResponses,
    pub(super) answers: BTreeMap<String, Value>,
    /// Whether the request brought back a state this server sealed.
    #[cfg_attr(not(feature = "conformance"), allow(dead_code))]
    pub(super) resumed: bool,
}

impl Round {
    /// Opens a round; an altered, expired or foreign `state` is an invalid-params error.
    pub(super) fn open(
        fixture: &str,
        responses: Option<InputResponses>,
        state: Option<String>,
    ) -> Result<Round, McpError> {
        let answers = match &state {
            Some(sealed) => CODEC
                .open_json_with(sealed, fixture.as_bytes())
                .map_err(|_| McpError::invalid_params("requestState failed verification", None))?,
            None => BTreeMap::new(),
        };
        Ok(Round {
            fixture: fixture.into(),
            responses: responses.unwrap_or_default(),
            answers,
            resumed: state.is_some(),
        })
    }

    /// The answer to `request` under `key`: an earlier round's, else this round's response if it is a valid result for
    /// the request (which is then kept for later rounds).
    pub(super) fn answer(&mut self, key: &str, request: &InputRequest) -> Option<Value> {
        if let Some(answer) = self.answers.get(key) {
            return Some(answer.clone());
        }
        let answer = answer_in(request, self.responses.get(key)?)?;
        self.answers.insert(key.into(), answer.clone());
        Some(answer)
    }

    /// `None` once every request has an answer; otherwise a result asking for the unanswered ones, all at once.
    #[cfg_attr(not(feature = "conformance"), allow(dead_code))]
    pub(super) fn gather(
        &mut self,
        requests: Vec<(&'static str, InputRequest)>,
    ) -> Result<Option<InputRequiredResult>, McpError> {
        let missing: Vec<_> = requests
            .into_iter()
            .filter(|(key, request)| self.answer(key, request).is_none())
            .collect();
        if missing.is_empty() {
            Ok(None)
        } else {
            self.ask(missing).map(Some)
        }
    }

    /// A result asking for `requests`, with the answers so far sealed into its `requestState`.
    pub(super) fn ask(
        &self,
        requests: impl IntoIterator<Item = (&'static str, InputRequest)>,
    ) -> Result<InputRequiredResult, McpError> {
        let options = SealOptions::new()
            .associated_data(self.fixture.as_bytes())
            .ttl(STATE_TTL);
        let state = CODEC
            .seal_json_with(&self.answers, &options)
            .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let requests = requests.into_iter().map(|(k, r)| (k.into(), r)).collect();
        Ok(InputRequiredResult::new(Some(requests), Some(state)))
    }
}

/// The answer in `response` if it is a valid result for `request`: an elicitation's accepted content holding every
/// required field (`null` when the user declined or cancelled), the sampled text, or the roots' URIs.
pub(super) fn answer_in(request: &InputRequest, response: &Value) -> Option<Value> {
    match request {
        InputRequest::Elicitation(elicit) => {
            let result: ElicitResult = serde_json::from_value(response.clone()).ok()?;
            if result.action != ElicitationAction::Accept {
                return Some(Value::Null);
            }
            let content = result.content.filter(Value::is_object)?;
            let required = match &elicit.params {
                ElicitRequestParams::FormElicitationParams {
                    requested_schema, ..
                } => requested_schema.required.as_deref().unwrap_or_default(),
                _ => &[],
            };
            required
                .iter()
                .all(|field| content.get(field).is_some())
                .then_some(content)
        }
        InputRequest::CreateMessage(_) => {
            let result: CreateMessageResult = serde_json::from_value(response.clone()).ok()?;
            let text: Vec<_> = result
                .message
                .content
                .iter()
                .filter_map(|c| Some(c.as_text()?.text.as_str()))
                .collect();
            (!text.is_empty()).then(|| text.concat().into())
        }
        InputRequest::ListRoots(_) => {
            let result: ListRootsResult = serde_json::from_value(response.clone()).ok()?;
            let uris: Vec<_> = result.roots.into_iter().map(|root| root.uri).collect();
            Some(if uris.is_empty() {
                "none".into()
            } else {
                uris.join(", ").into()
            })
        }
        _ => None,
    }
}

/// A form elicitation: `message` and the form's `schema`.
pub(super) fn elicit(message: &str, schema: ElicitationSchemaBuilder) -> InputRequest {
    InputRequest::Elicitation(ElicitRequest::new(
        ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: message.into(),
            requested_schema: schema.build_unchecked(),
        },
    ))
}
