//! simnet: a deterministic, in-process network simulator for learning and
//! testing socket programs.
//!
//! A topology of hosts, switches and routers runs real layered stacks
//! (Ethernet, ARP, IPv4 with ICMP) over links that delay and lose frames.
//! Every frame is real bytes with correct checksums; every step is a trace
//! event you can read as text, open as pcap in Wireshark, or check from a
//! scenario file. The same seed always gives the same run, byte for byte.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod dhcp;
pub mod diagram;
pub mod dns;
pub mod explain;
pub mod i18n;
pub mod io;
pub mod lesson;
pub mod link;
pub mod net;
pub mod page;
pub mod print;
pub mod programs;
pub mod scenario;
pub mod sim;
pub mod stack;
pub mod testing;
pub mod thread;
pub mod time;
pub mod topo;
pub mod trace;
pub mod wire;
