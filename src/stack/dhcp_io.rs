//! DHCP on an IP node: its clients' messages out and in, and the lease
//! applied to the interface (address, subnet route, default gateway,
//! resolver), as dhclient's script applies it on Linux.
//!
//! Before it has an address a client cannot use the IP output path (there
//! is no route, and no source address), so it writes whole frames from
//! 0.0.0.0 to the broadcast MAC itself, as dhclient does through a packet
//! socket. Renewals go out as ordinary unicast datagrams from the leased
//! address.

use std::net::Ipv4Addr;

use super::cidr::Ipv4Cidr;
use super::dhcp_client::{Action, DhcpClient, Lease};
use super::ip_node::IpNode;
use super::ip_output::{Datagram, DEFAULT_TTL};
use super::loopback::socket_addrs;
use super::timer::Timer;
use crate::sim::rng::RngStream;
use crate::sim::{Outbox, SimTime};
use crate::trace::event::Note;
use crate::wire::dhcp::{DhcpMessage, CLIENT_PORT, SERVER_PORT};
use crate::wire::ethernet::build_frame;
use crate::wire::ipv4::MIN_HEADER_LEN;
use crate::wire::udp::HEADER_LEN as UDP_HEADER_LEN;
use crate::wire::{EtherType, EthernetRepr, IpProtocol, Ipv4Repr, MacAddr, UdpRepr};

impl IpNode {
    /// Makes interface `iface` get its address by DHCP, with a client whose
    /// transaction ids come from the run's `seed` and the node's `name`.
    /// The caller arms [`Timer::Dhcp`] for when the interface comes up.
    pub fn add_dhcp_client(&mut self, iface: usize, seed: u64, name: &str) {
        let Some(mac) = self.ifaces.get(iface).map(|i| i.mac) else {
            return;
        };
        let rng = RngStream::new(seed, &format!("dhcp {name} {iface}"));
        self.dhcp.retain(|(i, _)| *i != iface);
        self.dhcp.push((iface, DhcpClient::new(mac, rng)));
    }

    /// The DHCP client of `iface`, if it has one.
    pub fn dhcp_client(&self, iface: usize) -> Option<&DhcpClient> {
        self.dhcp.iter().find(|(i, _)| *i == iface).map(|(_, c)| c)
    }

    pub(super) fn on_dhcp_timer(&mut self, now: SimTime, iface: usize, out: &mut Outbox) {
        let Some((_, client)) = self.dhcp.iter_mut().find(|(i, _)| *i == iface) else {
            return;
        };
        let actions = if client.is_started() {
            client.on_timer(now)
        } else {
            client.start(now)
        };
        self.apply_dhcp(now, iface, actions, out);
    }

    /// A datagram from port 67 to port 68 arrived on `iface`: for its DHCP
    /// client, if it has one. Returns whether a client took it.
    pub(super) fn on_dhcp_reply(
        &mut self,
        now: SimTime,
        iface: usize,
        ports: (u16, u16),
        payload: &[u8],
        out: &mut Outbox,
    ) -> bool {
        if ports != (SERVER_PORT, CLIENT_PORT) {
            return false;
        }
        let Some((_, client)) = self.dhcp.iter_mut().find(|(i, _)| *i == iface) else {
            return false;
        };
        // Not DHCP, or for another client: dropped as dhclient drops it.
        if let Ok(message) = DhcpMessage::parse(payload) {
            let actions = client.on_message(now, &message);
            self.apply_dhcp(now, iface, actions, out);
        }
        true
    }

    fn apply_dhcp(&mut self, now: SimTime, iface: usize, actions: Vec<Action>, out: &mut Outbox) {
        for action in actions {
            match action {
                Action::Broadcast(message) => self.broadcast_dhcp(iface, &message, out),
                Action::Unicast(message, server) => {
                    self.unicast_dhcp(now, &message, server, out);
                }
                Action::Bind(lease) => self.configure(iface, &lease),
                Action::Unbind => self.unconfigure(iface),
                Action::Arm(at) => out.arm(at, Timer::Dhcp(iface)),
                Action::Note(note) => out.note(|| Note::Dhcp { iface, note }),
            }
        }
    }

    /// A whole frame from `ciaddr` (0.0.0.0 without a lease) port 68 to
    /// 255.255.255.255 port 67, to every station on the link.
    fn broadcast_dhcp(&mut self, iface: usize, message: &DhcpMessage, out: &mut Outbox) {
        let Some(mac) = self.ifaces.get(iface).map(|i| i.mac) else {
            return;
        };
        let payload = message.emit();
        let (src, dst) = (message.ciaddr, Ipv4Addr::BROADCAST);
        let udp = UdpRepr {
            src_port: CLIENT_PORT,
            dst_port: SERVER_PORT,
            payload_len: payload.len(),
        };
        let ip = Ipv4Repr {
            src,
            dst,
            protocol: IpProtocol::UDP,
            ttl: DEFAULT_TTL,
            ident: self.next_ident,
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            tos: 0,
            payload_len: udp.buffer_len(),
        };
        self.next_ident = self.next_ident.wrapping_add(1);
        let eth = EthernetRepr {
            src: mac,
            dst: MacAddr::BROADCAST,
            ethertype: EtherType::IPV4,
        };
        let mut frame = out.take_buffer();
        build_frame(&mut frame, &eth, ip.total_len(), |buf| {
            ip.emit(&mut buf[..MIN_HEADER_LEN]);
            let datagram = &mut buf[MIN_HEADER_LEN..];
            datagram[UDP_HEADER_LEN..].copy_from_slice(&payload);
            udp.emit(datagram, src, dst);
        });
        out.send(iface, frame);
    }

    /// A REQUEST to the server that granted the lease, by the ordinary
    /// output path (route, ARP) from the leased address.
    fn unicast_dhcp(
        &mut self,
        now: SimTime,
        message: &DhcpMessage,
        server: Ipv4Addr,
        out: &mut Outbox,
    ) {
        let payload = message.emit();
        let src = message.ciaddr;
        let udp = UdpRepr {
            src_port: CLIENT_PORT,
            dst_port: SERVER_PORT,
            payload_len: payload.len(),
        };
        let dgram = Datagram {
            src: Some(src),
            dst: server,
            protocol: IpProtocol::UDP,
            ttl: DEFAULT_TTL,
            df_when_fits: true,
            payload_len: udp.buffer_len(),
        };
        let fill = |buf: &mut [u8]| {
            buf[UDP_HEADER_LEN..].copy_from_slice(&payload);
            udp.emit(buf, src, server);
        };
        // No route any more: the retransmission timer tries again.
        let _ = self.send_ip(now, dgram, fill, out);
    }

    /// Gives `iface` the lease's address, its subnet's route, the default
    /// route through the lease's router and the lease's DNS server.
    fn configure(&mut self, iface: usize, lease: &Lease) {
        let Some(cidr) = Ipv4Cidr::new(lease.addr, lease.prefix_len) else {
            return;
        };
        self.routes.remove_iface(iface);
        if let Some(slot) = self.ifaces.get_mut(iface) {
            slot.cidr = cidr;
        }
        self.routes.add_connected(cidr, iface);
        if let Some(router) = lease.router {
            // A router outside the leased subnet cannot be reached: no
            // default route then, as Linux refuses it ("Nexthop has
            // invalid gateway").
            let _ = self.routes.add_via(Ipv4Cidr::DEFAULT, router);
        }
        if lease.dns.is_some() {
            self.resolver = lease.dns;
        }
        self.addresses_changed();
    }

    /// Takes the address off `iface`, and the routes through it.
    fn unconfigure(&mut self, iface: usize) {
        self.routes.remove_iface(iface);
        if let Some(slot) = self.ifaces.get_mut(iface) {
            slot.cidr = Ipv4Cidr::UNCONFIGURED;
        }
        self.resolver = None;
        self.addresses_changed();
    }

    fn addresses_changed(&mut self) {
        self.broadcasts = self.directed_broadcasts();
        let addrs = socket_addrs(&self.ifaces);
        if let Some(udp) = &mut self.udp {
            udp.set_local_addrs(addrs.clone());
        }
        if let Some(tcp) = &mut self.tcp {
            tcp.set_local_addrs(addrs);
        }
    }
}
