//! `ai-surface` checks: MCP endpoints, OpenAI-compatible and Ollama APIs answering without authentication, system prompts in client code.
//!
//! LLM provider keys in client code are the `secrets` module's, and instruction files written for coding agents
//! (`CLAUDE.md`, `AGENTS.md`, `.cursorrules`, `.mcp.json`) are `disclosure.exposures`'; this module does not repeat them.

mod llm_apis;
mod mcp;
mod prompts;

use crate::engine::net::NetError;
use crate::engine::registry::{Check, CheckResult, Rule};
use crate::model::{Category, Module, Profile, Severity};

const CWE_306: &str = "https://cwe.mitre.org/data/definitions/306.html";
const MCP_AUTH: &str =
    "https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization";
const MCP_SECURITY: &str =
    "https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices";
const OWASP_LLM: &str = "https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/";
const OLLAMA_FAQ: &str = "https://github.com/ollama/ollama/blob/main/docs/faq.md";
const VLLM_SECURITY: &str = "https://docs.vllm.ai/en/latest/usage/security.html";

macro_rules! ai_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),*]) => {
        pub static $name: Rule = Rule {
            id: $id, category: Category::AiSafety, severity: Severity::$sev, title: $title, description: $desc,
            remediation: $fix, references: &[$($r),*], cwe: $cwe,
        };
    };
}

ai_rule!(
    MCP_OPEN,
    "ai-surface.mcp-unauthenticated",
    High,
    Some(306),
    "An MCP server answers without authentication",
    "This site runs a Model Context Protocol server that opened a session for a client that sent no credentials. Anyone can connect an AI agent to it and call its tools with the server's own permissions: reading the data they reach, and doing whatever they do (sending mail, changing records, running queries).",
    "Require authorization on the MCP endpoint: OAuth 2.1 as the MCP specification describes (answer 401 with `WWW-Authenticate` and protected-resource metadata), or at least a bearer token checked on every request; if the server is only for local agents, bind it to 127.0.0.1 or use the stdio transport.",
    [MCP_AUTH, MCP_SECURITY, CWE_306]
);
ai_rule!(
    OPENAI_OPEN,
    "ai-surface.openai-api-unauthenticated",
    High,
    Some(306),
    "An OpenAI-compatible API lists its models without authentication",
    "`/v1/models` answered without an API key with the models this server offers. Servers of this kind (vLLM, LiteLLM, LocalAI, llama.cpp, text-generation-inference) usually guard completions with the same key as the model list, so anyone can probably run those models on your hardware or your provider bill, and reach private or fine-tuned models. Palisade only read the list; it did not request a completion.",
    "Require an API key on every route of the inference server (`--api-key` for vLLM and llama.cpp, a master key and virtual keys for LiteLLM), or keep it on a private network behind the application that uses it.",
    [VLLM_SECURITY, CWE_306]
);
ai_rule!(
    OLLAMA_OPEN,
    "ai-surface.ollama-exposed",
    High,
    Some(306),
    "The Ollama API is open to the internet",
    "Ollama answered its API without authentication (it has none). Anyone can run the installed models on this machine, download new models to its disk (`/api/pull`), delete models, and read their names and settings.",
    "Keep Ollama on loopback (`OLLAMA_HOST=127.0.0.1`, the default) or a private network, and block port 11434 in the firewall. If it must be reached from outside, put it behind a reverse proxy that requires authentication.",
    [OLLAMA_FAQ, CWE_306]
);
ai_rule!(
    SYSTEM_PROMPT,
    "ai-surface.system-prompt-in-client",
    Info,
    Some(540),
    "A system prompt is shipped in client code",
    "A script this site sends to every visitor contains what looks like an LLM system prompt. Anyone can read it: it shows how the assistant is instructed (and what it is told not to do), which helps craft prompt injections, and it is not a place for secrets or for rules that must hold. When the browser sends the prompt itself, a visitor can also change it.",
    "Keep system prompts on the server: have the browser call your own backend, which adds the prompt before calling the model. Never rely on a prompt's secrecy, and never put keys, internal URLs or customer data in it.",
    [OWASP_LLM]
);

/// The checks of this module.
pub static CHECKS: &[Check] = &[
    Check {
        id: "ai-surface.mcp",
        module: Module::AiSurface,
        profile: Profile::Standard,
        summary: "an MCP server at /mcp (Streamable HTTP `initialize`) or /sse (HTTP+SSE) that opens a session without credentials",
        rules: &[&MCP_OPEN],
        run: |ctx| Box::pin(mcp::run(ctx)),
    },
    Check {
        id: "ai-surface.llm-apis",
        module: Module::AiSurface,
        profile: Profile::Standard,
        summary: "OpenAI-compatible /v1/models and Ollama's /api/tags answering without credentials (deep: also Ollama's port 11434)",
        rules: &[&OPENAI_OPEN, &OLLAMA_OPEN],
        run: |ctx| Box::pin(llm_apis::run(ctx)),
    },
    Check {
        id: "ai-surface.system-prompts",
        module: Module::AiSurface,
        profile: Profile::Standard,
        summary: "LLM system prompts in the site's own scripts",
        rules: &[&SYSTEM_PROMPT],
        run: |ctx| Box::pin(prompts::run(ctx)),
    },
];

/// The first failure among a check's requests: a check that could not look everywhere must not pass. The scan
/// stopping ends it at once.
#[derive(Default)]
struct Failed(Option<NetError>);

impl Failed {
    fn note<T>(&mut self, result: Result<Option<T>, NetError>) -> Result<Option<T>, NetError> {
        match result {
            Err(e @ (NetError::Cancelled | NetError::ErrorBudget(_))) => Err(e),
            Err(e) => {
                self.0.get_or_insert(e);
                Ok(None)
            }
            ok => ok,
        }
    }

    fn result(self) -> CheckResult {
        self.0.map_or(Ok(()), |e| Err(e.into()))
    }
}
