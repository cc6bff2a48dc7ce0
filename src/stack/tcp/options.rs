//! The options negotiated in the handshake: window scaling (RFC 7323 §2),
//! SACK permitted (RFC 2018 §2) and timestamps (RFC 7323 §3), with what
//! timestamps do afterwards: RTT measurement (RTTM, §4) and protection
//! against wrapped sequence numbers (PAWS, §5).
//!
//! Each option is offered in our SYN when the configuration enables it (as
//! Linux's `tcp_window_scaling`, `tcp_sack` and `tcp_timestamps` sysctls
//! do), answered in a SYN-ACK only when the peer's SYN offered it, and used
//! only when both SYNs carried it.

use std::time::Duration;

use crate::sim::SimTime;
use crate::wire::tcp::{TcpRepr, TcpTimestamp, MAX_WINDOW_SHIFT};

use super::{Tcb, TcpConfig, TcpEvent, MAX_WINDOW};

/// Bytes the timestamps option takes in every segment once negotiated
/// (padded to a word): the send MSS shrinks by as much, as Linux's
/// `tcp_mss_cache` does (1460 becomes 1448).
const TIMESTAMP_BYTES: u32 = 12;

/// After this long without a segment from the peer, TS.recent is no longer
/// trusted for PAWS (RFC 7323 §5.5: 24 days, less than the 2^31 ms a
/// 1 ms clock takes to wrap halfway).
const PAWS_IDLE: Duration = Duration::from_secs(24 * 24 * 3600);

/// What the handshake settled, and the timestamp state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Negotiated {
    /// Both SYNs carried the window scale option.
    pub(super) window_scaling: bool,
    /// The peer's window shift: applied to every window it sends after its
    /// SYN. 0 without window scaling.
    pub(super) snd_shift: u8,
    /// Our window shift: the windows we send after our SYN are this much
    /// right-shifted. 0 without window scaling.
    pub(super) rcv_shift: u8,
    /// Both ends permitted SACK: we send SACK blocks, and recover from loss
    /// with the peer's (RFC 6675).
    pub(super) sack: bool,
    /// Both ends sent timestamps: every segment carries them.
    pub(super) timestamps: bool,
    /// TS.recent (RFC 7323 §4.3): the timestamp to echo, and when it was
    /// taken (for the 24-day rule of PAWS).
    pub(super) ts_recent: Option<(u32, SimTime)>,
    /// Added to our 1 ms clock for TSval, so that connections do not share
    /// one clock (as Linux's per-connection `tsoffset`).
    pub(super) ts_offset: u32,
}

/// The window shift we offer: the least that lets the 16-bit window cover
/// the receive buffer, at most 14 (RFC 7323 §2.3). Linux computes it from
/// the largest buffer autotuning may reach (6 MiB gives its usual 7).
pub(super) fn our_shift(config: &TcpConfig) -> u8 {
    let mut shift = 0;
    while shift < MAX_WINDOW_SHIFT && (u64::from(MAX_WINDOW) << shift) < config.recv_buffer as u64 {
        shift += 1;
    }
    shift
}

impl Tcb {
    /// Our timestamp clock: milliseconds of virtual time plus the
    /// connection's offset (RFC 7323 §5.4 asks for 1 ms to 1 s per tick;
    /// Linux ticks every millisecond).
    pub(super) fn ts_val(&self, now: SimTime) -> u32 {
        // The clock wraps every 2^32 ms, as a 32-bit timestamp must.
        ((now.as_nanos() / 1_000_000) as u32).wrapping_add(self.opts.ts_offset)
    }

    /// The Timestamps option of a segment sent now: TSval from our clock,
    /// TSecr = TS.recent (RFC 7323 §3.2; 0 before the peer's is known).
    fn timestamp(&self, now: SimTime) -> TcpTimestamp {
        TcpTimestamp {
            val: self.ts_val(now),
            ecr: self.opts.ts_recent.map_or(0, |(ts, _)| ts),
        }
    }

    /// Put the options of a SYN (active open: what the configuration
    /// offers) or SYN-ACK (passive open: what the peer's SYN offered and we
    /// accept) in `repr`.
    pub(super) fn syn_options(&self, now: SimTime, repr: &mut TcpRepr) {
        repr.mss = Some(self.config.mss);
        let passive = self.passive;
        let offer = |enabled: bool, agreed: bool| if passive { agreed } else { enabled };
        if offer(self.config.window_scaling, self.opts.window_scaling) {
            repr.window_scale = Some(our_shift(&self.config));
        }
        repr.sack_permitted = offer(self.config.sack, self.opts.sack);
        if offer(self.config.timestamps, self.opts.timestamps) {
            repr.timestamp = Some(self.timestamp(now));
        }
    }

    /// Take the options of the peer's SYN (or SYN-ACK): what both ends use
    /// from now on (RFC 7323 §2.2, §3.2; RFC 2018 §2).
    pub(super) fn negotiate(&mut self, now: SimTime, syn: &TcpRepr) {
        self.opts.window_scaling = self.config.window_scaling && syn.window_scale.is_some();
        if self.opts.window_scaling {
            let shift = syn.window_scale.unwrap_or(0);
            if shift > MAX_WINDOW_SHIFT {
                self.events.push(TcpEvent::ShiftTooLarge { shift });
            }
            self.opts.snd_shift = shift.min(MAX_WINDOW_SHIFT);
            self.opts.rcv_shift = our_shift(&self.config);
        } else {
            self.opts.snd_shift = 0;
            self.opts.rcv_shift = 0;
        }
        self.recv.set_max_window(MAX_WINDOW << self.opts.rcv_shift);
        self.opts.sack = self.config.sack && syn.sack_permitted;
        self.opts.timestamps = self.config.timestamps && syn.timestamp.is_some();
        self.opts.ts_recent = if self.opts.timestamps {
            syn.timestamp.map(|ts| (ts.val, now))
        } else {
            None
        };
    }

    /// The send MSS once options are settled: less the timestamps' 12
    /// bytes if every segment carries them.
    pub(super) fn option_overhead(&self) -> u32 {
        if self.opts.timestamps {
            TIMESTAMP_BYTES
        } else {
            0
        }
    }

    /// The data one segment may carry now: the send MSS, less the SACK
    /// blocks (a D-SACK block among them) our next segment will carry (4
    /// bytes and 8 per block, three
    /// beside timestamps, four without), so that a data segment that also
    /// reports out-of-order data still fits the MTU (as Linux's
    /// `tcp_current_mss` subtracts them).
    pub(super) fn data_room(&self) -> u32 {
        if !self.opts.sack {
            return self.mss;
        }
        let fit = if self.opts.timestamps { 3 } else { 4 };
        let blocks = (self.recv.ooo_runs() + usize::from(self.dsack.is_some())).min(fit) as u32;
        let bytes = if blocks > 0 { 4 + 8 * blocks } else { 0 };
        self.mss.saturating_sub(bytes).max(1)
    }

    /// The peer's window in bytes: the field scaled by its shift, except on
    /// a SYN, whose window is never scaled (RFC 7323 §2.2).
    pub(super) fn peer_window(&self, seg: &TcpRepr) -> u32 {
        if seg.flags.syn {
            u32::from(seg.window)
        } else {
            u32::from(seg.window) << self.opts.snd_shift
        }
    }

    /// Stamp a segment other than a SYN: TSval from our clock and TSecr =
    /// TS.recent (RFC 7323 §3.2: on every segment once negotiated), and
    /// SACK blocks when the receive queue holds data beyond a gap.
    pub(super) fn stamp(&self, now: SimTime, repr: &mut TcpRepr) {
        if self.opts.timestamps {
            repr.timestamp = Some(self.timestamp(now));
        }
        if self.opts.sack {
            repr.sack = self.sack_blocks();
        }
    }

    /// PAWS (RFC 7323 §5.3, R1 to R3): whether a segment must be dropped
    /// because its TSval is older than TS.recent. A RST is never dropped
    /// here, and a TS.recent older than 24 days is not trusted (§5.5).
    pub(super) fn paws_rejects(&mut self, now: SimTime, seg: &TcpRepr) -> bool {
        if !self.opts.timestamps || seg.flags.rst {
            return false;
        }
        let (Some(ts), Some((recent, at))) = (seg.timestamp, self.opts.ts_recent) else {
            return false;
        };
        // "Older" in 32-bit sequence space (RFC 7323 §5.2).
        if (ts.val.wrapping_sub(recent) as i32) >= 0 {
            return false;
        }
        if now.saturating_since(at) > PAWS_IDLE {
            self.opts.ts_recent = None;
            return false;
        }
        self.events.push(TcpEvent::PawsDrop {
            tsval: ts.val,
            recent,
        });
        true
    }

    /// Keep the segment's TSval as TS.recent when it is at least as new and
    /// the segment starts at or before the last ACK we sent (RFC 7323 §4.3
    /// (2)): so the echo is of the segment that made the ACK due.
    pub(super) fn update_ts_recent(&mut self, now: SimTime, seg: &TcpRepr) {
        if !self.opts.timestamps {
            return;
        }
        let Some(ts) = seg.timestamp else {
            return;
        };
        let newer = self
            .opts
            .ts_recent
            .is_none_or(|(recent, _)| (ts.val.wrapping_sub(recent) as i32) >= 0);
        if newer && super::SeqNum(seg.seq).le(self.ack_sent_upto) {
            self.opts.ts_recent = Some((ts.val, now));
        }
    }

    /// An RTT sample from the echoed timestamp of an ACK that acknowledged
    /// new data (RFC 7323 §4.1), in whole milliseconds: taken, as Linux
    /// does, only when the ACK covers a retransmission, which Karn's rule
    /// keeps the precise one-segment timer from measuring.
    pub(super) fn ts_rtt(&self, now: SimTime, seg: &TcpRepr) -> Option<Duration> {
        if !self.opts.timestamps || !seg.flags.ack {
            return None;
        }
        let ts = seg.timestamp?;
        if ts.ecr == 0 {
            return None;
        }
        let ms = self.ts_val(now).wrapping_sub(ts.ecr);
        // An echo from the future, or older than a minute, is nonsense.
        (ms < 60_000).then(|| Duration::from_millis(u64::from(ms.max(1))))
    }
}
