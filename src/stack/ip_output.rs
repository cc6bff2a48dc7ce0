//! The output path of an IP node: route, build the datagram, resolve the next
//! hop with ARP, and the ICMP errors a node sends about others' packets.
//! Datagrams to the node itself take `lo` instead (see [`super::loopback`]).

use std::net::Ipv4Addr;

use super::frag::{fragment_sizes, MAX_PAYLOAD};
use super::ip_input::note_route;
use super::ip_node::IpNode;
use super::ping::PingError;
use super::route::{Route, RouteKind};
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::arp::PACKET_LEN as ARP_LEN;
use crate::wire::ethernet::{
    build_frame, build_frame_with_data, HEADER_LEN as ETH_HEADER_LEN, MIN_FRAME_LEN,
};
use crate::wire::icmp::invoking_len;
use crate::wire::ipv4::MIN_HEADER_LEN;
use crate::wire::{
    ArpOperation, ArpRepr, DstUnreachable, EtherType, EthernetFrame, EthernetRepr, IcmpPacket,
    IcmpRepr, IpProtocol, Ipv4Packet, Ipv4Repr, MacAddr,
};

/// The TTL of datagrams this node originates (Linux's default).
pub const DEFAULT_TTL: u8 = 64;

/// Why a datagram could not be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// No route to the destination (`ENETUNREACH`).
    NoRoute,
    /// Larger than an IPv4 datagram can be (`EMSGSIZE`).
    TooBig {
        /// The largest payload that fits.
        max_payload: usize,
    },
    /// A source in 127.0.0.0/8 to a destination outside the node, which
    /// RFC 1122 section 3.2.1.3 forbids (`EINVAL`, as Linux's
    /// `__mkroute_output` gives).
    LoopbackSource,
}

/// One IPv4 datagram to originate.
pub(super) struct Datagram {
    pub src: Option<Ipv4Addr>,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub ttl: u8,
    /// Set DF when the datagram fits the MTU (Linux's `IP_PMTUDISC_WANT`);
    /// a larger one is fragmented here, without DF, either way.
    pub df_when_fits: bool,
    pub payload_len: usize,
}

/// The payload of a datagram being sent: a header of `head_len` bytes,
/// then `data`; `emit` writes the header into the whole payload once the
/// data is in place.
struct Body<'a, F> {
    head_len: usize,
    data: &'a [u8],
    emit: F,
}

impl<F: FnOnce(&mut [u8])> Body<'_, F> {
    /// Writes the whole payload into `buf` (exactly its length).
    fn write_into(self, buf: &mut [u8]) {
        buf[self.head_len..].copy_from_slice(self.data);
        (self.emit)(buf);
    }
}

/// Where the Ethernet and IPv4 headers end in a frame [`framed`] built:
/// the datagram's payload starts here.
const FRAMED_PAYLOAD: usize = ETH_HEADER_LEN + MIN_HEADER_LEN;

/// A frame holding a datagram's payload (a header of `head_len` bytes that
/// `emit_head` writes once `data` is in place after it), with room before
/// it for the Ethernet and IPv4 headers that [`IpNode::send_ip_framed`]
/// writes when it sends the frame. A layer that builds its payload where
/// it cannot send yet (TCP, while its connection is borrowed) builds it
/// here, straight into the frame, rather than into a buffer of its own that
/// the frame copies later. Padded to the least Ethernet frame, as
/// [`build_frame_with_data`] pads.
pub(super) fn framed(
    out: &mut Outbox,
    head_len: usize,
    data: &[u8],
    emit_head: impl FnOnce(&mut [u8]),
) -> Vec<u8> {
    let mut frame = out.take_buffer();
    frame.clear();
    frame.resize(FRAMED_PAYLOAD + head_len, 0);
    frame.extend_from_slice(data);
    let end = frame.len();
    if frame.len() < MIN_FRAME_LEN {
        frame.resize(MIN_FRAME_LEN, 0);
    }
    emit_head(&mut frame[FRAMED_PAYLOAD..end]);
    frame
}

/// A datagram's payload as [`IpNode::send_ip_body`] takes it: to be written
/// (a header and data), or already in a frame [`framed`] built.
enum Payload<'a, F> {
    Body(Body<'a, F>),
    Framed(Vec<u8>),
}

impl<F: FnOnce(&mut [u8])> Payload<'_, F> {
    /// Writes the whole payload into `buf` (exactly its length); returns
    /// the frame it came in, spent, for the caller to give back to the
    /// pool.
    fn write_into(self, buf: &mut [u8]) -> Option<Vec<u8>> {
        match self {
            Payload::Body(body) => {
                body.write_into(buf);
                None
            }
            Payload::Framed(frame) => {
                buf.copy_from_slice(&frame[FRAMED_PAYLOAD..FRAMED_PAYLOAD + buf.len()]);
                Some(frame)
            }
        }
    }

    /// Gives a frame it came in back to `out`'s pool (it will not be sent).
    fn drop_into(self, out: &mut Outbox) {
        if let Payload::Framed(frame) = self {
            out.recycle(frame);
        }
    }
}

impl IpNode {
    /// Sends a datagram; `fill` writes its `payload_len` payload bytes. A
    /// datagram to the node itself goes over `lo` (see [`super::loopback`]).
    pub(super) fn send_ip(
        &mut self,
        now: SimTime,
        dgram: Datagram,
        fill: impl FnOnce(&mut [u8]),
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        let head_len = dgram.payload_len;
        let body = Body {
            head_len,
            data: &[],
            emit: fill,
        };
        self.send_ip_body(now, dgram, Payload::Body(body), out)
    }

    /// Sends a datagram whose payload is a header of `head_len` bytes and
    /// then `data` (a UDP datagram, a TCP segment): `emit_head` is given the
    /// whole payload with `data` in place and writes the header, checksum
    /// and all. The data is copied once, into the frame, rather than into a
    /// zeroed frame.
    pub(super) fn send_ip_data(
        &mut self,
        now: SimTime,
        dgram: Datagram,
        head_len: usize,
        data: &[u8],
        emit_head: impl FnOnce(&mut [u8]),
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        debug_assert_eq!(dgram.payload_len, head_len + data.len());
        let body = Body {
            head_len,
            data,
            emit: emit_head,
        };
        self.send_ip_body(now, dgram, Payload::Body(body), out)
    }

    /// Sends a datagram whose `payload_len` payload bytes are already in
    /// `frame`, as [`framed`] built it: the frame itself leaves, with its
    /// headers written, when the datagram fits the link.
    pub(super) fn send_ip_framed(
        &mut self,
        now: SimTime,
        dgram: Datagram,
        frame: Vec<u8>,
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        self.send_ip_body(now, dgram, Payload::<fn(&mut [u8])>::Framed(frame), out)
    }

    fn send_ip_body(
        &mut self,
        now: SimTime,
        dgram: Datagram,
        payload: Payload<'_, impl FnOnce(&mut [u8])>,
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        let too_big = SendError::TooBig {
            max_payload: MAX_PAYLOAD,
        };
        if let Some(route) = self.local_route(dgram.dst) {
            if dgram.payload_len > MAX_PAYLOAD {
                payload.drop_into(out);
                return Err(too_big);
            }
            note_route(out, dgram.dst, &route, false);
            let mut spent = None;
            self.send_local(now, dgram, |buf| spent = payload.write_into(buf), out);
            if let Some(frame) = spent {
                out.recycle(frame);
            }
            return Ok(());
        }
        // RFC 1122 section 3.2.1.3 (g): 127.0.0.0/8 never leaves the host.
        if dgram.src.is_some_and(|src| src.is_loopback()) {
            payload.drop_into(out);
            return Err(SendError::LoopbackSource);
        }
        let Some(route) = self.route_for(dgram.dst) else {
            out.note(|| Note::Drop {
                cause: DropCause::NoRoute,
                iface: None,
                what: format!("IP to {} ({})", dgram.dst, dgram.protocol),
            });
            payload.drop_into(out);
            return Err(SendError::NoRoute);
        };
        if dgram.payload_len > MAX_PAYLOAD {
            payload.drop_into(out);
            return Err(too_big);
        }
        note_route(out, dgram.dst, &route, false);
        let iface = &self.ifaces[route.iface];
        let fits = MIN_HEADER_LEN + dgram.payload_len <= usize::from(iface.mtu);
        let repr = Ipv4Repr {
            src: dgram.src.unwrap_or(iface.addr()),
            dst: dgram.dst,
            protocol: dgram.protocol,
            ttl: dgram.ttl,
            ident: self.next_ident,
            dont_frag: dgram.df_when_fits && fits,
            more_frags: false,
            frag_offset: 0,
            tos: 0,
            payload_len: dgram.payload_len,
        };
        self.next_ident = self.next_ident.wrapping_add(1);
        // A broadcast goes to every station on the link, never to a gateway.
        let next_hop = if iface.is_broadcast(dgram.dst) {
            dgram.dst
        } else {
            route.next_hop(dgram.dst)
        };
        if fits {
            let frame = match payload {
                Payload::Body(Body {
                    head_len,
                    data,
                    emit,
                }) => {
                    let mut frame = out.take_buffer();
                    build_frame_with_data(
                        &mut frame,
                        &self.eth_header(route.iface),
                        MIN_HEADER_LEN + head_len,
                        data,
                        |buf| {
                            repr.emit(&mut buf[..MIN_HEADER_LEN]);
                            emit(&mut buf[MIN_HEADER_LEN..]);
                        },
                    );
                    frame
                }
                Payload::Framed(mut frame) => {
                    self.eth_header(route.iface)
                        .emit(&mut EthernetFrame::new_unchecked(&mut frame[..]));
                    repr.emit(&mut frame[ETH_HEADER_LEN..FRAMED_PAYLOAD]);
                    frame
                }
            };
            self.resolve_and_send(now, route.iface, next_hop, frame, out);
            return Ok(());
        }
        // RFC 791 section 3.2: too big for the link, so send it in pieces.
        let mut pieces = std::mem::take(&mut self.scratch);
        pieces.clear();
        pieces.resize(dgram.payload_len, 0);
        if let Some(frame) = payload.write_into(&mut pieces) {
            out.recycle(frame);
        }
        self.send_fragments(now, route.iface, next_hop, repr, &pieces, out);
        self.scratch = pieces;
        Ok(())
    }

    /// The route for a datagram this node sends to `dst`. The limited
    /// broadcast 255.255.255.255 leaves by the first connected interface,
    /// never through a gateway (Linux: `ip route get 255.255.255.255` is
    /// "broadcast … dev eth0").
    pub(super) fn route_for(&self, dst: Ipv4Addr) -> Option<Route> {
        if dst.is_broadcast() {
            let connected = self
                .routes
                .routes()
                .iter()
                .find(|r| r.kind == RouteKind::Connected);
            if let Some(route) = connected {
                return Some(*route);
            }
        }
        self.routes.lookup(dst).copied()
    }

    /// The Ethernet header of a frame leaving `iface`; the destination is
    /// filled in once ARP has resolved it.
    pub(super) fn eth_header(&self, iface: usize) -> EthernetRepr {
        EthernetRepr {
            src: self.ifaces[iface].mac,
            dst: MacAddr::ZERO,
            ethertype: EtherType::IPV4,
        }
    }

    /// Sends `payload` as fragments of the datagram `repr` (whose own offset
    /// and MF flag say where this payload sits, when a router fragments a
    /// fragment) out of `iface` towards `next_hop`.
    pub(super) fn send_fragments(
        &mut self,
        now: SimTime,
        iface: usize,
        next_hop: Ipv4Addr,
        repr: Ipv4Repr,
        payload: &[u8],
        out: &mut Outbox,
    ) {
        let mtu = usize::from(self.ifaces[iface].mtu);
        // Callers keep `repr.frag_offset + payload.len()` within
        // MAX_PAYLOAD (a fragment reaching further is dropped as malformed
        // before it gets here), so every piece's offset fits.
        debug_assert!(usize::from(repr.frag_offset) + payload.len() <= MAX_PAYLOAD);
        for (offset, len) in fragment_sizes(payload.len(), mtu, MIN_HEADER_LEN) {
            let offset_field = usize::from(repr.frag_offset) + offset;
            let piece = Ipv4Repr {
                dont_frag: false,
                more_frags: offset + len < payload.len() || repr.more_frags,
                frag_offset: u16::try_from(offset_field).unwrap_or(u16::MAX),
                payload_len: len,
                ..repr
            };
            let mut frame = out.take_buffer();
            build_frame(
                &mut frame,
                &self.eth_header(iface),
                piece.total_len(),
                |buf| {
                    piece.emit(&mut buf[..MIN_HEADER_LEN]);
                    buf[MIN_HEADER_LEN..].copy_from_slice(&payload[offset..offset + len]);
                },
            );
            self.resolve_and_send(now, iface, next_hop, frame, out);
        }
    }

    /// Sends an ICMP message (never DF: the kernel's own messages may be
    /// fragmented on the way, Linux's `IP_PMTUDISC_DONT`).
    pub(super) fn send_icmp(
        &mut self,
        now: SimTime,
        src: Option<Ipv4Addr>,
        dst: Ipv4Addr,
        icmp: &IcmpRepr<'_>,
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        let dgram = Datagram {
            src,
            dst,
            protocol: IpProtocol::ICMP,
            ttl: DEFAULT_TTL,
            df_when_fits: false,
            payload_len: icmp.buffer_len(),
        };
        self.send_ip(now, dgram, |buf| icmp.emit(buf), out)
    }

    /// Sends a ping's echo request: `size` data bytes in a fixed pattern
    /// (byte `i` is `i mod 256`), DF set when it fits, as Linux ping does.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn send_echo_request(
        &mut self,
        now: SimTime,
        dst: Ipv4Addr,
        ttl: u8,
        ident: u16,
        seq_no: u16,
        size: usize,
        out: &mut Outbox,
    ) -> Result<(), SendError> {
        let dgram = Datagram {
            src: None,
            dst,
            protocol: IpProtocol::ICMP,
            ttl,
            df_when_fits: true,
            payload_len: 8 + size,
        };
        let fill = |buf: &mut [u8]| {
            let header = IcmpRepr::EchoRequest {
                ident,
                seq_no,
                data: &[],
            };
            header.emit(&mut buf[..8]);
            for (i, byte) in buf[8..].iter_mut().enumerate() {
                *byte = i as u8;
            }
            IcmpPacket::new_unchecked(buf).fill_checksum();
        };
        self.send_ip(now, dgram, fill, out)
    }

    /// Puts `frame` on `iface` towards `next_hop`, resolving its MAC first.
    pub(super) fn resolve_and_send(
        &mut self,
        now: SimTime,
        iface: usize,
        next_hop: Ipv4Addr,
        mut frame: Vec<u8>,
        out: &mut Outbox,
    ) {
        let known = if self.ifaces[iface].is_broadcast(next_hop) {
            Some(MacAddr::BROADCAST)
        } else {
            self.neighbors.lookup(now, iface, next_hop)
        };
        if let Some(mac) = known {
            EthernetFrame::new_unchecked(&mut frame[..]).set_dst_addr(mac);
            out.send(iface, frame);
            return;
        }
        use super::arp::Enqueued;
        match self.neighbors.enqueue(now, iface, next_hop, frame) {
            Enqueued::SendRequest(retry_at) => {
                self.send_arp_request(iface, next_hop, out);
                out.arm(
                    retry_at,
                    super::timer::Timer::ArpRetry {
                        iface,
                        ip: next_hop,
                    },
                );
            }
            Enqueued::Queued => {}
            Enqueued::DroppedOldest(old) => {
                self.drop_frame(DropCause::ArpQueueFull, iface, old, out)
            }
        }
    }

    /// Broadcasts "who has `ip`?" on `iface` (RFC 826).
    pub(super) fn send_arp_request(&mut self, iface: usize, ip: Ipv4Addr, out: &mut Outbox) {
        let request = ArpRepr {
            operation: ArpOperation::Request,
            sender_mac: self.ifaces[iface].mac,
            sender_ip: self.ifaces[iface].addr(),
            target_mac: MacAddr::ZERO,
            target_ip: ip,
        };
        self.send_arp(iface, MacAddr::BROADCAST, &request, out);
    }

    /// Sends an ARP packet in a frame to `dst`.
    pub(super) fn send_arp(&mut self, iface: usize, dst: MacAddr, arp: &ArpRepr, out: &mut Outbox) {
        let eth = EthernetRepr {
            src: self.ifaces[iface].mac,
            dst,
            ethertype: EtherType::ARP,
        };
        let mut frame = out.take_buffer();
        build_frame(&mut frame, &eth, ARP_LEN, |buf| arp.emit(buf));
        out.send(iface, frame);
    }

    /// Reports that `packet` could not reach its destination: to the ping
    /// or socket that sent it when it is ours and never left the node, else
    /// with an ICMP error to its source.
    pub(super) fn report_unreachable(
        &mut self,
        now: SimTime,
        packet: &[u8],
        reason: DstUnreachable,
        mtu: u16,
        out: &mut Outbox,
    ) {
        if packet.len() < MIN_HEADER_LEN {
            return;
        }
        let src = Ipv4Packet::new_unchecked(packet).src_addr();
        if self.is_own_addr(src) {
            let quoted = &packet[..invoking_len(packet)];
            self.on_icmp_error(now, src, PingError::Unreachable(reason), quoted, out);
            return;
        }
        self.send_icmp_error(
            now,
            packet,
            |invoking| IcmpRepr::DstUnreachable {
                reason,
                next_hop_mtu: mtu,
                invoking,
            },
            false,
            out,
        );
    }

    /// Sends the ICMP error `make` builds about `packet` to its source,
    /// unless RFC 1812 section 4.3.2.7 (RFC 1122 section 3.2.2) forbids one.
    ///
    /// `from_lo` says `packet` came over `lo`: the node sent it to itself.
    /// Then, as Linux does, the error goes back over `lo` from the address
    /// `packet` was sent to, even from 127.0.0.0/8: section 3.2.2's ban on
    /// errors about loopback sources is about datagrams from a network,
    /// where such a source cannot be answered.
    pub(super) fn send_icmp_error<'a>(
        &mut self,
        now: SimTime,
        packet: &'a [u8],
        make: impl FnOnce(&'a [u8]) -> IcmpRepr<'a>,
        from_lo: bool,
        out: &mut Outbox,
    ) {
        if packet.len() < MIN_HEADER_LEN {
            return;
        }
        let ip = Ipv4Packet::new_unchecked(packet);
        let (src, dst) = (ip.src_addr(), ip.dst_addr());
        let payload = packet.get(ip.header_len()..).unwrap_or_default();
        let is_icmp_error = ip.protocol() == IpProtocol::ICMP
            && payload
                .first()
                .is_some_and(|t| matches!(t, 3 | 4 | 5 | 11 | 12));
        let bad_src = src.is_unspecified()
            || src.is_broadcast()
            || src.is_multicast()
            || (src.is_loopback() && !from_lo)
            || self.ifaces.iter().any(|i| i.is_broadcast(src));
        let bad_dst = dst.is_multicast() || self.ifaces.iter().any(|i| i.is_broadcast(dst));
        if is_icmp_error || bad_src || bad_dst || ip.frag_offset() > 0 {
            return;
        }
        let icmp = make(&packet[..invoking_len(packet)]);
        let _ = self.send_icmp(now, from_lo.then_some(dst), src, &icmp, out);
    }
}
