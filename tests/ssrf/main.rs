//! Server-side request forgery, end to end: each test runs in a network namespace of its own (`unshare -rn`) where
//! the blocked addresses (10.0.0.1, 169.254.169.254, 100.64.0.1, 127.0.0.1, fd00::1, ::1) sit on loopback behind
//! listeners that count every connection, and drives every way a URL reaches palisade (targets, redirects, crawled
//! references, DNS answers, webhooks, schedules, monitors, the CLI, REST and MCP). Every bypass class must end with
//! zero connections at a blocked address, while a site on an allowed address does get the scanner's requests.

#[macro_use]
mod ns;
#[allow(dead_code)]
#[path = "../support/mcp.rs"]
mod mcp;
#[allow(dead_code)]
#[path = "../support/rest.rs"]
mod rest;
#[allow(dead_code)]
#[path = "../support/served.rs"]
mod served;
#[path = "../support/mod.rs"]
mod support;

mod dns;
mod fixture;
mod traps;

mod alerts;
mod controls;
mod crawl;
mod fronts;
mod literals;
mod names;
mod rebinding;
mod redirects;
