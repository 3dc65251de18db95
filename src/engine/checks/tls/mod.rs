//! `tls` checks: the certificate a site presents, whether plain HTTP redirects to HTTPS, HSTS, and (from raw
//! ClientHellos) the protocol versions, weak cipher suites, forward secrecy and OCSP stapling.

mod cert_facts;
mod certificate;
mod ciphers;
mod flight;
mod hello;
mod hsts;
mod probe;
mod probe_rules;
mod protocols;
mod redirect;
mod rules;
mod stapling;
mod suites;

pub use hsts::{Hsts, parse_hsts};
use probe_rules::*;
use rules::*;

use crate::engine::registry::Check;
use crate::model::{Module, Profile};

/// The `tls` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "tls.certificate",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "certificate validity, trust, host name, key and signature",
        rules: &[
            &CERT_EXPIRED,
            &CERT_NOT_YET_VALID,
            &CERT_EXPIRING,
            &CERT_SELF_SIGNED,
            &CERT_UNTRUSTED,
            &CERT_NAME_MISMATCH,
            &CERT_WEAK_KEY,
            &CERT_SHA1,
        ],
        run: |ctx| Box::pin(certificate::run(ctx)),
    },
    Check {
        id: "tls.https-redirect",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "HTTPS is offered and plain HTTP redirects to it",
        rules: &[&NO_HTTPS, &HTTP_NO_REDIRECT, &HTTP_REDIRECT_INDIRECT],
        run: |ctx| Box::pin(redirect::run(ctx)),
    },
    Check {
        id: "tls.hsts",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "Strict-Transport-Security on HTTPS responses",
        rules: &[&HSTS_MISSING, &HSTS_SHORT, &HSTS_INVALID],
        run: |ctx| Box::pin(hsts::run(ctx)),
    },
    Check {
        id: "tls.protocols",
        module: Module::Tls,
        profile: Profile::Standard,
        summary: "SSL 3.0, TLS 1.0 and 1.1 accepted, TLS 1.3 missing (4 raw ClientHellos)",
        rules: &[
            &SSL3_ACCEPTED,
            &TLS10_ACCEPTED,
            &TLS11_ACCEPTED,
            &TLS13_MISSING,
        ],
        run: |ctx| Box::pin(protocols::run(ctx)),
    },
    Check {
        id: "tls.cipher-suites",
        module: Module::Tls,
        profile: Profile::Standard,
        summary: "NULL, anonymous, export, RC4 and 3DES suites accepted; no forward secrecy (6 or 7 raw ClientHellos)",
        rules: &[
            &NULL_CIPHER,
            &ANON_CIPHER,
            &EXPORT_CIPHER,
            &RC4_CIPHER,
            &DES_CIPHER,
            &NO_FORWARD_SECRECY,
        ],
        run: |ctx| Box::pin(ciphers::run(ctx)),
    },
    Check {
        id: "tls.ocsp-stapling",
        module: Module::Tls,
        profile: Profile::Standard,
        summary: "OCSP stapling for certificates that name a responder (1 raw ClientHello)",
        rules: &[&OCSP_STAPLING_MISSING],
        run: |ctx| Box::pin(stapling::run(ctx)),
    },
];
