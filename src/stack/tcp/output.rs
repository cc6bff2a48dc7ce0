//! Segment output: what `dispatch` sends, and the header every segment
//! shares.

use crate::sim::SimTime;
use crate::wire::tcp::{TcpFlags, TcpRepr};

use super::{State, Tcb, TcpEvent, MAX_WINDOW};

impl Tcb {
    /// Send what is due now, calling `emit` for each segment (header and
    /// payload): queued RSTs; the SYN or SYN-ACK; retransmissions, data
    /// (within min(cwnd, peer window), Nagle permitting), FIN and probes;
    /// and a pure ACK if one is owed (immediate, or the delayed-ACK timer
    /// fired) and no other segment carried it. Call after every other call
    /// on the `Tcb`; it also arms the retransmission and persist timers, so
    /// read [`Tcb::poll_at`] after it.
    pub fn dispatch(&mut self, now: SimTime, emit: &mut dyn FnMut(&TcpRepr, &[u8])) {
        for rst in self.rst_out.drain(..) {
            emit(&rst, &[]);
        }
        let sent = match self.state {
            State::Closed | State::Listen => false,
            State::SynSent | State::SynReceived => self.send_syn(now, emit),
            _ => self.send_data(now, emit),
        };
        if self.ack_now && !sent && self.state != State::SynSent && self.state != State::Closed {
            let repr = self.header(now, self.snd_nxt);
            emit(&repr, &[]);
        }
        self.ack_now = false;
        self.update_timers(now);
        self.report_persist_timer(now);
    }

    /// The SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), when it is due: at
    /// first, and after a timeout moved SND.NXT back to ISS. It carries our
    /// MSS option (RFC 9293 §3.7.1) and the options we offer or accept
    /// (`options.rs`), and an unscaled window (RFC 7323 §2.2). A SYN sent
    /// for the first time is timed for an RTT sample.
    fn send_syn(&mut self, now: SimTime, emit: &mut dyn FnMut(&TcpRepr, &[u8])) -> bool {
        if self.snd_nxt != self.iss {
            return false;
        }
        let mut repr = if self.state == State::SynReceived {
            self.header_with(now, self.iss, true)
        } else {
            TcpRepr {
                src_port: self.ends.local.port(),
                dst_port: self.ends.remote.port(),
                seq: self.iss.0,
                // At most 65535: u16 holds it.
                window: self.recv.max_window().min(MAX_WINDOW) as u16,
                ..TcpRepr::default()
            }
        };
        repr.flags.syn = true;
        self.syn_options(now, &mut repr);
        emit(&repr, &[]);
        self.snd_nxt = self.iss + 1;
        self.snd_max = self.snd_max.max(self.snd_nxt);
        if self.retries == 0 && self.rtt_timing.is_none() {
            self.rtt_timing = Some((self.snd_nxt, now));
        }
        true
    }

    /// The header of a segment at `seq` that carries an ACK: `<SEQ=seq>
    /// <ACK=RCV.NXT><CTL=ACK>` with the window we advertise, scaled, and
    /// the timestamps and SACK blocks in use. Sending it settles any ACK
    /// owed, so it cancels the delayed-ACK timer and records the window's
    /// right edge.
    pub(super) fn header(&mut self, now: SimTime, seq: super::SeqNum) -> TcpRepr {
        self.header_with(now, seq, false)
    }

    /// [`Tcb::header`], for a SYN-ACK when `syn`: its window is not scaled
    /// (at most 65535), and its options are the SYN's (`syn_options`).
    fn header_with(&mut self, now: SimTime, seq: super::SeqNum, syn: bool) -> TcpRepr {
        let mut bytes = self.window_to_advertise();
        let field = if syn {
            bytes = bytes.min(MAX_WINDOW);
            bytes
        } else {
            bytes >> self.opts.rcv_shift
        };
        if bytes == 0 && !self.window_closed {
            self.events.push(TcpEvent::WindowClosed);
        }
        self.window_closed = bytes == 0;
        self.rcv_adv = self.rcv_adv.max(self.rcv_nxt + bytes);
        self.ack_sent_upto = self.rcv_nxt;
        self.ack_now = false;
        self.ack_at = None;
        let mut repr = TcpRepr {
            src_port: self.ends.local.port(),
            dst_port: self.ends.remote.port(),
            seq: seq.0,
            ack: self.rcv_nxt.0,
            flags: TcpFlags {
                ack: true,
                ..TcpFlags::default()
            },
            // At most 65535 << shift, shifted back: it fits.
            window: u16::try_from(field).unwrap_or(u16::MAX),
            ..TcpRepr::default()
        };
        if !syn {
            self.stamp(now, &mut repr);
            // A D-SACK block is reported once (RFC 2883 §4).
            self.dsack = None;
        }
        repr
    }
}
