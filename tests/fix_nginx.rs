//! The fix file fixes: a real nginx (Debian's package, installed by scripts/test) serves the lab's misconfigured
//! site as static files; Palisade scans it, the nginx snippets of its SECURITY-FIX.md go into the configuration
//! where their `# palisade: place=...` line says, nginx restarts, and a second scan no longer finds what those
//! fixes claimed to resolve.

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
#[path = "support/fixrun.rs"]
mod fixrun;
mod support;

use fixfile::FixFile;
use palisade::lab::certs::{CertSpec, LabCa};
use support::peers::{Nginx, free_port};

const HOST: &str = "nginx-lab.palisade.test";

/// The configuration before any fix: the lab's files with nginx's defaults, a listing, plain HTTP served as is.
/// `# PLACE:x` marks where snippets for `place=x` go.
const CONF: &str = r#"worker_processes 1;
pid {dir}/nginx.pid;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    # PLACE:http
    server {
        listen 127.0.0.1:{http_port};
        server_name {host};
        root {dir}/www;
        # PLACE:server-http
        location /static/ {
            autoindex on;
        }
    }
    server {
        listen 127.0.0.1:{https_port} ssl;
        server_name {host};
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        root {dir}/www;
        # PLACE:server-https
        location /static/ {
            autoindex on;
        }
    }
}
"#;

/// Puts every nginx snippet of `fixes` where its place line says, replacing the directives it sets, as the fix
/// file's text asks: existing `add_header` lines of the same header and single-valued directives of the same name.
fn apply(conf: &str, fixes: &[&fixfile::FixSection]) -> String {
    let mut conf = conf.to_string();
    for fix in fixes {
        for (lang, code) in &fix.snippets {
            let Some(place) = code
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# palisade: place="))
            else {
                continue;
            };
            assert_eq!(lang, "nginx");
            let body: Vec<&str> = code.lines().skip(1).collect();
            if conf.contains(&body.join("\n")) {
                // Two fixes ask for the same block (the dot-path rule serves .env and .git alike): once is enough.
                continue;
            }
            for line in &body {
                let words: Vec<&str> = line.split_whitespace().collect();
                let replaced = match words.as_slice() {
                    ["add_header", name, ..] => Some(format!("add_header {name} ")),
                    [directive, _] if line.ends_with(';') && !line.starts_with(' ') => {
                        Some(format!("{directive} "))
                    }
                    _ => None,
                };
                if let Some(prefix) = replaced {
                    conf = conf
                        .lines()
                        .filter(|l| !l.trim_start().starts_with(&prefix))
                        .collect::<Vec<_>>()
                        .join("\n");
                }
            }
            let marker = format!("# PLACE:{place}\n");
            assert!(
                conf.contains(&marker),
                "unknown place {place} in FIX-{}",
                fix.n
            );
            conf = conf.replace(&marker, &format!("{marker}{}\n", body.join("\n")));
        }
    }
    conf
}

#[test]
fn the_nginx_snippets_of_the_fix_file_remove_the_findings_they_claim() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixrun::write_site(root, HOST);
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    let ca = LabCa::new("Palisade nginx test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 90));
    std::fs::write(root.join("cert.pem"), cert.chain_pem()).unwrap();
    std::fs::write(root.join("key.pem"), cert.key_pem()).unwrap();
    std::fs::write(root.join("ca.pem"), ca.cert_pem()).unwrap();
    let (http, https) = (free_port(), free_port());
    let conf = CONF
        .replace("{dir}", root.to_str().unwrap())
        .replace("{host}", HOST)
        .replace("{http_port}", &http.to_string())
        .replace("{https_port}", &https.to_string());

    let pins = [
        format!("{HOST}:443:127.0.0.1:{https}"),
        format!("{HOST}:80:127.0.0.1:{http}"),
    ];
    let scan = || {
        fixrun::scan(
            &dir,
            &format!("https://{HOST}/"),
            &pins,
            &["--ca-cert", "ca.pem"],
        )
    };
    let before = {
        let _nginx = Nginx::start(root, &conf, https);
        scan()
    };
    let site = &before["scan"]["targets"][0]["site"];
    assert_eq!(
        site["stack"][0]["name"], "nginx",
        "the scan saw nginx: {site}"
    );
    let found = fixrun::open_findings(&before);
    let ids: Vec<&str> = found.iter().map(|(_, id, _)| id.as_str()).collect();
    for expected in [
        "headers.csp-missing",
        "tls.hsts-missing",
        "tls.http-no-redirect",
        "disclosure.server-version",
        "disclosure.env-exposed",
        "disclosure.repository-exposed",
        "disclosure.directory-listing",
    ] {
        assert!(
            ids.contains(&expected),
            "the bad configuration shows {expected}: {ids:?}"
        );
    }

    let md = fixrun::fix_file(&dir, &before);
    let file = FixFile::parse(&md);
    let with_nginx: Vec<&fixfile::FixSection> = file
        .fixes
        .iter()
        .filter(|f| {
            f.snippets
                .iter()
                .any(|(lang, code)| lang == "nginx" && code.starts_with("# palisade: place="))
        })
        .collect();
    let headers = file
        .fixes
        .iter()
        .find(|f| f.title.starts_with("Send the missing security headers"))
        .expect("a header fix");
    let blocks: Vec<&(String, String)> = headers
        .snippets
        .iter()
        .filter(|(l, _)| l == "nginx")
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "all missing headers are one nginx block:\n{}",
        headers.body
    );
    for h in [
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
    ] {
        assert!(
            blocks[0].1.contains(&format!("add_header {h} ")),
            "{h} in\n{}",
            blocks[0].1
        );
    }
    assert!(
        !headers.body.contains("```apache"),
        "the stack is known, so only nginx is offered:\n{}",
        headers.body
    );

    let claimed: Vec<&String> = with_nginx.iter().flat_map(|f| &f.fingerprints).collect();
    let fixed_conf = apply(&conf, &with_nginx);
    let after = {
        let _nginx = Nginx::start(root, &fixed_conf, https);
        scan()
    };
    fixrun::assert_fixed(&before, &after, &claimed, &fixed_conf);
    assert!(
        claimed.len() >= 10,
        "the nginx fixes cover the headers, redirect, banner, exposures and listing: {} findings",
        claimed.len()
    );
}
