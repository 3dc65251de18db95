//! Telling live-looking secrets from noise: Shannon entropy, placeholders and documented example keys, and tokens
//! that are only a slice of a longer blob (base64 images, inline source maps).

/// Keys that vendors print in their documentation: never live, so never reported.
const DOCUMENTED: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_26PHem9AhJZvU623DfE1x4sd",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-not-a-real-token-this-will-not-work",
];

/// Words that mark a value as a stand-in for a real one.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "changeme",
    "change_me",
    "change-me",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "insert",
    "replace_me",
    "replaceme",
    "fake",
    "xxxx",
    "****",
    "...",
    "…",
    "${",
    "{{",
    "%s",
    "<",
    ">",
];

/// Shannon entropy of `s` in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// True for a key that vendors print in their documentation.
pub fn documented(value: &str) -> bool {
    DOCUMENTED.contains(&value)
}

/// True for a value that stands in for a secret rather than being one: a documented example key, a placeholder
/// word (`EXAMPLE`, `your_api_key`, `<token>`, `changeme`, `xxxx`), `test` as a word of the value, six repeated
/// characters or six characters in sequence (`aaaaaa`, `abcdef`, `123456`).
pub fn placeholder(value: &str) -> bool {
    if DOCUMENTED.contains(&value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) || test_word(&lower) {
        return true;
    }
    runs(value.as_bytes()) >= 6
}

/// `test` at the start or end of the value or between separators (`my-test-key`), not inside random letters.
fn test_word(lower: &str) -> bool {
    let sep = |c: char| !c.is_ascii_alphanumeric();
    lower
        .split(sep)
        .any(|w| w == "test" || w == "testing" || w == "tests")
        || lower.starts_with("test")
        || lower.ends_with("test")
}

/// The longest run of repeated characters or of characters in sequence (`aaaa`, `abcd`, `4321`).
fn runs(bytes: &[u8]) -> usize {
    let (mut same, mut up, mut down, mut best) = (1, 1, 1, 1);
    for w in bytes.windows(2) {
        let (a, b) = (w[0], w[1]);
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        same = if a == b { same + 1 } else { 1 };
        up = if alnum && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        best = best.max(same).max(up).max(down);
    }
    best
}

fn blob_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
}

/// Characters of a blob allowed around a token before it counts as a slice of that blob.
const BLOB_SLACK: usize = 24;

/// True when the token at `start..end` of `text` stands alone, not in the middle of a long run of base64-like
/// characters (an image or a source map inlined as a data: URL), where any prefix turns up by chance.
pub fn isolated(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    // `=` only pads the end of a blob, so it ends the run before a token (`NAME=token` is not a blob).
    let before = bytes[..start]
        .iter()
        .rev()
        .take_while(|b| blob_char(**b) && **b != b'=')
        .count();
    let after = bytes[end..].iter().take_while(|b| blob_char(**b)).count();
    before <= BLOB_SLACK && after <= BLOB_SLACK
}

/// Counts of lower-case letters, upper-case letters and digits in `s`.
pub fn classes(s: &str) -> (usize, usize, usize) {
    s.bytes().fold((0, 0, 0), |(l, u, d), b| {
        (
            l + usize::from(b.is_ascii_lowercase()),
            u + usize::from(b.is_ascii_uppercase()),
            d + usize::from(b.is_ascii_digit()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_ranks_random_above_words() {
        assert!(entropy("aaaaaaaa") < 0.01);
        assert!(entropy("password") < 3.0);
        assert!(entropy("Zq8vN2rT5wXk9LmP4sYb7HcJ") > 4.0);
        assert_eq!(entropy(""), 0.0);
    }

    #[test]
    fn placeholders_and_documented_keys() {
        for v in [
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_your_api_key_here",
            "<token>",
            "changeme",
            "xxxxxxxxxxxxxxxx",
            "sk_live_aaaaaaaaaaaaaaaa",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "my-test-key-8f3k2q",
            "${STRIPE_KEY}",
            "REDACTED",
        ] {
            assert!(placeholder(v), "{v}");
        }
        for v in [
            "sk_live_51Hq8ZtK3vN9wQ2rT5yXk7LmP",
            "Zq8vN2rT5wXk9LmP4sYb7HcJ",
            "contestant9Qx2",
        ] {
            assert!(!placeholder(v), "{v}");
        }
    }

    #[test]
    fn a_token_inside_a_blob_is_not_isolated() {
        let blob = format!(
            "data:image/png;base64,{}AKIA{}",
            "Qk0".repeat(20),
            "Z".repeat(40)
        );
        let at = blob.find("AKIA").unwrap();
        assert!(!isolated(&blob, at, at + 20));
        let code = "const k = \"AKIAZ7Q2M4N6P8R3T5V7\";";
        let at = code.find("AKIA").unwrap();
        assert!(isolated(code, at, at + 20));
    }
}
