//! The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
//!
//! IPv4, ICMP, UDP and TCP all protect their bytes with the same checksum: the
//! 16-bit ones-complement of the ones-complement sum of the data taken as
//! big-endian 16-bit words (RFC 1071 §1). A receiver sums the data *with* the
//! checksum field in place; the result folds to `0xffff`, so its complement,
//! [`checksum`], is zero when the data is intact.
//!
//! ```
//! use simnet::wire::checksum;
//! let mut header = [0x45, 0x00, 0x00, 0x1c, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
//! let c = checksum::checksum(&header);
//! header[10..12].copy_from_slice(&c.to_be_bytes());
//! assert_eq!(checksum::checksum(&header), 0);
//! ```

use std::net::Ipv4Addr;

/// The ones-complement sum of `data` as big-endian 16-bit words, an odd
/// trailing byte padded with a zero byte (RFC 1071 §1, §4.1), folded to at
/// most `0xffff` but not yet complemented.
///
/// The value is congruent modulo `0xffff` to the plain sum of the words,
/// and equal to it whenever that sum is at most `0xffff`; it is zero only
/// for data that is all zero bytes. So sums can be added together before
/// [`fold`] (RFC 1071 §2(B), "commutative and associative"), and
/// `fold(a + sum(x))` is the checksum of the words of `a` and `x` together.
///
/// It adds the data eight bytes at a time in the machine's byte order and
/// swaps the bytes of the folded result (RFC 1071 §2(B): the sum is
/// independent of byte order, up to that swap), which is some five times
/// fewer instructions than word by word.
#[inline]
pub fn sum(data: &[u8]) -> u32 {
    // Two 128-bit accumulators of 64-bit words cannot overflow: that would
    // take 2^64 words.
    let word = |bytes: &[u8]| {
        let mut eight = [0u8; 8];
        eight[..bytes.len()].copy_from_slice(bytes);
        u128::from(u64::from_ne_bytes(eight))
    };
    let (mut a, mut b) = (0u128, 0u128);
    let mut blocks = data.chunks_exact(32);
    for block in &mut blocks {
        a += word(&block[0..8]) + word(&block[16..24]);
        b += word(&block[8..16]) + word(&block[24..32]);
    }
    let mut acc = a + b;
    let mut words = blocks.remainder().chunks_exact(8);
    for eight in &mut words {
        acc += word(eight);
    }
    // The tail, padded with zero bytes: a zero byte after an odd last byte
    // is the padding RFC 1071 asks for, and the rest add nothing.
    acc += word(words.remainder());
    // End-around carry (RFC 1071 §2(C)) down to 16 bits, halving the width
    // each step in a fixed number of steps: 128 bits to 64 (the carry out of
    // the top added back in), 64 to 32, 32 to 16. Each step keeps the value
    // congruent modulo 0xffff, and a sum that is not zero never folds to
    // zero.
    let (low, high) = (acc as u64, (acc >> 64) as u64);
    let (s64, carry) = low.overflowing_add(high);
    let s64 = s64 + u64::from(carry);
    let (s32, carry) = (s64 as u32).overflowing_add((s64 >> 32) as u32);
    let folded = carry_into_16(s32 + u32::from(carry));
    // Summed in the machine's byte order, `folded` is the big-endian sum
    // with its bytes swapped on a little-endian machine, and the sum itself
    // on a big-endian one.
    u32::from(u16::from_be(folded))
}

/// `s` folded to 16 bits by one end-around carry of its top half into its
/// bottom half (RFC 1071 §2(C)): the carry out of that addition is added
/// back, and cannot carry again.
#[inline(always)]
fn carry_into_16(s: u32) -> u16 {
    let (folded, carry) = (s as u16).overflowing_add((s >> 16) as u16);
    folded + u16::from(carry)
}

/// Folds the carries of a [`sum`] back into 16 bits and returns the
/// ones-complement of the result: the value for a checksum field (RFC 1071 §1).
#[inline]
pub fn fold(sum: u32) -> u16 {
    !carry_into_16(sum)
}

/// The Internet checksum of `data`: `fold(sum(data))`.
///
/// Zero when `data` includes a correct checksum field.
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    fold(sum(data))
}

/// The unfolded sum of the IPv4 pseudo-header that UDP (RFC 768) and TCP
/// (RFC 9293 §3.1) put in front of their own bytes when checksumming:
/// source address, destination address, a zero byte, the protocol number and
/// the UDP/TCP length.
#[inline]
pub fn pseudo_header_sum(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u16) -> u32 {
    let [s0, s1, s2, s3] = src.octets();
    let [d0, d1, d2, d3] = dst.octets();
    let words = [
        u16::from_be_bytes([s0, s1]),
        u16::from_be_bytes([s2, s3]),
        u16::from_be_bytes([d0, d1]),
        u16::from_be_bytes([d2, d3]),
        u16::from(protocol),
        length,
    ];
    words.iter().map(|&w| u32::from(w)).sum()
}

/// The checksum after one 16-bit word of the data changes from `old` to `new`,
/// without summing the data again: RFC 1624 §3, eqn. 3,
/// `HC' = ~(~HC + ~m + m')`.
///
/// Eqn. 3 (unlike RFC 1141's eqn. 2) never turns a checksum that should be
/// `0x0000` into `0xffff`; see RFC 1624 §4.
pub fn update_u16(checksum: u16, old: u16, new: u16) -> u16 {
    fold(u32::from(!checksum) + u32::from(!old) + u32::from(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to
    /// `ddf2` after folding.
    #[test]
    fn rfc1071_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        // The plain sum is 0x0002_ddf0; its carries fold in.
        assert_eq!(sum(&data), 0xddf2);
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(sum(&[0x12]), 0x1200);
        assert_eq!(sum(&[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
        assert_eq!(
            checksum(&[0x12, 0x34, 0x56]),
            checksum(&[0x12, 0x34, 0x56, 0])
        );
        assert_eq!(checksum(&[]), 0xffff);
    }

    /// The IPv4 header of the well-known worked example (Wikipedia, "Internet
    /// checksum"): 192.168.0.1 > 192.168.0.199, UDP, checksum field 0xb861.
    #[test]
    fn known_ipv4_header_verifies() {
        let header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&header), 0);
        let mut zeroed = header;
        zeroed[10] = 0;
        zeroed[11] = 0;
        assert_eq!(checksum(&zeroed), 0xb861);
        let mut corrupted = header;
        corrupted[19] ^= 0x01;
        assert_ne!(checksum(&corrupted), 0);
    }

    #[test]
    fn long_data_does_not_overflow() {
        let data = vec![0xff; 1 << 20];
        assert!(sum(&data) <= 0xffff);
        assert_eq!(checksum(&data), 0);
        let data = vec![0x01; 300_001];
        let mut words = vec![0x0101u32; 150_000];
        words.push(0x0100);
        let expected = fold(words.iter().fold(0u32, |a, &w| {
            let s = a + w;
            (s & 0xffff) + (s >> 16)
        }));
        assert_eq!(checksum(&data), expected);
    }

    /// The word-by-word sum of RFC 1071 §4.1, folded with end-around
    /// carries: what [`sum`] must equal, at every length and alignment.
    fn plain_sum(data: &[u8]) -> u32 {
        let mut acc: u64 = data
            .chunks(2)
            .map(|w| u64::from(w[0]) << 8 | w.get(1).copied().map_or(0, u64::from))
            .sum();
        while acc > 0xffff {
            acc = (acc & 0xffff) + (acc >> 16);
        }
        acc as u32
    }

    #[test]
    fn wide_sum_equals_word_by_word_sum() {
        let mut state: u32 = 7;
        let bytes: Vec<u8> = (0..3000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        for start in 0..9 {
            for len in (0..100).chain([1459, 1460, 1461, 1480, 2991 - start]) {
                let data = &bytes[start..start + len];
                assert_eq!(sum(data), plain_sum(data), "start {start} len {len}");
            }
        }
        for data in [
            vec![0xff; 70_001],
            vec![0; 77],
            vec![0xff, 0xff],
            vec![0, 1],
        ] {
            assert_eq!(sum(&data), plain_sum(&data));
        }
        assert_eq!(sum(&[0; 40]), 0, "zero only for zero bytes");
        assert_eq!(sum(&[0xff, 0xff, 0, 0]), 0xffff, "not zero for 0xffff");
    }

    /// `fold` in one step is RFC 1071's loop of end-around carries, for the
    /// sums where the carry itself carries (`0xffff_ffff`), the two zeros of
    /// ones-complement (`0`, `0xffff`) and a sweep of others.
    #[test]
    fn fold_in_one_step_is_the_carry_loop() {
        let looped = |mut s: u32| {
            while s > 0xffff {
                s = (s & 0xffff) + (s >> 16);
            }
            !(s as u16)
        };
        let edges = [
            0,
            1,
            0xfffe,
            0xffff,
            0x1_0000,
            0x1_fffe,
            0xffff_0000,
            u32::MAX,
        ];
        let sweep = (0..=u32::MAX).step_by(65_521);
        for s in edges.into_iter().chain(sweep) {
            assert_eq!(fold(s), looped(s), "sum {s:#x}");
        }
    }

    #[test]
    fn pseudo_header_matches_bytes() {
        let src = Ipv4Addr::new(192, 168, 1, 2);
        let dst = Ipv4Addr::new(10, 0, 0, 255);
        let bytes = [192, 168, 1, 2, 10, 0, 0, 255, 0, 17, 0x01, 0x2c];
        assert_eq!(fold(pseudo_header_sum(src, dst, 17, 300)), checksum(&bytes));
    }

    /// RFC 1624 §4: sum of the other words 0xcd7a, m = 0x5555 becomes
    /// m' = 0x3285; the correct new checksum is 0x0000 (eqn. 2 gives 0xffff).
    #[test]
    fn rfc1624_example_edge() {
        let hc = checksum(&[0xcd, 0x7a, 0x55, 0x55]);
        assert_eq!(hc, 0xdd2f);
        assert_eq!(update_u16(hc, 0x5555, 0x3285), 0x0000);
        assert_eq!(checksum(&[0xcd, 0x7a, 0x32, 0x85]), 0x0000);
    }

    /// Incremental update equals a full recompute for many words, including
    /// 0x0000 and 0xffff as old and new values.
    #[test]
    fn incremental_equals_recompute() {
        let mut state: u32 = 0x1234_5678;
        let mut next = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 16) as u16
        };
        let specials = [0x0000, 0xffff, 0x0001, 0xfffe, 0x8000];
        for round in 0..2000 {
            let mut words: Vec<u16> = (0..6).map(|_| next()).collect();
            if round % 3 == 0 {
                words[2] = specials[round % specials.len()];
            }
            let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
            let before = checksum(&bytes);
            let new = if round % 5 == 0 {
                specials[(round / 5) % specials.len()]
            } else {
                next()
            };
            let mut changed = words.clone();
            changed[2] = new;
            let bytes: Vec<u8> = changed.iter().flat_map(|w| w.to_be_bytes()).collect();
            assert_eq!(
                update_u16(before, words[2], new),
                checksum(&bytes),
                "words {words:04x?} -> {new:04x}"
            );
        }
    }
}
