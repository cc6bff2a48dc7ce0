//! A scenario after loading and checking: plain data, every name resolved,
//! every address parsed. The loader (`load.rs`) makes one from a TOML file;
//! `build.rs` turns one into a running [`crate::sim::Sim`].

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::link::LinkParams;
use crate::stack::tcp::TcpConfig;
use crate::wire::MacAddr;

/// A whole scenario: a topology, what happens on it, and what must be seen.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Short name (defaults to the file stem).
    pub name: String,
    /// What the scenario teaches or checks, free text.
    pub description: String,
    /// The same in Chinese, if the file gives it (`description_zh`).
    pub description_zh: Option<String>,
    /// The run's seed; every random choice derives from it.
    pub seed: u64,
    /// The run stops at this virtual time even if work remains.
    pub time_limit: Duration,
    /// The run stops after this many events (a guard against endless loops).
    pub max_events: u64,
    /// Hosts: IP nodes that never forward.
    pub hosts: Vec<IpNodeSpec>,
    /// Routers (gateways): IP nodes that forward between their interfaces.
    pub routers: Vec<IpNodeSpec>,
    /// Learning switches.
    pub switches: Vec<SwitchSpec>,
    /// Point-to-point links between two interfaces.
    pub links: Vec<LinkSpec>,
    /// Ping actions, in file order.
    pub pings: Vec<PingSpec>,
    /// Programs to run on hosts, in file order.
    pub runs: Vec<RunSpec>,
    /// Trace expectations, checked in order.
    pub expect: Vec<ExpectStep>,
}

/// A host or a router.
#[derive(Clone, Debug, PartialEq)]
pub struct IpNodeSpec {
    /// Unique among all nodes.
    pub name: String,
    /// Interfaces in the order given; names unique within the node.
    pub interfaces: Vec<IfaceSpec>,
    /// Static routes, in file order.
    pub routes: Vec<RouteSpec>,
    /// Default gateway: must lie inside the subnet of one interface.
    pub gateway: Option<Ipv4Addr>,
    /// Its TCP configuration (`tcp = { ... }`).
    pub tcp: TcpConfig,
    /// The DNS server its programs resolve names through (`dns = "…"`);
    /// without one they use the scenario's host names.
    pub dns: Option<Ipv4Addr>,
}

/// One interface of a host or router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfaceSpec {
    /// `eth0`, `eth1`, …
    pub name: String,
    /// The interface's address.
    pub addr: Ipv4Addr,
    /// Prefix length of its subnet, 0–32 (from `192.168.1.2/24`).
    pub prefix_len: u8,
    /// A MAC given by the file; `None` means simnet assigns one.
    pub mac: Option<MacAddr>,
    /// Largest IP packet the interface sends, 68–1500 (default 1500).
    pub mtu: u16,
    /// The address comes from a DHCP server (`ip = "dhcp"`); `addr` is
    /// 0.0.0.0/32 until then.
    pub dhcp: bool,
}

/// A static route: packets for `dest` go to `via`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// Destination network address (host bits zero).
    pub dest: Ipv4Addr,
    /// Its prefix length.
    pub prefix_len: u8,
    /// Next hop: must lie inside the subnet of one of the node's interfaces.
    pub via: Ipv4Addr,
}

/// A learning switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwitchSpec {
    /// Unique among all nodes.
    pub name: String,
    /// How long a learned MAC stays in the table without being seen again.
    pub aging: Duration,
}

/// One end of a link: a node and one of its interfaces (or switch ports).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The node's name.
    pub node: String,
    /// The interface's name. For a switch, ports are created on demand:
    /// `sw1` alone in the file means the next free port `ethN`.
    pub iface: String,
}

/// A full-duplex link; each direction has these same parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSpec {
    /// One end.
    pub a: Endpoint,
    /// The other end.
    pub b: Endpoint,
    /// Latency, bandwidth, queue and impairments.
    pub params: LinkParams,
}

/// A ping: `count` ICMP echo requests from a host.
#[derive(Clone, Debug, PartialEq)]
pub struct PingSpec {
    /// Optional label, used in messages.
    pub label: Option<String>,
    /// When the first request is sent.
    pub at: Duration,
    /// The host (or router) that pings.
    pub from: String,
    /// Destination address (a node name in the file is resolved to the
    /// address of its first interface).
    pub to: Ipv4Addr,
    /// How many requests.
    pub count: u16,
    /// Time between requests.
    pub interval: Duration,
    /// ICMP data bytes per request (56 by default, as ping's).
    pub size: usize,
    /// TTL of the requests.
    pub ttl: u8,
    /// How long to wait for replies after the last request.
    pub wait: Duration,
    /// Checks on the result.
    pub expect: PingExpect,
}

/// Checks on a ping's outcome; `None` means not checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PingExpect {
    /// Exactly this many replies.
    pub received: Option<u16>,
    /// Exactly this many ICMP errors (unreachable, time exceeded).
    pub errors: Option<u16>,
}

/// A program from [`crate::programs`] to run on a host: a `[[run]]` entry.
/// It runs as a process named after the program, so what it prints shows in
/// the trace as `TIME HOST PROGRAM: LINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSpec {
    /// The host it runs on (a host, not a router or switch).
    pub host: String,
    /// The program's name, one that [`crate::programs::find`] knows.
    pub program: String,
    /// Its arguments, without the program's name.
    pub args: Vec<String>,
    /// When it starts.
    pub at: Duration,
}

/// One step of the trace expectations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectStep {
    /// A trace line matching this pattern must appear after the line the
    /// previous `See` matched.
    See(Pattern),
    /// No trace line matching this pattern may appear between the previous
    /// `See` match and the next `See` match (or the end of the trace).
    Absent(Pattern),
    /// No trace line matching this pattern may appear anywhere in the trace.
    Never(Pattern),
}

/// A simple pattern on one trace line: `*` matches any run of characters and
/// everything else matches itself; the pattern may match anywhere in the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern as written.
    pub text: String,
    /// Where it stands in the file, `file:line:column`, for messages.
    pub origin: String,
}
