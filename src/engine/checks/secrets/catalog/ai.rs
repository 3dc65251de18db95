//! Keys of AI model providers. In client code they are an AI-safety problem as much as a leak: anyone can run the
//! models on your bill, read what the account stores (files, assistants, fine-tunes, batches) and get the account
//! suspended for their abuse. The `ai-surface` module reports these through this check.

use super::super::detect::Tweak;
use super::{OWASP, ROTATE, checked, named, token};
use crate::model::Severity;

const AI: &str = "https://owasp.org/www-project-top-10-for-large-language-model-applications/";

/// Admin keys manage the organisation itself: members, projects and every other key.
fn admin(secret: &str) -> Option<Tweak> {
    let admin = secret.starts_with("sk-admin-") || secret.starts_with("sk-ant-admin");
    Some(Tweak {
        severity: admin.then_some(Severity::Critical),
        note: admin.then_some("admin key"),
    })
}

formats! { ai: true;
    ANTHROPIC "anthropic-api-key", Secrets High, "Anthropic API key",
        "It is an AI provider key: anyone can run Claude models on your account's bill and read the files and batches it stores; an admin key also manages the organisation's members and keys.",
        fix ROTATE,
        refs ["https://docs.anthropic.com/en/api/getting-started", AI, OWASP],
        keys ["sk-ant-"],
        checked(r"\b(sk-ant-(?:api|admin)\d\d-[\w-]{80,120})(?:[^\w-]|$)", 4.0, admin);
    OPENAI "openai-api-key", Secrets High, "OpenAI API key",
        "It is an AI provider key: anyone can run models on your account's bill and read the files, assistants, vector stores and fine-tunes of the project; an admin key also manages the organisation.",
        fix ROTATE,
        refs ["https://platform.openai.com/api-keys", AI, OWASP],
        keys ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-none-", "t3blbkfj"],
        checked(r"\b(sk-(?:proj|svcacct|admin|None)-[\w-]{40,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?:[^\w-]|$)", 4.0, admin);
    HUGGINGFACE "huggingface-token", Secrets High, "Hugging Face access token",
        "It is an AI provider key: anyone can run inference on your bill, read private models and datasets, and with a write token push poisoned models under your name.",
        fix ROTATE,
        refs ["https://huggingface.co/docs/hub/security-tokens", AI, OWASP],
        keys ["hf_", "api_org_"],
        token(r"\b((?:hf_|api_org_)[A-Za-z]{34})\b", 3.5);
    GROQ "groq-api-key", Secrets High, "Groq API key",
        "It is an AI provider key: anyone can run models on your account's bill.",
        fix ROTATE,
        refs ["https://console.groq.com/keys", AI, OWASP],
        keys ["gsk_"],
        token(r"\b(gsk_[A-Za-z0-9]{52})\b", 4.0);
    REPLICATE "replicate-api-token", Secrets High, "Replicate API token",
        "It is an AI provider key: anyone can run models and read your predictions and private models on your bill.",
        fix ROTATE,
        refs ["https://replicate.com/account/api-tokens", AI, OWASP],
        keys ["r8_"],
        token(r"\b(r8_[A-Za-z0-9]{37})\b", 4.0);
    PERPLEXITY "perplexity-api-key", Secrets High, "Perplexity API key",
        "It is an AI provider key: anyone can run models on your account's bill.",
        fix ROTATE,
        refs ["https://docs.perplexity.ai/guides/getting-started", AI, OWASP],
        keys ["pplx-"],
        token(r"\b(pplx-[A-Za-z0-9]{48})\b", 4.0);
    XAI "xai-api-key", Secrets High, "xAI API key",
        "It is an AI provider key: anyone can run Grok models on your account's bill.",
        fix ROTATE,
        refs ["https://docs.x.ai/docs/overview", AI, OWASP],
        keys ["xai-"],
        token(r"\b(xai-[A-Za-z0-9]{80})\b", 4.0);
    MISTRAL "mistral-api-key", Secrets High, "Mistral API key",
        "It is an AI provider key: anyone can run models on your account's bill.",
        fix ROTATE,
        refs ["https://docs.mistral.ai/getting-started/quickstart/", AI, OWASP],
        keys ["mistral"],
        named(assigned!("mistral", r"[A-Za-z0-9]{32}"), 4.0);
    COHERE "cohere-api-key", Secrets High, "Cohere API key",
        "It is an AI provider key: anyone can run models on your account's bill.",
        fix ROTATE,
        refs ["https://docs.cohere.com/docs/rate-limits", AI, OWASP],
        keys ["cohere", "co_api_key"],
        named(assigned!("cohere|co_api_key", r"[A-Za-z0-9]{40}"), 4.0);
    DEEPSEEK "deepseek-api-key", Secrets High, "DeepSeek API key",
        "It is an AI provider key: anyone can run models on your account's bill.",
        fix ROTATE,
        refs ["https://api-docs.deepseek.com/", AI, OWASP],
        keys ["deepseek"],
        named(assigned!("deepseek", r"sk-[a-f0-9]{32}"), 3.0);
}
