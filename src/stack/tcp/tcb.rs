//! The Transmission Control Block (RFC 9293 §3.3.1): the state of one
//! connection, how it opens, and the application's calls on it.
//!
//! Segment arrival is in `input.rs`, segment output in `output.rs` and
//! `send.rs`, the receive side in `recv.rs`, timers in `timers.rs`.

use crate::sim::SimTime;
use crate::wire::tcp::{TcpFlags, TcpRepr};

use super::congestion::Congestion;
use super::options::Negotiated;
use super::recv::RecvQueue;
use super::rto::RttEstimator;
use super::sack::Scoreboard;
use super::send::SendQueue;
use super::{
    Endpoints, SeqNum, State, TcpConfig, TcpError, TcpEvent, DEFAULT_PEER_MSS, MAX_WINDOW,
};

/// The smallest send MSS accepted from a peer's MSS option (Linux's
/// `TCP_MIN_SND_MSS`): a peer announcing less is sent 48-byte segments,
/// and an MSS of 0 cannot stall the sender.
const MIN_SND_MSS: u16 = 48;

/// At most this many RSTs wait for `dispatch`: each arriving segment queues
/// at most one, so a flood between two dispatches cannot grow memory.
const MAX_QUEUED_RSTS: usize = 8;

/// One TCP connection. See the module documentation for how to drive it.
#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
pub struct Tcb {
    pub(super) config: TcpConfig,
    pub(super) ends: Endpoints,
    pub(super) state: State,
    /// Opened by `accept` (a listener's SYN) rather than `connect`.
    pub(super) passive: bool,
    /// The handshake completed at some point.
    pub(super) was_established: bool,
    /// The application called `close` or `abort`: nobody reads any more.
    pub(super) app_closed: bool,
    /// An error the application has not seen yet.
    pub(super) error: Option<TcpError>,
    /// Events not yet handed out.
    pub(super) events: Vec<TcpEvent>,
    pub(super) nodelay: bool,

    // Send sequence space (RFC 9293 §3.3.1).
    pub(super) iss: SeqNum,
    /// Oldest unacknowledged sequence number.
    pub(super) snd_una: SeqNum,
    /// Next sequence number to send (moved back to `snd_una` by a timeout:
    /// go-back-N).
    pub(super) snd_nxt: SeqNum,
    /// One past the highest sequence number ever sent: ACKs up to it are
    /// acceptable.
    pub(super) snd_max: SeqNum,
    pub(super) snd_wnd: u32,
    pub(super) snd_wl1: SeqNum,
    pub(super) snd_wl2: SeqNum,
    /// The largest window the peer has advertised (sender SWS avoidance).
    pub(super) max_snd_wnd: u32,
    /// The effective send MSS: min(peer's MSS option or 536, ours).
    pub(super) mss: u32,
    pub(super) send: SendQueue,

    // Receive sequence space.
    pub(super) irs: SeqNum,
    pub(super) rcv_nxt: SeqNum,
    /// The right edge of the window last advertised: never moved left.
    pub(super) rcv_adv: SeqNum,
    /// `rcv_nxt` when we last sent an ACK (Linux's `rcv_wup`).
    pub(super) ack_sent_upto: SeqNum,
    /// The last window we advertised was zero (reported once when it
    /// closes).
    pub(super) window_closed: bool,
    /// The most we are prepared to advertise yet (Linux's `rcv_ssthresh`):
    /// it starts at the SYN's 64 KiB and grows as data arrives, so a large
    /// buffer's window opens over a few round trips, as on Linux.
    pub(super) rcv_ssthresh: u32,
    pub(super) recv: RecvQueue,
    /// A duplicate segment just arrived: its range goes first in the next
    /// ACK's SACK option, as a D-SACK block (RFC 2883).
    pub(super) dsack: Option<(SeqNum, SeqNum)>,
    /// The peer's FIN has been received, in order.
    pub(super) fin_received: bool,

    // What the next dispatch must send.
    pub(super) ack_now: bool,
    /// Retransmit the first unacknowledged segment (fast retransmit).
    pub(super) rexmit_head: bool,
    /// The persist timer fired: send a probe.
    pub(super) probe_pending: bool,
    pub(super) rst_out: Vec<TcpRepr>,

    // Timers: each is the time it fires, or None.
    pub(super) rto_at: Option<SimTime>,
    pub(super) persist_at: Option<SimTime>,
    /// `persist_at` when last reported (see `report_persist_timer`).
    pub(super) persist_reported: Option<SimTime>,
    pub(super) ack_at: Option<SimTime>,
    /// TIME-WAIT, or an orphan's FIN-WAIT-2 timeout.
    pub(super) close_at: Option<SimTime>,
    /// When we last sent an ACK for an out-of-window segment (RFC 5961 §7).
    pub(super) last_oow_ack: Option<SimTime>,
    /// Consecutive retransmission timeouts without progress.
    pub(super) retries: u32,
    /// Zero-window probes since the peer last sent an ACK.
    pub(super) probes_out: u32,
    pub(super) persist_backoff: u32,
    pub(super) rtt: RttEstimator,
    /// The segment being timed: (sequence number its ACK must reach, when it
    /// was sent).
    pub(super) rtt_timing: Option<(SeqNum, SimTime)>,
    pub(super) cc: Congestion,
    /// The options the handshake settled, and the timestamp state.
    pub(super) opts: Negotiated,
    /// What the peer has SACKed (RFC 6675).
    pub(super) sb: Scoreboard,

    /// Reused for each outgoing payload.
    pub(super) scratch: Vec<u8>,
}

impl Tcb {
    pub(super) fn new(ends: Endpoints, iss: u32, config: TcpConfig, passive: bool) -> Tcb {
        let iss = SeqNum(iss);
        Tcb {
            config,
            ends,
            state: State::Closed,
            passive,
            was_established: false,
            app_closed: false,
            error: None,
            events: Vec::new(),
            nodelay: !config.nagle,
            iss,
            snd_una: iss,
            snd_nxt: iss,
            snd_max: iss,
            snd_wnd: 0,
            snd_wl1: SeqNum(0),
            snd_wl2: iss,
            max_snd_wnd: 0,
            mss: u32::from(config.mss.max(1)),
            send: SendQueue::new(config.send_buffer, iss + 1),
            irs: SeqNum(0),
            rcv_nxt: SeqNum(0),
            rcv_adv: SeqNum(0),
            ack_sent_upto: SeqNum(0),
            window_closed: false,
            rcv_ssthresh: MAX_WINDOW,
            recv: RecvQueue::new(config.recv_buffer),
            dsack: None,
            fin_received: false,
            ack_now: false,
            rexmit_head: false,
            probe_pending: false,
            rst_out: Vec::new(),
            rto_at: None,
            persist_at: None,
            persist_reported: None,
            ack_at: None,
            close_at: None,
            last_oow_ack: None,
            retries: 0,
            probes_out: 0,
            persist_backoff: 0,
            rtt: RttEstimator::new(&config),
            rtt_timing: None,
            cc: Congestion::new(u32::from(config.mss.max(1)), iss, MAX_WINDOW, false),
            opts: Negotiated {
                // A per-connection offset for the timestamp clock, from the
                // ISS (already drawn from the run's seeded stream).
                ts_offset: iss.0.rotate_left(11) ^ 0x5bd1_e995,
                ..Negotiated::default()
            },
            sb: Scoreboard::default(),
            scratch: Vec::new(),
        }
    }

    /// Active open: SYN-SENT, a SYN (with our MSS and the options the
    /// configuration offers) ready for `dispatch` (RFC 9293 §3.10.1).
    pub fn connect(_now: SimTime, ends: Endpoints, iss: u32, config: TcpConfig) -> Tcb {
        let mut tcb = Tcb::new(ends, iss, config, false);
        tcb.set_state(State::SynSent);
        tcb
    }

    /// Passive open by a listener that got `syn`: SYN-RECEIVED, a SYN-ACK
    /// ready for `dispatch` (RFC 9293 §3.10.7.2). Data carried by the SYN is
    /// not taken (as Linux without TCP Fast Open): the peer sends it again.
    pub fn accept(
        now: SimTime,
        ends: Endpoints,
        syn: &TcpRepr,
        iss: u32,
        config: TcpConfig,
    ) -> Tcb {
        let mut tcb = Tcb::new(ends, iss, config, true);
        tcb.state = State::Listen;
        tcb.synchronize_receive(now, syn);
        tcb.set_state(State::SynReceived);
        tcb
    }

    /// Take the peer's SYN: IRS, RCV.NXT, the options both ends use, the
    /// window we offer and the effective send MSS (RFC 9293 §3.7.1), less
    /// the bytes the timestamps take in every segment.
    pub(super) fn synchronize_receive(&mut self, now: SimTime, syn: &TcpRepr) {
        self.irs = SeqNum(syn.seq);
        self.rcv_nxt = self.irs + 1;
        self.ack_sent_upto = self.rcv_nxt;
        self.negotiate(now, syn);
        // Our SYN's window is never scaled (RFC 7323 §2.2).
        self.rcv_ssthresh = self.recv.max_window().min(MAX_WINDOW);
        self.rcv_adv = self.rcv_nxt + self.rcv_ssthresh;
        let peer = syn.mss.unwrap_or(DEFAULT_PEER_MSS).max(MIN_SND_MSS);
        let mss = u32::from(peer.min(self.config.mss.max(1)));
        self.mss = mss
            .saturating_sub(self.option_overhead())
            .max(u32::from(MIN_SND_MSS));
    }

    /// Enter ESTABLISHED: start congestion control (RFC 5681 §3.1), and go
    /// on to FIN-WAIT-1 if the application already shut down writing. The
    /// initial ssthresh is the largest window the peer can advertise.
    pub(super) fn establish(&mut self) {
        let peer_max = MAX_WINDOW << self.opts.snd_shift;
        self.cc = Congestion::new(self.mss, self.iss, peer_max, self.opts.sack);
        self.retries = 0;
        self.set_state(State::Established);
        self.events.push(self.cc.event("slow start"));
        if self.send.fin_queued {
            self.set_state(State::FinWait1);
        }
    }

    /// Change state, reporting it; CLOSED stops every timer.
    pub(super) fn set_state(&mut self, to: State) {
        if to == self.state {
            return;
        }
        self.events.push(TcpEvent::StateChange {
            from: self.state,
            to,
        });
        self.state = to;
        if to == State::Established {
            self.was_established = true;
        }
        if to == State::Closed {
            self.rto_at = None;
            self.persist_at = None;
            self.ack_at = None;
            self.close_at = None;
            self.ack_now = false;
            self.rexmit_head = false;
            self.probe_pending = false;
            self.send.clear();
            self.sb.clear();
        }
    }

    /// The connection failed with `error`: CLOSED, no RST sent.
    pub(super) fn fail(&mut self, error: TcpError) {
        self.events.push(TcpEvent::Failed { error });
        self.error = Some(error);
        self.set_state(State::Closed);
    }

    /// Queue a RST for the next `dispatch`.
    pub(super) fn queue_rst(&mut self, rst: TcpRepr, why: &'static str) {
        if self.rst_out.len() < MAX_QUEUED_RSTS {
            self.events.push(TcpEvent::ResetSent { why });
            self.rst_out.push(rst);
        }
    }

    /// Reset the connection from our side, as Linux's
    /// `tcp_send_active_reset`: `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>`,
    /// sent only from the states where Linux sends one (`tcp_need_reset`).
    fn active_reset(&mut self, why: &'static str) {
        if matches!(
            self.state,
            State::SynReceived
                | State::Established
                | State::FinWait1
                | State::FinWait2
                | State::CloseWait
        ) {
            let rst = TcpRepr {
                src_port: self.ends.local.port(),
                dst_port: self.ends.remote.port(),
                seq: self.snd_nxt.0,
                ack: self.rcv_nxt.0,
                flags: TcpFlags {
                    rst: true,
                    ack: true,
                    ..TcpFlags::default()
                },
                ..TcpRepr::default()
            };
            self.queue_rst(rst, why);
        }
        self.set_state(State::Closed);
    }

    /// Queue `data` for sending: copies what fits in the send buffer and
    /// returns how much (0 when it is full: a blocking caller waits for
    /// [`Tcb::send_space`]). Data queued before the handshake completes
    /// leaves after it (RFC 9293 §3.10.2).
    ///
    /// Errors: a pending error first (e.g. [`TcpError::Reset`], reported
    /// once, as Linux's `sk_err`), then [`TcpError::Pipe`] once writing is
    /// shut down or the connection is gone.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, TcpError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if !self.can_write() {
            return Err(TcpError::Pipe);
        }
        Ok(self.send.push(data))
    }

    /// The rest of a blocking write of which some bytes are queued already:
    /// as [`Tcb::send`], except that a pending error is returned without
    /// being consumed. Linux's `tcp_sendmsg` returns the count it copied and
    /// leaves `sk_err` set, so the next call (a read after the data still
    /// queued for it, a write, `SO_ERROR`) reports the error.
    pub fn send_more(&mut self, data: &[u8]) -> Result<usize, TcpError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        self.send(data)
    }

    fn can_write(&self) -> bool {
        !self.send.fin_queued
            && !self.app_closed
            && matches!(
                self.state,
                State::SynSent | State::SynReceived | State::Established | State::CloseWait
            )
    }

    /// Read received data into `buf` (or copy it without consuming it, if
    /// `peek`). Returns `Ok(n)` with `n > 0` for data, `Ok(0)` at end of
    /// stream (the peer's FIN is read, or the connection ended after its
    /// error was reported), a pending error (reported once), or
    /// `Err(TcpError::WouldBlock)` when nothing is there yet.
    ///
    /// The order is Linux's (`tcp_recvmsg`): data first, even after a RST;
    /// then end of stream once the peer's FIN was received (`SOCK_DONE`),
    /// which leaves a later error pending for a write or `SO_ERROR`; then
    /// the error.
    pub fn recv(&mut self, buf: &mut [u8], peek: bool) -> Result<usize, TcpError> {
        if self.recv.readable() > 0 && !buf.is_empty() {
            let n = self.recv.read(buf, peek);
            if !peek {
                self.after_read();
            }
            return Ok(n);
        }
        self.recv_end(buf.is_empty(), peek)
    }

    /// Whether anything waits for the host's flush: a segment to send (an
    /// ACK or window update, a retransmission, a probe, a RST) or an event
    /// to report. After a read that took data, only a window update the
    /// read decided on ([`Tcb::recv`], Linux's `tcp_cleanup_rbuf` rule) can
    /// be waiting, since everything else was flushed where it happened; a
    /// read with nothing waiting changed only how full the receive buffer
    /// is, which the next segment's window says anyway.
    pub fn has_pending(&self) -> bool {
        self.ack_now
            || self.rexmit_head
            || self.probe_pending
            || !self.rst_out.is_empty()
            || !self.events.is_empty()
    }

    /// [`Tcb::recv`] of up to `max` bytes appended to `out` (which need not
    /// be zeroed first): the host's read path, which hands the bytes to the
    /// process in a reused buffer.
    pub fn recv_append(
        &mut self,
        out: &mut Vec<u8>,
        max: usize,
        peek: bool,
    ) -> Result<usize, TcpError> {
        if self.recv.readable() > 0 && max > 0 {
            let n = self.recv.read_append(out, max, peek);
            if !peek {
                self.after_read();
            }
            return Ok(n);
        }
        self.recv_end(max == 0, peek)
    }

    /// What a read returns when it takes no data: 0 for an empty buffer
    /// while data waits, end of stream, the error (kept if `peek`), or
    /// `WouldBlock`.
    fn recv_end(&mut self, empty_buffer: bool, peek: bool) -> Result<usize, TcpError> {
        if self.recv.readable() > 0 && empty_buffer {
            return Ok(0);
        }
        if self.fin_received {
            return Ok(0);
        }
        if let Some(error) = self.error {
            if !peek {
                self.error = None;
            }
            return Err(error);
        }
        if self.state == State::Closed {
            return Ok(0);
        }
        Err(TcpError::WouldBlock)
    }

    /// Half-close: send a FIN once the queued data is sent (RFC 9293
    /// §3.10.4). Before the handshake completes, the FIN waits for it.
    /// Receiving goes on.
    pub fn shutdown_write(&mut self) {
        match self.state {
            State::SynSent | State::SynReceived => self.send.fin_queued = true,
            State::Established => {
                self.send.fin_queued = true;
                self.set_state(State::FinWait1);
            }
            State::CloseWait => {
                self.send.fin_queued = true;
                self.set_state(State::LastAck);
            }
            _ => {}
        }
    }

    /// The application closed the socket (RFC 9293 §3.10.4). If received
    /// data was left unread, the connection is reset at once, as Linux does
    /// (RFC 2525 §2.17): a RST is queued and the state is CLOSED. Otherwise
    /// a FIN follows the queued data, and the connection finishes in the
    /// background (through TIME-WAIT, or the FIN-WAIT-2 timeout). Before the
    /// handshake completes, the connection is simply dropped. Data arriving
    /// after this is answered with a RST.
    pub fn close(&mut self) {
        if self.app_closed {
            return;
        }
        self.app_closed = true;
        self.error = None;
        match self.state {
            State::Closed => {}
            State::Listen | State::SynSent => self.set_state(State::Closed),
            _ if self.recv.readable() > 0 => {
                self.recv.clear();
                self.active_reset("closed with unread data");
            }
            _ => self.shutdown_write(),
        }
    }

    /// Reset the connection now (also a `close`: what `SO_LINGER` with a
    /// zero timeout does on Linux).
    pub fn abort(&mut self) {
        self.app_closed = true;
        self.error = None;
        self.recv.clear();
        self.active_reset("aborted");
    }

    /// Resize the receive buffer (`SO_RCVBUF`, the bytes it holds). The
    /// window grows or shrinks with it, never beyond what the window scale
    /// settled in the handshake allows, and the right edge already offered
    /// never moves left (RFC 9293 §3.8.6): a smaller buffer shows as the
    /// window closes.
    pub fn set_recv_buffer(&mut self, bytes: usize) {
        self.config.recv_buffer = bytes;
        self.recv.set_capacity(bytes);
    }

    /// Resize the send buffer (`SO_SNDBUF`): what is queued already stays.
    pub fn set_send_buffer(&mut self, bytes: usize) {
        self.config.send_buffer = bytes;
        self.send.set_capacity(bytes);
    }

    /// The receive and send buffer sizes, in bytes.
    pub fn buffers(&self) -> (usize, usize) {
        (self.config.recv_buffer, self.config.send_buffer)
    }

    /// Turn Nagle's algorithm off (`TCP_NODELAY`) or back on.
    pub fn set_nodelay(&mut self, on: bool) {
        self.nodelay = on;
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> bool {
        self.nodelay
    }

    /// The state (RFC 9293 §3.3.2).
    pub fn state(&self) -> State {
        self.state
    }

    /// Our and the peer's addresses.
    pub fn ends(&self) -> Endpoints {
        self.ends
    }

    /// Whether `recv` would return without blocking: data, end of stream,
    /// or an error.
    pub fn recv_ready(&self) -> bool {
        self.recv.readable() > 0
            || self.error.is_some()
            || self.fin_received
            || self.state == State::Closed
    }

    /// Bytes a `recv` could return now.
    pub fn recv_available(&self) -> usize {
        self.recv.readable()
    }

    /// Free bytes in the send buffer (0 once writing is impossible).
    pub fn send_space(&self) -> usize {
        if self.can_write() {
            self.send.free()
        } else {
            0
        }
    }

    /// The error not yet reported, taking it (`SO_ERROR`).
    pub fn take_error(&mut self) -> Option<TcpError> {
        self.error.take()
    }

    /// Whether the connection is finished and nobody can want it any more:
    /// CLOSED, and either the application has closed it or it never
    /// completed the handshake of a passive open (so it never reached an
    /// accept queue). The host then drops it. A CLOSED connection the
    /// application still holds keeps answering `recv` (remaining data, EOF,
    /// the error) until it is closed.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed && (self.app_closed || (self.passive && !self.was_established))
    }

    /// Whether the three-way handshake completed (the connection belongs in
    /// its listener's accept queue, even if it has since been closed or
    /// reset).
    pub fn established(&self) -> bool {
        self.was_established
    }

    /// Hand out the events recorded by application calls (state changes on
    /// `close`, window updates on `recv`) and by `dispatch` (a zero window
    /// advertised, the persist timer armed) since the last `on_segment`,
    /// `on_time` or `take_events`.
    pub fn take_events(&mut self, events: &mut Vec<TcpEvent>) {
        self.flush_events(events);
    }

    /// The effective send MSS: min of the peer's and ours, less the 12
    /// bytes of timestamps when they are in use.
    pub fn mss(&self) -> u16 {
        u16::try_from(self.mss).unwrap_or(u16::MAX)
    }

    /// The congestion window, in bytes.
    pub fn cwnd(&self) -> u32 {
        self.cc.cwnd
    }

    /// The slow start threshold, in bytes.
    pub fn ssthresh(&self) -> u32 {
        self.cc.ssthresh
    }

    /// The current retransmission timeout (backed off after timeouts).
    pub fn rto(&self) -> std::time::Duration {
        self.rtt.rto()
    }

    /// The smoothed round-trip time, once measured.
    pub fn srtt(&self) -> Option<std::time::Duration> {
        self.rtt.srtt()
    }

    /// Bytes sent but not yet acknowledged, counting SYN and FIN.
    pub fn in_flight(&self) -> u32 {
        self.snd_max.since(self.snd_una)
    }

    /// The window shifts in use, (ours, the peer's): both 0 unless both
    /// SYNs carried the window scale option (RFC 7323 §2).
    pub fn window_shifts(&self) -> (u8, u8) {
        (self.opts.rcv_shift, self.opts.snd_shift)
    }

    /// Whether both ends permitted SACK (RFC 2018).
    pub fn sack_enabled(&self) -> bool {
        self.opts.sack
    }

    /// Whether both ends send timestamps (RFC 7323 §3).
    pub fn timestamps_enabled(&self) -> bool {
        self.opts.timestamps
    }

    /// The peer's window, in bytes (scaled).
    pub fn peer_window_bytes(&self) -> u32 {
        self.snd_wnd
    }

    /// Move out the events recorded internally into `events`.
    ///
    /// The connection keeps its list's room for its next events (the
    /// caller's list is reused too, so neither allocates turn after turn),
    /// until it waits out TIME-WAIT or is closed: then the room goes back,
    /// as thousands of connections may wait there with little left to say.
    pub(super) fn flush_events(&mut self, events: &mut Vec<TcpEvent>) {
        events.append(&mut self.events);
        if matches!(self.state, State::TimeWait | State::Closed) {
            self.events = Vec::new();
        }
    }
}
