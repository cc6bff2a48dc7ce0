//! The IPv4 input path of an IP node: checks, local delivery, ICMP, and
//! forwarding on routers (RFC 791, RFC 792, RFC 1122, RFC 1812).

use std::net::Ipv4Addr;

use super::frag::{FragKey, Reassembled, MAX_PAYLOAD};
use super::iface::LOOPBACK_IFACE;
use super::ip_node::IpNode;
use super::ping::PingError;
use super::route::Route;
use super::timer::Timer;
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::describe::describe_ipv4;
use crate::wire::ethernet::{HEADER_LEN, MIN_FRAME_LEN};
use crate::wire::ipv4::MIN_HEADER_LEN;
use crate::wire::{
    DstUnreachable, EthernetFrame, IcmpRepr, IpProtocol, Ipv4Packet, Ipv4Repr, TimeExceeded,
    WireError,
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
        let (src, dst) = (packet.src_addr(), packet.dst_addr());
        // RFC 1122 section 3.2.1.3 (g): 127.0.0.0/8 must never appear
        // outside a host, so such a packet on a link is bogus (Linux drops
        // it as martian; RFC 1812 section 5.3.7 has routers not forward it).
        if dst.is_loopback() || src.is_loopback() || self.is_martian_source(src) {
            return self.drop_frame(DropCause::Martian, iface, frame, out);
        }
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

    /// Whether `src` cannot be the source of a packet that arrives over a
    /// link: one of this node's own addresses (a packet "from us" that we
    /// did not send, such as a LAND attack's SYN from our own address and
    /// port to itself), a multicast address or the limited broadcast (RFC
    /// 1122 section 3.2.1.3 (c), (d); RFC 1812 section 5.3.7). Linux drops
    /// all three as martian sources (`ip_route_input_slow`,
    /// `fib_validate_source`). 0.0.0.0 is allowed, as Linux allows it
    /// (a host that does not know its address yet, RFC 1122 (a)).
    fn is_martian_source(&self, src: Ipv4Addr) -> bool {
        src.is_multicast() || src.is_broadcast() || self.is_own_addr(src)
    }

    /// A packet (or fragment) addressed to this node.
    fn deliver(&mut self, now: SimTime, iface: usize, frame: Vec<u8>, out: &mut Outbox) {
        let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..]);
        let broadcast = self.ifaces[iface].is_broadcast(packet.dst_addr());
        let total = HEADER_LEN + usize::from(packet.total_len());
        if !packet.more_frags() && packet.frag_offset() == 0 {
            self.deliver_packet(now, iface, &frame[HEADER_LEN..total], broadcast, out);
            out.recycle(frame);
            return;
        }
        let key = FragKey {
            src: packet.src_addr(),
            dst: packet.dst_addr(),
            protocol: packet.protocol(),
            ident: packet.ident(),
        };
        let header = &frame[HEADER_LEN..HEADER_LEN + packet.header_len()];
        let offset = usize::from(packet.frag_offset());
        let more = packet.more_frags();
        match self
            .reassembler
            .add(now, key, offset, more, packet.payload(), header)
        {
            Reassembled::Complete(payload) => {
                let whole = Ipv4Repr {
                    src: key.src,
                    dst: key.dst,
                    protocol: key.protocol,
                    ttl: packet.ttl(),
                    ident: key.ident,
                    dont_frag: false,
                    more_frags: false,
                    frag_offset: 0,
                    tos: packet.dscp_ecn(),
                    payload_len: payload.len(),
                };
                let mut datagram = vec![0; whole.total_len()];
                whole.emit(&mut datagram[..MIN_HEADER_LEN]);
                datagram[MIN_HEADER_LEN..].copy_from_slice(&payload);
                out.note(|| Note::Reassembled {
                    what: describe_ipv4(&datagram),
                    len: payload.len(),
                });
                // Whole again: the timeout has nothing left to drop.
                out.cancel(Timer::Reassembly(key));
                self.deliver_packet(now, iface, &datagram, broadcast, out);
            }
            Reassembled::Waiting(Some(deadline)) => out.arm(deadline, Timer::Reassembly(key)),
            Reassembled::Waiting(None) => {}
            Reassembled::Invalid => {
                return self.drop_frame(DropCause::Malformed, iface, frame, out);
            }
        }
        out.recycle(frame);
    }

    /// A whole datagram addressed to this node: hand it to its protocol.
    /// `iface` is [`super::iface::LOOPBACK_IFACE`] for one the node sent to
    /// itself.
    pub(super) fn deliver_packet(
        &mut self,
        now: SimTime,
        iface: usize,
        packet: &[u8],
        broadcast: bool,
        out: &mut Outbox,
    ) {
        match Ipv4Packet::new_unchecked(packet).protocol() {
            IpProtocol::ICMP => return self.on_icmp(now, iface, packet, broadcast, out),
            IpProtocol::UDP => return self.on_udp(now, iface, packet, broadcast, out),
            IpProtocol::TCP => return self.on_tcp(now, iface, packet, broadcast, out),
            _ => {}
        }
        // RFC 1122 section 3.2.2.1: no handler for the protocol.
        let reason = DstUnreachable::ProtoUnreachable;
        self.refuse(
            now,
            iface,
            packet,
            broadcast,
            reason,
            DropCause::Unhandled,
            out,
        );
    }

    /// Drops a packet for this node that nothing takes, answering with ICMP
    /// destination unreachable `reason` unless it was a broadcast (RFC 1122
    /// section 3.2.2: no ICMP error about a broadcast). The answer to a
    /// packet that came over `lo` goes back over `lo`, as on Linux.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn refuse(
        &mut self,
        now: SimTime,
        iface: usize,
        packet: &[u8],
        broadcast: bool,
        reason: DstUnreachable,
        cause: DropCause,
        out: &mut Outbox,
    ) {
        let note = || Note::Drop {
            cause,
            iface: Some(iface),
            what: describe_ipv4(packet),
        };
        if iface == LOOPBACK_IFACE {
            // The drop first: the answer's own `lo` line follows it, as an
            // answer's frame follows the drop on a real interface.
            out.note(note);
            let unreachable = |invoking| IcmpRepr::DstUnreachable {
                reason,
                next_hop_mtu: 0,
                invoking,
            };
            self.send_icmp_error(now, packet, unreachable, true, out);
            return;
        }
        if !broadcast {
            self.report_unreachable(now, packet, reason, 0, out);
        }
        out.note(note);
    }

    /// The timer of a datagram still being reassembled fired.
    pub(super) fn on_reassembly_timeout(&mut self, now: SimTime, key: FragKey, out: &mut Outbox) {
        let Some(first) = self.reassembler.on_timer(now, key) else {
            return;
        };
        out.note(|| Note::Drop {
            cause: DropCause::ReassemblyTimeout,
            iface: None,
            what: format!(
                "IP {} > {} id {} ({}): fragments missing",
                key.src, key.dst, key.ident, key.protocol
            ),
        });
        // RFC 792: time exceeded, code 1, only if the first fragment came.
        if let Some(first) = first {
            let reassembly = |invoking| IcmpRepr::TimeExceeded {
                reason: TimeExceeded::FragReassembly,
                invoking,
            };
            self.send_icmp_error(now, &first, reassembly, false, out);
        }
    }

    /// An ICMP message for this node (RFC 792), in a whole IP packet.
    fn on_icmp(
        &mut self,
        now: SimTime,
        iface: usize,
        ip: &[u8],
        broadcast: bool,
        out: &mut Outbox,
    ) {
        let packet = Ipv4Packet::new_unchecked(ip);
        let (src, dst, ttl) = (packet.src_addr(), packet.dst_addr(), packet.ttl());
        let icmp = match IcmpRepr::parse(packet.payload()) {
            Ok(icmp) => icmp,
            Err(err) => return note_unparsable(out, &err, iface, ip),
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
        if inner.protocol() == IpProtocol::UDP {
            if let PingError::Unreachable(reason) = error {
                self.on_udp_unreachable(reason, invoking, out);
            }
            return;
        }
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
                false,
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
            let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..HEADER_LEN + total_len]);
            let end = usize::from(packet.frag_offset()) + packet.payload().len();
            if end > MAX_PAYLOAD {
                // A fragment reaching past the 65535 bytes of a datagram
                // (a "ping of death"): its pieces would need offsets that
                // the 13-bit field cannot hold.
                return self.drop_frame(DropCause::Malformed, in_iface, frame, out);
            }
            if df {
                // RFC 1191: tell the sender the MTU that would have fit.
                let ip = &frame[HEADER_LEN..HEADER_LEN + total_len];
                self.report_unreachable(now, ip, DstUnreachable::FragRequired, mtu, out);
                return self.drop_frame(DropCause::TooBig, in_iface, frame, out);
            }
            // RFC 791 section 3.2: cut it to fit the next link. Options are
            // not copied: simnet's fragments carry 20-byte headers.
            let packet = Ipv4Packet::new_unchecked(&frame[HEADER_LEN..HEADER_LEN + total_len]);
            let repr = Ipv4Repr {
                src: packet.src_addr(),
                dst,
                protocol: packet.protocol(),
                ttl: ttl - 1,
                ident: packet.ident(),
                dont_frag: false,
                more_frags: packet.more_frags(),
                frag_offset: packet.frag_offset(),
                tos: packet.dscp_ecn(),
                payload_len: packet.payload().len(),
            };
            let next_hop = route.next_hop(dst);
            self.send_fragments(now, route.iface, next_hop, repr, packet.payload(), out);
            out.recycle(frame);
            return;
        }
        // The frame is rebuilt for the next link: bytes after Total Length
        // (the last link's padding, or junk) go, as Linux trims them in
        // `ip_rcv_core`, and a short frame is padded again (RFC 894).
        frame.truncate(HEADER_LEN + total_len);
        frame.resize(frame.len().max(MIN_FRAME_LEN), 0);
        Ipv4Packet::new_unchecked(&mut frame[HEADER_LEN..]).decrement_ttl();
        EthernetFrame::new_unchecked(&mut frame[..]).set_src_addr(self.ifaces[route.iface].mac);
        self.resolve_and_send(now, route.iface, route.next_hop(dst), frame, out);
    }
}

/// Traces the drop of `packet`, whose transport header failed to parse.
pub(super) fn note_unparsable(out: &mut Outbox, err: &WireError, iface: usize, packet: &[u8]) {
    let cause = match err {
        WireError::Checksum { .. } => DropCause::BadChecksum,
        _ => DropCause::Malformed,
    };
    out.note(|| Note::Drop {
        cause,
        iface: Some(iface),
        what: describe_ipv4(packet),
    });
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
