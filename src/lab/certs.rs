//! Certificates made at start: a lab CA, certificates it issues, and self-signed ones, with chosen names and dates.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// A certificate chain (leaf first) and its private key.
pub struct CertKey {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl CertKey {
    /// The chain in PEM, for servers configured by file (nginx's `ssl_certificate`).
    pub fn chain_pem(&self) -> String {
        self.chain.iter().map(|c| pem("CERTIFICATE", c)).collect()
    }

    /// The private key in PEM (PKCS #8).
    pub fn key_pem(&self) -> String {
        pem("PRIVATE KEY", self.key.secret_der())
    }

    /// A rustls server configuration presenting this certificate (ALPN h2 and http/1.1).
    pub fn server_config(&self) -> Arc<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default versions")
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .expect("a generated key matches its certificate");
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

/// Names and validity of a certificate to make.
#[derive(Debug, Clone)]
pub struct CertSpec {
    pub names: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

impl CertSpec {
    /// Valid from yesterday for `days` days.
    pub fn valid(names: &[&str], days: i64) -> CertSpec {
        let now = OffsetDateTime::now_utc();
        CertSpec {
            names: names.iter().map(|s| s.to_string()).collect(),
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(days),
        }
    }

    /// Valid between two offsets from now, in days (negative is the past).
    pub fn window(names: &[&str], from_days: i64, to_days: i64) -> CertSpec {
        let now = OffsetDateTime::now_utc();
        CertSpec {
            names: names.iter().map(|s| s.to_string()).collect(),
            not_before: now + Duration::days(from_days),
            not_after: now + Duration::days(to_days),
        }
    }

    fn params(&self) -> CertificateParams {
        let mut params = CertificateParams::new(self.names.clone()).expect("valid names");
        params.distinguished_name.push(
            DnType::CommonName,
            self.names.first().cloned().unwrap_or_default(),
        );
        params.not_before = self.not_before;
        params.not_after = self.not_after;
        params
    }
}

/// A certificate authority for the lab and tests.
pub struct LabCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl LabCa {
    /// A new CA named `name`, valid for ten years.
    pub fn new(name: &str) -> LabCa {
        let mut params =
            CertificateParams::new(Vec::<String>::new()).expect("empty names are valid");
        params.distinguished_name.push(DnType::CommonName, name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Palisade lab");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let key = KeyPair::generate().expect("key generation");
        LabCa {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    /// The CA certificate (DER).
    pub fn cert_der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    /// The CA certificate (PEM), for `--ca-cert`.
    pub fn cert_pem(&self) -> String {
        self.issuer.pem()
    }

    /// Issues a leaf certificate.
    pub fn issue(&self, spec: &CertSpec) -> CertKey {
        let key = KeyPair::generate().expect("key generation");
        let cert = spec
            .params()
            .signed_by(&key, &self.issuer)
            .expect("signing");
        CertKey {
            chain: vec![cert.der().clone()],
            key: private_key(&key),
        }
    }
}

/// A self-signed certificate.
pub fn self_signed(spec: &CertSpec) -> CertKey {
    let key = KeyPair::generate().expect("key generation");
    let cert = spec.params().self_signed(&key).expect("self-signing");
    CertKey {
        chain: vec![cert.der().clone()],
        key: private_key(&key),
    }
}

fn private_key(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

/// DER bytes as a PEM block.
fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
