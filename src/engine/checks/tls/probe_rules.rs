//! The findings the ClientHello probes report (protocol versions, weak cipher suites, forward secrecy, OCSP
//! stapling), with the words users read.

use super::rules::MOZILLA_TLS;
use crate::engine::registry::Rule;
use crate::model::{Category, Severity};

const RFC8996: &str = "https://www.rfc-editor.org/rfc/rfc8996";
const RFC7465: &str = "https://www.rfc-editor.org/rfc/rfc7465";
const MOZILLA_CONFIG: &str = "https://ssl-config.mozilla.org/";

macro_rules! probe_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),*]) => {
        pub static $name: Rule = Rule {
            id: $id, category: Category::Tls, severity: Severity::$sev, title: $title, description: $desc,
            remediation: $fix, references: &[$($r),*], cwe: $cwe,
        };
    };
}

probe_rule!(
    SSL3_ACCEPTED,
    "tls.ssl3-accepted",
    High,
    Some(327),
    "Server accepts SSL 3.0",
    "SSL 3.0 is broken by design: POODLE (CVE-2014-3566) recovers secrets such as session cookies from its CBC padding, and RC4, its only other cipher, is broken too. No browser has spoken it since 2015, so it serves only attackers who force a downgrade.",
    "Disable SSL 3.0 (and TLS 1.0 and 1.1): nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, or your load balancer's TLS policy.",
    ["https://www.rfc-editor.org/rfc/rfc7568", MOZILLA_CONFIG]
);
probe_rule!(
    TLS10_ACCEPTED,
    "tls.tls10-accepted",
    Medium,
    Some(327),
    "Server accepts TLS 1.0",
    "TLS 1.0 is deprecated (RFC 8996): it has only CBC suites, open to BEAST (CVE-2011-3389) and padding-oracle attacks such as Lucky 13, or RC4, and it signs handshakes with MD5 and SHA-1. Browsers dropped it in 2020; only clients from before 2013 (Android 4.3, Java 6, Internet Explorer 10 and older) still need it, and PCI DSS forbids it.",
    "Turn off TLS 1.0 and 1.1 and keep TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, or a modern TLS policy on your load balancer or CDN.",
    [RFC8996, MOZILLA_CONFIG]
);
probe_rule!(
    TLS11_ACCEPTED,
    "tls.tls11-accepted",
    Medium,
    Some(327),
    "Server accepts TLS 1.1",
    "TLS 1.1 is deprecated (RFC 8996): it has no AEAD suites, only CBC (padding-oracle attacks such as Lucky 13) and RC4, and it signs handshakes with MD5 and SHA-1. Browsers dropped it in 2020; no client that lacks TLS 1.2 is still in real use.",
    "Turn off TLS 1.0 and 1.1 and keep TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, or a modern TLS policy on your load balancer or CDN.",
    [RFC8996, MOZILLA_CONFIG]
);
probe_rule!(
    TLS13_MISSING,
    "tls.tls13-missing",
    Low,
    None,
    "Server does not support TLS 1.3",
    "TLS 1.3 removes every legacy cipher and key exchange, always gives forward secrecy, encrypts the certificate, and saves a round trip on each connection. Every current browser speaks it, so all visitors lose these.",
    "Enable TLS 1.3 beside 1.2: nginx `ssl_protocols TLSv1.2 TLSv1.3;` (OpenSSL 1.1.1 or newer), Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, or upgrade the TLS library or load balancer policy that lacks it.",
    ["https://www.rfc-editor.org/rfc/rfc8446", MOZILLA_TLS]
);
probe_rule!(
    NULL_CIPHER,
    "tls.null-cipher",
    High,
    Some(319),
    "Server accepts cipher suites without encryption (NULL)",
    "With a NULL suite the connection is authenticated but not encrypted: everything, passwords and cookies included, crosses the network in clear. No browser offers these suites, so a client that gets one is a script, an old library or an attacker's downgrade.",
    "Remove NULL suites from the server's cipher list (OpenSSL: add `!eNULL`, or use the Mozilla intermediate list, which has none).",
    [MOZILLA_CONFIG]
);
probe_rule!(
    ANON_CIPHER,
    "tls.anonymous-cipher",
    High,
    Some(322),
    "Server accepts anonymous cipher suites (no authentication)",
    "Anonymous Diffie-Hellman suites (DH_anon, ECDH_anon) send no certificate, so any machine on the path can impersonate the server and read everything. No browser offers them; clients that do (scripts, old libraries) are open to interception.",
    "Remove anonymous suites from the cipher list (OpenSSL: add `!aNULL`, or use the Mozilla intermediate list).",
    [MOZILLA_CONFIG]
);
probe_rule!(
    EXPORT_CIPHER,
    "tls.export-cipher",
    High,
    Some(327),
    "Server accepts export-grade cipher suites",
    "Export suites use 40- or 56-bit keys and 512-bit RSA or Diffie-Hellman, breakable in hours. FREAK (CVE-2015-0204) and Logjam (CVE-2015-4000) let an attacker on the path force them on clients that never asked for them. No current client needs them.",
    "Remove export suites (OpenSSL: `!EXP`; OpenSSL 1.1.0 and newer no longer has them), and upgrade the TLS library if it still offers them.",
    ["https://weakdh.org/", MOZILLA_CONFIG]
);
probe_rule!(
    RC4_CIPHER,
    "tls.rc4-cipher",
    High,
    Some(327),
    "Server accepts RC4 cipher suites",
    "RC4's keystream biases let an attacker recover repeated secrets such as cookies from enough traffic (CVE-2013-2566, CVE-2015-2808), and RFC 7465 forbids it in TLS. Every browser removed RC4 in 2016, so disabling it breaks no current client.",
    "Remove RC4 from the cipher list (OpenSSL: `!RC4`, or use the Mozilla intermediate list).",
    [RFC7465, MOZILLA_CONFIG]
);
probe_rule!(
    DES_CIPHER,
    "tls.3des-cipher",
    Medium,
    Some(327),
    "Server accepts 3DES cipher suites (SWEET32)",
    "3DES (and single DES) encrypt 64-bit blocks, so a long connection repeats blocks and leaks plaintext such as cookies (SWEET32, CVE-2016-2183); single DES keys are small enough to break outright. Only Internet Explorer 8 on Windows XP lacks a better cipher.",
    "Remove 3DES and DES from the cipher list (OpenSSL: `!3DES:!DES`, or use the Mozilla intermediate list).",
    ["https://sweet32.info/", MOZILLA_CONFIG]
);
probe_rule!(
    NO_FORWARD_SECRECY,
    "tls.no-forward-secrecy",
    Medium,
    None,
    "Server offers no forward secrecy",
    "Up to TLS 1.2 the server accepts only static RSA key exchange, where the session keys are sent encrypted to the certificate's key: whoever records the traffic and later obtains that key (a breach, a legal order, a discarded disk) can decrypt every past session. Every client from the last decade supports ECDHE.",
    "Enable ECDHE suites and prefer them (the Mozilla intermediate list: ECDHE with AES-GCM or ChaCha20), and enable TLS 1.3, whose key exchange is always ephemeral.",
    [MOZILLA_CONFIG, MOZILLA_TLS]
);
probe_rule!(
    OCSP_STAPLING_MISSING,
    "tls.ocsp-stapling-missing",
    Info,
    None,
    "OCSP stapling is not enabled",
    "The certificate names an OCSP responder, but the server does not staple a signed status to its handshake. Browsers that check revocation must then ask the CA themselves, which is slower and tells the CA which sites are visited; most browsers skip the check instead, so a revoked certificate goes unnoticed.",
    "Enable stapling: nginx `ssl_stapling on; ssl_stapling_verify on;` with a `resolver`, Apache `SSLUseStapling On` with an `SSLStaplingCache`; most load balancers and CDNs staple by default.",
    [
        "https://www.rfc-editor.org/rfc/rfc6066#section-8",
        MOZILLA_TLS
    ]
);
