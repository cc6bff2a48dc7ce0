//! What a connection reports for the trace: each event becomes one line.

use std::fmt;
use std::time::Duration;

use super::{State, TcpError};

/// Why a segment was sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetransmitCause {
    /// The retransmission timer expired (RFC 6298 §5).
    Timeout,
    /// Three duplicate ACKs (RFC 5681 §3.2).
    FastRetransmit,
    /// A partial ACK during NewReno fast recovery (RFC 6582 §3.2).
    PartialAck,
    /// SACK-based loss recovery found the segment lost: the peer's SACK
    /// blocks cover enough data above it (RFC 6675 §4, `IsLost` and
    /// `NextSeg`).
    Sack,
    /// The SYN (or SYN-ACK) went unanswered for an RTO.
    SynTimeout,
    /// A zero-window probe sent again (the previous one was not accepted).
    Probe,
}

impl fmt::Display for RetransmitCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RetransmitCause::Timeout => "timeout",
            RetransmitCause::FastRetransmit => "fast retransmit",
            RetransmitCause::PartialAck => "partial ack",
            RetransmitCause::Sack => "sack recovery",
            RetransmitCause::SynTimeout => "SYN timeout",
            RetransmitCause::Probe => "probe",
        })
    }
}

/// Something a learner should see happen inside a connection.
#[derive(Clone, Debug, PartialEq)]
pub enum TcpEvent {
    /// The connection moved from one state to another (RFC 9293 §3.3.2).
    StateChange {
        /// The state before.
        from: State,
        /// The state after.
        to: State,
    },
    /// A segment is about to be sent again.
    Retransmit {
        /// Its first sequence number.
        seq: u32,
        /// Its data length (0 for a lone SYN or FIN).
        len: usize,
        /// Why.
        why: RetransmitCause,
    },
    /// The congestion window or threshold changed phase, or a loss was
    /// detected (see the `congestion` module for when exactly).
    Congestion {
        /// The congestion window, in bytes.
        cwnd: u32,
        /// The slow start threshold, in bytes.
        ssthresh: u32,
        /// What happened: "slow start" (at the handshake, then each time
        /// slow start has doubled cwnd), "congestion avoidance" (entered,
        /// then each growth), "fast recovery" (entered), "partial ack",
        /// "left fast recovery, slow start", "left fast recovery,
        /// congestion avoidance" or "timeout".
        why: &'static str,
    },
    /// A round-trip time was measured (RFC 6298 §2).
    RttSample {
        /// The smoothed RTT after the sample.
        srtt: Duration,
        /// The RTT variation after the sample.
        rttvar: Duration,
        /// The new retransmission timeout.
        rto: Duration,
    },
    /// The application read, and we are about to tell the peer our receive
    /// window opened (RFC 9293 §3.8.6.2.2).
    WindowUpdate {
        /// The window we will advertise, in bytes (before scaling).
        window: u32,
    },
    /// The peer's advertised window closed to zero, or opened again from
    /// zero.
    PeerWindow {
        /// The peer's window now, in bytes (scaled).
        window: u32,
    },
    /// The peer's SYN asked for a window shift above 14: 14 is used
    /// instead (RFC 7323 §2.3).
    ShiftTooLarge {
        /// The shift it asked for.
        shift: u8,
    },
    /// PAWS dropped a segment whose timestamp is older than the last one
    /// kept (RFC 7323 §5.3): an old duplicate. An ACK answers it.
    PawsDrop {
        /// The segment's TSval.
        tsval: u32,
        /// TS.recent.
        recent: u32,
    },
    /// In SACK recovery, data sent after a retransmission arrived before
    /// it: the retransmission of `seq` was lost too, and goes again.
    RetransmissionLost {
        /// The resent segment's first sequence number.
        seq: u32,
    },
    /// An ACK owed to an out-of-window segment (or a challenge ACK) was not
    /// sent: one went less than 500 ms ago (RFC 5961 §7).
    AckRateLimited,
    /// The peer's SACK blocks told of data received beyond a gap: bytes
    /// SACKed in all now, and how many ranges (RFC 2018, RFC 6675 §3).
    Sacked {
        /// Bytes above SND.UNA the peer holds.
        bytes: u32,
        /// Separate ranges of them.
        ranges: usize,
    },
    /// The persist timer fired with the peer's window at zero: a probe is
    /// about to go (RFC 9293 §3.8.6.1).
    ZeroWindowProbe,
    /// A timer fired: "retransmission", "persist", "delayed ack",
    /// "time-wait" or "fin-wait-2".
    TimerExpired {
        /// Which timer.
        which: &'static str,
    },
    /// Data arrived beyond a gap and was kept for reassembly.
    OutOfOrder {
        /// Its first sequence number.
        seq: u32,
        /// Its length.
        len: usize,
    },
    /// A segment carried nothing new (already received, or outside the
    /// window) and was dropped; an ACK answers it.
    Duplicate {
        /// Its first sequence number.
        seq: u32,
        /// Its length.
        len: usize,
    },
    /// An ACK repeated the previous one (RFC 5681 §2).
    DupAck {
        /// The acknowledgment number.
        ack: u32,
        /// How many duplicates in a row so far.
        count: u32,
        /// In fast recovery: cwnd after this duplicate inflated it by one
        /// SMSS (RFC 5681 §3.2 step 4).
        cwnd: Option<u32>,
    },
    /// A timer worth seeing was started: TIME-WAIT's 2 MSL ("time-wait"),
    /// an orphan's FIN-WAIT-2 timeout ("fin-wait-2"), the persist timer
    /// ("persist"), or the retransmission timer again after it expired
    /// ("retransmission", with the backed-off RTO). The retransmission
    /// timer restarted by each ACK and the delayed-ACK timer are not
    /// reported when set, only when they expire: a bulk transfer would
    /// print one line per segment.
    TimerSet {
        /// Which timer.
        which: &'static str,
        /// When it fires, from now.
        after: Duration,
        /// How many times its interval has doubled (RFC 6298 5.5 for the
        /// RTO; the persist timer backs off the same way); 0 for none.
        backoff: u32,
    },
    /// Our receive buffer is full: the window we advertise fell to zero,
    /// and the peer must wait (probing) until we read (RFC 9293 §3.8.6.1).
    WindowClosed,
    /// We are sending a RST.
    ResetSent {
        /// Why: e.g. "closed with unread data".
        why: &'static str,
    },
    /// The connection failed: the error the application will see.
    Failed {
        /// The error.
        error: TcpError,
    },
}

fn ms(d: Duration) -> String {
    format!("{:.3}ms", d.as_secs_f64() * 1e3)
}

/// A timer's interval: in seconds from one second up, else in ms.
fn span(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.3}s", d.as_secs_f64())
    } else {
        ms(d)
    }
}

/// In tcpdump-ish words, e.g. `SYN-SENT -> ESTABLISHED`,
/// `retransmit seq 1001 len 1460 (timeout)`.
impl fmt::Display for TcpEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpEvent::StateChange { from, to } => write!(f, "{from} -> {to}"),
            TcpEvent::Retransmit { seq, len, why } => {
                write!(f, "retransmit seq {seq} len {len} ({why})")
            }
            TcpEvent::Congestion {
                cwnd,
                ssthresh,
                why,
            } => write!(f, "cwnd {cwnd} ssthresh {ssthresh} ({why})"),
            TcpEvent::RttSample { srtt, rttvar, rto } => write!(
                f,
                "rtt srtt {} rttvar {} rto {}",
                ms(*srtt),
                ms(*rttvar),
                ms(*rto)
            ),
            TcpEvent::WindowUpdate { window } => write!(f, "window update win {window}"),
            TcpEvent::PeerWindow { window: 0 } => write!(f, "peer window closed (win 0)"),
            TcpEvent::PeerWindow { window } => write!(f, "peer window opened (win {window})"),
            TcpEvent::ShiftTooLarge { shift } => {
                write!(f, "peer's window scale {shift} is above 14: using 14")
            }
            TcpEvent::PawsDrop { tsval, recent } => write!(
                f,
                "PAWS: TS val {tsval} is older than TS.recent {recent}, segment dropped"
            ),
            TcpEvent::Sacked { bytes, ranges } => {
                write!(
                    f,
                    "peer has {bytes} bytes beyond the gap ({ranges} ranges SACKed)"
                )
            }
            TcpEvent::RetransmissionLost { seq } => write!(
                f,
                "retransmission of seq {seq} lost: data sent after it arrived first"
            ),
            TcpEvent::AckRateLimited => {
                write!(
                    f,
                    "out-of-window ACK not sent: one went < 500 ms ago (RFC 5961 §7)"
                )
            }
            TcpEvent::ZeroWindowProbe => write!(f, "zero window probe"),
            TcpEvent::TimerExpired { which } => write!(f, "{which} timer expired"),
            TcpEvent::OutOfOrder { seq, len } => {
                write!(f, "out of order seq {seq} len {len}, queued")
            }
            TcpEvent::Duplicate { seq, len } => {
                write!(f, "duplicate seq {seq} len {len}, dropped")
            }
            TcpEvent::DupAck {
                ack,
                count,
                cwnd: None,
            } => write!(f, "duplicate ack {ack} (#{count})"),
            TcpEvent::DupAck {
                ack,
                count,
                cwnd: Some(cwnd),
            } => write!(f, "duplicate ack {ack} (#{count}), cwnd {cwnd}"),
            TcpEvent::TimerSet {
                which,
                after,
                backoff: 0,
            } => write!(f, "{which} timer set for {}", span(*after)),
            TcpEvent::TimerSet {
                which,
                after,
                backoff,
            } => write!(
                f,
                "{which} timer set for {} (backoff #{backoff})",
                span(*after)
            ),
            TcpEvent::WindowClosed => write!(f, "receive window closed (win 0)"),
            TcpEvent::ResetSent { why } => write!(f, "sending RST: {why}"),
            TcpEvent::Failed { error } => write!(f, "error: {error}"),
        }
    }
}
