//! The receive side: the receive buffer with out-of-order reassembly, the
//! window we advertise (receiver SWS avoidance), delayed ACKs and window
//! updates.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use crate::sim::SimTime;

use super::{SeqNum, State, Tcb, TcpEvent, MAX_WINDOW};

/// Received bytes: those in order, waiting for the application, and those
/// beyond a gap, waiting for the gap to fill. Positions are stream offsets
/// (bytes since the peer's SYN, as a `u64` that never wraps).
#[derive(Clone)]
pub(super) struct RecvQueue {
    readable: VecDeque<u8>,
    capacity: usize,
    /// Out-of-order data by stream offset; the pieces never overlap. Only
    /// data inside the advertised window is stored, so with `readable` it
    /// stays within `capacity`.
    ooo: BTreeMap<u64, Vec<u8>>,
    /// Stream offset of RCV.NXT: bytes received in order so far.
    pub(super) received: u64,
    /// Stream offset of the peer's FIN, once a segment carrying it is seen.
    pub(super) fin_at: Option<u64>,
}

/// What storing a segment's data did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stored {
    /// It was next in order: RCV.NXT moves `advanced` bytes (more than its
    /// length if it filled a gap).
    InOrder { advanced: u32, filled_gap: bool },
    /// It lies beyond a gap; `new_bytes` of it were not held before.
    OutOfOrder { new_bytes: usize },
}

/// Lengths, not bytes: a `Tcb` prints in a few lines.
impl fmt::Debug for RecvQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvQueue")
            .field("readable", &self.readable.len())
            .field(
                "out_of_order",
                &self
                    .ooo
                    .iter()
                    .map(|(k, v)| (*k, v.len()))
                    .collect::<Vec<_>>(),
            )
            .field("received", &self.received)
            .field("fin_at", &self.fin_at)
            .finish()
    }
}

impl RecvQueue {
    pub(super) fn new(capacity: usize) -> RecvQueue {
        RecvQueue {
            readable: VecDeque::new(),
            capacity,
            ooo: BTreeMap::new(),
            received: 0,
            fin_at: None,
        }
    }

    /// Bytes the application can read.
    pub(super) fn readable(&self) -> usize {
        self.readable.len()
    }

    /// The window when the buffer is empty: min(capacity, 65535).
    pub(super) fn max_window(&self) -> u32 {
        u32::try_from(self.capacity)
            .unwrap_or(u32::MAX)
            .min(MAX_WINDOW)
    }

    /// The window the free space allows: min(capacity - readable, 65535).
    fn free_window(&self) -> u32 {
        u32::try_from(self.capacity.saturating_sub(self.readable.len()))
            .unwrap_or(u32::MAX)
            .min(MAX_WINDOW)
    }

    /// Store `data` found at stream offset `off` (at or after `received`,
    /// and inside the window: the caller trims it).
    pub(super) fn store(&mut self, off: u64, data: &[u8]) -> Stored {
        if off <= self.received {
            let skip = usize::try_from(self.received - off).unwrap_or(usize::MAX);
            let before = self.received;
            if skip < data.len() {
                self.readable.extend(&data[skip..]);
                self.received += (data.len() - skip) as u64;
            }
            let mut filled_gap = false;
            while let Some(entry) = self.ooo.first_entry() {
                let start = *entry.key();
                if start > self.received {
                    break;
                }
                let piece = entry.remove();
                let end = start + piece.len() as u64;
                if end > self.received {
                    let skip = (self.received - start) as usize;
                    self.readable.extend(&piece[skip..]);
                    self.received = end;
                }
                filled_gap = true;
            }
            let advanced = u32::try_from(self.received - before).unwrap_or(u32::MAX);
            return Stored::InOrder {
                advanced,
                filled_gap,
            };
        }
        // Keep only the parts not already held.
        let end = off + data.len() as u64;
        let mut pos = off;
        let mut gaps = Vec::new();
        for (&start, piece) in self.ooo.range(..end) {
            let piece_end = start + piece.len() as u64;
            if piece_end <= pos {
                continue;
            }
            if start > pos {
                gaps.push((pos, start));
            }
            pos = piece_end;
            if pos >= end {
                break;
            }
        }
        if pos < end {
            gaps.push((pos, end));
        }
        let mut new_bytes = 0;
        for (from, to) in gaps {
            let piece = &data[(from - off) as usize..(to - off) as usize];
            new_bytes += piece.len();
            self.ooo.insert(from, piece.to_vec());
        }
        Stored::OutOfOrder { new_bytes }
    }

    /// Copy up to `buf.len()` readable bytes into `buf`, consuming them
    /// unless `peek`.
    pub(super) fn read(&mut self, buf: &mut [u8], peek: bool) -> usize {
        let n = buf.len().min(self.readable.len());
        let (head, tail) = self.readable.as_slices();
        let from_head = n.min(head.len());
        buf[..from_head].copy_from_slice(&head[..from_head]);
        buf[from_head..n].copy_from_slice(&tail[..n - from_head]);
        if !peek {
            self.readable.drain(..n);
        }
        n
    }

    /// Throw away everything received (the application closed).
    pub(super) fn clear(&mut self) {
        self.readable.clear();
        self.ooo.clear();
    }
}

impl Tcb {
    /// RCV.WND: what is left of the window we advertised.
    pub(super) fn rcv_wnd(&self) -> u32 {
        self.rcv_adv.since(self.rcv_nxt)
    }

    /// The window to put in the next segment: the free buffer space, except
    /// that the right edge only moves right by at least
    /// min(buffer/2, MSS) at a time (receiver SWS avoidance, RFC 9293
    /// §3.8.6.2.2), and never moves left (RFC 9293 §3.8.6).
    pub(super) fn window_to_advertise(&self) -> u16 {
        let current = self.rcv_wnd();
        let free = self.recv.free_window();
        let threshold = (self.recv.max_window() / 2).min(self.mss).max(1);
        let window = if free >= current + threshold {
            free
        } else {
            current
        };
        u16::try_from(window.min(MAX_WINDOW)).unwrap_or(u16::MAX)
    }

    /// The application consumed data: if the window opened significantly,
    /// send a window update now rather than with the next ACK. "Significant"
    /// is Linux's rule (`tcp_cleanup_rbuf`): the window would at least
    /// double, from at most half the maximum.
    pub(super) fn after_read(&mut self) {
        if self.fin_received || !self.state.is_synchronized() {
            return;
        }
        let old = self.rcv_wnd();
        if 2 * old > self.recv.max_window() {
            return;
        }
        let new = self.window_to_advertise();
        if u32::from(new) > old && u32::from(new) >= 2 * old {
            self.ack_now = true;
            self.events.push(TcpEvent::WindowUpdate { window: new });
        }
    }

    /// Take a segment's text and FIN (RFC 9293 §3.10.7.4, seventh and
    /// eighth), already trimmed to the window: `seq` is at or after RCV.NXT.
    pub(super) fn process_text(&mut self, now: SimTime, seq: SeqNum, data: &[u8], fin: bool) {
        if !matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        ) {
            return; // the peer's FIN came already: ignore the text
        }
        let off = self.recv.received + u64::from(seq.since(self.rcv_nxt));
        if !data.is_empty() {
            match self.recv.store(off, data) {
                Stored::InOrder {
                    advanced,
                    filled_gap,
                } => {
                    self.rcv_nxt += advanced;
                    // RFC 5681 §4.2: ACK at once a segment that fills a gap.
                    self.ack_now |= filled_gap;
                }
                Stored::OutOfOrder { new_bytes } => {
                    let (seq, len) = (seq.0, data.len());
                    self.events.push(if new_bytes > 0 {
                        TcpEvent::OutOfOrder { seq, len }
                    } else {
                        TcpEvent::Duplicate { seq, len }
                    });
                    // RFC 5681 §4.2: a duplicate ACK at once, so the
                    // sender can count them.
                    self.ack_now = true;
                }
            }
        }
        if fin && self.recv.fin_at.is_none() {
            self.recv.fin_at = Some(off + data.len() as u64);
        }
        if !self.fin_received && self.recv.fin_at == Some(self.recv.received) {
            self.fin_arrived(now);
        }
        self.schedule_ack(now);
    }

    /// The peer's FIN is next in sequence (RFC 9293 §3.10.7.4, eighth):
    /// it takes one sequence number and is acknowledged at once.
    fn fin_arrived(&mut self, now: SimTime) {
        self.fin_received = true;
        self.rcv_nxt += 1;
        self.ack_now = true;
        match self.state {
            State::Established => self.set_state(State::CloseWait),
            State::FinWait1 if self.fin_acked() => self.enter_time_wait(now),
            State::FinWait1 => self.set_state(State::Closing),
            State::FinWait2 => self.enter_time_wait(now),
            _ => {}
        }
    }

    /// Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): ACK at once when
    /// more than one full-sized segment is unacknowledged (so at least every
    /// second full-sized segment, as Linux), else within `delayed_ack`.
    fn schedule_ack(&mut self, now: SimTime) {
        let unacked = self.rcv_nxt.since(self.ack_sent_upto);
        if self.ack_now || unacked == 0 {
            return;
        }
        if unacked > self.mss {
            self.ack_now = true;
        } else if self.ack_at.is_none() {
            self.ack_at = Some(now + self.config.delayed_ack);
        }
    }
}
