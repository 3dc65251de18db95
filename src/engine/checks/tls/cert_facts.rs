//! Reading a certificate chain: validity dates, names, key strength, signature hashes, self-signing, and trust.

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use std::time::Duration;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::{OID_PKCS1_SHA1WITHRSA, OID_SIG_DSA_WITH_SHA1};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

/// `ecdsa-with-SHA1` (1.2.840.10045.4.1), which the OID registry does not name.
const ECDSA_WITH_SHA1: &[u64] = &[1, 2, 840, 10045, 4, 1];

/// What the checks need to know about a chain.
#[derive(Debug, Clone)]
pub struct ChainFacts {
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub self_signed: bool,
    /// `RSA`, `EC`, `DSA` or `other`, with its size in bits.
    pub key: (&'static str, usize),
    /// The subject of the first certificate (leaf or intermediate) signed with SHA-1.
    pub sha1_signed: Option<String>,
}

impl ChainFacts {
    /// One line for evidence: subject, issuer, validity and names.
    pub fn summary(&self) -> String {
        format!(
            "subject: {}; issuer: {}; valid {} to {}; names: {}",
            self.subject,
            self.issuer,
            crate::time::date(&crate::time::format(self.not_before)),
            crate::time::date(&crate::time::format(self.not_after)),
            if self.names.is_empty() {
                "(none)".to_string()
            } else {
                self.names.join(", ")
            }
        )
    }

    /// True when the key is too weak to resist factoring or discrete-log attacks by a capable adversary.
    pub fn weak_key(&self) -> bool {
        match self.key {
            ("RSA", bits) | ("DSA", bits) => bits < 2048,
            ("EC", bits) => bits < 224,
            _ => false,
        }
    }
}

/// Parses the chain (leaf first).
pub fn facts(chain: &[CertificateDer<'_>]) -> Result<ChainFacts, String> {
    let leaf_der = chain.first().ok_or("the server sent no certificate")?;
    let (_, leaf) = X509Certificate::from_der(leaf_der)
        .map_err(|e| format!("the certificate cannot be parsed: {e}"))?;
    let names = match leaf.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some(d.to_string()),
                GeneralName::IPAddress(ip) => ip_text(ip),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let key = match leaf.public_key().parsed() {
        Ok(PublicKey::RSA(k)) => ("RSA", k.key_size()),
        Ok(PublicKey::EC(k)) => ("EC", k.key_size()),
        Ok(PublicKey::DSA(k)) => ("DSA", k.len() * 8),
        Ok(other) => ("other", other.key_size()),
        Err(_) => ("other", 0),
    };
    let mut sha1_signed = None;
    for der in chain {
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            continue;
        };
        let self_issued = cert.subject() == cert.issuer();
        let alg = &cert.signature_algorithm.algorithm;
        let sha1 = *alg == OID_PKCS1_SHA1WITHRSA
            || *alg == OID_SIG_DSA_WITH_SHA1
            || alg
                .iter()
                .is_some_and(|arcs| arcs.eq(ECDSA_WITH_SHA1.iter().copied()));
        // A root's own signature is never checked by clients, so SHA-1 there is harmless.
        if sha1 && !(self_issued && chain.len() > 1) {
            sha1_signed = Some(cert.subject().to_string());
            break;
        }
    }
    Ok(ChainFacts {
        subject: leaf.subject().to_string(),
        issuer: leaf.issuer().to_string(),
        names,
        not_before: leaf.validity().not_before.to_datetime(),
        not_after: leaf.validity().not_after.to_datetime(),
        self_signed: leaf.subject() == leaf.issuer(),
        key,
        sha1_signed,
    })
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
        _ => None,
    }
}

/// Whether the leaf certificate names `host` (DNS name or IP, wildcards as browsers apply them).
pub fn matches_host(chain: &[CertificateDer<'_>], host: &str) -> bool {
    let Some(leaf) = chain.first() else {
        return false;
    };
    let Ok(cert) = webpki::EndEntityCert::try_from(leaf) else {
        return false;
    };
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let Ok(name) = ServerName::try_from(bare) else {
        return false;
    };
    cert.verify_is_valid_for_subject_name(&name).is_ok()
}

/// A moment inside the leaf's validity window, so trust can be judged apart from expiry.
pub fn inside_validity(facts: &ChainFacts) -> UnixTime {
    let span: time::Duration = facts.not_after - facts.not_before;
    let mid: OffsetDateTime = facts.not_before + span / 2;
    UnixTime::since_unix_epoch(Duration::from_secs(mid.unix_timestamp().max(0) as u64))
}

/// Why a chain failed verification, reduced to what the user must fix; `None` if the failure is only about the
/// host name (which is checked on its own).
pub fn trust_problem(err: &rustls::Error) -> Option<String> {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => None,
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => Some(
            "the chain does not lead to a trusted root (missing intermediate or private CA)".into(),
        ),
        rustls::Error::InvalidCertificate(C::BadSignature) => {
            Some("a signature in the chain does not verify".into())
        }
        rustls::Error::InvalidCertificate(other) => Some(format!("{other:?}")),
        other => Some(other.to_string()),
    }
}

/// True when the verification error is about a signature algorithm or key the verifier refuses (SHA-1, small RSA).
pub fn is_algorithm_refusal(err: &rustls::Error) -> bool {
    let text = format!("{err:?}");
    text.contains("UnsupportedSignatureAlgorithm") || text.contains("InvalidSignatureForPublicKey")
}

/// Time from `now` until expiry (negative once expired).
pub fn remaining(facts: &ChainFacts, now: OffsetDateTime) -> time::Duration {
    facts.not_after - now
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair};

    fn cert(names: &[&str], days_from: i64, days_to: i64) -> CertificateDer<'static> {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        let now = OffsetDateTime::now_utc();
        params.not_before = now + time::Duration::days(days_from);
        params.not_after = now + time::Duration::days(days_to);
        params
            .self_signed(&KeyPair::generate().unwrap())
            .unwrap()
            .der()
            .clone()
    }

    #[test]
    fn reads_dates_names_and_key() {
        let chain = vec![cert(&["site.test", "www.site.test"], -10, 20)];
        let f = facts(&chain).unwrap();
        assert_eq!(f.names, vec!["site.test", "www.site.test"]);
        assert!(f.self_signed);
        assert_eq!(f.key, ("EC", 256));
        assert!(!f.weak_key());
        assert!(f.sha1_signed.is_none());
        let left = remaining(&f, OffsetDateTime::now_utc());
        assert!(left > time::Duration::days(19) && left <= time::Duration::days(20));
        assert!(f.summary().contains("names: site.test, www.site.test"));
    }

    #[test]
    fn host_matching_follows_browser_rules() {
        let chain = vec![cert(&["*.site.test", "site.test"], -1, 30)];
        assert!(matches_host(&chain, "site.test"));
        assert!(matches_host(&chain, "www.site.test"));
        assert!(!matches_host(&chain, "a.b.site.test"));
        assert!(!matches_host(&chain, "other.test"));
        let ip = vec![cert(&["127.0.0.1"], -1, 30)];
        assert!(matches_host(&ip, "127.0.0.1"));
    }
}
