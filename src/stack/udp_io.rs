//! UDP on an IP node: datagrams in and out through the node's socket table
//! (RFC 768, RFC 1122 section 4.1).

use std::net::{Ipv4Addr, SocketAddrV4};

use super::ip_input::note_unparsable;
use super::ip_node::IpNode;
use super::ip_output::{Datagram, SendError};
use super::loopback::socket_addrs;
use super::udp::{errno, unreachable_errno, Delivery, SocketId, UdpTable};
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::describe::describe_ipv4;
use crate::wire::udp::HEADER_LEN as UDP_HEADER_LEN;
use crate::wire::{DstUnreachable, IpProtocol, Ipv4Packet, UdpPacket, UdpRepr};

impl IpNode {
    /// The node's UDP socket table (made on first use, with its addresses
    /// and 127.0.0.1: every node has a loopback interface, as every Linux
    /// host has `lo`).
    pub fn udp(&mut self) -> &mut UdpTable {
        let ifaces = &self.ifaces;
        self.udp
            .get_or_insert_with(|| UdpTable::new(socket_addrs(ifaces)))
    }

    /// The source address for a datagram to `dst`: the address of the
    /// interface its route leaves by, or for a local `dst` the address of
    /// its local route (see [`IpNode::local_source`]).
    pub(super) fn source_for(&self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        if self.is_local(dst) {
            return Some(self.local_source(dst));
        }
        let iface = self.route_for(dst)?.iface;
        self.ifaces.get(iface).map(|i| i.addr())
    }

    /// Connects socket `id` to `peer`; a socket bound to 0.0.0.0 takes the
    /// address of the interface the route to `peer` leaves by, as Linux's.
    /// A socket bound in 127.0.0.0/8 can only connect to the node itself:
    /// `EINVAL` otherwise, as Linux (RFC 1122 section 3.2.1.3).
    pub fn udp_connect(&mut self, id: SocketId, peer: SocketAddrV4) -> Result<(), i32> {
        let route_src = self.source_for(*peer.ip()).ok_or(errno::ENETUNREACH)?;
        if self.udp().local_addr(id)?.ip().is_loopback() && !self.is_local(*peer.ip()) {
            return Err(errno::EINVAL);
        }
        let broadcasts = std::mem::take(&mut self.broadcasts);
        let result = self.udp().connect_via(id, peer, route_src, &broadcasts);
        self.broadcasts = broadcasts;
        result
    }

    /// Sends `data` from socket `id` to `dst` (or its peer). Returns the
    /// bytes sent, or the errno Linux gives.
    pub fn udp_send(
        &mut self,
        now: SimTime,
        id: SocketId,
        dst: Option<SocketAddrV4>,
        data: &[u8],
        out: &mut Outbox,
    ) -> Result<usize, i32> {
        let broadcasts = std::mem::take(&mut self.broadcasts);
        let plan = self.udp().prepare_send(id, dst, data.len(), &broadcasts);
        self.broadcasts = broadcasts;
        let plan = plan?;
        let dst_ip = *plan.dst.ip();
        let src = if plan.src.is_unspecified() {
            self.source_for(dst_ip).ok_or(errno::ENETUNREACH)?
        } else {
            plan.src
        };
        let udp = UdpRepr {
            src_port: plan.src_port,
            dst_port: plan.dst.port(),
            payload_len: data.len(),
        };
        let dgram = Datagram {
            src: Some(src),
            dst: dst_ip,
            protocol: IpProtocol::UDP,
            ttl: plan.ttl,
            df_when_fits: true,
            payload_len: udp.buffer_len(),
        };
        let emit = |buf: &mut [u8]| udp.emit(buf, src, dst_ip);
        match self.send_ip_data(now, dgram, UDP_HEADER_LEN, data, emit, out) {
            Ok(()) => Ok(data.len()),
            Err(SendError::NoRoute) => Err(errno::ENETUNREACH),
            Err(SendError::TooBig { .. }) => Err(errno::EMSGSIZE),
            Err(SendError::LoopbackSource) => Err(errno::EINVAL),
        }
    }

    /// A whole UDP datagram for this node, in its IP packet.
    pub(super) fn on_udp(
        &mut self,
        now: SimTime,
        iface: usize,
        packet: &[u8],
        broadcast: bool,
        out: &mut Outbox,
    ) {
        let ip = Ipv4Packet::new_unchecked(packet);
        let (src, dst) = (ip.src_addr(), ip.dst_addr());
        let parsed = UdpPacket::new_checked(ip.payload()).and_then(|u| {
            let repr = if self.rx_intact {
                UdpRepr::parse_intact(&u)?
            } else {
                UdpRepr::parse(&u, src, dst)?
            };
            Ok((repr, u))
        });
        let (repr, udp) = match parsed {
            Ok(ok) => ok,
            Err(err) => return note_unparsable(out, &err, iface, packet),
        };
        let ports = (repr.src_port, repr.dst_port);
        if self.on_dhcp_reply(now, iface, ports, udp.payload(), out) {
            return;
        }
        let from = SocketAddrV4::new(src, repr.src_port);
        let to = SocketAddrV4::new(dst, repr.dst_port);
        let mut full = Vec::new();
        match self.udp().deliver(from, to, udp.payload(), broadcast) {
            Delivery::Queued(id) => out.readable.push(id),
            Delivery::BufferFull(id) => full.push(id),
            Delivery::Broadcast { queued, full: f } => {
                out.readable.extend(queued);
                full = f;
            }
            Delivery::NoSocket => {
                // RFC 1122 section 4.1.3.1: port unreachable.
                let reason = DstUnreachable::PortUnreachable;
                self.refuse(
                    now,
                    iface,
                    packet,
                    broadcast,
                    reason,
                    DropCause::NoSocket,
                    out,
                );
            }
        }
        for _ in full {
            out.note(|| Note::Drop {
                cause: DropCause::ReceiveBufferFull,
                iface: Some(iface),
                what: describe_ipv4(packet),
            });
        }
    }

    /// An ICMP destination unreachable about a datagram we sent: a connected
    /// socket learns its error (and its reader must be woken).
    pub(super) fn on_udp_unreachable(
        &mut self,
        reason: DstUnreachable,
        invoking: &[u8],
        out: &mut Outbox,
    ) {
        let inner = Ipv4Packet::new_unchecked(invoking);
        let Some(ports) = invoking.get(inner.header_len()..inner.header_len() + 4) else {
            return;
        };
        let Some(errno) = unreachable_errno(reason) else {
            return;
        };
        let local = SocketAddrV4::new(inner.src_addr(), u16::from_be_bytes([ports[0], ports[1]]));
        let remote = SocketAddrV4::new(inner.dst_addr(), u16::from_be_bytes([ports[2], ports[3]]));
        if let Some(id) = self.udp().on_icmp_unreachable(local, remote, errno) {
            out.readable.push(id);
        }
    }
}
