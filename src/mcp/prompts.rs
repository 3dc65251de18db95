//! Prompts (templates in `prompts/`): a security review of a scan, applying and verifying its fixes, and the whole
//! loop for one URL.

use super::McpServer;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{PromptMessage, Role};
use rmcp::{prompt, prompt_router};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScanPromptArgs {
    /// The scan id (from start_scan or list_scans).
    pub scan_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SitePromptArgs {
    /// The site to check, e.g. https://staging.example.com
    pub url: String,
    /// quick, standard (default) or deep
    #[serde(default)]
    pub profile: Option<String>,
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template.to_string(), |text, (k, v)| {
        text.replace(&format!("{{{{{k}}}}}"), v)
    })
}

#[prompt_router(vis = "pub(super)")]
impl McpServer {
    /// Executive summary, attack chains and a prioritised plan from a scan's findings.
    #[prompt(name = "security_review")]
    async fn security_review(
        &self,
        Parameters(a): Parameters<ScanPromptArgs>,
    ) -> Vec<PromptMessage> {
        let target = match self.app.get_scan(crate::app::DEFAULT_ORG, &a.scan_id).await {
            Ok(scan) => scan
                .targets
                .iter()
                .map(|t| t.url.clone())
                .collect::<Vec<_>>()
                .join(", "),
            Err(_) => "the scanned site".to_string(),
        };
        let text = fill(
            include_str!("../../prompts/security_review.md"),
            &[("scan_id", &a.scan_id), ("target", &target)],
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }

    /// Apply a scan's fix file to this workspace, then verify the fixes.
    #[prompt(name = "fix_and_verify")]
    async fn fix_and_verify(
        &self,
        Parameters(a): Parameters<ScanPromptArgs>,
    ) -> Vec<PromptMessage> {
        let text = fill(
            include_str!("../../prompts/fix_and_verify.md"),
            &[("scan_id", &a.scan_id)],
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }

    /// Scan a site, read the findings, fix them and verify: the whole loop.
    #[prompt(name = "scan_site")]
    async fn scan_site(&self, Parameters(a): Parameters<SitePromptArgs>) -> Vec<PromptMessage> {
        let profile = a.profile.unwrap_or_else(|| "standard".into());
        let text = fill(
            include_str!("../../prompts/scan_site.md"),
            &[("url", &a.url), ("profile", &profile)],
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_are_filled() {
        assert_eq!(
            super::fill("a {{x}} b {{x}} {{y}}", &[("x", "1"), ("y", "2")]),
            "a 1 b 1 2"
        );
        for template in [
            include_str!("../../prompts/security_review.md"),
            include_str!("../../prompts/fix_and_verify.md"),
        ] {
            assert!(template.contains("{{scan_id}}"));
        }
    }
}
