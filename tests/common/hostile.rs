//! Hostile inputs for the wire parsers (issue 9, section 4): seeded random
//! bytes, valid frames built with simnet's own emitters, mutations of them,
//! checksum repair (so that a mutation reaches the code behind the checksum
//! check), and a guard that turns a panic into a report naming the target
//! and the input's bytes in hex, so that it can be replayed.
//!
//! The number of cases per target comes from `SIMNET_FUZZ_CASES` (default
//! [`DEFAULT_CASES`]), the seed from `SIMNET_FUZZ_SEED` (default 9).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::panic::{self, AssertUnwindSafe};

use simnet::sim::rng::RngStream;
use simnet::wire::checksum;
use simnet::wire::ethernet::build_frame;
use simnet::wire::icmp::invoking_len;
use simnet::wire::{
    ArpOperation, ArpRepr, DstUnreachable, EtherType, EthernetRepr, IcmpRepr, IpProtocol,
    Ipv4Packet, Ipv4Repr, MacAddr, TcpFlags, TcpPacket, TcpRepr, TimeExceeded, UdpRepr, WireError,
};

/// Cases per target when `SIMNET_FUZZ_CASES` is not set: small enough for CI.
pub const DEFAULT_CASES: usize = 20_000;

/// Cases per target: `SIMNET_FUZZ_CASES`, or [`DEFAULT_CASES`].
pub fn cases() -> usize {
    env_number("SIMNET_FUZZ_CASES").map_or(DEFAULT_CASES, |n| n as usize)
}

/// The run's seed: `SIMNET_FUZZ_SEED`, or 9 (the number).
pub fn seed() -> u64 {
    env_number("SIMNET_FUZZ_SEED").unwrap_or(9)
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim().replace('_', "");
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
    )
}

/// The MAC of the host under test (see `hostile_bytes.rs`).
pub const HOST_MAC: MacAddr = MacAddr::local(1);
/// The MAC of the router's first interface.
pub const ROUTER_MAC0: MacAddr = MacAddr::local(3);
/// The MAC of the router's second interface.
pub const ROUTER_MAC1: MacAddr = MacAddr::local(4);

/// Addresses the frames use: the nodes under test, their neighbours, the
/// broadcasts, and the bogus ones (loopback, unspecified, multicast).
const ADDRS: [Ipv4Addr; 10] = [
    Ipv4Addr::new(192, 168, 1, 2),
    Ipv4Addr::new(192, 168, 1, 1),
    Ipv4Addr::new(192, 168, 2, 1),
    Ipv4Addr::new(192, 168, 2, 2),
    Ipv4Addr::new(192, 168, 1, 255),
    Ipv4Addr::BROADCAST,
    Ipv4Addr::new(10, 9, 9, 9),
    Ipv4Addr::LOCALHOST,
    Ipv4Addr::UNSPECIFIED,
    Ipv4Addr::new(224, 0, 0, 1),
];

/// The ports the nodes under test listen on (UDP 7, TCP 80), and others.
const PORTS: [u16; 6] = [7, 80, 0, 33434, 49152, 65535];

/// A seeded random stream with the draws the generators need.
pub struct Dice(RngStream);

impl Dice {
    /// The stream of `target` in the run's seed.
    pub fn new(target: &str) -> Dice {
        Dice(RngStream::new(seed(), &format!("hostile {target}")))
    }

    /// A stream drawn from the bytes of `input`, for choices a target makes
    /// itself (so that they replay with the input).
    pub fn for_input(input: &[u8]) -> Dice {
        // FNV-1a over the bytes, as `stable_hash` over a name.
        let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Dice(RngStream::new(
            seed(),
            &format!("hostile input {hash:016x}"),
        ))
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.0.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `num` times in `den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        self.0.next_u32() as u8
    }

    /// A random 16-bit word.
    pub fn word(&mut self) -> u16 {
        self.0.next_u32() as u16
    }

    /// A random 32-bit word.
    pub fn dword(&mut self) -> u32 {
        self.0.next_u32()
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.byte()).collect()
    }

    /// A length for random input: mostly up to a full frame, sometimes up
    /// to the largest IPv4 datagram (`big`), sometimes tiny.
    pub fn length(&mut self, big: bool) -> usize {
        match self.below(16) {
            0..=3 => self.below(64),
            4 if big => self.range(1515, 65_535),
            _ => self.below(1600),
        }
    }

    /// An address from [`ADDRS`], or now and then a random one.
    pub fn addr(&mut self) -> Ipv4Addr {
        if self.chance(1, 8) {
            return Ipv4Addr::from(self.dword());
        }
        self.pick(&ADDRS)
    }

    /// A port from [`PORTS`], or a random one.
    pub fn port(&mut self) -> u16 {
        if self.chance(1, 4) {
            return self.word();
        }
        self.pick(&PORTS)
    }
}

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
const L3: usize = 14;

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

/// A boundary value for a field of `width_max` (0xff, 0xffff or 15) in a
/// buffer with `rest` bytes from the field's layer on.
fn boundary(d: &mut Dice, max: usize, rest: usize, words: bool) -> usize {
    let rest = if words { rest / 4 } else { rest };
    let value = match d.below(12) {
        0 => 0,
        1 => 1,
        2 => max,
        3 => max - 1,
        4 => rest,
        5 => rest + 1,
        6 => rest.saturating_sub(1),
        7 => d.pick(&[2, 3, 4, 5, 6, 7, 8, 19, 20, 21]),
        8 => 0x7f,
        9 => 0x80,
        10 => d.pick(&[0x7fff, 0x8000, 1480, 1500, 65_515]),
        _ => d.below(max + 1),
    };
    value.min(max)
}

/// Applies one to four mutations to `frame`: bit flips, boundary bytes,
/// fields set to extremes, truncation, extension and splices (`other` is a
/// second frame to splice from).
pub fn mutate(d: &mut Dice, sample: &Sample, other: &[u8]) -> Vec<u8> {
    let mut f = sample.frame.clone();
    for _ in 0..d.range(1, 4) {
        // Aim most mutations at the headers.
        let head = f.len().clamp(1, L3 + 60 + 60);
        let at = if d.chance(3, 4) {
            d.below(head)
        } else {
            d.below(f.len().max(1))
        };
        match d.below(10) {
            0 if !f.is_empty() => f[at] ^= 1 << d.below(8),
            1 if !f.is_empty() => f[at] = d.pick(&[0, 1, 0x7f, 0x80, 0xff]),
            2..=4 if !sample.fields.is_empty() => {
                let field = d.pick(&sample.fields);
                set_field(d, &mut f, field);
            }
            5 => {
                let cut = if d.chance(3, 4) && !sample.cuts.is_empty() {
                    (d.pick(&sample.cuts) + d.below(3)).saturating_sub(1)
                } else {
                    d.below(f.len() + 1)
                };
                f.truncate(cut);
            }
            6 => {
                let n = d.range(1, 64);
                let extra = if d.chance(1, 2) {
                    vec![0; n]
                } else {
                    d.bytes(n)
                };
                f.extend(extra);
            }
            7 if !other.is_empty() => {
                // Splice: a piece of another frame over (or into) this one.
                let from = d.below(other.len());
                let len = d.range(1, (other.len() - from).min(64));
                let piece = &other[from..from + len];
                let at = at.min(f.len());
                if d.chance(1, 2) {
                    f.splice(at..(at + len).min(f.len()), piece.iter().copied());
                } else {
                    f.splice(at..at, piece.iter().copied());
                }
            }
            8 if !f.is_empty() => {
                // Delete a range.
                let len = d.range(1, 16).min(f.len() - at);
                f.drain(at..at + len);
            }
            _ if !f.is_empty() => {
                let len = d.range(1, 8).min(f.len() - at);
                for b in &mut f[at..at + len] {
                    *b = d.byte();
                }
            }
            _ => {
                let n = d.below(40);
                f.extend(d.bytes(n));
            }
        }
    }
    f
}

fn set_field(d: &mut Dice, f: &mut [u8], field: Field) {
    match field {
        Field::Byte(at) if at < f.len() => {
            let rest = f.len() - at;
            f[at] = boundary(d, 0xff, rest, false) as u8;
        }
        Field::Word(at) if at + 1 < f.len() => {
            // A length counts from its layer's start: the IPv4 header's for
            // Total Length (at 14), the UDP header's for Length (4 before).
            let start = if d.chance(1, 2) {
                L3
            } else {
                at.saturating_sub(4)
            };
            let rest = f.len().saturating_sub(start);
            let v = boundary(d, 0xffff, rest, false) as u16;
            f[at..at + 2].copy_from_slice(&v.to_be_bytes());
        }
        Field::LowNibble(at) if at < f.len() => {
            let v = boundary(d, 15, f.len() - at, true) as u8;
            f[at] = (f[at] & 0xf0) | v;
        }
        Field::HighNibble(at) if at < f.len() => {
            let v = boundary(d, 15, f.len() - at, true) as u8;
            f[at] = (f[at] & 0x0f) | (v << 4);
        }
        _ => {}
    }
}

/// Recomputes the checksums of the IPv4 packet in `frame` (at byte 14) and
/// of its ICMP, UDP or TCP payload, as far as the lengths allow, so that a
/// mutated frame gets past the checksum checks to the code behind them.
pub fn fix_checksums(frame: &mut [u8]) {
    if let Some(ip) = frame.get_mut(L3..) {
        fix_ipv4_checksums(ip);
    }
}

/// [`fix_checksums`] for an IPv4 packet without its Ethernet header.
pub fn fix_ipv4_checksums(ip: &mut [u8]) {
    if ip.len() < 20 {
        return;
    }
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    if header_len < 20 || header_len > ip.len() {
        return;
    }
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]])).clamp(header_len, ip.len());
    let src = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
    let dst = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
    let protocol = ip[9];
    let l4 = &mut ip[header_len..total];
    match protocol {
        1 if l4.len() >= 4 => {
            l4[2..4].fill(0);
            let c = checksum::checksum(l4);
            l4[2..4].copy_from_slice(&c.to_be_bytes());
        }
        17 if l4.len() >= 8 => {
            let len = usize::from(u16::from_be_bytes([l4[4], l4[5]]));
            if (8..=l4.len()).contains(&len) {
                l4[6..8].fill(0);
                let sum = checksum::pseudo_header_sum(src, dst, 17, len as u16)
                    + checksum::sum(&l4[..len]);
                let c = match checksum::fold(sum) {
                    0 => 0xffff,
                    c => c,
                };
                l4[6..8].copy_from_slice(&c.to_be_bytes());
            }
        }
        6 if l4.len() >= 20 => {
            l4[16..18].fill(0);
            let len = l4.len() as u16;
            let sum = checksum::pseudo_header_sum(src, dst, 6, len) + checksum::sum(l4);
            let c = checksum::fold(sum);
            l4[16..18].copy_from_slice(&c.to_be_bytes());
        }
        _ => {}
    }
    ip[10..12].fill(0);
    let c = checksum::checksum(&ip[..header_len]);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
}

/// A hostile frame: random bytes (a quarter of the time), else a mutated
/// valid frame from `make`, its checksums repaired half the time.
pub fn hostile_frame(d: &mut Dice, make: fn(&mut Dice) -> Sample) -> Vec<u8> {
    if d.chance(1, 4) {
        let len = d.length(true);
        let mut f = d.bytes(len);
        // Random bytes with a plausible EtherType and IPv4 version, so that
        // some get past the first check.
        if f.len() > 14 && d.chance(1, 2) {
            f[12..14].copy_from_slice(&d.pick(&[0x0800u16, 0x0806]).to_be_bytes());
            if d.chance(1, 2) {
                f[14] = 0x40 | (f[14] & 0x0f);
                fix_checksums(&mut f);
            }
        }
        return f;
    }
    let sample = make(d);
    let other = any_sample(d).frame;
    let mut f = mutate(d, &sample, &other);
    if d.chance(1, 2) {
        fix_checksums(&mut f);
    }
    f
}

/// The payload of the IPv4 packet at the start of `ip` as a parser beyond
/// IPv4 sees it: from the header's end to Total Length, both clamped to
/// the bytes there are (so a broken header still yields some bytes).
pub fn ipv4_payload(ip: &[u8]) -> &[u8] {
    let Some(&first) = ip.first() else {
        return ip;
    };
    let header_len = (usize::from(first & 0x0f) * 4).min(ip.len());
    let total = match ip.get(2..4) {
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => ip.len(),
    };
    let total = total.clamp(header_len, ip.len());
    &ip[header_len..total]
}

/// The source and destination addresses of the IPv4 header at the start of
/// `ip`, or fixed ones when it is too short.
pub fn ipv4_addrs(ip: &[u8]) -> (Ipv4Addr, Ipv4Addr) {
    match ip.get(12..20) {
        Some(&[a, b, c, e, f, g, h, i]) => (Ipv4Addr::new(a, b, c, e), Ipv4Addr::new(f, g, h, i)),
        _ => (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)),
    }
}

/// Bytes as lower-case hex, for a report that can be replayed.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The bytes of a [`hex`] string (whitespace ignored).
pub fn from_hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).expect("hex digits");
            u8::from_str_radix(s, 16).unwrap_or_else(|_| panic!("{s:?} is not hex"))
        })
        .collect()
}

/// A panic of a target on one input, with what is needed to replay it.
#[derive(Debug)]
pub struct Failure {
    /// The target that panicked, e.g. `"TcpRepr::parse"`.
    pub target: String,
    /// The input's bytes.
    pub input: Vec<u8>,
    /// The panic message.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} panicked: {}\n  input ({} bytes), replay with SIMNET_FUZZ_REPLAY=<hex> \
             SIMNET_FUZZ_TARGET={}:\n  {}",
            self.target,
            self.message,
            self.input.len(),
            self.target,
            hex(&self.input)
        )
    }
}

/// Runs `f`, turning a panic into a [`Failure`] that names `target` and
/// holds `input`.
pub fn guard<R>(target: &str, input: &[u8], f: impl FnOnce() -> R) -> Result<R, Failure> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(not a string)".into());
        Failure {
            target: target.into(),
            input: input.to_vec(),
            message,
        }
    })
}

/// Feeds `cases` inputs from `next` to `drive` under [`guard`], and panics
/// with the report of the first input that made `drive` panic (`case` and
/// the seed included, so that the whole run can be repeated too).
///
/// `drive` names what became of each input (`"ok"`, `"checksum"`, …); the
/// tally is printed at the end (`-- --nocapture` shows it), and each of
/// `required` must be the outcome of at least 0.5% of the inputs, so that a
/// generator that stopped reaching a parser's deeper code fails the test
/// instead of passing it vacuously.
pub fn run_cases(
    target: &str,
    cases: usize,
    required: &[&str],
    mut next: impl FnMut(&mut Dice) -> Vec<u8>,
    mut drive: impl FnMut(&[u8]) -> &'static str,
) {
    let mut dice = Dice::new(target);
    let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
    for case in 0..cases {
        let input = next(&mut dice);
        match guard(target, &input, || drive(&input)) {
            Ok(outcome) => *tally.entry(outcome).or_default() += 1,
            Err(failure) => panic!(
                "case {case} of {cases} (SIMNET_FUZZ_SEED={}): {failure}",
                seed()
            ),
        }
    }
    let share = |n: usize| 100.0 * n as f64 / cases.max(1) as f64;
    let summary: Vec<String> = tally
        .iter()
        .map(|(outcome, &n)| format!("{outcome} {:.1}%", share(n)))
        .collect();
    eprintln!("{target}: {cases} inputs: {}", summary.join(", "));
    if cases >= 2000 {
        for outcome in required {
            let n = tally.get(outcome).copied().unwrap_or(0);
            assert!(
                share(n) >= 0.5,
                "{target}: only {n} of {cases} inputs came out {outcome:?} ({})",
                summary.join(", ")
            );
        }
    }
}

/// A parse result as an outcome for [`run_cases`]: `"ok"`, or the kind of
/// error.
pub fn outcome<T>(result: &simnet::wire::Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(WireError::Truncated { .. }) => "truncated",
        Err(WireError::Checksum { .. }) => "checksum",
        Err(WireError::Malformed { .. }) => "malformed",
    }
}
