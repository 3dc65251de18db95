//! The scope guard: which IP addresses the scanner may connect to, decided on every resolved address at connect time.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is blocked by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    /// A public, routable address: always allowed.
    Public,
    Loopback,
    Private,
    SharedNat,
    LinkLocal,
    Multicast,
    Unspecified,
    Reserved,
}

impl AddrClass {
    fn describe(self) -> &'static str {
        match self {
            AddrClass::Public => "public",
            AddrClass::Loopback => "a loopback address",
            AddrClass::Private => "a private-network address",
            AddrClass::SharedNat => "a carrier-grade NAT address",
            AddrClass::LinkLocal => "a link-local address (cloud metadata services live here)",
            AddrClass::Multicast => "a multicast or broadcast address",
            AddrClass::Unspecified => "an unspecified address",
            AddrClass::Reserved => "a reserved or documentation address",
        }
    }

    /// Whether `--allow-private` opens this class. Link-local (cloud metadata) needs an explicit CIDR.
    fn opened_by_allow_private(self) -> bool {
        matches!(
            self,
            AddrClass::Loopback | AddrClass::Private | AddrClass::SharedNat
        )
    }

    /// Classes no setting can open: connecting to them is never a scan of a site.
    fn never_allowed(self) -> bool {
        matches!(self, AddrClass::Multicast | AddrClass::Unspecified)
    }
}

/// A connection the scope guard refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct ScopeError {
    /// The host name (or literal) that was asked for.
    pub host: String,
    /// The address it resolved to.
    pub addr: IpAddr,
    pub class: AddrClass,
}

impl ScopeError {
    fn what(&self) -> String {
        if self.host == self.addr.to_string() {
            format!("{} is {}", self.addr, self.class.describe())
        } else {
            format!(
                "{} resolves to {}, {}",
                self.host,
                self.addr,
                self.class.describe()
            )
        }
    }

    fn message(&self) -> String {
        let cidr = IpNet::from(self.addr);
        let fix = if self.class.never_allowed() {
            "it can never be scanned".to_string()
        } else if self.class.opened_by_allow_private() {
            format!(
                "to scan it on purpose, pass --allow-private or --allow {cidr} (scope.allow in palisade.toml)"
            )
        } else {
            format!("to scan it on purpose, pass --allow {cidr} (scope.allow in palisade.toml)")
        };
        format!("out of scope: {}; {fix}", self.what())
    }

    /// The message for something `palisade serve` will contact later (a schedule's targets, a webhook): the
    /// server's own settings must open the range, so the fix names them rather than a flag of one command.
    pub fn server_message(&self) -> String {
        let cidr = IpNet::from(self.addr);
        if self.class.never_allowed() {
            return format!("out of scope: {}; it can never be contacted", self.what());
        }
        let private = if self.class.opened_by_allow_private() {
            " (or scope.allow_private = true)"
        } else {
            ""
        };
        format!(
            "out of scope: {}; palisade serve contacts it only if its settings allow it: put scope.allow = [\"{cidr}\"]{private} \
             in the palisade.toml this command and palisade serve read, or set PALISADE_SCOPE_ALLOW={cidr} for both",
            self.what()
        )
    }
}

/// Decides whether an address may be contacted.
#[derive(Debug, Clone, Default)]
pub struct ScopeGuard {
    allow_private: bool,
    allow: Vec<IpNet>,
}

impl ScopeGuard {
    /// A guard that blocks every non-public range except those opened by `allow_private` and `allow`.
    pub fn new(allow_private: bool, allow: Vec<IpNet>) -> ScopeGuard {
        ScopeGuard {
            allow_private,
            allow,
        }
    }

    /// Checks one resolved address of `host`.
    pub fn check(&self, host: &str, addr: IpAddr) -> Result<(), ScopeError> {
        let addr = canonical(addr);
        let class = classify(addr);
        let allowed = match class {
            AddrClass::Public => true,
            c if c.never_allowed() => false,
            c => {
                (self.allow_private && c.opened_by_allow_private())
                    || self.allow.iter().any(|n| n.contains(&addr))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(ScopeError {
                host: host.to_string(),
                addr,
                class,
            })
        }
    }

    /// Checks every address; a host that resolves to any blocked address is refused.
    pub fn check_all(&self, host: &str, addrs: &[IpAddr]) -> Result<(), ScopeError> {
        addrs.iter().try_for_each(|a| self.check(host, *a))
    }
}

/// Unwraps IPv4-mapped IPv6 (`::ffff:a.b.c.d`) so it is judged as the IPv4 address it is.
pub fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// Classifies an address into the ranges the design blocks by default.
pub fn classify(addr: IpAddr) -> AddrClass {
    match canonical(addr) {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let o = ip.octets();
    match o {
        [0, ..] => AddrClass::Unspecified,
        [127, ..] => AddrClass::Loopback,
        [10, ..] | [192, 168, ..] => AddrClass::Private,
        [172, b, ..] if (16..32).contains(&b) => AddrClass::Private,
        [100, b, ..] if (64..128).contains(&b) => AddrClass::SharedNat,
        [169, 254, ..] => AddrClass::LinkLocal,
        [a, ..] if (224..240).contains(&a) => AddrClass::Multicast,
        [255, 255, 255, 255] => AddrClass::Multicast,
        [a, ..] if a >= 240 => AddrClass::Reserved,
        [192, 0, 0, _]
        | [192, 0, 2, _]
        | [192, 88, 99, _]
        | [198, 51, 100, _]
        | [203, 0, 113, _] => AddrClass::Reserved,
        [198, b, ..] if b == 18 || b == 19 => AddrClass::Reserved,
        _ => AddrClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    let s = ip.segments();
    if ip.is_unspecified() {
        return AddrClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddrClass::Loopback;
    }
    // The local-use NAT64 prefix (64:ff9b:1::/48, RFC 8215) translates into networks of the operator's own.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        return AddrClass::Private;
    }
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return classify_v4(Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32));
    }
    if s[0] == 0x2002 {
        return classify_v4(Ipv4Addr::from(((s[1] as u32) << 16) | s[2] as u32));
    }
    match s[0] {
        x if x & 0xfe00 == 0xfc00 => AddrClass::Private,
        x if x & 0xffc0 == 0xfe80 => AddrClass::LinkLocal,
        x if x & 0xffc0 == 0xfec0 => AddrClass::Private,
        x if x & 0xff00 == 0xff00 => AddrClass::Multicast,
        // IPv4-compatible (::/96), discard (100::/64), IETF protocol assignments (2001::/23), documentation.
        0 => AddrClass::Reserved,
        0x100 if s[1..4] == [0, 0, 0] => AddrClass::Reserved,
        0x2001 if s[1] < 0x200 || s[1] == 0xdb8 => AddrClass::Reserved,
        0x3fff if s[1] < 0x1000 => AddrClass::Reserved,
        _ => AddrClass::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_every_non_public_range_by_default() {
        let guard = ScopeGuard::default();
        for blocked in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.169.254",
            "224.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "240.0.0.1",
            "192.0.2.5",
            "203.0.113.7",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::a00:1",
            "2002:c0a8:0101::1",
            "2001:db8::1",
        ] {
            assert!(
                guard.check("h", ip(blocked)).is_err(),
                "{blocked} should be blocked"
            );
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "172.32.0.1",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(
                guard.check("h", ip(public)).is_ok(),
                "{public} should be allowed"
            );
        }
    }

    #[test]
    fn allow_private_opens_private_ranges_but_not_metadata() {
        let guard = ScopeGuard::new(true, vec![]);
        for ok in [
            "127.0.0.1",
            "10.0.0.1",
            "192.168.0.1",
            "::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(guard.check("h", ip(ok)).is_ok(), "{ok}");
        }
        let err = guard
            .check("metadata.test", ip("169.254.169.254"))
            .unwrap_err();
        assert_eq!(err.class, AddrClass::LinkLocal);
        assert!(
            err.to_string().contains("--allow 169.254.169.254/32"),
            "{err}"
        );
    }

    #[test]
    fn an_allowed_cidr_names_exactly_what_it_opens() {
        let guard = ScopeGuard::new(
            false,
            vec![
                "169.254.169.254/32".parse().unwrap(),
                "10.1.0.0/16".parse().unwrap(),
            ],
        );
        assert!(guard.check("h", ip("169.254.169.254")).is_ok());
        assert!(guard.check("h", ip("::ffff:169.254.169.254")).is_ok());
        assert!(guard.check("h", ip("10.1.200.3")).is_ok());
        assert!(guard.check("h", ip("10.2.0.1")).is_err());
        assert!(guard.check("h", ip("169.254.169.253")).is_err());
    }

    #[test]
    fn unspecified_and_multicast_stay_closed_whatever_the_settings() {
        let guard = ScopeGuard::new(
            true,
            vec!["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()],
        );
        assert!(guard.check("h", ip("0.0.0.0")).is_err());
        assert!(guard.check("h", ip("239.1.1.1")).is_err());
        assert!(guard.check("h", ip("::")).is_err());
    }

    #[test]
    fn error_names_host_address_and_setting() {
        let err = ScopeGuard::default()
            .check("lab.test", ip("127.0.0.1"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lab.test resolves to 127.0.0.1, a loopback address"),
            "{err}"
        );
        assert!(err.contains("--allow-private"), "{err}");
        let err = ScopeGuard::default()
            .check("127.0.0.1", ip("127.0.0.1"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("out of scope: 127.0.0.1 is a loopback address"),
            "{err}"
        );
    }
}
