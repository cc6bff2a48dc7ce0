//! The `std::net` mirror: `UdpSocket`, `TcpListener` and `TcpStream` with
//! std's methods and signatures. Inside a simulated process they
//! act on the simulation; anywhere else they are thin wrappers over real
//! sockets (DESIGN.md, principle 5).

mod addr;
pub mod loopback;
mod tcp;
mod tcp_os;
mod udp;
mod udp_os;

pub use addr::ToSocketAddrs;
pub use loopback::{LoopHost, LoopbackNet};
pub use tcp::{Incoming, TcpListener, TcpStream};
pub use udp::UdpSocket;
