//! `tls` checks: the certificate a site presents, whether plain HTTP redirects to HTTPS, and HSTS.

mod cert_facts;
mod certificate;
mod hsts;
mod redirect;
mod rules;

pub use hsts::{Hsts, parse_hsts};
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
];
