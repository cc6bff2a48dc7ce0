//! The scheduler's side of `simnet::net::UdpSocket`: each call carried out
//! on the calling process's host, blocking receives parked until a datagram
//! (or an error) arrives or the read timeout fires.

use std::collections::BTreeMap;
use std::net::SocketAddrV4;
use std::time::Duration;

use super::bufpool;
use super::process::{take_closed, BlockedCall, ProcessId, Reply, SockRef, UdpCall, UdpOk};
use super::world::{Event, Sim};
use super::SimTime;
use crate::stack::udp::{errno, SocketId};
use crate::stack::IpNode;
use crate::topo::{NodeId, NodeLogic};

/// Per-socket settings that live with the socket, not with one handle
/// (`try_clone` shares them, as a `dup`ed descriptor does on Linux).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SockOpts {
    pub(super) handles: u32,
    pub(super) read_timeout: Option<Duration>,
    pub(super) write_timeout: Option<Duration>,
    pub(super) nonblocking: bool,
}

/// Sockets' settings and the processes blocked reading them.
#[derive(Debug, Default)]
pub(crate) struct Sockets {
    pub(super) opts: BTreeMap<(NodeId, SocketId), SockOpts>,
    readers: BTreeMap<(NodeId, SocketId), Vec<ProcessId>>,
    /// An empty list with room, swapped in for a socket's readers as they
    /// are woken (see [`Sim::socket_readable`]).
    spare_readers: Vec<ProcessId>,
    /// Reader lists of closed sockets, emptied, for new sockets' readers:
    /// a server that accepts a connection after another would otherwise
    /// allocate a list for each.
    spare_lists: Vec<Vec<ProcessId>>,
    /// The sockets processes dropped, being closed (kept for its room).
    closing: Vec<SockRef>,
}

type UdpResult = Result<UdpOk, i32>;

/// Where a receive puts the datagram.
enum RecvInto<'a> {
    /// Handed to the process in a pooled buffer of at most this many bytes.
    Pooled(usize),
    /// Copied into the caller's own buffer (a receive answered in place).
    Caller(&'a mut [u8]),
}

/// How many emptied reader lists are kept for new sockets.
const SPARE_LISTS: usize = 64;

impl Sim {
    pub(super) fn ip_of(&mut self, host: NodeId) -> Option<&mut IpNode> {
        match &mut self.graph_mut()[host].logic {
            NodeLogic::Ip(ip) => Some(ip),
            NodeLogic::Switch(_) => None,
        }
    }

    /// Checks that `sock` belongs to this run and to the caller's host.
    pub(super) fn own(&self, host: NodeId, sock: SockRef) -> Result<SocketId, i32> {
        self.own_opts(host, sock).map(|(id, _)| id)
    }

    /// [`Sim::own`], with the socket's options, in one lookup.
    pub(super) fn own_opts(
        &self,
        host: NodeId,
        sock: SockRef,
    ) -> Result<(SocketId, SockOpts), i32> {
        match self.sockets.opts.get(&(host, sock.id)) {
            Some(opts) if self.is_ours(host, sock) => Ok((sock.id, *opts)),
            _ => Err(errno::EBADF),
        }
    }

    /// [`Sim::own_opts`], to change the options.
    fn own_opts_mut(&mut self, host: NodeId, sock: SockRef) -> Result<&mut SockOpts, i32> {
        if !self.is_ours(host, sock) {
            return Err(errno::EBADF);
        }
        self.sockets
            .opts
            .get_mut(&(host, sock.id))
            .ok_or(errno::EBADF)
    }

    /// Whether `sock` was made by this run on `host` (its id may still
    /// name a closed socket).
    fn is_ours(&self, host: NodeId, sock: SockRef) -> bool {
        sock.run == self.run_id() && sock.host == host
    }

    /// Carries out a UDP call for `pid`; `None` means it blocked.
    pub(super) fn udp_call(&mut self, pid: ProcessId, call: UdpCall) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        let result = match call {
            UdpCall::Bind { addr } => self.udp_bind(host, addr),
            UdpCall::Recv { sock, max, peek } => {
                return self.udp_recv(pid, host, sock, RecvInto::Pooled(max), peek)
            }
            UdpCall::Send { sock, data, dst } => {
                let sent = self.udp_send(host, sock, dst, &data);
                bufpool::give(data);
                sent
            }
            other => self.udp_other(host, other),
        };
        Some(Reply::Udp(result))
    }

    /// A receive straight into the caller's buffer, answered in place (see
    /// `lend`): as [`UdpCall::Recv`], but the answer is [`UdpOk::Copied`].
    pub(super) fn udp_recv_borrowed(
        &mut self,
        pid: ProcessId,
        sock: SockRef,
        buf: &mut [u8],
        peek: bool,
    ) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        self.udp_recv(pid, host, sock, RecvInto::Caller(buf), peek)
    }

    /// A send of the caller's own bytes, answered in place (see `lend`): as
    /// [`UdpCall::Send`], without copying them first.
    pub(super) fn udp_send_borrowed(
        &mut self,
        pid: ProcessId,
        sock: SockRef,
        data: &[u8],
        dst: Option<SocketAddrV4>,
    ) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        Some(Reply::Udp(self.udp_send(host, sock, dst, data)))
    }

    /// Sends `data` from `sock` to `dst` (to its peer if `None`).
    fn udp_send(
        &mut self,
        host: NodeId,
        sock: SockRef,
        dst: Option<SocketAddrV4>,
        data: &[u8],
    ) -> UdpResult {
        let now = self.now;
        let id = self.own(host, sock)?;
        // The stack and the outbox at once, rather than moving the outbox
        // out and back (two copies of it per send).
        let (ip, out) = self.ip_and_outbox(host);
        let ip = ip.ok_or(errno::EBADF)?;
        let sent = ip.udp_send(now, id, dst, data, out);
        self.carry_out(host);
        sent.map(UdpOk::Sent)
    }

    fn udp_bind(&mut self, host: NodeId, addr: SocketAddrV4) -> UdpResult {
        let ip = self.ip_of(host).ok_or(errno::EADDRNOTAVAIL)?;
        let id = ip.udp().bind(addr, false)?;
        Ok(UdpOk::Socket(self.new_socket(host, id)))
    }

    /// Hands socket `id` of `host` to a process: one handle, default options.
    pub(super) fn new_socket(&mut self, host: NodeId, id: SocketId) -> SockRef {
        let opts = SockOpts {
            handles: 1,
            ..SockOpts::default()
        };
        self.sockets.opts.insert((host, id), opts);
        SockRef {
            run: self.run_id(),
            host,
            id,
        }
    }

    fn udp_recv(
        &mut self,
        pid: ProcessId,
        host: NodeId,
        sock: SockRef,
        into: RecvInto<'_>,
        peek: bool,
    ) -> Option<Reply> {
        let (id, opts) = match self.own_opts(host, sock) {
            Ok(found) => found,
            Err(e) => return Some(Reply::Udp(Err(e))),
        };
        let ip = self.ip_of(host)?;
        // A pending error (an ICMP port unreachable) comes first, as on
        // Linux; the socket is looked up once for it and the datagram.
        match into {
            RecvInto::Caller(buf) => match ip.udp().take_error_or_recv_into(id, buf, peek) {
                Err(e) => return Some(Reply::Udp(Err(e))),
                Ok(Some((len, from))) => {
                    return Some(Reply::Udp(Ok(UdpOk::Copied { len, from })));
                }
                Ok(None) => {}
            },
            RecvInto::Pooled(max) => match ip.udp().take_error_or_recv(id, peek) {
                Err(e) => return Some(Reply::Udp(Err(e))),
                Ok(None) => {}
                Ok(Some(dgram)) => {
                    // The datagram's buffer goes to the process, which gives
                    // it back to the pool; one from the pool takes its place.
                    if let Some(spare) = bufpool::take_spare() {
                        ip.udp().recycle(spare);
                    }
                    let mut data = dgram.data;
                    data.truncate(max);
                    return Some(Reply::Udp(Ok(UdpOk::Received {
                        data,
                        from: dgram.from,
                    })));
                }
            },
        }
        if opts.nonblocking {
            return Some(Reply::Udp(Err(errno::EAGAIN)));
        }
        let local = ip.udp().local_addr(id).ok();
        let deadline = opts.read_timeout.map(|t| self.now + t);
        // The reply if the timeout fires first: EAGAIN, as SO_RCVTIMEO gives.
        let on_timeout = Reply::Udp(Err(errno::EAGAIN));
        let call = BlockedCall::Recv { peek, local };
        self.block_on(pid, call, (host, id), deadline, on_timeout);
        None
    }

    /// Blocks `pid` on socket `key` until the socket changes (the process
    /// is woken to retry) or `deadline` passes (it is woken with
    /// `on_timeout`; a wake by the socket first cancels that one).
    pub(super) fn block_on(
        &mut self,
        pid: ProcessId,
        call: BlockedCall,
        key: (NodeId, SocketId),
        deadline: Option<SimTime>,
        on_timeout: Reply,
    ) {
        let spare = &mut self.sockets.spare_lists;
        let readers = self.sockets.readers.entry(key);
        readers
            .or_insert_with(|| spare.pop().unwrap_or_default())
            .push(pid);
        self.procs[pid.0].waiting_on = Some(key);
        let token = self.block(pid, call, deadline.is_some());
        self.procs[pid.0].reply = on_timeout;
        if let Some(at) = deadline {
            self.push(at, Event::Wake { pid, token });
            self.procs[pid.0].timeout_at = Some(at);
        }
    }

    /// Forgets that `pid` was reading a socket (it is being woken).
    pub(super) fn stop_reading(&mut self, pid: ProcessId) {
        if let Some(key) = self.procs[pid.0].waiting_on.take() {
            if let Some(readers) = self.sockets.readers.get_mut(&key) {
                readers.retain(|&p| p != pid);
            }
        }
    }

    /// Socket `id` of `host` became readable: its readers try again.
    ///
    /// The socket's list of readers is swapped with an empty spare one and
    /// left in the map, so that blocking and waking again allocates nothing.
    pub(super) fn socket_readable(&mut self, host: NodeId, id: SocketId) {
        self.poll_notify((host, id));
        let Some(list) = self.sockets.readers.get_mut(&(host, id)) else {
            return;
        };
        let mut readers = std::mem::replace(list, std::mem::take(&mut self.sockets.spare_readers));
        for pid in readers.drain(..) {
            self.procs[pid.0].waiting_on = None;
            self.wake_with(pid, Reply::Retry);
        }
        self.sockets.spare_readers = readers;
    }

    fn udp_other(&mut self, host: NodeId, call: UdpCall) -> UdpResult {
        let sock = match &call {
            UdpCall::Bind { .. } | UdpCall::Recv { .. } | UdpCall::Send { .. } => {
                return Err(errno::EINVAL)
            }
            UdpCall::Connect { sock, .. }
            | UdpCall::LocalAddr { sock }
            | UdpCall::PeerAddr { sock }
            | UdpCall::Clone { sock }
            | UdpCall::SetReadTimeout { sock, .. }
            | UdpCall::SetWriteTimeout { sock, .. }
            | UdpCall::ReadTimeout { sock }
            | UdpCall::WriteTimeout { sock }
            | UdpCall::SetNonblocking { sock, .. }
            | UdpCall::SetBroadcast { sock, .. }
            | UdpCall::Broadcast { sock }
            | UdpCall::SetTtl { sock, .. }
            | UdpCall::Ttl { sock }
            | UdpCall::TakeError { sock } => *sock,
        };
        let id = sock.id;
        // The caller's own socket, looked up once for the check and for
        // the options these calls set or read.
        let opts = self.own_opts_mut(host, sock)?;
        match call {
            UdpCall::Clone { .. } => {
                opts.handles += 1;
                return Ok(UdpOk::Done);
            }
            UdpCall::SetReadTimeout { dur, .. } => {
                opts.read_timeout = dur;
                return Ok(UdpOk::Done);
            }
            UdpCall::SetWriteTimeout { dur, .. } => {
                opts.write_timeout = dur;
                return Ok(UdpOk::Done);
            }
            UdpCall::ReadTimeout { .. } => return Ok(UdpOk::Timeout(opts.read_timeout)),
            UdpCall::WriteTimeout { .. } => return Ok(UdpOk::Timeout(opts.write_timeout)),
            UdpCall::SetNonblocking { on, .. } => {
                opts.nonblocking = on;
                return Ok(UdpOk::Done);
            }
            _ => {}
        }
        let ip = self.ip_of(host).ok_or(errno::EBADF)?;
        match call {
            UdpCall::Connect { peer, .. } => ip.udp_connect(id, peer).map(|()| UdpOk::Done),
            UdpCall::LocalAddr { .. } => ip.udp().local_addr(id).map(UdpOk::Addr),
            UdpCall::PeerAddr { .. } => ip.udp().peer_addr(id).map(UdpOk::Addr),
            UdpCall::SetBroadcast { on, .. } => {
                ip.udp().set_broadcast(id, on);
                Ok(UdpOk::Done)
            }
            UdpCall::Broadcast { .. } => Ok(UdpOk::Flag(ip.udp().broadcast(id))),
            UdpCall::SetTtl { ttl, .. } => ip.udp().set_ttl(id, ttl).map(|()| UdpOk::Done),
            UdpCall::Ttl { .. } => Ok(UdpOk::Number(ip.udp().ttl(id))),
            UdpCall::TakeError { .. } => Ok(UdpOk::Error(ip.udp().take_error(id))),
            _ => Err(errno::EINVAL),
        }
    }

    /// Closes the sockets processes dropped since the last turn.
    pub(super) fn close_dropped_sockets(&mut self) {
        if !take_closed(&mut self.sockets.closing) {
            return;
        }
        let mut closing = std::mem::take(&mut self.sockets.closing);
        for sock in closing.drain(..) {
            if sock.run != self.run_id() {
                continue;
            }
            let key = (sock.host, sock.id);
            let Some(opts) = self.sockets.opts.get_mut(&key) else {
                continue;
            };
            opts.handles = opts.handles.saturating_sub(1);
            if opts.handles == 0 {
                self.sockets.opts.remove(&key);
                self.poll_forget(key);
                if self.sockets.readers.get(&key).is_some_and(Vec::is_empty) {
                    if let Some(list) = self.sockets.readers.remove(&key) {
                        if self.sockets.spare_lists.len() < SPARE_LISTS {
                            self.sockets.spare_lists.push(list);
                        }
                    }
                }
                if sock.id.0 >= crate::stack::tcp_table::FIRST_ID {
                    self.tcp_close(sock.host, sock.id);
                } else if let Some(ip) = self.ip_of(sock.host) {
                    ip.udp().close(sock.id);
                }
            }
        }
        self.sockets.closing = closing;
    }
}
