//! The TLS configuration fix: every old protocol, weak cipher suite and missing TLS 1.3 of one endpoint in one
//! protocol-and-cipher block per server, with an `openssl s_client` command per protocol or suite it removes.

use super::{Ctx, Recipe};
use crate::report::fix::{Basis, Stack, Step};

/// The Mozilla intermediate suites for TLS 1.2 with ECDHE (TLS 1.3 suites are not configured by these lists).
const CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:\
ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

const ABLE: &[Stack] = &[
    Stack::Cloudflare,
    Stack::Nginx,
    Stack::Apache,
    Stack::Caddy,
    Stack::Iis,
];
const FALLBACK: &[Stack] = &[Stack::Nginx, Stack::Apache, Stack::Caddy];

/// The protocols removed (openssl option, name) and the weak suite classes (check id, openssl cipher string, name).
const PROTOCOLS: &[(&str, &str, &str)] = &[
    ("tls.ssl3-accepted", "-ssl3", "SSL 3.0"),
    ("tls.tls10-accepted", "-tls1", "TLS 1.0"),
    ("tls.tls11-accepted", "-tls1_1", "TLS 1.1"),
];
const SUITES: &[(&str, &str, &str)] = &[
    ("tls.null-cipher", "eNULL:@SECLEVEL=0", "NULL"),
    ("tls.anonymous-cipher", "aNULL:@SECLEVEL=0", "anonymous"),
    ("tls.export-cipher", "EXP:@SECLEVEL=0", "export"),
    ("tls.rc4-cipher", "RC4:@SECLEVEL=0", "RC4"),
    ("tls.3des-cipher", "3DES:@SECLEVEL=0", "3DES"),
    ("tls.no-forward-secrecy", "kRSA:@SECLEVEL=0", "static-RSA"),
];

pub(super) fn recipe(ctx: &Ctx) -> Recipe {
    let host = &ctx.host;
    let (mut stacks, basis) = ctx.pick(ABLE, FALLBACK);
    // TLS ends at the outermost layer: behind a CDN, the origin server's settings are not what the scan saw.
    if stacks.contains(&Stack::Cloudflare) {
        stacks = vec![Stack::Cloudflare];
    }
    let removed: Vec<&(&str, &str, &str)> = PROTOCOLS.iter().filter(|p| ctx.has(p.0)).collect();
    let weak: Vec<&(&str, &str, &str)> = SUITES.iter().filter(|s| ctx.has(s.0)).collect();
    let mut what: Vec<String> = Vec::new();
    if !removed.is_empty() {
        let names: Vec<&str> = removed.iter().map(|p| p.2).collect();
        what.push(format!("turn off {}", names.join(", ")));
    }
    if !weak.is_empty() {
        let names: Vec<&str> = weak.iter().map(|s| s.2).collect();
        what.push(format!("drop the {} suites", names.join(", ")));
    }
    if ctx.has("tls.tls13-missing") {
        what.push("enable TLS 1.3".into());
    }
    let mut steps: Vec<Step> = stacks.iter().map(|s| step(*s, ctx).alt()).collect();
    if basis != Basis::Seen && steps.len() > 1 {
        steps.insert(
            0,
            Step::text(
                "Where TLS ends",
                "Change the layer that answers HTTPS for the site: a CDN or load balancer in front, if any, else the \
                 web server.",
            ),
        );
    }
    let authority = ctx.authority();
    let name = &ctx.name;
    let mut verify: Vec<String> = removed
        .iter()
        .map(|(_, flag, label)| {
            format!(
                "openssl s_client -connect {authority} -servername {name} {flag} -cipher 'DEFAULT:@SECLEVEL=0' </dev/null   # expect the server to refuse (alert: handshake failure or protocol version): no {label}; \"unknown option\" or \"no protocols available\" means this openssl cannot offer {label}, so rescan instead"
            )
        })
        .collect();
    verify.extend(weak.iter().map(|(_, list, label)| {
        format!(
            "openssl s_client -connect {authority} -servername {name} -tls1_2 -cipher '{list}' </dev/null   # expect the server to refuse (alert: handshake failure): no {label} suite; \"no cipher match\" means this openssl cannot offer it, so rescan instead"
        )
    }));
    if ctx.has("tls.tls13-missing") {
        verify.push(format!(
            "openssl s_client -connect {authority} -servername {name} -tls1_3 </dev/null 2>/dev/null | grep -E '^ *Protocol'   # expect TLSv1.3"
        ));
    }
    Recipe {
        title: format!("Serve only TLS 1.2 and 1.3 with strong cipher suites on {host}"),
        why: format!(
            "One protocol and cipher configuration removes every finding here ({}): old protocols and weak suites let \
             an attacker on the path downgrade connections and recover cookies or whole sessions.",
            what.join("; ")
        ),
        basis,
        steps,
        verify,
        references: vec!["https://ssl-config.mozilla.org/".to_string()],
    }
}

fn step(stack: Stack, ctx: &Ctx) -> Step {
    let (host, origin) = (&ctx.host, &ctx.origin);
    match stack {
        Stack::Nginx => {
            let (protocols, gate) = match ctx.older(Stack::Nginx, &[1, 13, 0]) {
                Some(v) => (
                    "TLSv1.2",
                    format!(
                        " nginx {v} predates TLS 1.3 (1.13.0 with OpenSSL 1.1.1): upgrade first, then add TLSv1.3; \
                         until then this serves TLS 1.2 alone."
                    ),
                ),
                None => ("TLSv1.2 TLSv1.3", String::new()),
            };
            Step::text(
                "nginx",
                format!(
                    "Replace any ssl_protocols, ssl_ciphers and ssl_prefer_server_ciphers lines (in the http {{ }} \
                     block too: the server's own lines win).{gate}"
                ),
            )
            .with(
                "nginx",
                format!("in the server {{ }} block that serves {origin}"),
                format!(
                    "# palisade: place=server-https\nssl_protocols {protocols};\nssl_ciphers {CIPHERS};\nssl_prefer_server_ciphers off;"
                ),
            )
        }
        Stack::Apache => {
            let (protocols, gate) = match ctx.older(Stack::Apache, &[2, 4, 37]) {
                Some(v) => (
                    "-all +TLSv1.2",
                    format!(
                        " Apache httpd {v} predates TLS 1.3 (2.4.37 with OpenSSL 1.1.1): upgrade first, then add \
                         +TLSv1.3; until then this serves TLS 1.2 alone."
                    ),
                ),
                None => ("-all +TLSv1.2 +TLSv1.3", String::new()),
            };
            Step::text(
                "Apache httpd",
                format!(
                    "mod_ssl. Replace any SSLProtocol, SSLCipherSuite and SSLHonorCipherOrder lines of the virtual \
                     host (and of ssl.conf, which it inherits otherwise).{gate}"
                ),
            )
            .with(
                "apache",
                format!("in the <VirtualHost *:443> of {host}"),
                format!(
                    "# palisade: place=vhost-https\nSSLProtocol {protocols}\nSSLCipherSuite {CIPHERS}\nSSLHonorCipherOrder off"
                ),
            )
        }
        Stack::Caddy => Step::text(
            "Caddy",
            "Caddy's defaults are TLS 1.2 and 1.3 with strong suites: remove any `protocols` or `ciphers` lines that \
             widen them, or state the defaults.",
        )
        .with(
            "caddy",
            format!("in the site block of {host}"),
            "tls {\n\tprotocols tls1.2 tls1.3\n}",
        ),
        Stack::Iis => Step::text(
            "IIS",
            "Windows (Schannel) sets protocols and suites for the whole machine: turn off SSL 3.0, TLS 1.0 and 1.1 \
             and the weak suites (IIS Crypto's \"Best Practices\" template does it), then restart. Windows Server \
             2022 and newer speak TLS 1.3.",
        ),
        Stack::Cloudflare => Step::text(
            "Cloudflare",
            "The edge answers HTTPS: SSL/TLS > Edge Certificates > Minimum TLS Version: TLS 1.2, TLS 1.3: on; on \
             plans that allow it, restrict the cipher suites to the Modern or Compatible set.",
        ),
        other => Step::text(
            other.label(),
            "Allow TLS 1.2 and 1.3 only, with ECDHE and AES-GCM or ChaCha20 suites.",
        ),
    }
}
