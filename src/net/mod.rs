//! The `std::net` mirror: `UdpSocket` (and `TcpListener`/`TcpStream` to
//! come) with std's methods and signatures. Inside a simulated process they
//! act on the simulation; anywhere else they are thin wrappers over real
//! sockets (DESIGN.md, principle 5).

mod addr;
pub mod loopback;
mod udp;
mod udp_os;

pub use addr::ToSocketAddrs;
pub use loopback::{LoopHost, LoopbackNet};
pub use udp::UdpSocket;
