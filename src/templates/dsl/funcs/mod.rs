//! The DSL's function table: each Nuclei helper function with its argument counts and implementation, plus the
//! Nuclei functions that are known but refused (side effects, network, attack payloads, lists).

mod codec;
mod convert;
mod hash;
mod html;
mod packed;
mod pattern;
mod random;
mod text;
mod time;

use std::borrow::Cow;

use super::DslError;
use super::value::Val;

pub(crate) type Run = fn(&[Val]) -> Result<Val, String>;

/// One function: how many arguments it takes and what it does (`None`: Nuclei has it, Palisade refuses it).
#[derive(Debug)]
pub(crate) struct Spec {
    pub name: &'static str,
    min: usize,
    max: usize,
    run: Option<Run>,
}

impl Spec {
    pub(crate) fn check_arity(&self, got: usize) -> Result<(), DslError> {
        if self.run.is_none() || (self.min..=self.max).contains(&got) {
            return Ok(());
        }
        let wanted = match (self.min, self.max) {
            (a, b) if a == b => format!("{a}"),
            (a, MANY) => format!("at least {a}"),
            (a, b) => format!("{a} to {b}"),
        };
        Err(DslError(format!(
            "{}() takes {wanted} argument(s), got {got}",
            self.name
        )))
    }

    pub(crate) fn call(&self, args: &[Val]) -> Result<Val, DslError> {
        let Some(run) = self.run else {
            return Err(DslError(format!(
                "function {}() is not supported: it has side effects, reaches the network or builds attack payloads",
                self.name
            )));
        };
        run(args).map_err(|e| DslError(format!("{}(): {e}", self.name)))
    }
}

const MANY: usize = usize::MAX;

const fn f(name: &'static str, min: usize, max: usize, run: Run) -> Spec {
    Spec {
        name,
        min,
        max,
        run: Some(run),
    }
}

const fn refused(name: &'static str) -> Spec {
    Spec {
        name,
        min: 0,
        max: MANY,
        run: None,
    }
}

static TABLE: &[Spec] = &[
    f("contains", 2, 2, text::contains),
    f("contains_all", 2, MANY, text::contains_all),
    f("contains_any", 2, MANY, text::contains_any),
    f("equals_any", 2, MANY, text::equals_any),
    f("starts_with", 2, MANY, text::starts_with),
    f("ends_with", 2, MANY, text::ends_with),
    f("line_starts_with", 2, MANY, text::line_starts_with),
    f("line_ends_with", 2, MANY, text::line_ends_with),
    f("regex", 2, 2, pattern::regex),
    f("regex_all", 2, MANY, pattern::regex_all),
    f("regex_any", 2, MANY, pattern::regex_any),
    f("replace_regex", 3, 3, pattern::replace_regex),
    f("len", 1, 1, text::len),
    f("count", 2, 2, text::count),
    f("to_lower", 1, 1, text::to_lower),
    f("to_upper", 1, 1, text::to_upper),
    f("to_title", 1, 2, text::to_title),
    f("trim", 2, 2, text::trim),
    f("trim_left", 2, 2, text::trim_left),
    f("trim_right", 2, 2, text::trim_right),
    f("trim_space", 1, 1, text::trim_space),
    f("trim_prefix", 2, 2, text::trim_prefix),
    f("trim_suffix", 2, 2, text::trim_suffix),
    f("replace", 3, 3, text::replace),
    f("remove_bad_chars", 2, 2, text::remove_bad_chars),
    f("concat", 0, MANY, text::concat),
    f("join", 2, MANY, text::join),
    f("repeat", 2, 2, text::repeat),
    f("reverse", 1, 1, text::reverse),
    f("sort", 1, 1, text::sort),
    f("uniq", 1, 1, text::uniq),
    f("substr", 2, 3, text::substr),
    f("index", 2, 2, text::index),
    f("to_string", 1, 1, convert::to_string),
    f("to_number", 1, 1, convert::to_number),
    f("to_bool", 1, 1, convert::to_bool),
    f("dec_to_hex", 1, 1, convert::dec_to_hex),
    f("hex_to_dec", 1, 1, convert::hex_to_dec),
    f("oct_to_dec", 1, 1, convert::oct_to_dec),
    f("bin_to_dec", 1, 1, convert::bin_to_dec),
    f("base64", 1, 1, codec::base64),
    f("base64_decode", 1, 1, codec::base64_decode),
    f("base64_py", 1, 1, codec::base64_py),
    f("hex_encode", 1, 1, codec::hex_encode),
    f("hex_decode", 1, 1, codec::hex_decode),
    f("url_encode", 1, 2, codec::url_encode),
    f("url_decode", 1, 1, codec::url_decode),
    f("html_escape", 1, 2, html::html_escape),
    f("html_unescape", 1, 1, html::html_unescape),
    f("json_minify", 1, 1, packed::json_minify),
    f("json_prettify", 1, 1, packed::json_prettify),
    f("gzip_decode", 1, 2, packed::gzip_decode),
    f("zlib_decode", 1, 2, packed::zlib_decode),
    f("inflate", 1, 2, packed::inflate),
    f("md5", 1, 1, hash::md5),
    f("sha1", 1, 1, hash::sha1),
    f("sha256", 1, 1, hash::sha256),
    f("sha512", 1, 1, hash::sha512),
    f("mmh3", 1, 1, hash::mmh3),
    f("hmac", 3, 3, hash::hmac),
    f("compare_versions", 2, MANY, convert::compare_versions),
    f("rand_char", 0, 1, random::rand_char),
    f("rand_base", 1, 2, random::rand_base),
    f("rand_text_alpha", 1, 2, random::rand_text_alpha),
    f(
        "rand_text_alphanumeric",
        1,
        2,
        random::rand_text_alphanumeric,
    ),
    f("rand_text_numeric", 1, 2, random::rand_text_numeric),
    f("rand_int", 0, 2, random::rand_int),
    f("unix_time", 0, 1, time::unix_time),
    f("date_time", 1, 2, time::date_time),
    f("to_unix_time", 1, 2, time::to_unix_time),
    // Known to Nuclei, refused here: side effects or network (resolve, wait_for, llm_prompt, public_ip, jarm,
    // print_debug), attack payloads and crypto for them (gadgets, jwt, aes, rsa, xor, padding, zip, gzip...), or
    // lists, which this DSL does not have (split, rand_ip over lists).
    refused("resolve"),
    refused("getNetworkPort"),
    refused("wait_for"),
    refused("llm_prompt"),
    refused("public_ip"),
    refused("jarm"),
    refused("print_debug"),
    refused("generate_java_gadget"),
    refused("generate_dotnet_gadget"),
    refused("generate_jwt"),
    refused("aes_cbc"),
    refused("aes_gcm"),
    refused("rsa_encrypt"),
    refused("cookie_unsign"),
    refused("xor"),
    refused("unpack"),
    refused("padding"),
    refused("zip"),
    refused("gzip"),
    refused("gzip_mtime"),
    refused("zlib"),
    refused("deflate"),
    refused("split"),
    refused("rand_ip"),
    refused("ip_format"),
];

/// The function names this DSL evaluates (the Nuclei functions it refuses are not listed).
pub const FUNCTIONS: &[&str] = &[
    "contains",
    "contains_all",
    "contains_any",
    "equals_any",
    "starts_with",
    "ends_with",
    "line_starts_with",
    "line_ends_with",
    "regex",
    "regex_all",
    "regex_any",
    "replace_regex",
    "len",
    "count",
    "to_lower",
    "to_upper",
    "to_title",
    "trim",
    "trim_left",
    "trim_right",
    "trim_space",
    "trim_prefix",
    "trim_suffix",
    "replace",
    "remove_bad_chars",
    "concat",
    "join",
    "repeat",
    "reverse",
    "sort",
    "uniq",
    "substr",
    "index",
    "to_string",
    "to_number",
    "to_bool",
    "dec_to_hex",
    "hex_to_dec",
    "oct_to_dec",
    "bin_to_dec",
    "base64",
    "base64_decode",
    "base64_py",
    "hex_encode",
    "hex_decode",
    "url_encode",
    "url_decode",
    "html_escape",
    "html_unescape",
    "json_minify",
    "json_prettify",
    "gzip_decode",
    "zlib_decode",
    "inflate",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "mmh3",
    "hmac",
    "compare_versions",
    "rand_char",
    "rand_base",
    "rand_text_alpha",
    "rand_text_alphanumeric",
    "rand_text_numeric",
    "rand_int",
    "unix_time",
    "date_time",
    "to_unix_time",
];

/// The function named `name`, evaluable or refused; `None` if Nuclei has no such function either.
pub(crate) fn spec(name: &str) -> Option<&'static Spec> {
    TABLE.iter().find(|s| s.name == name)
}

/// Names in the table that evaluate, in table order (tests check it equals [`FUNCTIONS`]).
#[cfg(test)]
pub(crate) fn evaluable() -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|s| s.run.is_some())
        .map(|s| s.name)
        .collect()
}

// Argument helpers shared by the function files.

fn text(v: &Val) -> Cow<'_, str> {
    v.text()
}

/// A whole number argument, from a number or text that reads as one.
fn int_arg(v: &Val, what: &str) -> Result<i64, String> {
    match v.number() {
        Some(n) if n.is_finite() => Ok(n.trunc() as i64),
        _ => Err(format!(
            "{what} must be a number, got {:?}",
            short(&v.text())
        )),
    }
}

/// A length or count argument, bounded by `max`.
fn len_arg(v: &Val, what: &str, max: usize) -> Result<usize, String> {
    let n = int_arg(v, what)?;
    if n < 0 || n as u64 > max as u64 {
        return Err(format!("{what} must be between 0 and {max}, got {n}"));
    }
    Ok(n as usize)
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push_str("...");
    }
    out
}

fn str_val(s: impl Into<String>) -> Result<Val, String> {
    Ok(Val::Str(s.into()))
}
