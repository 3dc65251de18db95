//! Error pages that disclose internals: stack traces and framework debug pages, in the crawled pages and in the
//! site's not-found answer. Nothing is sent to provoke errors; only what the crawl and the not-found probe return.

use super::{plain_text, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::model::Severity;
use regex::Regex;
use std::sync::LazyLock;

rule!(
    ERROR_PAGE,
    "disclosure.error-details",
    Disclosure,
    Medium,
    Some(209),
    "Error page reveals a stack trace or debug information",
    "The page shows an exception with its stack trace or a framework's debug page: file paths, source lines, library versions, configuration and sometimes queries. That tells an attacker how the application is built and where it breaks (ZAP rule 90022).",
    "Turn debug mode off in production (Django `DEBUG = False`, Laravel `APP_DEBUG=false`, Flask/Werkzeug without `debug=True`, ASP.NET `<customErrors mode=\"On\">`, Express `NODE_ENV=production`, Rails `config.consider_all_requests_local = false`) and serve a generic error page; log the details on the server instead.",
    [
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/08-Testing_for_Error_Handling/01-Testing_For_Improper_Error_Handling",
        "https://cwe.mitre.org/data/definitions/209.html"
    ]
);

/// One sign of an error page.
struct Sign {
    what: &'static str,
    re: LazyLock<Regex>,
    /// Full debug pages count on any response; bare stack traces only on error statuses or non-HTML responses,
    /// because a 200 HTML page with a trace is more often an article about one.
    debug_page: bool,
    severity: Severity,
}

macro_rules! sign {
    ($what:literal, $re:literal, $debug:literal, $sev:ident) => {
        Sign {
            what: $what,
            re: LazyLock::new(|| crate::engine::pattern::compile($re)),
            debug_page: $debug,
            severity: Severity::$sev,
        }
    };
}

/// Most specific first: the first sign that matches names the finding. Patterns allow any whitespace because the
/// not-found body is kept with its whitespace collapsed.
static SIGNS: [Sign; 14] = [
    sign!(
        "Werkzeug interactive debugger",
        r"(?i)Werkzeug Debugger|The debugger caught an exception in your WSGI application",
        true,
        High
    ),
    sign!(
        "Django debug page (DEBUG = True)",
        r"(?s)DEBUG\s*=\s*True(</code>)?\s+in\s+your\s+Django\s+settings\s+file|Django\s+Version:.*?Exception\s+Type:",
        true,
        Medium
    ),
    sign!(
        "Laravel debug page",
        r"(?i)facade/ignition|spatie/laravel-ignition|window\.ignite\(|Whoops! There was an error\.",
        true,
        Medium
    ),
    sign!(
        ".NET error page with exception details",
        r"(?s)Server Error in '[^']*' Application\..*?(Exception Details:|Stack Trace:)",
        true,
        Medium
    ),
    sign!(
        "ASP.NET Core developer exception page",
        r"An unhandled exception occurred while processing the request\.",
        true,
        Medium
    ),
    sign!(
        "Rails debug page",
        r"(?s)Action Controller: Exception caught|Rails\.root:.*?Application Trace",
        true,
        Medium
    ),
    sign!(
        "PHP error with a file path",
        r"(?i)<b>(Fatal error|Parse error|Warning|Notice|Deprecated|Catchable fatal error)</b>:\s.*?\sin\s<b>[^<]+</b>\son\sline\s<b>\d+</b>",
        true,
        Medium
    ),
    sign!(
        "PHP error with a file path",
        r"(?i)\b(PHP )?(Fatal error|Parse error|Warning):\s.*?\sin\s(/|[A-Z]:\\)\S+\.php(\son\sline\s\d+|:\d+)",
        false,
        Medium
    ),
    sign!(
        "PHP stack trace",
        r"Stack trace:\s+#0\s+(/|[A-Z]:\\)\S+\.php\(\d+\):",
        false,
        Medium
    ),
    sign!(
        "Python traceback",
        r#"Traceback \(most recent call last\):\s+File "[^"]+", line \d+"#,
        false,
        Medium
    ),
    sign!(
        "Java stack trace",
        r"(?:\bat\s+[\w$.<>/]+\((?:[\w$]+\.(?:java|kt|scala|groovy):\d+|Native Method|Unknown Source)\)\s*){2,}",
        false,
        Medium
    ),
    sign!(
        ".NET stack trace",
        r"\bat\s+[\w.`<>\[\],]+\([^)]*\)\s+in\s+\S+\.cs:line\s+\d+",
        false,
        Medium
    ),
    sign!(
        "Node.js stack trace",
        r"(?:\bat\s+(?:[\w.<>$\[\] ]+\s+)?\(?(?:/|[A-Za-z]:\\|file:///|node:)[^()\s]+:\d+:\d+\)?\s*(?:<br>|&nbsp;|\s)*){2,}",
        false,
        Medium
    ),
    sign!("Go panic", r"goroutine \d+ \[running\]:", false, Medium),
];

/// A Ruby backtrace (`from /app/x.rb:12:in 'm'`) is rare enough on normal pages to keep out of the list above.
static RUBY: LazyLock<Regex> =
    LazyLock::new(|| crate::engine::pattern::compile(r"(?:/\S+\.rb:\d+:in\s+[`'][^'`]+'\s*){2,}"));

/// What error page `text` is, with the matched text; `debug_only` limits the search to full debug pages.
pub(super) fn detect(text: &str, debug_only: bool) -> Option<(&'static str, Severity, String)> {
    for sign in SIGNS.iter().filter(|s| s.debug_page || !debug_only) {
        if let Some(m) = sign.re.find(text) {
            return Some((sign.what, sign.severity, excerpt(text, m.start(), m.end())));
        }
    }
    if debug_only {
        return None;
    }
    let m = RUBY.find(text)?;
    Some((
        "Ruby backtrace",
        Severity::Medium,
        excerpt(text, m.start(), m.end()),
    ))
}

/// The match and what follows it (a traceback's last line names the exception), as readable text.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    let mut cut = end.max(start + 600).min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    // Debug pages print settings and local variables: keep their secrets out of the evidence.
    let shown = crate::engine::redaction::scrub(&plain_text(&text[start..cut]));
    crate::engine::context::truncate(&shown, 300)
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let origin = ctx.origin().await;
    let nf = ctx.not_found().await?;
    if let Some((what, severity, shown)) = detect(nf.body(), false) {
        let location = format!("{} (not-found page)", url_location(&origin));
        let draft = ctx
            .finding(&ERROR_PAGE, location)
            .title(format!("{what} on the not-found page"))
            .evidence(format!(
                "GET of a missing path (HTTP {}) -> {shown}",
                nf.status
            ))
            .severity(severity);
        ctx.report(draft).await;
    }
    let crawl = ctx.crawl().await?;
    for page in &crawl.pages {
        let resp = page.resp();
        let any_trace = resp.status >= 400 || !resp.is_html();
        let Some((what, severity, shown)) = detect(&resp.text(), !any_trace) else {
            continue;
        };
        let draft = ctx
            .finding(&ERROR_PAGE, url_location(page.url()))
            .title(format!("{what} at {}", page.url().path()))
            .evidence(format!("HTTP {} -> {shown}", resp.status))
            .severity(severity);
        ctx.report(draft).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn each_kind_of_error_page_is_named() {
        let cases = [
            (
                "Traceback (most recent call last):\n  File \"/srv/app/views.py\", line 42, in product\n",
                "Python traceback",
            ),
            (
                "You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.",
                "Django debug page (DEBUG = True)",
            ),
            (
                "java.lang.NullPointerException\n\tat com.acme.Shop.load(Shop.java:42)\n\tat com.acme.Main.main(Main.java:7)\n",
                "Java stack trace",
            ),
            (
                "<h1>Server Error in '/' Application.</h1> <b> Exception Details: </b>System.NullReferenceException",
                ".NET error page with exception details",
            ),
            (
                "<br />\n<b>Fatal error</b>:  Uncaught Error: x in <b>/var/www/html/index.php</b> on line <b>12</b><br />",
                "PHP error with a file path",
            ),
            (
                "Error: boom<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:137:13)",
                "Node.js stack trace",
            ),
            (
                "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()",
                "Go panic",
            ),
            (
                "<title>Action Controller: Exception caught</title>",
                "Rails debug page",
            ),
            (
                "<div class=\"debugger\"><h1>Werkzeug Debugger</h1>",
                "Werkzeug interactive debugger",
            ),
        ];
        for (text, what) in cases {
            assert_eq!(detect(text, false).map(|d| d.0), Some(what), "{text}");
        }
    }

    #[test]
    fn error_excerpts_keep_secrets_out() {
        let page = "Traceback (most recent call last):\n  File \"/srv/app/db.py\", line 9, in connect\n    \
                    conn = connect(\"postgres://shop:s3cretPassw0rd@10.0.0.5/shop\")\nAPI_TOKEN = 'tok_4f9c2a7e1b3d5c6a8e0f'\n";
        let (_, _, shown) = detect(page, false).unwrap();
        assert!(
            !shown.contains("s3cretPassw0rd") && !shown.contains("4f9c2a7e1b3d5c6a8e0f"),
            "{shown}"
        );
        assert!(shown.contains("/srv/app/db.py"), "{shown}");
    }

    #[test]
    fn ordinary_pages_and_articles_are_not_error_pages() {
        let article = "<p>Here is a traceback:</p><pre>Traceback (most recent call last):\n  File \"x.py\", line 1</pre>";
        assert!(
            detect(article, true).is_none(),
            "bare traces on 200 HTML pages do not count"
        );
        assert!(detect(article, false).is_some());
        for text in [
            "<h1>Not found</h1>",
            "Server Error in '/' Application. Runtime Error",
            "Whoops, looks like something went wrong.",
        ] {
            assert!(detect(text, false).is_none(), "{text}");
        }
    }
}
