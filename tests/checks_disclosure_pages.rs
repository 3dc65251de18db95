//! Exposed status pages, diagnostics and documents, one rule at a time: a site that serves them and one whose
//! answer at the same path is something else.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::model::{Category, Profile, Severity};

async fn standard(files: Vec<Served>) -> Scanned {
    scan_site(files, Missing::NotFound, Profile::Standard).await
}

const SERVER_STATUS: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\"><html><head><title>Apache Status</title>\
    </head><body><h1>Apache Server Status for shop.test (via 10.0.0.5)</h1><dl><dt>Server Version: Apache/2.4.41 (Ubuntu)</dt>\
    <dt>Server uptime: 3 days</dt><dt>Total accesses: 1234</dt></dl></body></html>";

#[tokio::test]
async fn apache_and_nginx_status_pages() {
    let s = standard(vec![
        ok("/server-status", "text/html", SERVER_STATUS),
        ok("/nginx_status", "text/plain", "Active connections: 3 \nserver accepts handled requests\n 17 17 42 \nReading: 0 Writing: 1 Waiting: 2 \n"),
    ])
    .await;
    let apache = s.at("disclosure.status-page-exposed", &url("/server-status"));
    assert_eq!(apache.severity, Severity::Medium);
    assert!(
        apache
            .evidence
            .as_deref()
            .unwrap_or("")
            .contains("Apache/2.4.41 (Ubuntu)")
    );
    let nginx = s.at("disclosure.status-page-exposed", &url("/nginx_status"));
    assert_eq!(
        nginx.severity,
        Severity::Low,
        "stub_status shows only counters"
    );
}

#[tokio::test]
async fn status_paths_used_by_the_application_are_not_status_pages() {
    let s = standard(vec![
        ok(
            "/server-status",
            "application/json",
            r#"{"status":"ok","uptime":"3 days"}"#,
        ),
        ok(
            "/nginx_status",
            "text/html",
            "<html><body><p>Active connections: many</p></body></html>",
        ),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn phpinfo_page() {
    let page = "<!DOCTYPE html><html><head><title>PHP 8.1.2 - phpinfo()</title></head><body><table>\
                <tr class=\"h\"><td><h1 class=\"p\">PHP Version 8.1.2</h1></td></tr></table><table><tr><td class=\"e\">System </td>\
                <td class=\"v\">Linux web-1 5.15.0 </td></tr></table></body></html>";
    let found = standard(vec![ok("/info.php", "text/html", page)]).await;
    let evidence = found.evidence("disclosure.phpinfo-exposed", &url("/info.php"));
    assert!(
        evidence.contains("PHP Version 8.1.2") && evidence.contains("Linux web-1"),
        "{evidence}"
    );
    let other = standard(vec![ok(
        "/phpinfo.php",
        "text/html",
        "<html><title>Info</title><body>We run PHP Version 8 on our servers.</body></html>",
    )])
    .await;
    assert_eq!(other.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn actuator_with_heapdump_and_env() {
    let index = r#"{"_links":{"self":{"href":"http://site.test/actuator","templated":false},
        "health":{"href":"http://site.test/actuator/health","templated":false},
        "env":{"href":"http://site.test/actuator/env","templated":false},
        "heapdump":{"href":"http://site.test/actuator/heapdump","templated":false},
        "mappings":{"href":"http://site.test/actuator/mappings","templated":false}}}"#;
    let env = r#"{"activeProfiles":["prod"],"propertySources":[{"name":"server.ports","properties":{}},
        {"name":"systemEnvironment","properties":{"DB_PASSWORD":{"value":"******"}}}]}"#;
    let s = standard(vec![
        ok(
            "/actuator",
            "application/vnd.spring-boot.actuator.v3+json",
            index,
        ),
        ok("/actuator/env", "application/json", env),
    ])
    .await;
    assert_eq!(
        s.ids(),
        vec![
            "disclosure.actuator-exposed",
            "disclosure.security-txt-missing"
        ]
    );
    let f = s.at("disclosure.actuator-exposed", &url("/actuator"));
    assert_eq!(
        f.severity,
        Severity::Critical,
        "a heap dump holds credentials"
    );
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("heapdump, env, mappings") && evidence.contains("2 property sources"),
        "{evidence}"
    );
    assert_eq!(
        s.count("/actuator/heapdump"),
        0,
        "a heap dump is never downloaded"
    );
}

#[tokio::test]
async fn actuator_with_only_health_and_info_is_fine() {
    let index = r#"{"_links":{"self":{"href":"/actuator"},"health":{"href":"/actuator/health"},"info":{"href":"/actuator/info"}}}"#;
    let s = standard(vec![
        ok("/actuator", "application/json", index),
        ok("/actuator/env", "application/json", r#"{"status":"UP"}"#),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn openapi_documents_are_one_info_finding() {
    let doc = r#"{"openapi":"3.0.1","info":{"title":"Shop API","version":"v1"},"paths":{"/orders":{},"/users":{},"/admin/export":{}}}"#;
    let s = standard(vec![
        ok("/v3/api-docs", "application/json", doc),
        ok("/swagger.json", "application/json", doc),
    ])
    .await;
    let found: Vec<_> = s
        .out
        .findings
        .iter()
        .filter(|f| f.check_id == "disclosure.openapi-exposed")
        .collect();
    assert_eq!(found.len(), 1, "one document family, one finding");
    let f = s.at("disclosure.openapi-exposed", &url("/swagger.json"));
    assert_eq!((f.severity, f.category), (Severity::Info, Category::Api));
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("\"Shop API\" with 3 paths") && evidence.contains("/v3/api-docs"),
        "{evidence}"
    );
    let other = standard(vec![ok(
        "/openapi.json",
        "application/json",
        r#"{"error":"not found","paths":"none"}"#,
    )])
    .await;
    assert_eq!(other.ids(), vec!["disclosure.security-txt-missing"]);
}

const AGENTS_MD: &str = "# AGENTS.md\n\n## Setup\n- Run `pnpm install` then `pnpm test` before every commit.\n\
    - The staging database is at 10.20.0.15; never run migrations against production.\n";

const CURSOR_RULES_INDEX: &str = "<html><head><title>Index of /.cursor/rules</title></head><body><h1>Index of /.cursor/rules</h1>\
    <ul><li><a href=\"/.cursor/\"> Parent Directory</a></li><li><a href=\"project.mdc\"> project.mdc</a></li>\
    <li><a href=\"testing.mdc\"> testing.mdc</a></li></ul></body></html>";

#[tokio::test]
async fn agent_instruction_files_and_an_mcp_config_with_a_token() {
    let mcp = r#"{"mcpServers":{"github":{"command":"npx","args":["-y","@modelcontextprotocol/server-github"],
        "env":{"GITHUB_PERSONAL_ACCESS_TOKEN":"ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"}}}}"#;
    let s = standard(vec![
        ok("/AGENTS.md", "text/markdown", AGENTS_MD),
        ok(
            "/.cursorrules",
            "text/plain",
            "You are an expert in TypeScript and Next.js.\nAlways use server components.\n",
        ),
        ok("/.mcp.json", "application/json", mcp),
        ok("/.cursor/rules/", "text/html", CURSOR_RULES_INDEX),
    ])
    .await;
    let rules = s.evidence("disclosure.agent-files-exposed", &url("/.cursor/rules/"));
    assert!(rules.contains("project.mdc, testing.mdc"), "{rules}");
    let agents = s.at("disclosure.agent-files-exposed", &url("/AGENTS.md"));
    assert_eq!(
        (agents.severity, agents.category),
        (Severity::Medium, Category::Disclosure)
    );
    assert!(
        agents
            .evidence
            .as_deref()
            .unwrap_or("")
            .contains("10.20.0.15")
    );
    s.at("disclosure.agent-files-exposed", &url("/.cursorrules"));
    let config = s.at("disclosure.agent-files-exposed", &url("/.mcp.json"));
    assert_eq!(
        config.severity,
        Severity::Critical,
        "the config holds a GitHub token"
    );
    let evidence = config.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("GITHUB_PERSONAL_ACCESS_TOKEN=") && !evidence.contains("Xw8Vu7Ts6Rq5Po4"),
        "{evidence}"
    );
}

#[tokio::test]
async fn agent_file_paths_answered_by_an_app_shell_are_not_agent_files() {
    let shell = "<!doctype html><html><head><title>App</title></head><body><div id=root></div>\
                 <noscript>You must enable JavaScript to run this project.</noscript></body></html>";
    let s = standard(vec![
        ok("/CLAUDE.md", "text/html", shell),
        ok("/AGENTS.md", "text/plain", "Forbidden"),
        ok(
            "/.mcp.json",
            "application/json",
            r#"{"servers":["eu-1","us-2"]}"#,
        ),
        ok("/.cursor/rules/", "text/html", shell),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}
