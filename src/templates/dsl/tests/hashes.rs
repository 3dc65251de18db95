//! Encodings and hashes, on text and on bytes that are not UTF-8 (favicons), with Nuclei's documented values and
//! vectors cross-checked against Python's `mmh3` and `hashlib`.

use super::{err, ev, ev_with, s, yes};
use crate::templates::dsl::mmh3::murmur3_32;
use crate::templates::dsl::{Value, Vars};

/// A response whose body is binary, as the template engine hands over a favicon.
struct Favicon(Vec<u8>);

impl Vars for Favicon {
    fn get(&self, name: &str) -> Option<Value> {
        (name == "body").then(|| Value::from(String::from_utf8_lossy(&self.0).into_owned()))
    }

    fn get_bytes(&self, name: &str) -> Option<Vec<u8>> {
        (name == "body").then(|| self.0.clone())
    }
}

#[test]
fn murmur3_known_vectors() {
    assert_eq!(murmur3_32(b"", 0), 0);
    assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
    assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
    assert_eq!(murmur3_32(b"test", 0), 0xba6b_d213);
    assert_eq!(murmur3_32(b"Hello, world!", 0x9747_b28c), 0x2488_4cba);
    assert_eq!(
        murmur3_32(b"The quick brown fox jumps over the lazy dog", 0),
        776_992_547
    );
    // Tails of 1, 2 and 3 bytes.
    assert_eq!(murmur3_32(b"abcde", 0), 3_902_511_862);
    assert_eq!(murmur3_32(b"abc", 0), 3_017_643_002);
}

#[test]
fn mmh3_prints_a_signed_decimal() {
    assert_eq!(s(r#"mmh3("Hello")"#), "316307400");
    assert_eq!(s(r#"mmh3("test")"#), "-1167338989");
    assert_eq!(s(r#"mmh3("Hello, world!")"#), "-1070186941");
    assert!(yes(r#""-1167338989" == mmh3("test")"#));
}

#[test]
fn favicon_hash_reads_the_raw_bytes() {
    // 768 bytes covering every byte value: Python's mmh3.hash(base64.encodebytes(data)) is 1836528006.
    let icon: Vec<u8> = (0..3).flat_map(|_| 0..=255u8).collect();
    let vars = Favicon(icon);
    assert_eq!(
        ev_with("mmh3(base64_py(body))", &vars).as_string(),
        "1836528006"
    );
    assert_eq!(
        ev_with(r#""1836528006" == mmh3(base64_py(body))"#, &vars),
        Value::Bool(true)
    );
    assert_eq!(ev_with("len(body)", &vars), Value::Num(768.0));
}

#[test]
fn base64_forms() {
    assert_eq!(s(r#"base64("Hello")"#), "SGVsbG8=");
    assert_eq!(s(r#"base64_decode("SGVsbG8=")"#), "Hello");
    assert_eq!(
        s(r#"base64_decode("SGVsbG8")"#),
        "Hello",
        "padding optional"
    );
    assert!(err(r#"base64_decode("*not*")"#).contains("not base64"));
    assert_eq!(s(r#"base64_py("Hello")"#), "SGVsbG8=\n");
    // Python's encodebytes(b"x" * 100): a 76-character line, then the rest, each ended by a newline.
    let wrapped = s(r#"base64_py(repeat("x", 100))"#);
    let lines: Vec<&str> = wrapped.split_terminator('\n').collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].len(), 76);
    assert_eq!(
        lines[1],
        "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA=="
    );
    assert!(wrapped.ends_with("==\n"));
    assert_eq!(
        s(r#"base64_py(repeat("x", 57))"#).matches('\n').count(),
        1,
        "exactly 76 characters: one newline"
    );
}

#[test]
fn hex_forms() {
    assert_eq!(s(r#"hex_encode("aa")"#), "6161");
    assert_eq!(s(r#"hex_decode("6161")"#), "aa");
    assert!(err(r#"hex_decode("zz")"#).contains("not hex"));
    // Decoded bytes that are not UTF-8 survive a round trip.
    assert_eq!(s(r#"hex_encode(hex_decode("ff00fe"))"#), "ff00fe");
    assert_eq!(
        s(r#"md5(hex_decode("ff"))"#),
        "00594fd4f42ba43fc1ca0427a0576295"
    );
}

#[test]
fn url_and_html() {
    assert_eq!(
        s(r#"url_encode("https://projectdiscovery.io/test?a=1")"#),
        "https%3A%2F%2Fprojectdiscovery.io%2Ftest%3Fa%3D1"
    );
    assert_eq!(
        s(r#"url_encode("a-b_c.d~(x)", true)"#),
        "a%2Db%5Fc%2Ed%7E%28x%29"
    );
    assert_eq!(
        s(r#"url_decode("https:%2F%2Fprojectdiscovery.io%3Ftest=1")"#),
        "https://projectdiscovery.io?test=1"
    );
    assert_eq!(s(r#"url_decode("100%")"#), "100%");
    assert_eq!(
        s(r#"html_escape("<body>test</body>")"#),
        "&lt;body&gt;test&lt;/body&gt;"
    );
    assert_eq!(s(r#"html_escape("a'b\"c&")"#), "a&#39;b&#34;c&amp;");
    assert_eq!(
        s(r#"html_unescape("&lt;body&gt;test&lt;/body&gt;")"#),
        "<body>test</body>"
    );
    assert_eq!(
        s(r#"html_unescape("&#65;&#x42;&copy; &unknown; & done")"#),
        "AB© &unknown; & done"
    );
}

#[test]
fn json_forms() {
    assert_eq!(
        s(r#"json_minify("{ \"name\": \"John Doe\", \"foo\": \"bar\" }")"#),
        r#"{"foo":"bar","name":"John Doe"}"#
    );
    assert_eq!(
        s(r#"json_prettify("{\"foo\":\"bar\"}")"#),
        "{\n    \"foo\": \"bar\"\n}"
    );
    assert!(err(r#"json_minify("{")"#).contains("not JSON"));
}

#[test]
fn decompression_is_capped() {
    let gz = "H4sIAAAAAAACA/NIzcnJBwCCidH3BQAAAA==";
    assert_eq!(
        s(&format!(r#"gzip_decode(base64_decode("{gz}"))"#)),
        "Hello"
    );
    assert_eq!(
        s(&format!(r#"gzip_decode(base64_decode("{gz}"), 3)"#)),
        "Hel"
    );
    assert_eq!(
        s(r#"zlib_decode(hex_decode("789cf348cdc9c90700058c01f5"))"#),
        "Hello"
    );
    assert_eq!(s(r#"inflate(hex_decode("f348cdc9c90700"))"#), "Hello");
    assert!(err(r#"gzip_decode("plain")"#).contains("cannot decode"));
}

#[test]
fn digests() {
    assert_eq!(s(r#"md5("Hello")"#), "8b1a9953c4611296a827abf8c47804d7");
    assert_eq!(
        s(r#"sha1("Hello")"#),
        "f7ff9e8b7bb2e09b70935a5d785e0cc5d9d0abf0"
    );
    assert_eq!(
        s(r#"sha256("Hello")"#),
        "185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969"
    );
    assert_eq!(
        s(r#"sha512("Hello")"#),
        "3615f80c9d293ed7402687f94b22d58e529b8cc7916f8fac7fddf7fbd5af4cf777d3d795a7a00a16bf7e7f3fb9561ee9baae480da9fe7a18769e71886b03f315"
    );
    assert_eq!(
        s(r#"hmac("sha1", "test", "scrt")"#),
        "8856b111056d946d5c6c92a21b43c233596623c6"
    );
    assert_eq!(
        s(r#"hmac("sha256", "The quick brown fox jumps over the lazy dog", "key")"#),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
    // A key longer than the block is hashed first.
    assert_eq!(
        s(r#"hmac("sha512", "test", repeat("k", 200))"#),
        "5bf723c3440fbd1b812faa7d6949eb30c90e6228d31da2f54f40cb9efcfe4bde808046a05ef62a1d338d66907ee4cac51a68a0e1dde3fb62344b29fc98b3f9b1"
    );
    assert!(err(r#"hmac("crc32", "a", "b")"#).contains("unsupported hash algorithm"));
    assert_eq!(ev(r#"md5(200) == md5("200")"#), Value::Bool(true));
}
