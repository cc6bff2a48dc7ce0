//! Trace events: everything a run reports, with its time and place.
//!
//! The world emits frame events itself (it sees every frame go out and come
//! in); protocol layers report the rest as [`Note`]s, which they build only
//! when tracing is on.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use crate::sim::SimTime;
use crate::stack::cidr::Ipv4Cidr;
use crate::stack::iface::{LOOPBACK_IFACE, LOOPBACK_NAME};
use crate::stack::route::RouteKind;
use crate::stack::tcp::TcpEvent;
use crate::wire::MacAddr;

/// Which way a frame crossed an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Sent (handed to the link).
    Out,
    /// Received (arrived from the link).
    In,
}

impl Direction {
    /// `>` for out, `<` for in, as in the text trace.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Out => ">",
            Direction::In => "<",
        }
    }
}

/// Why something was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropCause {
    /// The link lost the frame (its loss probability).
    LinkLoss,
    /// The link's cable was cut when the frame was sent.
    LinkDown,
    /// The link's transmit queue was full (tail drop).
    QueueFull,
    /// The interface has no link attached.
    NoLink,
    /// The frame is addressed to another station's MAC.
    NotOurMac,
    /// The bytes could not be parsed.
    Malformed,
    /// A header checksum did not match.
    BadChecksum,
    /// The TTL ran out at a router.
    TtlExpired,
    /// No route to the destination.
    NoRoute,
    /// ARP got no answer for the next hop.
    ArpFailed,
    /// Too many packets were waiting for one ARP answer.
    ArpQueueFull,
    /// An IP packet for another host reached a host (hosts do not forward).
    NotOurAddress,
    /// No protocol handler for the packet.
    Unhandled,
    /// The packet is larger than the outgoing link's MTU and may not be
    /// fragmented.
    TooBig,
    /// The fragments of a datagram did not all arrive in time.
    ReassemblyTimeout,
    /// No socket listens on the datagram's port.
    NoSocket,
    /// A SYN for a listener whose backlog is full (Linux drops it).
    BacklogFull,
    /// The receiving socket's buffer is full.
    ReceiveBufferFull,
    /// A packet from a link with a source or destination in 127.0.0.0/8,
    /// which must never appear outside a host (RFC 1122 section 3.2.1.3;
    /// Linux calls such addresses martian).
    Martian,
}

impl DropCause {
    /// The short name printed in the text trace.
    pub fn name(self) -> &'static str {
        match self {
            DropCause::LinkLoss => "link-loss",
            DropCause::LinkDown => "link-down",
            DropCause::QueueFull => "queue-full",
            DropCause::NoLink => "no-link",
            DropCause::NotOurMac => "not-our-mac",
            DropCause::Malformed => "malformed",
            DropCause::BadChecksum => "bad-checksum",
            DropCause::TtlExpired => "ttl-expired",
            DropCause::NoRoute => "no-route",
            DropCause::ArpFailed => "arp-failed",
            DropCause::ArpQueueFull => "arp-queue-full",
            DropCause::NotOurAddress => "not-our-address",
            DropCause::Unhandled => "unhandled",
            DropCause::TooBig => "too-big",
            DropCause::ReassemblyTimeout => "reassembly-timeout",
            DropCause::NoSocket => "no-socket",
            DropCause::BacklogFull => "backlog-full",
            DropCause::ReceiveBufferFull => "buffer-full",
            DropCause::Martian => "martian",
        }
    }
}

impl fmt::Display for DropCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a protocol layer reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// A switch learned that `mac` is behind `port`.
    SwitchLearn {
        /// The source address seen.
        mac: MacAddr,
        /// The port it arrived on.
        port: usize,
    },
    /// A switch saw a known `mac` arrive on a different port.
    SwitchMove {
        /// The address.
        mac: MacAddr,
        /// Where it was.
        from: usize,
        /// Where it is now.
        to: usize,
    },
    /// A switch forgot `mac` after the aging time.
    SwitchAge {
        /// The address.
        mac: MacAddr,
        /// The port it was on.
        port: usize,
    },
    /// A switch sent a frame out of every port but the one it came in on.
    SwitchFlood {
        /// The frame's destination.
        dst: MacAddr,
        /// Why: broadcast, multicast or unknown unicast.
        reason: &'static str,
        /// The port it came in on.
        in_port: usize,
        /// The ports it went out of.
        out_ports: Vec<usize>,
    },
    /// A switch sent a frame out of the one port its destination is behind.
    SwitchForward {
        /// The frame's destination.
        dst: MacAddr,
        /// The port it came in on.
        in_port: usize,
        /// The port it went out of.
        out_port: usize,
    },
    /// A switch dropped a frame whose destination is behind the port it came
    /// in on (the destination already heard it).
    SwitchFilter {
        /// The frame's destination.
        dst: MacAddr,
        /// The port.
        port: usize,
    },
    /// The link on `iface` duplicated the frame just sent: two copies
    /// arrive.
    LinkDuplicate {
        /// The sending interface.
        iface: usize,
    },
    /// The link on `iface` flipped one bit of the frame just sent (of one
    /// copy, if it was duplicated).
    LinkCorrupt {
        /// The sending interface.
        iface: usize,
        /// The bit: bit `bit % 8` (from the least significant) of byte
        /// `bit / 8` of the frame.
        bit: usize,
    },
    /// The link on `iface` held the frame just sent back (reordering):
    /// it arrives this much later than it would have.
    LinkReorder {
        /// The sending interface.
        iface: usize,
        /// The extra delay.
        held: Duration,
    },
    /// An ARP cache entry was added.
    ArpAdd {
        /// Interface.
        iface: usize,
        /// Address.
        ip: Ipv4Addr,
        /// Its MAC.
        mac: MacAddr,
    },
    /// An ARP cache entry changed its MAC.
    ArpUpdate {
        /// Interface.
        iface: usize,
        /// Address.
        ip: Ipv4Addr,
        /// The new MAC.
        mac: MacAddr,
        /// The MAC it had.
        old: MacAddr,
    },
    /// An ARP cache entry expired.
    ArpExpire {
        /// Interface.
        iface: usize,
        /// Address.
        ip: Ipv4Addr,
        /// The MAC it had.
        mac: MacAddr,
    },
    /// An ARP request was sent again.
    ArpRetry {
        /// Interface.
        iface: usize,
        /// The address being resolved.
        ip: Ipv4Addr,
        /// Which request this is.
        attempt: u8,
        /// How many will be sent at most.
        of: u8,
    },
    /// ARP gave up on an address.
    ArpFailed {
        /// Interface.
        iface: usize,
        /// The address that never answered.
        ip: Ipv4Addr,
        /// How many waiting packets were dropped.
        dropped: usize,
    },
    /// The route chosen for a packet.
    Route {
        /// The packet's destination.
        dst: Ipv4Addr,
        /// The outgoing interface.
        iface: usize,
        /// The gateway, if not directly connected.
        via: Option<Ipv4Addr>,
        /// The route's prefix.
        dest: Ipv4Cidr,
        /// Where the route came from.
        kind: RouteKind,
        /// Whether the packet is forwarded (true) or sent by this node.
        forwarded: bool,
    },
    /// Something was dropped by a protocol layer.
    Drop {
        /// Why.
        cause: DropCause,
        /// Interface, if one is involved.
        iface: Option<usize>,
        /// What was dropped, decoded (see [`crate::wire::describe`]).
        what: String,
    },
    /// Something happened inside a TCP connection: a state change, a
    /// retransmission, a congestion window change, an RTT sample.
    Tcp {
        /// The connection's local end.
        local: SocketAddrV4,
        /// Its remote end.
        remote: SocketAddrV4,
        /// What happened.
        event: TcpEvent,
    },
    /// A datagram was put back together from its fragments.
    Reassembled {
        /// Its description, header and payload.
        what: String,
        /// How many bytes of payload.
        len: usize,
    },
    /// A packet the node sent to itself, on its loopback interface `lo`: it
    /// never reaches a link, so this note is its only trace line (the
    /// counterpart of an outgoing frame line). The whole IPv4 packet.
    Loopback(Vec<u8>),
    /// A line of a ping's output.
    Ping(String),
    /// A process started.
    ProcessStart {
        /// Its name.
        name: String,
    },
    /// A process printed a line.
    ProcessOutput {
        /// Its name.
        name: String,
        /// What it printed.
        line: String,
    },
    /// The DHCP client of interface `iface` moved on (RFC 2131 §4.4).
    Dhcp {
        /// The interface it configures.
        iface: usize,
        /// What happened.
        note: DhcpNote,
    },
    /// A process's `Poll::poll` returned: the tokens ready, each with what
    /// it is ready for (`readable+read-closed`); none when it timed out.
    PollWake {
        /// The process.
        name: String,
        /// `(token, readiness)`, in the order they became ready.
        ready: Vec<(usize, String)>,
    },
    /// A process that met `WouldBlock` is about to end: how many socket
    /// calls it made, and how many would have blocked (the cost of
    /// spinning on non-blocking sockets, next to a poll's few calls).
    ProcessCalls {
        /// The process.
        name: String,
        /// Socket and poll calls made.
        calls: u64,
        /// Of which returned `WouldBlock`.
        would_block: u64,
    },
    /// A process ended; `panic` holds the message if it panicked.
    ProcessExit {
        /// Its name.
        name: String,
        /// The panic message and location, if it panicked.
        panic: Option<String>,
    },
}

/// One trace event.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// When it happened.
    pub time: SimTime,
    /// The node's name.
    pub node: &'a str,
    /// Names of the node's interfaces, by index.
    pub ifaces: &'a [String],
    /// What happened.
    pub what: What<'a>,
}

impl Record<'_> {
    /// The name of interface `index` of this record's node: `lo` for
    /// [`LOOPBACK_IFACE`], `?` if unknown.
    pub fn iface_name(&self, index: usize) -> &str {
        if index == LOOPBACK_IFACE {
            return LOOPBACK_NAME;
        }
        self.ifaces.get(index).map_or("?", String::as_str)
    }
}

/// What a trace event says.
#[derive(Clone, Copy, Debug)]
pub enum What<'a> {
    /// A frame crossed an interface.
    Frame {
        /// Interface index.
        iface: usize,
        /// Out or in.
        dir: Direction,
        /// The whole Ethernet frame, without FCS.
        bytes: &'a [u8],
    },
    /// A frame was dropped at an interface (link loss, full queue, no link).
    FrameDrop {
        /// Interface index.
        iface: usize,
        /// Why.
        cause: DropCause,
        /// The frame.
        bytes: &'a [u8],
    },
    /// A protocol layer's report.
    Note(&'a Note),
}

/// Receives every trace event of a run, in order.
pub trait TraceSink {
    /// Called once before the run with every node's name and interface names.
    fn begin(&mut self, _nodes: &[(String, Vec<String>)]) {}
    /// Called for each event.
    fn record(&mut self, record: &Record<'_>);
    /// Called once after the run; flushes files.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a host's DHCP client did (see [`crate::stack::dhcp_client`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhcpNote {
    /// No address: looking for a server (INIT, a DISCOVER).
    Discovering,
    /// A server offered an address; the client asks for it (REQUEST).
    Offered {
        /// The address offered.
        addr: Ipv4Addr,
        /// The server that offered it.
        server: Ipv4Addr,
    },
    /// The server confirmed the lease: the interface is configured.
    Bound {
        /// The address.
        addr: Ipv4Addr,
        /// Its prefix length.
        prefix_len: u8,
        /// The default gateway, if given.
        router: Option<Ipv4Addr>,
        /// The DNS server, if given.
        dns: Option<Ipv4Addr>,
        /// The lease's length.
        lease: Duration,
        /// How long until T1.
        renew_in: Duration,
    },
    /// T1: the client asks its server to extend the lease.
    Renewing,
    /// The lease was extended.
    Renewed {
        /// The address kept.
        addr: Ipv4Addr,
        /// The new lease's length.
        lease: Duration,
        /// How long until the next T1.
        renew_in: Duration,
    },
    /// T2: no answer from its server; the client asks any server.
    Rebinding,
    /// The lease ran out: the address is gone.
    Expired {
        /// The address given up.
        addr: Ipv4Addr,
    },
    /// A server refused (DHCPNAK): the client starts over.
    Refused {
        /// The server that refused.
        server: Ipv4Addr,
    },
}

impl fmt::Display for DhcpNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = |d: &Duration| d.as_secs_f64();
        match self {
            DhcpNote::Discovering => f.write_str("no address: looking for a server (DISCOVER)"),
            DhcpNote::Offered { addr, server } => {
                write!(f, "{server} offers {addr}: asking for it (REQUEST)")
            }
            DhcpNote::Bound {
                addr,
                prefix_len,
                router,
                dns,
                lease,
                renew_in,
            } => {
                write!(f, "bound {addr}/{prefix_len}")?;
                if let Some(router) = router {
                    write!(f, ", router {router}")?;
                }
                if let Some(dns) = dns {
                    write!(f, ", dns {dns}")?;
                }
                write!(
                    f,
                    ", lease {}s, renewing in {}s",
                    secs(lease),
                    secs(renew_in)
                )
            }
            DhcpNote::Renewing => {
                f.write_str("T1: asking its server to extend the lease (REQUEST)")
            }
            DhcpNote::Renewed {
                addr,
                lease,
                renew_in,
            } => write!(
                f,
                "renewed {addr} for {}s, renewing in {}s",
                secs(lease),
                secs(renew_in)
            ),
            DhcpNote::Rebinding => {
                f.write_str("T2: no answer from its server, asking any server (REQUEST)")
            }
            DhcpNote::Expired { addr } => write!(f, "lease expired: {addr} removed"),
            DhcpNote::Refused { server } => write!(f, "{server} refused (NAK): starting over"),
        }
    }
}
