//! Segment arrival (RFC 9293 §3.10.7): the checks, in the RFC's order, and
//! what each state does with a segment.

use crate::sim::SimTime;
use crate::wire::tcp::TcpRepr;

use super::congestion::Verdict;
use super::{rst_for_closed, RetransmitCause, SeqNum, State, Tcb, TcpError, TcpEvent};

/// The least time between two ACKs sent for out-of-window segments (RFC
/// 5961 §7): Linux's `tcp_invalid_ratelimit`, 500 ms.
const OOW_ACK_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

impl Tcb {
    /// A segment for this connection arrived (already checksum-checked and
    /// demultiplexed). `payload` is its data; `seg.payload_len` is ignored.
    /// Any segment is safe to give: nonsense is dropped, or answered with an
    /// ACK or RST as the RFC says. Call `dispatch` next, before the next
    /// segment: ACKs owed to several segments are otherwise merged into one
    /// (and the peer's fast retransmit counts duplicate ACKs one by one).
    pub fn on_segment(
        &mut self,
        now: SimTime,
        seg: &TcpRepr,
        payload: &[u8],
        events: &mut Vec<TcpEvent>,
    ) {
        match self.state {
            // RFC 9293 §3.10.7.1: a closed connection answers with a RST.
            State::Closed | State::Listen => {
                if let Some(rst) = rst_for_closed(seg, payload.len()) {
                    self.queue_rst(rst, "connection closed");
                }
            }
            State::SynSent => self.syn_sent_arrives(now, seg, payload),
            _ => self.synchronized_arrives(now, seg, payload),
        }
        self.update_timers(now);
        self.flush_events(events);
    }

    /// RFC 9293 §3.10.7.3, "If the state is SYN-SENT".
    fn syn_sent_arrives(&mut self, now: SimTime, seg: &TcpRepr, payload: &[u8]) {
        let seq = SeqNum(seg.seq);
        let ack = SeqNum(seg.ack);
        // First: the ACK must acknowledge our SYN and nothing beyond.
        if seg.flags.ack && (ack.le(self.iss) || ack.gt(self.snd_max)) {
            if !seg.flags.rst {
                if let Some(rst) = rst_for_closed(seg, payload.len()) {
                    self.queue_rst(rst, "unacceptable ACK in SYN-SENT");
                }
            }
            return;
        }
        // Second: a RST with an acceptable ACK refuses the connection; one
        // without an ACK is dropped.
        if seg.flags.rst {
            if seg.flags.ack {
                self.fail(TcpError::Refused);
            }
            return;
        }
        // Fourth: the SYN.
        if !seg.flags.syn {
            return;
        }
        self.synchronize_receive(now, seg);
        if !seg.flags.ack {
            // Simultaneous open: both SYNs crossed. Answer with a SYN-ACK
            // (the same ISS) and wait for its ACK.
            self.snd_nxt = self.iss;
            self.set_state(State::SynReceived);
            return;
        }
        // SYN-ACK: our SYN is acknowledged.
        self.snd_una = ack;
        self.snd_nxt = self.snd_nxt.max(ack);
        self.take_rtt_sample(now, seg);
        self.update_window(seq, ack, self.peer_window(seg));
        self.establish();
        self.ack_now = true;
        // Sixth and seventh: data (or a FIN) on the SYN-ACK.
        if !payload.is_empty() || seg.flags.fin {
            let (data, fin) = self.trim_end(self.rcv_nxt, payload, seg.flags.fin);
            self.process_text(now, self.rcv_nxt, data, fin);
        }
    }

    /// RFC 9293 §3.10.7.4, "Otherwise": SYN-RECEIVED and every synchronized
    /// state.
    fn synchronized_arrives(&mut self, now: SimTime, seg: &TcpRepr, payload: &[u8]) {
        let flags = seg.flags;
        let seg_seq = SeqNum(seg.seq);
        let ack = SeqNum(seg.ack);

        // The peer's SYN again while ours is unanswered: our SYN-ACK was
        // lost. Send it again now (as Linux; the RFC's ACK would not do).
        if self.state == State::SynReceived
            && flags.syn
            && !flags.ack
            && !flags.rst
            && seg_seq == self.irs
        {
            self.snd_nxt = self.iss;
            return;
        }
        // TIME-WAIT: the only thing that should arrive is the peer's FIN
        // again (our ACK was lost). ACK it and restart the 2 MSL timeout.
        let fin_again = seg_seq + payload.len() as u32 + 1 == self.rcv_nxt;
        if self.state == State::TimeWait && flags.fin && !flags.rst && !flags.syn && fin_again {
            self.ack_now = true;
            self.start_time_wait_timer(now);
            return;
        }

        // PAWS (RFC 7323 §5.3 R1): an old duplicate is not acceptable.
        if self.paws_rejects(now, seg) {
            self.oow_ack(now, seg, payload.len(), false);
            return;
        }
        // First: is the segment acceptable (in the receive window)?
        let Some((seq, data, syn, fin)) = self.trim_to_window(seg, payload) else {
            if !flags.rst {
                self.oow_ack(now, seg, payload.len(), false);
                if !payload.is_empty() {
                    self.events.push(TcpEvent::Duplicate {
                        seq: seg.seq,
                        len: payload.len(),
                    });
                    let end = seg_seq + payload.len() as u32;
                    if end.le(self.rcv_nxt) {
                        self.dsack = Some((seg_seq, end));
                    }
                }
            }
            return;
        };
        if data.len() < payload.len() {
            // Part of it was old or beyond the window: tell the peer where
            // we are (this also answers zero-window probes).
            self.ack_now = true;
        }
        self.update_ts_recent(now, seg);

        // Second: RST. Only one exactly at RCV.NXT resets the connection;
        // one elsewhere in the window gets a challenge ACK (RFC 5961 §3.2).
        if flags.rst {
            if seg_seq != self.rcv_nxt {
                self.oow_ack(now, seg, payload.len(), true);
                return;
            }
            self.reset_received();
            return;
        }
        // Fourth: a SYN in the window of a synchronized connection gets a
        // challenge ACK (RFC 9293 §3.10.7.4, from RFC 5961 §4).
        if syn {
            self.oow_ack(now, seg, payload.len(), true);
            return;
        }
        // Fifth: the ACK field.
        if !flags.ack {
            return;
        }
        if self.state == State::SynReceived {
            if !(self.snd_una.lt(ack) && ack.le(self.snd_max)) {
                if let Some(rst) = rst_for_closed(seg, payload.len()) {
                    self.queue_rst(rst, "unacceptable ACK in SYN-RECEIVED");
                }
                return;
            }
            self.snd_wnd = self.peer_window(seg);
            self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
            self.snd_wl1 = seg_seq;
            self.snd_wl2 = ack;
            self.establish();
        }
        let pure = payload.is_empty() && !flags.syn && !flags.fin;
        if !self.process_ack(now, seg, pure) {
            return;
        }
        match self.state {
            State::FinWait1 if self.fin_acked() => self.set_state(State::FinWait2),
            State::Closing if self.fin_acked() => self.enter_time_wait(now),
            State::LastAck if self.fin_acked() => {
                self.set_state(State::Closed);
                return;
            }
            _ => {}
        }
        // Seventh: the text. An application that closed reads no more:
        // new data is answered with a RST (Linux, RFC 2525 §2.17).
        if self.app_closed
            && !data.is_empty()
            && matches!(self.state, State::FinWait1 | State::FinWait2)
        {
            if let Some(rst) = rst_for_closed(seg, payload.len()) {
                self.queue_rst(rst, "data after close");
            }
            self.set_state(State::Closed);
            return;
        }
        if !data.is_empty() || fin {
            self.process_text(now, seq, data, fin);
        }
    }

    /// The acceptability test of RFC 9293 §3.10.7.4 (first), and trimming:
    /// the part of the segment inside the window, as (seq, data, SYN, FIN),
    /// or `None` if it is unacceptable. With a zero window a segment at
    /// RCV.NXT is kept for its ACK (and a lone FIN, as Linux), its data cut
    /// ("special allowance should be made to accept valid ACKs").
    fn trim_to_window<'a>(
        &self,
        seg: &TcpRepr,
        payload: &'a [u8],
    ) -> Option<(SeqNum, &'a [u8], bool, bool)> {
        let mut seq = SeqNum(seg.seq);
        let (mut syn, fin) = (seg.flags.syn, seg.flags.fin);
        let seg_len = payload.len() as u64 + u64::from(syn) + u64::from(fin);
        let wnd = self.rcv_wnd();
        let wnd_end = self.rcv_nxt + wnd;
        let acceptable = match (seg_len, wnd) {
            (0, 0) => seq == self.rcv_nxt,
            (0, _) => seq.in_range(self.rcv_nxt, wnd_end),
            (_, 0) => false,
            (_, _) => {
                let last = seq + (seg_len - 1) as u32;
                seq.in_range(self.rcv_nxt, wnd_end) || last.in_range(self.rcv_nxt, wnd_end)
            }
        };
        if !acceptable {
            if wnd == 0 && seq == self.rcv_nxt {
                return Some((seq, &[], syn, fin && payload.is_empty()));
            }
            return None;
        }
        // Cut what is before RCV.NXT: the SYN first, then data.
        let mut data = payload;
        let mut cut = self.rcv_nxt.since(seq);
        if cut > 0 && syn {
            syn = false;
            seq += 1;
            cut -= 1;
        }
        let cut = (cut as usize).min(data.len());
        data = &data[cut..];
        seq += cut as u32;
        let (data, fin) = self.trim_end(seq, data, fin);
        Some((seq, data, syn, fin))
    }

    /// Cut data beyond the window's right edge (and the FIN after it).
    fn trim_end<'a>(&self, seq: SeqNum, data: &'a [u8], fin: bool) -> (&'a [u8], bool) {
        let room = (self.rcv_nxt + self.rcv_wnd()).since(seq) as usize;
        if data.len() > room {
            (&data[..room], false)
        } else {
            (data, fin)
        }
    }

    /// A valid RST (RFC 9293 §3.10.7.4, second): the connection is CLOSED,
    /// and an application still holding it gets the error Linux's
    /// `tcp_reset` leaves in `sk_err`. RFC 9293 says "connection reset" for
    /// every synchronized state; Linux differs in CLOSE-WAIT, where the peer
    /// has already said it sends no more: the error is `EPIPE`, which a
    /// read never shows (end of stream comes first) and the next write
    /// does, as "Broken pipe". In TIME-WAIT the socket the application held
    /// is already closed (Linux moved the connection to a timewait socket):
    /// nothing to report.
    fn reset_received(&mut self) {
        match self.state {
            State::SynReceived if self.passive => self.set_state(State::Closed),
            State::SynReceived => self.fail(TcpError::Refused),
            State::TimeWait => self.set_state(State::Closed),
            _ if self.app_closed => self.set_state(State::Closed),
            State::CloseWait => self.fail(TcpError::Pipe),
            _ => self.fail(TcpError::Reset),
        }
    }

    /// The ACK field (RFC 9293 §3.10.7.4, fifth, ESTABLISHED and after), and
    /// the SACK blocks riding on it; returns whether to go on with the
    /// segment.
    fn process_ack(&mut self, now: SimTime, seg: &TcpRepr, pure: bool) -> bool {
        let (seq, ack, window) = (SeqNum(seg.seq), SeqNum(seg.ack), self.peer_window(seg));
        if ack.gt(self.snd_max) {
            // It acknowledges something not yet sent: ACK and drop.
            self.oow_ack(now, seg, 0, true);
            return false;
        }
        // RFC 5681 §2: a duplicate ACK carries no data, SYN or FIN, repeats
        // SND.UNA and the window, while data is outstanding.
        let dup =
            pure && ack == self.snd_una && window == self.snd_wnd && self.snd_nxt != self.snd_una;
        // RFC 6675 §2: with SACK, an ACK is a duplicate when it SACKs data
        // not SACKed before, whatever else it does.
        let newly_sacked = self.opts.sack
            && !seg.sack.is_empty()
            && self
                .sb
                .update(seg.sack.as_slice(), ack.max(self.snd_una), self.snd_max);
        if ack.ge(self.snd_una) {
            self.update_window(seq, ack, window);
        }
        self.probes_out = 0;
        if ack.gt(self.snd_una) {
            self.new_ack(now, seg);
        }
        if self.opts.sack {
            if newly_sacked {
                self.events.push(TcpEvent::Sacked {
                    bytes: self.sb.sacked_bytes(),
                    ranges: self.sb.range_count(),
                });
                self.sack_dupack();
            }
            if self.in_sack_recovery() {
                for seq in self.sb.lost_retransmissions(self.snd_una, self.mss) {
                    self.events
                        .push(TcpEvent::RetransmissionLost { seq: seq.0 });
                }
            }
        } else if dup {
            let verdict = self
                .cc
                .on_dupack(self.snd_una, self.snd_max, &mut self.events);
            if verdict == Verdict::RetransmitHead {
                self.retransmit_head(RetransmitCause::FastRetransmit);
            }
        }
        true
    }

    /// Answer a segment that is out of the window, fails PAWS, or needs a
    /// challenge ACK (`challenge`: a RST or SYN in the window, an ACK of
    /// data not yet sent) with an ACK, at most once per
    /// [`OOW_ACK_INTERVAL`] (RFC 5961 §7; Linux's `tcp_oow_rate_limited`).
    /// A segment with data (not a challenge) is always answered, as on
    /// Linux: its sender waits for that ACK. Without the limit, two ends
    /// that disagree answer each other's ACKs for ever.
    fn oow_ack(&mut self, now: SimTime, seg: &TcpRepr, payload_len: usize, challenge: bool) {
        let occupies = payload_len > 0 || seg.flags.fin;
        if !challenge && occupies && !seg.flags.syn {
            self.ack_now = true;
            return;
        }
        if let Some(last) = self.last_oow_ack {
            if now.saturating_since(last) < OOW_ACK_INTERVAL {
                self.events.push(TcpEvent::AckRateLimited);
                return;
            }
        }
        self.last_oow_ack = Some(now);
        self.ack_now = true;
    }

    /// A duplicate ACK in RFC 6675's sense: count it, and enter SACK
    /// recovery on the third or once the head is deemed lost. Recovery
    /// starts with the head segment deemed lost (§5 (4.3)); what to send
    /// is then `send_in_sack_recovery`'s.
    fn sack_dupack(&mut self) {
        if self.snd_una == self.snd_max {
            return;
        }
        let head_lost = self
            .sb
            .lost_boundary(self.mss, self.snd_una)
            .gt(self.snd_una);
        let verdict =
            self.cc
                .on_sack_dupack(self.snd_una, self.snd_max, head_lost, &mut self.events);
        if verdict == Verdict::RetransmitHead {
            self.sb.start_recovery();
            self.sb.high_rxt = self.snd_una;
            self.sb.lost_floor = self.snd_una + self.mss;
            self.rtt_timing = None; // Karn's rule
        }
    }

    /// SND.UNA advances to the segment's ACK: free the acknowledged data,
    /// take an RTT sample, restart the retransmission timer (RFC 6298 5.2,
    /// 5.3) and let congestion control grow cwnd or recover.
    fn new_ack(&mut self, now: SimTime, seg: &TcpRepr) {
        let ack = SeqNum(seg.ack);
        let acked = self.send.ack(ack);
        self.snd_una = ack;
        self.snd_nxt = self.snd_nxt.max(ack);
        self.sb.ack(ack);
        self.retries = 0;
        self.take_rtt_sample(now, seg);
        self.rto_at = if self.snd_una == self.snd_max {
            None
        } else {
            Some(now + self.rtt.rto())
        };
        let flight = self.snd_max.since(self.snd_una);
        let verdict = self.cc.on_new_ack(acked, ack, flight, &mut self.events);
        if verdict == Verdict::RetransmitHead {
            self.retransmit_head(RetransmitCause::PartialAck);
        }
    }

    /// Ask `dispatch` to resend the first unacknowledged segment.
    fn retransmit_head(&mut self, why: RetransmitCause) {
        if self.snd_una == self.snd_max {
            return;
        }
        self.rexmit_head = true;
        self.rtt_timing = None; // Karn's rule
        let len = self.send.end().since(self.snd_una).min(self.mss);
        self.events.push(TcpEvent::Retransmit {
            seq: self.snd_una.0,
            len: len as usize,
            why,
        });
    }

    /// The send window update rule (RFC 9293 §3.10.7.4, fifth): take the
    /// window from a segment no older than the last one used.
    fn update_window(&mut self, seq: SeqNum, ack: SeqNum, window: u32) {
        let newer = self.snd_wl1.lt(seq)
            || (self.snd_wl1 == seq && self.snd_wl2.le(ack))
            || self.state == State::SynSent;
        if !newer {
            return;
        }
        let old = self.snd_wnd;
        self.snd_wnd = window;
        self.snd_wl1 = seq;
        self.snd_wl2 = ack;
        self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
        if (old == 0) != (self.snd_wnd == 0) && self.state.is_synchronized() {
            self.events.push(TcpEvent::PeerWindow { window });
            self.persist_backoff = 0;
        }
    }

    /// If the segment being timed is now acknowledged, sample the RTT;
    /// if none is being timed (Karn's rule after a retransmission), sample
    /// it from the echoed timestamp (RFC 7323 §4), as Linux does.
    fn take_rtt_sample(&mut self, now: SimTime, seg: &TcpRepr) {
        let ack = SeqNum(seg.ack);
        let sample = match self.rtt_timing {
            Some((end, sent)) if ack.ge(end) => {
                self.rtt_timing = None;
                Some(now.saturating_since(sent))
            }
            Some(_) => None,
            None => self.ts_rtt(now, seg),
        };
        if let Some(r) = sample {
            let (srtt, rttvar, rto) = self.rtt.sample(r);
            self.events.push(TcpEvent::RttSample { srtt, rttvar, rto });
        }
    }
}
