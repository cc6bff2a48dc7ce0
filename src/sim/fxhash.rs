//! A fast, non-cryptographic hasher for the world's own lookup tables (the
//! multiply-rotate hash of rustc-hash). std's default SipHash resists
//! collision attacks nobody can mount on a simulation's timer keys, and cost
//! a few percent of a TCP run. Tables hashed with it are only looked up,
//! never iterated, so their order cannot reach a run (DESIGN.md,
//! principle 1).

use std::hash::{BuildHasher, Hasher};

/// Builds [`FxHasher`]s; use as `HashMap<K, V, FxBuild>`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxBuild;

impl BuildHasher for FxBuild {
    type Hasher = FxHasher;

    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

/// The hasher itself: each word is added, then multiplied by an odd constant.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher(u64);

/// rustc-hash's multiplier (an odd number with well-spread bits).
const K: u64 = 0xf135_7aea_2e62_a9c5;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = self.0.wrapping_add(word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The high bits pick a table's control bytes and the low ones its
    /// bucket, so every input bit must reach both. A multiplication only
    /// carries a bit upwards (keys that differ in their top bits, as two
    /// connections from one host differ in the port packed high in their
    /// key, would share a bucket), so the state is finished with
    /// MurmurHash3's `fmix64`, which mixes each bit into all others.
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn keys_hash_apart_and_maps_work() {
        let hash = |v: (u32, u64)| FxBuild.hash_one(v);
        assert_ne!(hash((1, 2)), hash((2, 1)));
        assert_eq!(hash((7, 9)), hash((7, 9)));
        let mut map: HashMap<(u32, u32), u32, FxBuild> = HashMap::default();
        for i in 0..1000 {
            map.insert((i % 7, i), i);
        }
        assert!((0..1000).all(|i| map.get(&(i % 7, i)) == Some(&i)));
        let mut h = FxHasher::default();
        h.write(b"abc");
        let mut g = FxHasher::default();
        g.write(b"abcd");
        assert_ne!(h.finish(), g.finish());
    }

    #[test]
    fn keys_differing_only_in_their_top_bits_spread_over_buckets() {
        // A 1024-bucket table picks the bucket by the low 10 bits and the
        // control byte by the top 7: both must vary.
        let hashes: Vec<u64> = (0..1024u128)
            .map(|port| FxBuild.hash_one(port << 112 | 0x0a00_0001))
            .collect();
        let buckets: std::collections::BTreeSet<u64> = hashes.iter().map(|h| h & 1023).collect();
        let tags: std::collections::BTreeSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(buckets.len() > 500, "{} buckets of 1024", buckets.len());
        assert!(tags.len() > 100, "{} tags of 128", tags.len());
    }
}
