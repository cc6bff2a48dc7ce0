//! The send side: the send buffer, segmentation within min(cwnd, peer
//! window), Nagle's algorithm, sender SWS avoidance and zero-window probes.

use std::collections::VecDeque;
use std::fmt;

use crate::sim::SimTime;
use crate::wire::tcp::TcpRepr;

use super::{SeqNum, Tcb};

/// Bytes the application has queued and the peer has not acknowledged,
/// and whether a FIN follows them.
#[derive(Clone)]
pub(super) struct SendQueue {
    buf: VecDeque<u8>,
    capacity: usize,
    /// The sequence number of `buf[0]`.
    start: SeqNum,
    /// The application shut down writing: a FIN follows the last byte, at
    /// sequence number `end()`.
    pub(super) fin_queued: bool,
}

/// Lengths, not bytes: a `Tcb` prints in a few lines.
impl fmt::Debug for SendQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendQueue")
            .field("start", &self.start)
            .field("len", &self.buf.len())
            .field("capacity", &self.capacity)
            .field("fin_queued", &self.fin_queued)
            .finish()
    }
}

impl SendQueue {
    pub(super) fn new(capacity: usize, start: SeqNum) -> SendQueue {
        SendQueue {
            buf: VecDeque::new(),
            capacity,
            start,
            fin_queued: false,
        }
    }

    /// Copy what fits of `data`; return how much.
    pub(super) fn push(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.free());
        self.buf.extend(&data[..n]);
        n
    }

    /// Hold `capacity` bytes from now on (`SO_SNDBUF`).
    pub(super) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
    }

    pub(super) fn free(&self) -> usize {
        self.capacity.saturating_sub(self.buf.len())
    }

    /// Whether a writer is told it may write (`EPOLLOUT`, the wake of a
    /// blocked `write`): the free room is at least half of what is queued,
    /// so a writer that filled the buffer hears of it once a third of it is
    /// free, not at every ACK. Linux's `__sk_stream_is_writeable`
    /// (include/net/sock.h: `sk_stream_wspace(sk) >=
    /// sk_stream_min_wspace(sk)`, the latter `sk_wmem_queued >> 1`), which
    /// `tcp_poll` reports and `sk_stream_write_space` waits for.
    pub(super) fn writable(&self) -> bool {
        let free = self.free();
        free > 0 && free >= self.buf.len() / 2
    }

    /// Gives the buffer's memory back when it holds nothing (a connection
    /// in TIME-WAIT sends no more data, and a busy host keeps thousands).
    pub(super) fn release_if_empty(&mut self) {
        if self.buf.is_empty() {
            self.buf = VecDeque::new();
        }
    }

    /// Bytes of memory the buffer holds, used or not.
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.buf.capacity()
    }

    /// What is left of a queue whose bytes and FIN are all acknowledged
    /// (TIME-WAIT): its capacity and where it starts, or `None` if it still
    /// holds bytes or no FIN was queued.
    pub(super) fn drained_after_fin(&self) -> Option<(usize, SeqNum)> {
        (self.buf.is_empty() && self.fin_queued).then_some((self.capacity, self.start))
    }

    /// The queue [`SendQueue::drained_after_fin`] described.
    pub(super) fn from_drained(capacity: usize, start: SeqNum) -> SendQueue {
        SendQueue {
            buf: VecDeque::new(),
            capacity,
            start,
            fin_queued: true,
        }
    }

    /// One past the last queued byte (the FIN's sequence number, if any).
    pub(super) fn end(&self) -> SeqNum {
        self.start + self.buf.len() as u32
    }

    /// The FIN's sequence number, once queued.
    pub(super) fn fin_seq(&self) -> Option<SeqNum> {
        self.fin_queued.then(|| self.end())
    }

    /// Drop the bytes before `ack`; return how many.
    pub(super) fn ack(&mut self, ack: SeqNum) -> u32 {
        let n = ack.since(self.start).min(self.buf.len() as u32);
        self.buf.drain(..n as usize);
        self.start += n;
        n
    }

    /// The `len` bytes starting at sequence number `seq`: borrowed where
    /// they lie in one piece of the ring, which is nearly always, else
    /// copied into `scratch`.
    fn bytes<'a>(&'a self, seq: SeqNum, len: usize, scratch: &'a mut Vec<u8>) -> &'a [u8] {
        let from = (seq.since(self.start) as usize).min(self.buf.len());
        let to = from.saturating_add(len).min(self.buf.len());
        let (head, tail) = self.buf.as_slices();
        if to <= head.len() {
            return &head[from..to];
        }
        if from >= head.len() {
            return &tail[from - head.len()..to - head.len()];
        }
        scratch.clear();
        scratch.extend_from_slice(&head[from..]);
        scratch.extend_from_slice(&tail[..to - head.len()]);
        scratch
    }

    /// Forget everything (the connection is gone).
    pub(super) fn clear(&mut self) {
        let n = self.buf.len() as u32;
        self.buf.clear();
        self.start += n;
    }
}

impl Tcb {
    /// Send data and FIN as the windows allow; return whether anything was
    /// sent. In order: a retransmission of the first unacknowledged segment
    /// (fast retransmit, partial ACK), a zero-window probe, then segments
    /// from SND.NXT (new data, or data sent again after a timeout, skipping
    /// what the peer has SACKed). In SACK-based recovery, RFC 6675's rules
    /// choose instead ([`Tcb::send_in_sack_recovery`]).
    pub(super) fn send_data(
        &mut self,
        now: SimTime,
        emit: &mut dyn FnMut(&TcpRepr, &[u8]),
    ) -> bool {
        let mut sent = false;
        if self.rexmit_head {
            self.rexmit_head = false;
            if self.snd_una.lt(self.snd_max) {
                let len = self.send.end().since(self.snd_una).min(self.data_room()) as usize;
                let fin = self.send.fin_seq() == Some(self.snd_una + len as u32);
                self.transmit(now, self.snd_una, len, fin, false, emit);
                sent = true;
            }
        }
        if self.probe_pending {
            self.probe_pending = false;
            sent |= self.send_probe(now, emit);
        }
        if self.in_sack_recovery() {
            return self.send_in_sack_recovery(now, emit) || sent;
        }
        let limited = self.limited_transmit();
        loop {
            let flight = self.snd_nxt.since(self.snd_una);
            let room = (self.cc.cwnd + limited).saturating_sub(flight);
            if !self.send_from_snd_nxt(now, room, emit) {
                break;
            }
            sent = true;
        }
        sent
    }

    /// Limited Transmit (RFC 3042): on the first and second duplicate ACK,
    /// one new segment each may go beyond cwnd, so that a loss in a small
    /// window still brings the third duplicate ACK instead of a timeout.
    /// Used with SACK (whose dupacks it counts); simnet's classic TCP keeps
    /// RFC 5681 alone.
    fn limited_transmit(&self) -> u32 {
        let fresh = self.snd_nxt == self.snd_max;
        if self.cc.sack && !self.in_sack_recovery() && fresh {
            self.cc.dupacks.min(2) * self.mss
        } else {
            0
        }
    }

    /// Send one segment from SND.NXT (new data, data sent again after a
    /// timeout, or the FIN), within the peer's window and `cwnd_room`
    /// bytes, Nagle permitting; return whether one went.
    fn send_from_snd_nxt(
        &mut self,
        now: SimTime,
        cwnd_room: u32,
        emit: &mut dyn FnMut(&TcpRepr, &[u8]),
    ) -> bool {
        let mut until_sacked = u32::MAX;
        if self.opts.sack && self.snd_nxt.lt(self.snd_max) {
            // Going back after a timeout: what the peer holds is not sent
            // again (RFC 6675 §5.1).
            let (hole, room) = self.sb.next_hole(self.snd_nxt);
            self.snd_nxt = hole.min(self.snd_max);
            until_sacked = room;
        }
        let end = self.send.end();
        let wnd_end = self.snd_una + self.snd_wnd;
        let wnd_room = wnd_end.since(self.snd_nxt);
        if self.snd_nxt.lt(end) {
            let avail = end.since(self.snd_nxt);
            let room = wnd_room.min(cwnd_room);
            let len = avail.min(self.data_room()).min(room).min(until_sacked);
            if len == 0 {
                return false;
            }
            let resend = self.snd_nxt.lt(self.snd_max);
            if !resend && !self.may_send(len, avail) {
                return false;
            }
            // The FIN rides on the last segment if the window has room
            // for its sequence number too.
            let fin = self.send.fin_queued && len == avail && wnd_room > len;
            self.transmit(now, self.snd_nxt, len as usize, fin, true, emit);
            self.snd_nxt += len + u32::from(fin);
            true
        } else if self.send.fin_seq() == Some(self.snd_nxt) && wnd_room > 0 {
            self.transmit(now, self.snd_nxt, 0, true, true, emit);
            self.snd_nxt += 1;
            true
        } else {
            false
        }
    }

    /// Whether loss recovery is under way and follows RFC 6675.
    pub(super) fn in_sack_recovery(&self) -> bool {
        self.cc.sack && self.cc.phase == super::congestion::Phase::Recovery
    }

    /// RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, send the segment
    /// `NextSeg` names: (1) the first hole above HighRxt that `IsLost`
    /// deems lost, (2) new data, (3) a hole below the highest SACKed byte.
    /// (The optional rescue retransmission, rule 4, is not sent.) Returns
    /// whether anything was sent.
    fn send_in_sack_recovery(
        &mut self,
        now: SimTime,
        emit: &mut dyn FnMut(&TcpRepr, &[u8]),
    ) -> bool {
        let mut sent = false;
        loop {
            let lost = self.sb.lost_boundary(self.mss, self.snd_una);
            let pipe = self.sb.pipe(self.snd_una, self.snd_max, lost);
            let (hole, room) = self.sb.next_hole(self.sb.high_rxt.max(self.snd_una));
            let lost_hole = hole.lt(lost) && hole.lt(self.snd_max);
            // §5 (4.3): the first segment presumed lost goes at once, pipe
            // or not (only it: nothing else bypasses pipe); then (C) as
            // pipe allows.
            let first = lost_hole && self.sb.nothing_resent() && hole == self.snd_una;
            if !first && self.cc.cwnd < pipe.saturating_add(self.mss) {
                break;
            }
            let below_sacked = self.sb.highest().is_some_and(|high| hole.lt(high));
            let went = if lost_hole {
                self.retransmit_hole(now, hole, room, emit)
            } else if self.snd_nxt == self.snd_max && self.send_from_snd_nxt(now, u32::MAX, emit) {
                true
            } else if below_sacked {
                self.retransmit_hole(now, hole, room, emit)
            } else {
                false
            };
            if !went {
                break;
            }
            sent = true;
        }
        sent
    }

    /// Send the hole at `seq` again: at most one MSS and `room` bytes (up
    /// to the next SACKed range), with the FIN if it ends there; HighRxt
    /// moves past it. Returns whether anything was sent.
    fn retransmit_hole(
        &mut self,
        now: SimTime,
        seq: SeqNum,
        room: u32,
        emit: &mut dyn FnMut(&TcpRepr, &[u8]),
    ) -> bool {
        let len = self.send.end().since(seq).min(self.data_room()).min(room);
        let fin = self.send.fin_seq() == Some(seq + len) && (seq + len).lt(self.snd_max);
        if len == 0 && !fin {
            return false;
        }
        self.events.push(super::TcpEvent::Retransmit {
            seq: seq.0,
            len: len as usize,
            why: super::RetransmitCause::Sack,
        });
        self.transmit(now, seq, len as usize, fin, false, emit);
        self.sb.high_rxt = seq + len + u32::from(fin);
        self.sb.note_resent(seq, self.snd_max);
        true
    }

    /// Whether a segment of `len` bytes (less than or equal to the `avail`
    /// bytes queued from SND.NXT) may go now, or should wait for more data
    /// or for ACKs (RFC 9293 §3.8.6.2.1, sender SWS avoidance, with Nagle's
    /// algorithm, RFC 9293 §3.7.4 and RFC 896). Send:
    /// 1. a full-sized segment;
    /// 2. all the queued data, if nothing is unacknowledged (Nagle), or
    ///    Nagle is off (`TCP_NODELAY`), or a FIN follows (closing pushes);
    /// 3. at least half the largest window the peer has offered.
    ///
    /// Held data goes out when an ACK arrives, or, if none can (nothing
    /// outstanding, the peer's window too small), when the persist timer
    /// fires, which stands in for RFC 9293's override timeout.
    fn may_send(&self, len: u32, avail: u32) -> bool {
        if len >= self.data_room() {
            return true;
        }
        if len == avail && (self.nodelay || self.snd_una == self.snd_max || self.send.fin_queued) {
            return true;
        }
        self.max_snd_wnd > 0 && len >= self.max_snd_wnd.div_ceil(2)
    }

    /// The persist timer fired (RFC 9293 §3.8.6.1, RFC 1122 4.2.2.17). With
    /// the peer's window at zero: send one byte beyond the window (or the
    /// FIN, if no data waits) without advancing SND.NXT; its ACK tells us
    /// the window. With a small open window that SWS avoidance would not
    /// fill: send what fits (as Linux's `tcp_write_wakeup`).
    fn send_probe(&mut self, now: SimTime, emit: &mut dyn FnMut(&TcpRepr, &[u8])) -> bool {
        if self.snd_nxt != self.snd_una {
            return false; // data in flight: its ACK will do
        }
        let end = self.send.end();
        if self.snd_wnd == 0 {
            if self.snd_nxt.lt(end) {
                self.transmit(now, self.snd_nxt, 1, false, false, emit);
            } else if self.send.fin_seq() == Some(self.snd_nxt) {
                self.transmit(now, self.snd_nxt, 0, true, false, emit);
            } else {
                return false;
            }
            return true;
        }
        let room = (self.snd_una + self.snd_wnd).since(self.snd_nxt);
        let len = end.since(self.snd_nxt).min(self.data_room()).min(room);
        if len == 0 {
            return false;
        }
        self.transmit(now, self.snd_nxt, len as usize, false, true, emit);
        self.snd_nxt += len;
        true
    }

    /// Emit one segment of data starting at `seq` (and/or a FIN after it).
    /// Updates SND.MAX, and starts timing it for an RTT sample if it is new
    /// data, `timed`, and no other segment is being timed (Karn's rule:
    /// segments sent before are never timed).
    fn transmit(
        &mut self,
        now: SimTime,
        seq: SeqNum,
        len: usize,
        fin: bool,
        timed: bool,
        emit: &mut dyn FnMut(&TcpRepr, &[u8]),
    ) {
        let end = seq + len as u32 + u32::from(fin);
        let fresh = seq.ge(self.snd_max);
        if fresh && timed && self.rtt_timing.is_none() {
            self.rtt_timing = Some((end, now));
        }
        self.snd_max = self.snd_max.max(end);
        let mut repr = self.header(now, seq);
        repr.flags.fin = fin;
        repr.flags.psh = len > 0 && seq + len as u32 == self.send.end();
        let payload = self.send.bytes(seq, len, &mut self.scratch);
        repr.payload_len = payload.len();
        emit(&repr, payload);
    }
}
