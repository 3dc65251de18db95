//! The fix file fixes Apache: a real Apache httpd (Debian's `apache2`, installed by scripts/test) runs with a
//! configuration of its own (ServerRoot, PidFile and logs in a temporary directory, loopback ports) and serves the
//! lab's misconfigured site with old TLS protocols and every cipher; Palisade scans it, every Apache snippet of its
//! SECURITY-FIX.md goes where its `# palisade: place=...` line says, Apache restarts, and a second scan no longer
//! finds what those fixes claimed to resolve, and nothing new.

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
#[path = "support/fixrun.rs"]
mod fixrun;
mod support;

use fixfile::{FixFile, FixSection};
use palisade::lab::certs::{CertSpec, LabCa};
use support::peers::{Apache, free_port};

const HOST: &str = "apache-lab.palisade.test";
const MODULES: &str = "/usr/lib/apache2/modules";

/// The configuration before any fix: the lab's files, a listing, full version banners, TRACE, plain HTTP served as
/// is, and TLS 1.0 and up with every suite OpenSSL has. `# PLACE:x` marks where snippets for `place=x` go.
const CONF: &str = r#"ServerRoot {dir}
PidFile {dir}/httpd.pid
ErrorLog {dir}/error.log
DefaultRuntimeDir {dir}/run
LogLevel warn
User www-data
Group www-data
ServerName {host}
Listen 127.0.0.1:{http_port}
Listen 127.0.0.1:{https_port}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_host_module {modules}/mod_authz_host.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule autoindex_module {modules}/mod_autoindex.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule setenvif_module {modules}/mod_setenvif.so
LoadModule socache_shmcb_module {modules}/mod_socache_shmcb.so
LoadModule ssl_module {modules}/mod_ssl.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
ServerTokens Full
ServerSignature On
TraceEnable On
# PLACE:server
<Directory {dir}/www>
    Options Indexes
    Require all granted
    # PLACE:directory-root
</Directory>
<VirtualHost 127.0.0.1:{http_port}>
    ServerName {host}
    DocumentRoot {dir}/www
    # PLACE:vhost-http
</VirtualHost>
<VirtualHost 127.0.0.1:{https_port}>
    ServerName {host}
    DocumentRoot {dir}/www
    SSLEngine on
    SSLCertificateFile {dir}/cert.pem
    SSLCertificateKeyFile {dir}/key.pem
    SSLProtocol all
    SSLCipherSuite ALL:@SECLEVEL=0
    # PLACE:vhost-https
</VirtualHost>
"#;

/// Directives that take one value: a snippet's line replaces the configuration's line of the same name, as the fix
/// file's text asks ("replace any SSLProtocol ... lines").
const SINGLE: &[&str] = &[
    "ServerTokens",
    "ServerSignature",
    "TraceEnable",
    "SSLProtocol",
    "SSLCipherSuite",
    "SSLHonorCipherOrder",
    "Options",
];

/// Puts every Apache snippet of `fixes` where its place line says.
fn apply(conf: &str, fixes: &[&FixSection]) -> String {
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
            assert_eq!(lang, "apache", "FIX-{}", fix.n);
            let body: Vec<&str> = code.lines().skip(1).collect();
            if conf.contains(&body.join("\n")) {
                continue;
            }
            for line in &body {
                let first = line.split_whitespace().next().unwrap_or_default();
                if SINGLE.contains(&first) {
                    conf = conf
                        .lines()
                        .filter(|l| l.split_whitespace().next() != Some(first))
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
fn the_apache_snippets_of_the_fix_file_remove_the_findings_they_claim() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixrun::write_site(root, HOST);
    std::fs::create_dir_all(root.join("run")).unwrap();
    let ca = LabCa::new("Palisade Apache test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 90));
    std::fs::write(root.join("cert.pem"), cert.chain_pem()).unwrap();
    std::fs::write(root.join("key.pem"), cert.key_pem()).unwrap();
    std::fs::write(root.join("ca.pem"), ca.cert_pem()).unwrap();
    fixrun::readable(root);
    let (http, https) = (free_port(), free_port());
    let conf = CONF
        .replace("{dir}", root.to_str().unwrap())
        .replace("{modules}", MODULES)
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
        let _apache = Apache::start(root, &conf, https);
        scan()
    };
    let site = &before["scan"]["targets"][0]["site"];
    assert_eq!(
        site["stack"][0]["name"], "apache",
        "the scan saw Apache: {site}"
    );
    assert_eq!(site["stack"][0]["signal"], "strong", "{site}");
    let found = fixrun::open_findings(&before);
    let ids: Vec<&str> = found.iter().map(|(_, id, _)| id.as_str()).collect();
    for expected in [
        "headers.csp-missing",
        "tls.hsts-missing",
        "tls.http-no-redirect",
        "tls.tls10-accepted",
        "tls.tls11-accepted",
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
    for fix in &file.fixes {
        assert!(
            !fix.snippets
                .iter()
                .any(|(lang, _)| lang == "nginx" || lang == "caddy"),
            "the stack is known, so only Apache is offered:\n{}",
            fix.body
        );
    }
    let tls = file
        .fixes
        .iter()
        .find(|f| f.title.starts_with("Serve only TLS 1.2 and 1.3"))
        .unwrap_or_else(|| panic!("a TLS fix in\n{md}"));
    let blocks: Vec<&(String, String)> =
        tls.snippets.iter().filter(|(l, _)| l == "apache").collect();
    assert_eq!(blocks.len(), 1, "one TLS block:\n{}", tls.body);
    assert!(
        blocks[0].1.contains("SSLProtocol -all +TLSv1.2 +TLSv1.3"),
        "{}",
        blocks[0].1
    );
    for flag in ["-tls1 ", "-tls1_1 "] {
        assert!(
            tls.body.contains(&format!(
                "openssl s_client -connect {HOST}:443 -servername {HOST} {flag}"
            )),
            "a verify command for {flag}:\n{}",
            tls.body
        );
    }
    for id in ["tls.tls10-accepted", "tls.tls11-accepted"] {
        let (fp, ..) = found.iter().find(|(_, i, _)| i == id).unwrap();
        assert!(
            tls.fingerprints.contains(fp),
            "{id} is resolved by the TLS fix"
        );
    }

    let with_apache: Vec<&FixSection> = file
        .fixes
        .iter()
        .filter(|f| {
            f.snippets
                .iter()
                .any(|(lang, code)| lang == "apache" && code.starts_with("# palisade: place="))
        })
        .collect();
    let claimed: Vec<&String> = with_apache.iter().flat_map(|f| &f.fingerprints).collect();
    let fixed_conf = apply(&conf, &with_apache);
    let after = {
        let _apache = Apache::start(root, &fixed_conf, https);
        scan()
    };
    fixrun::assert_fixed(&before, &after, &claimed, &fixed_conf);
    assert!(
        claimed.len() >= 12,
        "the Apache fixes cover TLS, headers, redirect, banner, TRACE, exposures and listing: {} findings",
        claimed.len()
    );
}
