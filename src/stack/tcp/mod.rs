//! TCP (RFC 9293): one connection as a sans-IO state machine, [`Tcb`].
//!
//! A `Tcb` (Transmission Control Block, RFC 9293 §3.3.1) knows nothing of
//! links, event queues or processes. The host drives it with calls that carry
//! the current time, and it answers with segments and events:
//!
//! ```text
//!  Tcb::connect / Tcb::accept        open (SYN-SENT / SYN-RECEIVED)
//!  on_segment(now, seg, payload)     a segment for this connection arrived
//!  on_time(now)                      when now >= poll_at(): a timer is due
//!  send / recv / shutdown_write /    the application's socket calls
//!  close / abort
//!  dispatch(now, emit)               after any of the above: the segments to send
//!  poll_at()                         after dispatch: when to call on_time next
//! ```
//!
//! `dispatch` must follow every other call: it is where segments leave and
//! where the retransmission and persist timers are armed. Events (state
//! changes, retransmissions, congestion window changes, RTT samples, timers
//! set and expired, …) are appended to the `events` vector of `on_segment`
//! and `on_time`; those caused by an application call (a state change on
//! `close`, a window update on `recv`) or by `dispatch` (a zero window
//! advertised, the persist timer armed) wait in the `Tcb` until
//! [`Tcb::take_events`] or the next `on_segment`/`on_time`: call it after
//! `dispatch`.
//!
//! Nothing here reads a clock, draws a random number or iterates a hash map:
//! the same calls give the same segments, byte for byte (DESIGN.md,
//! principle 1). The initial sequence number is the caller's (drawn from the
//! run's seeded RNG).
//!
//! What is implemented, with the RFC section beside each rule in the code:
//! the three-way handshake with the MSS, window scale, SACK-permitted and
//! timestamps options (simultaneous open works too); sliding windows with
//! RFC 7323 window scaling; RFC 7323 timestamps with RTTM and PAWS; RFC 6298
//! retransmission timeout with Karn's rule; RFC 5681 slow start, congestion
//! avoidance, fast retransmit and RFC 6582 NewReno fast recovery, or, when
//! both ends permit SACK (RFC 2018), RFC 6675 SACK-based loss recovery;
//! out-of-order reassembly; zero-window probing; Nagle's algorithm; delayed
//! ACKs; sender and receiver silly window syndrome avoidance; every close
//! sequence with TIME-WAIT; RST generation and RFC 5961 checks of incoming
//! RSTs and SYNs; D-SACK blocks (RFC 2883) for duplicates received, Limited
//! Transmit (RFC 3042) with SACK. Not implemented: urgent data, ECN, RACK-TLP
//! (RFC 8985), receive buffer autotuning and Linux's quick-ACK mode.

mod congestion;
mod event;
mod input;
mod options;
mod output;
mod poll;
mod recv;
mod rto;
mod sack;
mod send;
pub mod seq;
mod tcb;
mod time_wait;
mod timers;

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddrV4;
use std::time::Duration;

use crate::wire::tcp::{TcpFlags, TcpRepr};

pub use event::{RetransmitCause, TcpEvent};
pub use seq::SeqNum;
pub use tcb::Tcb;
pub use time_wait::{TimeWait, TimeWaitShape};

/// The MSS a peer is assumed to accept when its SYN carries no MSS option
/// (RFC 9293 §3.7.1, RFC 1122 4.2.2.6: 576-byte datagrams minus 40).
pub const DEFAULT_PEER_MSS: u16 = 536;

/// The largest window a segment can announce without window scaling (RFC
/// 7323 §2): the field is 16 bits. With a shift of `s` the largest is
/// `MAX_WINDOW << s`.
pub const MAX_WINDOW: u32 = 65_535;

/// The default send and receive buffer: 1 MiB. That holds twice the
/// bandwidth-delay product of a 1 Gbit/s path with a 4 ms round trip (the
/// bench's link), so one connection can fill it. Linux autotunes its
/// buffers between `tcp_rmem`/`tcp_wmem`'s bounds (up to 6 MiB and 4 MiB);
/// simnet keeps them fixed so that a run is simple to reason about.
pub const DEFAULT_BUFFER: usize = 1 << 20;

/// The tunables of one connection. [`TcpConfig::default`] gives Linux's
/// defaults where Linux has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpConfig {
    /// Our Maximum Segment Size, announced in our SYN: the interface MTU
    /// minus 40 (IPv4 and TCP headers without options). Default 1460
    /// (Ethernet's 1500-byte MTU).
    pub mss: u16,
    /// Bytes the send buffer holds (queued and unacknowledged). Default
    /// [`DEFAULT_BUFFER`], fixed: Linux starts at 16 KiB and autotunes up
    /// to 4 MiB (`SO_SNDBUF`).
    pub send_buffer: usize,
    /// Bytes the receive buffer holds (unread and out-of-order). Default
    /// [`DEFAULT_BUFFER`], fixed (Linux autotunes; `SO_RCVBUF`). The
    /// advertised window is the free space, at most 65535 ([`MAX_WINDOW`])
    /// without window scaling; the window scale we offer is the least
    /// shift that lets the window cover the whole buffer.
    pub recv_buffer: usize,
    /// Offer window scaling (RFC 7323 §2), as Linux's
    /// `net.ipv4.tcp_window_scaling`. Default on. Used only if the peer
    /// offers it too.
    pub window_scaling: bool,
    /// Offer SACK (RFC 2018) and, when the peer agrees, recover from loss
    /// with it (RFC 6675), as Linux's `net.ipv4.tcp_sack`. Default on.
    pub sack: bool,
    /// Offer timestamps (RFC 7323 §3), for RTT measurement and PAWS, as
    /// Linux's `net.ipv4.tcp_timestamps`. Default on. Each segment then
    /// carries 12 bytes of option, so a 1460-byte MSS carries 1448 bytes of
    /// data.
    pub timestamps: bool,
    /// Nagle's algorithm (RFC 896, RFC 9293 §3.7.4). Default on, as on every
    /// system; `TCP_NODELAY` turns it off ([`Tcb::set_nodelay`]).
    pub nagle: bool,
    /// How long an ACK may be delayed (RFC 9293 §3.8.6.3 allows up to
    /// 500 ms). Default 40 ms, Linux's `TCP_DELACK_MIN`.
    pub delayed_ack: Duration,
    /// The least retransmission timeout. Default 200 ms, Linux's
    /// `TCP_RTO_MIN`. RFC 6298 (2.4) says 1 s, but every major stack uses
    /// about 200 ms: 1 s was chosen for coarse 1990s timers, and a learner's
    /// trace should show the RTO a real Linux peer would use.
    pub min_rto: Duration,
    /// The RTO before any RTT sample: 1 s (RFC 6298 2.1; Linux
    /// `TCP_TIMEOUT_INIT`). SYN retransmissions back off from it.
    pub initial_rto: Duration,
    /// The largest RTO after backoff. Default 120 s, Linux's `TCP_RTO_MAX`
    /// (RFC 6298 2.5 allows a maximum of at least 60 s).
    pub max_rto: Duration,
    /// SYN (or SYN-ACK) retransmissions before the open fails with
    /// [`TcpError::TimedOut`]. Default 6, Linux's `tcp_syn_retries`: SYNs at
    /// 0, 1, 3, 7, 15, 31 and 63 s, failure at 127 s.
    pub syn_retries: u32,
    /// Retransmissions of data (or FIN) without progress, and unanswered
    /// zero-window probes, before the connection fails with
    /// [`TcpError::TimedOut`]. Default 15, Linux's `tcp_retries2`. (Linux
    /// turns it into a time budget; here it is a count.)
    pub data_retries: u32,
    /// How long TIME-WAIT lasts: 60 s, Linux's `TCP_TIMEWAIT_LEN` (2 MSL
    /// with an MSL of 30 s; RFC 9293 §3.4.2 suggests an MSL of 2 minutes).
    pub time_wait: Duration,
    /// How long an orphaned connection (the application has closed) waits in
    /// FIN-WAIT-2 for the peer's FIN. Default 60 s, Linux's
    /// `tcp_fin_timeout`. A connection only half-closed with
    /// [`Tcb::shutdown_write`] waits forever, as on Linux.
    pub fin_wait2_timeout: Duration,
}

impl TcpConfig {
    /// simnet's TCP before RFC 7323 and RFC 2018: no window scaling, SACK
    /// or timestamps, and 64 KiB buffers. Runs with it are those of simnet
    /// 0.1, segment for segment.
    pub fn classic() -> TcpConfig {
        TcpConfig {
            send_buffer: 64 * 1024,
            recv_buffer: 64 * 1024,
            window_scaling: false,
            sack: false,
            timestamps: false,
            ..TcpConfig::default()
        }
    }
}

impl Default for TcpConfig {
    fn default() -> TcpConfig {
        TcpConfig {
            mss: 1460,
            send_buffer: DEFAULT_BUFFER,
            recv_buffer: DEFAULT_BUFFER,
            window_scaling: true,
            sack: true,
            timestamps: true,
            nagle: true,
            delayed_ack: Duration::from_millis(40),
            min_rto: Duration::from_millis(200),
            initial_rto: Duration::from_secs(1),
            max_rto: Duration::from_secs(120),
            syn_retries: 6,
            data_retries: 15,
            time_wait: Duration::from_secs(60),
            fin_wait2_timeout: Duration::from_secs(60),
        }
    }
}

/// The connection states of RFC 9293 §3.3.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// No connection (the state before opening and after the end).
    Closed,
    /// Waiting for a SYN (listeners live in the host; a `Tcb` starts after).
    Listen,
    /// Our SYN is sent; waiting for the peer's SYN-ACK.
    SynSent,
    /// The peer's SYN arrived and our SYN-ACK is sent; waiting for its ACK.
    SynReceived,
    /// The handshake is done: data flows both ways.
    Established,
    /// We have sent our FIN; the peer has not acknowledged it.
    FinWait1,
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// Both sides sent FINs at once; waiting for the ACK of ours.
    Closing,
    /// Both FINs are acknowledged; waiting 2 MSL for stray segments.
    TimeWait,
    /// The peer sent its FIN; waiting for our application to close.
    CloseWait,
    /// We sent our FIN after the peer's; waiting for its ACK.
    LastAck,
}

impl State {
    /// Whether the handshake is complete and the connection not yet gone:
    /// the states in which sequence numbers are synchronized (RFC 9293
    /// §3.5.2) other than SYN-RECEIVED.
    pub fn is_synchronized(self) -> bool {
        !matches!(
            self,
            State::Closed | State::Listen | State::SynSent | State::SynReceived
        )
    }
}

/// The RFC's names, as `netstat` and the RFC diagrams print them.
impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Closed => "CLOSED",
            State::Listen => "LISTEN",
            State::SynSent => "SYN-SENT",
            State::SynReceived => "SYN-RECEIVED",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::Closing => "CLOSING",
            State::TimeWait => "TIME-WAIT",
            State::CloseWait => "CLOSE-WAIT",
            State::LastAck => "LAST-ACK",
        })
    }
}

/// Why a socket call failed. [`TcpError::errno`] gives the Linux errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcpError {
    /// The peer answered our SYN with a RST: `ECONNREFUSED`.
    Refused,
    /// The peer reset an open connection: `ECONNRESET`.
    Reset,
    /// Retransmissions (of the SYN, data or FIN) or zero-window probes went
    /// unanswered too many times: `ETIMEDOUT`.
    TimedOut,
    /// Sending after the write side was shut down or the connection ended:
    /// `EPIPE`.
    Pipe,
    /// Nothing to read yet (a blocking call waits for
    /// [`Tcb::recv_ready`]): `EAGAIN`.
    WouldBlock,
}

impl TcpError {
    /// The Linux errno for this error (`asm-generic/errno.h`), for
    /// `io::Error::from_raw_os_error`.
    pub fn errno(self) -> i32 {
        match self {
            TcpError::Refused => 111,   // ECONNREFUSED
            TcpError::Reset => 104,     // ECONNRESET
            TcpError::TimedOut => 110,  // ETIMEDOUT
            TcpError::Pipe => 32,       // EPIPE
            TcpError::WouldBlock => 11, // EAGAIN
        }
    }
}

/// The messages of Linux's `strerror`.
impl fmt::Display for TcpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TcpError::Refused => "Connection refused",
            TcpError::Reset => "Connection reset by peer",
            TcpError::TimedOut => "Connection timed out",
            TcpError::Pipe => "Broken pipe",
            TcpError::WouldBlock => "Resource temporarily unavailable",
        })
    }
}

impl std::error::Error for TcpError {}

/// The two ends of a connection, as seen from this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoints {
    /// Our address and port.
    pub local: SocketAddrV4,
    /// The peer's address and port.
    pub remote: SocketAddrV4,
}

/// The RST to answer a segment that matched no connection and no listener
/// with (RFC 9293 §3.10.7.1, "If the state is CLOSED"), or `None` for an
/// incoming RST, which is never answered.
///
/// - If the segment has ACK set: `<SEQ=SEG.ACK><CTL=RST>`.
/// - Otherwise: `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`, where SEG.LEN
///   counts the data and the SYN and FIN flags.
///
/// Ports are swapped: the answer goes back to the sender.
pub fn rst_for_closed(seg: &TcpRepr, payload_len: usize) -> Option<TcpRepr> {
    if seg.flags.rst {
        return None;
    }
    let mut rst = TcpRepr {
        src_port: seg.dst_port,
        dst_port: seg.src_port,
        ..TcpRepr::default()
    };
    if seg.flags.ack {
        rst.seq = seg.ack;
        rst.flags = TcpFlags {
            rst: true,
            ..TcpFlags::default()
        };
    } else {
        // usize → u32 keeps the low 32 bits: the length is added modulo 2^32.
        let seg_len = (payload_len as u32)
            .wrapping_add(u32::from(seg.flags.syn))
            .wrapping_add(u32::from(seg.flags.fin));
        rst.ack = seg.seq.wrapping_add(seg_len);
        rst.flags = TcpFlags {
            rst: true,
            ack: true,
            ..TcpFlags::default()
        };
    }
    Some(rst)
}
