//! The `std::net` mirror: `UdpSocket`, `TcpListener` and `TcpStream` with
//! std's methods and signatures. Inside a simulated process they
//! act on the simulation; anywhere else they are thin wrappers over real
//! sockets (DESIGN.md, principle 5).

mod addr;
mod buffers;
pub(crate) mod handle;
pub mod loopback;
mod tcp;
mod tcp_os;
mod udp;
mod udp_os;

pub use addr::ToSocketAddrs;
pub use buffers::SocketBuffers;
pub use loopback::{LoopHost, LoopbackNet};

use std::io;
use std::time::Duration;

/// The error for a simulated socket used where its simulation is not.
fn outside_simulation() -> io::Error {
    io::Error::other("a simulated socket can only be used inside its simulation's processes")
}

/// The error for a reply of the wrong shape (a simnet bug, not a user's).
fn unexpected(reply: impl std::fmt::Debug) -> io::Error {
    io::Error::other(format!("unexpected reply {reply:?}"))
}

/// std's check on socket timeouts: zero is refused, with std's message.
fn check_timeout(dur: Option<Duration>) -> io::Result<()> {
    if dur == Some(Duration::ZERO) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "cannot set a 0 duration timeout",
        ));
    }
    Ok(())
}
pub use tcp::{Incoming, TcpListener, TcpStream};
pub use udp::UdpSocket;
