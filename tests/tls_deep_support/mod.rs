//! Peers for the deep TLS tests: RSA certificates made at test time (with an OCSP responder URL and a signed OCSP
//! response when asked), `openssl s_server` with chosen options, and a hand-written server for the protocol versions
//! and suites this machine's OpenSSL no longer has.

mod fake;
mod front;

pub use fake::{Fake, FakeServer};
pub use front::Front;

use super::support::*;
use palisade::model::Profile;
use rcgen::{CertificateParams, CustomExtension, DnType, KeyPair, SerialNumber};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tempfile::TempDir;

pub const HOST: &str = "site.test";

/// The serial number of the test certificates.
const SERIAL: [u8; 8] = [0x3A, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];

/// Scans `https://site.test/` served at `https` (plain HTTP closed) with `profile`.
pub async fn scan(
    https: SocketAddr,
    profile: Profile,
    adjust: impl FnOnce(&mut palisade::config::Config),
) -> Outcome {
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(HOST, closed_port(), https);
        adjust(c);
    })
    .await;
    t.scan(&[&format!("https://{HOST}/")], profile).await
}

/// The project's rustls server with TLS 1.3 alone.
pub async fn tls13_only_server() -> palisade::lab::serve::Server {
    use palisade::lab::certs::{CertSpec, LabCa};
    let cert = LabCa::new("Test CA").issue(&CertSpec::valid(&[HOST], 200));
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(cert.chain.clone(), cert.key.clone_key())
        .unwrap();
    palisade::lab::serve::serve(
        "127.0.0.1:0".parse().unwrap(),
        fixed(200, &[], "<html>ok</html>"),
        Some(std::sync::Arc::new(config)),
    )
    .await
    .unwrap()
}

fn openssl(args: &[&str], dir: &Path) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (scripts/test installs it)");
    assert!(status.success(), "openssl {args:?} failed");
}

/// A self-signed RSA certificate for site.test (the key from `openssl genpkey`, since ring cannot generate RSA
/// keys; the certificate from rcgen), in PEM files in a temporary directory.
pub struct Cert {
    dir: TempDir,
}

impl Cert {
    /// With `ocsp_url`, the certificate names that OCSP responder (Authority Information Access), and a signed
    /// "good" OCSP response for it is made with `openssl ocsp` for `s_server -status_file`.
    pub fn rsa(ocsp_url: Option<&str>) -> Cert {
        let dir = tempfile::tempdir().unwrap();
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "k.pem",
            ],
            dir.path(),
        );
        let key = KeyPair::from_pem(&std::fs::read_to_string(dir.path().join("k.pem")).unwrap())
            .expect("rcgen reads an RSA key");
        let mut params = CertificateParams::new(vec![HOST.to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, HOST);
        if let Some(url) = ocsp_url {
            params.custom_extensions = vec![CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                authority_info_access(url),
            )];
        }
        params.serial_number = Some(SerialNumber::from_slice(&SERIAL));
        let cert = params.self_signed(&key).unwrap();
        std::fs::write(dir.path().join("c.pem"), cert.pem()).unwrap();
        if ocsp_url.is_some() {
            // The responder's database: this serial is valid ("V") until 2030.
            let serial = SERIAL
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<String>();
            std::fs::write(
                dir.path().join("index.txt"),
                format!("V\t301231235959Z\t\t{serial}\tunknown\t/CN={HOST}\n"),
            )
            .unwrap();
            openssl(
                &[
                    "ocsp",
                    "-issuer",
                    "c.pem",
                    "-cert",
                    "c.pem",
                    "-reqout",
                    "req.der",
                    "-no_nonce",
                ],
                dir.path(),
            );
            openssl(
                &[
                    "ocsp",
                    "-index",
                    "index.txt",
                    "-CA",
                    "c.pem",
                    "-rsigner",
                    "c.pem",
                    "-rkey",
                    "k.pem",
                    "-reqin",
                    "req.der",
                    "-respout",
                    "ocsp.der",
                    "-ndays",
                    "1",
                ],
                dir.path(),
            );
        }
        Cert { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The signed OCSP response file (only for a certificate made with an OCSP URL).
    pub fn ocsp_response(&self) -> String {
        let path = self.path("ocsp.der");
        assert!(path.exists(), "made with an OCSP URL");
        path.to_string_lossy().into_owned()
    }
}

/// The DER of an Authority Information Access extension naming one OCSP responder (RFC 5280, 4.2.2.1).
fn authority_info_access(url: &str) -> Vec<u8> {
    let mut desc = vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
    desc.push(0x86);
    desc.push(url.len() as u8);
    desc.extend_from_slice(url.as_bytes());
    let mut access = vec![0x30, desc.len() as u8];
    access.extend(desc);
    let mut aia = vec![0x30, access.len() as u8];
    aia.extend(access);
    aia
}

/// True when this OpenSSL build has `cipher` for TLS (RC4 and 3DES are compiled out of some builds).
pub fn openssl_has_cipher(provider_args: &[&str], cipher: &str) -> bool {
    Command::new("openssl")
        .arg("ciphers")
        .args(provider_args)
        .arg(format!("{cipher}:@SECLEVEL=0"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True when this OpenSSL build can serve SSL 3.0 (Debian's cannot).
pub fn openssl_has_ssl3() -> bool {
    Command::new("openssl")
        .args(["s_server", "-help"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stderr).contains(" -ssl3 "))
}

fn spawn_s_server(cert: &Cert, port: u16, args: &[&str]) -> Child {
    Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www"])
        .arg("-cert")
        .arg(cert.path("c.pem"))
        .arg("-key")
        .arg(cert.path("k.pem"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl is installed (scripts/test installs it)")
}

/// `openssl s_server -www` on a free loopback port behind a [`Front`], killed when dropped.
pub struct OpenSsl {
    child: Child,
    front: Front,
}

impl OpenSsl {
    pub async fn start(cert: &Cert, args: &[&str]) -> OpenSsl {
        let port = closed_port().port();
        let mut child = spawn_s_server(cert, port, args);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let front = Front::start(SocketAddr::from(([127, 0, 0, 1], port))).await;
                return OpenSsl { child, front };
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "openssl s_server {args:?} exited"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("openssl s_server {args:?} did not listen");
    }

    /// Where the scan connects: the front.
    pub fn addr(&self) -> SocketAddr {
        self.front.addr
    }
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
