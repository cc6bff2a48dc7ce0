//! The IP node driven with hand-built frames: what goes in is bytes, what
//! comes out is checked byte by byte (the sans-IO way of smoltcp's tests).

use std::net::Ipv4Addr;
use std::time::Duration;

use super::arp::ENTRY_LIFETIME;
use super::{IpIface, IpNode, PingConfig, Timer};
use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::ethernet::{build_frame, HEADER_LEN};
use crate::wire::{
    ArpOperation, ArpRepr, EtherType, EthernetFrame, EthernetRepr, IcmpRepr, IpProtocol,
    Ipv4Packet, Ipv4Repr, MacAddr, TimeExceeded,
};

const HOST_MAC: MacAddr = MacAddr::local(1);
const GW_MAC0: MacAddr = MacAddr::local(3);
const GW_MAC1: MacAddr = MacAddr::local(4);
const FAR_MAC: MacAddr = MacAddr::local(2);

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn iface(name: &str, mac: MacAddr, cidr: &str) -> IpIface {
    IpIface {
        name: name.into(),
        mac,
        cidr: cidr.parse().unwrap(),
        mtu: 1500,
    }
}

/// pc1: 192.168.1.2/24, gateway 192.168.1.1.
fn host() -> IpNode {
    let mut node = IpNode::new(false);
    node.add_iface(iface("eth0", HOST_MAC, "192.168.1.2/24"));
    node.add_route("0.0.0.0/0".parse().unwrap(), ip("192.168.1.1"))
        .unwrap();
    node
}

/// gw: 192.168.1.1/24 on eth0, 192.168.2.1/24 on eth1, no default route.
fn router() -> IpNode {
    let mut node = IpNode::new(true);
    node.add_iface(iface("eth0", GW_MAC0, "192.168.1.1/24"));
    node.add_iface(iface("eth1", GW_MAC1, "192.168.2.1/24"));
    node
}

fn arp_frame(
    op: ArpOperation,
    src_mac: MacAddr,
    src_ip: &str,
    dst_mac: MacAddr,
    target_ip: &str,
) -> Vec<u8> {
    let arp = ArpRepr {
        operation: op,
        sender_mac: src_mac,
        sender_ip: ip(src_ip),
        target_mac: if op == ArpOperation::Request {
            MacAddr::ZERO
        } else {
            dst_mac
        },
        target_ip: ip(target_ip),
    };
    let eth = EthernetRepr {
        src: src_mac,
        dst: dst_mac,
        ethertype: EtherType::ARP,
    };
    let mut frame = Vec::new();
    build_frame(&mut frame, &eth, 28, |b| arp.emit(b));
    frame
}

/// An Ethernet frame carrying an IPv4 packet with `icmp` in it.
pub(super) fn ip_frame(
    src_mac: MacAddr,
    dst_mac: MacAddr,
    src: &str,
    dst: &str,
    ttl: u8,
    icmp: &IcmpRepr<'_>,
) -> Vec<u8> {
    let repr = Ipv4Repr {
        src: ip(src),
        dst: ip(dst),
        protocol: IpProtocol::ICMP,
        ttl,
        ident: 77,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        tos: 0,
        payload_len: icmp.buffer_len(),
    };
    let eth = EthernetRepr {
        src: src_mac,
        dst: dst_mac,
        ethertype: EtherType::IPV4,
    };
    let mut frame = Vec::new();
    build_frame(&mut frame, &eth, repr.total_len(), |b| {
        repr.emit(&mut b[..20]);
        icmp.emit(&mut b[20..]);
    });
    frame
}

fn echo(seq_no: u16) -> IcmpRepr<'static> {
    IcmpRepr::EchoRequest {
        ident: 9,
        seq_no,
        data: b"hello, world",
    }
}

/// The frames sent, as (iface, bytes).
fn sent(out: &mut Outbox) -> Vec<(usize, Vec<u8>)> {
    out.frames.drain(..).collect()
}

fn parse_ip(frame: &[u8]) -> (Ipv4Repr, Vec<u8>) {
    let packet = Ipv4Packet::new_checked(&frame[HEADER_LEN..]).unwrap();
    (Ipv4Repr::parse(&packet).unwrap(), packet.payload().to_vec())
}

fn macs(frame: &[u8]) -> (MacAddr, MacAddr) {
    let eth = EthernetFrame::new_checked(frame).unwrap();
    (eth.src_addr(), eth.dst_addr())
}

fn drops(out: &Outbox) -> Vec<DropCause> {
    out.notes
        .iter()
        .filter_map(|n| match n {
            Note::Drop { cause, .. } => Some(*cause),
            _ => None,
        })
        .collect()
}

const T0: SimTime = SimTime::from_secs(1);

#[test]
fn answers_an_arp_request_for_its_address_and_learns_the_asker() {
    let mut node = host();
    let mut out = Outbox::new(true);
    let request = arp_frame(
        ArpOperation::Request,
        GW_MAC0,
        "192.168.1.1",
        MacAddr::BROADCAST,
        "192.168.1.2",
    );
    node.on_frame(T0, 0, request, &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    let (iface, reply) = &frames[0];
    assert_eq!(*iface, 0);
    assert_eq!(reply.len(), 60, "padded to the Ethernet minimum");
    assert_eq!(macs(reply), (HOST_MAC, GW_MAC0), "a reply is unicast");
    let arp = ArpRepr::parse(&reply[HEADER_LEN..]).unwrap();
    assert_eq!(arp.operation, ArpOperation::Reply);
    assert_eq!(
        (arp.sender_mac, arp.sender_ip),
        (HOST_MAC, ip("192.168.1.2"))
    );
    assert_eq!(
        (arp.target_mac, arp.target_ip),
        (GW_MAC0, ip("192.168.1.1"))
    );
    assert_eq!(
        node.neighbors().lookup(T0, 0, ip("192.168.1.1")),
        Some(GW_MAC0)
    );
    assert!(out.timers.contains(&(
        T0 + ENTRY_LIFETIME,
        Timer::ArpExpire {
            iface: 0,
            ip: ip("192.168.1.1")
        }
    )));
}

#[test]
fn ignores_an_arp_request_for_another_address() {
    let mut node = host();
    let mut out = Outbox::new(true);
    let request = arp_frame(
        ArpOperation::Request,
        FAR_MAC,
        "192.168.1.7",
        MacAddr::BROADCAST,
        "192.168.1.9",
    );
    node.on_frame(T0, 0, request, &mut out);
    assert!(sent(&mut out).is_empty());
    assert_eq!(
        node.neighbors().lookup(T0, 0, ip("192.168.1.7")),
        None,
        "RFC 826: not merged"
    );
}

#[test]
fn an_off_subnet_packet_waits_for_the_gateways_mac() {
    let mut node = host();
    let mut out = Outbox::new(true);
    node.add_ping(PingConfig {
        dst: ip("192.168.2.2"),
        count: 1,
        interval: Duration::from_secs(1),
        size: 56,
        ttl: 64,
        wait: Duration::from_secs(5),
    });
    node.on_timer(T0, Timer::PingSend(0), &mut out);
    let frames = sent(&mut out);
    assert_eq!(
        frames.len(),
        1,
        "only the ARP request leaves; the echo waits"
    );
    let arp = ArpRepr::parse(&frames[0].1[HEADER_LEN..]).unwrap();
    assert_eq!(
        arp.target_ip,
        ip("192.168.1.1"),
        "asks for the gateway, not 192.168.2.2"
    );
    assert_eq!(macs(&frames[0].1).1, MacAddr::BROADCAST);
    let reply = arp_frame(
        ArpOperation::Reply,
        GW_MAC0,
        "192.168.1.1",
        HOST_MAC,
        "192.168.1.2",
    );
    node.on_frame(T0, 0, reply, &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1, "the waiting echo request goes out");
    assert_eq!(macs(&frames[0].1), (HOST_MAC, GW_MAC0));
    let (repr, payload) = parse_ip(&frames[0].1);
    assert_eq!(
        (repr.src, repr.dst, repr.ttl),
        (ip("192.168.1.2"), ip("192.168.2.2"), 64)
    );
    assert!(repr.dont_frag);
    assert!(
        matches!(IcmpRepr::parse(&payload).unwrap(), IcmpRepr::EchoRequest { ident: 1, seq_no: 1, data } if data.len() == 56)
    );
}

#[test]
fn answers_an_echo_request_with_the_same_data() {
    let mut node = host();
    let mut out = Outbox::new(true);
    // Known neighbour, so the reply leaves at once.
    node.on_frame(
        T0,
        0,
        arp_frame(
            ArpOperation::Request,
            GW_MAC0,
            "192.168.1.1",
            MacAddr::BROADCAST,
            "192.168.1.2",
        ),
        &mut out,
    );
    sent(&mut out);
    node.on_frame(
        T0,
        0,
        ip_frame(GW_MAC0, HOST_MAC, "10.9.9.9", "192.168.1.2", 50, &echo(4)),
        &mut out,
    );
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    let (repr, payload) = parse_ip(&frames[0].1);
    assert_eq!(
        (repr.src, repr.dst, repr.ttl),
        (ip("192.168.1.2"), ip("10.9.9.9"), 64)
    );
    let reply = IcmpRepr::parse(&payload).unwrap();
    assert_eq!(
        reply,
        IcmpRepr::EchoReply {
            ident: 9,
            seq_no: 4,
            data: b"hello, world"
        }
    );
}

#[test]
fn ignores_echo_requests_to_broadcast_and_frames_for_other_macs() {
    let mut node = host();
    let mut out = Outbox::new(true);
    let to_bcast = ip_frame(
        GW_MAC0,
        MacAddr::BROADCAST,
        "192.168.1.1",
        "192.168.1.255",
        64,
        &echo(1),
    );
    node.on_frame(T0, 0, to_bcast, &mut out);
    let to_other = ip_frame(GW_MAC0, FAR_MAC, "192.168.1.1", "192.168.1.2", 64, &echo(2));
    node.on_frame(T0, 0, to_other, &mut out);
    assert!(sent(&mut out).is_empty());
    assert_eq!(drops(&out), [DropCause::NotOurMac]);
}

#[test]
fn a_host_does_not_forward_and_drops_bad_checksums() {
    let mut node = host();
    let mut out = Outbox::new(true);
    node.on_frame(
        T0,
        0,
        ip_frame(
            GW_MAC0,
            HOST_MAC,
            "192.168.1.1",
            "192.168.1.77",
            64,
            &echo(1),
        ),
        &mut out,
    );
    let mut bad = ip_frame(
        GW_MAC0,
        HOST_MAC,
        "192.168.1.1",
        "192.168.1.2",
        64,
        &echo(1),
    );
    bad[HEADER_LEN + 10] ^= 0xff; // the header checksum
    node.on_frame(T0, 0, bad, &mut out);
    assert!(sent(&mut out).is_empty(), "no answer to either");
    assert_eq!(
        drops(&out),
        [DropCause::NotOurAddress, DropCause::BadChecksum]
    );
}

/// A router that already knows pc1 (eth0) and pc2 (eth1).
fn warm_router() -> IpNode {
    let mut node = router();
    let mut out = Outbox::new(false);
    node.on_frame(
        T0,
        0,
        arp_frame(
            ArpOperation::Request,
            HOST_MAC,
            "192.168.1.2",
            MacAddr::BROADCAST,
            "192.168.1.1",
        ),
        &mut out,
    );
    node.on_frame(
        T0,
        1,
        arp_frame(
            ArpOperation::Request,
            FAR_MAC,
            "192.168.2.2",
            MacAddr::BROADCAST,
            "192.168.2.1",
        ),
        &mut out,
    );
    node
}

#[test]
fn a_router_forwards_with_ttl_decremented_and_new_macs() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    let request = ip_frame(
        HOST_MAC,
        GW_MAC0,
        "192.168.1.2",
        "192.168.2.2",
        64,
        &echo(1),
    );
    node.on_frame(T0, 0, request.clone(), &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    let (iface, fwd) = &frames[0];
    assert_eq!(*iface, 1);
    assert_eq!(macs(fwd), (GW_MAC1, FAR_MAC));
    let packet = Ipv4Packet::new_checked(&fwd[HEADER_LEN..]).unwrap();
    assert_eq!(packet.ttl(), 63);
    assert!(packet.verify_checksum(), "checksum updated with the TTL");
    // Everything but the TTL and checksum is untouched.
    let (before, after) = (&request[HEADER_LEN..], &fwd[HEADER_LEN..]);
    for i in (0..before.len()).filter(|i| ![8, 10, 11].contains(i)) {
        assert_eq!(before[i], after[i], "byte {i} of the IP packet changed");
    }
    assert!(out.notes.iter().any(|n| matches!(
        n,
        Note::Route {
            forwarded: true,
            iface: 1,
            ..
        }
    )));
}

#[test]
fn a_router_answers_ttl_expiry_with_time_exceeded() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    let request = ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "192.168.2.2", 1, &echo(3));
    node.on_frame(T0, 0, request.clone(), &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1, "only the ICMP error, nothing forwarded");
    let (iface, error) = &frames[0];
    assert_eq!(*iface, 0);
    assert_eq!(macs(error), (GW_MAC0, HOST_MAC));
    let (repr, payload) = parse_ip(error);
    assert_eq!((repr.src, repr.dst), (ip("192.168.1.1"), ip("192.168.1.2")));
    match IcmpRepr::parse(&payload).unwrap() {
        IcmpRepr::TimeExceeded { reason, invoking } => {
            assert_eq!(reason, TimeExceeded::TtlExceeded);
            // RFC 792: the original header and the first 8 bytes of its data.
            assert_eq!(invoking, &request[HEADER_LEN..HEADER_LEN + 28]);
        }
        other => panic!("expected time exceeded, got {other:?}"),
    }
    assert_eq!(drops(&out), [DropCause::TtlExpired]);
}

#[test]
fn a_router_without_a_route_answers_net_unreachable() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    node.on_frame(
        T0,
        0,
        ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "8.8.8.8", 64, &echo(1)),
        &mut out,
    );
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    let (_, payload) = parse_ip(&frames[0].1);
    assert!(matches!(
        IcmpRepr::parse(&payload).unwrap(),
        IcmpRepr::DstUnreachable {
            reason: crate::wire::DstUnreachable::NetUnreachable,
            ..
        }
    ));
    assert_eq!(drops(&out), [DropCause::NoRoute]);
}

#[test]
fn no_icmp_error_about_an_icmp_error() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    let quoted = [0x45u8; 28];
    let error = IcmpRepr::TimeExceeded {
        reason: TimeExceeded::TtlExceeded,
        invoking: &quoted,
    };
    node.on_frame(
        T0,
        0,
        ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "192.168.2.2", 1, &error),
        &mut out,
    );
    assert!(
        sent(&mut out).is_empty(),
        "RFC 1122 3.2.2: never answer an error with an error"
    );
    assert_eq!(drops(&out), [DropCause::TtlExpired]);
}

#[test]
fn a_router_reports_an_unresolvable_next_hop_as_host_unreachable() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    node.on_frame(
        T0,
        0,
        ip_frame(
            HOST_MAC,
            GW_MAC0,
            "192.168.1.2",
            "192.168.2.99",
            64,
            &echo(1),
        ),
        &mut out,
    );
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1, "an ARP request on eth1");
    assert_eq!(frames[0].0, 1);
    let retry = Timer::ArpRetry {
        iface: 1,
        ip: ip("192.168.2.99"),
    };
    for attempt in 1..=3u64 {
        let now = T0 + Duration::from_secs(attempt);
        assert!(out.timers.contains(&(now, retry)), "retry {attempt} armed");
        out.timers.clear();
        node.on_timer(now, retry, &mut out);
    }
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 3, "two more requests, then the ICMP error");
    let (iface, error) = &frames[2];
    assert_eq!(*iface, 0);
    let (repr, payload) = parse_ip(error);
    assert_eq!(repr.dst, ip("192.168.1.2"));
    assert!(matches!(
        IcmpRepr::parse(&payload).unwrap(),
        IcmpRepr::DstUnreachable {
            reason: crate::wire::DstUnreachable::HostUnreachable,
            ..
        }
    ));
    assert!(drops(&out).contains(&DropCause::ArpFailed));
}

#[test]
fn tracing_off_builds_no_notes() {
    let mut node = warm_router();
    let mut out = Outbox::new(false);
    node.on_frame(
        T0,
        0,
        ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "8.8.8.8", 1, &echo(1)),
        &mut out,
    );
    assert!(out.notes.is_empty());
    assert_eq!(sent(&mut out).len(), 1);
}

/// pc1 with its gateway's MAC already in the ARP cache.
fn host_knowing_gateway() -> (IpNode, Outbox) {
    let mut node = host();
    let mut out = Outbox::new(true);
    let request = arp_frame(
        ArpOperation::Request,
        GW_MAC0,
        "192.168.1.1",
        MacAddr::BROADCAST,
        "192.168.1.2",
    );
    node.on_frame(T0, 0, request, &mut out);
    sent(&mut out);
    (node, out)
}

/// pc2 (192.168.2.2) with its gateway's MAC already in the ARP cache.
fn far_host_knowing_gateway(out: &mut Outbox) -> IpNode {
    let mut pc2 = IpNode::new(false);
    pc2.add_iface(iface("eth0", FAR_MAC, "192.168.2.2/24"));
    pc2.add_route("0.0.0.0/0".parse().unwrap(), ip("192.168.2.1"))
        .unwrap();
    let request = arp_frame(
        ArpOperation::Request,
        GW_MAC1,
        "192.168.2.1",
        MacAddr::BROADCAST,
        "192.168.2.2",
    );
    pc2.on_frame(T0, 0, request, out);
    pc2
}

/// pc1 with its gateway's MAC known and a 4000-byte ping to pc2 queued.
fn host_with_big_ping() -> (IpNode, Outbox) {
    let (mut node, out) = host_knowing_gateway();
    node.add_ping(PingConfig {
        dst: ip("192.168.2.2"),
        count: 1,
        interval: Duration::from_secs(1),
        size: 4000,
        ttl: 64,
        wait: Duration::from_secs(5),
    });
    (node, out)
}

#[test]
fn a_datagram_over_the_mtu_leaves_in_fragments() {
    let (mut node, mut out) = host_with_big_ping();
    node.on_timer(T0, Timer::PingSend(0), &mut out);
    let frames = sent(&mut out);
    let parts: Vec<(Ipv4Repr, Vec<u8>)> = frames.iter().map(|(_, f)| parse_ip(f)).collect();
    let layout: Vec<(u16, usize, bool)> = parts
        .iter()
        .map(|(r, _)| (r.frag_offset, r.payload_len, r.more_frags))
        .collect();
    assert_eq!(
        layout,
        [(0, 1480, true), (1480, 1480, true), (2960, 1048, false)]
    );
    assert!(parts
        .iter()
        .all(|(r, _)| r.ident == parts[0].0.ident && !r.dont_frag));
    assert_eq!(
        frames[0].1.len(),
        1514,
        "full-size fragments fill the largest frame"
    );
    let whole: Vec<u8> = parts.iter().flat_map(|(_, p)| p.clone()).collect();
    assert!(
        matches!(IcmpRepr::parse(&whole).unwrap(), IcmpRepr::EchoRequest { seq_no: 1, data, .. } if data.len() == 4000)
    );
}

#[test]
fn fragments_are_reassembled_in_any_order_and_answered() {
    let (mut sender, mut out) = host_with_big_ping();
    sender.on_timer(T0, Timer::PingSend(0), &mut out);
    let mut frames = sent(&mut out);
    frames.reverse();
    // pc2 (192.168.2.2) receives them last-first, its gateway already known.
    let mut pc2 = far_host_knowing_gateway(&mut out);
    sent(&mut out);
    for (i, (_, mut frame)) in frames.into_iter().enumerate() {
        // As the gateway would send them on: to pc2's MAC.
        EthernetFrame::new_checked(&mut frame[..])
            .unwrap()
            .set_dst_addr(FAR_MAC);
        pc2.on_frame(T0, 0, frame, &mut out);
        let replies = sent(&mut out);
        if i < 2 {
            assert!(replies.is_empty(), "nothing before the last fragment");
            continue;
        }
        assert_eq!(replies.len(), 3, "the 4008-byte reply is fragmented too");
        let whole: Vec<u8> = replies.iter().flat_map(|(_, f)| parse_ip(f).1).collect();
        assert!(
            matches!(IcmpRepr::parse(&whole).unwrap(), IcmpRepr::EchoReply { seq_no: 1, data, .. } if data.len() == 4000)
        );
    }
    assert!(out
        .notes
        .iter()
        .any(|n| matches!(n, Note::Reassembled { len: 4008, .. })));
    assert!(
        out.timers
            .iter()
            .any(|(_, t)| matches!(t, Timer::Reassembly(_))),
        "a reassembly timer was armed"
    );
}

#[test]
fn incomplete_datagrams_time_out_with_an_icmp_error() {
    let (mut sender, mut out) = host_with_big_ping();
    sender.on_timer(T0, Timer::PingSend(0), &mut out);
    let mut first = sent(&mut out).remove(0).1;
    EthernetFrame::new_checked(&mut first[..])
        .unwrap()
        .set_dst_addr(FAR_MAC);
    let mut pc2 = far_host_knowing_gateway(&mut out);
    pc2.on_frame(T0, 0, first, &mut out);
    sent(&mut out);
    let (deadline, timer) = *out
        .timers
        .iter()
        .find(|(_, t)| matches!(t, Timer::Reassembly(_)))
        .unwrap();
    assert_eq!(deadline, T0 + super::frag::REASSEMBLY_TIMEOUT);
    pc2.on_timer(deadline, timer, &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    let (repr, payload) = parse_ip(&frames[0].1);
    assert_eq!(repr.dst, ip("192.168.1.2"));
    assert!(matches!(
        IcmpRepr::parse(&payload).unwrap(),
        IcmpRepr::TimeExceeded {
            reason: TimeExceeded::FragReassembly,
            ..
        }
    ));
    assert!(drops(&out).contains(&DropCause::ReassemblyTimeout));
}

#[test]
fn a_router_fragments_onto_a_smaller_mtu_unless_df_is_set() {
    let mut node = IpNode::new(true);
    node.add_iface(iface("eth0", GW_MAC0, "192.168.1.1/24"));
    node.add_iface(IpIface {
        mtu: 576,
        ..iface("eth1", GW_MAC1, "192.168.2.1/24")
    });
    let mut out = Outbox::new(true);
    node.on_frame(
        T0,
        1,
        arp_frame(
            ArpOperation::Request,
            FAR_MAC,
            "192.168.2.2",
            MacAddr::BROADCAST,
            "192.168.2.1",
        ),
        &mut out,
    );
    node.on_frame(
        T0,
        0,
        arp_frame(
            ArpOperation::Request,
            HOST_MAC,
            "192.168.1.2",
            MacAddr::BROADCAST,
            "192.168.1.1",
        ),
        &mut out,
    );
    sent(&mut out);
    let data = [7u8; 1000];
    let big = IcmpRepr::EchoRequest {
        ident: 1,
        seq_no: 1,
        data: &data,
    };
    node.on_frame(
        T0,
        0,
        ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "192.168.2.2", 64, &big),
        &mut out,
    );
    let frames = sent(&mut out);
    let layout: Vec<(usize, u16, usize, bool, u8)> = frames
        .iter()
        .map(|(i, f)| {
            let (r, _) = parse_ip(f);
            (*i, r.frag_offset, r.payload_len, r.more_frags, r.ttl)
        })
        .collect();
    assert_eq!(layout, [(1, 0, 552, true, 63), (1, 552, 456, false, 63)]);
    // The same packet with DF set: "fragmentation needed", with the MTU.
    let mut df = ip_frame(HOST_MAC, GW_MAC0, "192.168.1.2", "192.168.2.2", 64, &big);
    df[HEADER_LEN + 6] |= 0x40; // the DF flag (RFC 791 section 3.1)
    Ipv4Packet::new_checked(&mut df[HEADER_LEN..])
        .unwrap()
        .fill_checksum();
    node.on_frame(T0, 0, df, &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1, "only the ICMP error");
    assert_eq!(frames[0].0, 0, "back towards the sender");
    let (_, payload) = parse_ip(&frames[0].1);
    assert!(matches!(
        IcmpRepr::parse(&payload).unwrap(),
        IcmpRepr::DstUnreachable {
            reason: crate::wire::DstUnreachable::FragRequired,
            next_hop_mtu: 576,
            ..
        }
    ));
    assert!(drops(&out).contains(&DropCause::TooBig));
}

/// Local delivery over `lo`, with this file's setups.
#[path = "loopback_tests.rs"]
mod loopback;

/// Frames the hostile-bytes test found mishandled.
#[path = "hostile_input_tests.rs"]
mod hostile_input;

/// A payload built into a frame first ([`super::ip_output::framed`], as TCP
/// builds its segments) leaves as the same bytes as one handed over to be
/// copied ([`IpNode::send_ip_data`]): out of an Ethernet interface, to the
/// node itself over `lo`, and in fragments when it is over the MTU.
#[test]
fn a_framed_payload_leaves_as_the_same_bytes_as_a_copied_one() {
    use super::ip_output::{framed, Datagram};
    use crate::wire::IpProtocol;

    for (dst, data_len) in [
        ("192.168.1.1", 100),  // the gateway, its MAC known: Ethernet
        ("192.168.1.1", 1),    // a frame padded to 60 bytes
        ("192.168.1.2", 1000), // the node itself: lo
        ("192.168.1.1", 3000), // over the MTU: fragments
    ] {
        let data: Vec<u8> = (0..data_len).map(|i| (i * 7 % 251) as u8).collect();
        let head = |buf: &mut [u8]| {
            for (i, b) in buf[..8].iter_mut().enumerate() {
                *b = 0xa0 + i as u8;
            }
        };
        let dgram = || Datagram {
            src: Some(ip("192.168.1.2")),
            dst: ip(dst),
            protocol: IpProtocol::TCP,
            ttl: 64,
            df_when_fits: true,
            payload_len: 8 + data.len(),
        };
        let (mut copied, mut out_copied) = host_knowing_gateway();
        let (mut built, mut out_built) = host_knowing_gateway();
        copied
            .send_ip_data(T0, dgram(), 8, &data, head, &mut out_copied)
            .unwrap();
        let frame = framed(&mut out_built, 8, &data, head);
        built
            .send_ip_framed(T0, dgram(), frame, &mut out_built)
            .unwrap();
        let what = |out: &mut Outbox| (sent(out), format!("{:?}", out.notes), out.timers.clone());
        let (copied_out, built_out) = (what(&mut out_copied), what(&mut out_built));
        assert_eq!(copied_out, built_out, "to {dst}, {data_len} bytes");
        let frames = copied_out.0.len();
        assert_eq!(
            frames,
            if data_len == 3000 {
                3
            } else if dst.ends_with(".2") {
                0
            } else {
                1
            }
        );
    }
}
