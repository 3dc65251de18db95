//! MurmurHash3, x86 32-bit variant: the hash Shodan and Nuclei use to fingerprint favicons.

/// MurmurHash3_x86_32 of `data` with `seed`.
pub(crate) fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        h ^= scramble(k, C1, C2);
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k |= u32::from(*b) << (8 * i);
        }
        h ^= scramble(k, C1, C2);
    }
    // The length is mixed in modulo 2^32, as the reference implementation's int does.
    h ^= data.len() as u32;
    fmix32(h)
}

fn scramble(k: u32, c1: u32, c2: u32) -> u32 {
    k.wrapping_mul(c1).rotate_left(15).wrapping_mul(c2)
}

fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The hash as Nuclei prints it: the 32 bits read as a signed integer, in decimal.
pub(crate) fn mmh3_signed(data: &[u8]) -> String {
    (murmur3_32(data, 0) as i32).to_string()
}
