//! The timers a node can arm. The world keeps them in its event queue and
//! hands each back to the node when it fires.

use std::net::Ipv4Addr;

use super::frag::FragKey;
use super::udp::SocketId;

/// A timer of an IP node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Time to resend (or give up) an ARP request for `ip` on `iface`.
    ArpRetry {
        /// Interface index.
        iface: usize,
        /// The address being resolved.
        ip: Ipv4Addr,
    },
    /// An ARP cache entry may have expired.
    ArpExpire {
        /// Interface index.
        iface: usize,
        /// The entry's address.
        ip: Ipv4Addr,
    },
    /// Ping number `.0` of this node sends its next echo request.
    PingSend(usize),
    /// Ping number `.0` of this node stops waiting for replies.
    PingWaitOver(usize),
    /// The fragments of a datagram have waited long enough.
    Reassembly(FragKey),
    /// The oldest packet waiting on the loopback interface `lo` is due: the
    /// node delivers it to itself. Armed with no delay for each packet the
    /// node sends to itself, so that delivery is a separate event rather
    /// than a call back into the node in the middle of a send.
    Loopback,
    /// TCP connection `.0` asked to be called back (retransmission,
    /// delayed ACK, persist, TIME-WAIT: its state machine knows which).
    Tcp(SocketId),
    /// The DHCP client of interface `.0` is due (a retransmission, T1, T2
    /// or the lease's end: its state machine knows which).
    Dhcp(usize),
}

impl Timer {
    /// Whether this timer only tidies up state (an ARP entry expiring) and
    /// so should not keep a run going on its own: a run whose queue holds
    /// nothing else has nothing left to do.
    pub fn is_background(&self) -> bool {
        matches!(self, Timer::ArpExpire { .. })
    }

    /// Whether a node may cancel this timer: the world keeps a handle to
    /// each such timer, so that cancelling needs no search of the queue.
    pub fn is_cancellable(&self) -> bool {
        matches!(
            self,
            Timer::ArpRetry { .. } | Timer::Reassembly(_) | Timer::Tcp(_)
        )
    }
}
