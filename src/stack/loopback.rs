//! Local delivery: datagrams a node sends to itself go over its loopback
//! interface `lo`, as on Linux, and never reach a link.
//!
//! A destination that is one of the node's own addresses, or any address in
//! 127.0.0.0/8 (RFC 1122 section 3.2.1.3 (g): the internal host loopback
//! addresses, which MUST NOT appear outside a host), is local. The output
//! path builds the real IPv4 packet (header with checksum, the TTL as
//! given) and queues it on `lo` instead of routing it to an interface and
//! resolving a next hop with ARP; a [`Timer::Loopback`] with no delay then
//! hands it to the input path, which treats it as a packet from the wire:
//! UDP demultiplexing, echo replies (a ping to the host itself), ICMP port
//! unreachable for a closed port (itself sent back over `lo`).
//!
//! Delivery is an event of its own rather than a call back into the node in
//! the middle of a send: the node is never re-entered while it is half-way
//! through something (a ping's echo reply could otherwise arrive before the
//! send that caused it had armed its timers). Events at one instant run in
//! the order they were queued, so runs stay deterministic, and no virtual
//! time passes: a ping to oneself has a round-trip time of zero.
//!
//! As Linux's `lo` (MTU 65536), nothing is fragmented: every IPv4 datagram,
//! up to 65535 bytes, passes whole. The trace shows each packet once, as
//! `pc1.lo > IP …` ([`Note::Loopback`]). Broadcasts a host sends are not
//! looped back to it (Linux delivers the sender a copy too; simnet does not,
//! yet: see RFC 1122 section 3.3.6 for the broadcast forms).

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use super::cidr::Ipv4Cidr;
use super::iface::{IpIface, LOOPBACK_IFACE};
use super::ip_node::IpNode;
use super::ip_output::Datagram;
use super::route::{Route, RouteKind};
use super::timer::Timer;
use crate::sim::{Outbox, SimTime};
use crate::trace::event::Note;
use crate::wire::ipv4::MIN_HEADER_LEN;
use crate::wire::Ipv4Repr;

/// The address of `lo`, the source of datagrams to 127.0.0.0/8.
pub const LOOPBACK_ADDR: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// Packets waiting on a node's `lo`, oldest first: one
/// [`Timer::Loopback`] is armed for each.
pub(super) type LoopbackQueue = VecDeque<Vec<u8>>;

impl IpNode {
    /// Whether a datagram to `dst` stays in this node: `dst` is one of its
    /// addresses or in 127.0.0.0/8.
    pub fn is_local(&self, dst: Ipv4Addr) -> bool {
        dst.is_loopback() || self.is_own_addr(dst)
    }

    /// The route a local `dst` takes (Linux's `local` table: the address
    /// itself, or 127.0.0.0/8, on `lo`, whose index is [`LOOPBACK_IFACE`]),
    /// or `None` if `dst` is not local.
    pub fn local_route(&self, dst: Ipv4Addr) -> Option<Route> {
        let dest = if dst.is_loopback() {
            Ipv4Cidr::new(dst, 8)?.network()
        } else if self.is_own_addr(dst) {
            Ipv4Cidr::new(dst, 32)?
        } else {
            return None;
        };
        Some(Route {
            dest,
            via: None,
            iface: LOOPBACK_IFACE,
            kind: RouteKind::Local,
        })
    }

    /// The source address of a datagram to the local `dst` from a socket
    /// bound to no address: `dst` itself if it is one of the node's
    /// addresses, 127.0.0.1 for 127.0.0.0/8 (Linux's `src` of its local
    /// routes).
    pub(super) fn local_source(&self, dst: Ipv4Addr) -> Ipv4Addr {
        if dst.is_loopback() {
            LOOPBACK_ADDR
        } else {
            dst
        }
    }

    /// Sends a datagram to the node itself over `lo`; `fill` writes its
    /// payload. The caller has checked that `dgram.dst` is local and that the
    /// payload fits in one IPv4 datagram.
    pub(super) fn send_local(
        &mut self,
        now: SimTime,
        dgram: Datagram,
        fill: impl FnOnce(&mut [u8]),
        out: &mut Outbox,
    ) {
        let repr = Ipv4Repr {
            src: dgram.src.unwrap_or(self.local_source(dgram.dst)),
            dst: dgram.dst,
            protocol: dgram.protocol,
            ttl: dgram.ttl,
            ident: self.next_ident,
            // Everything fits lo's MTU of 65536.
            dont_frag: dgram.df_when_fits,
            more_frags: false,
            frag_offset: 0,
            tos: 0,
            payload_len: dgram.payload_len,
        };
        self.next_ident = self.next_ident.wrapping_add(1);
        let mut packet = out.take_buffer();
        packet.resize(repr.total_len(), 0);
        repr.emit(&mut packet[..MIN_HEADER_LEN]);
        fill(&mut packet[MIN_HEADER_LEN..]);
        out.note(|| Note::Loopback(packet.clone()));
        self.loopback.push_back(packet);
        out.arm(now, Timer::Loopback);
    }

    /// [`Timer::Loopback`] fired: the oldest packet on `lo` arrives.
    pub(super) fn on_loopback(&mut self, now: SimTime, out: &mut Outbox) {
        let Some(packet) = self.loopback.pop_front() else {
            return;
        };
        self.deliver_packet(now, LOOPBACK_IFACE, &packet, false, out);
        out.recycle(packet);
    }
}

/// The addresses a node's sockets may bind: its interfaces' and 127.0.0.1,
/// for every node has `lo`, as every Linux host does.
pub(super) fn socket_addrs(ifaces: &[IpIface]) -> Vec<Ipv4Addr> {
    ifaces
        .iter()
        .map(IpIface::addr)
        .filter(|a| !a.is_unspecified())
        .chain([LOOPBACK_ADDR])
        .collect()
}
