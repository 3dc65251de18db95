//! Property tests over the parsers that take untrusted text: the target parser, the `Host`/`Origin` parsers, the
//! baseline file parser and the MCP JSON-RPC framing. Each property runs a bounded number of generated cases (a few
//! thousand, seconds in a debug build) on every `cargo test`; set `PROPTEST_CASES` to run more. Inputs come from
//! structured strategies (the odd schemes, hosts, ports, encodings and shapes attackers try) and from arbitrary text.

mod authority;
mod baseline;
mod framing;
mod target;

use proptest::test_runner::Config;

/// `cases` cases (or `PROPTEST_CASES`), with no regression files written into the tree.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
