//! The TCP calls a process makes, as `std::net::TcpListener`'s and
//! `TcpStream`'s methods, and their answers.

use std::net::{Shutdown, SocketAddrV4};
use std::time::Duration;

use super::process::SockRef;

/// A TCP socket call.
#[derive(Clone, Debug)]
pub enum TcpCall {
    /// Create a listener bound to `addr`.
    Listen {
        /// The address (port 0: ephemeral).
        addr: SocketAddrV4,
        /// `listen(n)`'s argument (std's 128 when `None`).
        backlog: Option<usize>,
    },
    /// Take a connection from a listener's accept queue, waiting for one.
    Accept {
        /// The listener.
        sock: SockRef,
    },
    /// Open a connection, waiting for the handshake.
    Connect {
        /// The peer.
        addr: SocketAddrV4,
        /// Give up after this long (`connect_timeout`).
        timeout: Option<Duration>,
    },
    /// Open a connection without waiting: the SYN goes, and the socket is
    /// returned at once, its handshake in progress (a non-blocking
    /// `connect` that gave `EINPROGRESS`, as mio's `TcpStream::connect`).
    ConnectStart {
        /// The peer.
        addr: SocketAddrV4,
    },
    /// Read (or peek at) up to `max` bytes, waiting for some.
    Read {
        /// The connection.
        sock: SockRef,
        /// The caller's buffer size.
        max: usize,
        /// Leave the bytes queued.
        peek: bool,
    },
    /// Queue bytes to send, waiting for room in the send buffer.
    Write {
        /// The connection.
        sock: SockRef,
        /// The bytes, shared so that a retried write does not copy them.
        data: std::rc::Rc<[u8]>,
    },
    /// Shut down one or both directions.
    Shutdown {
        /// The connection.
        sock: SockRef,
        /// Which.
        how: Shutdown,
    },
    /// A socket's own address.
    LocalAddr {
        /// The socket.
        sock: SockRef,
    },
    /// A connection's peer.
    PeerAddr {
        /// The connection.
        sock: SockRef,
    },
    /// Another handle to the socket.
    Clone {
        /// The socket.
        sock: SockRef,
    },
    /// Set an option.
    Set {
        /// The socket.
        sock: SockRef,
        /// The option and its value.
        opt: TcpOpt,
    },
    /// Read an option.
    Get {
        /// The socket.
        sock: SockRef,
        /// Which option (the value is ignored).
        opt: TcpOpt,
    },
    /// Take the pending error (`SO_ERROR`).
    TakeError {
        /// The socket.
        sock: SockRef,
    },
}

/// A socket option and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpOpt {
    /// `SO_RCVTIMEO`.
    ReadTimeout(Option<Duration>),
    /// `SO_SNDTIMEO`.
    WriteTimeout(Option<Duration>),
    /// `O_NONBLOCK`.
    Nonblocking(bool),
    /// `TCP_NODELAY`.
    Nodelay(bool),
    /// `IP_TTL`.
    Ttl(u32),
    /// `SO_RCVBUF`: the value given to `setsockopt`, or (read back) what
    /// Linux reports, twice that.
    RecvBuffer(usize),
    /// `SO_SNDBUF`, likewise.
    SendBuffer(usize),
}

/// A successful TCP call's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpOk {
    /// A new socket (from `Listen` or `Connect`).
    Socket(SockRef),
    /// A connection taken from the accept queue, and its peer.
    Accepted(SockRef, SocketAddrV4),
    /// Bytes read; empty at end of stream.
    Data(Vec<u8>),
    /// Bytes read straight into the caller's buffer (a read answered in
    /// place, see `simnet::sim::process::syscall`); 0 at end of stream.
    Copied(usize),
    /// Bytes queued by a write.
    Written(usize),
    /// An address.
    Addr(SocketAddrV4),
    /// An option's value.
    Opt(TcpOpt),
    /// The pending error, as an errno.
    Error(Option<i32>),
    /// Done, nothing to say.
    Done,
}
