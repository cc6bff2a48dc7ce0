//! What `epoll` would report for a connection: Linux's `tcp_poll` mask,
//! computed from the connection's state (net/ipv4/tcp.c).

use super::{State, Tcb};
use crate::stack::readiness::{EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP};

impl Tcb {
    /// The `epoll` mask Linux's `tcp_poll` gives this connection:
    /// - `EPOLLHUP` once both directions are shut or the connection is
    ///   CLOSED (a reset, a refused or timed-out connect, or the end);
    /// - `EPOLLIN | EPOLLRDHUP` once the peer's FIN arrived (or reading
    ///   was shut down by `read_shut`), `EPOLLIN` when data waits;
    /// - `EPOLLOUT` when the handshake is over and the send buffer has
    ///   room for half of what it holds, as Linux's
    ///   `__sk_stream_is_writeable` (a write succeeds with less, but a
    ///   writer that filled the buffer is woken only once a third of it is
    ///   free);
    /// - `EPOLLERR` while an error waits to be read (`SO_ERROR`).
    pub fn poll_mask(&self, read_shut: bool) -> u32 {
        let mut mask = 0;
        let closed = self.state == State::Closed;
        let write_shut = self.send.fin_queued || self.app_closed || closed;
        let read_done = self.fin_received || read_shut || closed;
        if (read_done && write_shut) || closed {
            mask |= EPOLLHUP;
        }
        if read_done {
            mask |= EPOLLIN | EPOLLRDHUP;
        }
        if self.recv.readable() > 0 {
            mask |= EPOLLIN;
        }
        let handshaking = matches!(self.state, State::SynSent | State::SynReceived);
        if !handshaking && !write_shut && self.send.writable() {
            mask |= EPOLLOUT;
        }
        if self.error.is_some() {
            mask |= EPOLLERR;
        }
        mask
    }
}
