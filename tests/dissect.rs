//! Frames taken apart layer by layer (`simnet::wire::dissect`): the fields'
//! exact places, values and meanings for hand-built frames and frames from
//! a run, checksums verified, truncated and fragmented packets, address
//! classes, the OUI table, both languages, the `simnet explain` and
//! `simnet run --frame` commands, and a property that no bytes at all make
//! it panic or point outside the frame.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use simnet::i18n::{Catalogue, Lang};
use simnet::scenario::{self, RunOptions};
use simnet::trace::capture::Captured;
use simnet::wire::checksum;
use simnet::wire::dissect::{
    address_class, address_notes, dissect_frame, dissect_ipv4_packet, parse_hex, render_text,
    AddressNote, Field, Layer,
};
use simnet::wire::{oui, MacAddr};

// ----- building frames by hand -----

const PC1: [u8; 6] = [0x02, 0, 0, 0, 0, 1];
const PC2: [u8; 6] = [0x02, 0, 0, 0, 0, 2];
const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);

/// An Ethernet II frame, padded to 60 bytes.
fn eth(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f.resize(f.len().max(60), 0);
    f
}

/// An IPv4 packet with a correct header checksum; `frag` is the flags and
/// fragment offset word.
fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, frag: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&frag.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::checksum(&p);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// Fills the transport checksum at `at` over the pseudo-header and `seg`.
fn fill_transport(seg: &mut [u8], at: usize, src: Ipv4Addr, dst: Ipv4Addr, proto: u8) {
    let sum = checksum::pseudo_header_sum(src, dst, proto, seg.len() as u16) + checksum::sum(seg);
    let c = checksum::fold(sum);
    seg[at..at + 2].copy_from_slice(&c.to_be_bytes());
}

fn udp(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(data);
    fill_transport(&mut s, 6, src, dst, 17);
    s
}

/// A SYN with Linux's options: MSS 1460, SACK permitted, timestamps, NOP,
/// window scale 7.
fn tcp_syn(src: Ipv4Addr, dst: Ipv4Addr) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&49152u16.to_be_bytes());
    s.extend_from_slice(&80u16.to_be_bytes());
    s.extend_from_slice(&1000u32.to_be_bytes());
    s.extend_from_slice(&0u32.to_be_bytes());
    s.extend_from_slice(&[0xa0, 0x02]); // 10 words; SYN
    s.extend_from_slice(&64240u16.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 0]);
    s.extend_from_slice(&[2, 4, 0x05, 0xb4, 4, 2, 8, 10]);
    s.extend_from_slice(&7777u32.to_be_bytes());
    s.extend_from_slice(&0u32.to_be_bytes());
    s.extend_from_slice(&[1, 3, 3, 7]);
    fill_transport(&mut s, 16, src, dst, 6);
    s
}

fn icmp_echo(id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut m = vec![8, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(data);
    let c = checksum::checksum(&m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

fn arp_request() -> Vec<u8> {
    let mut a = vec![0, 1, 0x08, 0, 6, 4, 0, 1];
    a.extend_from_slice(&PC1);
    a.extend_from_slice(&[192, 168, 1, 2]);
    a.extend_from_slice(&[0; 6]);
    a.extend_from_slice(&[192, 168, 1, 1]);
    eth([0xff; 6], PC1, 0x0806, &a)
}

// ----- looking things up in a dissection -----

fn en() -> Catalogue {
    Catalogue::new(Lang::En)
}

/// Every field, depth first.
fn all_fields(layers: &[Layer]) -> Vec<&Field> {
    fn walk<'a>(f: &'a Field, out: &mut Vec<&'a Field>) {
        out.push(f);
        for c in &f.children {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for l in layers {
        for f in &l.fields {
            walk(f, &mut out);
        }
    }
    out
}

/// The first field with `key`.
fn field<'a>(layers: &'a [Layer], key: &str) -> &'a Field {
    all_fields(layers)
        .into_iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no field {key} in {layers:#?}"))
}

fn keys(layers: &[Layer]) -> Vec<&str> {
    layers.iter().map(|l| l.key).collect()
}

fn place(f: &Field) -> (usize, usize, Option<(u8, u8)>) {
    (f.offset, f.len, f.bits)
}

// ----- the layers -----

#[test]
fn an_arp_request_shows_every_field_and_the_padding() {
    let frame = arp_request();
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "arp"]);
    assert_eq!(place(field(&layers, "eth.dst")), (0, 6, None));
    assert_eq!(place(field(&layers, "eth.src")), (6, 6, None));
    let ty = field(&layers, "eth.type");
    assert_eq!(place(ty), (12, 2, None));
    assert_eq!(ty.value, "0x0806 (ARP)");
    assert!(field(&layers, "eth.dst").meaning.contains("broadcast"));
    let ig = field(&layers, "eth.src.ig");
    assert_eq!((place(ig), ig.value.as_str()), ((6, 1, Some((7, 1))), "0"));
    let lg = field(&layers, "eth.src.lg");
    assert_eq!((place(lg), lg.value.as_str()), ((6, 1, Some((6, 1))), "1"));
    assert!(field(&layers, "eth.src.oui")
        .value
        .contains("locally administered, no maker"));
    let pad = field(&layers, "eth.padding");
    assert_eq!(place(pad), (42, 18, None));

    let arp = &layers[1];
    let arp_keys: Vec<&str> = arp.fields.iter().map(|f| f.key).collect();
    assert_eq!(
        arp_keys,
        [
            "arp.htype",
            "arp.ptype",
            "arp.hlen",
            "arp.plen",
            "arp.op",
            "arp.sha",
            "arp.spa",
            "arp.tha",
            "arp.tpa"
        ]
    );
    assert_eq!(field(&layers, "arp.op").value, "1 (request)");
    assert_eq!(place(field(&layers, "arp.tpa")), (38, 4, None));
    assert_eq!(field(&layers, "arp.tpa").value, "192.168.1.1");
    assert_eq!(arp.summary, "Who has 192.168.1.1? Tell 192.168.1.2");
}

#[test]
fn an_icmp_echo_has_its_ttl_at_byte_22_and_both_checksums_correct() {
    let frame = eth(
        PC2,
        PC1,
        0x0800,
        &ipv4(A, B, 1, 0x4000, &icmp_echo(7, 3, b"abcdefgh")),
    );
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "icmp"]);
    let ttl = field(&layers, "ip.ttl");
    assert_eq!((place(ttl), ttl.value.as_str()), ((22, 1, None), "64"));
    assert_eq!(place(field(&layers, "ip.version")), (14, 1, Some((0, 4))));
    assert_eq!(place(field(&layers, "ip.ihl")), (14, 1, Some((4, 4))));
    assert_eq!(place(field(&layers, "ip.flags.df")), (20, 1, Some((1, 1))));
    assert_eq!(field(&layers, "ip.flags.df").value, "1");
    assert_eq!(place(field(&layers, "ip.frag")), (20, 2, Some((3, 13))));
    assert!(field(&layers, "ip.checksum").value.ends_with("[correct]"));
    assert_eq!(field(&layers, "ip.proto").value, "1 (ICMP)");
    assert_eq!(field(&layers, "icmp.type").value, "8 (Echo request)");
    assert!(field(&layers, "icmp.checksum").value.ends_with("[correct]"));
    assert_eq!(place(field(&layers, "icmp.id")), (38, 2, None));
    assert_eq!(field(&layers, "icmp.seq").value, "3");
    assert_eq!(place(field(&layers, "icmp.data")), (42, 8, None));
    // 14 + 20 + 16 = 50 bytes of packet, 10 of padding.
    assert_eq!(place(field(&layers, "eth.padding")), (50, 10, None));
}

#[test]
fn a_syn_with_linux_options_shows_each_option_and_flag_bit() {
    let frame = eth(PC2, PC1, 0x0800, &ipv4(A, B, 6, 0x4000, &tcp_syn(A, B)));
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "tcp"]);
    let tcp = &layers[2];
    assert_eq!((tcp.offset, tcp.len), (34, 40));
    assert_eq!(field(&layers, "tcp.dstport").value, "80 (http)");
    assert_eq!(place(field(&layers, "tcp.hdrlen")), (46, 1, Some((0, 4))));
    let flags = field(&layers, "tcp.flags");
    assert_eq!(place(flags), (47, 1, None));
    type Bit<'a> = (&'a str, Option<(u8, u8)>, &'a str);
    let bits: Vec<Bit> = flags
        .children
        .iter()
        .map(|c| (c.name.as_str(), c.bits, c.value.as_str()))
        .collect();
    assert_eq!(
        bits,
        [
            ("CWR", Some((0, 1)), "0"),
            ("ECE", Some((1, 1)), "0"),
            ("URG", Some((2, 1)), "0"),
            ("ACK", Some((3, 1)), "0"),
            ("PSH", Some((4, 1)), "0"),
            ("RST", Some((5, 1)), "0"),
            ("SYN", Some((6, 1)), "1"),
            ("FIN", Some((7, 1)), "0"),
        ]
    );
    assert!(field(&layers, "tcp.checksum").value.ends_with("[correct]"));
    let options = field(&layers, "tcp.options");
    let opts: Vec<(&str, usize, usize)> = options
        .children
        .iter()
        .map(|o| (o.key, o.offset, o.len))
        .collect();
    assert_eq!(
        opts,
        [
            ("tcp.opt.mss", 54, 4),
            ("tcp.opt.sack_perm", 58, 2),
            ("tcp.opt.ts", 60, 10),
            ("tcp.opt.nop", 70, 1),
            ("tcp.opt.wscale", 71, 3),
        ]
    );
    assert_eq!(field(&layers, "tcp.opt.mss.val").value, "1460");
    assert_eq!(place(field(&layers, "tcp.opt.kind")), (54, 1, None));
    assert_eq!(field(&layers, "tcp.opt.ts.val").value, "7777");
    assert_eq!(place(field(&layers, "tcp.opt.ts.ecr")), (66, 4, None));
    assert_eq!(field(&layers, "tcp.opt.wscale").value, "7 (× 128)");
    assert!(tcp.summary.contains("[SYN]"), "{}", tcp.summary);
}

#[test]
fn sack_blocks_eol_and_unknown_options_are_children_too() {
    let mut seg = tcp_syn(A, B);
    // Replace the options: SACK with one block, an unknown kind 30, EOL.
    let opts = [
        5, 10, 0, 0, 0, 10, 0, 0, 0, 20, 30, 3, 0xab, 0, 0, 0, 0, 0, 0, 0,
    ];
    seg[20..40].copy_from_slice(&opts);
    seg[13] = 0x10; // ACK
    fill_transport(&mut seg, 16, A, B, 6);
    let frame = eth(PC2, PC1, 0x0800, &ipv4(A, B, 6, 0, &seg));
    let layers = dissect_frame(&frame, &en());
    let block = field(&layers, "tcp.opt.sack.block");
    assert_eq!(
        (place(block), block.value.as_str()),
        ((56, 8, None), "10-20")
    );
    assert_eq!(place(field(&layers, "tcp.opt.unknown")), (64, 3, None));
    assert_eq!(field(&layers, "tcp.opt.data").value, "ab");
    assert_eq!(place(field(&layers, "tcp.opt.eol")), (67, 1, None));
    assert_eq!(place(field(&layers, "tcp.opt.padding")), (68, 6, None));
}

#[test]
fn a_udp_datagram_names_its_ports_and_previews_its_data() {
    let seg = udp(B, A, 49152, 123, b"hello\x00ntp");
    let frame = eth(PC2, PC1, 0x0800, &ipv4(B, A, 17, 0, &seg));
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "udp"]);
    assert_eq!(field(&layers, "udp.dstport").value, "123 (ntp)");
    assert!(field(&layers, "udp.srcport").meaning.contains("dynamic"));
    assert_eq!(field(&layers, "udp.length").value, "17");
    assert!(field(&layers, "udp.checksum").value.ends_with("[correct]"));
    let data = field(&layers, "udp.data");
    assert_eq!(place(data), (42, 9, None));
    assert_eq!(data.value, "9 bytes \"hello.ntp\"");
}

/// A query and its answer as dig would send them.
fn dns_pair() -> (Vec<u8>, Vec<u8>) {
    use simnet::wire::dns::{DnsMessage, Record, RecordType};
    let query = DnsMessage::query(0x1234, "www.example.test", RecordType::A);
    let mut answer = query.clone();
    answer.flags.response = true;
    answer.flags.authoritative = true;
    answer.answers.push(Record::a(
        "www.example.test",
        Ipv4Addr::new(10, 0, 2, 80),
        300,
    ));
    let q = eth(
        PC2,
        PC1,
        0x0800,
        &ipv4(B, A, 17, 0, &udp(B, A, 49152, 53, &query.emit())),
    );
    let a = eth(
        PC1,
        PC2,
        0x0800,
        &ipv4(A, B, 17, 0, &udp(A, B, 53, 49152, &answer.emit())),
    );
    (q, a)
}

/// A DHCP OFFER with every option simnet's server sends.
fn dhcp_offer() -> Vec<u8> {
    use simnet::wire::dhcp::{DhcpMessage, MessageType};
    let discover = DhcpMessage::request(MessageType::Discover, 7, MacAddr(PC1));
    let mut offer = DhcpMessage::reply_to(&discover, MessageType::Offer);
    offer.yiaddr = B;
    offer.server_id = Some(A);
    offer.lease_time = Some(60);
    offer.renewal_time = Some(30);
    offer.rebinding_time = Some(52);
    offer.subnet_mask = Some(Ipv4Addr::new(255, 255, 255, 0));
    offer.routers = vec![A];
    offer.dns = vec![A];
    eth(
        PC1,
        PC2,
        0x0800,
        &ipv4(A, B, 17, 0, &udp(A, B, 67, 68, &offer.emit())),
    )
}

#[test]
fn a_dhcp_offer_shows_the_address_and_each_option() {
    let layers = dissect_frame(&dhcp_offer(), &en());
    assert_eq!(keys(&layers), ["eth", "ip", "udp", "dhcp"]);
    assert_eq!(
        layers[3].summary,
        "Offer, xid 0x00000007, from 02:00:00:00:00:01"
    );
    // yiaddr is bytes 16-19 of the message, after 42 bytes of headers.
    let yiaddr = field(&layers, "dhcp.yiaddr");
    assert_eq!(
        (place(yiaddr), yiaddr.value.as_str()),
        ((58, 4, None), "192.168.1.2")
    );
    assert_eq!(place(field(&layers, "dhcp.cookie")), (278, 4, None));
    let options: Vec<&str> = all_fields(&layers)
        .into_iter()
        .filter(|f| f.key == "dhcp.option")
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(
        options,
        [
            "(53) Offer",
            "(54) 10.0.0.1",
            "(51) 60 s",
            "(58) 30 s",
            "(59) 52 s",
            "(1) 255.255.255.0",
            "(3) 10.0.0.1",
            "(6) 10.0.0.1"
        ]
    );
    assert!(field(&layers, "dhcp.padding").meaning.contains("300 bytes"));
}

#[test]
fn a_dns_answer_shows_its_flags_question_and_record_in_place() {
    let (query, answer) = dns_pair();
    let layers = dissect_frame(&query, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "udp", "dns"]);
    assert_eq!(layers[3].summary, "DNS 4660+ A? www.example.test.");
    assert_eq!(place(field(&layers, "dns.id")), (42, 2, None));
    assert_eq!(field(&layers, "dns.id").value, "4660");
    assert_eq!(place(field(&layers, "dns.flags.rd")), (44, 1, Some((7, 1))));
    assert_eq!(field(&layers, "dns.flags.qr").value, "0");
    // 3www7example4test0: 18 bytes from byte 54.
    assert_eq!(place(field(&layers, "dns.qname")), (54, 18, None));
    assert_eq!(field(&layers, "dns.qtype").value, "A (1)");
    let layers = dissect_frame(&answer, &en());
    assert_eq!(field(&layers, "dns.flags.qr").value, "1");
    assert!(field(&layers, "dns.flags.aa").meaning.contains("authority"));
    assert_eq!(
        place(field(&layers, "dns.flags.rcode")),
        (45, 1, Some((4, 4)))
    );
    // The record's name is a pointer back to byte 12 of the message.
    let name = field(&layers, "dns.rr.name");
    assert_eq!(
        (place(name), name.value.as_str()),
        ((76, 2, None), "www.example.test.")
    );
    assert_eq!(field(&layers, "dns.rr.ttl").value, "300");
    assert_eq!(place(field(&layers, "dns.rr.rdata")), (88, 4, None));
    assert_eq!(field(&layers, "dns.rr.rdata").value, "10.0.2.80");
    assert_eq!(
        field(&layers, "dns.answer").value,
        "www.example.test. A 10.0.2.80"
    );
}

#[test]
fn a_wrong_checksum_is_flagged_with_the_value_it_should_have() {
    let mut packet = ipv4(A, B, 17, 0, &udp(A, B, 7, 7, b"echo"));
    let right = u16::from_be_bytes([packet[10], packet[11]]);
    packet[10] ^= 0x01;
    let wrong = u16::from_be_bytes([packet[10], packet[11]]);
    // The UDP checksum broken too.
    packet[26] ^= 0xff;
    let frame = eth(PC2, PC1, 0x0800, &packet);
    let layers = dissect_frame(&frame, &en());
    let ip = field(&layers, "ip.checksum");
    assert_eq!(
        ip.value,
        format!("0x{wrong:04x} [wrong, expected 0x{right:04x}]")
    );
    assert!(ip.meaning.contains("does NOT match"));
    assert!(layers[1].summary.contains("[wrong checksum]"));
    let udp = field(&layers, "udp.checksum");
    assert!(udp.value.contains("[wrong, expected 0x"), "{}", udp.value);
    // Repaired as the dissection says, the UDP checksum is right.
    let expected = udp
        .value
        .rsplit("0x")
        .next()
        .unwrap_or_default()
        .trim_end_matches(']');
    let fixed = u16::from_str_radix(expected, 16).expect("hex");
    packet[26..28].copy_from_slice(&fixed.to_be_bytes());
    let layers = dissect_frame(&eth(PC2, PC1, 0x0800, &packet), &en());
    assert!(field(&layers, "udp.checksum").value.ends_with("[correct]"));
}

#[test]
fn a_truncated_ipv4_header_says_where_and_keeps_the_bytes() {
    let packet = ipv4(A, B, 17, 0, &[]);
    let mut frame = eth(PC2, PC1, 0x0800, &packet);
    frame.truncate(25);
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip"]);
    assert_eq!(
        layers[1].summary,
        "IPv4 header truncated at byte 14: 11 of 20 bytes"
    );
    // What fits is shown, up to the protocol; half a checksum is raw data.
    assert_eq!(field(&layers, "ip.len").value, "20");
    assert_eq!(field(&layers, "ip.proto").value, "17 (UDP)");
    assert!(all_fields(&layers).iter().all(|f| f.key != "ip.checksum"));
    let data = field(&layers, "data");
    assert_eq!(place(data), (24, 1, None));
    // A frame shorter than an Ethernet header.
    let layers = dissect_frame(&frame[..5], &en());
    assert_eq!(keys(&layers), ["eth"]);
    assert_eq!(
        layers[0].summary,
        "Ethernet II header truncated at byte 0: 5 of 14 bytes"
    );
    assert_eq!(place(field(&layers, "data")), (0, 5, None));
}

#[test]
fn a_later_fragment_is_fragment_data_not_udp() {
    // Offset 185 × 8 = 1480: the second fragment of a large datagram.
    let frame = eth(PC2, PC1, 0x0800, &ipv4(A, B, 17, 185, &[0x41; 32]));
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "data"]);
    assert_eq!(field(&layers, "ip.frag").value, "185 (× 8 = 1480 bytes)");
    let data = field(&layers, "ip.fragment");
    assert_eq!(place(data), (34, 32, None));
    assert_eq!(data.name, "Fragment data");
    assert!(
        layers[1].summary.contains("fragment at byte 1480"),
        "{}",
        layers[1].summary
    );
    // A first fragment (MF set) is parsed, but its checksum cannot be checked.
    let frame = eth(
        PC2,
        PC1,
        0x0800,
        &ipv4(A, B, 17, 0x2000, &udp(A, B, 9, 9, &[0; 16])),
    );
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "udp"]);
    assert!(field(&layers, "udp.checksum")
        .value
        .ends_with("[not checked]"));
}

#[test]
fn an_icmp_error_takes_the_quoted_header_apart() {
    // Time exceeded, quoting an IP header and 8 bytes of UDP.
    let original = ipv4(B, A, 17, 0, &udp(B, A, 40000, 33434, &[0; 20]));
    let mut msg = vec![11, 0, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&original[..28]);
    let c = checksum::checksum(&msg);
    msg[2..4].copy_from_slice(&c.to_be_bytes());
    let frame = eth(PC1, PC2, 0x0800, &ipv4(A, B, 1, 0, &msg));
    let layers = dissect_frame(&frame, &en());
    assert_eq!(keys(&layers), ["eth", "ip", "icmp"]);
    assert_eq!(field(&layers, "icmp.type").value, "11 (Time exceeded)");
    assert_eq!(
        field(&layers, "icmp.code").value,
        "0 (TTL exceeded in transit)"
    );
    assert!(field(&layers, "icmp.checksum").value.ends_with("[correct]"));
    let quoted = field(&layers, "icmp.quoted");
    assert_eq!(place(quoted), (42, 28, None));
    let inner: Vec<&str> = quoted.children.iter().map(|c| c.key).collect();
    assert_eq!(inner, ["ip", "udp"]);
    let ports: Vec<&str> = quoted.children[1]
        .children
        .iter()
        .map(|f| f.value.as_str())
        .take(2)
        .collect();
    assert_eq!(ports, ["40000", "33434"]);
    // The quoted IP header's total length is larger than the 28 bytes: no
    // complaint, that is what ICMP quotes.
    assert!(
        !quoted.children[0].value.contains("cut short"),
        "{}",
        quoted.children[0].value
    );
}

#[test]
fn a_loopback_packet_counts_offsets_from_its_first_byte() {
    let packet = ipv4(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        17,
        0,
        &udp(A, B, 1, 2, b"x"),
    );
    let layers = dissect_frame(&[], &en());
    assert_eq!(keys(&layers), ["eth"]);
    let layers = dissect_ipv4_packet(&packet, &en());
    assert_eq!(keys(&layers), ["ip", "udp"]);
    assert_eq!(place(field(&layers, "ip.ttl")), (8, 1, None));
    assert!(field(&layers, "ip.src").meaning.contains("loopback"));
}

// ----- addresses and makers -----

#[test]
fn addresses_have_their_class_and_special_meaning() {
    let cases = [
        (
            "10.0.0.1",
            'A',
            vec![AddressNote::Private],
            "Class A",
            "private",
        ),
        (
            "192.168.1.2",
            'C',
            vec![AddressNote::Private],
            "Class C",
            "private",
        ),
        (
            "127.0.0.1",
            'A',
            vec![AddressNote::Loopback],
            "Class A",
            "loopback",
        ),
        (
            "224.0.0.1",
            'D',
            vec![AddressNote::Multicast],
            "Class D",
            "multicast",
        ),
        (
            "240.0.0.1",
            'E',
            vec![AddressNote::Reserved],
            "Class E",
            "reserved",
        ),
        (
            "172.31.0.9",
            'B',
            vec![AddressNote::Private],
            "Class B",
            "private",
        ),
        ("172.32.0.9", 'B', vec![], "Class B", "Class B"),
        (
            "169.254.3.4",
            'B',
            vec![AddressNote::LinkLocal],
            "Class B",
            "link-local",
        ),
        (
            "255.255.255.255",
            'E',
            vec![AddressNote::Broadcast],
            "Class E",
            "broadcast",
        ),
        ("8.8.8.8", 'A', vec![], "Class A", "Class A"),
    ];
    for (text, class, notes, class_words, note_word) in cases {
        let addr: Ipv4Addr = text.parse().expect("address");
        assert_eq!(address_class(addr), class, "{text}");
        assert_eq!(address_notes(addr), notes, "{text}");
        let frame = eth(
            PC2,
            PC1,
            0x0800,
            &ipv4(addr, A, 17, 0, &udp(addr, A, 1, 2, &[])),
        );
        let layers = dissect_frame(&frame, &en());
        let meaning = &field(&layers, "ip.src").meaning;
        assert!(meaning.contains(class_words), "{text}: {meaning}");
        assert!(meaning.contains(note_word), "{text}: {meaning}");
        if notes.is_empty() {
            assert!(!meaning.contains("private"), "{text}: {meaning}");
        }
    }
}

#[test]
fn the_oui_names_the_maker_and_local_addresses_have_none() {
    let vbox = MacAddr([0x08, 0x00, 0x27, 0x12, 0x34, 0x56]);
    assert_eq!(oui::maker(vbox), Some("VirtualBox (PCS Systemtechnik)"));
    assert!(!oui::is_local(vbox));
    let simnet = MacAddr::local(3);
    assert_eq!(oui::maker(simnet), None);
    assert!(oui::is_local(simnet));
    let frame = eth(
        vbox.0,
        PC1,
        0x0800,
        &ipv4(A, B, 17, 0, &udp(A, B, 1, 2, &[])),
    );
    let layers = dissect_frame(&frame, &en());
    assert_eq!(
        field(&layers, "eth.dst.oui").value,
        "08:00:27 (VirtualBox (PCS Systemtechnik))"
    );
    assert!(field(&layers, "eth.dst").meaning.contains("VirtualBox"));
    assert_eq!(field(&layers, "eth.dst.lg").value, "0");
    assert_eq!(
        field(&layers, "eth.src.oui").value,
        "02:00:00 (locally administered, no maker)"
    );
}

// ----- languages and text -----

/// Every sample frame of this file.
fn samples() -> Vec<Vec<u8>> {
    let mut frag = eth(PC2, PC1, 0x0800, &ipv4(A, B, 17, 185, &[0x41; 32]));
    frag[14] = 0x46; // IHL 6: one word of options, the fragment data moves
    vec![
        arp_request(),
        eth(
            PC2,
            PC1,
            0x0800,
            &ipv4(A, B, 1, 0x4000, &icmp_echo(7, 3, b"abc")),
        ),
        eth(PC2, PC1, 0x0800, &ipv4(A, B, 6, 0x4000, &tcp_syn(A, B))),
        eth(
            PC2,
            PC1,
            0x0800,
            &ipv4(B, A, 17, 0, &udp(B, A, 49152, 53, b"q")),
        ),
        eth(PC2, PC1, 0x86dd, &[0x60; 40]),
        dns_pair().0,
        dns_pair().1,
        dhcp_offer(),
        frag,
        arp_request()[..20].to_vec(),
        vec![0x02, 0, 0],
    ]
}

#[test]
fn every_word_shown_comes_from_the_catalogue_in_both_languages() {
    for lang in Lang::ALL {
        let cat = Catalogue::new(lang);
        for frame in samples() {
            let text = render_text(&dissect_frame(&frame, &cat), &frame, &cat);
            // A missing message shows as `[its-id]`.
            for prefix in [
                "[field-",
                "[layer-",
                "[summary-",
                "[value-",
                "[addr-",
                "[render-",
                "[icmp-",
                "[arp-",
                "[maker-",
                "[reason-",
            ] {
                assert!(!text.contains(prefix), "{lang}: {prefix} in\n{text}");
            }
        }
    }
}

#[test]
fn chinese_output_is_chinese() {
    let zh = Catalogue::new(Lang::Zh);
    let frame = eth(
        PC2,
        PC1,
        0x0800,
        &ipv4(A, B, 1, 0x4000, &icmp_echo(7, 3, b"abc")),
    );
    let layers = dissect_frame(&frame, &zh);
    let text = render_text(&layers, &frame, &zh);
    for word in ["目的", "源", "生存时间", "校验和", "私有地址", "回显请求"] {
        assert!(text.contains(word), "no {word} in\n{text}");
    }
    assert_eq!(field(&layers, "ip.ttl").name, "生存时间（TTL）");
    assert!(field(&layers, "ip.checksum").value.ends_with("[正确]"));
}

#[test]
fn the_text_has_a_block_per_layer_a_line_per_field_and_a_hex_dump() {
    let frame = arp_request();
    let cat = en();
    let text = render_text(&dissect_frame(&frame, &cat), &frame, &cat);
    assert!(
        text.contains("Ethernet II: 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ARP  [bytes 0-13]\n")
    );
    assert!(text.contains("\nARP: Who has 192.168.1.1? Tell 192.168.1.2  [bytes 14-41]\n"));
    assert!(
        text.contains("  @12 +2         EtherType: 0x0806 (ARP)\n"),
        "{text}"
    );
    assert!(
        text.contains("    @6 bit 7       I/G bit (group): 0\n"),
        "{text}"
    );
    assert!(text
        .contains("\n0000  ff ff ff ff ff ff 02 00  00 00 00 01 08 06 00 01  ................\n"));
    assert!(
        text.ends_with("0030  00 00 00 00 00 00 00 00  00 00 00 00              ............\n")
    );
}

#[test]
fn hex_is_read_with_any_separators_and_tcpdump_offsets() {
    assert_eq!(
        parse_hex("ff:FF-0a 0b\n0c"),
        Ok(vec![0xff, 0xff, 0x0a, 0x0b, 0x0c])
    );
    let tcpdump = "\t0x0000:  ffff ffff ffff 0200\n\t0x0008:  0000 0001 0806\n";
    assert_eq!(parse_hex(tcpdump).expect("tcpdump").len(), 14);
    let e = parse_hex("ff fx").unwrap_err().to_string();
    assert!(e.contains("'x' at position 5"), "{e}");
    let e = parse_hex("ff\nzz").unwrap_err().to_string();
    assert!(e.contains("line 2, column 1"), "{e}");
    assert!(parse_hex("fff").is_err());
    assert!(parse_hex("  ").is_err());
}

// ----- the command line -----

fn simnet(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_simnet"))
        .args(args)
        .output()
        .expect("simnet runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn explain_prints_the_layers_of_a_frame() {
    let frame = eth(PC2, PC1, 0x0800, &ipv4(A, B, 6, 0x4000, &tcp_syn(A, B)));
    let (status, out, err) = simnet(&["explain", &hex(&frame)]);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("Ethernet II: "), "{out}");
    assert!(
        out.contains("\nIPv4: 10.0.0.1 > 192.168.1.2, TTL 64, TCP"),
        "{out}"
    );
    assert!(out.contains("Maximum segment size (MSS): 1460"), "{out}");
    let (status, out, _) = simnet(&["explain", &hex(&frame), "--lang", "zh"]);
    assert_eq!(status, 0);
    assert!(out.contains("生存时间"), "{out}");
}

#[test]
fn explain_with_bad_hex_exits_2_naming_the_position() {
    let (status, out, err) = simnet(&["explain", "ff ff zz"]);
    assert_eq!(status, 2);
    assert!(out.is_empty());
    assert!(err.contains("'z' at position 7"), "{err}");
}

#[test]
fn run_with_frame_dissects_that_frame() {
    let (status, out, err) = simnet(&[
        "run",
        "scenarios/cross_subnet_arp.toml",
        "-q",
        "--frame",
        "1",
    ]);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("PASS"), "{out}");
    assert!(out.contains("frame 1: "), "{out}");
    assert!(
        out.contains("pc1.eth0 > 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 192.168.1.1")
    );
    assert!(
        out.contains("\nARP: Who has 192.168.1.1? Tell 192.168.1.2"),
        "{out}"
    );
    assert!(out.contains("Opcode: 1 (request)"), "{out}");

    let (status, out, err) = simnet(&[
        "run",
        "scenarios/cross_subnet_arp.toml",
        "-q",
        "--frame",
        "9999",
    ]);
    assert_eq!(status, 2, "{out}");
    // The count the CLI reports is the number of frame events in the capture.
    let s = scenario::load_file(Path::new("scenarios/cross_subnet_arp.toml")).expect("loads");
    let options = RunOptions {
        capture: true,
        ..RunOptions::default()
    };
    let capture = scenario::run(&s, options)
        .expect("runs")
        .capture
        .expect("capture");
    let frames = capture
        .events
        .iter()
        .filter(|e| !matches!(e.what, Captured::Note(_)))
        .count();
    assert!(err.contains(&format!("has {frames} frames")), "{err}");
}

#[test]
fn frames_from_a_run_have_correct_checksums() {
    let s = scenario::load_file(Path::new("scenarios/tcp_handshake.toml")).expect("loads");
    let options = RunOptions {
        capture: true,
        ..RunOptions::default()
    };
    let capture = scenario::run(&s, options)
        .expect("runs")
        .capture
        .expect("capture");
    let mut checked = 0;
    for event in &capture.events {
        let Some(bytes) = event.what.bytes() else {
            continue;
        };
        let layers = match event.what {
            Captured::Note(_) => dissect_ipv4_packet(bytes, &en()),
            _ => dissect_frame(bytes, &en()),
        };
        for f in all_fields(&layers) {
            if f.key.ends_with("checksum") {
                assert!(
                    f.value.ends_with("[correct]"),
                    "{}: {}",
                    event.line,
                    f.value
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "{checked}");
}

// ----- robustness -----

/// Every field lies inside the frame, covers a byte at least, and its bits
/// lie inside its bytes; children lie inside their parent.
fn check_places(layers: &[Layer], len: usize) -> Result<(), String> {
    fn walk(f: &Field, lo: usize, hi: usize) -> Result<(), String> {
        if f.len == 0 || f.offset < lo || f.offset + f.len > hi {
            return Err(format!(
                "{} at {}+{} outside {lo}..{hi}",
                f.key, f.offset, f.len
            ));
        }
        if let Some((first, count)) = f.bits {
            if count == 0 || usize::from(first) + usize::from(count) > f.len * 8 {
                return Err(format!(
                    "{} bits {first}+{count} outside {} bytes",
                    f.key, f.len
                ));
            }
        }
        for c in &f.children {
            walk(c, f.offset, f.offset + f.len)?;
        }
        Ok(())
    }
    for l in layers {
        if l.offset + l.len > len {
            return Err(format!(
                "layer {} at {}+{} outside {len}",
                l.key, l.offset, l.len
            ));
        }
        for f in &l.fields {
            walk(f, 0, len)?;
        }
    }
    Ok(())
}

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let samples = samples();
    let n = samples.len();
    (
        0..n,
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        any::<usize>(),
    )
        .prop_map(move |(i, flips, cut)| {
            let mut f = samples[i].clone();
            for (at, b) in flips {
                if !f.is_empty() {
                    let at = at % f.len();
                    f[at] = b;
                }
            }
            let keep = cut % (f.len() + 8);
            f.truncate(keep);
            f
        })
}

proptest! {
    #![proptest_config(Config { cases: 3000, rng_seed: RngSeed::Fixed(7), ..Config::default() })]

    #[test]
    fn random_and_mutated_frames_never_panic_and_stay_inside(
        frame in prop_oneof![proptest::collection::vec(any::<u8>(), 0..120), mutated()]
    ) {
        let cat = en();
        let layers = dissect_frame(&frame, &cat);
        prop_assert!(!layers.is_empty());
        check_places(&layers, frame.len()).map_err(TestCaseError::fail)?;
        let _ = render_text(&layers, &frame, &cat);
        let packet = frame.get(14..).unwrap_or(&[]);
        let layers = dissect_ipv4_packet(packet, &cat);
        prop_assert!(!layers.is_empty());
        check_places(&layers, packet.len()).map_err(TestCaseError::fail)?;
    }
}
