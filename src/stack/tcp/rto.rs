//! The retransmission timeout (RFC 6298).
//!
//! One segment at a time is timed (the host has no timestamp option): the
//! `Tcb` notes when a segment of new data left and takes a sample when an ACK
//! covers it, never from a retransmitted segment (Karn's rule, RFC 6298 §3).
//! Arithmetic is on integer nanoseconds, so it is deterministic.

use std::time::Duration;

use super::TcpConfig;

/// The clock granularity G of RFC 6298 (2.2, 2.3): virtual time counts
/// nanoseconds.
const CLOCK_GRANULARITY: Duration = Duration::from_nanos(1);

/// SRTT, RTTVAR and the current RTO (RFC 6298 §2).
#[derive(Clone, Debug)]
pub(super) struct RttEstimator {
    srtt: Option<Duration>,
    rttvar: Duration,
    /// The current RTO, backed off (doubled) by each timeout.
    rto: Duration,
    min_rto: Duration,
    max_rto: Duration,
}

impl RttEstimator {
    /// Before any sample the RTO is `initial_rto` (RFC 6298 2.1).
    pub(super) fn new(config: &TcpConfig) -> RttEstimator {
        RttEstimator {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: config.initial_rto.min(config.max_rto),
            min_rto: config.min_rto,
            max_rto: config.max_rto,
        }
    }

    /// Take a measurement R and recompute the RTO, which also ends any
    /// backoff (RFC 6298 2.2, 2.3, 5.7 and Karn's rule). Returns
    /// (SRTT, RTTVAR, RTO).
    ///
    /// The first sample sets SRTT = R and RTTVAR = R/2; later ones use
    /// alpha = 1/8 and beta = 1/4: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
    /// then SRTT = 7/8 SRTT + 1/8 R. RTO = SRTT + max(G, 4 RTTVAR), clamped
    /// to [min_rto, max_rto] (2.4, 2.5).
    ///
    /// (Linux differs a little: it applies its 200 ms minimum to the
    /// variance term rather than to the sum, so its RTO is about
    /// SRTT + 200 ms on a steady path. The formula here is the RFC's.)
    pub(super) fn sample(&mut self, r: Duration) -> (Duration, Duration, Duration) {
        let (srtt, rttvar) = match self.srtt {
            None => (r, r / 2),
            Some(srtt) => {
                let delta = srtt.abs_diff(r);
                let rttvar = (self.rttvar.saturating_mul(3) + delta) / 4;
                let srtt = (srtt.saturating_mul(7) + r) / 8;
                (srtt, rttvar)
            }
        };
        self.srtt = Some(srtt);
        self.rttvar = rttvar;
        let rto = srtt.saturating_add(CLOCK_GRANULARITY.max(rttvar.saturating_mul(4)));
        self.rto = rto.clamp(self.min_rto, self.max_rto.max(self.min_rto));
        (srtt, rttvar, self.rto)
    }

    /// Double the RTO after a timeout, up to `max_rto` (RFC 6298 5.5).
    pub(super) fn back_off(&mut self) {
        self.rto = self.rto.saturating_mul(2).min(self.max_rto);
    }

    /// The timeout to arm the retransmission timer with.
    pub(super) fn rto(&self) -> Duration {
        self.rto
    }

    /// The smoothed round-trip time, once there is a sample.
    pub(super) fn srtt(&self) -> Option<Duration> {
        self.srtt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn first_sample_and_smoothing_follow_rfc6298() {
        let mut e = RttEstimator::new(&TcpConfig::default());
        assert_eq!(e.rto(), ms(1000));
        // R = 100 ms: SRTT 100, RTTVAR 50, RTO 100 + 200 = 300 ms.
        assert_eq!(e.sample(ms(100)), (ms(100), ms(50), ms(300)));
        // R = 200 ms: RTTVAR = 3/4*50 + 1/4*100 = 62.5; SRTT = 112.5;
        // RTO = 112.5 + 250 = 362.5 ms.
        let (srtt, rttvar, rto) = e.sample(ms(200));
        assert_eq!(srtt, Duration::from_micros(112_500));
        assert_eq!(rttvar, Duration::from_micros(62_500));
        assert_eq!(rto, Duration::from_micros(362_500));
    }

    #[test]
    fn min_clamp_and_backoff_cap() {
        let mut e = RttEstimator::new(&TcpConfig::default());
        // A 10 ms path: 10 + 20 = 30 ms, clamped up to 200 ms.
        assert_eq!(e.sample(ms(10)).2, ms(200));
        for _ in 0..20 {
            e.back_off();
        }
        assert_eq!(e.rto(), Duration::from_secs(120));
        // A fresh sample ends the backoff.
        assert_eq!(e.sample(ms(10)).2, ms(200));
    }
}
