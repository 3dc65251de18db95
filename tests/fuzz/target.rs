//! The target parser (`TargetUrl::parse`): whatever it accepts is an http(s) URL with a host and no credentials,
//! fragment or port 0, and normalising it again changes nothing.

use palisade::target::TargetUrl;
use proptest::prelude::*;

fn scheme() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "http://",
        "https://",
        "HTTPS://",
        "hTtP://",
        "ftp://",
        "file://",
        "javascript:",
        "mailto:",
        "http:",
        "http:/",
        "https:///",
        "//",
        "ws://",
        "+://",
        "h t t p://",
    ])
    .prop_map(String::from)
}

fn userinfo() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "", "", "", "user@", "u:p@", ":@", "@", "a%40b@", "user:@", "x@y@",
    ])
    .prop_map(String::from)
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,12}",
        "[A-Za-z0-9-]{1,70}",
        "[a-z0-9_.%~!$&'()*+,;=-]{1,10}",
        prop::sample::select(vec![
            "bücher",
            "BÜCHER",
            "xn--bcher-kva",
            "xn--",
            "例え",
            "ß",
            "İ",
            "\u{200b}",
            "%41",
            "%2e",
            "%00",
            "_dmarc",
            "-lead",
            "trail-",
            "a..b",
            "localhost",
            "0x7f",
            "0177",
            "2130706433",
            "127",
            "[",
            "]",
            "\\",
            "#",
            "?",
        ])
        .prop_map(String::from),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(label(), 1..5).prop_map(|l| l.join(".")),
        (label(), prop::bool::ANY).prop_map(|(l, dot)| if dot {
            format!("{l}.example.")
        } else {
            l
        }),
        any::<[u8; 4]>().prop_map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        any::<std::net::Ipv6Addr>().prop_map(|ip| format!("[{ip}]")),
        any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
        prop::sample::select(vec![
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[fe80::1%25eth0]",
            "[::1",
            "::1]",
            "[]",
            "[v1.x]",
            "",
            ".",
            "..",
            "127.1",
            "0x7f.0.0.1",
            "1.2.3.4.5",
            "256.0.0.1",
        ])
        .prop_map(String::from),
    ]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(String::new()),
        any::<u16>().prop_map(|p| format!(":{p}")),
        prop::sample::select(vec![
            ":",
            ":0",
            ":00080",
            ":65536",
            ":99999999999",
            ":-1",
            ":+80",
            ":abc",
            ":80:80"
        ])
        .prop_map(String::from),
    ]
}

fn rest() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "(/[a-zA-Z0-9%._~-]{0,8}){0,3}",
        prop::sample::select(vec![
            "/",
            "/a b",
            "/%2e%2e/",
            "/../..",
            "?q=1",
            "#frag",
            "/p?q#f",
            "/\u{0}",
            "/ü",
            "\\path",
            "?@evil",
            "#@evil.example",
        ])
        .prop_map(String::from),
    ]
}

fn space() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "", "", " ", "\t", "\n", "\u{a0}", "\u{3000}"])
        .prop_map(String::from)
}

/// Targets as users (and attackers) type them.
fn typed() -> impl Strategy<Value = String> {
    (
        space(),
        scheme(),
        userinfo(),
        host(),
        port(),
        rest(),
        space(),
    )
        .prop_map(|(a, s, u, h, p, r, b)| format!("{a}{s}{u}{h}{p}{r}{b}"))
}

fn check(input: &str) -> Result<(), TestCaseError> {
    let Ok(t) = TargetUrl::parse(input) else {
        return Ok(());
    };
    let url = t.url();
    prop_assert!(matches!(t.scheme(), "http" | "https"), "{input:?} -> {t}");
    prop_assert!(!t.host().is_empty(), "{input:?} -> {t}: no host");
    prop_assert!(
        url.username().is_empty() && url.password().is_none(),
        "{input:?} -> {t}: userinfo"
    );
    prop_assert!(url.fragment().is_none(), "{input:?} -> {t}: fragment");
    prop_assert_ne!(url.port(), Some(0), "{:?} -> {}", input, t);
    prop_assert!(
        !t.as_str().chars().any(char::is_whitespace),
        "{input:?} -> {t}: whitespace"
    );
    let again = TargetUrl::parse(t.as_str());
    prop_assert_eq!(
        again.as_ref(),
        Ok(&t),
        "{:?} -> {} does not normalise to itself",
        input,
        t
    );
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(3000))]

    #[test]
    fn typed_targets_normalise_to_fixed_points(input in typed()) {
        check(&input)?;
    }

    #[test]
    fn arbitrary_text_never_panics_and_what_passes_is_sound(input in "\\PC{0,40}|[ -~]{0,60}") {
        check(&input)?;
    }
}
