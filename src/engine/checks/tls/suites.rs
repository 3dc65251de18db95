//! Cipher suites by IANA code: their names, and the lists the ClientHello probes offer (per protocol era and per
//! weakness).

/// IANA names of every suite a probe offers, so a server's choice can be named in evidence.
const NAMES: &[(u16, &str)] = &[
    (0x0001, "TLS_RSA_WITH_NULL_MD5"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA"),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA"),
    (0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA"),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"),
    (0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA"),
    (0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA"),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256"),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"),
    // 0x0060-0x0065: the 1024-bit export suites of an expired draft, still found in old OpenSSL builds.
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5"),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5"),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"),
    (0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA"),
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"),
    (0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"),
    (0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"),
    (0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"),
    (0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA"),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA"),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xC015, "TLS_ECDH_anon_WITH_NULL_SHA"),
    (0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA"),
    (0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"),
    (0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM"),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM"),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM"),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM"),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
];

/// The IANA name of a suite, or its code when the table does not know it.
pub fn name(code: u16) -> String {
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("0x{code:04X}"))
}

/// True for block ciphers in CBC mode (the target of BEAST and Lucky 13 under TLS 1.0 and 1.1).
pub fn is_cbc(code: u16) -> bool {
    name(code).contains("_CBC_")
}

/// What an SSL 3.0 client offered: no elliptic curves, no AEAD.
pub const SSL3_ERA: &[u16] = &[
    0x0039, 0x0038, 0x0035, 0x0033, 0x0032, 0x002F, 0x0088, 0x0087, 0x0084, 0x0045, 0x0044, 0x0041,
    0x0016, 0x0013, 0x000A, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009,
];

/// What a TLS 1.0 or 1.1 client offered: CBC suites (ECDHE first), 3DES and RC4.
pub const OLD_ERA: &[u16] = &[
    0xC00A, 0xC009, 0xC014, 0xC013, 0x0039, 0x0038, 0x0033, 0x0032, 0x0035, 0x002F, 0x0088, 0x0084,
    0x0045, 0x0041, 0xC008, 0xC012, 0x0016, 0x0013, 0x000A, 0xC007, 0xC011, 0x0005, 0x0004,
];

/// What a current client offers: the TLS 1.3 suites, then TLS 1.2 AEAD and CBC suites, 3DES last.
pub const MODERN: &[u16] = &[
    0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0x009E, 0x009F, 0xCCAA,
    0xC023, 0xC027, 0xC024, 0xC028, 0xC009, 0xC013, 0xC00A, 0xC014, 0x0067, 0x006B, 0x0033, 0x0039,
    0x009C, 0x009D, 0x003C, 0x003D, 0x002F, 0x0035, 0xC008, 0xC012, 0x0016, 0x000A,
];

/// Suites without encryption (authenticated, but sent in clear).
pub const NULL: &[u16] = &[
    0x0001, 0x0002, 0x003B, 0xC001, 0xC006, 0xC00B, 0xC010, 0xC015,
];

/// Suites without server authentication (anonymous Diffie-Hellman).
pub const ANON: &[u16] = &[
    0x00A6, 0x00A7, 0x006C, 0x006D, 0x0034, 0x003A, 0x0046, 0x0089, 0xC018, 0xC019, 0x001B, 0xC017,
    0x0018, 0xC016, 0x001A,
];

/// Export-grade suites (40- and 56-bit keys, 512-bit RSA and DH): FREAK and Logjam.
pub const EXPORT: &[u16] = &[
    0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019, 0x0060, 0x0061, 0x0062,
    0x0063, 0x0064, 0x0065,
];

/// RC4 suites (RFC 7465 prohibits them).
pub const RC4: &[u16] = &[0x0005, 0x0004, 0xC011, 0xC007, 0xC00C, 0xC002];

/// Suites with a 64-bit block cipher: 3DES (SWEET32) and single DES.
pub const DES: &[u16] = &[
    0xC012, 0xC008, 0x0016, 0x0013, 0x000A, 0xC00D, 0xC003, 0x0010, 0x000D, 0x0015, 0x0012, 0x0009,
    0x000F, 0x000C,
];

/// Suites with an ephemeral, authenticated key exchange (ECDHE, DHE): forward secrecy.
pub const FORWARD_SECRET: &[u16] = &[
    0xC02B, 0xC02C, 0xCCA9, 0xC0AC, 0xC0AD, 0xC023, 0xC024, 0xC072, 0xC073, 0xC009, 0xC00A, 0xC008,
    0xC007, 0xC02F, 0xC030, 0xCCA8, 0xC027, 0xC028, 0xC076, 0xC077, 0xC013, 0xC014, 0xC012, 0xC011,
    0x009E, 0x009F, 0xCCAA, 0xC09E, 0xC09F, 0x0067, 0x006B, 0x00BE, 0x00C4, 0x0033, 0x0039, 0x0045,
    0x0088, 0x0016, 0x00A2, 0x00A3, 0x0040, 0x006A, 0x0032, 0x0038, 0x0044, 0x0087, 0x0013,
];

/// Suites whose key exchange is the server's RSA key itself: no forward secrecy.
pub const STATIC_RSA: &[u16] = &[
    0x009C, 0x009D, 0xC09C, 0xC09D, 0x003C, 0x003D, 0x002F, 0x0035, 0x00BA, 0x00C0, 0x0041, 0x0084,
    0x000A, 0x0005, 0x0004, 0x0009,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_suite_has_a_name_and_lists_have_no_duplicates() {
        for list in [
            SSL3_ERA,
            OLD_ERA,
            MODERN,
            NULL,
            ANON,
            EXPORT,
            RC4,
            DES,
            FORWARD_SECRET,
            STATIC_RSA,
        ] {
            let mut seen = std::collections::HashSet::new();
            for code in list {
                assert!(!name(*code).starts_with("0x"), "0x{code:04X} has no name");
                assert!(seen.insert(code), "0x{code:04X} twice");
            }
        }
        assert_eq!(name(0x000A), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(name(0xBEEF), "0xBEEF");
        assert!(is_cbc(0xC013) && !is_cbc(0xC02F) && !is_cbc(0x0005));
    }

    #[test]
    fn the_categories_hold_what_their_names_say() {
        assert!(NULL.iter().all(|c| name(*c).contains("_NULL_")));
        assert!(ANON.iter().all(|c| name(*c).contains("_anon_")));
        assert!(EXPORT.iter().all(|c| name(*c).contains("EXPORT")));
        assert!(RC4.iter().all(|c| name(*c).contains("_RC4_")));
        assert!(DES.iter().all(|c| name(*c).contains("DES_")));
        assert!(
            FORWARD_SECRET
                .iter()
                .all(|c| name(*c).starts_with("TLS_ECDHE_") || name(*c).starts_with("TLS_DHE_"))
        );
        assert!(
            STATIC_RSA
                .iter()
                .all(|c| name(*c).starts_with("TLS_RSA_WITH_"))
        );
    }
}
