//! Hashes over the exact bytes of their input, in lower-case hex: `md5`, `sha1`, `sha256`, `sha512`, `hmac`, and
//! `mmh3` (signed decimal, for favicon fingerprints).

use super::{str_val, text};
use crate::templates::dsl::mmh3::mmh3_signed;
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;
type Digest = fn(&[u8]) -> Vec<u8>;

fn md5_raw(data: &[u8]) -> Vec<u8> {
    use md5::Digest;
    md5::Md5::digest(data).to_vec()
}

fn sha1_raw(data: &[u8]) -> Vec<u8> {
    use sha1::Digest;
    sha1::Sha1::digest(data).to_vec()
}

fn sha256_raw(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

fn sha512_raw(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha512::digest(data).to_vec()
}

pub(super) fn md5(a: &[Val]) -> R {
    str_val(hex::encode(md5_raw(&a[0].bytes())))
}

pub(super) fn sha1(a: &[Val]) -> R {
    str_val(hex::encode(sha1_raw(&a[0].bytes())))
}

pub(super) fn sha256(a: &[Val]) -> R {
    str_val(hex::encode(sha256_raw(&a[0].bytes())))
}

pub(super) fn sha512(a: &[Val]) -> R {
    str_val(hex::encode(sha512_raw(&a[0].bytes())))
}

pub(super) fn mmh3(a: &[Val]) -> R {
    str_val(mmh3_signed(&a[0].bytes()))
}

/// `hmac(algorithm, data, secret)` with `sha1`, `sha256` or `sha512` (RFC 2104).
pub(super) fn hmac(a: &[Val]) -> R {
    let (hash, block): (Digest, usize) = match text(&a[0]).to_ascii_lowercase().as_str() {
        "sha1" | "sha-1" => (sha1_raw, 64),
        "sha256" | "sha-256" => (sha256_raw, 64),
        "sha512" | "sha-512" => (sha512_raw, 128),
        other => {
            return Err(format!(
                "unsupported hash algorithm '{other}' (sha1, sha256 or sha512)"
            ));
        }
    };
    let mut key = a[2].bytes().into_owned();
    if key.len() > block {
        key = hash(&key);
    }
    key.resize(block, 0);
    let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let mut inner = pad(0x36);
    inner.extend_from_slice(&a[1].bytes());
    let mut outer = pad(0x5c);
    outer.extend_from_slice(&hash(&inner));
    str_val(hex::encode(hash(&outer)))
}
