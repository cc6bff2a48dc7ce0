//! `TcpListener` and `TcpStream`: std's methods and signatures, on both
//! backends.
//!
//! Inside a simulated process every call goes to the simulated host's TCP
//! and returns what Linux would (errors are built from the errno Linux
//! gives, so kind and message both match std). Anywhere else they are real
//! `std::net` sockets, mapped onto loopback in a loopback run.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use super::addr::{first_v4, ToSocketAddrs};
use super::tcp_os::{OsListener, OsStream};
use super::{check_timeout, outside_simulation, unexpected};
use crate::sim::lend::{tcp_read as tcp_read_in_place, tcp_write as tcp_write_in_place};
use crate::sim::process::{defer_close, in_simulation, syscall, Reply, SockRef, Syscall};
use crate::sim::tcp_call::{TcpCall, TcpOk, TcpOpt};

/// Makes a TCP call to the simulation (a blocked call is tried again by
/// the scheduler whenever its socket becomes ready).
fn call(call: TcpCall) -> io::Result<TcpOk> {
    answer(syscall(Syscall::Tcp(call)))
}

/// A read made as a call of its own, when none can be answered in place
/// (see `crate::sim::lend`).
fn receive_owned(sock: SockRef, buf: &mut [u8], peek: bool) -> io::Result<usize> {
    match call(TcpCall::Read {
        sock,
        max: buf.len(),
        peek,
    })? {
        TcpOk::Data(data) => {
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            // The host reuses the buffer for the next read.
            crate::sim::bufpool::give(data);
            Ok(n)
        }
        ok => Err(unexpected(ok)),
    }
}

/// The result a reply stands for.
fn answer(reply: Option<Reply>) -> io::Result<TcpOk> {
    match reply {
        Some(Reply::Tcp(Ok(ok))) => Ok(ok),
        Some(Reply::Tcp(Err(errno))) => Err(io::Error::from_raw_os_error(errno)),
        Some(other) => Err(unexpected(other)),
        None => Err(outside_simulation()),
    }
}

/// Sets an option of a simulated socket.
fn set(sock: SockRef, opt: TcpOpt) -> io::Result<()> {
    call(TcpCall::Set { sock, opt }).map(|_| ())
}

/// Reads an option of a simulated socket.
fn get(sock: SockRef, opt: TcpOpt) -> io::Result<TcpOpt> {
    match call(TcpCall::Get { sock, opt })? {
        TcpOk::Opt(value) => Ok(value),
        ok => Err(unexpected(ok)),
    }
}

fn addr(call_: TcpCall) -> io::Result<SocketAddr> {
    match call(call_)? {
        TcpOk::Addr(a) => Ok(SocketAddr::V4(a)),
        ok => Err(unexpected(ok)),
    }
}

/// `setsockopt(SO_RCVBUF / SO_SNDBUF)` on a real socket.
fn buffer_set(sock: impl std::os::fd::AsFd, opt: TcpOpt) -> io::Result<()> {
    let sock = socket2::SockRef::from(&sock);
    match opt {
        TcpOpt::RecvBuffer(n) => sock.set_recv_buffer_size(n),
        TcpOpt::SendBuffer(n) => sock.set_send_buffer_size(n),
        other => Err(io::Error::other(format!("not a buffer option: {other:?}"))),
    }
}

/// `getsockopt(SO_RCVBUF / SO_SNDBUF)` on a real socket.
fn buffer_get(sock: impl std::os::fd::AsFd, opt: TcpOpt) -> io::Result<TcpOpt> {
    let sock = socket2::SockRef::from(&sock);
    match opt {
        TcpOpt::RecvBuffer(_) => Ok(TcpOpt::RecvBuffer(sock.recv_buffer_size()?)),
        TcpOpt::SendBuffer(_) => Ok(TcpOpt::SendBuffer(sock.send_buffer_size()?)),
        other => Err(io::Error::other(format!("not a buffer option: {other:?}"))),
    }
}

/// The size a buffer option holds.
fn buffer_size(opt: TcpOpt) -> io::Result<usize> {
    match opt {
        TcpOpt::RecvBuffer(n) | TcpOpt::SendBuffer(n) => Ok(n),
        other => Err(io::Error::other(format!("unexpected option {other:?}"))),
    }
}

fn take_error(sock: SockRef) -> io::Result<Option<io::Error>> {
    match call(TcpCall::TakeError { sock })? {
        TcpOk::Error(e) => Ok(e.map(io::Error::from_raw_os_error)),
        ok => Err(unexpected(ok)),
    }
}

/// A TCP listener, as `std::net::TcpListener`.
#[derive(Debug)]
pub struct TcpListener {
    inner: ListenerBackend,
}

#[derive(Debug)]
enum ListenerBackend {
    Os(OsListener),
    Sim(SockRef),
}

impl TcpListener {
    /// Creates a listener bound to `addr` (port 0: an ephemeral port).
    /// Linux's backlog is fixed here at 128 (`SOMAXCONN`'s default), as std
    /// calls `listen(128)`.
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        TcpListener::listen(addr, None)
    }

    /// Creates a listener bound to `addr` with `listen(backlog)`, which
    /// std's `bind` cannot say (a simnet extension; socket2's `listen` on
    /// real sockets). As on Linux, the listener keeps at most backlog + 1
    /// connections waiting for `accept` (in their handshake or done), and
    /// drops SYNs beyond them: those clients' SYNs go again after 1 s,
    /// 3 s, 7 s… and get in once `accept` has made room. A backlog above
    /// 4096 (`somaxconn`) is cut to it.
    pub fn bind_with_backlog<A: ToSocketAddrs>(addr: A, backlog: u32) -> io::Result<TcpListener> {
        TcpListener::listen(addr, Some(backlog as usize))
    }

    fn listen<A: ToSocketAddrs>(addr: A, backlog: Option<usize>) -> io::Result<TcpListener> {
        let inner = if in_simulation() {
            match call(TcpCall::Listen {
                addr: first_v4(&addr)?,
                backlog,
            })? {
                TcpOk::Socket(sock) => ListenerBackend::Sim(sock),
                ok => return Err(unexpected(ok)),
            }
        } else {
            ListenerBackend::Os(OsListener::bind(&addr, backlog)?)
        };
        Ok(TcpListener { inner })
    }

    /// Waits for a connection and returns it with the peer's address.
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        match &self.inner {
            ListenerBackend::Os(l) => {
                let (stream, peer) = l.accept()?;
                Ok((TcpStream::os(stream), peer))
            }
            ListenerBackend::Sim(sock) => match call(TcpCall::Accept { sock: *sock })? {
                TcpOk::Accepted(conn, peer) => Ok((TcpStream::sim(conn), SocketAddr::V4(peer))),
                ok => Err(unexpected(ok)),
            },
        }
    }

    /// An endless iterator over incoming connections, as `accept` in a loop.
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// The address this listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            ListenerBackend::Os(l) => l.local_addr(),
            ListenerBackend::Sim(sock) => addr(TcpCall::LocalAddr { sock: *sock }),
        }
    }

    /// Another handle to the same listener.
    pub fn try_clone(&self) -> io::Result<TcpListener> {
        let inner = match &self.inner {
            ListenerBackend::Os(l) => ListenerBackend::Os(l.try_clone()?),
            ListenerBackend::Sim(sock) => {
                call(TcpCall::Clone { sock: *sock })?;
                ListenerBackend::Sim(*sock)
            }
        };
        Ok(TcpListener { inner })
    }

    /// Makes `accept` return `WouldBlock` instead of waiting.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        match &self.inner {
            ListenerBackend::Os(l) => l.set_nonblocking(nonblocking),
            ListenerBackend::Sim(sock) => set(*sock, TcpOpt::Nonblocking(nonblocking)),
        }
    }

    /// Sets `SO_RCVBUF` or `SO_SNDBUF` for the connections it accepts.
    pub(super) fn set_buffer(&self, opt: TcpOpt) -> io::Result<()> {
        match &self.inner {
            ListenerBackend::Os(l) => buffer_set(l.sock(), opt),
            ListenerBackend::Sim(sock) => set(*sock, opt),
        }
    }

    /// Reads `SO_RCVBUF` or `SO_SNDBUF` back.
    pub(super) fn buffer(&self, opt: TcpOpt) -> io::Result<usize> {
        buffer_size(match &self.inner {
            ListenerBackend::Os(l) => buffer_get(l.sock(), opt)?,
            ListenerBackend::Sim(sock) => get(*sock, opt)?,
        })
    }

    /// Sets the TTL of packets sent by accepted connections.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        match &self.inner {
            ListenerBackend::Os(l) => l.sock().set_ttl(ttl),
            ListenerBackend::Sim(sock) => set(*sock, TcpOpt::Ttl(ttl)),
        }
    }

    /// The TTL of packets sent by accepted connections.
    pub fn ttl(&self) -> io::Result<u32> {
        match &self.inner {
            ListenerBackend::Os(l) => l.sock().ttl(),
            ListenerBackend::Sim(sock) => match get(*sock, TcpOpt::Ttl(0))? {
                TcpOpt::Ttl(ttl) => Ok(ttl),
                other => Err(io::Error::other(format!("unexpected option {other:?}"))),
            },
        }
    }

    /// Takes the pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match &self.inner {
            ListenerBackend::Os(l) => l.sock().take_error(),
            ListenerBackend::Sim(sock) => take_error(*sock),
        }
    }
}

impl Drop for TcpListener {
    fn drop(&mut self) {
        if let ListenerBackend::Sim(sock) = self.inner {
            defer_close(sock);
        }
    }
}

/// The iterator [`TcpListener::incoming`] returns.
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<TcpStream>;
    fn next(&mut self) -> Option<io::Result<TcpStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }
}

/// A TCP connection, as `std::net::TcpStream`.
#[derive(Debug)]
pub struct TcpStream {
    inner: StreamBackend,
}

#[derive(Debug)]
enum StreamBackend {
    Os(OsStream),
    Sim(SockRef),
}

impl TcpStream {
    fn os(stream: OsStream) -> TcpStream {
        TcpStream {
            inner: StreamBackend::Os(stream),
        }
    }

    fn sim(sock: SockRef) -> TcpStream {
        TcpStream {
            inner: StreamBackend::Sim(sock),
        }
    }

    fn open(
        addr: &(impl ToSocketAddrs + ?Sized),
        timeout: Option<Duration>,
    ) -> io::Result<TcpStream> {
        if !in_simulation() {
            return Ok(TcpStream::os(OsStream::connect(addr, timeout)?));
        }
        match call(TcpCall::Connect {
            addr: first_v4(addr)?,
            timeout,
        })? {
            TcpOk::Socket(sock) => Ok(TcpStream::sim(sock)),
            ok => Err(unexpected(ok)),
        }
    }

    /// Opens a connection to `addr`, waiting for the handshake.
    pub fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        TcpStream::open(&addr, None)
    }

    /// Opens a connection to `addr`, giving up after `timeout` (which must
    /// not be zero, as in std).
    pub fn connect_timeout(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        check_timeout(Some(timeout))?;
        TcpStream::open(addr, Some(timeout))
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            StreamBackend::Os(s) => s.peer_addr(),
            StreamBackend::Sim(sock) => addr(TcpCall::PeerAddr { sock: *sock }),
        }
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            StreamBackend::Os(s) => s.local_addr(),
            StreamBackend::Sim(sock) => addr(TcpCall::LocalAddr { sock: *sock }),
        }
    }

    /// Shuts down reading, writing (a FIN: the peer reads end of stream) or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match &self.inner {
            StreamBackend::Os(s) => s.shutdown(how),
            StreamBackend::Sim(sock) => call(TcpCall::Shutdown { sock: *sock, how }).map(|_| ()),
        }
    }

    /// Another handle to the same connection.
    pub fn try_clone(&self) -> io::Result<TcpStream> {
        match &self.inner {
            StreamBackend::Os(s) => Ok(TcpStream::os(s.try_clone()?)),
            StreamBackend::Sim(sock) => {
                call(TcpCall::Clone { sock: *sock })?;
                Ok(TcpStream::sim(*sock))
            }
        }
    }

    fn set_opt(&self, opt: TcpOpt, os: impl FnOnce(&OsStream) -> io::Result<()>) -> io::Result<()> {
        match &self.inner {
            StreamBackend::Os(s) => os(s),
            StreamBackend::Sim(sock) => set(*sock, opt),
        }
    }

    fn get_opt(&self, opt: TcpOpt) -> io::Result<TcpOpt> {
        match &self.inner {
            StreamBackend::Os(s) => {
                let sock = s.sock();
                Ok(match opt {
                    TcpOpt::ReadTimeout(_) => TcpOpt::ReadTimeout(sock.read_timeout()?),
                    TcpOpt::WriteTimeout(_) => TcpOpt::WriteTimeout(sock.write_timeout()?),
                    TcpOpt::Nodelay(_) => TcpOpt::Nodelay(sock.nodelay()?),
                    TcpOpt::Ttl(_) => TcpOpt::Ttl(sock.ttl()?),
                    // std cannot read O_NONBLOCK back; nothing asks for it.
                    TcpOpt::Nonblocking(_) => opt,
                    TcpOpt::RecvBuffer(_) | TcpOpt::SendBuffer(_) => buffer_get(sock, opt)?,
                })
            }
            StreamBackend::Sim(sock) => get(*sock, opt),
        }
    }

    /// Sets how long a read may wait (`None`: forever; zero is an error).
    pub fn set_read_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        check_timeout(dur)?;
        self.set_opt(TcpOpt::ReadTimeout(dur), |s| s.sock().set_read_timeout(dur))
    }

    /// The read timeout.
    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        match self.get_opt(TcpOpt::ReadTimeout(None))? {
            TcpOpt::ReadTimeout(t) => Ok(t),
            other => Err(io::Error::other(format!("unexpected option {other:?}"))),
        }
    }

    /// Sets how long a write may wait (`None`: forever; zero is an error).
    pub fn set_write_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        check_timeout(dur)?;
        self.set_opt(TcpOpt::WriteTimeout(dur), |s| {
            s.sock().set_write_timeout(dur)
        })
    }

    /// The write timeout.
    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        match self.get_opt(TcpOpt::WriteTimeout(None))? {
            TcpOpt::WriteTimeout(t) => Ok(t),
            other => Err(io::Error::other(format!("unexpected option {other:?}"))),
        }
    }

    /// Reads without taking: the next read returns the same bytes.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.receive(buf, true)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.set_opt(TcpOpt::Nodelay(nodelay), |s| s.sock().set_nodelay(nodelay))
    }

    /// Whether Nagle's algorithm is off.
    pub fn nodelay(&self) -> io::Result<bool> {
        match self.get_opt(TcpOpt::Nodelay(false))? {
            TcpOpt::Nodelay(on) => Ok(on),
            other => Err(io::Error::other(format!("unexpected option {other:?}"))),
        }
    }

    /// Sets the TTL of packets sent.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.set_opt(TcpOpt::Ttl(ttl), |s| s.sock().set_ttl(ttl))
    }

    /// The TTL of packets sent.
    pub fn ttl(&self) -> io::Result<u32> {
        match self.get_opt(TcpOpt::Ttl(0))? {
            TcpOpt::Ttl(ttl) => Ok(ttl),
            other => Err(io::Error::other(format!("unexpected option {other:?}"))),
        }
    }

    /// Makes reads and writes return `WouldBlock` instead of waiting.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.set_opt(TcpOpt::Nonblocking(nonblocking), |s| {
            s.set_nonblocking(nonblocking)
        })
    }

    /// Sets `SO_RCVBUF` or `SO_SNDBUF` (see [`super::SocketBuffers`]).
    pub(super) fn set_buffer(&self, opt: TcpOpt) -> io::Result<()> {
        self.set_opt(opt, |s| buffer_set(s.sock(), opt))
    }

    /// Reads `SO_RCVBUF` or `SO_SNDBUF` back.
    pub(super) fn buffer(&self, opt: TcpOpt) -> io::Result<usize> {
        buffer_size(self.get_opt(opt)?)
    }

    /// Takes the pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match &self.inner {
            StreamBackend::Os(s) => s.take_error(),
            StreamBackend::Sim(sock) => take_error(*sock),
        }
    }

    fn receive(&self, buf: &mut [u8], peek: bool) -> io::Result<usize> {
        match &self.inner {
            StreamBackend::Os(s) => s.read(buf, peek),
            StreamBackend::Sim(sock) => match tcp_read_in_place(*sock, buf, peek) {
                Some(reply) => match answer(Some(reply))? {
                    TcpOk::Copied(n) => Ok(n),
                    ok => Err(unexpected(ok)),
                },
                None => receive_owned(*sock, buf, peek),
            },
        }
    }

    fn send(&self, buf: &[u8]) -> io::Result<usize> {
        match &self.inner {
            StreamBackend::Os(s) => s.write(buf),
            StreamBackend::Sim(sock) => {
                let reply = match tcp_write_in_place(*sock, buf) {
                    Some(reply) => answer(Some(reply)),
                    None => call(TcpCall::Write {
                        sock: *sock,
                        data: std::rc::Rc::from(buf),
                    }),
                };
                match reply? {
                    TcpOk::Written(n) => Ok(n),
                    ok => Err(unexpected(ok)),
                }
            }
        }
    }
}

impl Read for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.receive(buf, false)
    }
}

impl Read for &TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.receive(buf, false)
    }
}

impl Write for TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for &TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for TcpStream {
    fn drop(&mut self) {
        if let StreamBackend::Sim(sock) = self.inner {
            defer_close(sock);
        }
    }
}

/// What `simnet::io` needs: the socket behind each type, and a connect that
/// does not wait.
mod poll_hooks {
    use std::os::fd::AsRawFd;

    use super::*;
    use crate::net::handle::Handle;

    impl TcpListener {
        /// The socket, for a poller.
        pub(crate) fn handle(&self) -> Handle {
            match &self.inner {
                ListenerBackend::Os(l) => Handle::Os(l.sock().as_raw_fd()),
                ListenerBackend::Sim(sock) => Handle::Sim(*sock),
            }
        }
    }

    impl TcpStream {
        /// The socket, for a poller.
        pub(crate) fn handle(&self) -> Handle {
            match &self.inner {
                StreamBackend::Os(s) => Handle::Os(s.sock().as_raw_fd()),
                StreamBackend::Sim(sock) => Handle::Sim(*sock),
            }
        }

        /// A non-blocking connect: the stream at once, its handshake in
        /// progress (`EINPROGRESS`), `O_NONBLOCK` set. Writable readiness
        /// says when it is done; `take_error` or `peer_addr` say how.
        pub(crate) fn connect_started(addr: SocketAddr) -> io::Result<TcpStream> {
            if !in_simulation() {
                return Ok(TcpStream::os(OsStream::connect_started(addr)?));
            }
            match call(TcpCall::ConnectStart {
                addr: first_v4(&addr)?,
            })? {
                TcpOk::Socket(sock) => Ok(TcpStream::sim(sock)),
                ok => Err(unexpected(ok)),
            }
        }
    }
}
