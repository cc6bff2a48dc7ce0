//! A host and a router of simnet's own stack, fed hostile frames one at a
//! time through [`IpNode::on_frame`], with a tiny event loop for the timers
//! they arm (ARP retries, reassembly timeouts, TCP), so that what a hostile
//! frame leaves behind is exercised too. Every trace note is rendered as the
//! text trace would render it, every frame the node sends must be a valid
//! frame, and a frame that one of the node's parsers rejects must leave a
//! `drop malformed` or `drop bad-checksum` line (see [`expected_drop`]).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use simnet::sim::{Outbox, SimTime};
use simnet::stack::udp::SocketId;
use simnet::stack::{IpIface, IpNode, PingConfig, Timer};
use simnet::trace::event::{Direction, DropCause, Note, Record, What};
use simnet::trace::text::render;
use simnet::wire::ethernet::{HEADER_LEN, MAX_FRAME_LEN, MIN_FRAME_LEN};
use simnet::wire::{
    ArpRepr, EtherType, EthernetFrame, EthernetRepr, IcmpRepr, IpProtocol, Ipv4Packet, Ipv4Repr,
    MacAddr, SackBlocks, TcpFlags, TcpPacket, TcpRepr, TcpTimestamp, UdpPacket, UdpRepr, WireError,
};

use super::hostile::{Dice, HOST_MAC, ROUTER_MAC0, ROUTER_MAC1};
use super::mutate::{fix_checksums, mutate};
use super::samples::{Field, Sample};

/// One node under test and its pending timers.
pub struct Bench {
    name: &'static str,
    node: IpNode,
    iface_names: Vec<String>,
    now: SimTime,
    /// Pending timers by (due time, arming order).
    timers: BTreeMap<(SimTime, u64), Timer>,
    /// The arming order at which each timer was last cancelled: a firing
    /// armed before that is void.
    cancelled: HashMap<Timer, u64>,
    armed: u64,
    out: Outbox,
    udp_sockets: Vec<SocketId>,
    listener: Option<SocketId>,
    frames_in: u64,
    line: String,
    /// Trace lines of the timers fired for the current input (the first 40).
    recent: Vec<String>,
    /// The IP packets of the last TCP segments the node sent (at most 16).
    sent_tcp: Vec<Vec<u8>>,
    /// Connections that hostile handshakes opened and the bench accepted.
    accepted: u64,
}

impl Drop for Bench {
    fn drop(&mut self) {
        eprintln!(
            "{}: {} frames in, {} TCP connections accepted",
            self.name, self.frames_in, self.accepted
        );
    }
}

/// Timer firings one input may cause before the bench calls it a loop.
const MAX_FIRINGS: usize = 10_000;

fn iface(name: &str, mac: MacAddr, cidr: &str, mtu: u16) -> IpIface {
    IpIface {
        name: name.into(),
        mac,
        cidr: cidr.parse().expect("cidr"),
        mtu,
    }
}

impl Bench {
    /// pc1: 192.168.1.2/24 behind 192.168.1.1, a UDP socket on port 7 (and
    /// one connected to 192.168.2.2:7, which ICMP errors reach), a TCP
    /// listener on port 80, a ping whose replies hostile frames may
    /// imitate, and static neighbours 192.168.1.9 and the gateway.
    pub fn host() -> Bench {
        let mut node = IpNode::new(false);
        node.seed_rng(9, "pc1");
        node.add_iface(iface("eth0", HOST_MAC, "192.168.1.2/24", 1500));
        node.add_route(
            "0.0.0.0/0".parse().expect("cidr"),
            Ipv4Addr::new(192, 168, 1, 1),
        )
        .expect("route");
        let any7 = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 7);
        let bound = node.udp().bind(any7, false).expect("bind");
        let connected = node
            .udp()
            .bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 49152), false)
            .expect("bind");
        node.udp_connect(
            connected,
            SocketAddrV4::new(Ipv4Addr::new(192, 168, 2, 2), 7),
        )
        .expect("connect");
        let listener = node
            .tcp_listen(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 80))
            .expect("listen");
        node.add_ping(PingConfig {
            dst: Ipv4Addr::new(192, 168, 2, 2),
            count: 3,
            interval: Duration::from_secs(1),
            size: 56,
            ttl: 64,
            wait: Duration::from_secs(10),
        });
        // Static neighbours (the generator's usual peer, the gateway), so
        // that answers to hostile frames leave at once instead of waiting
        // for ARP replies that never come.
        let mut out = Outbox::new(false);
        for (ip, mac) in [
            (Ipv4Addr::new(192, 168, 1, 9), MacAddr::local(2)),
            (Ipv4Addr::new(192, 168, 1, 1), ROUTER_MAC0),
        ] {
            node.add_static_neighbor(0, ip, mac, &mut out)
                .expect("static neighbour");
        }
        let mut bench = Bench::new("pc1", node);
        bench.udp_sockets = vec![bound, connected];
        bench.listener = Some(listener);
        bench.arm(SimTime::ZERO, Timer::PingSend(0));
        bench
    }

    /// gw: 192.168.1.1/24 on eth0 (MTU 1500), 192.168.2.1/24 on eth1 with
    /// a small MTU (576), so that forwarding fragments; 192.168.2.2 is a
    /// static neighbour, so forwarded packets to it leave at once.
    pub fn router() -> Bench {
        let mut node = IpNode::new(true);
        node.seed_rng(9, "gw");
        node.add_iface(iface("eth0", ROUTER_MAC0, "192.168.1.1/24", 1500));
        node.add_iface(iface("eth1", ROUTER_MAC1, "192.168.2.1/24", 576));
        let mut out = Outbox::new(false);
        node.add_static_neighbor(
            1,
            Ipv4Addr::new(192, 168, 2, 2),
            MacAddr::local(2),
            &mut out,
        )
        .expect("static neighbour");
        Bench::new("gw", node)
    }

    fn new(name: &'static str, node: IpNode) -> Bench {
        let iface_names = node.ifaces().iter().map(|i| i.name.clone()).collect();
        Bench {
            name,
            node,
            iface_names,
            now: SimTime::from_secs(1),
            timers: BTreeMap::new(),
            cancelled: HashMap::new(),
            armed: 0,
            out: Outbox::new(true),
            udp_sockets: Vec::new(),
            listener: None,
            frames_in: 0,
            line: String::new(),
            recent: Vec::new(),
            sent_tcp: Vec::new(),
            accepted: 0,
        }
    }

    fn arm(&mut self, at: SimTime, timer: Timer) {
        self.armed += 1;
        self.timers.insert((at, self.armed), timer);
    }

    /// The interface a frame arrives on: the one its destination MAC names,
    /// else (a broadcast, a stranger's MAC) one chosen from its length.
    fn iface_for(&self, frame: &[u8]) -> usize {
        let ifaces = self.node.ifaces();
        let dst = frame.get(..6);
        ifaces
            .iter()
            .position(|i| dst == Some(&i.mac.0[..]))
            .unwrap_or(frame.len() % ifaces.len())
    }

    /// Hands `frame` to the node, then lets virtual time move on (1 ms, and
    /// 20 s every 500 frames) and fires the timers that fall due. Returns an
    /// error naming what went wrong: a missing drop line, a bad frame sent.
    /// Ok names what became of the frame: the cause of its drop (such as
    /// `"malformed"`), or `"taken"`.
    pub fn deliver(&mut self, frame: &[u8]) -> Result<&'static str, String> {
        let outcome = self.take(frame)?;
        // Answer a segment the node sent (a SYN-ACK, data): the handshakes
        // of hostile SYNs complete, and the connections they open meet
        // hostile segments in their synchronized states too.
        for round in 0..2u8 {
            let Some(segment) = self.sent_tcp.pop() else {
                break;
            };
            if let Some(reply) = tcp_answer(&segment, &[frame, &[round]].concat()) {
                self.take(&reply)?;
            }
        }
        self.frames_in += 1;
        let step = if self.frames_in % 500 == 0 {
            Duration::from_secs(20)
        } else {
            Duration::from_millis(1)
        };
        self.now += step;
        self.fire_due()?;
        if self.frames_in % 64 == 0 {
            self.drain_sockets()?;
        }
        Ok(outcome)
    }

    /// Hands one frame to the node and checks what it did (see
    /// [`Bench::deliver`]).
    fn take(&mut self, frame: &[u8]) -> Result<&'static str, String> {
        let iface = self.iface_for(frame);
        let expected = expected_drop(&self.node, iface, frame);
        self.node
            .on_frame(self.now, iface, frame.to_vec(), &mut self.out);
        if let Some(cause) = expected {
            self.check_dropped(cause)?;
        }
        let outcome = self
            .out
            .notes
            .iter()
            .find_map(|n| match n {
                Note::Drop { cause, .. } => Some(cause.name()),
                _ => None,
            })
            .unwrap_or("taken");
        self.flush()?;
        Ok(outcome)
    }

    /// Whether the notes of the last input hold a drop for `cause`, whose
    /// text line names it.
    fn check_dropped(&mut self, cause: DropCause) -> Result<(), String> {
        let note = self
            .out
            .notes
            .iter()
            .find(|n| matches!(n, Note::Drop { cause: c, .. } if *c == cause));
        let Some(note) = note else {
            return Err(format!(
                "{}: no `drop {cause}` note for a frame its parsers reject; notes: {:?}",
                self.name, self.out.notes
            ));
        };
        let mut line = String::new();
        render(&self.record(What::Note(note)), &mut line);
        if !line.contains(&format!(" drop {}: ", cause.name())) {
            return Err(format!(
                "{}: drop line without its cause: {line}",
                self.name
            ));
        }
        Ok(())
    }

    fn record<'a>(&'a self, what: What<'a>) -> Record<'a> {
        Record {
            time: self.now,
            node: self.name,
            ifaces: &self.iface_names,
            what,
        }
    }

    /// Renders every note and sent frame, checks each sent frame, takes the
    /// timers armed and cancelled, and empties the outbox.
    fn flush(&mut self) -> Result<(), String> {
        let mut line = std::mem::take(&mut self.line);
        for note in &self.out.notes {
            line.clear();
            render(&self.record(What::Note(note)), &mut line);
            if self.recent.len() < 40 {
                self.recent.push(line.clone());
            }
        }
        for (iface, frame) in &self.out.frames {
            line.clear();
            let what = What::Frame {
                iface: *iface,
                dir: Direction::Out,
                bytes: frame,
            };
            render(&self.record(what), &mut line);
            check_sent(&self.node, frame)
                .map_err(|e| format!("{}: sent {e}: {line}", self.name))?;
            if let Some(segment) = own_tcp_segment(&self.node, frame) {
                if self.sent_tcp.len() >= 16 {
                    self.sent_tcp.remove(0);
                }
                self.sent_tcp.push(segment);
            }
        }
        self.line = line;
        self.out.notes.clear();
        for (_, frame) in std::mem::take(&mut self.out.frames) {
            self.out.recycle(frame);
        }
        self.out.readable.clear();
        for timer in std::mem::take(&mut self.out.cancels) {
            self.cancelled.insert(timer, self.armed);
        }
        for (at, timer) in std::mem::take(&mut self.out.timers) {
            self.arm(at, timer);
        }
        Ok(())
    }

    /// Fires the timers due by now. A node that keeps arming timers due at
    /// once (a loop over `lo`) would never let time move: that is an error.
    fn fire_due(&mut self) -> Result<(), String> {
        let mut fired = 0;
        self.recent.clear();
        while let Some(entry) = self.timers.first_entry() {
            fired += 1;
            if fired > MAX_FIRINGS {
                return Err(format!(
                    "{}: {MAX_FIRINGS} timers fired without time moving; the last lines:\n{}",
                    self.name,
                    self.recent.join("\n")
                ));
            }
            let (at, armed) = *entry.key();
            if at > self.now {
                break;
            }
            let timer = entry.remove();
            if self.cancelled.get(&timer).is_some_and(|&c| c >= armed) {
                continue;
            }
            self.node.on_timer(at, timer, &mut self.out);
            self.flush()?;
        }
        Ok(())
    }

    /// Reads what the UDP sockets hold, and accepts and writes to the TCP
    /// connections hostile SYNs opened, so that their state machines send.
    fn drain_sockets(&mut self) -> Result<(), String> {
        for &id in &self.udp_sockets {
            while self.node.udp().recv(id, false).is_some() {}
        }
        let Some(listener) = self.listener else {
            return Ok(());
        };
        while let Ok(Some((conn, _))) = self.node.tcp_accept(listener) {
            self.accepted += 1;
            let data = [0x5a; 3000];
            let _ = self
                .node
                .tcp_write(self.now, conn, &data, false, &mut self.out);
            self.node.tcp_close(self.now, conn, &mut self.out);
        }
        self.flush()
    }
}

/// A frame the node sends must be a real frame: 60 to 1514 bytes, an ARP
/// or IPv4 packet that passes its own parser, checksum included; and an
/// unfragmented datagram the node made itself (from one of its addresses:
/// an echo reply, an ICMP error, a RST, a SYN-ACK) must pass its ICMP, UDP
/// or TCP parser too. Forwarded datagrams keep their sender's transport
/// bytes, right or wrong, as a router must.
fn check_sent(node: &IpNode, frame: &[u8]) -> Result<(), String> {
    if !(MIN_FRAME_LEN..=MAX_FRAME_LEN).contains(&frame.len()) {
        return Err(format!("a frame of {} bytes", frame.len()));
    }
    let eth = EthernetFrame::new_checked(frame).map_err(|e| e.to_string())?;
    match eth.ethertype() {
        EtherType::IPV4 => {
            let ip = Ipv4Packet::new_checked(eth.payload()).map_err(|e| e.to_string())?;
            simnet::wire::Ipv4Repr::parse(&ip).map_err(|e| e.to_string())?;
            let (src, dst) = (ip.src_addr(), ip.dst_addr());
            if !node.is_own_addr(src) || ip.more_frags() || ip.frag_offset() > 0 {
                return Ok(());
            }
            let l4 = ip.payload();
            let parsed = match ip.protocol() {
                IpProtocol::ICMP => IcmpRepr::parse(l4).map(|_| ()),
                IpProtocol::UDP => UdpPacket::new_checked(l4)
                    .and_then(|u| UdpRepr::parse(&u, src, dst))
                    .map(|_| ()),
                IpProtocol::TCP => TcpPacket::new_checked(l4)
                    .and_then(|t| TcpRepr::parse(&t, src, dst))
                    .map(|_| ()),
                other => return Err(format!("a datagram of {other}")),
            };
            parsed.map_err(|e| e.to_string())?;
        }
        EtherType::ARP => {
            ArpRepr::parse(eth.payload()).map_err(|e| e.to_string())?;
        }
        other => return Err(format!("ethertype {other}")),
    }
    Ok(())
}

/// The IP packet of `frame` if it is a whole TCP segment from one of the
/// node's addresses, and not a RST (nothing answers a RST).
fn own_tcp_segment(node: &IpNode, frame: &[u8]) -> Option<Vec<u8>> {
    let ip = Ipv4Packet::new_checked(frame.get(HEADER_LEN..)?).ok()?;
    let fragment = ip.more_frags() || ip.frag_offset() > 0;
    if ip.protocol() != IpProtocol::TCP || !node.is_own_addr(ip.src_addr()) || fragment {
        return None;
    }
    let tcp = TcpPacket::new_checked(ip.payload()).ok()?;
    if tcp.flags().rst {
        return None;
    }
    Some(frame[HEADER_LEN..HEADER_LEN + usize::from(ip.total_len())].to_vec())
}

/// The peer's answer to `segment` (an IP packet the node sent): the
/// acknowledgment of what it carried, with data, FIN or RST and a window
/// drawn from `input`, and now and then mutated (checksums mostly
/// repaired), as a frame to the node.
fn tcp_answer(segment: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    let ip = Ipv4Packet::new_checked(segment).ok()?;
    let tcp = TcpPacket::new_checked(ip.payload()).ok()?;
    let mut d = Dice::for_input(input);
    let flags = tcp.flags();
    let consumed = tcp.payload().len() as u32 + u32::from(flags.syn) + u32::from(flags.fin);
    let data_len = d.pick(&[0, 0, 1, 100, 1460, 3000]);
    let data = d.bytes(data_len);
    let bits = d.pick(&[0x10, 0x10, 0x18, 0x11, 0x19, 0x14, 0x12, 0x30]);
    let reply = TcpRepr {
        src_port: tcp.dst_port(),
        dst_port: tcp.src_port(),
        seq: tcp
            .ack_number()
            .wrapping_add(d.pick(&[0, 0, 0, 1, 0x8000_0000])),
        ack: tcp.seq_number().wrapping_add(consumed),
        flags: TcpFlags::from_bits(bits),
        window: d.pick(&[0, 1, 536, 4096, 65535]),
        mss: if d.chance(1, 8) {
            Some(d.pick(&[0, 1, 536]))
        } else {
            None
        },
        window_scale: d.chance(1, 4).then(|| d.pick(&[0, 5, 7, 14, 15, 255])),
        sack_permitted: d.chance(1, 2),
        timestamp: d.chance(1, 2).then(|| {
            let (val, any) = (d.dword(), d.dword());
            TcpTimestamp {
                val,
                ecr: d.pick(&[0, 1, any]),
            }
        }),
        sack: {
            let mut blocks = SackBlocks::new();
            for _ in 0..d.below(5) {
                let ack = tcp.ack_number();
                let any = d.dword();
                let left = ack.wrapping_add(d.pick(&[0, 1, 1448, 0x8000_0000, any]));
                blocks.push(left, left.wrapping_add(d.pick(&[0, 1, 1448, 100_000])));
            }
            blocks
        },
        payload_len: data.len(),
    };
    let (src, dst) = (ip.dst_addr(), ip.src_addr());
    let mut l4 = vec![0; reply.buffer_len()];
    l4[reply.header_len()..].copy_from_slice(&data);
    reply.emit(&mut l4, src, dst);
    let repr = Ipv4Repr {
        src,
        dst,
        protocol: IpProtocol::TCP,
        ttl: 64,
        ident: d.word(),
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        tos: 0,
        payload_len: l4.len(),
    };
    let eth = EthernetRepr {
        src: MacAddr::local(2),
        dst: HOST_MAC,
        ethertype: EtherType::IPV4,
    };
    // Built by hand rather than with `build_frame`, whose callers keep to
    // the MTU: an answer may be over it on purpose (1460 bytes of data
    // behind 40 bytes of options, or 3000), as a hostile peer's can be.
    let ip_len = repr.total_len();
    let mut frame = vec![0; (HEADER_LEN + ip_len).max(MIN_FRAME_LEN)];
    eth.emit(&mut EthernetFrame::new_unchecked(&mut frame[..]));
    let packet = &mut frame[HEADER_LEN..HEADER_LEN + ip_len];
    repr.emit(packet);
    packet[20..].copy_from_slice(&l4);
    if d.chance(1, 3) {
        let l4 = HEADER_LEN + 20;
        let sample = Sample {
            frame,
            fields: vec![
                Field::HighNibble(l4 + 12),
                Field::Byte(l4 + 13),
                Field::Word(l4 + 14),
                Field::Byte(l4 + 20),
                Field::Byte(l4 + 21),
            ],
            cuts: vec![l4, l4 + 20, l4 + 24],
        };
        frame = mutate(&mut d, &sample, &[]);
        if d.chance(3, 4) {
            fix_checksums(&mut frame);
        }
    }
    Some(frame)
}

fn cause_of(err: &WireError) -> DropCause {
    match err {
        WireError::Checksum { .. } => DropCause::BadChecksum,
        _ => DropCause::Malformed,
    }
}

/// The drop a node must report for `frame` arriving on `iface` because
/// one of its parsers rejects it, worked out from the parsers alone: a
/// frame too short for Ethernet; to us, an ARP packet that does not parse;
/// an IPv4 packet that does not parse or fails its checksum; and, in a
/// whole (unfragmented) datagram to us, an ICMP, UDP or TCP message that
/// does not parse. `None` when no parser rejects it (or the node drops it
/// before parsing for another reason, such as another station's MAC).
pub fn expected_drop(node: &IpNode, iface: usize, frame: &[u8]) -> Option<DropCause> {
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return Some(DropCause::Malformed);
    };
    let me = node.ifaces().get(iface)?;
    if eth.dst_addr() != me.mac && !eth.dst_addr().is_broadcast() {
        return None;
    }
    let payload = &frame[HEADER_LEN..];
    match eth.ethertype() {
        EtherType::ARP => ArpRepr::parse(payload).err().map(|_| DropCause::Malformed),
        EtherType::IPV4 => {
            let ip = match Ipv4Packet::new_checked(payload) {
                Ok(ip) => ip,
                Err(_) => return Some(DropCause::Malformed),
            };
            if !ip.verify_checksum() {
                return Some(DropCause::BadChecksum);
            }
            let (src, dst) = (ip.src_addr(), ip.dst_addr());
            let ours = node.is_own_addr(dst) || me.is_broadcast(dst);
            // Martian: loopback anywhere, or a source that cannot be.
            let martian = src.is_loopback()
                || dst.is_loopback()
                || src.is_multicast()
                || src.is_broadcast()
                || node.is_own_addr(src);
            if martian || !ours {
                return None;
            }
            if ip.more_frags() || ip.frag_offset() > 0 {
                return None;
            }
            let l4 = ip.payload();
            let err = match ip.protocol() {
                IpProtocol::ICMP => IcmpRepr::parse(l4).err(),
                IpProtocol::UDP => UdpPacket::new_checked(l4)
                    .and_then(|u| UdpRepr::parse(&u, src, dst))
                    .err(),
                IpProtocol::TCP => TcpPacket::new_checked(l4)
                    .and_then(|t| TcpRepr::parse(&t, src, dst))
                    .err(),
                _ => None,
            };
            err.as_ref().map(cause_of)
        }
        _ => None,
    }
}
