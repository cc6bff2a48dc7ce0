//! Frames found by `tests/hostile_bytes.rs` that the IP node mishandled,
//! kept byte for byte, with the setups of `ip_node_tests.rs`.

use super::*;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// A runt: an echo request 0.0.0.0 > 192.168.2.2 in a 58-byte frame (no
/// sender of simnet's pads less than 60, but the node's input takes any).
const RUNT: &str = "020000000003020000000002080045ff001cffff0000ff01f83700000000c0a80202\
                    0800f7e69aba650000000000000000000000000000000000";

#[test]
fn a_router_pads_a_runt_it_forwards() {
    let mut node = warm_router();
    let mut out = Outbox::new(true);
    let runt = hex(RUNT);
    assert_eq!(runt.len(), 58);
    node.on_frame(T0, 0, runt.clone(), &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1, "{:?}", out.notes);
    let (iface, fwd) = &frames[0];
    assert_eq!(*iface, 1);
    assert_eq!(fwd.len(), 60, "padded to the minimum frame");
    assert_eq!(fwd[58..], [0, 0]);
    let (repr, _) = parse_ip(fwd);
    assert_eq!(repr.ttl, 254);
}

#[test]
fn a_router_forwards_no_junk_after_total_length() {
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
    let mut long = request.clone();
    long.extend([0xee; 2000]);
    node.on_frame(T0, 0, long, &mut out);
    let frames = sent(&mut out);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].1.len(), request.len(), "no 2014-byte frame");
}

/// A LAND attack: a SYN from 192.168.1.2:80 to 192.168.1.2:80, the host's
/// own address, broadcast on its link. Taken, it opened a connection to
/// itself whose ACKs answered each other over `lo` for ever.
const LAND: &str = "ffffffffffff020000000002080045ff00900001000001063514c0a80102c0a80102\
                    0050005021e1a8277ae6882a600200003d9b0000020405b4ca8fdfe9914c30e9d3e6\
                    a9174cf075dbf7b2b9366c19b8298e8b6ab30489ff3301d15db90c79e40275ffae23\
                    cfd4f9ee0ce3f37afe0b1f67b8b897f7ef3a43fd040ea20cf6ebbb82c82f7f346c35\
                    2c683949c512730afecf486639b8373448f1cbeb33de4c91884d74b018d1a5839459\
                    aba5dabb11ceead9c551000000000000000000000000000000000000000000000000\
                    000000000000000000000000000000000000";

#[test]
fn a_packet_from_our_own_address_is_martian() {
    let mut node = host();
    node.tcp_listen("0.0.0.0:80".parse().unwrap()).unwrap();
    let mut out = Outbox::new(true);
    let land = hex(LAND);
    assert_eq!(land.len(), 222);
    node.on_frame(T0, 0, land, &mut out);
    assert_eq!(drops(&out), [DropCause::Martian]);
    assert!(out.frames.is_empty() && out.timers.is_empty(), "{out:?}");
    // Multicast and limited-broadcast sources too (RFC 1122 3.2.1.3).
    for src in ["224.0.0.1", "255.255.255.255"] {
        let mut out = Outbox::new(true);
        let frame = ip_frame(FAR_MAC, HOST_MAC, src, "192.168.1.2", 64, &echo(1));
        node.on_frame(T0, 0, frame, &mut out);
        assert_eq!(drops(&out), [DropCause::Martian], "from {src}");
        assert!(out.frames.is_empty(), "no echo reply to {src}");
    }
}

/// A fragment at offset 65528 with 1000 bytes, to be forwarded onto a
/// 576-byte link: its pieces' offsets overflowed the 16-bit sum (a panic
/// with overflow checks, a wrong offset without).
#[test]
fn a_fragment_past_65535_bytes_is_dropped_not_refragmented() {
    let mut node = IpNode::new(true);
    node.add_iface(iface("eth0", GW_MAC0, "192.168.1.1/24"));
    node.add_iface(IpIface {
        mtu: 576,
        ..iface("eth1", GW_MAC1, "192.168.2.1/24")
    });
    let mut out = Outbox::new(true);
    node.add_static_neighbor(1, ip("192.168.2.2"), FAR_MAC, &mut out)
        .unwrap();
    let repr = Ipv4Repr {
        src: ip("192.168.1.2"),
        dst: ip("192.168.2.2"),
        protocol: IpProtocol::UDP,
        ttl: 64,
        ident: 7,
        dont_frag: false,
        more_frags: true,
        frag_offset: 65528,
        tos: 0,
        payload_len: 1000,
    };
    let eth = EthernetRepr {
        src: HOST_MAC,
        dst: GW_MAC0,
        ethertype: EtherType::IPV4,
    };
    let mut frame = Vec::new();
    build_frame(&mut frame, &eth, repr.total_len(), |b| repr.emit(b));
    node.on_frame(T0, 0, frame, &mut out);
    assert!(out.frames.is_empty(), "no fragments sent");
    assert_eq!(drops(&out), [DropCause::Malformed]);
}
