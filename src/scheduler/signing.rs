//! Webhook signatures: `Palisade-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
//! webhook's secret, so a receiver can check the sender and reject replays older than five minutes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A new secret: `whsec_` and 32 random hex digits.
pub fn new_secret() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    format!("whsec_{}", hex::encode(bytes))
}

/// The hex HMAC-SHA256 of `<t>.<body>` under `secret`.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The `Palisade-Signature` header value.
pub fn header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

/// Checks a header as a receiver would: the signature matches and `t` is within `tolerance_secs` of `now`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    let Some(Ok(given)) = v1.first().map(hex::decode) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_replays_and_tampering_fail() {
        let secret = "whsec_00112233445566778899aabbccddeeff";
        let body = br#"{"type":"scan.completed"}"#;
        let h = header(secret, 1_790_000_000, body);
        assert!(h.starts_with("t=1790000000,v1="));
        assert!(verify(secret, &h, body, 1_790_000_100, 300));
        assert!(
            !verify(secret, &h, body, 1_790_000_301, 300),
            "older than five minutes"
        );
        assert!(!verify(
            secret,
            &h,
            br#"{"type":"scan.failed"}"#,
            1_790_000_000,
            300
        ));
        assert!(!verify("whsec_other", &h, body, 1_790_000_000, 300));
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 38);
    }
}
