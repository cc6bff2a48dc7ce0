//! Congestion control: RFC 5681 (slow start, congestion avoidance, fast
//! retransmit, fast recovery) with the NewReno modification (RFC 6582), or,
//! when SACK is in use, RFC 6675's loss recovery: cwnd is set to ssthresh
//! once on entering recovery and kept until it ends, while the sender
//! sends as `pipe` (the `sack` module's estimate of what is in flight)
//! allows, instead of inflating cwnd for each duplicate ACK.
//!
//! All quantities are bytes. An event reports cwnd and ssthresh at every
//! change of phase, every loss and every change of ssthresh: entering slow
//! start (at the handshake, after a timeout), entering congestion
//! avoidance, entering fast recovery, each partial ACK in it, leaving it,
//! and each growth of cwnd in congestion avoidance (one SMSS per round
//! trip). Slow start grows cwnd on every ACK, which would print one line per
//! ACK of a bulk transfer: it is summarised, one event each time cwnd has
//! doubled since the last one (about once per round trip). In fast recovery
//! each further duplicate ACK inflates cwnd by one SMSS: the duplicate ACK's
//! own event carries the new cwnd.

use super::sack::DUP_THRESH;
use super::{SeqNum, TcpEvent};

/// Where the sender is in RFC 5681's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// cwnd < ssthresh: cwnd grows by up to one SMSS per ACK (§3.1).
    SlowStart,
    /// cwnd >= ssthresh: cwnd grows by about one SMSS per RTT (§3.1).
    Avoidance,
    /// After a fast retransmit, until all data outstanding then is
    /// acknowledged (§3.2, RFC 6582 §3.2).
    Recovery,
}

/// What the sender must do after an ACK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Nothing special: send what the windows allow.
    Proceed,
    /// Retransmit the first unacknowledged segment now (the third
    /// duplicate ACK, or a NewReno partial ACK).
    RetransmitHead,
}

/// The congestion state of one connection.
#[derive(Clone, Debug)]
pub(super) struct Congestion {
    /// SMSS: the sender's maximum segment size.
    mss: u32,
    /// The congestion window.
    pub(super) cwnd: u32,
    /// The slow start threshold.
    pub(super) ssthresh: u32,
    /// Duplicate ACKs in a row.
    pub(super) dupacks: u32,
    /// RFC 6582's `recover`, kept as one past the highest sequence number
    /// sent when recovery (or a timeout) began: an ACK at or beyond it
    /// acknowledges everything that was outstanding then.
    recover: SeqNum,
    pub(super) phase: Phase,
    /// Bytes acknowledged in congestion avoidance since cwnd last grew.
    bytes_acked: u32,
    /// cwnd in the last event: slow start reports again once cwnd doubles.
    reported: u32,
    /// Recovery follows RFC 6675 (SACK) rather than RFC 6582 (NewReno).
    pub(super) sack: bool,
}

/// cwnd never grows beyond this: the largest window a peer can offer
/// (65535 << 14), and far from overflowing.
const CWND_CAP: u32 = 1 << 30;

impl Congestion {
    /// Slow start from the initial window, with ssthresh "arbitrarily high"
    /// (RFC 5681 §3.1): `ssthresh`, the largest window the peer can
    /// advertise. `iss` initialises `recover` (RFC 6582 §3.2 step 1);
    /// `sack` chooses RFC 6675 recovery.
    pub(super) fn new(mss: u32, iss: SeqNum, ssthresh: u32, sack: bool) -> Congestion {
        let mss = mss.max(1);
        let cwnd = initial_window(mss);
        Congestion {
            mss,
            cwnd,
            ssthresh,
            dupacks: 0,
            recover: iss,
            phase: Phase::SlowStart,
            bytes_acked: 0,
            reported: cwnd,
            sack,
        }
    }

    /// The event describing the current state, labelled `why`.
    pub(super) fn event(&self, why: &'static str) -> TcpEvent {
        TcpEvent::Congestion {
            cwnd: self.cwnd,
            ssthresh: self.ssthresh,
            why,
        }
    }

    /// Push the event describing the current state, labelled `why`.
    fn report(&mut self, why: &'static str, events: &mut Vec<TcpEvent>) {
        self.reported = self.cwnd;
        events.push(self.event(why));
    }

    /// An ACK of new data: `acked` bytes, cumulative ACK `ack`, and `flight`
    /// bytes still outstanding after it.
    pub(super) fn on_new_ack(
        &mut self,
        acked: u32,
        ack: SeqNum,
        flight: u32,
        events: &mut Vec<TcpEvent>,
    ) -> Verdict {
        self.dupacks = 0;
        match self.phase {
            Phase::Recovery if self.sack && ack.ge(self.recover) => {
                // RFC 6675 §5: recovery ends when RecoveryPoint is
                // acknowledged; cwnd has stayed at ssthresh throughout.
                self.cwnd = self.ssthresh.max(self.mss);
                self.bytes_acked = 0;
                self.phase = Phase::Avoidance;
                self.report("left SACK recovery, congestion avoidance", events);
                Verdict::Proceed
            }
            // RFC 6675: a partial ACK changes nothing but the scoreboard.
            Phase::Recovery if self.sack => Verdict::Proceed,
            Phase::Recovery if ack.ge(self.recover) => {
                // Full ACK (RFC 6582 §3.2 step 3, option 1): deflate to
                // min(ssthresh, max(FlightSize, SMSS) + SMSS), no burst.
                self.cwnd = self.ssthresh.min(flight.max(self.mss) + self.mss);
                self.bytes_acked = 0;
                let why = if self.cwnd < self.ssthresh {
                    self.phase = Phase::SlowStart;
                    "left fast recovery, slow start"
                } else {
                    self.phase = Phase::Avoidance;
                    "left fast recovery, congestion avoidance"
                };
                self.report(why, events);
                Verdict::Proceed
            }
            Phase::Recovery => {
                // Partial ACK (RFC 6582 §3.2 step 3): the next hole is lost
                // too. Retransmit it, deflate cwnd by the data acknowledged,
                // add one SMSS back if at least one SMSS was acknowledged.
                self.cwnd = self.cwnd.saturating_sub(acked);
                if acked >= self.mss {
                    self.cwnd += self.mss;
                }
                self.cwnd = self.cwnd.max(self.mss);
                self.report("partial ack", events);
                Verdict::RetransmitHead
            }
            Phase::SlowStart => {
                self.recover = self.recover.max(ack);
                // RFC 5681 §3.1 (2): cwnd += min(N, SMSS).
                self.cwnd = (self.cwnd + acked.min(self.mss)).min(CWND_CAP);
                if self.cwnd >= self.ssthresh {
                    self.phase = Phase::Avoidance;
                    self.bytes_acked = 0;
                    self.report("congestion avoidance", events);
                } else if self.cwnd >= self.reported.saturating_mul(2) {
                    self.report("slow start", events);
                }
                Verdict::Proceed
            }
            Phase::Avoidance => {
                self.recover = self.recover.max(ack);
                // RFC 5681 §3.1, byte counting: one SMSS per cwnd of data
                // acknowledged, i.e. per round trip.
                self.bytes_acked = self.bytes_acked.saturating_add(acked);
                if self.bytes_acked >= self.cwnd {
                    self.bytes_acked -= self.cwnd;
                    self.cwnd = (self.cwnd + self.mss).min(CWND_CAP);
                    self.report("congestion avoidance", events);
                }
                Verdict::Proceed
            }
        }
    }

    /// A duplicate ACK (RFC 5681 §2's definition, checked by the caller) of
    /// `snd_una`, with data sent up to `snd_max`. Reports it, with the
    /// inflated cwnd when in fast recovery.
    pub(super) fn on_dupack(
        &mut self,
        snd_una: SeqNum,
        snd_max: SeqNum,
        events: &mut Vec<TcpEvent>,
    ) -> Verdict {
        self.dupacks = self.dupacks.saturating_add(1);
        let (ack, count) = (snd_una.0, self.dupacks);
        if self.phase == Phase::Recovery {
            // RFC 5681 §3.2 step 4: each further duplicate ACK means a
            // segment left the network: inflate cwnd by one SMSS.
            self.cwnd = (self.cwnd + self.mss).min(CWND_CAP);
            self.reported = self.cwnd;
            events.push(TcpEvent::DupAck {
                ack,
                count,
                cwnd: Some(self.cwnd),
            });
            return Verdict::Proceed;
        }
        events.push(TcpEvent::DupAck {
            ack,
            count,
            cwnd: None,
        });
        // RFC 6582 §3.2 step 1: enter fast retransmit only if the ACK covers
        // `recover`, so that the duplicate ACKs a go-back-N retransmission
        // after a timeout provokes do not halve cwnd again.
        if self.dupacks != 3 || snd_una.lt(self.recover) {
            return Verdict::Proceed;
        }
        // RFC 5681 §3.2 steps 2 and 3, equation (4).
        let flight = snd_max.since(snd_una);
        self.ssthresh = (flight / 2).max(2 * self.mss);
        self.cwnd = self.ssthresh + 3 * self.mss;
        self.recover = snd_max;
        self.phase = Phase::Recovery;
        self.report("fast recovery", events);
        Verdict::RetransmitHead
    }

    /// An ACK SACKed data not SACKed before (RFC 6675 §2's duplicate
    /// acknowledgment) while `snd_una` is unacknowledged and data is sent
    /// up to `snd_max`. `head_lost`: the scoreboard deems the first
    /// unacknowledged byte lost (`IsLost(HighACK + 1)`). Outside recovery
    /// this counts DupAcks and, on the third or once the head is lost,
    /// enters loss recovery (RFC 6675 §5 step 4): RecoveryPoint = HighData,
    /// ssthresh = cwnd = max(FlightSize / 2, 2 SMSS). As with NewReno, not
    /// before `recover` is acknowledged (after a timeout).
    pub(super) fn on_sack_dupack(
        &mut self,
        snd_una: SeqNum,
        snd_max: SeqNum,
        head_lost: bool,
        events: &mut Vec<TcpEvent>,
    ) -> Verdict {
        if self.phase == Phase::Recovery {
            return Verdict::Proceed;
        }
        self.dupacks = self.dupacks.saturating_add(1);
        events.push(TcpEvent::DupAck {
            ack: snd_una.0,
            count: self.dupacks,
            cwnd: None,
        });
        if (self.dupacks < DUP_THRESH && !head_lost) || snd_una.lt(self.recover) {
            return Verdict::Proceed;
        }
        let flight = snd_max.since(snd_una);
        self.ssthresh = (flight / 2).max(2 * self.mss);
        self.cwnd = self.ssthresh;
        self.recover = snd_max;
        self.phase = Phase::Recovery;
        self.report("SACK recovery", events);
        Verdict::RetransmitHead
    }

    /// The retransmission timer expired with `flight` bytes outstanding and
    /// data sent up to `snd_max` (RFC 5681 §3.1 equations (4) and after:
    /// ssthresh = max(FlightSize/2, 2*SMSS), cwnd = LW = 1 SMSS; RFC 6582
    /// §3.2: `recover` = the highest sequence number sent).
    pub(super) fn on_timeout(&mut self, flight: u32, snd_max: SeqNum, events: &mut Vec<TcpEvent>) {
        self.ssthresh = (flight / 2).max(2 * self.mss);
        self.cwnd = self.mss;
        self.recover = snd_max;
        self.dupacks = 0;
        self.bytes_acked = 0;
        self.phase = Phase::SlowStart;
        self.report("timeout", events);
    }
}

/// The initial window, RFC 5681 §3.1 (from RFC 3390):
/// min(4*SMSS, max(2*SMSS, 4380 bytes)).
pub(super) fn initial_window(mss: u32) -> u32 {
    (4 * mss).min((2 * mss).max(4380))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_window_per_rfc3390() {
        assert_eq!(initial_window(1460), 4380); // 3 segments
        assert_eq!(initial_window(536), 2144); // 4 segments
        assert_eq!(initial_window(4000), 8000); // 2 segments
    }

    #[test]
    fn slow_start_then_avoidance() {
        let mut ev = Vec::new();
        let mut c = Congestion::new(1000, SeqNum(0), 65_535, false);
        c.ssthresh = 6000;
        assert_eq!(c.cwnd, 4000);
        c.on_new_ack(1000, SeqNum(1001), 0, &mut ev);
        assert_eq!(c.cwnd, 5000);
        // At most one SMSS per ACK, however much it acknowledges.
        c.on_new_ack(3000, SeqNum(4001), 0, &mut ev);
        assert_eq!((c.cwnd, c.phase), (6000, Phase::Avoidance));
        assert_eq!(ev, vec![c.event("congestion avoidance")]);
        // One SMSS per cwnd acknowledged.
        for i in 0..6 {
            c.on_new_ack(1000, SeqNum(5001 + i * 1000), 0, &mut ev);
        }
        assert_eq!(c.cwnd, 7000);
    }
}
