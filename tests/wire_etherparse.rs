//! Frames built by simnet's emitters, decoded by etherparse: both must read
//! the same fields (see `common/etherparse_check.rs`).

mod common {
    pub mod etherparse_check;
}

use std::net::Ipv4Addr;

use common::etherparse_check::assert_frame_agrees;
use simnet::wire::ethernet::build_frame;
use simnet::wire::icmp::invoking_len;
use simnet::wire::{
    describe_frame, ArpOperation, ArpRepr, DstUnreachable, EtherType, EthernetRepr, IcmpRepr,
    IpProtocol, Ipv4Packet, Ipv4Repr, MacAddr, SackBlocks, TcpFlags, TcpPacket, TcpRepr,
    TcpTimestamp, TimeExceeded,
};

const HOST_A: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
const ROUTER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
const HOST_B: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 9);

fn eth(ethertype: EtherType, dst: MacAddr) -> EthernetRepr {
    EthernetRepr {
        src: MacAddr::local(1),
        dst,
        ethertype,
    }
}

fn ip(protocol: IpProtocol, payload_len: usize) -> Ipv4Repr {
    Ipv4Repr {
        src: HOST_A,
        dst: HOST_B,
        protocol,
        ttl: 64,
        ident: 0x1c46,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        tos: 0,
        payload_len,
    }
}

/// An Ethernet frame carrying `repr`'s header and then `payload`.
fn ip_frame(repr: Ipv4Repr, payload: &[u8]) -> Vec<u8> {
    assert_eq!(repr.payload_len, payload.len());
    let mut buf = Vec::new();
    build_frame(
        &mut buf,
        &eth(EtherType::IPV4, MacAddr::local(3)),
        repr.total_len(),
        |p| {
            repr.emit(p);
            p[repr.header_len()..].copy_from_slice(payload);
        },
    );
    buf
}

fn icmp_bytes(icmp: &IcmpRepr<'_>) -> Vec<u8> {
    let mut bytes = vec![0; icmp.buffer_len()];
    icmp.emit(&mut bytes);
    bytes
}

fn icmp_frame(repr: Ipv4Repr, icmp: &IcmpRepr<'_>) -> Vec<u8> {
    let bytes = icmp_bytes(icmp);
    ip_frame(
        Ipv4Repr {
            payload_len: bytes.len(),
            ..repr
        },
        &bytes,
    )
}

/// `tcp` with `data` in a frame from `src` to `dst`.
fn tcp_frame(src: Ipv4Addr, dst: Ipv4Addr, tcp: &TcpRepr, data: &[u8]) -> Vec<u8> {
    assert_eq!(tcp.payload_len, data.len());
    let mut bytes = vec![0; tcp.buffer_len()];
    bytes[tcp.header_len()..].copy_from_slice(data);
    tcp.emit(&mut bytes, src, dst);
    ip_frame(
        Ipv4Repr {
            src,
            dst,
            ..ip(IpProtocol::TCP, bytes.len())
        },
        &bytes,
    )
}

/// Control bits from tcpdump's letters: `S.` is a SYN-ACK.
fn flags(letters: &str) -> TcpFlags {
    TcpFlags {
        fin: letters.contains('F'),
        syn: letters.contains('S'),
        rst: letters.contains('R'),
        psh: letters.contains('P'),
        ack: letters.contains('.'),
        urg: letters.contains('U'),
    }
}

/// The bracketed notes in a description other than TCP flags (`[S.]`):
/// what simnet could not decode (`[bad TCP checksum]`, `[malformed …]`).
fn notes(text: &str) -> Vec<&str> {
    text.split('[')
        .skip(1)
        .map(|rest| rest.split(']').next().unwrap_or(rest))
        .filter(|inside| *inside != "none" && !inside.chars().all(|c| "FSRP.UEW".contains(c)))
        .collect()
}

fn check(frame: &[u8]) {
    assert_frame_agrees(frame);
    let text = describe_frame(frame);
    assert!(notes(&text).is_empty(), "{text}");
}

#[test]
fn notes_are_found_and_flags_are_not() {
    assert!(notes(": TCP 1 > 2 [S.] seq 1 len 0, length 60").is_empty());
    assert!(notes(": TCP 1 > 2 [none] seq 1 len 0, length 60").is_empty());
    assert_eq!(
        notes(": TCP 1 > 2 [F.] seq 1 len 0 [bad TCP checksum], length 60"),
        ["bad TCP checksum"]
    );
    assert_eq!(
        notes(": TCP [TCP truncated: needs 20 bytes, got 3]").len(),
        1
    );
    assert_eq!(notes(" IP [malformed IPv4: version is not 4]").len(), 1);
}

#[test]
fn arp_request_and_reply() {
    for (operation, dst, target_mac) in [
        (ArpOperation::Request, MacAddr::BROADCAST, MacAddr::ZERO),
        (ArpOperation::Reply, MacAddr::local(1), MacAddr::local(1)),
    ] {
        let arp = ArpRepr {
            operation,
            sender_mac: MacAddr::local(2),
            sender_ip: ROUTER,
            target_mac,
            target_ip: HOST_A,
        };
        let mut frame = Vec::new();
        build_frame(
            &mut frame,
            &eth(EtherType::ARP, dst),
            arp.buffer_len(),
            |p| arp.emit(p),
        );
        assert_eq!(frame.len(), 60);
        check(&frame);
    }
}

#[test]
fn echo_request_and_reply_of_every_size() {
    for size in [0usize, 56, 1472] {
        let data: Vec<u8> = (0..size).map(|i| i as u8).collect();
        let request = IcmpRepr::EchoRequest {
            ident: 0x4a1f,
            seq_no: 7,
            data: &data,
        };
        let reply = IcmpRepr::EchoReply {
            ident: 0x4a1f,
            seq_no: 7,
            data: &data,
        };
        let frame = icmp_frame(ip(IpProtocol::ICMP, 0), &request);
        assert_eq!(frame.len(), (14 + 20 + 8 + size).max(60));
        check(&frame);
        let back = Ipv4Repr {
            src: HOST_B,
            dst: HOST_A,
            dont_frag: false,
            ..ip(IpProtocol::ICMP, 0)
        };
        check(&icmp_frame(back, &reply));
    }
    let full = icmp_frame(
        ip(IpProtocol::ICMP, 0),
        &IcmpRepr::EchoRequest {
            ident: 1,
            seq_no: 1,
            data: &[0xab; 1472],
        },
    );
    assert_eq!(full.len(), 1514);
}

/// A real datagram (a UDP probe to port 33434 with TTL 1), and what an ICMP
/// error from the router quotes of it.
fn offending_datagram() -> Vec<u8> {
    let udp = [
        0x9c, 0x40, 0x82, 0x9a, 0x00, 0x14, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ];
    let frame = ip_frame(
        Ipv4Repr {
            ttl: 1,
            ..ip(IpProtocol::UDP, udp.len())
        },
        &udp,
    );
    let datagram = frame[14..14 + 40].to_vec();
    assert!(Ipv4Packet::new_checked(&datagram[..])
        .unwrap()
        .verify_checksum());
    datagram
}

#[test]
fn errors_quoting_a_real_datagram() {
    let datagram = offending_datagram();
    let quoted = &datagram[..invoking_len(&datagram)];
    assert_eq!(quoted.len(), 28);
    let from_router = Ipv4Repr {
        src: ROUTER,
        dst: HOST_A,
        dont_frag: false,
        ..ip(IpProtocol::ICMP, 0)
    };
    let errors = [
        IcmpRepr::DstUnreachable {
            reason: DstUnreachable::HostUnreachable,
            next_hop_mtu: 0,
            invoking: quoted,
        },
        IcmpRepr::DstUnreachable {
            reason: DstUnreachable::PortUnreachable,
            next_hop_mtu: 0,
            invoking: quoted,
        },
        IcmpRepr::DstUnreachable {
            reason: DstUnreachable::FragRequired,
            next_hop_mtu: 1400,
            invoking: quoted,
        },
        IcmpRepr::DstUnreachable {
            reason: DstUnreachable::AdminProhibited,
            next_hop_mtu: 0,
            invoking: quoted,
        },
        IcmpRepr::TimeExceeded {
            reason: TimeExceeded::TtlExceeded,
            invoking: quoted,
        },
        IcmpRepr::TimeExceeded {
            reason: TimeExceeded::FragReassembly,
            invoking: &datagram,
        },
    ];
    for error in &errors {
        check(&icmp_frame(from_router, error));
    }
    let text = describe_frame(&icmp_frame(from_router, &errors[1]));
    assert!(text.ends_with(
        ": ICMP port unreachable for 192.168.1.2 > 192.168.2.9 UDP port 33434, length 70"
    ));
}

#[test]
fn fragments_with_more_fragments_set() {
    // A 3000-byte echo request split at 1480-byte boundaries (RFC 791 §3.2).
    let data = vec![0x61; 2992];
    let whole = icmp_bytes(&IcmpRepr::EchoRequest {
        ident: 9,
        seq_no: 3,
        data: &data,
    });
    let base = Ipv4Repr {
        dont_frag: false,
        ..ip(IpProtocol::ICMP, 0)
    };
    let mut frames = Vec::new();
    for (i, chunk) in whole.chunks(1480).enumerate() {
        let offset = i * 1480;
        let frag = Ipv4Repr {
            more_frags: offset + chunk.len() < whole.len(),
            frag_offset: offset as u16,
            payload_len: chunk.len(),
            ..base
        };
        frames.push(ip_frame(frag, chunk));
    }
    assert_eq!(frames.len(), 3);
    for frame in &frames {
        check(frame);
    }
    assert!(describe_frame(&frames[0]).contains(" frag 0:1480+: ICMP echo request"));
    assert!(describe_frame(&frames[1]).contains(" frag 1480:1480+: fragment"));
    assert!(describe_frame(&frames[2]).contains(" frag 2960:40: fragment"));
}

/// (Port 8000: a datagram to 53 would be read as DNS, and these bytes are not.)
#[test]
fn udp_tcp_and_other_protocols_at_ip_level() {
    let udp = [0x9c, 0x40, 0x1f, 0x40, 0x00, 0x0c, 0x00, 0x00, 1, 2, 3, 4];
    check(&ip_frame(ip(IpProtocol::UDP, udp.len()), &udp));
    let tcp = TcpRepr {
        src_port: 49152,
        dst_port: 80,
        flags: flags("."),
        ..TcpRepr::default()
    };
    let mut bytes = [0u8; 20];
    tcp.emit(&mut bytes, HOST_A, HOST_B);
    check(&ip_frame(
        Ipv4Repr {
            tos: 0xb8,
            ..ip(IpProtocol::TCP, 20)
        },
        &bytes,
    ));
    check(&ip_frame(ip(IpProtocol(47), 4), &[0, 0, 8, 0]));
}

/// A connection's segments, both ways: handshake with MSS, data of every
/// size up to a full 1460-byte segment, close, and resets.
#[test]
fn tcp_segments_of_a_connection() {
    let syn = TcpRepr {
        src_port: 49152,
        dst_port: 8998,
        seq: 1000,
        ack: 0,
        flags: flags("S"),
        window: 64240,
        mss: Some(1460),
        payload_len: 0,
        ..TcpRepr::default()
    };
    let syn_ack = TcpRepr {
        src_port: 8998,
        dst_port: 49152,
        seq: 0xffff_ff00,
        ack: 1001,
        flags: flags("S."),
        window: 65535,
        mss: Some(536),
        payload_len: 0,
        ..TcpRepr::default()
    };
    let ack = TcpRepr {
        seq: 1001,
        ack: 0xffff_ff01,
        flags: flags("."),
        mss: None,
        ..syn
    };
    let a_to_b = [
        syn,
        ack,
        TcpRepr {
            flags: flags("F."),
            ..ack
        },
        TcpRepr {
            flags: flags("R"),
            ack: 0,
            window: 0,
            ..ack
        },
        TcpRepr {
            flags: flags("FSRP.U"),
            mss: Some(65535),
            ..ack
        },
    ];
    for tcp in &a_to_b {
        check(&tcp_frame(HOST_A, HOST_B, tcp, &[]));
    }
    check(&tcp_frame(HOST_B, HOST_A, &syn_ack, &[]));
    for size in [1usize, 2, 5, 6, 7, 536, 1459, 1460] {
        let data: Vec<u8> = (0..size).map(|i| (i * 31 + 7) as u8).collect();
        let push = TcpRepr {
            flags: flags("P."),
            payload_len: size,
            ..ack
        };
        let frame = tcp_frame(HOST_A, HOST_B, &push, &data);
        assert_eq!(frame.len(), (14 + 20 + 20 + size).max(60));
        check(&frame);
        // The reply direction, with the wrapped sequence numbers.
        let back = TcpRepr {
            src_port: 8998,
            dst_port: 49152,
            seq: 0xffff_ff01,
            ack: 1001 + size as u32,
            ..push
        };
        check(&tcp_frame(HOST_B, HOST_A, &back, &data));
    }
    let text = describe_frame(&tcp_frame(HOST_A, HOST_B, &syn, &[]));
    assert!(
        text.ends_with(
            "IP 192.168.1.2 > 192.168.2.9 ttl 64 id 7238 DF: \
             TCP 49152 > 8998 [S] seq 1000 win 64240 <mss 1460> len 0, length 60"
        ),
        "{text}"
    );
    let text = describe_frame(&tcp_frame(HOST_B, HOST_A, &syn_ack, &[]));
    assert!(
        text.ends_with(
            ": TCP 8998 > 49152 [S.] seq 4294967040 ack 1001 win 65535 <mss 536> len 0, \
             length 60"
        ),
        "{text}"
    );
}

/// The options Linux negotiates, as simnet lays them out: a SYN with the
/// MSS, SACK permitted, timestamps and window scale; data segments with
/// timestamps and one to four SACK blocks. etherparse reads each as simnet
/// wrote it.
#[test]
fn tcp_options_as_linux_sends_them() {
    let syn = TcpRepr {
        src_port: 49152,
        dst_port: 8998,
        seq: 1000,
        flags: flags("S"),
        window: 65535,
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        timestamp: Some(TcpTimestamp { val: 4000, ecr: 0 }),
        ..TcpRepr::default()
    };
    let text = describe_frame(&tcp_frame(HOST_A, HOST_B, &syn, &[]));
    assert!(
        text.ends_with(
            ": TCP 49152 > 8998 [S] seq 1000 win 65535 \
             <mss 1460,sackOK,TS val 4000 ecr 0,nop,wscale 7> len 0, length 74"
        ),
        "{text}"
    );
    let no_ts = TcpRepr {
        timestamp: None,
        ..syn
    };
    check(&tcp_frame(HOST_A, HOST_B, &no_ts, &[]));
    let data: Vec<u8> = (0..1460u32).map(|i| (i * 5) as u8).collect();
    for blocks in 0..=4u32 {
        for ts in [None, Some(TcpTimestamp { val: 7, ecr: 4000 })] {
            // Options and data share the 1460 bytes an MSS allows.
            let sent_blocks = if ts.is_some() { blocks.min(3) } else { blocks };
            let options = if ts.is_some() { 12 } else { 0 }
                + if sent_blocks > 0 {
                    4 + 8 * sent_blocks
                } else {
                    0
                };
            let data = &data[..1460 - options as usize];
            let mut sack = SackBlocks::new();
            for i in 0..blocks {
                sack.push(5000 + 3000 * i, 6448 + 3000 * i);
            }
            let seg = TcpRepr {
                flags: flags("."),
                ack: 1001,
                window: 501,
                mss: None,
                window_scale: None,
                sack_permitted: false,
                timestamp: ts,
                sack,
                payload_len: data.len(),
                ..syn
            };
            check(&tcp_frame(HOST_A, HOST_B, &seg, data));
        }
    }
    let mut sack = SackBlocks::new();
    sack.push(3897, 5345);
    sack.push(1001, 2449);
    let seg = TcpRepr {
        flags: flags("."),
        ack: 1,
        window: 501,
        mss: None,
        window_scale: None,
        sack_permitted: false,
        timestamp: Some(TcpTimestamp { val: 9, ecr: 8 }),
        sack,
        ..syn
    };
    let text = describe_frame(&tcp_frame(HOST_A, HOST_B, &seg, &[]));
    assert!(
        text.ends_with(
            ": TCP 49152 > 8998 [.] seq 1000 ack 1 win 501 \
             <nop,nop,TS val 9 ecr 8,nop,nop,sack 2 {3897:5345}{1001:2449}> len 0, length 86"
        ),
        "{text}"
    );
}

/// A header with options laid out as etherparse does, and a payload, built
/// by etherparse: simnet reads every field as etherparse does.
#[test]
fn tcp_built_by_etherparse() {
    use etherparse::{TcpHeader, TcpOptionElement};
    let mut header = TcpHeader::new(443, 50000, 0x8000_0000, 65535);
    header.syn = true;
    header.ack = true;
    header.acknowledgment_number = 77;
    header
        .set_options(&[
            TcpOptionElement::MaximumSegmentSize(1400),
            TcpOptionElement::Noop,
            TcpOptionElement::WindowScale(7),
            TcpOptionElement::SelectiveAcknowledgementPermitted,
            TcpOptionElement::Noop,
            TcpOptionElement::Timestamp(1, 2),
        ])
        .unwrap();
    let data = b"early data";
    header.checksum = header
        .calc_checksum_ipv4_raw(HOST_B.octets(), HOST_A.octets(), data)
        .unwrap();
    let mut bytes = header.to_bytes().to_vec();
    bytes.extend_from_slice(data);
    let packet = TcpPacket::new_checked(&bytes[..]).unwrap();
    let repr = TcpRepr::parse(&packet, HOST_B, HOST_A).unwrap();
    assert_eq!(
        repr,
        TcpRepr {
            src_port: 443,
            dst_port: 50000,
            seq: 0x8000_0000,
            ack: 77,
            flags: flags("S."),
            window: 65535,
            mss: Some(1400),
            window_scale: Some(7),
            sack_permitted: true,
            timestamp: Some(TcpTimestamp { val: 1, ecr: 2 }),
            payload_len: data.len(),
            ..TcpRepr::default()
        }
    );
    let frame = ip_frame(
        Ipv4Repr {
            src: HOST_B,
            dst: HOST_A,
            ..ip(IpProtocol::TCP, bytes.len())
        },
        &bytes,
    );
    check(&frame);
    let text = describe_frame(&frame);
    assert!(
        text.ends_with(
            ": TCP 443 > 50000 [S.] seq 2147483648 ack 77 win 65535 \
             <mss 1400,nop,wscale 7,sackOK,nop,TS val 1 ecr 2,eol> len 10, length 88"
        ),
        "{text}"
    );
}

#[test]
fn header_with_options() {
    // IHL 6 with four NOP options: etherparse and simnet must agree on them.
    let mut frame = ip_frame(ip(IpProtocol::UDP, 12), &[0; 12]);
    frame.splice(34..34, [1u8, 1, 1, 1]);
    frame.truncate(14 + 36);
    frame.resize(60, 0);
    frame[14] = 0x46;
    frame[17] = 36;
    let mut packet = Ipv4Packet::new_unchecked(&mut frame[14..]);
    packet.fill_checksum();
    assert_frame_agrees(&frame);
}

#[test]
#[should_panic(expected = "checksum")]
fn catches_a_bad_ipv4_checksum() {
    let mut frame = ip_frame(ip(IpProtocol::UDP, 8), &[0; 8]);
    frame[14 + 8] -= 1; // TTL changed without fixing the checksum
    assert_frame_agrees(&frame);
}

#[test]
#[should_panic(expected = "ICMP")]
fn catches_a_bad_icmp_checksum() {
    let data = [1u8; 56];
    let echo = IcmpRepr::EchoRequest {
        ident: 1,
        seq_no: 1,
        data: &data,
    };
    let mut frame = icmp_frame(ip(IpProtocol::ICMP, 0), &echo);
    frame[60] ^= 0x80;
    assert_frame_agrees(&frame);
}

#[test]
#[should_panic(expected = "TCP")]
fn catches_a_bad_tcp_checksum() {
    let tcp = TcpRepr {
        src_port: 49152,
        dst_port: 8998,
        flags: flags("P."),
        payload_len: 4,
        ..TcpRepr::default()
    };
    let mut frame = tcp_frame(HOST_A, HOST_B, &tcp, b"data");
    frame[14 + 20 + 20] ^= 0x20; // data changed without fixing the checksum
    assert_frame_agrees(&frame);
}

#[test]
#[should_panic(expected = "padding")]
fn catches_dirty_padding() {
    let mut frame = ip_frame(ip(IpProtocol::UDP, 8), &[0; 8]);
    frame[59] = 0xaa;
    assert_frame_agrees(&frame);
}

#[test]
#[should_panic(expected = "outside")]
fn catches_a_runt_frame() {
    let frame = ip_frame(ip(IpProtocol::UDP, 8), &[0; 8]);
    assert_frame_agrees(&frame[..42]);
}

proptest::proptest! {
    /// Whatever the bytes, parsing returns a value or a `WireError`, never a panic.
    #[test]
    fn parsers_never_panic(mut bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..120), ihl in 0u8..16) {
        let _ = ArpRepr::parse(&bytes);
        let _ = IcmpRepr::parse(&bytes);
        if let Some(first) = bytes.first_mut() {
            *first = 0x40 | ihl; // make IPv4 parsing reach past the version check
        }
        if let Ok(packet) = Ipv4Packet::new_checked(&bytes[..]) {
            let _ = (packet.options(), packet.payload(), Ipv4Repr::parse(&packet));
        }
        if let Ok(packet) = TcpPacket::new_checked(&bytes[..]) {
            let _ = (packet.options_iter().count(), packet.payload());
            let _ = TcpRepr::parse(&packet, HOST_A, HOST_B);
        }
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00]);
        frame.extend_from_slice(&bytes);
        let expected_end = format!(", length {}", frame.len());
        proptest::prop_assert!(describe_frame(&frame).ends_with(&expected_end));
        frame[13] = 0x06;
        let _ = describe_frame(&frame);
    }
}
