//! The real-socket side of `UdpSocket`: `std::net::UdpSocket`, translated
//! through the loopback map when the program runs in a loopback run (see
//! [`super::loopback`]), and used as it is otherwise.

use std::io;
use std::net::{SocketAddr, SocketAddrV4};

use super::addr::{first_v4, ToSocketAddrs};
use super::loopback::{self, SocketMap, Target};

/// `EACCES` on Linux.
const EACCES: i32 = 13;

/// A real UDP socket, with the map of the loopback run it was made in.
#[derive(Debug)]
pub(super) struct OsUdp {
    sock: std::net::UdpSocket,
    map: Option<SocketMap>,
}

impl OsUdp {
    /// Binds `addr`, through the map in a loopback run.
    pub(super) fn bind(addr: &(impl ToSocketAddrs + ?Sized)) -> io::Result<OsUdp> {
        let Some((net, host)) = loopback::current() else {
            let addrs: Vec<_> = addr.to_socket_addrs()?.collect();
            return Ok(OsUdp {
                sock: std::net::UdpSocket::bind(&*addrs)?,
                map: None,
            });
        };
        let (map, lo) = SocketMap::bind(net, host, first_v4(addr)?)?;
        Ok(OsUdp {
            sock: std::net::UdpSocket::bind(lo)?,
            map: Some(map),
        })
    }

    /// The socket itself, for the calls that need no translation.
    pub(super) fn sock(&self) -> &std::net::UdpSocket {
        &self.sock
    }

    /// Another handle to the same socket.
    pub(super) fn try_clone(&self) -> io::Result<OsUdp> {
        Ok(OsUdp {
            sock: self.sock.try_clone()?,
            map: self.map.clone(),
        })
    }

    /// Sends to `addr`: one host, every host of a broadcast, or nowhere.
    pub(super) fn send_to(
        &self,
        buf: &[u8],
        addr: &(impl ToSocketAddrs + ?Sized),
    ) -> io::Result<usize> {
        let Some(map) = &self.map else {
            let first = addr.to_socket_addrs()?.next().ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "no addresses to send data to")
            })?;
            return self.sock.send_to(buf, first);
        };
        loopback::check_stop();
        match map.net.target(map.host, first_v4(addr)?) {
            Target::One(to) => self.sock.send_to(buf, to),
            Target::Broadcast(hearers) => {
                // Linux refuses a broadcast without SO_BROADCAST (EACCES).
                if !self.sock.broadcast()? {
                    return Err(io::Error::from_raw_os_error(EACCES));
                }
                for to in hearers {
                    self.sock.send_to(buf, to)?;
                }
                Ok(buf.len())
            }
        }
    }

    /// Sends to the connected peer.
    pub(super) fn send(&self, buf: &[u8]) -> io::Result<usize> {
        loopback::check_stop();
        self.sock.send(buf)
    }

    /// Sets the default peer, through the map.
    pub(super) fn connect(&self, addr: &(impl ToSocketAddrs + ?Sized)) -> io::Result<()> {
        let Some(map) = &self.map else {
            return self
                .sock
                .connect(&*addr.to_socket_addrs()?.collect::<Vec<_>>());
        };
        let to = match map.net.target(map.host, first_v4(addr)?) {
            Target::One(to) => to,
            // A broadcast peer is beyond what loopback can stand in for.
            Target::Broadcast(_) => SocketAddrV4::new(map.net.nowhere(), 0),
        };
        self.sock.connect(to)?;
        map.set_connected();
        Ok(())
    }

    /// Receives (or peeks at) one datagram, waiting as the socket's
    /// timeout and blocking mode say.
    pub(super) fn receive(&self, buf: &mut [u8], peek: bool) -> io::Result<(usize, SocketAddr)> {
        let once = |buf: &mut [u8]| {
            if peek {
                self.sock.peek_from(buf)
            } else {
                self.sock.recv_from(buf)
            }
        };
        let Some(map) = &self.map else {
            return once(buf);
        };
        loopback::check_stop();
        let (n, from) = if !map.blocking() {
            once(buf)?
        } else {
            self.wait_for_datagram(buf, once)?
        };
        Ok((n, map.net.unmap(from)))
    }

    /// A blocking receive cut into short waits (see [`loopback::sliced`]).
    fn wait_for_datagram(
        &self,
        buf: &mut [u8],
        mut once: impl FnMut(&mut [u8]) -> io::Result<(usize, SocketAddr)>,
    ) -> io::Result<(usize, SocketAddr)> {
        let user = self.sock.read_timeout()?;
        loopback::sliced(user, &|t| self.sock.set_read_timeout(t), &mut || once(buf))
    }

    /// The bound address, in the program's terms.
    pub(super) fn local_addr(&self) -> io::Result<SocketAddr> {
        let real = self.sock.local_addr()?;
        Ok(self.map.as_ref().map_or(real, |m| m.local(real)))
    }

    /// The connected peer, in the program's terms.
    pub(super) fn peer_addr(&self) -> io::Result<SocketAddr> {
        let real = self.sock.peer_addr()?;
        Ok(self.map.as_ref().map_or(real, |m| m.net.unmap(real)))
    }

    /// Sets non-blocking mode (remembered: a blocking receive waits in slices).
    pub(super) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        self.sock.set_nonblocking(on)?;
        if let Some(m) = &self.map {
            m.set_nonblocking(on);
        }
        Ok(())
    }
}
