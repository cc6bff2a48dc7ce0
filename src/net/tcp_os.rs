//! The real-socket side of `TcpListener` and `TcpStream`: std's types,
//! translated through the loopback map when the program runs in a loopback
//! run (see [`super::loopback`]), and used as they are otherwise.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, SocketAddrV4};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::addr::{first_v4, ToSocketAddrs};
use super::loopback::{self, SocketMap, Target};

/// `ENETUNREACH` on Linux.
const ENETUNREACH: i32 = 101;
/// `EPIPE` on Linux.
const EPIPE: i32 = 32;
/// The errors `sk_err` holds when a connection has ended under a blocked
/// write: `ECONNRESET` (a RST), `ETIMEDOUT` (retransmissions unanswered),
/// `EPIPE` (a RST in CLOSE-WAIT).
const FATAL: [i32; 3] = [104, 110, EPIPE];

/// A real listener.
#[derive(Debug)]
pub(super) struct OsListener {
    sock: std::net::TcpListener,
    map: Option<SocketMap>,
}

impl OsListener {
    /// Binds `addr` (std sets `SO_REUSEADDR`, so a port whose old
    /// connections sit in TIME-WAIT can be bound again, as on Linux).
    pub(super) fn bind(
        addr: &(impl ToSocketAddrs + ?Sized),
        backlog: Option<usize>,
    ) -> io::Result<OsListener> {
        let Some((net, host)) = loopback::current() else {
            let addrs: Vec<_> = addr.to_socket_addrs()?.collect();
            let sock = match (backlog, addrs.first()) {
                (Some(n), Some(first)) => listen_with(*first, n)?,
                _ => std::net::TcpListener::bind(&addrs[..])?,
            };
            return Ok(OsListener { sock, map: None });
        };
        let (map, lo) = SocketMap::bind(net, host, first_v4(addr)?)?;
        let sock = match backlog {
            Some(n) => listen_with(SocketAddr::V4(lo), n)?,
            None => std::net::TcpListener::bind(lo)?,
        };
        Ok(OsListener {
            sock,
            map: Some(map),
        })
    }

    /// The listener itself, for calls that need no translation.
    pub(super) fn sock(&self) -> &std::net::TcpListener {
        &self.sock
    }

    /// Accepts a connection, waiting as a loopback run can stop.
    pub(super) fn accept(&self) -> io::Result<(OsStream, SocketAddr)> {
        let Some(map) = &self.map else {
            let (sock, peer) = self.sock.accept()?;
            return Ok((OsStream::new(sock, None), peer));
        };
        loopback::check_stop();
        let (sock, peer) = if map.blocking() {
            // Poll a non-blocking listener, so the wait can be stopped.
            self.sock.set_nonblocking(true)?;
            let got = loopback::polled(&mut || self.sock.accept());
            self.sock.set_nonblocking(false)?;
            let (sock, peer) = got?;
            // Linux's accepted sockets do not inherit O_NONBLOCK.
            sock.set_nonblocking(false)?;
            (sock, peer)
        } else {
            self.sock.accept()?
        };
        let stream = OsStream::new(
            sock,
            Some(SocketMap::new(Arc::clone(&map.net), map.host, false)),
        );
        Ok((stream, map.net.unmap(peer)))
    }

    /// The bound address, in the program's terms.
    pub(super) fn local_addr(&self) -> io::Result<SocketAddr> {
        let real = self.sock.local_addr()?;
        Ok(self.map.as_ref().map_or(real, |m| m.local(real)))
    }

    /// Another handle to the listener.
    pub(super) fn try_clone(&self) -> io::Result<OsListener> {
        Ok(OsListener {
            sock: self.sock.try_clone()?,
            map: self.map.clone(),
        })
    }

    /// Sets non-blocking mode (remembered: a blocking accept is polled).
    pub(super) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        self.sock.set_nonblocking(on)?;
        if let Some(m) = &self.map {
            m.set_nonblocking(on);
        }
        Ok(())
    }
}

/// A real connection.
#[derive(Debug)]
pub(super) struct OsStream {
    sock: std::net::TcpStream,
    map: Option<SocketMap>,
    /// An error (errno) that ended a blocking write after it had queued
    /// bytes: see [`OsStream::write`]. Shared by the clones, as the
    /// kernel's `sk_err` is.
    pending: Arc<Mutex<Option<i32>>>,
}

impl OsStream {
    /// Connects to `addr`, through the map in a loopback run (within
    /// `timeout` when given).
    pub(super) fn connect(
        addr: &(impl ToSocketAddrs + ?Sized),
        timeout: Option<Duration>,
    ) -> io::Result<OsStream> {
        let Some((net, host)) = loopback::current() else {
            let sock = match timeout {
                Some(t) => {
                    let first = addr.to_socket_addrs()?.next().ok_or_else(|| {
                        io::Error::new(io::ErrorKind::InvalidInput, "no addresses to connect to")
                    })?;
                    std::net::TcpStream::connect_timeout(&first, t)?
                }
                None => {
                    std::net::TcpStream::connect(&*addr.to_socket_addrs()?.collect::<Vec<_>>())?
                }
            };
            return Ok(OsStream::new(sock, None));
        };
        loopback::check_stop();
        let to = match net.target(host, first_v4(addr)?) {
            Target::One(to) => SocketAddr::V4(to),
            // TCP cannot connect to a broadcast address.
            Target::Broadcast(_) => return Err(io::Error::from_raw_os_error(ENETUNREACH)),
        };
        // Bind the host's own loopback address first, so the peer sees
        // where the connection comes from.
        let sock = connect_from(net.lo_addr(host), to, timeout)?;
        Ok(OsStream::new(sock, Some(SocketMap::new(net, host, false))))
    }

    fn new(sock: std::net::TcpStream, map: Option<SocketMap>) -> OsStream {
        OsStream {
            sock,
            map,
            pending: Arc::default(),
        }
    }

    /// The pending error's slot.
    fn pending(&self) -> std::sync::MutexGuard<'_, Option<i32>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stream itself, for calls that need no translation.
    pub(super) fn sock(&self) -> &std::net::TcpStream {
        &self.sock
    }

    /// Reads (or peeks), waiting as a loopback run can stop.
    ///
    /// With an error kept by [`OsStream::write`], Linux's order for a read
    /// holds (`tcp_recvmsg`): data still queued first, then the error.
    /// The kernel's connection is over then (a RST or a timeout closed it),
    /// so its read does not block. A kept `EPIPE` is never a read's: Linux
    /// sets it (on a RST in CLOSE-WAIT) only after the peer's FIN, and a
    /// read returns end of stream.
    pub(super) fn read(&self, buf: &mut [u8], peek: bool) -> io::Result<usize> {
        let mut once = || {
            if peek {
                self.sock.peek(buf)
            } else {
                (&self.sock).read(buf)
            }
        };
        let kept = *self.pending();
        if let Some(errno) = kept.filter(|&e| e != EPIPE) {
            return match once() {
                Ok(0) => {
                    if !peek {
                        self.pending().take();
                    }
                    Err(io::Error::from_raw_os_error(errno))
                }
                other => other,
            };
        }
        match &self.map {
            Some(m) if m.blocking() => {
                loopback::check_stop();
                let user = self.sock.read_timeout()?;
                loopback::sliced(user, &|t| self.sock.set_read_timeout(t), &mut once)
            }
            _ => once(),
        }
    }

    /// Writes, waiting as a loopback run can stop. A blocking write queues
    /// all of `buf` before it returns, as Linux's blocking send does: the
    /// short slices it waits in must not show as short writes. Only the
    /// program's own write timeout ends it early.
    ///
    /// An error (a RST, a timeout) after some slices went is Linux's case
    /// of a send that returns the count it copied and leaves `sk_err` set
    /// for the next call. The slice that met the error consumed it from the
    /// kernel, so it is kept here and reported as the kernel would have:
    /// by the next write, by `take_error`, or by a read once the data
    /// queued for it is read.
    pub(super) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        if let Some(errno) = self.pending().take() {
            return Err(io::Error::from_raw_os_error(errno));
        }
        if !self.map.as_ref().is_some_and(SocketMap::blocking) || buf.is_empty() {
            return (&self.sock).write(buf);
        }
        loopback::check_stop();
        let user = self.sock.write_timeout()?;
        let mut done = 0;
        while done < buf.len() {
            let rest = &buf[done..];
            let wrote = loopback::sliced(user, &|t| self.sock.set_write_timeout(t), &mut || {
                (&self.sock).write(rest)
            });
            match wrote {
                Ok(n) => done += n,
                // A timeout after some progress: what was queued, as Linux.
                // An error that ended the connection: kept for the next call.
                Err(e) if done > 0 => {
                    let kept = e.raw_os_error().filter(|e| FATAL.contains(e));
                    if kept.is_some() {
                        *self.pending() = kept;
                    }
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// The local address, in the program's terms.
    pub(super) fn local_addr(&self) -> io::Result<SocketAddr> {
        let real = self.sock.local_addr()?;
        Ok(self.map.as_ref().map_or(real, |m| m.net.unmap(real)))
    }

    /// The peer's address, in the program's terms.
    pub(super) fn peer_addr(&self) -> io::Result<SocketAddr> {
        let real = self.sock.peer_addr()?;
        Ok(self.map.as_ref().map_or(real, |m| m.net.unmap(real)))
    }

    /// Shuts down one or both directions.
    pub(super) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.sock.shutdown(how)
    }

    /// Another handle to the stream.
    pub(super) fn try_clone(&self) -> io::Result<OsStream> {
        Ok(OsStream {
            sock: self.sock.try_clone()?,
            map: self.map.clone(),
            pending: Arc::clone(&self.pending),
        })
    }

    /// `SO_ERROR`: the error kept by a write first, else the kernel's.
    pub(super) fn take_error(&self) -> io::Result<Option<io::Error>> {
        if let Some(errno) = self.pending().take() {
            return Ok(Some(io::Error::from_raw_os_error(errno)));
        }
        self.sock.take_error()
    }

    /// Sets non-blocking mode (remembered: a blocking read is sliced).
    pub(super) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        self.sock.set_nonblocking(on)?;
        if let Some(m) = &self.map {
            m.set_nonblocking(on);
        }
        Ok(())
    }
}

/// A connection from `local` (an ephemeral port on it) to `to`: bound
/// first, so the peer sees the host's own loopback address (std's connect
/// would leave the source to the kernel, which picks 127.0.0.1).
fn connect_from(
    local: std::net::Ipv4Addr,
    to: SocketAddr,
    timeout: Option<Duration>,
) -> io::Result<std::net::TcpStream> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    sock.bind(&SockAddr::from(SocketAddrV4::new(local, 0)))?;
    match timeout {
        Some(t) => sock.connect_timeout(&SockAddr::from(to), t)?,
        None => sock.connect(&SockAddr::from(to))?,
    }
    Ok(sock.into())
}

impl OsStream {
    /// A non-blocking connect to `addr` (through the map in a loopback
    /// run): the socket as soon as the SYN is sent, `O_NONBLOCK` set.
    pub(super) fn connect_started(addr: SocketAddr) -> io::Result<OsStream> {
        use socket2::{Domain, SockAddr, Socket, Type};
        let (to, local, map) = match loopback::current() {
            None => (addr, None, None),
            Some((net, host)) => {
                loopback::check_stop();
                let to = match net.target(host, first_v4(&addr)?) {
                    Target::One(to) => SocketAddr::V4(to),
                    Target::Broadcast(_) => return Err(io::Error::from_raw_os_error(ENETUNREACH)),
                };
                let local = net.lo_addr(host);
                let map = SocketMap::new(net, host, false);
                map.set_nonblocking(true);
                (to, Some(local), Some(map))
            }
        };
        let sock = Socket::new(Domain::for_address(to), Type::STREAM, None)?;
        sock.set_nonblocking(true)?;
        if let Some(local) = local {
            sock.bind(&SockAddr::from(SocketAddrV4::new(local, 0)))?;
        }
        match sock.connect(&SockAddr::from(to)) {
            Ok(()) => {}
            // EINPROGRESS: the handshake goes on without us.
            Err(e) if e.raw_os_error() == Some(115) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        Ok(OsStream::new(sock.into(), map))
    }
}

/// A listener on `addr` with `listen(backlog)`, `SO_REUSEADDR` set as std
/// sets it.
fn listen_with(addr: SocketAddr, backlog: usize) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    sock.set_reuse_address(true)?;
    sock.bind(&SockAddr::from(addr))?;
    sock.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    Ok(sock.into())
}
