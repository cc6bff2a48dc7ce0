//! Frame and header formats: parse and emit real bytes.
//!
//! One short file per protocol, in the Packet/Repr style of smoltcp's `wire`
//! module: a checked view over a byte buffer (`EthernetFrame`, `ArpPacket`,
//! `Ipv4Packet`, `IcmpPacket`, `UdpPacket`, `TcpPacket`) whose accessors read
//! and write fields in place, and a plain struct (`EthernetRepr`, `ArpRepr`,
//! `Ipv4Repr`, `IcmpRepr`, `UdpRepr`, `TcpRepr`) that parses from and emits
//! to such a buffer. These are the files a learner opens to see a header.
//! Malformed bytes are an error value, never a panic.

pub mod arp;
pub mod checksum;
pub mod describe;
pub mod dhcp;
pub mod dissect;
pub mod dns;
pub mod ethernet;
pub mod icmp;
pub mod ipv4;
mod mac;
pub mod oui;
pub mod tcp;
#[cfg(test)]
mod test_words;
pub mod udp;

pub use arp::{ArpOperation, ArpPacket, ArpRepr};
pub use describe::describe_frame;
pub use ethernet::{EtherType, EthernetFrame, EthernetRepr};
pub use icmp::{DstUnreachable, IcmpPacket, IcmpRepr, TimeExceeded};
pub use ipv4::{IpProtocol, Ipv4Packet, Ipv4Repr};
pub use mac::{MacAddr, ParseMacError};
pub use tcp::{SackBlocks, TcpFlags, TcpOption, TcpOptions, TcpPacket, TcpRepr, TcpTimestamp};
pub use udp::{UdpPacket, UdpRepr};

use std::fmt;

/// Why bytes could not be read as a packet of some layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Fewer bytes than the layer needs.
    Truncated {
        /// The layer, e.g. `"IPv4"`.
        layer: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// The checksum does not match the contents.
    Checksum {
        /// The layer whose checksum is wrong.
        layer: &'static str,
    },
    /// A field holds a value the layer cannot accept.
    Malformed {
        /// The layer, e.g. `"ARP"`.
        layer: &'static str,
        /// What is wrong, e.g. `"version is not 4"`.
        reason: &'static str,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated { layer, needed, got } => {
                write!(f, "{layer} truncated: needs {needed} bytes, got {got}")
            }
            WireError::Checksum { layer } => write!(f, "bad {layer} checksum"),
            WireError::Malformed { layer, reason } => write!(f, "malformed {layer}: {reason}"),
        }
    }
}

impl std::error::Error for WireError {}

/// The result of parsing wire bytes.
pub type Result<T> = std::result::Result<T, WireError>;
