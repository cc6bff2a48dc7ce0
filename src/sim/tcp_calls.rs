//! The scheduler's side of `simnet::net::{TcpListener, TcpStream}`: each
//! call carried out on the calling process's host; `accept`, `connect`,
//! `read` and `write` parked until their socket can go on, or their timeout
//! fires.
//!
//! A parked call is retried when its socket changes. What it has done so
//! far (the connection `connect` opened, the bytes `write` queued) and its
//! deadline are kept in [`Pending`] for the retry.

use std::net::SocketAddrV4;
use std::time::Duration;

use super::process::{BlockedCall, ProcessId, Reply, SockRef};
use super::tcp_call::{TcpCall, TcpOk, TcpOpt};
use super::world::Sim;
use super::SimTime;
use crate::stack::tcp::State;
use crate::stack::tcp_table::TcpSocket;
use crate::stack::udp::{errno, SocketId};
use crate::topo::NodeId;

/// `ETIMEDOUT` on Linux.
const ETIMEDOUT: i32 = 110;

/// A parked TCP call's progress.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pending {
    /// When its timeout fires.
    deadline: Option<SimTime>,
    /// The connection a `connect` opened.
    conn: Option<SocketId>,
    /// Bytes a `write` has queued.
    written: usize,
}

type TcpResult = Result<TcpOk, i32>;

/// Where a read puts the bytes.
enum ReadInto<'a> {
    /// A pooled buffer of at most this many bytes, handed to the process.
    Pooled(usize),
    /// The caller's own buffer (a read answered in place).
    Caller(&'a mut [u8]),
}

/// What a call does next: answer now, or wait.
enum Step {
    Answer(TcpResult),
    Wait {
        key: SocketId,
        call: BlockedCall,
        timeout: Option<Duration>,
    },
}

impl Sim {
    /// Carries out a TCP call for `pid`: the answer now, or `None` when the
    /// process waits.
    pub(super) fn tcp_call(&mut self, pid: ProcessId, call: TcpCall) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        let step = self.tcp_step(pid, host, call);
        self.tcp_finish(pid, host, step)
    }

    /// A `read` into the caller's own buffer, answered in place (see
    /// `lend`): as [`TcpCall::Read`], but the answer is [`TcpOk::Copied`].
    pub(super) fn tcp_read_borrowed(
        &mut self,
        pid: ProcessId,
        sock: SockRef,
        buf: &mut [u8],
        peek: bool,
    ) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        let step = self.tcp_read_step(pid, host, sock, ReadInto::Caller(buf), peek);
        self.tcp_finish(pid, host, step)
    }

    /// A `write` of the caller's own bytes, answered in place (see `lend`):
    /// as [`TcpCall::Write`], without copying them first.
    pub(super) fn tcp_write_borrowed(
        &mut self,
        pid: ProcessId,
        sock: SockRef,
        data: &[u8],
    ) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        let step = self.tcp_write_step(pid, host, sock, data);
        self.tcp_finish(pid, host, step)
    }

    /// Carries out what a call's step left in the outbox, and answers or
    /// parks the call.
    fn tcp_finish(&mut self, pid: ProcessId, host: NodeId, step: Step) -> Option<Reply> {
        // Calls reach the stack and the outbox together (`ip_and_outbox`)
        // rather than moving the outbox out and back around each call.
        self.carry_out(host);
        match step {
            Step::Answer(result) => {
                self.procs[pid.0].tcp_pending = None;
                Some(Reply::Tcp(result))
            }
            Step::Wait { key, call, timeout } => {
                let pending = self.procs[pid.0].tcp_pending.get_or_insert_default();
                let deadline = match (pending.deadline, timeout) {
                    (Some(d), _) => Some(d),
                    (None, Some(t)) => Some(self.now + t),
                    (None, None) => None,
                };
                pending.deadline = deadline;
                // Woken by the socket or by the timeout: either way the call
                // runs again, and sees which.
                self.block_on(pid, call, (host, key), deadline, Reply::Retry);
                None
            }
        }
    }

    fn timed_out(&self, pid: ProcessId) -> bool {
        self.procs[pid.0]
            .tcp_pending
            .and_then(|p| p.deadline)
            .is_some_and(|d| d <= self.now)
    }

    fn tcp_step(&mut self, pid: ProcessId, host: NodeId, call: TcpCall) -> Step {
        let answer = |r: TcpResult| Step::Answer(r);
        match call {
            TcpCall::Listen { addr, backlog } => answer((|| {
                let ip = self.ip_of(host).ok_or(errno::EADDRNOTAVAIL)?;
                let id = ip.tcp_listen(addr)?;
                if let Some(n) = backlog {
                    ip.tcp().set_backlog(id, n);
                }
                Ok(TcpOk::Socket(self.new_socket(host, id)))
            })()),
            TcpCall::Connect { addr, timeout } => self.tcp_connect(pid, host, addr, timeout),
            TcpCall::ConnectStart { addr } => answer(self.tcp_connect_start(host, addr)),
            TcpCall::Accept { sock } => {
                let (id, opts) = match self.own_opts(host, sock) {
                    Ok(found) => found,
                    Err(e) => return answer(Err(e)),
                };
                let nonblocking = opts.nonblocking;
                let Some(ip) = self.ip_of(host) else {
                    return answer(Err(errno::EBADF));
                };
                match ip.tcp_accept(id) {
                    Ok(Some((conn, peer))) => {
                        let sock = self.new_socket(host, conn);
                        answer(Ok(TcpOk::Accepted(sock, peer)))
                    }
                    Ok(None) if nonblocking => answer(Err(errno::EAGAIN)),
                    Ok(None) => {
                        let local = self.tcp_local(host, id);
                        Step::Wait {
                            key: id,
                            call: BlockedCall::Tcp {
                                what: "accept",
                                on: local,
                            },
                            timeout: None,
                        }
                    }
                    Err(e) => answer(Err(e)),
                }
            }
            TcpCall::Read { sock, max, peek } => {
                self.tcp_read_step(pid, host, sock, ReadInto::Pooled(max), peek)
            }
            TcpCall::Write { sock, data } => self.tcp_write_step(pid, host, sock, &data),
            other => answer(self.tcp_other(host, other)),
        }
    }

    /// A `read` of up to `max` bytes into a pooled buffer, or into the
    /// caller's own.
    fn tcp_read_step(
        &mut self,
        pid: ProcessId,
        host: NodeId,
        sock: SockRef,
        into: ReadInto<'_>,
        peek: bool,
    ) -> Step {
        let now = self.now;
        let answer = |r: TcpResult| Step::Answer(r);
        let (id, opts) = match self.own_opts(host, sock) {
            Ok(found) => found,
            Err(e) => return answer(Err(e)),
        };
        if self.timed_out(pid) {
            return answer(Err(errno::EAGAIN));
        }
        let (Some(ip), out) = self.ip_and_outbox(host) else {
            return answer(Err(errno::EBADF));
        };
        let read = match into {
            ReadInto::Pooled(max) => ip
                .tcp_read(now, id, max, peek, out)
                .map(|got| got.map(TcpOk::Data)),
            ReadInto::Caller(buf) => ip
                .tcp_read_into(now, id, buf, peek, out)
                .map(|got| got.map(TcpOk::Copied)),
        };
        match read {
            Ok(Some(ok)) => answer(Ok(ok)),
            Ok(None) if opts.nonblocking => answer(Err(errno::EAGAIN)),
            Ok(None) => Step::Wait {
                key: id,
                call: BlockedCall::Tcp {
                    what: "read",
                    on: self.tcp_local(host, id),
                },
                timeout: opts.read_timeout,
            },
            Err(e) => answer(Err(e)),
        }
    }

    /// A `write` of `data`: the rest of it, when an earlier try of the
    /// same call queued some.
    fn tcp_write_step(&mut self, pid: ProcessId, host: NodeId, sock: SockRef, data: &[u8]) -> Step {
        let now = self.now;
        let answer = |r: TcpResult| Step::Answer(r);
        let (id, opts) = match self.own_opts(host, sock) {
            Ok(found) => found,
            Err(e) => return answer(Err(e)),
        };
        let done = self.procs[pid.0]
            .tcp_pending
            .as_ref()
            .map_or(0, |p| p.written);
        let partial = |done: usize| {
            if done > 0 {
                Ok(TcpOk::Written(done))
            } else {
                Err(errno::EAGAIN)
            }
        };
        if self.timed_out(pid) {
            return answer(partial(done));
        }
        let (Some(ip), out) = self.ip_and_outbox(host) else {
            return answer(Err(errno::EBADF));
        };
        let rest = data.get(done..).unwrap_or_default();
        match ip.tcp_write(now, id, rest, done > 0, out) {
            // Linux's blocking send waits until all of it is queued.
            Ok(Some(n)) if done + n >= data.len() => answer(Ok(TcpOk::Written(done + n))),
            Ok(got) if opts.nonblocking => answer(partial(done + got.unwrap_or(0))),
            Ok(got) => {
                let pending = self.procs[pid.0].tcp_pending.get_or_insert_default();
                pending.written = done + got.unwrap_or(0);
                Step::Wait {
                    key: id,
                    call: BlockedCall::Tcp {
                        what: "write",
                        on: self.tcp_local(host, id),
                    },
                    timeout: opts.write_timeout,
                }
            }
            // Some bytes went: the write reports them, and the error
            // stays pending in the connection for the next call
            // (Tcb::send_more), as Linux keeps `sk_err`.
            Err(_) if done > 0 => answer(Ok(TcpOk::Written(done))),
            Err(e) => answer(Err(e)),
        }
    }

    /// A non-blocking connect: the connection, its SYN sent, with
    /// `O_NONBLOCK` set.
    fn tcp_connect_start(&mut self, host: NodeId, addr: SocketAddrV4) -> TcpResult {
        let now = self.now;
        let (Some(ip), out) = self.ip_and_outbox(host) else {
            return Err(errno::EADDRNOTAVAIL);
        };
        let id = ip.tcp_connect(now, addr, out)?;
        let sock = self.new_socket(host, id);
        if let Some(opts) = self.sockets.opts.get_mut(&(host, id)) {
            opts.nonblocking = true;
        }
        Ok(TcpOk::Socket(sock))
    }

    fn tcp_connect(
        &mut self,
        pid: ProcessId,
        host: NodeId,
        addr: SocketAddrV4,
        timeout: Option<Duration>,
    ) -> Step {
        let now = self.now;
        let started = self.procs[pid.0].tcp_pending.as_ref().and_then(|p| p.conn);
        let timed_out = self.timed_out(pid);
        let (Some(ip), out) = self.ip_and_outbox(host) else {
            return Step::Answer(Err(errno::EADDRNOTAVAIL));
        };
        let id = match started {
            Some(id) => id,
            None => match ip.tcp_connect(now, addr, out) {
                Ok(id) => id,
                Err(e) => return Step::Answer(Err(e)),
            },
        };
        let status = ip.tcp_connected(id);
        let give_up = |ip: &mut crate::stack::IpNode, out: &mut crate::sim::Outbox| {
            ip.tcp_close(now, id, out);
        };
        match status {
            Ok(true) => Step::Answer(Ok(TcpOk::Socket(self.new_socket(host, id)))),
            Ok(false) if timed_out => {
                if let Some(conn) = ip.tcp().conn(id) {
                    conn.tcb.abort();
                }
                give_up(ip, out);
                Step::Answer(Err(ETIMEDOUT))
            }
            Ok(false) => {
                self.procs[pid.0].tcp_pending.get_or_insert_default().conn = Some(id);
                Step::Wait {
                    key: id,
                    call: BlockedCall::Tcp {
                        what: "connect to",
                        on: Some(addr),
                    },
                    timeout,
                }
            }
            Err(e) => {
                give_up(ip, out);
                Step::Answer(Err(e))
            }
        }
    }

    /// The address a TCP socket is bound to, for blocked-call reports.
    fn tcp_local(&mut self, host: NodeId, id: SocketId) -> Option<SocketAddrV4> {
        let ip = self.ip_of(host)?;
        match ip.tcp().sockets.get(&id)? {
            TcpSocket::Listener(l) => Some(l.local),
            TcpSocket::Conn(c) => Some(c.tcb.ends().local),
        }
    }

    fn tcp_other(&mut self, host: NodeId, call: TcpCall) -> TcpResult {
        let now = self.now;
        let sock = match &call {
            TcpCall::Shutdown { sock, .. }
            | TcpCall::LocalAddr { sock }
            | TcpCall::PeerAddr { sock }
            | TcpCall::Clone { sock }
            | TcpCall::Set { sock, .. }
            | TcpCall::Get { sock, .. }
            | TcpCall::TakeError { sock } => *sock,
            _ => return Err(errno::EINVAL),
        };
        let id = self.own(host, sock)?;
        let key = (host, id);
        if let Some(opts) = self.sockets.opts.get_mut(&key) {
            match call {
                TcpCall::Clone { .. } => {
                    opts.handles += 1;
                    return Ok(TcpOk::Done);
                }
                TcpCall::Set { opt, .. } => match opt {
                    TcpOpt::ReadTimeout(t) => {
                        opts.read_timeout = t;
                        return Ok(TcpOk::Done);
                    }
                    TcpOpt::WriteTimeout(t) => {
                        opts.write_timeout = t;
                        return Ok(TcpOk::Done);
                    }
                    TcpOpt::Nonblocking(on) => {
                        opts.nonblocking = on;
                        return Ok(TcpOk::Done);
                    }
                    _ => {}
                },
                TcpCall::Get { opt, .. } => match opt {
                    TcpOpt::ReadTimeout(_) => {
                        return Ok(TcpOk::Opt(TcpOpt::ReadTimeout(opts.read_timeout)))
                    }
                    TcpOpt::WriteTimeout(_) => {
                        return Ok(TcpOk::Opt(TcpOpt::WriteTimeout(opts.write_timeout)))
                    }
                    TcpOpt::Nonblocking(_) => {
                        return Ok(TcpOk::Opt(TcpOpt::Nonblocking(opts.nonblocking)))
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        let (ip, out) = self.ip_and_outbox(host);
        let ip = ip.ok_or(errno::EBADF)?;
        let table = ip.tcp();
        match call {
            TcpCall::LocalAddr { .. } | TcpCall::PeerAddr { .. } => {
                let peer = matches!(call, TcpCall::PeerAddr { .. });
                match table.sockets.get(&id) {
                    Some(TcpSocket::Listener(_)) if peer => Err(errno::ENOTCONN),
                    Some(TcpSocket::Listener(l)) => Ok(TcpOk::Addr(l.local)),
                    // Linux's `inet_getname`: no peer before the handshake
                    // or after the end.
                    Some(TcpSocket::Conn(c))
                        if peer && matches!(c.tcb.state(), State::SynSent | State::Closed) =>
                    {
                        Err(errno::ENOTCONN)
                    }
                    Some(TcpSocket::Conn(c)) if peer => Ok(TcpOk::Addr(c.tcb.ends().remote)),
                    Some(TcpSocket::Conn(c)) => Ok(TcpOk::Addr(c.tcb.ends().local)),
                    None => Err(errno::EBADF),
                }
            }
            TcpCall::Set { opt, .. } => {
                match (opt, table.sockets.get_mut(&id)) {
                    (TcpOpt::Nodelay(on), Some(TcpSocket::Conn(c))) => c.tcb.set_nodelay(on),
                    (TcpOpt::Ttl(ttl), Some(TcpSocket::Conn(c))) => {
                        c.ttl = u8::try_from(ttl).map_err(|_| errno::EINVAL)?;
                    }
                    (TcpOpt::Ttl(ttl), Some(TcpSocket::Listener(l))) => {
                        l.ttl = u8::try_from(ttl).map_err(|_| errno::EINVAL)?;
                    }
                    // Linux accepts TCP_NODELAY on a listener; it is inherited.
                    (TcpOpt::Nodelay(_), Some(TcpSocket::Listener(_))) => {}
                    (TcpOpt::RecvBuffer(n), Some(TcpSocket::Conn(c))) => {
                        c.tcb.set_recv_buffer(socket_buffer(n, MIN_RCVBUF))
                    }
                    (TcpOpt::SendBuffer(n), Some(TcpSocket::Conn(c))) => {
                        c.tcb.set_send_buffer(socket_buffer(n, MIN_SNDBUF))
                    }
                    // A listener's buffers are its connections' (Linux
                    // copies them to each socket it accepts).
                    (TcpOpt::RecvBuffer(n), Some(TcpSocket::Listener(l))) => {
                        l.recv_buffer = Some(socket_buffer(n, MIN_RCVBUF))
                    }
                    (TcpOpt::SendBuffer(n), Some(TcpSocket::Listener(l))) => {
                        l.send_buffer = Some(socket_buffer(n, MIN_SNDBUF))
                    }
                    _ => return Err(errno::EBADF),
                }
                Ok(TcpOk::Done)
            }
            TcpCall::Get { opt, .. } => match (opt, table.sockets.get(&id)) {
                (TcpOpt::Nodelay(_), Some(TcpSocket::Conn(c))) => {
                    Ok(TcpOk::Opt(TcpOpt::Nodelay(c.tcb.nodelay())))
                }
                (TcpOpt::Ttl(_), Some(TcpSocket::Conn(c))) => {
                    Ok(TcpOk::Opt(TcpOpt::Ttl(u32::from(c.ttl))))
                }
                (TcpOpt::Ttl(_), Some(TcpSocket::Listener(l))) => {
                    Ok(TcpOk::Opt(TcpOpt::Ttl(u32::from(l.ttl))))
                }
                (TcpOpt::Nodelay(_), Some(TcpSocket::Listener(_))) => {
                    Ok(TcpOk::Opt(TcpOpt::Nodelay(false)))
                }
                // Linux reports twice what it was given (socket(7): "the
                // kernel doubles this value to allow space for bookkeeping
                // overhead"); simnet's buffer holds what was given.
                (TcpOpt::RecvBuffer(_), Some(TcpSocket::Conn(c))) => {
                    Ok(TcpOk::Opt(TcpOpt::RecvBuffer(2 * c.tcb.buffers().0)))
                }
                (TcpOpt::SendBuffer(_), Some(TcpSocket::Conn(c))) => {
                    Ok(TcpOk::Opt(TcpOpt::SendBuffer(2 * c.tcb.buffers().1)))
                }
                (TcpOpt::RecvBuffer(_), Some(TcpSocket::Listener(l))) => Ok(TcpOk::Opt(
                    TcpOpt::RecvBuffer(2 * l.recv_buffer.unwrap_or(table.config.recv_buffer)),
                )),
                (TcpOpt::SendBuffer(_), Some(TcpSocket::Listener(l))) => Ok(TcpOk::Opt(
                    TcpOpt::SendBuffer(2 * l.send_buffer.unwrap_or(table.config.send_buffer)),
                )),
                _ => Err(errno::EBADF),
            },
            TcpCall::TakeError { .. } => Ok(TcpOk::Error(
                table
                    .conn(id)
                    .and_then(|c| c.tcb.take_error().map(|e| e.errno())),
            )),
            TcpCall::Shutdown { how, .. } => {
                ip.tcp_shutdown(now, id, how, out).map(|()| TcpOk::Done)
            }
            _ => Err(errno::EINVAL),
        }
    }

    /// A process let go of TCP socket `id` of `host`.
    pub(super) fn tcp_close(&mut self, host: NodeId, id: SocketId) {
        let now = self.now;
        if let (Some(ip), out) = self.ip_and_outbox(host) {
            ip.tcp_close(now, id, out);
        }
        self.carry_out(host);
    }
}

/// The least receive buffer Linux grants (`SOCK_MIN_RCVBUF`, halved: it
/// reports twice what it keeps).
const MIN_RCVBUF: usize = 1152;
/// The least send buffer (`SOCK_MIN_SNDBUF`, halved).
const MIN_SNDBUF: usize = 2304;
/// The largest buffer `setsockopt` grants without privilege: Linux caps the
/// value at `net.core.rmem_max` / `wmem_max`, 212992 by default.
const MAX_BUFFER: usize = 212_992;

/// The buffer a `setsockopt(SO_RCVBUF or SO_SNDBUF, n)` gets, as Linux
/// clamps it: at most `MAX_BUFFER`, at least `min`.
fn socket_buffer(n: usize, min: usize) -> usize {
    n.min(MAX_BUFFER).max(min)
}
