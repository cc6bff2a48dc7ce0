//! Socket buffer sizes, `SO_RCVBUF` and `SO_SNDBUF`, which std's TCP types
//! lack: an extension trait, as `socket2` offers them, so that the
//! std-mirror types keep std's methods and nothing more.
//!
//! ```no_run
//! use simnet::net::{SocketBuffers, TcpListener};
//! let listener = TcpListener::bind("0.0.0.0:7000")?;
//! listener.set_recv_buffer_size(65536)?; // for the connections it accepts
//! assert_eq!(listener.recv_buffer_size()?, 131072); // Linux reports twice
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Both backends behave as Linux does (socket(7)): the value is capped at
//! `net.core.rmem_max` / `wmem_max` (212992 by default), the kernel keeps
//! twice what it was given "to allow space for bookkeeping overhead", and
//! reading the option back reports that doubled figure. On a simulated host
//! the buffer holds the value given; the window scale is settled in the
//! handshake from the host's configured buffer (`tcp = { recv_buffer = … }`
//! in a scenario), as on Linux, where `SO_RCVBUF` must be set before
//! `connect` or `listen` to change it. A listener passes its sizes to the
//! connections it accepts.

use std::io;

use super::{TcpListener, TcpStream};
use crate::sim::tcp_call::TcpOpt;

/// `SO_RCVBUF` and `SO_SNDBUF` on [`TcpStream`] and [`TcpListener`].
pub trait SocketBuffers {
    /// `setsockopt(SO_RCVBUF, bytes)`: the receive buffer.
    fn set_recv_buffer_size(&self, bytes: usize) -> io::Result<()>;
    /// `getsockopt(SO_RCVBUF)`: twice the buffer kept, as Linux reports it.
    fn recv_buffer_size(&self) -> io::Result<usize>;
    /// `setsockopt(SO_SNDBUF, bytes)`: the send buffer.
    fn set_send_buffer_size(&self, bytes: usize) -> io::Result<()>;
    /// `getsockopt(SO_SNDBUF)`: twice the buffer kept, as Linux reports it.
    fn send_buffer_size(&self) -> io::Result<usize>;
}

/// Both socket types answer the trait through their own `set_buffer` and
/// `buffer` (in `tcp.rs`), which pick the backend.
macro_rules! socket_buffers {
    ($type:ty) => {
        impl SocketBuffers for $type {
            fn set_recv_buffer_size(&self, bytes: usize) -> io::Result<()> {
                self.set_buffer(TcpOpt::RecvBuffer(bytes))
            }

            fn recv_buffer_size(&self) -> io::Result<usize> {
                self.buffer(TcpOpt::RecvBuffer(0))
            }

            fn set_send_buffer_size(&self, bytes: usize) -> io::Result<()> {
                self.set_buffer(TcpOpt::SendBuffer(bytes))
            }

            fn send_buffer_size(&self) -> io::Result<usize> {
                self.buffer(TcpOpt::SendBuffer(0))
            }
        }
    };
}

socket_buffers!(TcpStream);
socket_buffers!(TcpListener);
