//! `ai-surface` checks: MCP endpoints, OpenAI-compatible and Ollama APIs answering without authentication, system prompts in client code.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
