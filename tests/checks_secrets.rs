//! The `secrets` check. The corpus under `tests/corpus/secrets/` runs through the detector: every true case is
//! found with its format and redacted, no false case is found. Then real scans of a site on loopback with secrets
//! in an inline script, bundles, a source map's embedded sources, a configuration endpoint and a `.env` file, and
//! of a clean site with placeholders and public-by-design keys.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::engine::checks::secrets::catalog;
use palisade::engine::checks::secrets::detect::{Source, body};
use palisade::engine::checks::secrets::{Detection, scan};
use palisade::model::{Category, Confidence, Finding, Profile, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus(kind: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/secrets")
        .join(kind);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

/// What a corpus file is, from its extension: where such a file is found on a site.
fn source_of(name: &str) -> Source {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("env" | "txt") => Source::Env,
        Some("json") => Source::Config,
        Some("js") => Source::Script,
        _ => Source::Page,
    }
}

/// The part of a credential a leak would show: the password of a URL, else the middle of the value.
fn telltale(rule: &str, value: &str) -> String {
    if rule.ends_with("database-url") || rule.ends_with("url-credentials") {
        let userinfo = value.rsplit_once('@').unwrap().0;
        return userinfo.rsplit_once(':').unwrap().1.to_string();
    }
    let b = body(value);
    let mid = b.len() / 2;
    b.get(mid.saturating_sub(5)..(mid + 5).min(b.len()))
        .unwrap_or(b)
        .to_string()
}

fn assert_redacted(name: &str, text: &str, f: &Detection) {
    // Spans are in the text as scanned, where JSON's escaped `\/` reads as `/`.
    let text = &text.replace("\\/", "/");
    let spans = std::iter::once(&f.hit.span).chain(f.hit.paired.as_ref());
    for span in spans {
        let value = &text[span.clone()];
        let part = telltale(f.hit.rule.id, value);
        for shown in [&f.snippet, &f.hit.shown] {
            assert!(!shown.contains(value), "{name}: {value} in {shown}");
            assert!(
                !shown.contains(&part),
                "{name}: {part} of {value} in {shown}"
            );
        }
    }
}

#[test]
fn every_true_case_is_found_with_its_format_and_redacted() {
    let mut formats = BTreeSet::new();
    let mut wrong = Vec::new();
    for (name, text) in corpus("true") {
        let expected = format!("secrets.{}", name.split('.').next().unwrap());
        let found = scan(&text, source_of(&name));
        if found.is_empty() {
            wrong.push(format!("{name}: nothing found"));
        }
        for f in &found {
            if f.hit.rule.id != expected {
                wrong.push(format!(
                    "{name}: {} {} ({})",
                    f.hit.rule.id, f.hit.shown, f.snippet
                ));
            }
            assert_redacted(&name, &text, f);
        }
        formats.insert(expected);
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(
        formats.len() >= 40,
        "{} formats: {formats:?}",
        formats.len()
    );
    let rules: BTreeSet<&str> = catalog::RULES.iter().map(|r| r.id).collect();
    let untested: Vec<&&str> = rules.iter().filter(|r| !formats.contains(**r)).collect();
    assert!(
        untested.is_empty(),
        "rules without a true case: {untested:?}"
    );
}

#[test]
fn no_false_case_is_found() {
    for (name, text) in corpus("false") {
        let found = scan(&text, source_of(&name));
        let shown: Vec<String> = found
            .iter()
            .map(|f| format!("{} {} ({})", f.hit.rule.id, f.hit.shown, f.snippet))
            .collect();
        assert!(found.is_empty(), "{name}: {shown:#?}");
    }
}

/// The severity and confidence of the first hit in a true case.
fn graded(file: &str) -> (Severity, Confidence, Option<String>) {
    let (name, text) = corpus("true").into_iter().find(|(n, _)| n == file).unwrap();
    let f = scan(&text, source_of(&name)).remove(0);
    (f.hit.severity, f.hit.confidence, f.hit.note)
}

#[test]
fn severity_follows_what_the_credential_can_do() {
    use Severity::*;
    let cases = [
        ("stripe-secret-key.js", Critical, Some("live mode")),
        ("stripe-secret-key.test-mode.js", Low, Some("test mode")),
        ("aws-access-key.js", Critical, None),
        ("aws-access-key.env", High, None),
        ("privileged-jwt.js", Critical, None),
        ("privileged-jwt.admin.js", High, None),
        ("firebase-config.js", Info, Some("project shop-3f9a2")),
        ("google-api-key.js", Low, None),
        ("github-pat.js", Critical, None),
        ("github-app-token.js", Medium, None),
        ("generic-secret.env", High, None),
        ("generic-secret.js", Medium, None),
        (
            "private-key.txt",
            High,
            Some("RSA PRIVATE KEY, not encrypted"),
        ),
        ("anthropic-api-key.js", High, None),
    ];
    for (file, severity, note) in cases {
        let (got, _, got_note) = graded(file);
        assert_eq!(got, severity, "{file}");
        if let Some(note) = note {
            assert_eq!(got_note.as_deref(), Some(note), "{file}");
        }
    }
    assert_eq!(graded("google-api-key.js").1, Confidence::Medium);
    assert_eq!(graded("privileged-jwt.js").1, Confidence::High);
}

#[test]
fn ai_provider_keys_are_marked_for_the_ai_surface_module() {
    let ids: BTreeSet<&str> = palisade::engine::checks::secrets::ai_provider_rules()
        .map(|r| r.id)
        .collect();
    for id in [
        "secrets.openai-api-key",
        "secrets.anthropic-api-key",
        "secrets.huggingface-token",
        "secrets.groq-api-key",
    ] {
        assert!(ids.contains(id), "{id} in {ids:?}");
    }
    assert!(!ids.contains("secrets.stripe-secret-key"));
}

/// Fake credentials made from a seed: random-looking, of the right shape, the same in every run.
fn random(charset: &str, n: usize, seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let chars: Vec<char> = charset.chars().collect();
    let mut out = String::new();
    let mut round = 0u32;
    while out.len() < n {
        let digest = Sha256::digest(format!("{seed}/{round}").as_bytes());
        out.extend(digest.iter().map(|b| chars[*b as usize % chars.len()]));
        round += 1;
    }
    out.truncate(n);
    out
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn github_token(seed: &str) -> String {
    let body = random(ALNUM, 30, seed);
    let mut crc = flate2::Crc::new();
    crc.update(body.as_bytes());
    format!("ghp_{body}{}", catalog::base62(crc.sum()))
}

/// The credentials planted in the leaky site.
struct Planted {
    stripe: String,
    github: String,
    openai: String,
    aws_id: String,
    aws_secret: String,
    slack_in_library: String,
    sendgrid: String,
    db_password: String,
    session_secret: String,
}

impl Planted {
    fn new() -> Planted {
        let urlsafe = format!("{ALNUM}_-");
        Planted {
            stripe: format!("sk_live_51{}", random(ALNUM, 97, "stripe")),
            github: github_token("github"),
            openai: format!(
                "sk-proj-{}T3BlbkFJ{}",
                random(&urlsafe, 74, "openai-a"),
                random(&urlsafe, 74, "openai-b")
            ),
            aws_id: format!(
                "AKIA{}",
                random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, "aws-id")
            ),
            aws_secret: random(&format!("{ALNUM}+/"), 40, "aws-secret"),
            slack_in_library: format!(
                "xoxb-{}-{}-{}",
                random("123456789", 12, "s1"),
                random("123456789", 13, "s2"),
                random(ALNUM, 24, "s3")
            ),
            sendgrid: format!(
                "SG.{}.{}",
                random(&urlsafe, 22, "sg-a"),
                random(&urlsafe, 43, "sg-b")
            ),
            db_password: random(ALNUM, 24, "db"),
            session_secret: random(ALNUM, 48, "session"),
        }
    }

    fn all(&self) -> Vec<&str> {
        vec![
            &self.stripe,
            &self.github,
            &self.openai,
            &self.aws_id,
            &self.aws_secret,
            &self.slack_in_library,
            &self.sendgrid,
            &self.db_password,
            &self.session_secret,
        ]
    }

    fn site(&self) -> Vec<Served> {
        let index = format!(
            "<!doctype html><html><head><title>Shop</title><script src=\"/static/app.js\"></script>\
             <script src=\"/static/vendor.js\"></script></head><body><h1>Shop</h1>\
             <script>window.checkout = {{ stripe: \"{}\" }};</script></body></html>",
            self.stripe
        );
        let app = format!(
            "!function(){{var t=\"{}\",o={{model:\"gpt-4o\",key:\"{}\"}};window.app={{t,o}}}}();\n//# sourceMappingURL=app.js.map\n",
            self.github, self.openai
        );
        let vendor = format!("!function(){{window.gh=\"{}\"}}();\n", self.github);
        let config_ts = format!(
            "// build-time configuration\nexport const aws = {{\n  accessKeyId: \"{}\",\n  secretAccessKey: \"{}\",\n}};\n",
            self.aws_id, self.aws_secret
        );
        let library = format!("export const demo = \"{}\";\n", self.slack_in_library);
        let map = serde_json::json!({
            "version": 3,
            "file": "app.js",
            "sources": ["webpack:///src/config.ts", "webpack:///node_modules/chat-lib/index.js"],
            "sourcesContent": [config_ts, library],
            "names": [],
            "mappings": "AAAA",
        });
        let config =
            serde_json::json!({ "apiBase": "/api", "mail": { "sendgridKey": self.sendgrid } });
        let env = format!(
            "APP_ENV=production\nDATABASE_URL=postgres://shop:{}@db.prod.shop.io:5432/shop\nSESSION_SECRET={}\n",
            self.db_password, self.session_secret
        );
        vec![
            ok("/", "text/html; charset=utf-8", index),
            ok("/static/app.js", "text/javascript", app),
            ok("/static/vendor.js", "text/javascript", vendor),
            ok("/static/app.js.map", "application/json", map.to_string()),
            ok("/config.json", "application/json", config.to_string()),
            ok("/.env", "text/plain", env),
        ]
    }
}

fn secrets_found(s: &Scanned) -> Vec<&Finding> {
    s.out
        .findings
        .iter()
        .filter(|f| f.check_id.starts_with("secrets."))
        .collect()
}

#[tokio::test]
async fn secrets_everywhere_are_found_redacted_with_their_severity() {
    let p = Planted::new();
    let s = scan_site(p.site(), Missing::NotFound, Profile::Standard).await;
    let redact = palisade::engine::redaction::redact_known;
    let at = |rule: &str, path: &str, shown: &str| {
        s.at(
            &format!("secrets.{rule}"),
            &format!("{} ({rule}: {shown})", url(path)),
        )
    };

    let stripe = at("stripe-secret-key", "/", &redact(&p.stripe));
    assert_eq!(
        (stripe.severity, stripe.category),
        (Severity::Critical, Category::Secrets)
    );
    assert_eq!(stripe.title, "Stripe secret key in /");
    let evidence = stripe.evidence.as_deref().unwrap();
    assert!(
        evidence.contains("live mode") && evidence.contains(&redact(&p.stripe)),
        "{evidence}"
    );
    assert!(
        evidence.contains("line 1 of http://site.test/"),
        "{evidence}"
    );

    let in_app = at("github-pat", "/static/app.js", &redact(&p.github));
    let in_vendor = at("github-pat", "/static/vendor.js", &redact(&p.github));
    assert_eq!(
        in_app.root_cause, in_vendor.root_cause,
        "one token, one fix"
    );
    assert!(
        in_app
            .root_cause
            .as_deref()
            .unwrap()
            .starts_with("secret:github-pat:")
    );
    assert_eq!(in_app.severity, Severity::Critical);

    let openai = at("openai-api-key", "/static/app.js", &redact(&p.openai));
    assert_eq!(openai.severity, Severity::High);
    assert!(
        openai.description.contains("AI provider key"),
        "{}",
        openai.description
    );

    let aws = at("aws-access-key", "/static/app.js.map", &redact(&p.aws_id));
    assert_eq!(aws.severity, Severity::Critical);
    assert_eq!(
        aws.title,
        "AWS access key in webpack:///src/config.ts (source map /static/app.js.map)"
    );
    let evidence = aws.evidence.as_deref().unwrap();
    assert!(
        evidence.contains("line 3 of webpack:///src/config.ts"),
        "{evidence}"
    );
    assert!(
        evidence.contains(&format!("with secret key {}", redact(&p.aws_secret))),
        "{evidence}"
    );

    let sendgrid = at("sendgrid-api-key", "/config.json", &redact(&p.sendgrid));
    assert_eq!(sendgrid.severity, Severity::High);

    let db = s
        .out
        .findings
        .iter()
        .find(|f| f.check_id == "secrets.database-url")
        .unwrap();
    assert_eq!(db.severity, Severity::High);
    assert!(
        db.location
            .starts_with("http://site.test/.env (database-url: "),
        "{}",
        db.location
    );
    assert!(db.title.contains("the exposed /.env"), "{}", db.title);
    let session = at("generic-secret", "/.env", &redact(&p.session_secret));
    assert_eq!(session.severity, Severity::High);
    assert!(
        session
            .evidence
            .as_deref()
            .unwrap()
            .contains("assigned to SESSION_SECRET")
    );

    // Third-party code inside the map is not the site's own secret.
    assert!(
        !s.out
            .findings
            .iter()
            .any(|f| f.check_id == "secrets.slack-bot-token")
    );
    let ids: Vec<&str> = secrets_found(&s)
        .iter()
        .map(|f| f.check_id.as_str())
        .collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
    assert_eq!(
        s.out.state("secrets.credentials"),
        palisade::model::CoverageState::Found
    );

    // No stored finding, of any check, holds a planted secret or a telling part of one.
    let stored = serde_json::to_string(&s.out.findings).unwrap();
    for secret in p.all() {
        let part = telltale("", secret);
        assert!(
            !stored.contains(secret) && !stored.contains(&part),
            "{secret} leaked"
        );
    }

    // The map and the .env file are read once for both checks; each configuration probe once.
    assert_eq!(s.count("/static/app.js.map"), 1);
    assert_eq!(s.count("/.env"), 1);
    for path in [
        "/config.json",
        "/env.json",
        "/__/firebase/init.json",
        "/api/config",
        "/runtime-config.js",
    ] {
        assert_eq!(s.count(path), 1, "{path}");
    }
}

#[tokio::test]
async fn a_clean_site_with_placeholders_and_public_keys_has_no_secret() {
    let supabase_anon = concat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
        "eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3aHprY3ZibWxzbnJ0eWZkcHhhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAxNTAwMDAwMH0.",
        "T7vK2mQ9xL4pN8rZ1cW6sB3yF5hJ0dG2aE7uI9oP4kM"
    );
    let index = format!(
        "<!doctype html><html><head><title>Shop</title><script src=\"/static/app.js\"></script></head><body>\
         <script>const stripe = Stripe(\"pk_live_51{}\");\
         const supabase = createClient(\"https://qwhzkcvbmlsnrtyfdpxa.supabase.co\", \"{supabase_anon}\");\
         const firebaseConfig = {{ apiKey: \"AIza{}\", authDomain: \"shop-3f9a2.firebaseapp.com\", projectId: \"shop-3f9a2\" }};\
         </script><!-- STRIPE_SECRET_KEY=sk_live_your_key_here --></body></html>",
        random(ALNUM, 97, "pk"),
        random(ALNUM, 35, "firebase")
    );
    let app = "var e={password:\"Password\",apiKeyPlaceholder:\"Paste your API key\"};\
               var aws={accessKeyId:\"AKIAIOSFODNN7EXAMPLE\",secretAccessKey:\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"};\
               var db=\"postgres://user:password@localhost:5432/app\";";
    let files = vec![
        ok("/", "text/html; charset=utf-8", index),
        ok("/static/app.js", "text/javascript", app),
    ];
    // Every other path answers with the home page, as single-page apps do: not a .env, not a configuration.
    let s = scan_site(files, Missing::SamePage, Profile::Standard).await;
    let found = secrets_found(&s);
    let ids: Vec<&str> = found.iter().map(|f| f.check_id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["secrets.firebase-config"],
        "only the public Firebase configuration, as information"
    );
    assert_eq!(
        (found[0].severity, found[0].category),
        (Severity::Info, Category::Baas)
    );
    assert_eq!(found[0].title, "Firebase web configuration in /");
    assert!(
        !s.out
            .findings
            .iter()
            .any(|f| f.category == Category::Secrets),
        "{:?}",
        s.out.ids()
    );
}

#[tokio::test]
async fn the_quick_profile_reads_the_start_page_only() {
    let token = github_token("quick");
    let other = github_token("quick-script");
    let index = format!(
        "<!doctype html><html><head><script src=\"/static/app.js\"></script></head><body>\
         <!-- deploy with {token} --></body></html>"
    );
    let files = vec![
        ok("/", "text/html; charset=utf-8", index),
        ok(
            "/static/app.js",
            "text/javascript",
            format!("var t=\"{other}\";"),
        ),
        ok("/.env", "text/plain", format!("GITHUB_TOKEN={other}\n")),
    ];
    let s = scan_site(files, Missing::NotFound, Profile::Quick).await;
    let found = secrets_found(&s);
    assert_eq!(found.len(), 1, "{:?}", s.out.ids());
    assert_eq!(
        found[0].location,
        format!(
            "{} (github-pat: {})",
            url("/"),
            palisade::engine::redaction::redact_known(&token)
        )
    );
    assert_eq!(s.count("/.env"), 0, "no probe in the quick profile");
}

#[test]
#[ignore]
fn show_corpus_detections() {
    for (name, text) in corpus("true") {
        for f in scan(&text, source_of(&name)) {
            println!(
                "{name}\n  {} {} {:?} note={:?}\n  shown={}\n  line {}: {}",
                f.hit.rule.id,
                f.hit.severity,
                f.hit.confidence,
                f.hit.note,
                f.hit.shown,
                f.line,
                f.snippet
            );
        }
    }
}

/// Scan speed over 5 MB of minified JavaScript dense with keywords (run in release:
/// `cargo test --release --test checks_secrets -- --ignored scan_speed --nocapture`). A figure, not a timed
/// assertion: it only asserts what was found.
#[test]
#[ignore]
fn scan_speed_of_minified_javascript() {
    let chunk: String = corpus("false")
        .into_iter()
        .filter(|(n, _)| n.ends_with(".js"))
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(";\n");
    let mut bundle = String::new();
    while bundle.len() < 5 * 1024 * 1024 {
        bundle.push_str(&chunk);
    }
    let token = github_token("bench");
    bundle.push_str(&format!(";var deploy=\"{token}\";"));
    let mb = bundle.len() as f64 / (1024.0 * 1024.0);
    // The first scan compiles the keyword set and the patterns it needs; one holding every format compiles all.
    let every_format: String = corpus("true").into_iter().map(|(_, t)| t).collect();
    let cold = std::time::Instant::now();
    scan(&every_format, Source::Env);
    println!("first scan, compiling every pattern: {:?}", cold.elapsed());
    let mut runs = Vec::new();
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let found = scan(&bundle, Source::Script);
        runs.push(start.elapsed());
        assert_eq!(
            found.len(),
            1,
            "{:?}",
            found.iter().map(|f| &f.hit.shown).collect::<Vec<_>>()
        );
    }
    runs.sort();
    let median = runs[runs.len() / 2];
    println!(
        "scanned {mb:.1} MB of minified JavaScript in {median:?} (median of 5): {:.0} MB/s",
        mb / median.as_secs_f64()
    );
}
