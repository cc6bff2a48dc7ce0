//! The receive side: the receive buffer with out-of-order reassembly, the
//! window we advertise (receiver SWS avoidance, window scaling), the SACK
//! blocks we report, delayed ACKs and window updates.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use crate::sim::SimTime;

use crate::wire::tcp::SackBlocks;

use super::{SeqNum, State, Tcb, TcpEvent, MAX_WINDOW};

/// Received bytes: those in order, waiting for the application, and those
/// beyond a gap, waiting for the gap to fill. Positions are stream offsets
/// (bytes since the peer's SYN, as a `u64` that never wraps).
#[derive(Clone)]
pub(super) struct RecvQueue {
    readable: VecDeque<u8>,
    capacity: usize,
    /// The largest window the header can say: 65535, shifted by our window
    /// scale once negotiated.
    max_wnd: u32,
    /// Out-of-order data by stream offset: maximal runs, which neither
    /// overlap nor touch. Only data inside the advertised window is stored,
    /// so with `readable` it stays within `capacity` (and the few bytes a
    /// scaled window rounds up by).
    ooo: BTreeMap<u64, Vec<u8>>,
    /// Stream offsets of the latest out-of-order arrivals, the newest
    /// first: the order of the SACK blocks (RFC 2018 §4).
    recent: [Option<u64>; SackBlocks::MAX],
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
            max_wnd: MAX_WINDOW,
            ooo: BTreeMap::new(),
            recent: [None; SackBlocks::MAX],
            received: 0,
            fin_at: None,
        }
    }

    /// Bytes the application can read.
    pub(super) fn readable(&self) -> usize {
        self.readable.len()
    }

    /// Gives the buffer's memory back when nothing waits in it (a
    /// connection in TIME-WAIT takes no more data, and a busy host keeps
    /// thousands).
    pub(super) fn release_if_empty(&mut self) {
        if self.readable.is_empty() {
            self.readable = VecDeque::new();
        }
    }

    /// Bytes of memory the in-order buffer holds, used or not.
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.readable.capacity()
    }

    /// What is left of a queue that holds no byte, in order or not
    /// (TIME-WAIT): its capacity and largest window, or `None` if it holds
    /// any. The offsets `received` and `fin_at` are public already.
    pub(super) fn drained(&self) -> Option<(usize, u32)> {
        (self.readable.is_empty() && self.ooo.is_empty()).then_some((self.capacity, self.max_wnd))
    }

    /// The queue [`RecvQueue::drained`] described, with its offsets.
    pub(super) fn from_drained(
        capacity: usize,
        max_wnd: u32,
        received: u64,
        fin_at: Option<u64>,
    ) -> RecvQueue {
        RecvQueue {
            readable: VecDeque::new(),
            capacity,
            max_wnd,
            ooo: BTreeMap::new(),
            recent: [None; SackBlocks::MAX],
            received,
            fin_at,
        }
    }

    /// The window when the buffer is empty: min(capacity, the largest the
    /// header can say).
    pub(super) fn max_window(&self) -> u32 {
        u32::try_from(self.capacity)
            .unwrap_or(u32::MAX)
            .min(self.max_wnd)
    }

    /// Hold `capacity` bytes from now on (`SO_RCVBUF`).
    pub(super) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
    }

    /// The largest window the header can say, once window scaling is
    /// settled (RFC 7323 §2.3).
    pub(super) fn set_max_window(&mut self, max: u32) {
        self.max_wnd = max;
    }

    /// The window the free space allows: min(capacity - readable, the
    /// largest the header can say).
    fn free_window(&self) -> u32 {
        u32::try_from(self.capacity.saturating_sub(self.readable.len()))
            .unwrap_or(u32::MAX)
            .min(self.max_wnd)
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
            self.insert_run(from, piece);
        }
        self.note_recent(off);
        Stored::OutOfOrder { new_bytes }
    }

    /// Store `piece` at `from` (where nothing is held), merged with the runs
    /// it touches so that each run stays maximal.
    fn insert_run(&mut self, from: u64, piece: &[u8]) {
        let mut start = from;
        match self.ooo.range_mut(..from).next_back() {
            Some((&before, run)) if before + run.len() as u64 == from => {
                run.extend_from_slice(piece);
                start = before;
            }
            _ => {
                self.ooo.insert(from, piece.to_vec());
            }
        }
        let end = from + piece.len() as u64;
        if let Some(next) = self.ooo.remove(&end) {
            if let Some(run) = self.ooo.get_mut(&start) {
                run.extend_from_slice(&next);
            }
        }
    }

    /// How many runs of data are held beyond a gap (each a SACK block).
    pub(super) fn ooo_runs(&self) -> usize {
        self.ooo.len()
    }

    /// Remember that out-of-order data arrived at `off`, the newest first.
    fn note_recent(&mut self, off: u64) {
        self.recent.rotate_right(1);
        self.recent[0] = Some(off);
    }

    /// The out-of-order runs as `[start, end)` stream offsets for SACK
    /// blocks (RFC 2018 §4): first the run holding the latest arrival, then
    /// those of the arrivals before it, newest first, then any others from
    /// the highest down, at most `max` in all.
    pub(super) fn sack_runs(&self, max: usize) -> Vec<(u64, u64)> {
        let mut runs: Vec<(u64, u64)> = Vec::with_capacity(max);
        let run_at = |off: u64| {
            self.ooo
                .range(..=off)
                .next_back()
                .map(|(&start, run)| (start, start + run.len() as u64))
                .filter(|&(_, end)| off < end)
        };
        let newest = self.recent.iter().flatten().filter_map(|&off| run_at(off));
        let others = self
            .ooo
            .iter()
            .rev()
            .map(|(&start, run)| (start, start + run.len() as u64));
        for run in newest.chain(others) {
            if runs.len() == max {
                break;
            }
            if !runs.contains(&run) {
                runs.push(run);
            }
        }
        runs
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

    /// Append up to `max` readable bytes to `out`, consuming them unless
    /// `peek`: [`RecvQueue::read`] without a zeroed buffer to copy into.
    pub(super) fn read_append(&mut self, out: &mut Vec<u8>, max: usize, peek: bool) -> usize {
        let n = max.min(self.readable.len());
        let (head, tail) = self.readable.as_slices();
        let from_head = n.min(head.len());
        // Exactly, not doubling: a reused buffer stays the size of the
        // reads it serves (and small enough for the pool to keep).
        out.reserve_exact(n);
        out.extend_from_slice(&head[..from_head]);
        out.extend_from_slice(&tail[..n - from_head]);
        if !peek {
            self.readable.drain(..n);
        }
        n
    }

    /// Throw away everything received (the application closed).
    pub(super) fn clear(&mut self) {
        self.readable.clear();
        self.ooo.clear();
        self.recent = [None; SackBlocks::MAX];
    }
}

impl Tcb {
    /// RCV.WND: what is left of the window we advertised.
    pub(super) fn rcv_wnd(&self) -> u32 {
        self.rcv_adv.since(self.rcv_nxt)
    }

    /// The window to put in the next segment, in bytes: the free buffer
    /// space (at most `rcv_ssthresh`, see [`Tcb::grow_window`]), except
    /// that the right edge only moves right by at least
    /// min(buffer/2, MSS) at a time (receiver SWS avoidance, RFC 9293
    /// §3.8.6.2.2), and never moves left (RFC 9293 §3.8.6). With window
    /// scaling it is a whole number of units of `1 << shift` bytes: the
    /// free space rounded down, or the window still open rounded up (as
    /// Linux's `tcp_select_window`, which may offer a few bytes more than
    /// the buffer holds rather than shrink the window).
    pub(super) fn window_to_advertise(&self) -> u32 {
        let current = self.rcv_wnd();
        let free = self.recv.free_window().min(self.rcv_ssthresh);
        let threshold = (self.recv.max_window() / 2).min(self.mss).max(1);
        let window = if free >= current + threshold {
            free
        } else {
            current
        };
        let shift = self.opts.rcv_shift;
        let unit_mask = (1u32 << shift) - 1;
        let mut scaled = window & !unit_mask;
        if scaled < current {
            scaled = current.saturating_add(unit_mask) & !unit_mask;
        }
        scaled.min(MAX_WINDOW << shift)
    }

    /// The SACK blocks for our next ACK (RFC 2018 §3, §4): the runs of data
    /// held beyond a gap, the one holding the latest arrival first; empty
    /// when nothing is out of order. After a duplicate segment, its range
    /// comes first (a D-SACK block, RFC 2883 §4), then the run that holds
    /// it, if it lies beyond the gap.
    pub(super) fn sack_blocks(&self) -> SackBlocks {
        let mut blocks = SackBlocks::new();
        // Nothing to report (the common case, on every segment sent).
        if !self.opts.sack || (self.recv.ooo_runs() == 0 && self.dsack.is_none()) {
            return blocks;
        }
        let mut runs: Vec<(SeqNum, SeqNum)> = self
            .recv
            .sack_runs(SackBlocks::MAX)
            .into_iter()
            .map(|(start, end)| {
                // Runs lie inside the window, less than 2^31 past RCV.NXT.
                let left = self.rcv_nxt + (start - self.recv.received) as u32;
                let right = self.rcv_nxt + (end - self.recv.received) as u32;
                (left, right)
            })
            .collect();
        if let Some((left, right)) = self.dsack {
            blocks.push(left.0, right.0);
            if let Some(at) = runs.iter().position(|&(l, r)| l.le(left) && right.le(r)) {
                let holding = runs.remove(at);
                runs.insert(0, holding);
            }
        }
        for (left, right) in runs {
            blocks.push(left.0, right.0);
        }
        blocks
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
        if new > old && new >= 2 * old {
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
                    self.grow_window(data.len());
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
                    if new_bytes == 0 {
                        self.dsack = Some((SeqNum(seq), SeqNum(seq) + len as u32));
                    }
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

    /// In-order data of `len` bytes arrived: let the window we offer grow
    /// by up to two segments' worth, while the buffer has the room (Linux's
    /// `tcp_grow_window`, which grows `rcv_ssthresh` by twice the MSS for
    /// each full-sized segment; a small segment grows it by twice its
    /// length here).
    fn grow_window(&mut self, len: usize) {
        let max = self.recv.max_window();
        if self.rcv_ssthresh >= max || self.recv.free_window() <= self.rcv_ssthresh {
            return;
        }
        let len = u32::try_from(len).unwrap_or(u32::MAX).min(self.mss);
        self.rcv_ssthresh = self.rcv_ssthresh.saturating_add(2 * len).min(max);
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
