//! An independent second opinion on every frame simnet emits: etherparse
//! decodes the same bytes and must read the same value in every field our own
//! parsers read.
//!
//! Use from an integration test with `mod common { pub mod etherparse_check; }`.
#![allow(dead_code)]

use etherparse::checksum::Sum16BitWords;
use etherparse::icmpv4::DestUnreachableHeader;
use etherparse::{
    ArpPacketSlice, Ethernet2Slice, Icmpv4Slice, Icmpv4Type, Ipv4HeaderSlice, Ipv4Slice,
    TcpOptionElement, TcpSlice,
};
use simnet::wire::ethernet::{HEADER_LEN, MAX_FRAME_LEN, MIN_FRAME_LEN};
use simnet::wire::{
    ArpRepr, EtherType, EthernetFrame, EthernetRepr, IcmpPacket, IcmpRepr, IpProtocol, Ipv4Packet,
    Ipv4Repr, TcpPacket, TcpRepr,
};

/// Panics unless `frame` is a well-formed frame as a simulator sends it
/// (60..=1514 bytes, zero padding only up to 60) and etherparse reads every
/// Ethernet, ARP, IPv4, ICMP and TCP field exactly as simnet's own parsers
/// do, with valid IPv4, ICMP and TCP checksums. UDP gets IP-level checks
/// only.
pub fn assert_frame_agrees(frame: &[u8]) {
    assert!(
        (MIN_FRAME_LEN..=MAX_FRAME_LEN).contains(&frame.len()),
        "frame of {} bytes is outside {MIN_FRAME_LEN}..={MAX_FRAME_LEN}",
        frame.len()
    );
    let ours = EthernetRepr::parse(&EthernetFrame::new_unchecked(frame)).expect("simnet: Ethernet");
    let theirs = Ethernet2Slice::from_slice_without_fcs(frame).expect("etherparse: Ethernet");
    assert_eq!(theirs.destination(), ours.dst.0, "Ethernet destination");
    assert_eq!(theirs.source(), ours.src.0, "Ethernet source");
    assert_eq!(theirs.ether_type().0, ours.ethertype.0, "EtherType");

    let payload = theirs.payload_slice();
    let used = match ours.ethertype {
        EtherType::ARP => check_arp(payload),
        EtherType::IPV4 => check_ipv4(payload),
        _ => payload.len(),
    };
    let end = HEADER_LEN + used;
    assert!(
        frame[end..].iter().all(|&b| b == 0),
        "padding after byte {end} is not zero"
    );
    if frame.len() > MIN_FRAME_LEN {
        assert_eq!(
            end,
            frame.len(),
            "padding on a frame above the minimum size"
        );
    }
}

/// Checks an ARP packet field by field; returns its length.
fn check_arp(bytes: &[u8]) -> usize {
    let ours = ArpRepr::parse(bytes).expect("simnet: ARP");
    let theirs = ArpPacketSlice::from_slice(bytes).expect("etherparse: ARP");
    assert_eq!(theirs.hw_addr_type().0, 1, "ARP hardware type");
    assert_eq!(
        theirs.proto_addr_type(),
        etherparse::EtherType::IPV4,
        "ARP protocol type"
    );
    assert_eq!(
        (theirs.hw_addr_size(), theirs.proto_addr_size()),
        (6, 4),
        "ARP address sizes"
    );
    assert_eq!(
        theirs.operation().0,
        u16::from(ours.operation),
        "ARP operation"
    );
    assert_eq!(
        theirs.sender_hw_addr(),
        ours.sender_mac.as_bytes(),
        "ARP sender MAC"
    );
    assert_eq!(
        theirs.sender_protocol_addr(),
        ours.sender_ip.octets(),
        "ARP sender IP"
    );
    assert_eq!(
        theirs.target_hw_addr(),
        ours.target_mac.as_bytes(),
        "ARP target MAC"
    );
    assert_eq!(
        theirs.target_protocol_addr(),
        ours.target_ip.octets(),
        "ARP target IP"
    );
    theirs.slice().len()
}

/// Checks an IPv4 header field by field, and the ICMP message it carries
/// when it is a whole datagram; returns the Total Length.
fn check_ipv4(bytes: &[u8]) -> usize {
    let packet = Ipv4Packet::new_checked(bytes).expect("simnet: IPv4");
    let ours = Ipv4Repr::parse(&packet).expect("simnet: IPv4 (checksum)");
    let theirs = Ipv4Slice::from_slice(bytes).expect("etherparse: IPv4");
    let h = theirs.header();
    check_ipv4_header(&h, &packet);
    assert_eq!(h.ttl(), ours.ttl, "IPv4 TTL");
    assert_eq!(h.protocol().0, ours.protocol.0, "IPv4 protocol");
    assert_eq!(
        (h.dcp().value() << 2) | h.ecn().value(),
        ours.tos,
        "IPv4 TOS"
    );
    assert_eq!(h.identification(), ours.ident, "IPv4 identification");
    assert_eq!(h.dont_fragment(), ours.dont_frag, "IPv4 DF");
    assert_eq!(h.more_fragments(), ours.more_frags, "IPv4 MF");
    assert_eq!(
        h.fragments_offset().value() * 8,
        ours.frag_offset,
        "IPv4 fragment offset"
    );
    assert_eq!(
        h.payload_len().ok(),
        u16::try_from(ours.payload_len).ok(),
        "IPv4 payload length"
    );
    assert_eq!(theirs.payload().payload, packet.payload(), "IPv4 payload");
    let fragmented = ours.more_frags || ours.frag_offset > 0;
    assert_eq!(
        theirs.is_payload_fragmented(),
        fragmented,
        "IPv4 fragmented"
    );
    if !fragmented && ours.protocol == IpProtocol::ICMP {
        check_icmp(packet.payload());
    }
    if !fragmented && ours.protocol == IpProtocol::TCP {
        check_tcp(packet.payload(), &ours);
    }
    usize::from(packet.total_len())
}

/// The header fields both sides read from any IPv4 header, quoted ones too;
/// the checksum must be valid by etherparse's own computation.
fn check_ipv4_header<T: AsRef<[u8]>>(h: &Ipv4HeaderSlice<'_>, ours: &Ipv4Packet<T>) {
    assert_eq!(h.version(), ours.version(), "IPv4 version");
    assert_eq!(
        usize::from(h.ihl()) * 4,
        ours.header_len(),
        "IPv4 header length"
    );
    assert_eq!(h.total_len(), ours.total_len(), "IPv4 total length");
    assert_eq!(h.source_addr(), ours.src_addr(), "IPv4 source");
    assert_eq!(h.destination_addr(), ours.dst_addr(), "IPv4 destination");
    assert_eq!(h.protocol().0, ours.protocol().0, "IPv4 protocol");
    assert_eq!(h.options(), ours.options(), "IPv4 options");
    assert_eq!(
        h.header_checksum(),
        ours.header_checksum(),
        "IPv4 checksum field"
    );
    assert_eq!(
        h.to_header().calc_header_checksum(),
        h.header_checksum(),
        "IPv4 checksum is not what etherparse computes"
    );
}

/// Checks an ICMP message field by field, and the datagram an error quotes.
fn check_icmp(bytes: &[u8]) {
    let ours = IcmpRepr::parse(bytes).expect("simnet: ICMP (checksum)");
    let theirs = Icmpv4Slice::from_slice(bytes).expect("etherparse: ICMP");
    let packet = IcmpPacket::new_checked(bytes).expect("simnet: ICMP");
    assert_eq!(theirs.type_u8(), packet.msg_type(), "ICMP type");
    assert_eq!(theirs.code_u8(), packet.msg_code(), "ICMP code");
    assert_eq!(theirs.checksum(), packet.checksum(), "ICMP checksum field");
    assert_eq!(
        Sum16BitWords::new()
            .add_slice(theirs.slice())
            .ones_complement(),
        0,
        "ICMP checksum is not valid by etherparse's sum"
    );
    match (ours, theirs.icmp_type()) {
        (
            IcmpRepr::EchoRequest {
                ident,
                seq_no,
                data,
            },
            Icmpv4Type::EchoRequest(echo),
        )
        | (
            IcmpRepr::EchoReply {
                ident,
                seq_no,
                data,
            },
            Icmpv4Type::EchoReply(echo),
        ) => {
            assert_eq!((echo.id, echo.seq), (ident, seq_no), "ICMP echo id/seq");
            assert_eq!(theirs.payload(), data, "ICMP echo data");
            let header = theirs.header();
            assert_eq!(
                header.icmp_type.calc_checksum(data),
                theirs.checksum(),
                "ICMP echo checksum"
            );
        }
        (
            IcmpRepr::DstUnreachable {
                reason,
                next_hop_mtu,
                invoking,
            },
            their_type,
        ) => {
            match their_type {
                Icmpv4Type::DestinationUnreachable(
                    DestUnreachableHeader::FragmentationNeeded { next_hop_mtu: mtu },
                ) => assert_eq!(mtu, next_hop_mtu, "ICMP next-hop MTU"),
                Icmpv4Type::DestinationUnreachable(h) => {
                    assert_eq!(h.code_u8(), reason.code(), "ICMP unreachable code")
                }
                Icmpv4Type::Unknown {
                    type_u8: 3,
                    code_u8,
                    ..
                } => {
                    assert_eq!(code_u8, reason.code(), "ICMP unreachable code")
                }
                other => panic!("etherparse reads {other:?} where simnet reads {ours:?}"),
            }
            assert_eq!(theirs.payload(), invoking, "ICMP quoted datagram");
            check_quoted(invoking);
        }
        (IcmpRepr::TimeExceeded { reason, invoking }, their_type) => {
            match their_type {
                Icmpv4Type::TimeExceeded(code) => {
                    assert_eq!(code.code_u8(), reason.code(), "ICMP time exceeded code")
                }
                Icmpv4Type::Unknown {
                    type_u8: 11,
                    code_u8,
                    ..
                } => {
                    assert_eq!(code_u8, reason.code(), "ICMP time exceeded code")
                }
                other => panic!("etherparse reads {other:?} where simnet reads {ours:?}"),
            }
            assert_eq!(theirs.payload(), invoking, "ICMP quoted datagram");
            check_quoted(invoking);
        }
        (IcmpRepr::Other { rest, .. }, _) => {
            assert_eq!(theirs.slice().get(4..), Some(rest), "ICMP rest of message");
        }
        (ours, theirs) => panic!("etherparse reads {theirs:?} where simnet reads {ours:?}"),
    }
}

/// Checks a TCP segment field by field, options and data included, and its
/// checksum by etherparse's own computation over the IPv4 pseudo-header.
fn check_tcp(bytes: &[u8], ip: &Ipv4Repr) {
    let packet = TcpPacket::new_checked(bytes).expect("simnet: TCP");
    let ours = TcpRepr::parse(&packet, ip.src, ip.dst).expect("simnet: TCP (checksum, options)");
    let theirs = TcpSlice::from_slice(bytes).expect("etherparse: TCP");
    assert_eq!(theirs.source_port(), ours.src_port, "TCP source port");
    assert_eq!(
        theirs.destination_port(),
        ours.dst_port,
        "TCP destination port"
    );
    assert_eq!(theirs.sequence_number(), ours.seq, "TCP sequence number");
    assert_eq!(
        theirs.acknowledgment_number(),
        ours.ack,
        "TCP acknowledgment number"
    );
    assert_eq!(
        theirs.header_len(),
        packet.header_len(),
        "TCP header length"
    );
    let flags = [
        ("FIN", theirs.fin(), ours.flags.fin),
        ("SYN", theirs.syn(), ours.flags.syn),
        ("RST", theirs.rst(), ours.flags.rst),
        ("PSH", theirs.psh(), ours.flags.psh),
        ("ACK", theirs.ack(), ours.flags.ack),
        ("URG", theirs.urg(), ours.flags.urg),
    ];
    for (name, theirs, ours) in flags {
        assert_eq!(theirs, ours, "TCP {name} flag");
    }
    assert_eq!(theirs.window_size(), ours.window, "TCP window");
    assert_eq!(
        theirs.urgent_pointer(),
        packet.urgent_pointer(),
        "TCP urgent pointer"
    );
    assert_eq!(theirs.options(), packet.options(), "TCP options bytes");
    let (mut mss, mut wscale, mut sack_ok, mut ts, mut sack) = (None, None, false, None, vec![]);
    for option in theirs.options_iterator() {
        match option.expect("etherparse: TCP option") {
            TcpOptionElement::MaximumSegmentSize(v) => mss = Some(v),
            TcpOptionElement::WindowScale(v) => wscale = Some(v),
            TcpOptionElement::SelectiveAcknowledgementPermitted => sack_ok = true,
            TcpOptionElement::Timestamp(val, ecr) => ts = Some((val, ecr)),
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                sack = std::iter::once(first)
                    .chain(rest.into_iter().flatten())
                    .collect();
            }
            TcpOptionElement::Noop => {}
        }
    }
    assert_eq!(mss, ours.mss, "TCP MSS option");
    assert_eq!(wscale, ours.window_scale, "TCP window scale option");
    assert_eq!(sack_ok, ours.sack_permitted, "TCP SACK-permitted option");
    assert_eq!(
        ts,
        ours.timestamp.map(|t| (t.val, t.ecr)),
        "TCP timestamps option"
    );
    assert_eq!(&sack[..], ours.sack.as_slice(), "TCP SACK blocks");
    assert_eq!(theirs.payload(), packet.payload(), "TCP data");
    assert_eq!(theirs.payload().len(), ours.payload_len, "TCP data length");
    assert_eq!(theirs.checksum(), packet.checksum(), "TCP checksum field");
    assert_eq!(
        theirs
            .calc_checksum_ipv4(ip.src.octets(), ip.dst.octets())
            .expect("etherparse: TCP length"),
        theirs.checksum(),
        "TCP checksum is not what etherparse computes"
    );
}

/// The datagram quoted by an ICMP error: its IP header and at least 8
/// payload bytes (RFC 792), with a header both sides read alike.
fn check_quoted(invoking: &[u8]) {
    let theirs = Ipv4HeaderSlice::from_slice(invoking).expect("etherparse: quoted IPv4 header");
    let ours = Ipv4Packet::new_unchecked(invoking);
    assert_eq!(ours.version(), 4, "quoted IPv4 version");
    check_ipv4_header(&theirs, &ours);
    let quoted_payload = invoking.len() - ours.header_len();
    let original_payload = usize::from(ours.total_len()) - ours.header_len();
    assert!(
        quoted_payload >= original_payload.min(8),
        "ICMP error quotes {quoted_payload} payload bytes of {original_payload}, RFC 792 wants 8"
    );
}
