//! `std::time::Instant`, on both backends: virtual time inside a simulated
//! process, the monotonic clock anywhere else.

use std::ops::{Add, Sub};
use std::time::Duration;

use crate::sim::process::{syscall, Reply, Syscall};
use crate::sim::SimTime;

/// A point in time, as `std::time::Instant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Clock);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Clock {
    Sim(SimTime),
    Real(std::time::Instant),
}

impl Instant {
    /// Now: virtual time in a simulated process, real time elsewhere.
    pub fn now() -> Instant {
        match syscall(Syscall::Now) {
            Some(Reply::Time(t)) => Instant(Clock::Sim(t)),
            _ => Instant(Clock::Real(std::time::Instant::now())),
        }
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later (or from
    /// the other clock, which cannot be compared).
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        match (self.0, earlier.0) {
            (Clock::Sim(a), Clock::Sim(b)) => a.saturating_since(b),
            (Clock::Real(a), Clock::Real(b)) => a.saturating_duration_since(b),
            _ => Duration::ZERO,
        }
    }

    /// Time since this instant.
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        match self.0 {
            Clock::Sim(t) => Instant(Clock::Sim(t + d)),
            Clock::Real(t) => Instant(Clock::Real(t + d)),
        }
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.duration_since(earlier)
    }
}
