//! Socket readiness as Linux's `poll`/`epoll` report it: one mask per
//! socket, computed the way each protocol's poll function computes it, so
//! that `simnet::io::Poll` sees what `mio` sees on Linux.
//!
//! The bits are `epoll(7)`'s (`<sys/epoll.h>`).

use super::tcp_table::TcpSocket;
use super::udp::SocketId;
use super::IpNode;

/// Data (or a connection, or end of stream) can be read.
pub const EPOLLIN: u32 = 0x001;
/// Urgent data (never set by simnet, which has no urgent data).
pub const EPOLLPRI: u32 = 0x002;
/// Writing would not block.
pub const EPOLLOUT: u32 = 0x004;
/// An error is pending (`SO_ERROR`).
pub const EPOLLERR: u32 = 0x008;
/// Hang-up: both directions are shut, or the connection is over.
pub const EPOLLHUP: u32 = 0x010;
/// The peer shut its writing half down (its FIN arrived).
pub const EPOLLRDHUP: u32 = 0x2000;

/// What a poller watches of a socket: its mask, and how much waits to be
/// read (bytes, datagrams or connections), whose growth is an edge even
/// while the socket stays readable (Linux wakes pollers on each arrival).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollState {
    /// The `epoll` mask.
    pub mask: u32,
    /// Bytes (TCP), datagrams (UDP) or connections (a listener) waiting.
    pub waiting: usize,
}

impl IpNode {
    /// Socket `id`'s [`PollState`].
    pub fn poll_state(&mut self, id: SocketId) -> PollState {
        let waiting = match self.tcp.as_mut().and_then(|t| t.sockets.get(&id)) {
            Some(TcpSocket::Listener(l)) => l.ready.len(),
            Some(TcpSocket::Conn(c)) => return c.poll_state(),
            None => self.udp().queued(id),
        };
        PollState {
            mask: self.poll_mask(id),
            waiting,
        }
    }

    /// The `epoll` mask of socket `id`, or `EPOLLHUP | EPOLLERR` for a
    /// socket the host no longer has (Linux never lets a registered socket
    /// vanish; this only answers a socket torn down under a registration).
    pub fn poll_mask(&mut self, id: SocketId) -> u32 {
        if let Some(tcp) = self.tcp.as_mut() {
            match tcp.sockets.get(&id) {
                // A listener: readable while a connection waits in its
                // accept queue (`inet_csk_listen_poll`).
                Some(TcpSocket::Listener(l)) => {
                    return if l.ready.is_empty() { 0 } else { EPOLLIN };
                }
                Some(TcpSocket::Conn(c)) => return c.tcb.poll_mask(c.read_shut),
                None => {}
            }
        }
        match self.udp_mask(id) {
            Some(mask) => mask,
            None => EPOLLHUP | EPOLLERR,
        }
    }

    /// A UDP socket's mask, as Linux's `udp_poll` (`datagram_poll`): readable
    /// with a datagram or an error queued, always writable (a datagram
    /// either fits the buffer or fails), `EPOLLERR` with an error pending.
    fn udp_mask(&mut self, id: SocketId) -> Option<u32> {
        let udp = self.udp();
        udp.local_addr(id).ok()?;
        let mut mask = EPOLLOUT;
        if udp.readable(id) {
            mask |= EPOLLIN;
        }
        if udp.has_error(id) {
            mask |= EPOLLERR | EPOLLIN;
        }
        Some(mask)
    }
}
