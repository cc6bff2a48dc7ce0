//! Reproducible pseudo-random words for the wire tests' sweeps of field
//! values (a linear congruential generator: no quality needed, only that
//! every bit of a field varies).

/// Words from seed `seed`, a different one at each call.
pub(crate) fn words(seed: u32) -> impl FnMut() -> u32 {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        state
    }
}
