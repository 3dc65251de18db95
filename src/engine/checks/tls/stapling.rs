//! `tls.ocsp-stapling`: a TLS 1.2 ClientHello with `status_request`, read up to ServerHelloDone. The certificate
//! comes in clear under TLS 1.2, so the same answer shows whether it names an OCSP responder (without one there is
//! nothing to staple) and whether a CertificateStatus message came with it.

use super::flight::{Answer, PROTOCOL_VERSION};
use super::hello::{ClientHello, TLS12};
use super::probe::{self, origin};
use super::probe_rules::OCSP_STAPLING_MISSING;
use super::suites;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckFail, CheckResult};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP;
use x509_parser::prelude::FromDer;

/// The suites of the probe: TLS 1.2 and older ones only (TLS 1.3 suites would be ignored anyway).
fn offered() -> Vec<u16> {
    suites::MODERN
        .iter()
        .copied()
        .filter(|s| s >> 8 != 0x13)
        .collect()
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let (host, port, location) = origin(ctx).await?;
    let list = offered();
    let hello = ClientHello {
        version: TLS12,
        suites: &list,
        server_name: Some(&host),
        status_request: true,
    };
    let answer = probe::probe(ctx, &host, port, &hello, true)
        .await
        .map_err(|e| probe::failed_one(ctx, e))?;
    let server_hello = match answer {
        Answer::Hello(h) => h,
        Answer::Alert(_, PROTOCOL_VERSION) => {
            return Err(CheckFail::Skipped(
                "the server speaks only TLS 1.3, where a stapled status travels encrypted".into(),
            ));
        }
        other => {
            return Err(CheckFail::Errored(format!(
                "a TLS 1.2 ClientHello was not accepted: {other}"
            )));
        }
    };
    let Some(leaf) = &server_hello.certificate else {
        return Err(CheckFail::Errored(format!(
            "the server's first flight ({}) carried no certificate",
            server_hello.describe()
        )));
    };
    let responders = ocsp_responders(leaf)?;
    if responders.is_empty() {
        return Err(CheckFail::Skipped(
            "the certificate names no OCSP responder (no OCSP URL in Authority Information Access), so there \
             is no status to staple"
                .into(),
        ));
    }
    if !server_hello.stapled {
        let echoed = if server_hello.extensions.contains(&0x0005) {
            "with"
        } else {
            "without"
        };
        let evidence = format!(
            "ClientHello (TLS 1.2) with status_request answered with ServerHello {} {echoed} status_request \
             and no CertificateStatus message; the certificate's OCSP responder: {}",
            server_hello.describe(),
            responders.join(", ")
        );
        let draft = ctx.finding(&OCSP_STAPLING_MISSING, &location);
        ctx.report(draft.evidence(evidence)).await;
    }
    Ok(())
}

/// The OCSP URLs in a certificate's Authority Information Access extension.
fn ocsp_responders(der: &[u8]) -> Result<Vec<String>, CheckFail> {
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| CheckFail::Errored(format!("the server's certificate cannot be read: {e}")))?;
    let mut urls = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
            for desc in &aia.accessdescs {
                if desc.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP
                    && let GeneralName::URI(url) = desc.access_location
                {
                    urls.push(url.to_string());
                }
            }
        }
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, CustomExtension, KeyPair};

    /// A certificate whose Authority Information Access names `urls` as OCSP responders.
    fn cert_with_ocsp(urls: &[&str]) -> Vec<u8> {
        let mut descs = Vec::new();
        for url in urls {
            let ocsp = [0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
            let mut desc = ocsp.to_vec();
            desc.push(0x86);
            desc.push(url.len() as u8);
            desc.extend_from_slice(url.as_bytes());
            descs.push(0x30);
            descs.push(desc.len() as u8);
            descs.extend(desc);
        }
        let mut aia = vec![0x30, descs.len() as u8];
        aia.extend(descs);
        let mut params = CertificateParams::new(vec!["site.test".to_string()]).unwrap();
        params.custom_extensions = vec![CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 5, 5, 7, 1, 1],
            aia,
        )];
        let cert = params.self_signed(&KeyPair::generate().unwrap()).unwrap();
        cert.der().to_vec()
    }

    #[test]
    fn reads_the_ocsp_urls_of_authority_information_access() {
        let der = cert_with_ocsp(&["http://ocsp.site.test/"]);
        assert_eq!(
            ocsp_responders(&der).unwrap(),
            vec!["http://ocsp.site.test/"]
        );
        assert!(ocsp_responders(&cert_with_ocsp(&[])).unwrap().is_empty());
        assert!(ocsp_responders(&[0x30, 0x03, 1, 2, 3]).is_err());
    }
}
