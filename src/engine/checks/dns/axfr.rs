//! Zone transfers: each name server of the registrable domain is asked for an AXFR over TCP (through the guarded
//! connector, so the scope guard applies); a server that answers with records gives the whole zone to anyone. Only
//! the first message of the answer is read, then the connection is closed.

use super::resolve;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckFail, CheckResult};
use hickory_resolver::proto::op::{Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Name servers asked at most.
const MAX_SERVERS: usize = 4;
/// Records named in the evidence.
const SHOWN: usize = 6;

const RFC5936: &str = "https://www.rfc-editor.org/rfc/rfc5936";
const OWASP_AXFR: &str = "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/04-Enumerate_Applications_on_Webserver";

rule!(
    AXFR_OPEN,
    "dns.zone-transfer",
    High,
    Some(200),
    "DNS zone transfer (AXFR) allowed to anyone",
    "A name server of the domain answers a zone transfer request from any address, handing out every name in the \
     zone: internal hosts, staging and admin sites, mail and VPN servers, forgotten services. It is the map an \
     attacker would otherwise have to guess.",
    "Allow AXFR only to your secondary name servers, by address or TSIG key: `allow-transfer { 192.0.2.53; };` \
     (BIND), `allow-axfr-ips=` (PowerDNS), `provide-xfr:` with a key (NSD), or turn zone transfers off at your DNS \
     provider.",
    [RFC5936, OWASP_AXFR]
);

/// What one name server did with the request.
enum Transfer {
    /// It sent records: how many in the first message, and the first few.
    Open(usize, Vec<String>),
    /// It refused, sent nothing, or closed the connection.
    Denied,
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    let answer = resolve::query(ctx, &zone.domain, RecordType::NS).await?;
    let mut servers: Vec<String> = answer
        .records()
        .iter()
        .filter_map(|r| match &r.data {
            RData::NS(ns) => Some(ns.0.to_string().trim_end_matches('.').to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    servers.sort();
    servers.dedup();
    if servers.is_empty() {
        return Err(CheckFail::Skipped(format!(
            "{} has no NS records to ask",
            zone.domain
        )));
    }
    servers.truncate(MAX_SERVERS);
    let mut open = Vec::new();
    let mut failed = Vec::new();
    for server in &servers {
        match transfer(ctx, &zone.domain, server).await {
            Ok(Transfer::Open(n, shown)) => {
                open.push(format!("{server} sent {n} records: {}", shown.join("; ")))
            }
            Ok(Transfer::Denied) => {}
            Err(CheckFail::Skipped(why)) => return Err(CheckFail::Skipped(why)),
            Err(CheckFail::Errored(why)) => failed.push(format!("{server}: {why}")),
        }
    }
    if !open.is_empty() {
        let draft = ctx
            .finding(&AXFR_OPEN, format!("dns:{} AXFR", zone.domain))
            .evidence(format!("AXFR {}: {}", zone.domain, open.join(" | ")));
        ctx.report(draft).await;
        return Ok(());
    }
    match failed.first() {
        Some(first) => Err(CheckFail::Errored(format!(
            "{} of {} name servers could not be asked: {first}",
            failed.len(),
            servers.len()
        ))),
        None => Ok(()),
    }
}

/// Asks `server` for a transfer of `zone` and reads the first message of its answer, within the scan's timeout.
async fn transfer(ctx: &CheckCtx, zone: &str, server: &str) -> Result<Transfer, CheckFail> {
    let timeout = ctx.scan.settings.timeout;
    tokio::select! {
        _ = ctx.scan.cancel.cancelled() => Err(CheckFail::Skipped(crate::engine::registry::STOPPED.into())),
        r = tokio::time::timeout(timeout, exchange(ctx, zone, server)) => r.unwrap_or_else(|_| {
            Err(CheckFail::Errored(format!("no answer within {timeout:?}")))
        }),
    }
}

async fn exchange(ctx: &CheckCtx, zone: &str, server: &str) -> Result<Transfer, CheckFail> {
    let mut stream = ctx.scan.net.connector().connect(server, 53).await?;
    stream
        .write_all(&request(zone)?)
        .await
        .map_err(|e| CheckFail::Errored(format!("cannot send the request: {e}")))?;
    let mut len = [0u8; 2];
    if stream.read_exact(&mut len).await.is_err() {
        // Closing the connection without an answer is a common way to refuse.
        return Ok(Transfer::Denied);
    }
    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
    if stream.read_exact(&mut buf).await.is_err() {
        return Ok(Transfer::Denied);
    }
    Ok(read(&buf))
}

/// The AXFR request for `zone`, with its two-byte length prefix (RFC 1035 §4.2.2).
fn request(zone: &str) -> Result<Vec<u8>, CheckFail> {
    let name = Name::from_ascii(format!("{zone}."))
        .map_err(|e| CheckFail::Errored(format!("{zone} is not a DNS name: {e}")))?;
    let mut message = Message::query();
    message.metadata.recursion_desired = false;
    message.add_query(Query::query(name, RecordType::AXFR));
    let body = message
        .to_vec()
        .map_err(|e| CheckFail::Errored(format!("cannot encode the request: {e}")))?;
    let mut framed = (body.len() as u16).to_be_bytes().to_vec();
    framed.extend(body);
    Ok(framed)
}

/// What the first message of an AXFR answer says.
fn read(bytes: &[u8]) -> Transfer {
    let Ok(message) = Message::from_vec(bytes) else {
        return Transfer::Denied;
    };
    if message.metadata.response_code != ResponseCode::NoError || message.answers.is_empty() {
        return Transfer::Denied;
    }
    let shown = message
        .answers
        .iter()
        .take(SHOWN)
        .map(|r| {
            format!(
                "{} {}",
                r.name.to_string().trim_end_matches('.'),
                r.record_type()
            )
        })
        .collect();
    Transfer::Open(message.answers.len(), shown)
}
