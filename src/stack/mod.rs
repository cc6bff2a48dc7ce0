//! The protocol stack of hosts and routers: ARP, IPv4 with routing, ICMP,
//! and the ping application. Each piece is a sans-IO state machine.

pub mod arp;
pub mod cidr;
pub mod dhcp_client;
mod dhcp_io;
pub mod frag;
pub mod iface;
pub mod ip_input;
pub mod ip_node;
pub mod ip_output;
pub mod loopback;
pub mod ping;
pub mod readiness;
pub mod route;
pub mod segments;
pub mod tcp;
pub mod tcp_io;
pub mod tcp_table;
pub mod timer;
pub mod udp;
pub mod udp_io;

pub use cidr::Ipv4Cidr;
pub use iface::IpIface;
pub use ip_node::IpNode;
pub use ip_output::SendError;
pub use ping::{PingConfig, PingReport};
pub use route::{Route, RouteKind, RoutingTable};
pub use timer::Timer;

#[cfg(test)]
mod ip_node_tests;
#[cfg(test)]
mod tcp_io_tests;
