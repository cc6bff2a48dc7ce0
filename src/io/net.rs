//! Non-blocking sockets, as `mio::net`: `TcpListener`, `TcpStream` and
//! `UdpSocket`, each ready to register with a [`Poll`](super::Poll).
//!
//! Each wraps the matching `simnet::net` socket with `O_NONBLOCK` set, so
//! inside a simulated process it is a simulated socket, and anywhere else a
//! real one (mapped onto the host's 127.X.Y.N in a loopback run). Calls that
//! would wait return `WouldBlock` instead, as mio's do.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};

use super::event::Source;
use super::{Interest, Registry, Token};
use crate::net;

macro_rules! source {
    ($ty:ty) => {
        impl Source for $ty {
            fn register(
                &mut self,
                registry: &Registry,
                token: Token,
                interests: Interest,
            ) -> io::Result<()> {
                registry.add(self.inner.handle(), token, interests, false)
            }

            fn reregister(
                &mut self,
                registry: &Registry,
                token: Token,
                interests: Interest,
            ) -> io::Result<()> {
                registry.add(self.inner.handle(), token, interests, true)
            }

            fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
                registry.remove(self.inner.handle())
            }
        }
    };
}

/// A non-blocking TCP listener, as `mio::net::TcpListener`.
#[derive(Debug)]
pub struct TcpListener {
    inner: net::TcpListener,
}

impl TcpListener {
    /// Binds `addr` and listens (`SO_REUSEADDR` set, as mio sets it).
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        let inner = net::TcpListener::bind(addr)?;
        inner.set_nonblocking(true)?;
        Ok(TcpListener { inner })
    }

    /// A connection from the accept queue, non-blocking too, or
    /// `WouldBlock` when the queue is empty.
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self.inner.accept()?;
        stream.set_nonblocking(true)?;
        Ok((TcpStream { inner: stream }, peer))
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// Sets `IP_TTL` for the connections it accepts.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.set_ttl(ttl)
    }

    /// `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.ttl()
    }

    /// The pending error (`SO_ERROR`), taking it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }
}

source!(TcpListener);

/// A non-blocking TCP connection, as `mio::net::TcpStream`.
#[derive(Debug)]
pub struct TcpStream {
    inner: net::TcpStream,
}

impl TcpStream {
    /// Starts connecting to `addr` and returns at once, as mio does: the
    /// handshake goes on. Register the stream for `WRITABLE`; when the
    /// event comes, `take_error` (or `peer_addr`, which is `NotConnected`
    /// until then) tells whether it succeeded.
    pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: net::TcpStream::connect_started(addr)?,
        })
    }

    /// Wraps a stream made with `simnet::net` (connected, with its
    /// options set: a send buffer, say), as mio's `from_std`. As there, the
    /// caller sets it non-blocking first (`set_nonblocking(true)`).
    pub fn from_std(stream: net::TcpStream) -> TcpStream {
        TcpStream { inner: stream }
    }

    /// The peer's address (`NotConnected` while the handshake goes on).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// Shuts down one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.shutdown(how)
    }

    /// `TCP_NODELAY`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets `IP_TTL`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.set_ttl(ttl)
    }

    /// `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.ttl()
    }

    /// The pending error (`SO_ERROR`), taking it: how a failed non-blocking
    /// connect reports why (`ConnectionRefused`, `TimedOut`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Reads without consuming.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf)
    }

    /// Runs `f`, as mio's `try_io` (which clears readiness on
    /// `WouldBlock`; here readiness comes from the socket itself, so
    /// nothing needs clearing).
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        f()
    }
}

impl Read for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.inner).read(buf)
    }
}

impl Read for &TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.inner).read(buf)
    }
}

impl Write for TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.inner).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for &TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.inner).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

source!(TcpStream);

/// A non-blocking UDP socket, as `mio::net::UdpSocket`.
#[derive(Debug)]
pub struct UdpSocket {
    inner: net::UdpSocket,
}

impl UdpSocket {
    /// Binds `addr`.
    pub fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
        let inner = net::UdpSocket::bind(addr)?;
        inner.set_nonblocking(true)?;
        Ok(UdpSocket { inner })
    }

    /// Sends a datagram to `target`.
    pub fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.inner.send_to(buf, target)
    }

    /// A datagram and its sender, or `WouldBlock`.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.recv_from(buf)
    }

    /// The next datagram and its sender, left queued.
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.peek_from(buf)
    }

    /// Sends to the connected peer.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.send(buf)
    }

    /// A datagram from the connected peer, or `WouldBlock`.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.recv(buf)
    }

    /// The next datagram from the connected peer, left queued.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf)
    }

    /// Sets the default peer.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.connect(addr)
    }

    /// This socket's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// The connected peer.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// `SO_BROADCAST`.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.inner.set_broadcast(on)
    }

    /// Whether `SO_BROADCAST` is set.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.inner.broadcast()
    }

    /// Sets `IP_TTL`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.set_ttl(ttl)
    }

    /// `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.ttl()
    }

    /// The pending error (`SO_ERROR`), taking it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }
}

source!(UdpSocket);
