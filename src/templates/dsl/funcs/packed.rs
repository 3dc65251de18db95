//! Decoders for packed data: `gzip_decode`, `zlib_decode`, `inflate` (output capped, so a small bomb stays small),
//! and `json_minify` / `json_prettify`.

use std::io::Read;

use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};

use super::{len_arg, str_val, text};
use crate::templates::dsl::MAX_OUTPUT;
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;

fn decode(a: &[Val], reader: impl Fn(&[u8]) -> Box<dyn Read + '_>) -> R {
    let limit = match a.get(1) {
        Some(v) => len_arg(v, "read limit", MAX_OUTPUT)?,
        None => MAX_OUTPUT,
    };
    let input = a[0].bytes();
    let mut out = Vec::new();
    reader(&input)
        .take(limit as u64)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot decode: {e}"))?;
    Ok(Val::from_bytes(out))
}

pub(super) fn gzip_decode(a: &[Val]) -> R {
    decode(a, |b| Box::new(GzDecoder::new(b)))
}

pub(super) fn zlib_decode(a: &[Val]) -> R {
    decode(a, |b| Box::new(ZlibDecoder::new(b)))
}

pub(super) fn inflate(a: &[Val]) -> R {
    decode(a, |b| Box::new(DeflateDecoder::new(b)))
}

fn json(a: &[Val]) -> Result<serde_json::Value, String> {
    serde_json::from_str(&text(&a[0])).map_err(|e| format!("not JSON: {e}"))
}

pub(super) fn json_minify(a: &[Val]) -> R {
    str_val(json(a)?.to_string())
}

/// Indented by four spaces, as Go's `json.Indent` call in Nuclei does.
pub(super) fn json_prettify(a: &[Val]) -> R {
    let value = json(a)?;
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(&value, &mut ser).map_err(|e| e.to_string())?;
    Ok(Val::from_bytes(out))
}
