//! Valid frames for the hostile-bytes test, built with simnet's own
//! emitters (Ethernet and ARP; IPv4, with options or as a fragment, carrying
//! ICMP echoes and errors, UDP up to 65507 bytes, TCP with MSS and other
//! options), each with the fields and offsets a mutation should aim at.

#![allow(dead_code)]

use std::net::Ipv4Addr;

use simnet::wire::ethernet::build_frame;
use simnet::wire::icmp::invoking_len;
use simnet::wire::{
    ArpOperation, ArpRepr, DstUnreachable, EtherType, EthernetRepr, IcmpRepr, IpProtocol,
    Ipv4Packet, Ipv4Repr, MacAddr, TcpFlags, TcpPacket, TcpRepr, TimeExceeded, UdpRepr,
};

use super::hostile::{Dice, HOST_MAC, ROUTER_MAC0, ROUTER_MAC1};

/// A field of a frame that a targeted mutation may set to a boundary value.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    /// One byte at this offset (e.g. ARP hlen, a TCP option's length).
    Byte(usize),
    /// A big-endian 16-bit word at this offset (a length, ports, flags).
    Word(usize),
    /// The low nibble of a byte, in 32-bit words (IPv4 IHL).
    LowNibble(usize),
    /// The high nibble of a byte, in 32-bit words (TCP Data Offset).
    HighNibble(usize),
}

/// A valid frame and what a mutation should aim at.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The whole Ethernet frame.
    pub frame: Vec<u8>,
    /// Length and count fields, header bytes worth setting to extremes.
    pub fields: Vec<Field>,
    /// Offsets worth truncating at: layer and option boundaries.
    pub cuts: Vec<usize>,
}

/// Offset of the IPv4 header (or ARP packet) in a frame.
pub const L3: usize = 14;

fn eth(ethertype: EtherType, dst: MacAddr) -> EthernetRepr {
    EthernetRepr {
        src: MacAddr::local(2),
        dst,
        ethertype,
    }
}

/// The destination MAC of a generated frame: mostly a node under test.
fn dst_mac(d: &mut Dice) -> MacAddr {
    match d.below(8) {
        0..=2 => HOST_MAC,
        3 | 4 => ROUTER_MAC0,
        5 => ROUTER_MAC1,
        6 => MacAddr::BROADCAST,
        _ => MacAddr(core::array::from_fn(|_| d.byte())),
    }
}

/// Ethernet and ARP: a request or a reply (or an unknown operation).
pub fn arp_sample(d: &mut Dice) -> Sample {
    let operation = match d.below(5) {
        0 | 1 => ArpOperation::Request,
        2 | 3 => ArpOperation::Reply,
        _ => ArpOperation::Unknown(d.word()),
    };
    let arp = ArpRepr {
        operation,
        sender_mac: MacAddr::local(d.below(4) as u32),
        sender_ip: d.addr(),
        target_mac: if d.chance(1, 2) {
            MacAddr::ZERO
        } else {
            HOST_MAC
        },
        target_ip: d.addr(),
    };
    let mut frame = Vec::new();
    build_frame(&mut frame, &eth(EtherType::ARP, dst_mac(d)), 28, |p| {
        arp.emit(p)
    });
    Sample {
        frame,
        fields: vec![
            Field::Word(L3),
            Field::Word(L3 + 2),
            Field::Byte(L3 + 4),
            Field::Byte(L3 + 5),
            Field::Word(L3 + 6),
            Field::Word(12),
        ],
        cuts: vec![0, 13, L3, L3 + 6, L3 + 8, L3 + 27, L3 + 28],
    }
}

/// The IPv4 header fields, for a header at [`L3`] of `header_len` bytes.
fn ipv4_fields(header_len: usize) -> (Vec<Field>, Vec<usize>) {
    let mut fields = vec![
        Field::LowNibble(L3),
        Field::Byte(L3),
        Field::Word(L3 + 2),
        Field::Word(L3 + 6),
        Field::Byte(L3 + 8),
        Field::Byte(L3 + 9),
        Field::Word(L3 + 10),
    ];
    if header_len > 20 {
        // IP options: kind and length bytes.
        fields.push(Field::Byte(L3 + 20));
        fields.push(Field::Byte(L3 + 21));
    }
    let cuts = vec![
        L3,
        L3 + 1,
        L3 + 19,
        L3 + 20,
        L3 + header_len - 1,
        L3 + header_len,
    ];
    (fields, cuts)
}

/// Wraps `l4` (a transport payload whose checksum is already right for
/// `repr`'s addresses) in IPv4 and Ethernet. Options (`options` bytes, a
/// multiple of 4, at most 40) make the header longer than 20 bytes.
/// Frames longer than 1514 bytes are built too: the node's input takes any
/// length, and the IPv4 and UDP length paths go up to 65535.
fn ip_frame(d: &mut Dice, repr: Ipv4Repr, options: &[u8], l4: &[u8]) -> (Vec<u8>, usize) {
    let header_len = 20 + options.len();
    let repr = Ipv4Repr {
        payload_len: options.len() + l4.len(),
        ..repr
    };
    let eth = eth(EtherType::IPV4, dst_mac(d));
    let mut frame = vec![0; (L3 + repr.total_len()).max(60)];
    eth.emit(&mut simnet::wire::EthernetFrame::new_unchecked(
        &mut frame[..],
    ));
    let ip = &mut frame[L3..L3 + repr.total_len()];
    repr.emit(ip);
    ip[0] = 0x40 | (header_len / 4) as u8;
    ip[20..header_len].copy_from_slice(options);
    ip[header_len..].copy_from_slice(l4);
    Ipv4Packet::new_unchecked(&mut ip[..]).fill_checksum();
    (frame, header_len)
}

fn ipv4_repr(d: &mut Dice, protocol: IpProtocol, fragment: bool) -> Ipv4Repr {
    let (src, dst) = match d.below(4) {
        0 => (Ipv4Addr::new(192, 168, 1, 9), Ipv4Addr::new(192, 168, 1, 2)),
        1 => (Ipv4Addr::new(192, 168, 1, 9), Ipv4Addr::new(192, 168, 2, 2)),
        _ => (d.addr(), d.addr()),
    };
    let (more_frags, frag_offset) = if fragment {
        match d.below(4) {
            0 => (true, 0),
            1 => (false, (d.below(8192) * 8) as u16),
            2 => (true, 0xfff8),
            _ => (d.chance(1, 2), (d.below(200) * 8) as u16),
        }
    } else {
        (false, 0)
    };
    Ipv4Repr {
        src,
        dst,
        protocol,
        ttl: d.pick(&[0, 1, 2, 64, 255]),
        ident: d.pick(&[1, 77, 0xffff]),
        dont_frag: !fragment && d.chance(1, 2),
        more_frags,
        frag_offset,
        tos: d.pick(&[0, 0, 0xff]),
        payload_len: 0,
    }
}

/// IP options: NOP, End, record route, timestamp, random.
fn ip_options(d: &mut Dice) -> Vec<u8> {
    let mut opts = match d.below(4) {
        0 => vec![1, 1, 1, 0],
        1 => vec![7, 7, 4, 0, 0, 0, 0, 0],
        2 => vec![68, 12, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8],
        _ => {
            let words = d.range(1, 10);
            d.bytes(4 * words)
        }
    };
    opts.truncate(40);
    opts
}

/// Ethernet, IPv4 (sometimes with options, sometimes a fragment), and ICMP:
/// an echo request or reply, or an error quoting a datagram.
pub fn icmp_sample(d: &mut Dice) -> Sample {
    let data_len = d.pick(&[0, 8, 56, 1472, 3000]);
    let data = d.bytes(data_len);
    let quoted_protocol = d.pick(&[IpProtocol::UDP, IpProtocol::ICMP]);
    let quoted_ip = Ipv4Repr {
        src: Ipv4Addr::new(192, 168, 1, 2),
        dst: Ipv4Addr::new(192, 168, 2, 2),
        ..ipv4_repr(d, quoted_protocol, false)
    };
    let mut quoted = vec![0; 20 + 8 + 8];
    quoted_ip.emit(&mut quoted);
    quoted[20..28].copy_from_slice(&[0xc0, 0x00, 0x00, 0x07, 0x00, 0x10, 0x00, 0x00]);
    if quoted_ip.protocol == IpProtocol::ICMP {
        quoted[20..28].copy_from_slice(&[8, 0, 0, 0, 0, 1, 0, 1]);
    }
    quoted.truncate(invoking_len(&quoted));
    let icmp = match d.below(6) {
        0 => IcmpRepr::EchoReply {
            ident: d.pick(&[1, 2, 9]),
            seq_no: d.pick(&[0, 1, 0xffff]),
            data: &data,
        },
        1 => IcmpRepr::DstUnreachable {
            reason: DstUnreachable::from_code(d.pick(&[0, 1, 3, 4, 13, 99])),
            next_hop_mtu: d.pick(&[0, 68, 576, 0xffff]),
            invoking: &quoted,
        },
        2 => IcmpRepr::TimeExceeded {
            reason: TimeExceeded::from_code(d.pick(&[0, 1, 7])),
            invoking: &quoted,
        },
        3 => IcmpRepr::Other {
            msg_type: d.byte(),
            code: d.byte(),
            rest: &data,
        },
        _ => IcmpRepr::EchoRequest {
            ident: d.word(),
            seq_no: d.word(),
            data: &data,
        },
    };
    let mut l4 = vec![0; icmp.buffer_len()];
    icmp.emit(&mut l4);
    let fragment = d.chance(1, 5);
    let options = if d.chance(1, 6) {
        ip_options(d)
    } else {
        vec![]
    };
    let repr = ipv4_repr(d, IpProtocol::ICMP, fragment);
    let (frame, header_len) = ip_frame(d, repr, &options, &l4);
    let (mut fields, mut cuts) = ipv4_fields(header_len);
    let l4 = L3 + header_len;
    fields.extend([
        Field::Byte(l4),
        Field::Byte(l4 + 1),
        Field::Word(l4 + 2),
        Field::Word(l4 + 6),
    ]);
    // The quoted datagram of an error: its IHL, total length, protocol.
    fields.extend([
        Field::LowNibble(l4 + 8),
        Field::Word(l4 + 10),
        Field::Byte(l4 + 17),
    ]);
    cuts.extend([l4 + 4, l4 + 7, l4 + 8, l4 + 27, l4 + 28, l4 + 36]);
    Sample {
        frame,
        fields,
        cuts,
    }
}

/// Ethernet, IPv4 and UDP, up to the largest datagram.
pub fn udp_sample(d: &mut Dice) -> Sample {
    let data_len = match d.below(8) {
        0 => 0,
        1 => 65_507,
        2 => d.below(65_508),
        3 => 1472,
        _ => d.below(600),
    };
    let fragment = d.chance(1, 5);
    let options = if d.chance(1, 6) {
        ip_options(d)
    } else {
        vec![]
    };
    let data_len = data_len.min(65_515 - 8 - options.len());
    let repr = ipv4_repr(d, IpProtocol::UDP, fragment);
    let udp = UdpRepr {
        src_port: d.port(),
        dst_port: d.port(),
        payload_len: data_len,
    };
    let mut l4 = vec![0; udp.buffer_len()];
    for (i, b) in l4[8..].iter_mut().enumerate() {
        *b = i as u8;
    }
    udp.emit(&mut l4, repr.src, repr.dst);
    let (frame, header_len) = ip_frame(d, repr, &options, &l4);
    let (mut fields, mut cuts) = ipv4_fields(header_len);
    let l4 = L3 + header_len;
    fields.extend([
        Field::Word(l4),
        Field::Word(l4 + 2),
        Field::Word(l4 + 4),
        Field::Word(l4 + 6),
    ]);
    cuts.extend([l4 + 4, l4 + 7, l4 + 8, l4 + 9]);
    Sample {
        frame,
        fields,
        cuts,
    }
}

/// One TCP option's bytes: the ones Linux sends, and broken ones.
fn tcp_option(d: &mut Dice) -> Vec<u8> {
    match d.below(12) {
        0 => vec![1],
        1 => vec![0],
        2 => vec![3, 3, d.pick(&[0, 7, 14, 15, 255])],
        3 => vec![4, 2],
        4 => {
            let mut ts = vec![8, 10];
            ts.extend(d.bytes(8));
            ts
        }
        5 => vec![5, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        6 => vec![2, 4, 0, 0],
        7 => vec![2, d.pick(&[0, 1, 2, 3, 5, 255])],
        8 => vec![d.byte(), 0],
        9 => vec![d.byte(), 1],
        10 => vec![d.byte(), d.pick(&[40, 41, 255])],
        _ => {
            let len = d.range(2, 12);
            let mut opt = vec![d.byte(), len as u8];
            opt.extend(d.bytes(len - 2));
            opt
        }
    }
}

/// Ethernet, IPv4 and TCP with MSS and other options.
pub fn tcp_sample(d: &mut Dice) -> Sample {
    let mut options = Vec::new();
    if d.chance(3, 4) {
        options.extend([2, 4, 0x05, 0xb4]);
    }
    for _ in 0..d.below(6) {
        options.extend(tcp_option(d));
    }
    options.truncate(40);
    while options.len() % 4 != 0 {
        options.push(if d.chance(1, 2) { 0 } else { 1 });
    }
    let data_len = d.pick(&[0, 1, 100, 1460, 20_000]);
    let data = d.bytes(data_len);
    let fragment = d.chance(1, 8);
    let repr = ipv4_repr(d, IpProtocol::TCP, fragment);
    let flags = TcpFlags::from_bits(d.pick(&[0x02, 0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0xff]));
    let any_port = d.word();
    let dst_port = d.pick(&[80, 80, 7, any_port]);
    let tcp = TcpRepr {
        src_port: d.port(),
        dst_port,
        seq: d.dword(),
        ack: d.dword(),
        flags,
        window: d.pick(&[0, 1, 64240, 65535]),
        mss: None,
        payload_len: options.len() + data.len(),
        ..TcpRepr::default()
    };
    let header_len = 20 + options.len();
    let mut l4 = vec![0; tcp.buffer_len()];
    l4[header_len..].copy_from_slice(&data);
    tcp.emit(&mut l4, repr.src, repr.dst);
    let mut packet = TcpPacket::new_unchecked(&mut l4[..]);
    packet.set_header_len(header_len);
    packet.options_mut().copy_from_slice(&options);
    packet.fill_checksum(repr.src, repr.dst);
    let ip_options = if d.chance(1, 8) {
        ip_options(d)
    } else {
        vec![]
    };
    let (frame, ip_header_len) = ip_frame(d, repr, &ip_options, &l4);
    let (mut fields, mut cuts) = ipv4_fields(ip_header_len);
    let l4 = L3 + ip_header_len;
    fields.extend([
        Field::HighNibble(l4 + 12),
        Field::Byte(l4 + 13),
        Field::Word(l4 + 2),
        Field::Word(l4 + 16),
        Field::Word(l4 + 18),
    ]);
    // Each option's kind and length byte.
    let mut at = 0;
    while at < options.len() {
        fields.push(Field::Byte(l4 + 20 + at));
        cuts.push(l4 + 20 + at);
        match options[at] {
            0 | 1 => at += 1,
            _ => {
                fields.push(Field::Byte(l4 + 20 + at + 1));
                at += usize::from(options.get(at + 1).copied().unwrap_or(1).max(1));
            }
        }
    }
    cuts.extend([
        l4 + 12,
        l4 + 19,
        l4 + 20,
        l4 + header_len - 1,
        l4 + header_len,
    ]);
    Sample {
        frame,
        fields,
        cuts,
    }
}

/// A valid frame of any kind.
pub fn any_sample(d: &mut Dice) -> Sample {
    match d.below(8) {
        0 => arp_sample(d),
        1 | 2 => icmp_sample(d),
        3 | 4 => udp_sample(d),
        _ => tcp_sample(d),
    }
}
