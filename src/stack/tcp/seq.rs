//! Sequence numbers: 32-bit counters that wrap (RFC 9293 §3.4).
//!
//! Two sequence numbers are compared by the sign of their difference taken
//! modulo 2^32 as a signed 32-bit number: `a < b` when `b` is less than 2^31
//! ahead of `a`. That is why `SeqNum` has no `Ord`: the relation is not
//! transitive around the whole circle, only within half of it, which is
//! all TCP ever needs (windows are at most 2^16 here).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A TCP sequence (or acknowledgment) number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// `self - other` as a signed distance (wrapping, RFC 9293 §3.4).
    pub fn diff(self, other: SeqNum) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }

    /// `self < other` modulo 2^32.
    pub fn lt(self, other: SeqNum) -> bool {
        self.diff(other) < 0
    }

    /// `self <= other` modulo 2^32.
    pub fn le(self, other: SeqNum) -> bool {
        self.diff(other) <= 0
    }

    /// `self > other` modulo 2^32.
    pub fn gt(self, other: SeqNum) -> bool {
        self.diff(other) > 0
    }

    /// `self >= other` modulo 2^32.
    pub fn ge(self, other: SeqNum) -> bool {
        self.diff(other) >= 0
    }

    /// The later of the two.
    pub fn max(self, other: SeqNum) -> SeqNum {
        if self.ge(other) {
            self
        } else {
            other
        }
    }

    /// The earlier of the two.
    pub fn min(self, other: SeqNum) -> SeqNum {
        if self.le(other) {
            self
        } else {
            other
        }
    }

    /// How far `self` is ahead of `earlier`, or 0 if it is not ahead.
    pub fn since(self, earlier: SeqNum) -> u32 {
        if self.ge(earlier) {
            self.0.wrapping_sub(earlier.0)
        } else {
            0
        }
    }

    /// `start <= self < end` modulo 2^32 (an empty range holds nothing).
    pub fn in_range(self, start: SeqNum, end: SeqNum) -> bool {
        self.ge(start) && self.lt(end)
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(n))
    }
}

impl AddAssign<u32> for SeqNum {
    fn add_assign(&mut self, n: u32) {
        *self = *self + n;
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    fn sub(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(n))
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_wrap_around_zero() {
        let a = SeqNum(u32::MAX - 10);
        let b = a + 20; // wrapped past zero
        assert_eq!(b, SeqNum(9));
        assert!(a.lt(b) && a.le(b) && b.gt(a) && b.ge(a));
        assert!(!b.lt(a) && !a.gt(b));
        assert_eq!(b.diff(a), 20);
        assert_eq!(a.diff(b), -20);
        assert_eq!(b.since(a), 20);
        assert_eq!(a.since(b), 0);
        assert_eq!(a.max(b), b);
        assert_eq!(a.min(b), a);
        assert!((a + 5).in_range(a, b));
        assert!(!b.in_range(a, b));
        assert_eq!(b - 20, a);
    }

    #[test]
    fn half_the_circle_apart_is_the_limit() {
        let a = SeqNum(0);
        assert!(a.lt(SeqNum(0x7fff_ffff)));
        // Exactly 2^31 apart, each is "before" the other; further ahead
        // reads as behind: comparisons only mean something within half the
        // sequence space.
        assert!(a.lt(SeqNum(0x8000_0000)) && SeqNum(0x8000_0000).lt(a));
        assert!(a.gt(SeqNum(0x8000_0001)));
    }
}
