//! Hostile bytes (issue 9, section 4): every wire parser, the text decoder
//! and a host's and a router's whole input path take random and mutated
//! inputs without a panic, and a frame a parser rejects is dropped with a
//! `malformed` (or `bad-checksum`) trace line.
//!
//! Each target gets `SIMNET_FUZZ_CASES` inputs (default
//! `common::hostile::DEFAULT_CASES`, for CI; the full run is
//! `SIMNET_FUZZ_CASES=1000000 cargo test --release --test hostile_bytes`),
//! drawn from a seeded stream (`SIMNET_FUZZ_SEED`, default 9): a quarter
//! uniformly random bytes, the rest valid frames built by simnet's own
//! emitters (`common/samples.rs`) and then mutated (`common/mutate.rs`), their checksums
//! repaired half the time so that the code behind the checksum check is
//! reached. A panic is reported with the target's name and the input in
//! hex; `SIMNET_FUZZ_REPLAY=<hex> cargo test --release --test hostile_bytes
//! replay -- --nocapture` runs every parser target on those bytes again.
//!
//! The UDP and TCP targets' inputs are the pseudo-header's source and
//! destination addresses (8 bytes) followed by the segment.

mod common {
    pub mod hostile;
    pub mod hostile_node;
    pub mod mutate;
    pub mod samples;
}

use std::net::Ipv4Addr;
use std::time::Duration;

use common::hostile::{self, cases, guard, ipv4_addrs, ipv4_payload, outcome, run_cases, Dice};
use common::hostile_node::Bench;
use common::mutate::{fix_checksums, hostile_frame};
use common::samples::{any_sample, arp_sample, icmp_sample, tcp_sample, udp_sample, Sample};
use simnet::link::switch::Switch;
use simnet::sim::{Outbox, SimTime};
use simnet::wire::describe::{describe_frame, describe_frame_into, describe_ipv4};
use simnet::wire::dhcp::{self, DhcpMessage, MessageType};
use simnet::wire::dns::{self, DnsMessage, Rcode, Record, RecordType};
use simnet::wire::icmp::invoking_len;
use simnet::wire::MacAddr;
use simnet::wire::{
    ArpPacket, ArpRepr, EthernetFrame, EthernetRepr, IcmpPacket, IcmpRepr, Ipv4Packet, Ipv4Repr,
    TcpOptions, TcpPacket, TcpRepr, UdpPacket, UdpRepr,
};

// ----- the drivers: everything public a parser offers, on one input -----

fn drive_ethernet(b: &[u8]) -> &'static str {
    if let Ok(frame) = EthernetFrame::new_checked(b) {
        let _ = (frame.dst_addr(), frame.src_addr(), frame.ethertype());
        assert_eq!(frame.payload().len(), b.len() - 14);
    }
    let repr = EthernetRepr::parse(&EthernetFrame::new_unchecked(b));
    assert_eq!(repr.is_ok(), b.len() >= 14);
    outcome(&repr)
}

fn drive_arp(b: &[u8]) -> &'static str {
    if let Ok(p) = ArpPacket::new_checked(b) {
        let _ = (p.hardware_type(), p.protocol_type(), p.operation());
        let _ = (p.hardware_len(), p.protocol_len());
        let _ = (p.sender_hardware_addr(), p.sender_protocol_addr());
        let _ = (p.target_hardware_addr(), p.target_protocol_addr());
    }
    let parsed = ArpRepr::parse(b);
    if let Ok(repr) = parsed {
        let mut out = vec![0; repr.buffer_len()];
        repr.emit(&mut out);
        assert_eq!(ArpRepr::parse(&out), Ok(repr), "ARP round trip");
    }
    outcome(&parsed)
}

fn drive_ipv4(b: &[u8]) -> &'static str {
    if let Ok(p) = Ipv4Packet::new_checked(b) {
        let _ = (p.version(), p.header_len(), p.dscp_ecn(), p.total_len());
        let _ = (p.ident(), p.dont_frag(), p.more_frags(), p.frag_offset());
        let _ = (p.ttl(), p.protocol(), p.header_checksum());
        let _ = (p.src_addr(), p.dst_addr(), p.options(), p.payload());
        let _ = p.verify_checksum();
        // The router's in-place TTL update keeps the checksum right.
        let mut copy = b.to_vec();
        let mut q = Ipv4Packet::new_unchecked(&mut copy[..]);
        let ok = q.verify_checksum();
        q.decrement_ttl();
        assert_eq!(q.verify_checksum(), ok, "decrement_ttl broke the checksum");
        let _ = q.payload_mut();
    }
    let parsed = Ipv4Repr::parse(&Ipv4Packet::new_unchecked(b));
    if let Ok(repr) = parsed {
        let mut out = vec![0; repr.total_len()];
        repr.emit(&mut out);
        let back = Ipv4Repr::parse(&Ipv4Packet::new_unchecked(&out[..]));
        assert_eq!(back, Ok(repr), "IPv4 round trip");
    }
    let _ = invoking_len(b);
    outcome(&parsed)
}

fn drive_icmp(b: &[u8]) -> &'static str {
    if let Ok(p) = IcmpPacket::new_checked(b) {
        let _ = (
            p.msg_type(),
            p.msg_code(),
            p.checksum(),
            p.verify_checksum(),
        );
        let _ = (p.echo_ident(), p.echo_seq_no(), p.data());
    }
    let parsed = IcmpRepr::parse(b);
    if let Ok(repr) = parsed {
        let mut out = vec![0; repr.buffer_len()];
        repr.emit(&mut out);
        assert_eq!(IcmpRepr::parse(&out), Ok(repr), "ICMP round trip");
    }
    outcome(&parsed)
}

/// The pseudo-header's addresses (the first 8 bytes) and the segment.
fn split_addrs(b: &[u8]) -> (Ipv4Addr, Ipv4Addr, &[u8]) {
    let (src, dst) = ipv4_addrs(&[&[0; 12], b.get(..8).unwrap_or_default()].concat());
    (src, dst, b.get(8..).unwrap_or_default())
}

fn drive_udp(b: &[u8]) -> &'static str {
    let (src, dst, b) = split_addrs(b);
    if let Ok(p) = UdpPacket::new_checked(b) {
        let _ = (
            p.src_port(),
            p.dst_port(),
            p.len(),
            p.is_empty(),
            p.checksum(),
        );
        let _ = (p.payload(), p.verify_checksum(src, dst));
    }
    let parsed = UdpRepr::parse(&UdpPacket::new_unchecked(b), src, dst);
    if let Ok(repr) = parsed {
        let mut out = vec![0; repr.buffer_len()];
        repr.emit(&mut out, src, dst);
        let back = UdpRepr::parse(&UdpPacket::new_unchecked(&out[..]), src, dst);
        assert_eq!(back, Ok(repr), "UDP round trip");
    }
    outcome(&parsed)
}

/// A DNS message: parsed, summarised, and, when it parses, written back
/// and parsed again to the same message (names compare without case).
fn drive_dns(b: &[u8]) -> &'static str {
    let mut line = String::new();
    dns::describe(b, &mut line);
    dissect_as(b, 40000, 53);
    let parsed = DnsMessage::parse(b);
    if let Ok(message) = &parsed {
        let _ = (message.addrs(), message.emit_within(dns::UDP_LIMIT));
        // Names with escaped bytes are text, not labels, once parsed: only
        // plain names are expected back unchanged.
        let plain = |n: &str| !n.contains('\\');
        let names_plain = message.questions.iter().map(|q| q.name.as_str()).all(plain)
            && [&message.answers, &message.authority, &message.additional]
                .iter()
                .all(|s| s.iter().all(|r| plain(&r.name)));
        if names_plain {
            let back = DnsMessage::parse(&message.emit());
            assert_eq!(back.as_ref(), Ok(message), "DNS round trip");
        }
    }
    outcome(&parsed)
}

/// A DHCP message: parsed, summarised, and written back and parsed again
/// to the same message when it parses.
fn drive_dhcp(b: &[u8]) -> &'static str {
    let mut line = String::new();
    dhcp::describe(b, &mut line);
    dissect_as(b, 68, 67);
    let parsed = DhcpMessage::parse(b);
    if let Ok(message) = &parsed {
        let _ = message.lease();
        // Only what simnet writes survives a round trip: the host name is
        // read lossily, and lists are written in pieces of 255.
        if message.host_name.is_none() {
            let back = DhcpMessage::parse(&message.emit());
            assert_eq!(back.as_ref(), Ok(message), "DHCP round trip");
        }
    }
    outcome(&parsed)
}

/// A DHCP sample (any of the eight kinds, with options), often mutated.
fn dhcp_input(d: &mut Dice) -> Vec<u8> {
    if d.chance(1, 8) {
        let len = d.length(true);
        return d.bytes(len);
    }
    let kinds = [
        MessageType::Discover,
        MessageType::Offer,
        MessageType::Request,
        MessageType::Ack,
        MessageType::Nak,
        MessageType::Release,
    ];
    let mut m = DhcpMessage::request(
        d.pick(&kinds),
        d.dword(),
        MacAddr([2, 0, 0, 0, 0, d.byte()]),
    );
    m.reply = d.chance(1, 2);
    m.broadcast = d.chance(1, 2);
    m.yiaddr = d.addr();
    if d.chance(1, 2) {
        m.lease_time = Some(d.dword());
        m.server_id = Some(d.addr());
        m.subnet_mask = Some(d.addr());
        m.routers = (0..d.below(3)).map(|_| d.addr()).collect();
        m.dns = (0..d.below(3)).map(|_| d.addr()).collect();
    }
    let mut b = m.emit();
    for _ in 0..d.below(4) {
        if b.is_empty() {
            break;
        }
        match d.below(3) {
            0 => {
                let at = d.below(b.len());
                b[at] = d.byte();
            }
            1 => b.truncate(d.below(b.len())),
            _ => {
                // An option's length byte, often past the end.
                let at = 240 + d.below(b.len().saturating_sub(240).max(1));
                if let Some(x) = b.get_mut(at) {
                    *x = d.byte();
                }
            }
        }
    }
    b
}

thread_local! {
    static ENGLISH: simnet::i18n::Catalogue = simnet::i18n::Catalogue::new(simnet::i18n::Lang::En);
}

/// The dissector on `b` as the data of a datagram from `sport` to
/// `dport` (53 for DNS, 68 to 67 for DHCP): every field inside the frame.
fn dissect_as(b: &[u8], sport: u16, dport: u16) {
    let Ok(len) = u16::try_from(8 + b.len()) else {
        return;
    };
    let mut udp = [sport.to_be_bytes(), dport.to_be_bytes()].concat();
    udp.extend_from_slice(&len.to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(b);
    let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
    let total = (20 + udp.len()) as u16;
    let mut ip = vec![
        0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    frame.extend(ip);
    frame.extend(udp);
    let layers = ENGLISH.with(|cat| simnet::wire::dissect::dissect_frame(&frame, cat));
    fn inside(f: &simnet::wire::dissect::Field, len: usize) {
        assert!(
            f.offset + f.len <= len,
            "{} at {}+{} past {len}",
            f.key,
            f.offset,
            f.len
        );
        for c in &f.children {
            inside(c, len);
        }
    }
    for layer in &layers {
        for f in &layer.fields {
            inside(f, frame.len());
        }
    }
}

/// A valid message of each kind the resolver and the server exchange.
fn dns_sample(d: &mut Dice) -> Vec<u8> {
    let names = ["www.example.test", "big.example.test", "a.b.c.d.e", "x"];
    let name = d.pick(&names);
    let mut message = DnsMessage::query(d.word(), name, RecordType(d.pick(&[1, 28, 255, 15])));
    if d.chance(2, 3) {
        message.flags.response = true;
        message.flags.authoritative = d.chance(1, 2);
        message.flags.rcode = Rcode(d.pick(&[0, 0, 3, 2, 5]));
        for _ in 0..d.below(40) {
            let owner = if d.chance(3, 4) { name } else { d.pick(&names) };
            message.answers.push(Record::a(owner, d.addr(), d.dword()));
        }
    }
    if d.chance(1, 2) {
        message.emit_within(dns::UDP_LIMIT)
    } else {
        message.emit()
    }
}

/// A DNS sample with bytes flipped, cut, or repeated; or random bytes.
fn dns_input(d: &mut Dice) -> Vec<u8> {
    if d.chance(1, 8) {
        let len = d.length(false);
        return d.bytes(len);
    }
    let mut b = dns_sample(d);
    for _ in 0..d.below(4) {
        if b.is_empty() {
            break;
        }
        match d.below(4) {
            0 => {
                let at = d.below(b.len());
                b[at] = d.byte();
            }
            1 => b.truncate(d.below(b.len())),
            // A compression pointer anywhere, often pointing at itself or
            // forwards.
            2 => {
                let at = d.below(b.len());
                b[at] = 0xc0 | (d.byte() & 0x3f);
            }
            _ => {
                let at = d.below(b.len());
                let tail = b[at..].to_vec();
                b.extend(tail);
            }
        }
    }
    b
}

/// Walks `options` to the end; the iterator must stop, having taken at
/// least one byte per option. `"ok"`, or `"malformed"` if an option was.
fn walk_options(options: TcpOptions<'_>, len: usize) -> &'static str {
    let mut count = 0;
    let mut result = "ok";
    for option in options {
        if option.is_err() {
            result = "malformed";
        }
        count += 1;
        assert!(count <= len + 1, "TCP options iterator does not end");
    }
    result
}

fn drive_tcp(b: &[u8]) -> &'static str {
    let (src, dst, b) = split_addrs(b);
    if let Ok(p) = TcpPacket::new_checked(b) {
        let _ = (p.src_port(), p.dst_port(), p.seq_number(), p.ack_number());
        let _ = (p.data_offset(), p.header_len(), p.flag_bits(), p.flags());
        let _ = (p.window(), p.checksum(), p.urgent_pointer(), p.payload());
        let _ = p.verify_checksum(src, dst);
        let _ = walk_options(p.options_iter(), p.options().len());
    }
    let parsed = TcpRepr::parse(&TcpPacket::new_unchecked(b), src, dst);
    if let Ok(repr) = parsed {
        let mut out = vec![0; repr.buffer_len()];
        repr.emit(&mut out, src, dst);
        let back = TcpRepr::parse(&TcpPacket::new_unchecked(&out[..]), src, dst);
        assert_eq!(back, Ok(repr), "TCP round trip");
    }
    outcome(&parsed)
}

fn drive_tcp_options(b: &[u8]) -> &'static str {
    walk_options(TcpOptions::new(b), b.len())
}

fn drive_describe(b: &[u8]) -> &'static str {
    let line = describe_frame(b);
    assert!(
        line.ends_with(&format!(", length {}", b.len())),
        "description without its length: {line}"
    );
    let mut out = String::from("x");
    describe_frame_into(b, &mut out);
    assert_eq!(out[1..], line, "describe_frame_into differs");
    let _ = describe_ipv4(b.get(14..).unwrap_or_default());
    let _ = describe_ipv4(b);
    // Whether the decoder named something it could not decode.
    if line.contains('[') {
        "flagged"
    } else {
        "clean"
    }
}

// ----- the inputs of each target -----

fn frame_input(d: &mut Dice) -> Vec<u8> {
    hostile_frame(d, any_sample)
}

/// The bytes after the Ethernet header of a hostile frame from `make`, or
/// (now and then) random bytes of their own.
fn l3_input(d: &mut Dice, make: fn(&mut Dice) -> Sample) -> Vec<u8> {
    if d.chance(1, 8) {
        let len = d.length(true);
        return d.bytes(len);
    }
    hostile_frame(d, make)
        .get(14..)
        .unwrap_or_default()
        .to_vec()
}

/// The payload of the IPv4 packet in a hostile frame from `make`.
fn l4_input(d: &mut Dice, make: fn(&mut Dice) -> Sample) -> Vec<u8> {
    if d.chance(1, 8) {
        let len = d.length(true);
        return d.bytes(len);
    }
    let frame = hostile_frame(d, make);
    ipv4_payload(frame.get(14..).unwrap_or_default()).to_vec()
}

/// The pseudo-header's addresses and the IPv4 payload, as the UDP and TCP
/// drivers take them.
fn l4_with_addrs(d: &mut Dice, make: fn(&mut Dice) -> Sample) -> Vec<u8> {
    let frame = hostile_frame(d, make);
    let ip = frame.get(14..).unwrap_or_default();
    let (src, dst) = ipv4_addrs(ip);
    let mut input = [src.octets(), dst.octets()].concat();
    if d.chance(1, 8) {
        let len = d.length(true);
        input.extend(d.bytes(len));
    } else {
        input.extend_from_slice(ipv4_payload(ip));
    }
    input
}

fn options_input(d: &mut Dice) -> Vec<u8> {
    if d.chance(1, 4) {
        let len = d.below(44);
        return d.bytes(len);
    }
    let frame = hostile_frame(d, tcp_sample);
    let segment = ipv4_payload(frame.get(14..).unwrap_or_default());
    // The options as a header would hold them, or everything after the
    // fixed header (Data Offset ignored).
    let options = segment.get(20..).unwrap_or_default();
    match segment.get(12) {
        Some(&offset) if d.chance(1, 2) => {
            let len = (usize::from(offset >> 4) * 4).saturating_sub(20);
            options[..len.min(options.len())].to_vec()
        }
        _ => options.to_vec(),
    }
}

// ----- the parser targets -----

/// Every outcome a length- and checksum-checking parser has.
const OUTCOMES: [&str; 4] = ["ok", "truncated", "checksum", "malformed"];

#[test]
fn ethernet_takes_hostile_bytes() {
    run_cases(
        "Ethernet",
        cases(),
        &["ok", "truncated"],
        frame_input,
        drive_ethernet,
    );
}

#[test]
fn arp_takes_hostile_bytes() {
    run_cases(
        "ARP",
        cases(),
        &["ok", "malformed", "truncated"],
        |d| l3_input(d, arp_sample),
        drive_arp,
    );
}

#[test]
fn ipv4_takes_hostile_bytes() {
    run_cases(
        "IPv4",
        cases(),
        &OUTCOMES,
        |d| l3_input(d, any_sample),
        drive_ipv4,
    );
}

#[test]
fn icmp_takes_hostile_bytes() {
    run_cases(
        "ICMP",
        cases(),
        &["ok", "checksum", "truncated"],
        |d| l4_input(d, icmp_sample),
        drive_icmp,
    );
}

#[test]
fn dns_takes_hostile_bytes() {
    run_cases(
        "DNS",
        cases(),
        &["ok", "truncated", "malformed"],
        dns_input,
        drive_dns,
    );
}

#[test]
fn dhcp_takes_hostile_bytes() {
    run_cases(
        "DHCP",
        cases(),
        &["ok", "truncated", "malformed"],
        dhcp_input,
        drive_dhcp,
    );
}

#[test]
fn udp_takes_hostile_bytes() {
    run_cases(
        "UDP",
        cases(),
        &OUTCOMES,
        |d| l4_with_addrs(d, udp_sample),
        drive_udp,
    );
}

#[test]
fn tcp_takes_hostile_bytes() {
    run_cases(
        "TCP",
        cases(),
        &OUTCOMES,
        |d| l4_with_addrs(d, tcp_sample),
        drive_tcp,
    );
}

#[test]
fn tcp_options_take_hostile_bytes() {
    run_cases(
        "TCP options",
        cases(),
        &["ok", "malformed"],
        options_input,
        drive_tcp_options,
    );
}

#[test]
fn describe_takes_hostile_bytes() {
    run_cases(
        "describe",
        cases(),
        &["clean", "flagged"],
        frame_input,
        drive_describe,
    );
}

// ----- the nodes -----

/// A hostile frame aimed at `mac`'s node most of the time (its own MAC or
/// broadcast, so that it gets past the NIC's filter).
fn frame_for(d: &mut Dice, macs: &[[u8; 6]]) -> Vec<u8> {
    let mut frame = frame_input(d);
    if frame.len() >= 6 && d.chance(7, 8) {
        let mac = if d.chance(1, 6) {
            [0xff; 6]
        } else {
            d.pick(macs)
        };
        frame[..6].copy_from_slice(&mac);
    }
    frame
}

fn run_node(name: &str, mut bench: Bench, macs: &[[u8; 6]]) {
    let required = ["taken", "malformed", "bad-checksum", "not-our-mac"];
    run_cases(
        name,
        cases(),
        &required,
        |d| frame_for(d, macs),
        |frame| bench.deliver(frame).unwrap_or_else(|e| panic!("{e}")),
    );
}

#[test]
fn host_takes_hostile_frames() {
    run_node("host", Bench::host(), &[hostile::HOST_MAC.0]);
}

#[test]
fn router_takes_hostile_frames() {
    let macs = [hostile::ROUTER_MAC0.0, hostile::ROUTER_MAC1.0];
    run_node("router", Bench::router(), &macs);
}

#[test]
fn switch_takes_hostile_frames() {
    let mut switch = Switch::new(Duration::from_secs(300));
    for _ in 0..3 {
        switch.add_port();
    }
    let mut out = Outbox::new(true);
    let mut now = SimTime::ZERO;
    run_cases("switch", cases(), &["forwarded"], frame_input, |frame| {
        let port = frame.len() % 3;
        switch.on_frame(now, port, frame.to_vec(), &mut out);
        if frame.len() < 14 {
            let dropped = out.notes.iter().any(|n| {
                matches!(n, simnet::trace::event::Note::Drop { cause, .. }
                    if *cause == simnet::trace::event::DropCause::Malformed)
            });
            assert!(dropped, "no `drop malformed` for a runt frame");
        }
        out.notes.clear();
        let outcome = if out.frames.is_empty() {
            "dropped"
        } else {
            "forwarded"
        };
        out.frames.clear();
        now += Duration::from_millis(10);
        outcome
    });
}

// ----- the harness itself -----

/// The guard catches a panic and reports the target and the input in hex.
#[test]
fn guard_reports_a_panic_with_its_input() {
    let failure = guard("self-test", &[0xde, 0xad, 0xbe, 0xef], || {
        panic!("deliberate {}", 42)
    })
    .expect_err("the panic must be caught");
    let report = failure.to_string();
    assert!(
        report.contains("self-test panicked: deliberate 42"),
        "{report}"
    );
    assert!(report.contains("deadbeef"), "{report}");
    assert_eq!(guard("self-test", &[], || 7).ok(), Some(7));
}

/// A target that panics on some input makes the run fail, naming the case.
#[test]
fn run_cases_fails_on_a_panicking_target() {
    let run = std::panic::catch_unwind(|| {
        run_cases(
            "self-test",
            10_000,
            &[],
            |d| d.bytes(4),
            |b| {
                assert!(b[0] != 0x42, "deliberate");
                "ok"
            },
        )
    });
    let payload = run.expect_err("a panicking target must fail the run");
    let message = payload.downcast_ref::<String>().expect("a message");
    assert!(message.contains("self-test panicked"), "{message}");
    assert!(message.contains("input (4 bytes)"), "{message}");
}

/// A run in which a required outcome never happens fails: the generator
/// must keep reaching the code behind each check.
#[test]
fn run_cases_fails_when_an_outcome_never_happens() {
    let run = std::panic::catch_unwind(|| {
        run_cases("self-test", 2000, &["deep"], |d| d.bytes(1), |_| "shallow")
    });
    let payload = run.expect_err("a missing outcome must fail the run");
    let message = payload.downcast_ref::<String>().expect("a message");
    assert!(message.contains("only 0 of 2000"), "{message}");
}

/// The node check fails when a rejected frame leaves no `malformed` line:
/// a runt frame on the switch's side of the check is not enough, so ask
/// the oracle directly about frames each parser rejects.
#[test]
fn oracle_expects_drops_for_rejected_frames() {
    use common::hostile_node::expected_drop;
    use simnet::trace::event::DropCause;
    let node = {
        let mut n = simnet::stack::IpNode::new(false);
        n.add_iface(simnet::stack::IpIface {
            name: "eth0".into(),
            mac: hostile::HOST_MAC,
            cidr: "192.168.1.2/24".parse().unwrap(),
            mtu: 1500,
        });
        n
    };
    assert_eq!(
        expected_drop(&node, 0, &[0; 13]),
        Some(DropCause::Malformed)
    );
    let mut d = Dice::new("oracle");
    let mut frame = udp_sample(&mut d).frame;
    frame[..6].copy_from_slice(&hostile::HOST_MAC.0);
    // To 192.168.1.2, a whole datagram: the UDP checksum is checked.
    frame[14 + 6..14 + 8].fill(0);
    frame[14 + 12..14 + 20].copy_from_slice(&[192, 168, 1, 9, 192, 168, 1, 2]);
    fix_checksums(&mut frame);
    assert_eq!(expected_drop(&node, 0, &frame), None);
    let udp = 14 + usize::from(frame[14] & 0x0f) * 4;
    frame[udp + 6] ^= 0xff;
    let bad = Some(DropCause::BadChecksum);
    assert_eq!(expected_drop(&node, 0, &frame), bad, "UDP checksum");
    frame[14 + 10] ^= 0xff;
    assert_eq!(expected_drop(&node, 0, &frame), bad, "IPv4 checksum");
    frame[14] = 0x44;
    let malformed = Some(DropCause::Malformed);
    assert_eq!(expected_drop(&node, 0, &frame), malformed, "IHL 4");
}

/// A target's driver: what became of the input.
type Driver = fn(&[u8]) -> &'static str;

/// Every parser target on the bytes of `SIMNET_FUZZ_REPLAY` (hex), to
/// replay a reported failure; nothing when it is not set.
#[test]
fn replay() {
    let Ok(text) = std::env::var("SIMNET_FUZZ_REPLAY") else {
        return;
    };
    let input = hostile::from_hex(&text);
    let targets: [(&str, Driver); 12] = [
        ("Ethernet", drive_ethernet),
        ("ARP", drive_arp),
        ("IPv4", drive_ipv4),
        ("ICMP", drive_icmp),
        ("UDP", drive_udp),
        ("TCP", drive_tcp),
        ("TCP options", drive_tcp_options),
        ("describe", drive_describe),
        ("DNS", drive_dns),
        ("DHCP", drive_dhcp),
        ("host", |b| Bench::host().deliver(b).unwrap()),
        ("router", |b| Bench::router().deliver(b).unwrap()),
    ];
    let only = std::env::var("SIMNET_FUZZ_TARGET").ok();
    let mut failed = Vec::new();
    for (name, drive) in targets {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        match guard(name, &input, || drive(&input)) {
            Ok(outcome) => println!("{name}: {outcome}"),
            Err(f) => failed.push(f.to_string()),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
