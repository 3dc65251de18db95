//! The `Host` and `Origin` parsers of the HTTP guard (`palisade::server::authority`): whatever they accept is a host
//! and a numeric port and nothing else, and written back out it reads the same.

use palisade::server::authority::{parse_host, parse_origin};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9]{1,10}",
        1 => "[a-zA-Z0-9_-]{1,64}",
        1 => prop::sample::select(vec![
            "localhost", "LOCALHOST", "127", "0", "255", "256", "0x7f", "0177", "01", "evil.com", "ü", "xn--bcher-kva",
            "a b", "a@b", "a:b", "a/b", "a?b", "a#b", "a\\b", "%2e", "[", "]", "\u{0}", "\t", "",
        ])
        .prop_map(String::from),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::collection::vec(label(), 1..5),
            prop::bool::weighted(0.1)
        )
            .prop_map(|(l, dot)| format!("{}{}", l.join("."), if dot { "." } else { "" })),
        any::<[u8; 4]>().prop_map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        any::<std::net::Ipv6Addr>().prop_map(|ip| format!("[{ip}]")),
        any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
        prop::sample::select(vec![
            "[::1]",
            "[0:0::1]",
            "[::ffff:127.0.0.1]",
            "[::1",
            "[]",
            "[::1]evil.com",
            "127.1"
        ])
        .prop_map(String::from),
    ]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        2 => any::<u16>().prop_map(|p| format!(":{p}")),
        1 => prop::sample::select(vec![":", ":0", ":080", ":65536", ":99999", ":+80", ":-1", ":8O", ":80:80", ":１"])
            .prop_map(String::from),
    ]
}

fn suffix() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "",
        "",
        "",
        "/",
        "/x",
        "?q",
        "#f",
        "@evil.com",
        " ",
        "\r\n",
        ":80@evil.com",
        "evil.com",
    ])
    .prop_map(String::from)
}

/// A Host header value, as browsers, proxies and attackers write them.
fn host_header() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(vec!["", "", "", "user@", "127.0.0.1:1@"]), host(), port(), suffix())
            .prop_map(|(u, h, p, s)| format!("{u}{h}{p}{s}")),
        1 => "\\PC{0,40}",
    ]
}

fn origin_header() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(vec!["http://", "https://", "HTTP://", "ftp://", "", "null", "http:/", "http:///"]), host_header())
            .prop_map(|(s, h)| format!("{s}{h}")),
        1 => "\\PC{0,40}",
    ]
}

fn check_host(raw: &str) -> Result<(), TestCaseError> {
    let Some(a) = parse_host(raw) else {
        return Ok(());
    };
    for c in ['@', '/', '?', '#', '\\', ' ', '\t', '\r', '\n', '%'] {
        prop_assert!(!raw.contains(c), "{raw:?} accepted with {c:?}");
    }
    prop_assert!(!a.host.is_empty(), "{raw:?}");
    // The port, when there is one, is the digits after the last colon (outside brackets), and fits in 16 bits.
    let after_host = raw.rsplit_once(']').map_or(raw, |(_, rest)| rest);
    match a.port {
        Some(p) => {
            let digits = after_host.rsplit_once(':').map(|(_, d)| d).unwrap_or("");
            prop_assert!(
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                "{raw:?}: port {p} from {digits:?}"
            );
            prop_assert_eq!(digits.parse::<u32>().ok(), Some(u32::from(p)), "{:?}", raw);
        }
        None => prop_assert!(
            !after_host.contains(':') || raw.starts_with('['),
            "{raw:?}: a colon but no port"
        ),
    }
    // Written back out, it reads the same; names match the input but for case and one trailing dot.
    let host = if a.host.contains(':') {
        format!("[{}]", a.host)
    } else {
        a.host.clone()
    };
    let written = match a.port {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    prop_assert_eq!(
        parse_host(&written),
        Some(a.clone()),
        "{:?} -> {:?}",
        raw,
        written
    );
    if !raw.starts_with('[') {
        let name = match a.port {
            Some(_) => raw.rsplit_once(':').map(|(n, _)| n).unwrap_or(raw),
            None => raw,
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        prop_assert!(name.eq_ignore_ascii_case(&a.host), "{raw:?} -> {a:?}");
    } else {
        let inner = &raw[1..raw.find(']').unwrap_or(raw.len())];
        prop_assert_eq!(
            inner.parse::<std::net::Ipv6Addr>().ok(),
            a.host.parse().ok(),
            "{:?}",
            raw
        );
    }
    Ok(())
}

fn check_origin(raw: &str) -> Result<(), TestCaseError> {
    let Some(o) = parse_origin(raw) else {
        return Ok(());
    };
    prop_assert!(o.scheme == "http" || o.scheme == "https", "{raw:?}");
    let (scheme, authority) = raw.split_once("://").unwrap_or(("", ""));
    prop_assert!(scheme.eq_ignore_ascii_case(&o.scheme), "{raw:?}");
    let a = parse_host(authority);
    prop_assert!(
        a.is_some(),
        "{raw:?}: the authority {authority:?} is no Host"
    );
    check_host(authority)?;
    prop_assert_eq!(
        parse_origin(&o.to_string()),
        Some(o.clone()),
        "{:?} -> {}",
        raw,
        o
    );
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(3000))]

    #[test]
    fn hosts_are_authorities_and_nothing_more(raw in host_header()) {
        check_host(&raw)?;
    }

    #[test]
    fn origins_are_scheme_host_and_port_and_nothing_more(raw in origin_header()) {
        check_origin(&raw)?;
    }
}

/// Found by the properties above: `0X` (upper-case hex prefix) passed as a name, while `0x` was refused.
#[test]
fn hex_forms_are_refused_in_either_case() {
    for raw in ["0x", "0X", "0X7F", "0x7f.0.0.1", "0X7F.0.0.1", "a.0Xff"] {
        assert_eq!(parse_host(raw), None, "{raw}");
    }
}
