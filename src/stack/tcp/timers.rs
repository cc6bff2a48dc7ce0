//! Timers: retransmission (RFC 6298), persist (zero-window probes), delayed
//! ACK, TIME-WAIT and the orphan's FIN-WAIT-2 timeout. Each is a deadline in
//! the `Tcb`; the host calls `on_time` when the earliest, `poll_at`, is due.

use std::time::Duration;

use crate::sim::SimTime;

use super::{RetransmitCause, State, Tcb, TcpError, TcpEvent};

/// Persist backoff stops doubling after this many probes (the interval is
/// capped at `max_rto` long before).
const MAX_PERSIST_BACKOFF: u32 = 16;

impl Tcb {
    /// The earliest time `on_time` must be called, or `None` if no timer is
    /// armed. Read it after `dispatch`.
    pub fn poll_at(&self) -> Option<SimTime> {
        // Branch-free: every connection asks after every segment it sends
        // or takes in, and which timers are armed changes all the time.
        let timers = [self.rto_at, self.persist_at, self.ack_at, self.close_at];
        let armed = timers.iter().fold(false, |any, t| any | t.is_some());
        let nanos = |t: &Option<SimTime>| t.map_or(u64::MAX, SimTime::as_nanos);
        let earliest = timers.iter().map(nanos).fold(u64::MAX, u64::min);
        armed.then_some(SimTime::from_nanos(earliest))
    }

    /// Whether the only deadline left is the 2 MSL (or orphan FIN-WAIT-2)
    /// timeout: no other timer can be armed again before it expires, so
    /// the host's one timer event for the connection can be moved straight
    /// to it rather than fire early for nothing.
    pub fn waits_only_to_close(&self) -> bool {
        self.close_at.is_some()
            && self.rto_at.is_none()
            && self.persist_at.is_none()
            && self.ack_at.is_none()
    }

    /// Fire the timers due at `now`: the 2 MSL (or FIN-WAIT-2) timeout, the
    /// retransmission timer (SYN or data), the persist timer, the
    /// delayed-ACK timer. Then call `dispatch` to send what they decided.
    pub fn on_time(&mut self, now: SimTime, events: &mut Vec<TcpEvent>) {
        if self.close_at.is_some_and(|t| t <= now) {
            self.close_at = None;
            let which = if self.state == State::TimeWait {
                "time-wait"
            } else {
                "fin-wait-2"
            };
            self.events.push(TcpEvent::TimerExpired { which });
            self.set_state(State::Closed);
        }
        if self.rto_at.is_some_and(|t| t <= now) {
            self.rto_at = None;
            self.events.push(TcpEvent::TimerExpired {
                which: "retransmission",
            });
            self.retransmission_timeout(now);
        }
        if self.persist_at.is_some_and(|t| t <= now) {
            self.persist_at = None;
            self.events
                .push(TcpEvent::TimerExpired { which: "persist" });
            self.persist_timeout(now);
        }
        if self.ack_at.is_some_and(|t| t <= now) {
            self.ack_at = None;
            self.events.push(TcpEvent::TimerExpired {
                which: "delayed ack",
            });
            self.ack_now = true;
        }
        self.update_timers(now);
        self.flush_events(events);
    }

    /// The retransmission timer expired (RFC 6298 §5.4–5.6): back off the
    /// RTO and send the earliest unacknowledged segment again, or give up.
    ///
    /// Before the handshake completes the SYN (or SYN-ACK) is resent,
    /// `syn_retries` times. After it, SND.NXT goes back to SND.UNA
    /// (go-back-N, with cwnd at one segment: RFC 5681 §3.1), `data_retries`
    /// times without progress; then the connection fails with
    /// [`TcpError::TimedOut`], without a RST (as Linux).
    fn retransmission_timeout(&mut self, now: SimTime) {
        let syn = matches!(self.state, State::SynSent | State::SynReceived);
        if !syn && !self.state.is_synchronized() {
            return;
        }
        let limit = if syn {
            self.config.syn_retries
        } else {
            self.config.data_retries
        };
        if self.retries >= limit {
            self.fail(TcpError::TimedOut);
            return;
        }
        self.retries += 1;
        self.rtt.back_off();
        self.rtt_timing = None; // Karn: no sample from what is resent
        if syn {
            self.events.push(TcpEvent::Retransmit {
                seq: self.iss.0,
                len: 0,
                why: RetransmitCause::SynTimeout,
            });
            self.snd_nxt = self.iss;
        } else {
            let flight = self.snd_max.since(self.snd_una);
            self.cc.on_timeout(flight, self.snd_max, &mut self.events);
            let len = self.send.end().since(self.snd_una).min(self.mss);
            self.events.push(TcpEvent::Retransmit {
                seq: self.snd_una.0,
                len: len as usize,
                why: RetransmitCause::Timeout,
            });
            self.snd_nxt = self.snd_una;
            self.rexmit_head = false;
        }
        self.rto_at = Some(now + self.rtt.rto());
        self.events.push(TcpEvent::TimerSet {
            which: "retransmission",
            after: self.rtt.rto(),
            backoff: self.retries,
        });
    }

    /// The persist timer expired: probe the peer's window (see
    /// `send_probe`), back off, and give up after `data_retries` probes
    /// the peer did not answer at all (Linux's `tcp_probe_timer`; a peer
    /// that keeps ACKing with a zero window is waited for forever).
    fn persist_timeout(&mut self, now: SimTime) {
        if self.probes_out >= self.config.data_retries {
            self.fail(TcpError::TimedOut);
            return;
        }
        self.probes_out += 1;
        if self.snd_wnd == 0 {
            if self.snd_nxt.lt(self.snd_max) {
                self.events.push(TcpEvent::Retransmit {
                    seq: self.snd_nxt.0,
                    len: usize::from(self.snd_nxt.lt(self.send.end())),
                    why: RetransmitCause::Probe,
                });
            } else {
                self.events.push(TcpEvent::ZeroWindowProbe);
            }
        }
        self.probe_pending = true;
        self.persist_backoff = (self.persist_backoff + 1).min(MAX_PERSIST_BACKOFF);
        self.start_persist_timer(now);
    }

    /// Arm the persist timer for the current (backed-off) interval. It is
    /// reported by `dispatch` ([`Tcb::report_persist_timer`]): between a
    /// segment's arrival and `dispatch` the timer may be armed for a moment
    /// (everything acknowledged, data waiting) that the data then sent ends.
    fn start_persist_timer(&mut self, now: SimTime) {
        self.persist_at = Some(now + self.persist_interval());
    }

    /// Report the persist timer if `dispatch` leaves it armed anew.
    pub(super) fn report_persist_timer(&mut self, now: SimTime) {
        if self.persist_at == self.persist_reported {
            return;
        }
        self.persist_reported = self.persist_at;
        if let Some(at) = self.persist_at {
            self.events.push(TcpEvent::TimerSet {
                which: "persist",
                after: at.saturating_since(now),
                backoff: self.persist_backoff,
            });
        }
    }

    /// RTO doubled for each probe sent, up to `max_rto` (Linux's
    /// `tcp_probe0_when`).
    fn persist_interval(&self) -> Duration {
        self.rtt
            .rto()
            .saturating_mul(1 << self.persist_backoff)
            .min(self.config.max_rto)
    }

    /// Arm or stop the retransmission and persist timers to match what is
    /// outstanding: the retransmission timer runs while anything sent is
    /// unacknowledged (RFC 6298 5.1, 5.2), the persist timer while data (or
    /// a FIN) waits and nothing is in flight to bring an ACK. An orphan in
    /// FIN-WAIT-2 gets its timeout.
    pub(super) fn update_timers(&mut self, now: SimTime) {
        match self.state {
            State::Closed | State::Listen => return,
            State::SynSent | State::SynReceived => {
                if self.snd_nxt != self.snd_una && self.rto_at.is_none() {
                    self.rto_at = Some(now + self.rtt.rto());
                }
                return;
            }
            _ => {}
        }
        let in_flight = self.snd_nxt != self.snd_una;
        let unsent = self.snd_nxt.lt(self.send.end())
            || self.send.fin_seq().is_some_and(|fin| self.snd_nxt.le(fin));
        if in_flight {
            self.persist_at = None;
            if self.rto_at.is_none() {
                self.rto_at = Some(now + self.rtt.rto());
            }
        } else {
            self.rto_at = None;
            if unsent {
                if self.persist_at.is_none() {
                    self.start_persist_timer(now);
                }
            } else {
                self.persist_at = None;
                self.persist_backoff = 0;
            }
        }
        if self.state == State::FinWait2 && self.app_closed && self.close_at.is_none() {
            let after = self.config.fin_wait2_timeout;
            self.close_at = Some(now + after);
            self.events.push(TcpEvent::TimerSet {
                which: "fin-wait-2",
                after,
                backoff: 0,
            });
        }
    }

    /// Enter TIME-WAIT for 2 MSL (RFC 9293 §3.10.7.4; `time_wait`).
    pub(super) fn enter_time_wait(&mut self, now: SimTime) {
        self.set_state(State::TimeWait);
        self.rto_at = None;
        self.persist_at = None;
        self.start_time_wait_timer(now);
        // Only the state for answering a repeated FIN is needed now (Linux
        // swaps the socket for a small `inet_timewait_sock`): the buffers'
        // memory goes back, as thousands of connections may wait here.
        self.send.release_if_empty();
        self.recv.release_if_empty();
        self.scratch = Vec::new();
    }

    /// Start (or restart, when the peer's FIN comes again) the 2 MSL timer
    /// of TIME-WAIT (RFC 9293 §3.10.7.4, "TIME-WAIT STATE").
    pub(super) fn start_time_wait_timer(&mut self, now: SimTime) {
        let after = self.config.time_wait;
        self.close_at = Some(now + after);
        self.events.push(TcpEvent::TimerSet {
            which: "time-wait",
            after,
            backoff: 0,
        });
    }

    /// Whether our FIN has been sent and acknowledged.
    pub(super) fn fin_acked(&self) -> bool {
        self.send
            .fin_seq()
            .is_some_and(|fin| self.snd_una == fin + 1)
    }
}
