//! An interface of a host or router: its MAC, address, subnet and MTU.

use std::net::Ipv4Addr;

use super::cidr::Ipv4Cidr;
use crate::wire::MacAddr;

/// The interface index that stands for the loopback interface `lo`, which
/// every node has (as every Linux host does) and which no link attaches to:
/// trace notes about packets on it name it `lo`. No real interface has this
/// index, so it never indexes [`super::IpNode::ifaces`].
pub const LOOPBACK_IFACE: usize = usize::MAX;

/// The name of the loopback interface in the trace.
pub const LOOPBACK_NAME: &str = "lo";

/// One configured interface of an IP node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpIface {
    /// `eth0`, `eth1`, …
    pub name: String,
    /// Its hardware address.
    pub mac: MacAddr,
    /// Its address with the subnet's prefix length, e.g. `192.168.1.2/24`.
    pub cidr: Ipv4Cidr,
    /// Largest IP packet it sends, in bytes.
    pub mtu: u16,
}

impl IpIface {
    /// The interface's IPv4 address.
    pub fn addr(&self) -> Ipv4Addr {
        self.cidr.addr()
    }

    /// Whether a packet to `dst` arriving here is addressed to this subnet's
    /// broadcast (directed, or the limited broadcast 255.255.255.255).
    pub fn is_broadcast(&self, dst: Ipv4Addr) -> bool {
        dst == Ipv4Addr::BROADCAST || (self.cidr.prefix_len() < 31 && dst == self.cidr.broadcast())
    }
}
