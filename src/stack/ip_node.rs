//! An IP node: a host, or a router when forwarding is on.
//!
//! It owns its interfaces, routing table, ARP cache and pings, takes frames
//! and timer firings one at a time, and answers through an [`Outbox`]. The
//! input path (`ip_input.rs`) and the output path (`ip_output.rs`) extend it.

use std::net::Ipv4Addr;

use super::arp::{Learned, Neighbors, Retry, StaticNeighborError, MAX_REQUESTS};
use super::cidr::Ipv4Cidr;
use super::dhcp_client::DhcpClient;
use super::frag::Reassembler;
use super::iface::IpIface;
use super::loopback::LoopbackQueue;
use super::ping::{PingConfig, PingError, PingReport, Pinger};
use super::route::RoutingTable;
use super::segments::Segments;
use super::tcp::{TcpConfig, TcpEvent};
use super::tcp_table::TcpTable;
use super::timer::Timer;
use super::udp::UdpTable;
use crate::sim::rng::RngStream;
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::{
    describe_frame, ArpOperation, ArpRepr, DstUnreachable, EtherType, EthernetFrame, MacAddr,
};

/// A host or router.
#[derive(Debug)]
pub struct IpNode {
    pub(super) forwarding: bool,
    pub(super) ifaces: Vec<IpIface>,
    pub(super) routes: RoutingTable,
    pub(super) neighbors: Neighbors,
    pub(super) next_ident: u16,
    pub(super) pings: Vec<Pinger>,
    pub(super) reassembler: Reassembler,
    pub(super) udp: Option<UdpTable>,
    pub(super) tcp: Option<TcpTable>,
    /// The configuration of the node's new TCP connections (its sysctls
    /// and default buffer sizes).
    pub(super) tcp_config: TcpConfig,
    /// The node's own random stream (initial sequence numbers), seeded by
    /// the topology builder.
    pub(super) rng: RngStream,
    /// Packets sent to this node itself, waiting on `lo` (see
    /// [`super::loopback`]).
    pub(super) loopback: LoopbackQueue,
    /// A reused buffer for payloads that must be fragmented.
    pub(super) scratch: Vec<u8>,
    /// The directed broadcast addresses of the node's subnets (those
    /// shorter than /31), kept as interfaces are added so that a send
    /// does not collect them each time.
    pub(super) broadcasts: Vec<Ipv4Addr>,
    /// The segments a TCP connection's turn emits, until they are sent
    /// (reused from turn to turn).
    pub(super) segments: Segments,
    /// The events a TCP connection's turn records, until they are noted
    /// (reused from turn to turn, so that a turn allocates nothing for them).
    pub(super) tcp_events: Vec<TcpEvent>,
    /// The DNS server its programs' lookups go to (`nameserver` in
    /// resolv.conf), if it has one.
    pub(super) resolver: Option<Ipv4Addr>,
    /// The DHCP clients of interfaces configured by DHCP, by interface.
    pub(super) dhcp: Vec<(usize, DhcpClient)>,
    /// Set while [`IpNode::on_intact_frame`] handles a frame: its TCP and
    /// UDP checksums are taken as correct, not summed again.
    pub(super) rx_intact: bool,
}

/// Why a route could not be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoConnectedSubnet(pub Ipv4Addr);

impl std::fmt::Display for NoConnectedSubnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "next hop {} is outside every subnet of this node",
            self.0
        )
    }
}

impl std::error::Error for NoConnectedSubnet {}

impl IpNode {
    /// A node with no interfaces; `forwarding` makes it a router.
    pub fn new(forwarding: bool) -> IpNode {
        IpNode {
            forwarding,
            ifaces: Vec::new(),
            routes: RoutingTable::new(),
            neighbors: Neighbors::new(),
            next_ident: 1,
            pings: Vec::new(),
            reassembler: Reassembler::new(),
            udp: None,
            tcp: None,
            tcp_config: TcpConfig::default(),
            rng: RngStream::new(0, "tcp-iss"),
            loopback: LoopbackQueue::new(),
            scratch: Vec::new(),
            broadcasts: Vec::new(),
            segments: Segments::default(),
            tcp_events: Vec::new(),
            resolver: None,
            dhcp: Vec::new(),
            rx_intact: false,
        }
    }

    /// Seeds the node's random stream (the builder calls this with the
    /// run's seed and the node's name).
    pub fn seed_rng(&mut self, seed: u64, name: &str) {
        self.rng = RngStream::new(seed, &format!("tcp-iss {name}"));
    }

    /// Sets the configuration of the node's TCP connections from now on:
    /// the options it offers (like Linux's `net.ipv4.tcp_window_scaling`,
    /// `tcp_sack` and `tcp_timestamps`) and its buffer sizes. Connections
    /// already open keep theirs.
    pub fn set_tcp_config(&mut self, config: TcpConfig) {
        self.tcp_config = config;
        if let Some(table) = &mut self.tcp {
            table.config = config;
        }
    }

    /// Sets the DNS server the node's programs resolve names through (as
    /// `nameserver` in `/etc/resolv.conf`); `None` leaves them the
    /// scenario's table of host names.
    pub fn set_resolver(&mut self, server: Option<Ipv4Addr>) {
        self.resolver = server;
    }

    /// The DNS server the node's programs resolve names through.
    pub fn resolver(&self) -> Option<Ipv4Addr> {
        self.resolver
    }

    /// The configuration new TCP connections get.
    pub fn tcp_config(&self) -> TcpConfig {
        self.tcp_config
    }

    /// Whether this node forwards packets between its interfaces.
    pub fn is_router(&self) -> bool {
        self.forwarding
    }

    /// Adds an interface and the connected route to its subnet; returns its index.
    /// An interface with the address 0.0.0.0 is unconfigured (waiting for
    /// DHCP): it gets no route until it has an address.
    pub fn add_iface(&mut self, iface: IpIface) -> usize {
        let index = self.ifaces.len();
        if !iface.addr().is_unspecified() {
            self.routes.add_connected(iface.cidr, index);
        }
        self.ifaces.push(iface);
        self.broadcasts = self.directed_broadcasts();
        index
    }

    /// The directed broadcast addresses of the node's configured subnets
    /// shorter than /31.
    pub(super) fn directed_broadcasts(&self) -> Vec<Ipv4Addr> {
        self.ifaces
            .iter()
            .filter(|i| !i.addr().is_unspecified() && i.cidr.prefix_len() < 31)
            .map(|i| i.cidr.broadcast())
            .collect()
    }

    /// Adds a route to `dest` through `via` (`0.0.0.0/0` for the default gateway).
    pub fn add_route(&mut self, dest: Ipv4Cidr, via: Ipv4Addr) -> Result<(), NoConnectedSubnet> {
        self.routes
            .add_via(dest, via)
            .map(|_| ())
            .ok_or(NoConnectedSubnet(via))
    }

    /// The node's interfaces, by index.
    pub fn ifaces(&self) -> &[IpIface] {
        &self.ifaces
    }

    /// The routing table.
    pub fn routes(&self) -> &RoutingTable {
        &self.routes
    }

    /// The ARP cache.
    pub fn neighbors(&self) -> &Neighbors {
        &self.neighbors
    }

    /// Adds a permanent (static) ARP entry: on interface `iface`, `ip` is
    /// at `mac`, like Linux's `ip neigh replace IP lladdr MAC dev IFACE nud
    /// permanent`. The node then sends to `ip` without ever asking for its
    /// MAC; the entry never expires and ARP packets never change it (see
    /// [`super::arp`]). It replaces any entry `ip` had; frames that were
    /// waiting for `ip` go out now, through `out` (before the node has sent
    /// anything, as when a topology is built, there are none). Refused when
    /// `iface` does not exist, `ip` is unspecified or a broadcast address,
    /// or `mac` is not unicast.
    pub fn add_static_neighbor(
        &mut self,
        iface: usize,
        ip: Ipv4Addr,
        mac: MacAddr,
        out: &mut Outbox,
    ) -> Result<(), StaticNeighborError> {
        let i = self
            .ifaces
            .get(iface)
            .ok_or(StaticNeighborError::NoSuchIface(iface))?;
        if ip.is_unspecified() || i.is_broadcast(ip) {
            return Err(StaticNeighborError::NotUnicastIp(ip));
        }
        if !mac.is_unicast() {
            return Err(StaticNeighborError::NotUnicastMac(mac));
        }
        let waiting = self.neighbors.add_static(iface, ip, mac);
        out.note(|| Note::ArpAdd { iface, ip, mac });
        if !waiting.is_empty() {
            out.cancel(Timer::ArpRetry { iface, ip });
        }
        for mut frame in waiting {
            EthernetFrame::new_unchecked(&mut frame[..]).set_dst_addr(mac);
            out.send(iface, frame);
        }
        Ok(())
    }

    /// Whether `ip` is one of this node's own addresses (those of its
    /// interfaces; see also [`IpNode::is_local`]).
    pub fn is_own_addr(&self, ip: Ipv4Addr) -> bool {
        !ip.is_unspecified() && self.ifaces.iter().any(|i| i.addr() == ip)
    }

    /// Adds a ping that starts when [`Timer::PingSend`] with the returned
    /// number first fires (the caller arms it).
    pub fn add_ping(&mut self, config: PingConfig) -> usize {
        let index = self.pings.len();
        // Identifiers start at 1; two pings on one host never share one.
        let ident = u16::try_from(index + 1).unwrap_or(u16::MAX);
        self.pings.push(Pinger::new(config, ident));
        index
    }

    /// The report of ping number `index`.
    pub fn ping_report(&self, index: usize) -> Option<&PingReport> {
        self.pings.get(index).map(Pinger::report)
    }

    /// Handles a frame that arrived on interface `iface`.
    pub fn on_frame(&mut self, now: SimTime, iface: usize, frame: Vec<u8>, out: &mut Outbox) {
        let Some(my_mac) = self.ifaces.get(iface).map(|i| i.mac) else {
            out.recycle(frame);
            return;
        };
        let Ok(eth) = EthernetFrame::new_checked(&frame[..]) else {
            self.drop_frame(DropCause::Malformed, iface, frame, out);
            return;
        };
        let dst = eth.dst_addr();
        if dst != my_mac && !dst.is_broadcast() {
            // The NIC's address filter: a frame flooded to us by a switch.
            self.drop_frame(DropCause::NotOurMac, iface, frame, out);
            return;
        }
        match eth.ethertype() {
            EtherType::ARP => {
                self.on_arp(now, iface, &frame, out);
                out.recycle(frame);
            }
            EtherType::IPV4 => self.on_ipv4(now, iface, frame, out),
            _ => self.drop_frame(DropCause::Unhandled, iface, frame, out),
        }
    }

    /// [`IpNode::on_frame`] for a frame known to hold exactly the bytes its
    /// sender wrote, checksums included: the simulation calls this for
    /// every frame while no link of the run has corrupted one (nodes only
    /// emit correct checksums, and switches and routers keep them correct).
    /// Its TCP and UDP checksums are not summed again, as a stack behind a
    /// NIC with receive checksum offload does not (Linux's
    /// `CHECKSUM_UNNECESSARY`); the IPv4 header checksum still is. Bytes
    /// from anywhere else go to `on_frame`, which checks everything.
    pub fn on_intact_frame(
        &mut self,
        now: SimTime,
        iface: usize,
        frame: Vec<u8>,
        out: &mut Outbox,
    ) {
        self.rx_intact = true;
        self.on_frame(now, iface, frame, out);
        self.rx_intact = false;
    }

    /// Reports and recycles a frame dropped at `iface`.
    pub(super) fn drop_frame(
        &mut self,
        cause: DropCause,
        iface: usize,
        frame: Vec<u8>,
        out: &mut Outbox,
    ) {
        out.note(|| Note::Drop {
            cause,
            iface: Some(iface),
            what: describe_frame(&frame),
        });
        out.recycle(frame);
    }

    /// An ARP packet arrived (RFC 826, "Packet Reception").
    fn on_arp(&mut self, now: SimTime, iface: usize, frame: &[u8], out: &mut Outbox) {
        let payload = frame
            .get(crate::wire::ethernet::HEADER_LEN..)
            .unwrap_or_default();
        let arp = match ArpRepr::parse(payload) {
            Ok(arp) => arp,
            Err(_) => {
                out.note(|| Note::Drop {
                    cause: DropCause::Malformed,
                    iface: Some(iface),
                    what: describe_frame(frame),
                });
                return;
            }
        };
        let my_ip = self.ifaces[iface].addr();
        let for_us = arp.target_ip == my_ip;
        if !arp.sender_ip.is_unspecified() && arp.sender_mac.is_unicast() {
            self.learn_neighbor(now, iface, arp.sender_ip, arp.sender_mac, for_us, out);
        }
        if for_us && arp.operation == ArpOperation::Request {
            let reply = ArpRepr {
                operation: ArpOperation::Reply,
                sender_mac: self.ifaces[iface].mac,
                sender_ip: my_ip,
                target_mac: arp.sender_mac,
                target_ip: arp.sender_ip,
            };
            self.send_arp(iface, arp.sender_mac, &reply, out);
        }
    }

    /// Merges a sender's mapping into the cache and flushes what waited for it.
    fn learn_neighbor(
        &mut self,
        now: SimTime,
        iface: usize,
        ip: Ipv4Addr,
        mac: MacAddr,
        for_us: bool,
        out: &mut Outbox,
    ) {
        let (learned, expires, waiting) = self.neighbors.learn(now, iface, ip, mac, for_us);
        match learned {
            Learned::Ignored => return,
            Learned::Added => out.note(|| Note::ArpAdd { iface, ip, mac }),
            Learned::Changed { old } => out.note(|| Note::ArpUpdate {
                iface,
                ip,
                mac,
                old,
            }),
            Learned::Refreshed => {}
        }
        out.arm(expires, Timer::ArpExpire { iface, ip });
        if !waiting.is_empty() {
            // Resolved: no more requests, so the retry timer has nothing
            // left to do (and must not keep the run going).
            out.cancel(Timer::ArpRetry { iface, ip });
        }
        for mut frame in waiting {
            if let Ok(mut eth) = EthernetFrame::new_checked(&mut frame[..]) {
                eth.set_dst_addr(mac);
            }
            out.send(iface, frame);
        }
    }

    /// Handles a timer this node armed.
    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Outbox) {
        match timer {
            Timer::ArpRetry { iface, ip } => match self.neighbors.on_retry_timer(now, iface, ip) {
                Retry::Resend { attempt, next } => {
                    out.note(|| Note::ArpRetry {
                        iface,
                        ip,
                        attempt,
                        of: MAX_REQUESTS,
                    });
                    self.send_arp_request(iface, ip, out);
                    out.arm(next, Timer::ArpRetry { iface, ip });
                }
                Retry::Failed(frames) => {
                    out.note(|| Note::ArpFailed {
                        iface,
                        ip,
                        dropped: frames.len(),
                    });
                    for frame in frames {
                        self.unreachable_neighbor(now, iface, frame, out);
                    }
                }
                Retry::Nothing => {}
            },
            Timer::ArpExpire { iface, ip } => {
                if let Some(mac) = self.neighbors.on_expiry_timer(now, iface, ip) {
                    out.note(|| Note::ArpExpire { iface, ip, mac });
                }
            }
            Timer::PingSend(index) => self.ping_send(now, index, out),
            Timer::PingWaitOver(index) => self.ping_finish(now, index, out),
            Timer::Reassembly(key) => self.on_reassembly_timeout(now, key, out),
            Timer::Loopback => self.on_loopback(now, out),
            Timer::Tcp(id) => self.on_tcp_timer(now, id, out),
            Timer::Dhcp(iface) => self.on_dhcp_timer(now, iface, out),
        }
    }

    /// A frame whose next hop never answered ARP: tell whoever sent it
    /// (RFC 1812 section 4.3.3.1: host unreachable), or our own sender.
    fn unreachable_neighbor(
        &mut self,
        now: SimTime,
        iface: usize,
        frame: Vec<u8>,
        out: &mut Outbox,
    ) {
        let packet = frame
            .get(crate::wire::ethernet::HEADER_LEN..)
            .unwrap_or_default();
        // The frame never got its destination MAC: describe the packet only.
        out.note(|| Note::Drop {
            cause: DropCause::ArpFailed,
            iface: Some(iface),
            what: crate::wire::describe::describe_ipv4(packet),
        });
        self.report_unreachable(now, packet, DstUnreachable::HostUnreachable, 0, out);
        out.recycle(frame);
    }

    /// Sends ping `index`'s next request, and arms what comes after it.
    fn ping_send(&mut self, now: SimTime, index: usize, out: &mut Outbox) {
        let Some(ping) = self.pings.get_mut(index) else {
            return;
        };
        let (seq, banner) = ping.on_sent(now);
        if let Some(line) = banner {
            out.note(|| Note::Ping(line));
        }
        let PingConfig {
            dst,
            ttl,
            size,
            interval,
            wait,
            ..
        } = ping.config().clone();
        let ident = ping.ident();
        let all_sent = ping.all_sent();
        if all_sent {
            out.arm(now + wait, Timer::PingWaitOver(index));
        } else {
            out.arm(now + interval, Timer::PingSend(index));
        }
        if self
            .send_echo_request(now, dst, ttl, ident, seq, size, out)
            .is_err()
        {
            let from = self
                .ifaces
                .first()
                .map_or(Ipv4Addr::UNSPECIFIED, IpIface::addr);
            self.ping_event(now, index, out, |p| {
                p.on_error(seq, from, PingError::NoRoute)
            });
        }
    }

    /// Passes an event to ping `index`, traces its line, and ends the ping
    /// once everything has been answered.
    pub(super) fn ping_event(
        &mut self,
        now: SimTime,
        index: usize,
        out: &mut Outbox,
        event: impl FnOnce(&mut Pinger) -> Option<String>,
    ) {
        let Some(ping) = self.pings.get_mut(index) else {
            return;
        };
        if ping.report().finished {
            return;
        }
        if let Some(line) = event(ping) {
            out.note(|| Note::Ping(line));
        }
        if ping.all_answered() {
            self.ping_finish(now, index, out);
        }
    }

    fn ping_finish(&mut self, now: SimTime, index: usize, out: &mut Outbox) {
        out.cancel(Timer::PingWaitOver(index));
        if let Some(ping) = self.pings.get_mut(index) {
            for line in ping.finish(now) {
                out.note(|| Note::Ping(line));
            }
        }
    }
}
