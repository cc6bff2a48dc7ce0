//! Seeded random streams, one per component.
//!
//! Every random choice in a run comes from a ChaCha stream keyed by the run's
//! seed and by a stable name of the component that draws from it (a link
//! direction such as `link pc1.eth0>sw1.eth0`). Adding a host or a link
//! elsewhere does not shift what any other component draws, and the same seed
//! always draws the same numbers (DESIGN.md, principle 1).

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// A deterministic random stream for one component of a run.
#[derive(Clone, Debug)]
pub struct RngStream(ChaCha8Rng);

impl RngStream {
    /// The stream of component `component` in the run seeded with `seed`.
    pub fn new(seed: u64, component: &str) -> RngStream {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stable_hash(component));
        RngStream(rng)
    }

    /// The next 32 uniformly random bits.
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// The next 64 uniformly random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform float in `[0, 1)`, from the top 53 bits of one draw.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`. A probability of zero or less draws
    /// nothing, so a lossless link leaves its stream untouched.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.next_f64() < p
    }
}

/// FNV-1a, 64-bit: a hash of a component's name that is the same on every
/// machine and every build (unlike `std`'s randomly keyed hasher).
pub fn stable_hash(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_name_give_the_same_stream() {
        let mut a = RngStream::new(7, "link a>b");
        let mut b = RngStream::new(7, "link a>b");
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
    }

    #[test]
    fn names_and_seeds_separate_streams() {
        let first = |seed, name| RngStream::new(seed, name).next_u64();
        assert_ne!(first(7, "link a>b"), first(7, "link b>a"));
        assert_ne!(first(7, "link a>b"), first(8, "link a>b"));
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn chance_respects_its_probability() {
        let mut rng = RngStream::new(1, "test");
        assert!(!(0..1000).any(|_| rng.chance(0.0)));
        assert!((0..1000).all(|_| rng.chance(1.0)));
        let hits = (0..10_000).filter(|_| rng.chance(0.3)).count();
        assert!(
            (2700..3300).contains(&hits),
            "{hits} hits of 10000 at p=0.3"
        );
    }
}
