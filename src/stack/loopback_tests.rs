//! Local delivery: datagrams a node sends to itself go over `lo`, never onto
//! a link, and arrive as packets from the wire would (see `loopback.rs`).

use std::net::SocketAddrV4;

use super::*;
use crate::stack::iface::LOOPBACK_IFACE;
use crate::stack::route::RouteKind;
use crate::stack::udp::{errno, SocketId, MAX_PAYLOAD};
use crate::trace::event::Record;
use crate::trace::text::render;
use crate::wire::{DstUnreachable, UdpPacket};

fn sa(addr: &str) -> SocketAddrV4 {
    addr.parse().unwrap()
}

/// Fires the loopback timers armed so far, and those they arm, in order, as
/// the world's event queue would at that instant.
fn run_lo(node: &mut IpNode, out: &mut Outbox) {
    while let Some(i) = out.timers.iter().position(|&(_, t)| t == Timer::Loopback) {
        let (at, timer) = out.timers.remove(i);
        assert_eq!(at, T0, "lo takes no time");
        node.on_timer(at, timer, out);
    }
}

/// The packets that went over `lo`, in order.
fn lo_packets(out: &Outbox) -> Vec<Vec<u8>> {
    out.notes
        .iter()
        .filter_map(|n| match n {
            Note::Loopback(packet) => Some(packet.clone()),
            _ => None,
        })
        .collect()
}

/// pc1 (192.168.1.2/24, gateway 192.168.1.1) with an empty ARP cache.
fn pc1() -> (IpNode, Outbox) {
    (host(), Outbox::new(true))
}

fn bind(node: &mut IpNode, addr: &str) -> SocketId {
    node.udp().bind(sa(addr), false).unwrap()
}

fn send(node: &mut IpNode, id: SocketId, to: &str, data: &[u8], out: &mut Outbox) {
    let sent = node.udp_send(T0, id, Some(sa(to)), data, out);
    assert_eq!(sent, Ok(data.len()));
}

/// Nothing left the node: no frame (so no ARP request), no ARP entry.
fn nothing_on_the_wire(node: &IpNode, out: &mut Outbox) {
    assert!(sent(out).is_empty());
    assert!(node.neighbors().lookup(T0, 0, ip("192.168.1.2")).is_none());
    let arp = |t: &Timer| matches!(t, Timer::ArpRetry { .. } | Timer::ArpExpire { .. });
    assert!(!out.timers.iter().any(|(_, t)| arp(t)));
}

#[test]
fn a_datagram_to_an_own_address_reaches_a_wildcard_socket_over_lo() {
    let (mut node, mut out) = pc1();
    let server = bind(&mut node, "0.0.0.0:7852");
    let client = bind(&mut node, "0.0.0.0:0");
    send(&mut node, client, "192.168.1.2:7852", b"hello", &mut out);
    nothing_on_the_wire(&node, &mut out);
    let route = out.notes.iter().find_map(|n| match n {
        Note::Route {
            iface, kind, dest, ..
        } => Some((*iface, *kind, dest.to_string())),
        _ => None,
    });
    assert_eq!(
        route,
        Some((LOOPBACK_IFACE, RouteKind::Local, "192.168.1.2/32".into()))
    );
    assert!(out.readable.is_empty(), "delivered as an event of its own");
    run_lo(&mut node, &mut out);
    nothing_on_the_wire(&node, &mut out);
    assert_eq!(out.readable, [server]);
    let got = node.udp().recv(server, false).unwrap();
    assert_eq!(got.data, b"hello");
    assert_eq!(got.from, sa("192.168.1.2:49152"));
    assert_eq!(got.to, ip("192.168.1.2"));
    // The real packet: header checksum, DF, the TTL as given, UDP checksum.
    let packets = lo_packets(&out);
    assert_eq!(packets.len(), 1);
    let packet = Ipv4Packet::new_checked(&packets[0][..]).unwrap();
    assert!(packet.verify_checksum());
    let repr = Ipv4Repr::parse(&packet).unwrap();
    assert_eq!((repr.src, repr.dst), (ip("192.168.1.2"), ip("192.168.1.2")));
    assert_eq!((repr.ttl, repr.dont_frag, repr.ident), (64, true, 1));
    let udp = UdpPacket::new_checked(packet.payload()).unwrap();
    assert!(udp.verify_checksum(repr.src, repr.dst));
}

#[test]
fn a_datagram_to_127_0_0_1_comes_from_127_0_0_1() {
    let (mut node, mut out) = pc1();
    let exact = bind(&mut node, "127.0.0.1:7852");
    let wildcard = bind(&mut node, "0.0.0.0:7853");
    let client = bind(&mut node, "0.0.0.0:0");
    send(&mut node, client, "127.0.0.1:7852", b"one", &mut out);
    send(&mut node, client, "127.0.0.1:7853", b"two", &mut out);
    run_lo(&mut node, &mut out);
    nothing_on_the_wire(&node, &mut out);
    assert_eq!(out.readable, [exact, wildcard]);
    let one = node.udp().recv(exact, false).unwrap();
    assert_eq!(
        (one.data.as_slice(), one.from),
        (&b"one"[..], sa("127.0.0.1:49152"))
    );
    let two = node.udp().recv(wildcard, false).unwrap();
    assert_eq!(
        (two.data.as_slice(), two.from),
        (&b"two"[..], sa("127.0.0.1:49152"))
    );
    // A socket on the interface's address does not hear 127.0.0.1.
    let (mut node, mut out) = pc1();
    bind(&mut node, "192.168.1.2:7852");
    let client = bind(&mut node, "0.0.0.0:0");
    send(&mut node, client, "127.0.0.1:7852", b"x", &mut out);
    run_lo(&mut node, &mut out);
    assert!(drops(&out).contains(&DropCause::NoSocket));
}

#[test]
fn any_address_in_127_slash_8_is_local_and_bindable() {
    let (mut node, mut out) = pc1();
    let server = bind(&mut node, "127.1.2.3:7852");
    let client = bind(&mut node, "0.0.0.0:0");
    send(&mut node, client, "127.1.2.3:7852", b"x", &mut out);
    run_lo(&mut node, &mut out);
    nothing_on_the_wire(&node, &mut out);
    let got = node.udp().recv(server, false).unwrap();
    assert_eq!(
        got.from,
        sa("127.0.0.1:49152"),
        "lo's address is the source"
    );
}

#[test]
fn a_closed_port_answers_over_lo_and_a_connected_socket_is_refused() {
    for peer in ["127.0.0.1:9", "192.168.1.2:9"] {
        let (mut node, mut out) = pc1();
        let client = bind(&mut node, "0.0.0.0:0");
        node.udp_connect(client, sa(peer)).unwrap();
        let local = node.udp().local_addr(client).unwrap();
        assert_eq!(
            local.ip(),
            sa(peer).ip(),
            "connect takes the local route's source"
        );
        assert_eq!(node.udp_send(T0, client, None, b"anyone?", &mut out), Ok(7));
        run_lo(&mut node, &mut out);
        nothing_on_the_wire(&node, &mut out);
        assert!(drops(&out).contains(&DropCause::NoSocket));
        let packets = lo_packets(&out);
        assert_eq!(packets.len(), 2, "the datagram, then the ICMP error");
        let error = Ipv4Packet::new_checked(&packets[1][..]).unwrap();
        assert_eq!(
            (error.src_addr(), error.dst_addr()),
            (*sa(peer).ip(), *local.ip())
        );
        assert!(matches!(
            IcmpRepr::parse(error.payload()).unwrap(),
            IcmpRepr::DstUnreachable {
                reason: DstUnreachable::PortUnreachable,
                ..
            }
        ));
        assert_eq!(out.readable, [client], "the reader is woken");
        assert_eq!(node.udp().take_error(client), Some(errno::ECONNREFUSED));
    }
}

#[test]
fn a_ping_to_an_own_address_is_answered_at_once() {
    for dst in ["192.168.1.2", "127.0.0.1"] {
        let (mut node, mut out) = pc1();
        node.add_ping(PingConfig {
            dst: ip(dst),
            count: 2,
            interval: Duration::from_secs(1),
            size: 56,
            ttl: 1,
            wait: Duration::from_secs(5),
        });
        node.on_timer(T0, Timer::PingSend(0), &mut out);
        run_lo(&mut node, &mut out);
        nothing_on_the_wire(&node, &mut out);
        let report = node.ping_report(0).unwrap();
        assert_eq!((report.transmitted, report.received), (1, 1));
        assert_eq!(report.rtts, [Duration::ZERO]);
        let packets = lo_packets(&out);
        assert_eq!(packets.len(), 2, "request and reply");
        let reply = Ipv4Packet::new_checked(&packets[1][..]).unwrap();
        assert_eq!((reply.src_addr(), reply.dst_addr()), (ip(dst), ip(dst)));
        assert!(report.lines[1].starts_with(&format!("64 bytes from {dst}: icmp_seq=1 ttl=64")));
    }
}

#[test]
fn the_largest_datagram_passes_lo_whole() {
    let (mut node, mut out) = pc1();
    let server = bind(&mut node, "0.0.0.0:7852");
    let client = bind(&mut node, "0.0.0.0:0");
    let data = vec![7u8; MAX_PAYLOAD];
    send(&mut node, client, "127.0.0.1:7852", &data, &mut out);
    run_lo(&mut node, &mut out);
    let packets = lo_packets(&out);
    assert_eq!(packets.len(), 1, "no fragments on lo");
    assert_eq!(packets[0].len(), 65_535);
    assert_eq!(node.udp().recv(server, false).unwrap().data, data);
    let too_big = vec![0u8; MAX_PAYLOAD + 1];
    let result = node.udp_send(T0, client, Some(sa("127.0.0.1:7852")), &too_big, &mut out);
    assert_eq!(result, Err(errno::EMSGSIZE));
}

#[test]
fn a_socket_on_127_0_0_1_cannot_reach_other_hosts() {
    let (mut node, mut out) = pc1();
    let sock = bind(&mut node, "127.0.0.1:0");
    let result = node.udp_send(T0, sock, Some(sa("192.168.1.3:7")), b"x", &mut out);
    assert_eq!(result, Err(errno::EINVAL));
    assert_eq!(
        node.udp_connect(sock, sa("192.168.2.2:7")),
        Err(errno::EINVAL)
    );
    assert!(sent(&mut out).is_empty());
    // It can reach the host's own interface address, over lo.
    let server = bind(&mut node, "192.168.1.2:7");
    send(&mut node, sock, "192.168.1.2:7", b"x", &mut out);
    run_lo(&mut node, &mut out);
    assert_eq!(
        node.udp().recv(server, false).unwrap().from,
        sa("127.0.0.1:49152")
    );
}

#[test]
fn a_router_neither_takes_nor_forwards_127_slash_8_from_a_link() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    for (src, dst) in [("192.168.1.2", "127.0.0.1"), ("127.0.0.1", "192.168.2.2")] {
        node.on_frame(
            T0,
            0,
            ip_frame(HOST_MAC, GW_MAC0, src, dst, 64, &echo(1)),
            &mut out,
        );
    }
    assert!(sent(&mut out).is_empty());
    assert_eq!(drops(&out), [DropCause::Martian, DropCause::Martian]);
}

#[test]
fn the_trace_shows_lo_packets_as_frame_lines() {
    let (mut node, mut out) = pc1();
    bind(&mut node, "0.0.0.0:7852");
    let client = bind(&mut node, "0.0.0.0:0");
    send(&mut node, client, "127.0.0.1:7852", b"hello", &mut out);
    let ifaces = vec!["eth0".to_string()];
    let lines: Vec<String> = out
        .notes
        .iter()
        .map(|note| {
            let mut line = String::new();
            let record = Record {
                time: T0,
                node: "pc1",
                ifaces: &ifaces,
                what: crate::trace::What::Note(note),
            };
            render(&record, &mut line);
            line
        })
        .collect();
    assert_eq!(
        lines,
        [
            "1.000000 pc1 route 127.0.0.1: send on lo (local 127.0.0.0/8)",
            "1.000000 pc1.lo > IP 127.0.0.1 > 127.0.0.1 ttl 64 id 1 DF: UDP 49152 > 7852 len 5, length 33",
        ]
    );
}
