//! `UdpSocket`: std's methods and signatures, on both backends.
//!
//! Inside a simulated process every call goes to the simulated host's UDP
//! layer and returns what Linux would (errors are built from the errno Linux
//! gives, so kind and message both match std). Anywhere else the socket is a
//! real `std::net::UdpSocket`.

use std::io;
use std::net::{SocketAddr, SocketAddrV4};
use std::time::Duration;

use super::addr::{first_v4, ToSocketAddrs};
use super::udp_os::OsUdp;
use super::{check_timeout, outside_simulation, unexpected};
use crate::sim::process::{
    defer_close, in_simulation, syscall, Reply, SockRef, Syscall, UdpCall, UdpOk,
};
use crate::sim::{bufpool, lend};

/// A UDP socket, as `std::net::UdpSocket`.
#[derive(Debug)]
pub struct UdpSocket {
    inner: Backend,
}

#[derive(Debug)]
enum Backend {
    Os(OsUdp),
    Sim(SockRef),
}

/// Makes a UDP call to the simulation (a blocked receive is tried again by
/// the scheduler whenever its socket becomes readable).
fn call(call: UdpCall) -> io::Result<UdpOk> {
    match syscall(Syscall::Udp(call)) {
        Some(reply) => reply_ok(reply),
        None => Err(outside_simulation()),
    }
}

/// The result a reply to a UDP call stands for.
fn reply_ok(reply: Reply) -> io::Result<UdpOk> {
    match reply {
        Reply::Udp(Ok(ok)) => Ok(ok),
        Reply::Udp(Err(errno)) => Err(io::Error::from_raw_os_error(errno)),
        other => Err(unexpected(other)),
    }
}

impl UdpSocket {
    /// Creates a socket bound to `addr` (port 0: an ephemeral port).
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        if !in_simulation() {
            return Ok(UdpSocket {
                inner: Backend::Os(OsUdp::bind(&addr)?),
            });
        }
        let addr = first_v4(&addr)?;
        match call(UdpCall::Bind { addr })? {
            UdpOk::Socket(sock) => Ok(UdpSocket {
                inner: Backend::Sim(sock),
            }),
            ok => Err(unexpected(ok)),
        }
    }

    fn sim(&self, op: impl FnOnce(SockRef) -> UdpCall) -> Option<io::Result<UdpOk>> {
        match &self.inner {
            Backend::Sim(sock) => Some(call(op(*sock))),
            Backend::Os(_) => None,
        }
    }

    /// The real socket (only reached for one; `sim` answers the others).
    fn os(&self) -> io::Result<&OsUdp> {
        match &self.inner {
            Backend::Os(s) => Ok(s),
            Backend::Sim(_) => Err(outside_simulation()),
        }
    }

    fn receive(&self, buf: &mut [u8], peek: bool) -> io::Result<(usize, SocketAddr)> {
        if let Backend::Sim(sock) = self.inner {
            if let Some(reply) = lend::udp_recv(sock, buf, peek) {
                return match reply_ok(reply)? {
                    UdpOk::Copied { len, from } => Ok((len, SocketAddr::V4(from))),
                    ok => Err(unexpected(ok)),
                };
            }
        }
        let result = self.sim(|sock| UdpCall::Recv {
            sock,
            max: buf.len(),
            peek,
        });
        match result {
            Some(Ok(UdpOk::Received { data, from })) => {
                // As recvfrom(2): the excess of a long datagram is lost.
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                bufpool::give(data);
                Ok((n, SocketAddr::V4(from)))
            }
            Some(Ok(ok)) => Err(unexpected(ok)),
            Some(Err(e)) => Err(e),
            None => self.os()?.receive(buf, peek),
        }
    }

    /// Receives one datagram; a datagram longer than `buf` is cut short.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.receive(buf, false)
    }

    /// Like `recv_from`, but leaves the datagram queued.
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.receive(buf, true)
    }

    /// Receives one datagram from the connected peer.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.receive(buf, false).map(|(n, _)| n)
    }

    /// Like `recv`, but leaves the datagram queued.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.receive(buf, true).map(|(n, _)| n)
    }

    fn transmit(&self, buf: &[u8], dst: Option<SocketAddrV4>) -> io::Result<usize> {
        if let Backend::Sim(sock) = self.inner {
            if let Some(reply) = lend::udp_send(sock, buf, dst) {
                return match reply_ok(reply)? {
                    UdpOk::Sent(n) => Ok(n),
                    ok => Err(unexpected(ok)),
                };
            }
        }
        let result = self.sim(|sock| {
            let mut data = bufpool::take();
            data.extend_from_slice(buf);
            UdpCall::Send { sock, data, dst }
        });
        match result {
            Some(Ok(UdpOk::Sent(n))) => Ok(n),
            Some(Ok(ok)) => Err(unexpected(ok)),
            Some(Err(e)) => Err(e),
            None => match dst {
                Some(dst) => self.os()?.send_to(buf, &dst),
                None => self.os()?.send(buf),
            },
        }
    }

    /// Sends `buf` to `addr`; returns the bytes sent.
    pub fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        if let Backend::Os(s) = &self.inner {
            return s.send_to(buf, &addr);
        }
        let dst = first_v4(&addr)?;
        self.transmit(buf, Some(dst))
    }

    /// Sends `buf` to the connected peer.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.transmit(buf, None)
    }

    /// Sets the default peer: `send` goes there and only its datagrams are received.
    pub fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        if let Backend::Os(s) = &self.inner {
            return s.connect(&addr);
        }
        let peer = first_v4(&addr)?;
        self.sim(|sock| UdpCall::Connect { sock, peer })
            .unwrap_or_else(|| Err(outside_simulation()))
            .map(|_| ())
    }

    fn addr_call(&self, op: impl FnOnce(SockRef) -> UdpCall) -> Option<io::Result<SocketAddr>> {
        self.sim(op).map(|r| match r? {
            UdpOk::Addr(a) => Ok(SocketAddr::V4(a)),
            ok => Err(unexpected(ok)),
        })
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.addr_call(|sock| UdpCall::LocalAddr { sock })
            .unwrap_or_else(|| self.os()?.local_addr())
    }

    /// The connected peer's address (`NotConnected` if none).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.addr_call(|sock| UdpCall::PeerAddr { sock })
            .unwrap_or_else(|| self.os()?.peer_addr())
    }

    /// Another handle to the same socket.
    pub fn try_clone(&self) -> io::Result<UdpSocket> {
        match &self.inner {
            Backend::Os(s) => Ok(UdpSocket {
                inner: Backend::Os(s.try_clone()?),
            }),
            Backend::Sim(sock) => {
                call(UdpCall::Clone { sock: *sock })?;
                Ok(UdpSocket {
                    inner: Backend::Sim(*sock),
                })
            }
        }
    }

    fn set_opt(&self, op: impl FnOnce(SockRef) -> UdpCall) -> Option<io::Result<()>> {
        self.sim(op).map(|r| r.map(|_| ()))
    }

    /// Sets how long a receive may block (`None`: forever). A zero duration
    /// is an error, as in std.
    pub fn set_read_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        check_timeout(dur)?;
        self.set_opt(|sock| UdpCall::SetReadTimeout { sock, dur })
            .unwrap_or_else(|| self.os()?.sock().set_read_timeout(dur))
    }

    /// Sets how long a send may block (`None`: forever).
    pub fn set_write_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        check_timeout(dur)?;
        self.set_opt(|sock| UdpCall::SetWriteTimeout { sock, dur })
            .unwrap_or_else(|| self.os()?.sock().set_write_timeout(dur))
    }

    fn timeout_call(
        &self,
        op: impl FnOnce(SockRef) -> UdpCall,
    ) -> Option<io::Result<Option<Duration>>> {
        self.sim(op).map(|r| match r? {
            UdpOk::Timeout(t) => Ok(t),
            ok => Err(unexpected(ok)),
        })
    }

    /// The receive timeout.
    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        self.timeout_call(|sock| UdpCall::ReadTimeout { sock })
            .unwrap_or_else(|| self.os()?.sock().read_timeout())
    }

    /// The send timeout.
    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        self.timeout_call(|sock| UdpCall::WriteTimeout { sock })
            .unwrap_or_else(|| self.os()?.sock().write_timeout())
    }

    /// Makes receives return `WouldBlock` instead of waiting.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.set_opt(|sock| UdpCall::SetNonblocking {
            sock,
            on: nonblocking,
        })
        .unwrap_or_else(|| self.os()?.set_nonblocking(nonblocking))
    }

    /// Allows sending to broadcast addresses (`SO_BROADCAST`).
    pub fn set_broadcast(&self, broadcast: bool) -> io::Result<()> {
        self.set_opt(|sock| UdpCall::SetBroadcast {
            sock,
            on: broadcast,
        })
        .unwrap_or_else(|| self.os()?.sock().set_broadcast(broadcast))
    }

    /// Whether `SO_BROADCAST` is set.
    pub fn broadcast(&self) -> io::Result<bool> {
        match self.sim(|sock| UdpCall::Broadcast { sock }) {
            Some(r) => match r? {
                UdpOk::Flag(on) => Ok(on),
                ok => Err(unexpected(ok)),
            },
            None => self.os()?.sock().broadcast(),
        }
    }

    /// Sets the TTL of datagrams sent.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.set_opt(|sock| UdpCall::SetTtl { sock, ttl })
            .unwrap_or_else(|| self.os()?.sock().set_ttl(ttl))
    }

    /// The TTL of datagrams sent.
    pub fn ttl(&self) -> io::Result<u32> {
        match self.sim(|sock| UdpCall::Ttl { sock }) {
            Some(r) => match r? {
                UdpOk::Number(ttl) => Ok(ttl),
                ok => Err(unexpected(ok)),
            },
            None => self.os()?.sock().ttl(),
        }
    }

    /// Takes the pending error (`SO_ERROR`), such as `ConnectionRefused`
    /// after an ICMP port unreachable.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.sim(|sock| UdpCall::TakeError { sock }) {
            Some(r) => match r? {
                UdpOk::Error(e) => Ok(e.map(io::Error::from_raw_os_error)),
                ok => Err(unexpected(ok)),
            },
            None => self.os()?.sock().take_error(),
        }
    }
}

impl Drop for UdpSocket {
    fn drop(&mut self) {
        if let Backend::Sim(sock) = self.inner {
            // Closing never blocks, so it does not suspend the process (a
            // drop may run while a coroutine is being unwound).
            defer_close(sock);
        }
    }
}

impl UdpSocket {
    /// The socket, for a poller (`simnet::io`).
    pub(crate) fn handle(&self) -> crate::net::handle::Handle {
        use std::os::fd::AsRawFd;
        match &self.inner {
            Backend::Os(s) => crate::net::handle::Handle::Os(s.sock().as_raw_fd()),
            Backend::Sim(sock) => crate::net::handle::Handle::Sim(*sock),
        }
    }
}
