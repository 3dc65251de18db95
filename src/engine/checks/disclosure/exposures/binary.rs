//! Verifiers for binary files, by their magic bytes: .DS_Store, SQLite databases, archives, Vim swap files.

use super::Proof;
use crate::engine::net::HttpResponse;

const DS_STORE_MAGIC: &[u8] = b"\x00\x00\x00\x01Bud1";
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\x00";

/// A `.DS_Store`; the evidence lists file names recorded in it.
pub(super) fn ds_store(resp: &HttpResponse) -> Option<Proof> {
    let body = &resp.body[..];
    if !body.starts_with(DS_STORE_MAGIC) {
        return None;
    }
    let names = ds_store_names(body, 10);
    let listed = if names.is_empty() {
        String::new()
    } else {
        format!("; names recorded: {}", names.join(", "))
    };
    Some(Proof::new(format!(".DS_Store (Bud1) file{listed}")))
}

/// File names in a .DS_Store: each record is a length (u32, big-endian), the name in UTF-16BE, a four-letter
/// structure id and a four-letter type. A scan for that shape finds them without a full parser.
pub(super) fn ds_store_names(body: &[u8], max: usize) -> Vec<String> {
    const TYPES: &[&[u8]] = &[
        b"long", b"shor", b"bool", b"blob", b"type", b"ustr", b"comp", b"dutc",
    ];
    let mut names: Vec<String> = Vec::new();
    let mut i = DS_STORE_MAGIC.len();
    while i + 4 <= body.len() && names.len() < max {
        let n = u32::from_be_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]) as usize;
        let end = i + 4 + 2 * n;
        if (1..=255).contains(&n) && end + 8 <= body.len() {
            let units: Vec<u16> = body[i + 4..end]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            let id_ok = body[end..end + 4].iter().all(u8::is_ascii_alphanumeric);
            if id_ok
                && TYPES.contains(&&body[end + 4..end + 8])
                && let Ok(name) = String::from_utf16(&units)
                && name.chars().all(|c| !c.is_control())
            {
                if !names.contains(&name) {
                    names.push(name);
                }
                i = end + 8;
                continue;
            }
        }
        i += 1;
    }
    names
}

pub(super) fn sqlite(resp: &HttpResponse, what: &str) -> Option<Proof> {
    resp.body
        .starts_with(SQLITE_MAGIC)
        .then(|| Proof::new(format!("{what} (\"SQLite format 3\" header)")))
}

/// An archive, by magic bytes; the evidence names the first file in it when the format records one.
pub(super) fn archive(resp: &HttpResponse) -> Option<Proof> {
    let b = &resp.body[..];
    let (format, first) = if b.starts_with(b"PK\x03\x04") && b.len() >= 30 {
        let len = u16::from_le_bytes([b[26], b[27]]) as usize;
        ("ZIP archive", name_at(b, 30, len))
    } else if b.starts_with(b"\x1f\x8b\x08") && b.len() >= 10 {
        ("gzip file", gzip_name(b))
    } else if b.len() >= 262 && &b[257..262] == b"ustar" {
        ("tar archive", name_at(b, 0, 100))
    } else if b.starts_with(b"7z\xbc\xaf\x27\x1c") {
        ("7-Zip archive", None)
    } else if b.starts_with(b"Rar!\x1a\x07") {
        ("RAR archive", None)
    } else if b.len() >= 10 && b.starts_with(b"BZh") && &b[4..10] == b"1AY&SY" {
        ("bzip2 file", None)
    } else {
        return None;
    };
    let first = first
        .map(|n| format!(", first entry \"{n}\""))
        .unwrap_or_default();
    Some(Proof::new(format!("{format}{first}")))
}

/// A printable, NUL-terminated or fixed-length name at `start`.
fn name_at(b: &[u8], start: usize, len: usize) -> Option<String> {
    let raw = b.get(start..(start + len).min(b.len()))?;
    let raw = raw.split(|c| *c == 0).next()?;
    let name = String::from_utf8_lossy(raw).to_string();
    (!name.is_empty() && name.chars().all(|c| !c.is_control())).then_some(name)
}

/// The original file name a gzip header records (FNAME flag), skipping the optional extra field.
fn gzip_name(b: &[u8]) -> Option<String> {
    let flags = b[3];
    if flags & 0x08 == 0 {
        return None;
    }
    let mut start = 10;
    if flags & 0x04 != 0 {
        let xlen = u16::from_le_bytes([*b.get(10)?, *b.get(11)?]) as usize;
        start += 2 + xlen;
    }
    name_at(b, start, 255)
}

pub(super) fn vim_swap(resp: &HttpResponse) -> Option<Proof> {
    resp.body.starts_with(b"b0VIM ").then(|| {
        Proof::new("Vim swap file (b0VIM header): the edited file's text can be recovered from it")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &[u8]) -> HttpResponse {
        HttpResponse::sample(200, body.to_vec())
    }

    /// A .DS_Store with one record per name, shaped as Finder writes them.
    pub(crate) fn ds_store_bytes(names: &[&str]) -> Vec<u8> {
        let mut b = DS_STORE_MAGIC.to_vec();
        b.extend_from_slice(&[0u8; 28]);
        for name in names {
            let units: Vec<u16> = name.encode_utf16().collect();
            b.extend_from_slice(&(units.len() as u32).to_be_bytes());
            for u in units {
                b.extend_from_slice(&u.to_be_bytes());
            }
            b.extend_from_slice(b"Ilocblob");
            b.extend_from_slice(&[0, 0, 0, 16]);
            b.extend_from_slice(&[0u8; 16]);
        }
        b
    }

    #[test]
    fn ds_store_lists_names() {
        let body = ds_store_bytes(&["backup-2024.zip", "admin"]);
        let proof = ds_store(&resp(&body)).unwrap();
        assert!(
            proof.evidence.contains("backup-2024.zip, admin"),
            "{}",
            proof.evidence
        );
        assert!(ds_store(&resp(b"<html>Bud1</html>")).is_none());
    }

    #[test]
    fn archives_by_magic() {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&[0u8; 22]);
        zip.extend_from_slice(&(13u16).to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        zip.extend_from_slice(b"wp-config.php");
        assert_eq!(
            archive(&resp(&zip)).unwrap().evidence,
            "ZIP archive, first entry \"wp-config.php\""
        );
        let gz = b"\x1f\x8b\x08\x08\0\0\0\0\0\x03site.tar\0rest";
        assert!(archive(&resp(gz)).unwrap().evidence.contains("site.tar"));
        let mut tar = b"www/index.php".to_vec();
        tar.resize(257, 0);
        tar.extend_from_slice(b"ustar\x0000");
        assert!(
            archive(&resp(&tar))
                .unwrap()
                .evidence
                .contains("www/index.php")
        );
        assert!(archive(&resp(b"<!doctype html>backup.zip")).is_none());
        assert!(sqlite(&resp(b"SQLite format 3\0...."), "db").is_some());
        assert!(sqlite(&resp(b"SQLite format 2"), "db").is_none());
    }
}
