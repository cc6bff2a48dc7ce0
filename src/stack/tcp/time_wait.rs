//! A connection waiting out TIME-WAIT, kept small.
//!
//! A busy host holds thousands of connections in TIME-WAIT (each lasts
//! 2 MSL, a minute), and all they may still do is answer a repeated FIN
//! and the odd stray segment (RFC 9293 §3.10.7.4, "TIME-WAIT STATE").
//! Linux swaps such a socket for a small `inet_timewait_sock`
//! (`tcp_time_wait`). Here [`Tcb::to_time_wait`] splits a connection into
//! a [`TimeWait`] record of the values that state can still read (120
//! bytes, where a `Tcb` takes 840) and a [`TimeWaitShape`] of those it
//! mostly shares with its host's other connections (configuration, buffer
//! sizes, options), which a table keeps once for all. When a segment
//! arrives, [`Tcb::from_time_wait`] rebuilds a `Tcb` that behaves exactly
//! as the original would, segment for segment and event for event, so the
//! state machine stays the one in `input.rs` and `timers.rs`, with no
//! second copy of its rules to keep in step. The end of 2 MSL, which every
//! such connection reaches, needs no rebuilding: its events are
//! [`TimeWait::expiry_events`].
//!
//! What the record leaves out is what TIME-WAIT never reads: the RTT
//! estimator and congestion control (nothing is sent but ACKs, and nothing
//! new is acknowledged), the SACK scoreboard (empty once everything is
//! acknowledged), the empty buffers. A connection is reduced only when
//! nothing is pending in it: no event, no queued RST or ACK, no timer but
//! 2 MSL, no byte held, no SACK recovery under way. The property in
//! `tests/time_wait.rs` drives the original and the rebuilt `Tcb` with the
//! same random segments and times and compares everything they do.

use crate::sim::SimTime;

use super::options::Negotiated;
use super::recv::RecvQueue;
use super::send::SendQueue;
use super::{Endpoints, SeqNum, State, Tcb, TcpConfig, TcpEvent};

/// What a connection in TIME-WAIT still reads and shares with few others
/// or none: its ends, sequence spaces, windows and timestamps, and two
/// deadlines. What it likely shares with the host's other connections is
/// in its [`TimeWaitShape`]. Build both with [`Tcb::to_time_wait`];
/// [`Tcb::from_time_wait`] gives the connection back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeWait {
    ends: Endpoints,
    iss: SeqNum,
    irs: SeqNum,
    /// SND.UNA, which is SND.NXT and SND.MAX too: our FIN is acknowledged.
    snd_una: SeqNum,
    snd_wnd: u32,
    snd_wl1: SeqNum,
    snd_wl2: SeqNum,
    max_snd_wnd: u32,
    send_start: SeqNum,
    rcv_nxt: SeqNum,
    rcv_adv: SeqNum,
    ack_sent_upto: SeqNum,
    rcv_ssthresh: u32,
    ts_offset: u32,
    /// Bytes received in order, the peer's FIN just after them.
    received: u64,
    close_at: SimTime,
    last_oow_ack: Option<SimTime>,
    ts_recent: Option<(u32, SimTime)>,
}

impl TimeWait {
    /// The connection's ends.
    pub fn ends(&self) -> Endpoints {
        self.ends
    }

    /// When 2 MSL ends: the connection's one deadline.
    pub fn close_at(&self) -> SimTime {
        self.close_at
    }

    /// What the whole `Tcb` reports when its 2 MSL ends (`on_time` at
    /// [`TimeWait::close_at`] or later): the timer, then CLOSED. It sends
    /// nothing and arms no timer after them, so a table can forget the
    /// record without making the connection whole again.
    pub fn expiry_events() -> [TcpEvent; 2] {
        [
            TcpEvent::TimerExpired { which: "time-wait" },
            TcpEvent::StateChange {
                from: State::TimeWait,
                to: State::Closed,
            },
        ]
    }
}

/// What a connection in TIME-WAIT still reads that the host's other
/// connections mostly share: its configuration, buffer sizes, MSS,
/// negotiated options and counters that are back at zero. A table keeps
/// each distinct shape once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWaitShape {
    config: TcpConfig,
    send_capacity: usize,
    recv_capacity: usize,
    recv_max_wnd: u32,
    mss: u32,
    retries: u32,
    probes_out: u32,
    persist_backoff: u32,
    /// The options settled, without the per-connection timestamp state.
    opts: Negotiated,
    passive: bool,
    was_established: bool,
    app_closed: bool,
    nodelay: bool,
    window_closed: bool,
    fin_received: bool,
}

impl Tcb {
    /// This connection as a [`TimeWait`] record and its shape, if it is in
    /// TIME-WAIT with nothing pending (see the module documentation);
    /// `None` otherwise, and it stays a whole `Tcb`.
    pub fn to_time_wait(&self) -> Option<(TimeWait, TimeWaitShape)> {
        let quiet = self.state == State::TimeWait
            && self.events.is_empty()
            && self.rst_out.is_empty()
            && self.error.is_none()
            && !self.ack_now
            && !self.rexmit_head
            && !self.probe_pending
            && self.dsack.is_none()
            && self.rto_at.is_none()
            && self.persist_at.is_none()
            && self.ack_at.is_none()
            && self.snd_nxt == self.snd_una
            && self.snd_max == self.snd_una
            && self.recv.fin_at == Some(self.recv.received)
            && !self.in_sack_recovery();
        if !quiet {
            return None;
        }
        let close_at = self.close_at?;
        let (send_capacity, send_start) = self.send.drained_after_fin()?;
        let (recv_capacity, recv_max_wnd) = self.recv.drained()?;
        let record = TimeWait {
            ends: self.ends,
            iss: self.iss,
            irs: self.irs,
            snd_una: self.snd_una,
            snd_wnd: self.snd_wnd,
            snd_wl1: self.snd_wl1,
            snd_wl2: self.snd_wl2,
            max_snd_wnd: self.max_snd_wnd,
            send_start,
            rcv_nxt: self.rcv_nxt,
            rcv_adv: self.rcv_adv,
            ack_sent_upto: self.ack_sent_upto,
            rcv_ssthresh: self.rcv_ssthresh,
            ts_offset: self.opts.ts_offset,
            received: self.recv.received,
            close_at,
            last_oow_ack: self.last_oow_ack,
            ts_recent: self.opts.ts_recent,
        };
        let shape = TimeWaitShape {
            config: self.config,
            send_capacity,
            recv_capacity,
            recv_max_wnd,
            mss: self.mss,
            retries: self.retries,
            probes_out: self.probes_out,
            persist_backoff: self.persist_backoff,
            opts: Negotiated {
                ts_recent: None,
                ts_offset: 0,
                ..self.opts
            },
            passive: self.passive,
            was_established: self.was_established,
            app_closed: self.app_closed,
            nodelay: self.nodelay,
            window_closed: self.window_closed,
            fin_received: self.fin_received,
        };
        Some((record, shape))
    }

    /// The connection `record` and `shape` were made from: in TIME-WAIT,
    /// and from here on indistinguishable from the original. What the
    /// record leaves out is as in a new connection.
    pub fn from_time_wait(record: &TimeWait, shape: &TimeWaitShape) -> Tcb {
        let (r, s) = (record, shape);
        let mut tcb = Tcb::new(r.ends, r.iss.0, s.config, s.passive);
        tcb.state = State::TimeWait;
        tcb.was_established = s.was_established;
        tcb.app_closed = s.app_closed;
        tcb.nodelay = s.nodelay;
        tcb.snd_una = r.snd_una;
        tcb.snd_nxt = r.snd_una;
        tcb.snd_max = r.snd_una;
        tcb.snd_wnd = r.snd_wnd;
        tcb.snd_wl1 = r.snd_wl1;
        tcb.snd_wl2 = r.snd_wl2;
        tcb.max_snd_wnd = r.max_snd_wnd;
        tcb.mss = s.mss;
        tcb.send = SendQueue::from_drained(s.send_capacity, r.send_start);
        tcb.irs = r.irs;
        tcb.rcv_nxt = r.rcv_nxt;
        tcb.rcv_adv = r.rcv_adv;
        tcb.ack_sent_upto = r.ack_sent_upto;
        tcb.window_closed = s.window_closed;
        tcb.rcv_ssthresh = r.rcv_ssthresh;
        tcb.recv = RecvQueue::from_drained(
            s.recv_capacity,
            s.recv_max_wnd,
            r.received,
            Some(r.received),
        );
        tcb.fin_received = s.fin_received;
        tcb.close_at = Some(r.close_at);
        tcb.last_oow_ack = r.last_oow_ack;
        tcb.retries = s.retries;
        tcb.probes_out = s.probes_out;
        tcb.persist_backoff = s.persist_backoff;
        tcb.opts = Negotiated {
            ts_recent: r.ts_recent,
            ts_offset: r.ts_offset,
            ..s.opts
        };
        // The RTT estimator, congestion control and SACK scoreboard stay
        // as a new connection's: TIME-WAIT never reads them, as nothing is
        // in flight and nothing new can be acknowledged.
        tcb
    }
}
