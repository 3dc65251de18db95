//! SSH and FTP: services that greet first. SSH's identification line is read and nothing is sent; FTP's greeting is
//! read, then `FEAT` (which lists the extensions, TLS among them, without a login) and `QUIT`.

use super::Exposure;
use super::probe::talk;
use super::rules::{FTP_OPEN, SSH_OPEN};
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::model::Severity;

/// The SSH identification line (`SSH-2.0-OpenSSH_9.6p1 Ubuntu-3`), which may follow other lines of text.
fn ssh_ident(greeting: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(greeting);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("SSH-"))?;
    let mut parts = line.splitn(3, '-');
    let (_, proto, software) = (parts.next()?, parts.next()?, parts.next()?);
    (matches!(proto, "2.0" | "1.99" | "1.5") && !software.is_empty())
        .then(|| line.chars().take(120).collect())
}

/// True once `buf` holds an SSH identification line (servers may send other lines before it).
fn ident_done(buf: &[u8]) -> bool {
    String::from_utf8_lossy(buf)
        .split_inclusive('\n')
        .any(|l| l.starts_with("SSH-") && l.ends_with('\n'))
}

pub(super) async fn ssh(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let greeting = talk(ctx, host, port, async |w| w.read_until(ident_done).await).await?;
    let Some(ident) = ssh_ident(&greeting) else {
        return Ok(None);
    };
    let software = ident.splitn(3, '-').nth(2).unwrap_or_default();
    Ok(Some(Exposure::new(
        &SSH_OPEN,
        format!("SSH is reachable from the internet ({software})"),
        format!("connected to port {port}; the server identified itself as \"{ident}\""),
    )))
}

/// The last line of a complete FTP reply (`220 ready`, after any `220-` continuation lines).
fn final_line(buf: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(buf);
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(str::trim)
        .find(|l| {
            l.len() >= 4
                && l.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && l.as_bytes()[3] == b' '
        })
        .map(str::to_string)
}

fn reply_done(buf: &[u8]) -> bool {
    final_line(buf).is_some()
}

pub(super) async fn ftp(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let (greeting, features) = talk(ctx, host, port, async |w| {
        let greeting = w.read_until(reply_done).await?;
        let ready = final_line(&greeting).is_some_and(|l| l.starts_with("220 "));
        if !ready {
            return Ok((None, None));
        }
        let features = match w.send(b"FEAT\r\n").await {
            Ok(()) => w.read_until(reply_done).await.ok(),
            Err(_) => None,
        };
        let _ = w.send(b"QUIT\r\n").await;
        Ok((final_line(&greeting), features))
    })
    .await?;
    let Some(greeting) = greeting else {
        return Ok(None);
    };
    let shown: String = greeting.chars().take(120).collect();
    let mut found = Exposure::new(
        &FTP_OPEN,
        FTP_OPEN.title.to_string(),
        format!("connected to port {port}; greeting \"{shown}\""),
    );
    let tls = features.as_deref().map(|f| {
        String::from_utf8_lossy(f)
            .lines()
            .any(|l| l.trim().to_ascii_uppercase().starts_with("AUTH TLS"))
    });
    match tls {
        Some(true) => {
            found.evidence += "; FEAT lists AUTH TLS (TLS is offered, maybe not required)"
        }
        _ => {
            found.evidence +=
                "; FEAT does not list AUTH TLS: logins cross the network in clear text";
            found.severity = Some(Severity::Low);
            found.title = "FTP without TLS is reachable from the internet".into();
        }
    }
    Ok(Some(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_identification() {
        assert_eq!(
            ssh_ident(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n").as_deref(),
            Some("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5")
        );
        assert!(ident_done(b"welcome\r\nSSH-2.0-dropbear\r\n"));
        assert!(!ident_done(b"SSH-2.0-drop"));
        assert_eq!(ssh_ident(b"HTTP/1.1 400 Bad Request\r\n"), None);
        assert_eq!(ssh_ident(b"SSH-9-x\r\n"), None);
    }

    #[test]
    fn ftp_replies_end_at_their_final_line() {
        let multi = b"220-Welcome\r\n220-to the server\r\n220 ready\r\n";
        assert_eq!(final_line(multi).as_deref(), Some("220 ready"));
        assert_eq!(final_line(b"220-Welcome\r\n"), None);
        assert_eq!(final_line(b"220 rea"), None);
        let feat = b"211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n";
        assert_eq!(final_line(feat).as_deref(), Some("211 End"));
    }
}
