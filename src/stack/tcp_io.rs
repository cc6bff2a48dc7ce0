//! TCP on an IP node: segments in and out, connections driven by their
//! state machines ([`super::tcp::Tcb`]), listeners and their queues.

use std::net::{Ipv4Addr, SocketAddrV4};

use super::ip_input::note_unparsable;
use super::ip_node::IpNode;
use super::ip_output::Datagram;
use super::loopback::socket_addrs;
use super::segments::frame_segment;
use super::tcp::{rst_for_closed, Endpoints, State, Tcb, TcpConfig, TcpError, TimeWait};
use super::tcp_table::{Conn, Seen, TcpSocket, TcpTable};
use super::timer::Timer;
use super::udp::{errno, SocketId};
use crate::sim::{bufpool, Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::tcp::TcpPacket;
use crate::wire::{IpProtocol, Ipv4Packet, TcpRepr};

/// The default TTL of TCP segments (Linux's `ip_default_ttl`).
const DEFAULT_TTL: u8 = 64;
/// IPv4 and TCP headers without options: an MSS is the MTU less these.
const HEADERS: u16 = 40;

impl IpNode {
    /// The node's TCP socket table (made on first use).
    pub fn tcp(&mut self) -> &mut TcpTable {
        let (ifaces, config) = (&self.ifaces, self.tcp_config);
        self.tcp
            .get_or_insert_with(|| TcpTable::new(socket_addrs(ifaces), config))
    }

    /// The MSS to announce on a connection to `remote`: the MTU of the
    /// interface it leaves by, less 40 (RFC 9293 §3.7.1).
    fn mss_for(&self, remote: Ipv4Addr) -> u16 {
        let mtu = if self.is_local(remote) {
            u16::MAX
        } else {
            self.route_for(remote)
                .and_then(|r| self.ifaces.get(r.iface))
                .map_or(1500, |i| i.mtu)
        };
        mtu.saturating_sub(HEADERS)
    }

    /// A fresh initial sequence number from the node's seeded stream (RFC
    /// 9293 §3.4.1 asks for unpredictable ones; ours are reproducible).
    fn next_iss(&mut self) -> u32 {
        self.rng.next_u32()
    }

    /// A listener on `addr`.
    pub fn tcp_listen(&mut self, addr: SocketAddrV4) -> Result<SocketId, i32> {
        self.tcp().listen(addr, DEFAULT_TTL)
    }

    /// Opens a connection to `remote`: the SYN goes out now.
    pub fn tcp_connect(
        &mut self,
        now: SimTime,
        remote: SocketAddrV4,
        out: &mut Outbox,
    ) -> Result<SocketId, i32> {
        let local_ip = self.source_for(*remote.ip()).ok_or(errno::ENETUNREACH)?;
        let port = self.tcp().ephemeral_port().ok_or(errno::EAGAIN)?;
        let ends = Endpoints {
            local: SocketAddrV4::new(local_ip, port),
            remote,
        };
        let config = TcpConfig {
            mss: self.mss_for(*remote.ip()),
            ..self.tcp().config
        };
        let iss = self.next_iss();
        let tcb = Tcb::connect(now, ends, iss, config);
        let id = self.tcp().insert_conn(tcb, None, DEFAULT_TTL);
        self.tcp_flush(now, id, out);
        Ok(id)
    }

    /// Where connection `id` stands for a process waiting in `connect`:
    /// `Ok(true)` once established, `Ok(false)` while the handshake goes on.
    pub fn tcp_connected(&mut self, id: SocketId) -> Result<bool, i32> {
        let conn = self.tcp().conn(id).ok_or(errno::EBADF)?;
        if let Some(e) = conn.tcb.take_error() {
            return Err(e.errno());
        }
        if conn.tcb.is_closed() {
            return Err(TcpError::Refused.errno());
        }
        Ok(conn.tcb.established())
    }

    /// Takes a connection from listener `id`'s accept queue (`None`: empty).
    pub fn tcp_accept(&mut self, id: SocketId) -> Result<Option<(SocketId, SocketAddrV4)>, i32> {
        let table = self.tcp();
        let listener = table.listener(id).ok_or(errno::EINVAL)?;
        let Some(conn_id) = listener.ready.pop_front() else {
            return Ok(None);
        };
        let conn = table.conn(conn_id).ok_or(errno::EBADF)?;
        conn.listener = None;
        Ok(Some((conn_id, conn.tcb.ends().remote)))
    }

    /// Reads up to `max` bytes from connection `id`: `Some` (empty at end
    /// of stream), or `None` when nothing is there yet.
    pub fn tcp_read(
        &mut self,
        now: SimTime,
        id: SocketId,
        max: usize,
        peek: bool,
        out: &mut Outbox,
    ) -> Result<Option<Vec<u8>>, i32> {
        let conn = self.tcp().conn(id).ok_or(errno::EBADF)?;
        if conn.read_shut {
            return Ok(Some(Vec::new()));
        }
        // A reused buffer, filled without zeroing: allocating and zeroing
        // one for each read was a tenth of a bulk transfer's time.
        let mut buf = bufpool::take();
        let result = match conn.tcb.recv_append(&mut buf, max, peek) {
            Ok(_) => Ok(Some(buf)),
            // Nothing read: the buffer goes back for the next try.
            Err(TcpError::WouldBlock) => {
                bufpool::give(buf);
                Ok(None)
            }
            Err(e) => {
                bufpool::give(buf);
                Err(e.errno())
            }
        };
        self.flush_after_read(now, id, &result, out);
        result
    }

    /// [`IpNode::tcp_read`] into the caller's own buffer: `Some(n)` bytes
    /// copied (0 at end of stream, or for an empty buffer), or `None` when
    /// nothing is there yet.
    pub fn tcp_read_into(
        &mut self,
        now: SimTime,
        id: SocketId,
        buf: &mut [u8],
        peek: bool,
        out: &mut Outbox,
    ) -> Result<Option<usize>, i32> {
        let conn = self.tcp().conn(id).ok_or(errno::EBADF)?;
        if conn.read_shut {
            return Ok(Some(0));
        }
        let result = match conn.tcb.recv(buf, peek) {
            Ok(n) => Ok(Some(n)),
            Err(TcpError::WouldBlock) => Ok(None),
            Err(e) => Err(e.errno()),
        };
        self.flush_after_read(now, id, &result, out);
        result
    }

    /// After a read on connection `id`: reading may open the window, and
    /// the state machine may want to say so. A read that found nothing
    /// (`Ok(None)`, `WouldBlock`) changed nothing in the connection, and
    /// every change is flushed where it happens, so there is nothing to
    /// send and nobody to wake: the flush is skipped (a reader that loops
    /// until it would block pays for it once per wait otherwise). A read
    /// that took bytes without wanting a window update sent has nothing to
    /// send either ([`Tcb::has_pending`]): its waiters hear of it, and the
    /// rest of the flush is skipped (a bulk receiver reads once per
    /// segment).
    fn flush_after_read<T>(
        &mut self,
        now: SimTime,
        id: SocketId,
        result: &Result<Option<T>, i32>,
        out: &mut Outbox,
    ) {
        match result {
            Ok(None) => {}
            Ok(Some(_)) if self.tcp().conn(id).is_some_and(|c| !c.tcb.has_pending()) => {
                out.readable.push(id);
            }
            _ => self.tcp_flush(now, id, out),
        }
    }

    /// Queues what fits of `data` on connection `id`: `Some(n)` with n > 0,
    /// or `None` when the send buffer is full. `continued`: this is the rest
    /// of a write that has queued some bytes already, so an error is
    /// returned but stays pending for the next call ([`Tcb::send_more`]).
    pub fn tcp_write(
        &mut self,
        now: SimTime,
        id: SocketId,
        data: &[u8],
        continued: bool,
        out: &mut Outbox,
    ) -> Result<Option<usize>, i32> {
        let conn = self.tcp().conn(id).ok_or(errno::EBADF)?;
        let sent = if continued {
            conn.tcb.send_more(data)
        } else {
            conn.tcb.send(data)
        };
        let result = match sent {
            Ok(0) if !data.is_empty() => Ok(None),
            Ok(n) => Ok(Some(n)),
            Err(TcpError::WouldBlock) => Ok(None),
            Err(e) => Err(e.errno()),
        };
        self.tcp_flush(now, id, out);
        result
    }

    /// `shutdown(2)`: no more writing (a FIN after what is queued), no more
    /// reading (reads return end of stream), or both.
    pub fn tcp_shutdown(
        &mut self,
        now: SimTime,
        id: SocketId,
        how: std::net::Shutdown,
        out: &mut Outbox,
    ) -> Result<(), i32> {
        let conn = self.tcp().conn(id).ok_or(errno::ENOTCONN)?;
        if !conn.tcb.established() {
            return Err(errno::ENOTCONN);
        }
        if matches!(how, std::net::Shutdown::Read | std::net::Shutdown::Both) {
            conn.read_shut = true;
        }
        if matches!(how, std::net::Shutdown::Write | std::net::Shutdown::Both) {
            conn.tcb.shutdown_write();
        }
        self.tcp_flush(now, id, out);
        Ok(())
    }

    /// The application let go of socket `id`: a listener stops (resetting
    /// connections nobody accepted), a connection closes (FIN, or RST with
    /// unread data) and lives on until its state machine is done.
    pub fn tcp_close(&mut self, now: SimTime, id: SocketId, out: &mut Outbox) {
        let table = self.tcp();
        match table.sockets.get(&id) {
            Some(TcpSocket::Listener(l)) => {
                let orphans: Vec<SocketId> = l.ready.iter().chain(&l.pending).copied().collect();
                table.sockets.remove(&id);
                for conn in &orphans {
                    if let Some(c) = table.conn(*conn) {
                        c.listener = None;
                        c.orphaned = true;
                        c.tcb.abort();
                    }
                }
                for conn in orphans {
                    self.tcp_flush(now, conn, out);
                }
            }
            Some(TcpSocket::Conn(_)) => {
                if let Some(c) = table.conn(id) {
                    c.orphaned = true;
                    c.tcb.close();
                }
                self.tcp_flush(now, id, out);
            }
            None => {}
        }
    }

    /// Connection `id`'s timer fired.
    pub(super) fn on_tcp_timer(&mut self, now: SimTime, id: SocketId, out: &mut Outbox) {
        let Some(table) = self.tcp.as_mut() else {
            return;
        };
        let events = &mut self.tcp_events;
        let mut on_time = |conn: &mut Conn| {
            let before = conn.seen();
            conn.timer_at = None;
            conn.tcb.on_time(now, events);
            before
        };
        let mut fired = table.conn(id).map(&mut on_time);
        if fired.is_none() {
            // The common end of a connection: its TIME-WAIT record's 2 MSL
            // is over. Report what the connection would, forget the record.
            if let Some(ends) = table.expire_time_wait(id, now) {
                for event in TimeWait::expiry_events() {
                    out.note(|| Note::Tcp {
                        local: ends.local,
                        remote: ends.remote,
                        event,
                    });
                }
                out.readable.push(id);
                return;
            }
            fired = table.with_conn(id, on_time);
        }
        if fired.is_some() {
            self.tcp_flush_after(now, id, fired, out);
        }
    }

    /// A whole TCP segment for this node, in its IP packet.
    pub(super) fn on_tcp(
        &mut self,
        now: SimTime,
        iface: usize,
        packet: &[u8],
        broadcast: bool,
        out: &mut Outbox,
    ) {
        let ip = Ipv4Packet::new_unchecked(packet);
        let (src, dst) = (ip.src_addr(), ip.dst_addr());
        let parsed = TcpPacket::new_checked(ip.payload()).and_then(|t| {
            let repr = if self.rx_intact {
                TcpRepr::parse_intact(&t)?
            } else {
                TcpRepr::parse(&t, src, dst)?
            };
            Ok((repr, t))
        });
        let (repr, segment) = match parsed {
            Ok(ok) => ok,
            Err(err) => return note_unparsable(out, &err, iface, packet),
        };
        if broadcast {
            // TCP is point to point (RFC 9293 §3.9.1.1 ignores broadcasts).
            return self.drop_tcp(DropCause::NoSocket, iface, packet, out);
        }
        let payload = segment.payload();
        let ends = Endpoints {
            local: SocketAddrV4::new(dst, repr.dst_port),
            remote: SocketAddrV4::new(src, repr.src_port),
        };
        if let Some(id) = self.tcp().find(&ends) {
            let events = &mut self.tcp_events;
            let before = self.tcp.as_mut().and_then(|t| {
                t.with_conn(id, |conn| {
                    let before = conn.seen();
                    conn.tcb.on_segment(now, &repr, payload, events);
                    before
                })
            });
            return self.tcp_flush_after(now, id, before, out);
        }
        let opening = repr.flags.syn && !repr.flags.ack && !repr.flags.rst;
        if let Some(listener) = self.tcp().listener_for(ends.local).filter(|_| opening) {
            if !self.tcp().has_room(listener) {
                // Linux drops a SYN its backlog has no room for; the
                // client's SYN retransmission may find room later.
                return self.drop_tcp(DropCause::BacklogFull, iface, packet, out);
            }
            let mut config = TcpConfig {
                mss: self.mss_for(src),
                ..self.tcp().config
            };
            let l = self.tcp().listener(listener);
            let ttl = l.as_ref().map_or(DEFAULT_TTL, |l| l.ttl);
            if let Some(l) = l {
                config.recv_buffer = l.recv_buffer.unwrap_or(config.recv_buffer);
                config.send_buffer = l.send_buffer.unwrap_or(config.send_buffer);
            }
            let iss = self.next_iss();
            let tcb = Tcb::accept(now, ends, &repr, iss, config);
            let id = self.tcp().insert_conn(tcb, Some(listener), ttl);
            return self.tcp_flush(now, id, out);
        }
        // Nobody: a RST answers (RFC 9293 §3.10.7.1), so that a connect to
        // a closed port is refused at once.
        self.drop_tcp(DropCause::NoSocket, iface, packet, out);
        if let Some(rst) = rst_for_closed(&repr, payload.len()) {
            self.send_segment(now, ends, DEFAULT_TTL, &rst, &[], out);
        }
    }

    fn drop_tcp(&mut self, cause: DropCause, iface: usize, packet: &[u8], out: &mut Outbox) {
        out.note(|| Note::Drop {
            cause,
            iface: Some(iface),
            what: crate::wire::describe::describe_ipv4(packet),
        });
    }

    /// Lets connection `id` send what it has to, reports what happened in
    /// it (the events in `self.tcp_events`, then its own), re-arms its
    /// timer, wakes whoever waits on it, and forgets it once it is over and
    /// let go of, or reduces it to a TIME-WAIT record once it only waits
    /// out 2 MSL (see [`TcpTable::settle_time_wait`]). After a program's
    /// call; for a segment or a timer, [`IpNode::tcp_flush_after`].
    pub(super) fn tcp_flush(&mut self, now: SimTime, id: SocketId, out: &mut Outbox) {
        self.tcp_flush_after(now, id, None, out);
    }

    /// [`IpNode::tcp_flush`] after a segment or a timer reached connection
    /// `id`, which looked like `before` to its waiters until then: if it
    /// still does, nobody is woken. Linux wakes a socket's waiters when
    /// data, a FIN, an error or a state change arrives, or when room frees
    /// up for a writer (`sk_data_ready`, `sk_state_change`,
    /// `sk_error_report`, `sk_write_space`), each of which shows in
    /// [`Seen`]; a bare ACK that changes none of it wakes nobody there
    /// either. `None` (a program's call): the waiters are woken anyway.
    pub(super) fn tcp_flush_after(
        &mut self,
        now: SimTime,
        id: SocketId,
        before: Option<Seen>,
        out: &mut Outbox,
    ) {
        let mut events = std::mem::take(&mut self.tcp_events);
        let Some(conn) = self.tcp.as_mut().and_then(|t| t.conn(id)) else {
            events.clear();
            self.tcp_events = events;
            return;
        };
        let ends = conn.tcb.ends();
        let ttl = conn.ttl;
        let segments = &mut self.segments;
        let (src, dst) = (*ends.local.ip(), *ends.remote.ip());
        conn.tcb.dispatch(now, &mut |repr, payload| {
            segments.push(repr, payload, src, dst, out);
        });
        conn.tcb.take_events(&mut events);
        // One timer event per connection: armed again only when the state
        // machine wants an earlier one (a later wish is met when it fires,
        // sparing a cancel per ACK that pushes the retransmission timer
        // on), or when all it waits for is TIME-WAIT's end, a wish that
        // will not move again.
        let want = conn.tcb.poll_at();
        match (want, conn.timer_at) {
            (Some(w), Some(armed)) if w == armed => {}
            (Some(w), Some(armed)) if w > armed && !conn.tcb.waits_only_to_close() => {}
            (Some(w), armed) => {
                if armed.is_some() {
                    out.cancel(Timer::Tcp(id));
                }
                out.arm(w, Timer::Tcp(id));
                conn.timer_at = Some(w);
            }
            (None, Some(_)) => {
                out.cancel(Timer::Tcp(id));
                conn.timer_at = None;
            }
            (None, None) => {}
        }
        // Over and let go of: closed by the application, or a passive open
        // that died before anyone accepted it (nobody holds it).
        let over = conn.tcb.is_closed() && (conn.orphaned || conn.listener.is_some());
        // Closed by the application and waiting out TIME-WAIT: reduced to
        // a record below, if nothing else is pending in it.
        let settle = conn.orphaned && conn.tcb.state() == State::TimeWait;
        // Only an established connection not yet accepted moves to its
        // listener's queue (looked at here, to spare a second lookup).
        let may_promote = conn.listener.is_some() && conn.tcb.established();
        let wake = over || before.is_none_or(|seen| seen != conn.seen());
        for event in events.drain(..) {
            out.note(|| Note::Tcp {
                local: ends.local,
                remote: ends.remote,
                event,
            });
        }
        self.tcp_events = events;
        let mut segments = std::mem::take(&mut self.segments);
        for (frame, len) in segments.drain() {
            self.send_framed_segment(now, ends, ttl, frame, len, out);
        }
        self.segments = segments;
        let table = self.tcp();
        if let Some(listener) = may_promote.then(|| table.promote(id)).flatten() {
            out.readable.push(listener);
        }
        if wake {
            out.readable.push(id);
        }
        if over {
            if let Some(c) = table.conn(id) {
                if c.timer_at.is_some() {
                    out.cancel(Timer::Tcp(id));
                }
            }
            table.remove_conn(id);
        } else if settle {
            table.settle_time_wait(id);
        }
    }

    /// Sends the `len`-byte segment that [`super::segments::Segments`]
    /// built into `frame`, from `ends.local` to `ends.remote` with TTL
    /// `ttl`.
    fn send_framed_segment(
        &mut self,
        now: SimTime,
        ends: Endpoints,
        ttl: u8,
        frame: Vec<u8>,
        len: usize,
        out: &mut Outbox,
    ) {
        let dgram = Datagram {
            src: Some(*ends.local.ip()),
            dst: *ends.remote.ip(),
            protocol: IpProtocol::TCP,
            ttl,
            df_when_fits: true,
            payload_len: len,
        };
        // A segment that cannot be routed is traced by send_ip; TCP's own
        // retransmission deals with the loss.
        let _ = self.send_ip_framed(now, dgram, frame, out);
    }

    /// Sends the segment `repr` with `payload` from `ends.local` to
    /// `ends.remote` with TTL `ttl` (one outside a connection's turn: a
    /// RST for a segment no connection takes).
    fn send_segment(
        &mut self,
        now: SimTime,
        ends: Endpoints,
        ttl: u8,
        repr: &TcpRepr,
        payload: &[u8],
        out: &mut Outbox,
    ) {
        let (src, dst) = (*ends.local.ip(), *ends.remote.ip());
        let (frame, len) = frame_segment(repr, payload, src, dst, out);
        self.send_framed_segment(now, ends, ttl, frame, len, out);
    }
}
