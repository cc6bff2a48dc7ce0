//! What a real socket of a loopback run remembers: its run and host, how
//! the program bound it, and the flags every handle of it shares.

use std::io;
use std::net::{SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{context, LoopbackNet};

/// `EADDRNOTAVAIL` on Linux.
const EADDRNOTAVAIL: i32 = 99;

/// The loopback run a real socket was made in, and its host there. A clone
/// is another handle to the same socket: it shares the flags, as `dup`ed
/// descriptors share the kernel's.
#[derive(Clone, Debug)]
pub(crate) struct SocketMap {
    /// The run.
    pub net: Arc<LoopbackNet>,
    /// The host's index in it.
    pub host: usize,
    /// Bound to 0.0.0.0 in the program's eyes (to its loopback address in fact).
    any: bool,
    flags: Arc<Flags>,
}

#[derive(Debug, Default)]
struct Flags {
    connected: AtomicBool,
    nonblocking: AtomicBool,
}

impl SocketMap {
    /// For a socket the program binds to `wanted` on host `host` of `net`:
    /// the map, and the loopback address to bind instead (`EADDRNOTAVAIL`
    /// for an address the host lacks, as the simulated host would say).
    pub(crate) fn bind(
        net: Arc<LoopbackNet>,
        host: usize,
        wanted: SocketAddrV4,
    ) -> io::Result<(SocketMap, SocketAddrV4)> {
        context::check_stop();
        let lo = net
            .bind_addr(host, *wanted.ip())
            .ok_or_else(|| io::Error::from_raw_os_error(EADDRNOTAVAIL))?;
        let map = SocketMap::new(net, host, wanted.ip().is_unspecified());
        Ok((map, SocketAddrV4::new(lo, wanted.port())))
    }

    /// A socket of `host` not bound by the program (a connection).
    pub(crate) fn new(net: Arc<LoopbackNet>, host: usize, any: bool) -> SocketMap {
        SocketMap {
            net,
            host,
            any,
            flags: Arc::default(),
        }
    }

    /// Whether calls wait (`O_NONBLOCK` is not set).
    pub(crate) fn blocking(&self) -> bool {
        !self.flags.nonblocking.load(Ordering::Relaxed)
    }

    /// Remembers `O_NONBLOCK` (a blocking call waits in slices; see `wait`).
    pub(crate) fn set_nonblocking(&self, on: bool) {
        self.flags.nonblocking.store(on, Ordering::Relaxed);
    }

    /// Remembers that the socket was connected.
    pub(crate) fn set_connected(&self) {
        self.flags.connected.store(true, Ordering::Relaxed);
    }

    /// The socket's own address `real`, in the program's terms: 0.0.0.0
    /// while bound to it and not connected, else the host's address.
    pub(crate) fn local(&self, real: SocketAddr) -> SocketAddr {
        if self.any && !self.flags.connected.load(Ordering::Relaxed) {
            SocketAddr::from(([0, 0, 0, 0], real.port()))
        } else {
            self.net.unmap(real)
        }
    }
}
