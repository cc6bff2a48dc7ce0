//! The IPv4 input path of an IP node: checks, local delivery, ICMP, and
//! forwarding on routers (RFC 791, RFC 792, RFC 1122, RFC 1812).

use std::net::Ipv4Addr;

use super::ip_node::IpNode;
use super::ping::PingError;
use super::route::Route;
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::ethernet::HEADER_LEN;
use crate::wire::{
    DstUnreachable, EthernetFrame, IcmpRepr, IpProtocol, Ipv4Packet, TimeExceeded, WireError,
};

impl IpNode {
    /// An IPv4 packet arrived on `iface` in `frame`.
    pub(super) fn on_ipv4(&mut self, now: SimTime, iface: usize, frame: Vec<u8>, out: &mut Outbox) {
        let bytes = frame.get(HEADER_LEN..).unwrap_or_default();
        let Ok(packet) = Ipv4Packet::new_checked(bytes) else {
            return self.drop_frame(DropCause::Malformed, iface, frame, out);
        };
        if !packet.verify_checksum() {
            // RFC 1122 section 3.2.1.2: silently discard.
            return self.drop_frame(DropCause::BadChecksum, iface, frame, out);
        }
        let dst = packet.dst_addr();
        // The weak host model (RFC 1122 section 3.3.4.2), as Linux: any of
        // our addresses is ours, whichever interface it came in on.
        if self.is_own_addr(dst) || self.ifaces[iface].is_broadcast(dst) {
            self.deliver(now, iface, frame, out);
        } else if self.forwarding {
            self.forward(now, iface, frame, out);
        } else {
            // RFC 1122 section 3.3.1.1: a host does not forward.
            self.drop_frame(DropCause::NotOurAddress, iface, frame, out);
        }
    }

    /// A packet addressed to this node.
    fn deliver(&mut self, now: SimTime, iface: usize, frame: Vec<u8>, out: &mut Outbox) {
        let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..]);
        if packet.more_frags() || packet.frag_offset() > 0 {
            // Reassembly arrives with the UDP work (fragmentation, RFC 791).
            return self.drop_frame(DropCause::Unhandled, iface, frame, out);
        }
        let broadcast = self.ifaces[iface].is_broadcast(packet.dst_addr());
        if packet.protocol() == IpProtocol::ICMP {
            self.on_icmp(now, iface, &frame, broadcast, out);
            out.recycle(frame);
            return;
        }
        if !broadcast {
            // RFC 1122 section 3.2.2.1: no handler for the protocol.
            let ip = &frame[HEADER_LEN..];
            self.report_unreachable(now, ip, DstUnreachable::ProtoUnreachable, 0, out);
        }
        self.drop_frame(DropCause::Unhandled, iface, frame, out);
    }

    /// An ICMP message for this node (RFC 792).
    fn on_icmp(
        &mut self,
        now: SimTime,
        iface: usize,
        frame: &[u8],
        broadcast: bool,
        out: &mut Outbox,
    ) {
        let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..]);
        let (src, dst, ttl) = (packet.src_addr(), packet.dst_addr(), packet.ttl());
        let icmp = match IcmpRepr::parse(packet.payload()) {
            Ok(icmp) => icmp,
            Err(err) => {
                let cause = match err {
                    WireError::Checksum { .. } => DropCause::BadChecksum,
                    _ => DropCause::Malformed,
                };
                out.note(|| Note::Drop {
                    cause,
                    iface: Some(iface),
                    what: crate::wire::describe_frame(frame),
                });
                return;
            }
        };
        match icmp {
            // Linux ignores echo requests sent to a broadcast address
            // (net.ipv4.icmp_echo_ignore_broadcasts = 1).
            IcmpRepr::EchoRequest { .. } if broadcast => {}
            IcmpRepr::EchoRequest {
                ident,
                seq_no,
                data,
            } => {
                // RFC 1122 section 3.2.2.6: the reply carries the same data,
                // from the address the request was sent to.
                let reply = IcmpRepr::EchoReply {
                    ident,
                    seq_no,
                    data,
                };
                let _ = self.send_icmp(now, Some(dst), src, &reply, out);
            }
            IcmpRepr::EchoReply {
                ident,
                seq_no,
                data,
            } => {
                if let Some(index) = self.ping_by_ident(ident) {
                    let len = data.len();
                    self.ping_event(now, index, out, |p| p.on_reply(now, seq_no, src, ttl, len));
                }
            }
            IcmpRepr::DstUnreachable {
                reason, invoking, ..
            } => self.on_icmp_error(now, src, PingError::Unreachable(reason), invoking, out),
            IcmpRepr::TimeExceeded { reason, invoking } => {
                self.on_icmp_error(now, src, PingError::TimeExceeded(reason), invoking, out)
            }
            IcmpRepr::Other { .. } => {}
        }
    }

    fn ping_by_ident(&self, ident: u16) -> Option<usize> {
        self.pings.iter().position(|p| p.ident() == ident)
    }

    /// An ICMP error from `from` quoting `invoking`, one of our datagrams:
    /// pass it to the ping that sent it, if any.
    pub(super) fn on_icmp_error(
        &mut self,
        now: SimTime,
        from: Ipv4Addr,
        error: PingError,
        invoking: &[u8],
        out: &mut Outbox,
    ) {
        // The quoted datagram is cut short (header + 8 bytes), so it cannot
        // pass `new_checked`; read only what is there.
        if invoking.len() < 20 {
            return;
        }
        let inner = Ipv4Packet::new_unchecked(invoking);
        let quoted = invoking.get(inner.header_len()..).unwrap_or_default();
        // An echo request quoted: type 8, then ident and sequence (RFC 792).
        if inner.protocol() != IpProtocol::ICMP || quoted.len() < 8 || quoted[0] != 8 {
            return;
        }
        let ident = u16::from_be_bytes([quoted[4], quoted[5]]);
        let seq = u16::from_be_bytes([quoted[6], quoted[7]]);
        if let Some(index) = self.ping_by_ident(ident) {
            self.ping_event(now, index, out, |p| p.on_error(seq, from, error));
        }
    }

    /// Forwards a packet that is not for this router (RFC 1812 section 5.2).
    fn forward(&mut self, now: SimTime, in_iface: usize, mut frame: Vec<u8>, out: &mut Outbox) {
        let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..]);
        let (ttl, dst, total_len, df) = (
            packet.ttl(),
            packet.dst_addr(),
            usize::from(packet.total_len()),
            packet.dont_frag(),
        );
        // RFC 1812 section 5.3.1: a TTL that would reach zero ends here.
        if ttl <= 1 {
            let ip = &frame[HEADER_LEN..HEADER_LEN + total_len];
            self.send_icmp_error(
                now,
                ip,
                |invoking| IcmpRepr::TimeExceeded {
                    reason: TimeExceeded::TtlExceeded,
                    invoking,
                },
                out,
            );
            return self.drop_frame(DropCause::TtlExpired, in_iface, frame, out);
        }
        let Some(route) = self.routes.lookup(dst).copied() else {
            let ip = &frame[HEADER_LEN..HEADER_LEN + total_len];
            self.report_unreachable(now, ip, DstUnreachable::NetUnreachable, 0, out);
            return self.drop_frame(DropCause::NoRoute, in_iface, frame, out);
        };
        note_route(out, dst, &route, true);
        let mtu = self.ifaces[route.iface].mtu;
        if total_len > usize::from(mtu) {
            if df {
                // RFC 1191: tell the sender the MTU that would have fit.
                let ip = &frame[HEADER_LEN..HEADER_LEN + total_len];
                self.report_unreachable(now, ip, DstUnreachable::FragRequired, mtu, out);
            }
            return self.drop_frame(DropCause::TooBig, in_iface, frame, out);
        }
        Ipv4Packet::new_unchecked(&mut frame[HEADER_LEN..]).decrement_ttl();
        EthernetFrame::new_unchecked(&mut frame[..]).set_src_addr(self.ifaces[route.iface].mac);
        self.resolve_and_send(now, route.iface, route.next_hop(dst), frame, out);
    }
}

/// Traces the route chosen for a packet to `dst`.
pub(super) fn note_route(out: &mut Outbox, dst: Ipv4Addr, route: &Route, forwarded: bool) {
    out.note(|| Note::Route {
        dst,
        iface: route.iface,
        via: route.via,
        dest: route.dest,
        kind: route.kind,
        forwarded,
    });
}
