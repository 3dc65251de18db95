//! The conformance suite's input-required fixtures (SEP-2322, protocol 2026-07-28): the `test_input_required_result_*`
//! tools and prompt, which ask the client for elicitation, sampling or roots in their result and finish when the client
//! retries with the answers. Answers from earlier rounds travel in `requestState`, sealed (HMAC) so that an altered
//! state is refused. Compiled in only with the `conformance` cargo feature.

use super::McpServer;
use super::rounds::{Round, elicit};
use rmcp::handler::server::prompt::PromptContext;
use rmcp::handler::server::tool::{InputResponses as Responses, RequestState, ToolName};
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, tool, tool_router};
use serde_json::Value;
use std::collections::BTreeMap;

/// The prompt that asks for input before it can be rendered.
const PROMPT: &str = "test_input_required_result_prompt";
fn ask_name(message: &str) -> InputRequest {
    elicit(
        message,
        ElicitationSchema::builder().required_string("name"),
    )
}

fn sample(prompt: &str, max_tokens: u32) -> InputRequest {
    let messages = vec![SamplingMessage::user_text(prompt)];
    InputRequest::CreateMessage(CreateMessageRequest::new(CreateMessageRequestParams::new(
        messages, max_tokens,
    )))
}

fn list_roots() -> InputRequest {
    InputRequest::ListRoots(ListRootsRequest::default())
}

/// `field` of an elicited form, or `None` when the user declined.
fn field(answer: &Value, field: &str) -> Option<String> {
    answer.get(field).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// One answer as text: a sampled text or roots list as it is, a form as JSON, a refusal as `declined`.
fn describe_one(answer: &Value) -> String {
    match answer {
        Value::String(s) => s.clone(),
        Value::Null => "declined".into(),
        other => other.to_string(),
    }
}

/// Every answer, one per line, as `key: answer`.
fn describe(answers: &BTreeMap<String, Value>) -> String {
    let lines: Vec<_> = answers
        .iter()
        .map(|(key, answer)| format!("{key}: {}", describe_one(answer)))
        .collect();
    lines.join("\n")
}

fn done(text: String) -> Result<CallToolResponse, McpError> {
    Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
}

/// Asks the user to confirm, and finishes only on a round that brings back the sealed state issued with the question.
fn confirmation(
    fixture: &str,
    responses: Option<InputResponses>,
    state: Option<String>,
) -> Result<CallToolResponse, McpError> {
    let mut round = Round::open(fixture, responses, state)?;
    let confirm = elicit(
        "Please confirm",
        ElicitationSchema::builder().required_bool("ok"),
    );
    match round.answer("confirm", &confirm) {
        Some(answer) if round.resumed => {
            let ok = field(&answer, "ok").unwrap_or_else(|| "declined".into());
            done(format!(
                "state-ok: the sealed requestState verified; confirmed: {ok}"
            ))
        }
        _ => Ok(round.ask([("confirm", confirm)])?.into()),
    }
}

#[tool_router(router = input_required_tools, vis = "pub(super)")]
impl McpServer {
    #[tool(description = "Asks the user's name through an input-required result, then greets them")]
    async fn test_input_required_result_elicitation(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut round = Round::open(&name, responses, state)?;
        let user_name = ask_name("What is your name?");
        match round.answer("user_name", &user_name) {
            None => Ok(round.ask([("user_name", user_name)])?.into()),
            Some(answer) => match field(&answer, "name") {
                Some(name) => done(format!("Hello, {name}!")),
                None => Ok(CallToolResult::error(vec![ContentBlock::text(
                    "The user declined to give a name.",
                )])
                .into()),
            },
        }
    }

    #[tool(description = "Asks the client's model a question through an input-required result")]
    async fn test_input_required_result_sampling(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut round = Round::open(&name, responses, state)?;
        let question = sample("What is the capital of France?", 100);
        match round.answer("capital_question", &question) {
            Some(answer) => done(format!("The model answered: {}", describe_one(&answer))),
            None => Ok(round.ask([("capital_question", question)])?.into()),
        }
    }

    #[tool(description = "Asks for the client's roots through an input-required result")]
    async fn test_input_required_result_list_roots(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut round = Round::open(&name, responses, state)?;
        let roots = list_roots();
        match round.answer("client_roots", &roots) {
            Some(answer) => done(format!("The client's roots: {}", describe_one(&answer))),
            None => Ok(round.ask([("client_roots", roots)])?.into()),
        }
    }

    #[tool(
        description = "Asks for a confirmation and completes only with the sealed requestState it issued"
    )]
    async fn test_input_required_result_request_state(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        confirmation(&name, responses, state)
    }

    #[tool(
        description = "Asks for a confirmation; an altered requestState is refused with an error"
    )]
    async fn test_input_required_result_tampered_state(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        confirmation(&name, responses, state)
    }

    #[tool(
        description = "Asks for a name, a sampled greeting and the client's roots in one input-required result"
    )]
    async fn test_input_required_result_multiple_inputs(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut round = Round::open(&name, responses, state)?;
        let requests = vec![
            ("user_name", ask_name("What is your name?")),
            ("greeting", sample("Generate a greeting", 50)),
            ("client_roots", list_roots()),
        ];
        match round.gather(requests)? {
            Some(ask) => Ok(ask.into()),
            None => done(format!(
                "All inputs received:\n{}",
                describe(&round.answers)
            )),
        }
    }

    #[tool(description = "Asks a name, then a favourite colour, over two input-required rounds")]
    async fn test_input_required_result_multi_round(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
    ) -> Result<CallToolResponse, McpError> {
        let mut round = Round::open(&name, responses, state)?;
        let step1 = ask_name("Step 1: What is your name?");
        let Some(person) = round.answer("step1", &step1) else {
            return Ok(round.ask([("step1", step1)])?.into());
        };
        let colour = ElicitationSchema::builder().required_string("color");
        let step2 = elicit("Step 2: What is your favorite color?", colour);
        let Some(colour) = round.answer("step2", &step2) else {
            return Ok(round.ask([("step2", step2)])?.into());
        };
        let person = field(&person, "name").unwrap_or_else(|| "Someone".into());
        let colour = field(&colour, "color").unwrap_or_else(|| "a secret".into());
        done(format!("{person}'s favorite color is {colour}."))
    }

    #[tool(
        description = "Asks only for the inputs the client declared it supports (elicitation, sampling, roots)"
    )]
    async fn test_input_required_result_capabilities(
        &self,
        ToolName(name): ToolName,
        Responses(responses): Responses,
        RequestState(state): RequestState,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let declared = ctx.client_capabilities().unwrap_or_default();
        let mut requests = vec![];
        if declared.elicitation.is_some() {
            requests.push(("user_name", ask_name("What is your name?")));
        }
        if declared.sampling.is_some() {
            requests.push(("greeting", sample("Generate a greeting", 50)));
        }
        if declared.roots.is_some() {
            requests.push(("client_roots", list_roots()));
        }
        if requests.is_empty() {
            return done(
                "The client declared none of elicitation, sampling and roots: nothing to ask."
                    .into(),
            );
        }
        let mut round = Round::open(&name, responses, state)?;
        match round.gather(requests)? {
            Some(ask) => Ok(ask.into()),
            None => done(format!("Inputs received:\n{}", describe(&round.answers))),
        }
    }
}

/// The input-required prompt, as listed.
fn prompt() -> Prompt {
    Prompt::new(
        PROMPT,
        Some(
            "A prompt that asks the user for context (an input-required result) before it is rendered",
        ),
        None,
    )
}

/// `prompts/get` in the conformance build: the input-required prompt is answered here, before the router, because it
/// needs the request's `inputResponses` and `requestState`, which `#[prompt_handler]` does not pass on.
pub(super) async fn get_prompt(
    server: &McpServer,
    request: GetPromptRequestParams,
    ctx: RequestContext<RoleServer>,
) -> Result<GetPromptResponse, McpError> {
    if request.name != PROMPT {
        let context = PromptContext::new(server, request.name, request.arguments, ctx);
        return server.prompt_router.get_prompt(context).await;
    }
    let mut round = Round::open(PROMPT, request.input_responses, request.request_state)?;
    let schema = ElicitationSchema::builder().required_string("context");
    let user_context = elicit("What context should the prompt use?", schema);
    let Some(answer) = round.answer("user_context", &user_context) else {
        return Ok(round.ask([("user_context", user_context)])?.into());
    };
    let text = match field(&answer, "context") {
        Some(context) => format!("Answer with this context in mind: {context}"),
        None => "Answer without any particular context.".to_string(),
    };
    let messages = vec![PromptMessage::new_text(Role::User, text)];
    Ok(GetPromptResult::new(messages).into())
}

/// `prompts/list` in the conformance build: the router's prompts and the input-required one, with the cache hints
/// `#[prompt_handler]` gives.
pub(super) fn list_prompts(
    server: &McpServer,
    ctx: &RequestContext<RoleServer>,
) -> ListPromptsResult {
    let mut prompts = server.prompt_router.list_all();
    prompts.push(prompt());
    prompts.sort_by(|a, b| a.name.cmp(&b.name));
    let result = ListPromptsResult::with_all_items(prompts);
    match ctx.protocol_version() {
        Some(version) if version >= ProtocolVersion::V_2026_07_28 => {
            result.with_ttl_ms(0).with_cache_scope(CacheScope::Public)
        }
        _ => result,
    }
}
