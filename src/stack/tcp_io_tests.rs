//! The host's TCP calls driven by hand: two hosts on one wire, their frames
//! carried from one outbox to the other, and what each call leaves in the
//! outbox checked (frames sent, sockets to wake).

use std::net::SocketAddrV4;

use super::readiness::EPOLLOUT;
use super::tcp::TcpConfig;
use super::udp::SocketId;
use super::{IpIface, IpNode};
use crate::sim::{Outbox, SimTime};
use crate::wire::MacAddr;

const SERVER: &str = "10.0.0.2:5001";

fn host(mac: MacAddr, cidr: &str) -> IpNode {
    let mut node = IpNode::new(false);
    node.add_iface(IpIface {
        name: "eth0".into(),
        mac,
        cidr: cidr.parse().unwrap(),
        mtu: 1500,
    });
    node
}

/// Carries frames between `a` and `b` until neither has one to send.
fn pump(now: SimTime, a: &mut IpNode, b: &mut IpNode, out_a: &mut Outbox, out_b: &mut Outbox) {
    while !out_a.frames.is_empty() || !out_b.frames.is_empty() {
        for (_, frame) in std::mem::take(&mut out_a.frames) {
            b.on_frame(now, 0, frame, out_b);
        }
        for (_, frame) in std::mem::take(&mut out_b.frames) {
            a.on_frame(now, 0, frame, out_a);
        }
    }
}

/// A client (10.0.0.1) and a server listening on [`SERVER`], with their
/// outboxes.
struct Hosts {
    client: IpNode,
    server: IpNode,
    listener: SocketId,
    out_c: Outbox,
    out_s: Outbox,
}

impl Hosts {
    fn new() -> Hosts {
        let client = host(MacAddr::local(1), "10.0.0.1/24");
        let mut server = host(MacAddr::local(2), "10.0.0.2/24");
        let listener = server.tcp_listen(SERVER.parse().unwrap()).unwrap();
        Hosts {
            client,
            server,
            listener,
            out_c: Outbox::new(false),
            out_s: Outbox::new(false),
        }
    }

    fn pump(&mut self) {
        let h = self;
        pump(
            SimTime::ZERO,
            &mut h.client,
            &mut h.server,
            &mut h.out_c,
            &mut h.out_s,
        );
    }

    /// A connection from the client to [`SERVER`], accepted: (its socket,
    /// the accepted socket), the outboxes emptied of wake-ups.
    fn open(&mut self) -> (SocketId, SocketId) {
        let remote: SocketAddrV4 = SERVER.parse().unwrap();
        let conn = self
            .client
            .tcp_connect(SimTime::ZERO, remote, &mut self.out_c)
            .unwrap();
        self.pump();
        assert_eq!(self.client.tcp_connected(conn), Ok(true));
        let (accepted, _) = self.server.tcp_accept(self.listener).unwrap().unwrap();
        self.out_c.readable.clear();
        self.out_s.readable.clear();
        (conn, accepted)
    }

    /// Both ends close, the client first, so that the client's end waits
    /// in TIME-WAIT. Returns the server's FIN frame.
    fn close_both(&mut self, conn: SocketId, accepted: SocketId) -> Vec<u8> {
        self.client.tcp_close(SimTime::ZERO, conn, &mut self.out_c);
        self.pump();
        self.server
            .tcp_close(SimTime::ZERO, accepted, &mut self.out_s);
        let fin = self.out_s.frames[0].1.clone();
        self.pump();
        fin
    }
}

/// A connection from 10.0.0.1 to [`SERVER`], accepted: (client, its
/// socket, server, the accepted socket, their outboxes emptied).
fn connected() -> (IpNode, SocketId, IpNode, SocketId, Outbox, Outbox) {
    let mut h = Hosts::new();
    let (conn, accepted) = h.open();
    (h.client, conn, h.server, accepted, h.out_c, h.out_s)
}

/// A read that finds nothing changes nothing in the connection: it sends
/// nothing and wakes nobody (a reader that loops until it would block
/// would otherwise wake every other waiter on the socket once per wait).
/// A read that takes data says so to the socket's waiters.
#[test]
fn a_read_that_finds_nothing_sends_nothing_and_wakes_nobody() {
    let (mut client, conn, mut server, accepted, mut out_c, mut out_s) = connected();
    let now = SimTime::ZERO;
    let mut buf = [0u8; 16];
    assert_eq!(
        server.tcp_read_into(now, accepted, &mut buf, false, &mut out_s),
        Ok(None)
    );
    assert_eq!(
        server.tcp_read(now, accepted, 16, false, &mut out_s),
        Ok(None)
    );
    assert!(out_s.frames.is_empty(), "a fruitless read sent a frame");
    assert!(out_s.readable.is_empty(), "a fruitless read woke a waiter");

    assert_eq!(
        client.tcp_write(now, conn, b"hello", false, &mut out_c),
        Ok(Some(5))
    );
    pump(now, &mut client, &mut server, &mut out_c, &mut out_s);
    out_s.readable.clear();
    assert_eq!(
        server.tcp_read_into(now, accepted, &mut buf, false, &mut out_s),
        Ok(Some(5))
    );
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(out_s.readable, vec![accepted]);
}

/// The TCP sequence and acknowledgment numbers of an Ethernet frame
/// carrying an IPv4 packet without options.
fn seq_ack(frame: &[u8]) -> (u32, u32) {
    let tcp = &frame[14 + 20..];
    let word = |at: usize| u32::from_be_bytes([tcp[at], tcp[at + 1], tcp[at + 2], tcp[at + 3]]);
    (word(4), word(8))
}

/// A writer that filled its send buffer hears of room (its wake-up, and
/// `EPOLLOUT`) only once the room is half of what is still queued, a
/// third of the buffer, as Linux's `sk_stream_write_space`: the ACKs
/// before that change nothing a waiter sees and wake nobody. Every
/// segment that brings the reader data wakes it.
#[test]
fn a_full_send_buffer_tells_its_writer_once_a_third_is_free() {
    const SEG: usize = 1448;
    let buffer = 12 * SEG;
    let mut h = Hosts::new();
    h.client.set_tcp_config(TcpConfig {
        send_buffer: buffer,
        ..TcpConfig::default()
    });
    let (conn, accepted) = h.open();
    let now = SimTime::ZERO;
    let data = vec![7u8; 20 * SEG];
    let wrote = h.client.tcp_write(now, conn, &data, false, &mut h.out_c);
    assert_eq!(wrote, Ok(Some(buffer)), "the write fills the buffer");
    assert_eq!(h.client.poll_mask(conn) & EPOLLOUT, 0);
    h.out_c.readable.clear();

    // Segments reach the server one at a time, and its ACKs the client.
    let mut to_server: std::collections::VecDeque<Vec<u8>> = std::mem::take(&mut h.out_c.frames)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let first_seq = seq_ack(&to_server[0]).0;
    let mut woken_at = Vec::new();
    while let Some(frame) = to_server.pop_front() {
        h.server.on_frame(now, 0, frame, &mut h.out_s);
        assert_eq!(h.out_s.readable, vec![accepted], "data wakes the reader");
        h.out_s.readable.clear();
        for (_, ack) in std::mem::take(&mut h.out_s.frames) {
            let acked = seq_ack(&ack).1.wrapping_sub(first_seq) as usize;
            h.client.on_frame(now, 0, ack, &mut h.out_c);
            let writable = h.client.poll_mask(conn) & EPOLLOUT != 0;
            let free = acked;
            let queued = buffer - acked;
            assert_eq!(
                writable,
                free >= queued / 2,
                "EPOLLOUT with {acked} bytes acked"
            );
            if !h.out_c.readable.is_empty() {
                assert_eq!(h.out_c.readable, vec![conn]);
                woken_at.push(acked);
                h.out_c.readable.clear();
            }
            to_server.extend(
                std::mem::take(&mut h.out_c.frames)
                    .into_iter()
                    .map(|(_, f)| f),
            );
        }
    }
    // The first ACK of at least a third of the buffer (4 segments) woke
    // the writer; the ACKs before it did not, and (the mask staying up)
    // nor did the later ones.
    assert_eq!(woken_at.len(), 1, "woken after {woken_at:?} bytes acked");
    assert!(
        woken_at[0] >= 4 * SEG,
        "woken after {} bytes acked",
        woken_at[0]
    );
    assert!(
        woken_at[0] < 6 * SEG,
        "woken after {} bytes acked",
        woken_at[0]
    );
    // The writer then queues what is free: all of it was acknowledged.
    let rest = &data[buffer..];
    let wrote = h.client.tcp_write(now, conn, rest, false, &mut h.out_c);
    assert_eq!(wrote, Ok(Some(rest.len().min(buffer))));
}

/// A read that takes bytes without opening the window enough sends
/// nothing, and tells the socket's waiters; the read that opens a window
/// shut to less than half of the buffer sends the window update at once
/// (Linux's `tcp_cleanup_rbuf` rule), with the window it opened.
#[test]
fn a_read_sends_a_window_update_only_when_it_opens_the_window() {
    const BUFFER: usize = 8 * 1448;
    let mut h = Hosts::new();
    h.server.set_tcp_config(TcpConfig {
        recv_buffer: BUFFER,
        ..TcpConfig::default()
    });
    let (conn, accepted) = h.open();
    let now = SimTime::ZERO;
    let data = vec![1u8; BUFFER];
    let wrote = h.client.tcp_write(now, conn, &data, false, &mut h.out_c);
    assert_eq!(wrote, Ok(Some(BUFFER)));
    h.pump();
    h.out_s.readable.clear();

    let mut buf = vec![0u8; BUFFER];
    let read = h
        .server
        .tcp_read_into(now, accepted, &mut buf[..1000], false, &mut h.out_s);
    assert_eq!(read, Ok(Some(1000)));
    assert!(h.out_s.frames.is_empty(), "a window update for 1000 bytes");
    assert_eq!(h.out_s.readable, vec![accepted], "the read's waiters told");
    h.out_s.readable.clear();

    let read = h
        .server
        .tcp_read_into(now, accepted, &mut buf, false, &mut h.out_s);
    assert_eq!(read, Ok(Some(BUFFER - 1000)));
    assert_eq!(h.out_s.frames.len(), 1, "the window update");
    let tcp = &h.out_s.frames[0].1[14 + 20..];
    let window = u16::from_be_bytes([tcp[14], tcp[15]]);
    assert_eq!(usize::from(window), BUFFER, "the whole buffer is open");
    assert_eq!(h.out_s.readable, vec![accepted]);
}

/// A segment whose TCP checksum is wrong is dropped by `on_frame`, and
/// taken on trust by `on_intact_frame` (which the simulation uses only
/// while no link has corrupted a frame): the checksum is the one thing
/// the intact path does not look at.
#[test]
fn only_the_intact_path_takes_a_segment_with_a_wrong_checksum() {
    let (mut client, conn, mut server, accepted, mut out_c, mut out_s) = connected();
    let now = SimTime::ZERO;
    assert_eq!(
        client.tcp_write(now, conn, b"hello", false, &mut out_c),
        Ok(Some(5))
    );
    let (_, mut frame) = out_c.frames.pop().expect("the data segment");
    assert!(out_c.frames.is_empty());
    let tcp_checksum = crate::wire::ethernet::HEADER_LEN + 20 + 16;
    frame[tcp_checksum] ^= 0xff;
    let mut buf = [0u8; 16];
    server.on_frame(now, 0, frame.clone(), &mut out_s);
    assert_eq!(
        server.tcp_read_into(now, accepted, &mut buf, false, &mut out_s),
        Ok(None),
        "on_frame dropped it"
    );
    server.on_intact_frame(now, 0, frame, &mut out_s);
    assert_eq!(
        server.tcp_read_into(now, accepted, &mut buf, false, &mut out_s),
        Ok(Some(5))
    );
    assert_eq!(&buf[..5], b"hello");
}

/// A connection the application closed waits out TIME-WAIT as a small
/// record: it keeps its port, answers the peer's repeated FIN with an ACK
/// and a fresh 2 MSL (becoming a record again after), and at the end is
/// forgotten with the two trace events a whole connection reports.
#[test]
fn time_wait_is_a_record_that_answers_and_expires() {
    use super::tcp::{State, TcpEvent};
    use super::timer::Timer;
    use crate::trace::event::Note;
    use std::time::Duration;

    let mut h = Hosts::new();
    let (conn, accepted) = h.open();
    let ends = h.client.tcp().conn(conn).unwrap().tcb.ends();
    let fin = h.close_both(conn, accepted);
    let client = &mut h.client;
    assert_eq!(client.tcp().state(conn), Some(State::TimeWait));
    assert_eq!(client.tcp().time_wait_records(), 1);
    assert!(
        client.tcp().conn(conn).is_none(),
        "no whole connection left"
    );
    // It keeps its ends (and so its port).
    assert_eq!(client.tcp().find(&ends), Some(conn));
    let minute = Duration::from_secs(60);

    // The peer's FIN again, a second later: an ACK, and 2 MSL from then.
    let later = SimTime::ZERO + Duration::from_secs(1);
    let mut out = Outbox::new(true);
    client.on_frame(later, 0, fin, &mut out);
    assert_eq!(out.frames.len(), 1, "the ACK");
    assert_eq!(out.cancels, [Timer::Tcp(conn)]);
    assert_eq!(out.timers, [(later + minute, Timer::Tcp(conn))]);
    assert_eq!(client.tcp().time_wait_records(), 1, "a record again");

    // Its 2 MSL ends: forgotten, with what a whole connection reports.
    let mut out = Outbox::new(true);
    client.on_timer(later + minute, Timer::Tcp(conn), &mut out);
    let events: Vec<&TcpEvent> = out
        .notes
        .iter()
        .filter_map(|n| match n {
            Note::Tcp { event, .. } => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(
        events,
        [
            &TcpEvent::TimerExpired { which: "time-wait" },
            &TcpEvent::StateChange {
                from: State::TimeWait,
                to: State::Closed
            },
        ]
    );
    assert!(out.frames.is_empty() && out.timers.is_empty());
    assert_eq!(client.tcp().time_wait_records(), 0);
    assert_eq!(client.tcp().state(conn), None);
    assert_eq!(client.tcp().find(&ends), None);
}

/// The TCP segment of `frame` (one without data) edited by `change` and
/// built again, checksum and all, with its options as they were.
fn rewrite_tcp(frame: &[u8], change: impl FnOnce(&mut crate::wire::TcpRepr)) -> Vec<u8> {
    use crate::wire::ethernet::HEADER_LEN;
    use crate::wire::tcp::TcpPacket;
    use crate::wire::{Ipv4Packet, TcpRepr};
    let mut frame = frame.to_vec();
    let ip = Ipv4Packet::new_checked(&frame[HEADER_LEN..]).unwrap();
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let start = HEADER_LEN + ip.header_len();
    let end = HEADER_LEN + usize::from(ip.total_len());
    let tcp = TcpPacket::new_checked(&frame[start..end]).unwrap();
    assert!(tcp.payload().is_empty());
    let mut repr = TcpRepr::parse(&tcp, src, dst).unwrap();
    let header_len = repr.header_len();
    change(&mut repr);
    assert_eq!(
        repr.header_len(),
        header_len,
        "the options stay as they were"
    );
    repr.emit(&mut frame[start..end], src, dst);
    frame
}

/// A RST at RCV.NXT ends a TIME-WAIT record at once, as it ends a whole
/// connection: CLOSED, its timer cancelled, nothing sent, its ends free.
#[test]
fn a_rst_ends_a_time_wait_record() {
    use super::tcp::{State, TcpEvent};
    use super::timer::Timer;
    use crate::trace::event::Note;
    use crate::wire::TcpFlags;

    let mut h = Hosts::new();
    let (conn, accepted) = h.open();
    let ends = h.client.tcp().conn(conn).unwrap().tcb.ends();
    let fin = h.close_both(conn, accepted);
    let client = &mut h.client;
    assert_eq!(client.tcp().time_wait_records(), 1);
    let rst = rewrite_tcp(&fin, |r| {
        r.seq = r.seq.wrapping_add(1);
        r.flags = TcpFlags {
            rst: true,
            ..TcpFlags::default()
        };
    });
    let mut out = Outbox::new(true);
    client.on_frame(SimTime::from_millis(5), 0, rst, &mut out);
    assert!(out.frames.is_empty(), "a RST is never answered");
    assert_eq!(out.cancels, [Timer::Tcp(conn)]);
    assert!(out.notes.iter().any(|n| matches!(
        n,
        Note::Tcp {
            event: TcpEvent::StateChange {
                from: State::TimeWait,
                to: State::Closed
            },
            ..
        }
    )));
    assert_eq!(client.tcp().time_wait_records(), 0);
    assert_eq!(client.tcp().state(conn), None);
    assert_eq!(client.tcp().find(&ends), None);
}

/// Records of different shapes (here the TTL a connection was given) each
/// come back as their own connection, and a table that has as many shapes
/// in use as it keeps leaves a connection of yet another whole, until a
/// record ends and frees a shape.
#[test]
fn time_wait_records_keep_their_own_shapes() {
    use super::tcp_table::MAX_SHAPES;
    use super::timer::Timer;
    use crate::wire::Ipv4Packet;
    use std::time::Duration;

    let mut h = Hosts::new();
    let mut fins = Vec::new();
    // TTLs 1 to MAX_SHAPES + 1: one shape each.
    for ttl in 1..=MAX_SHAPES as u8 + 1 {
        let (conn, accepted) = h.open();
        h.client.tcp().conn(conn).unwrap().ttl = ttl;
        let fin = h.close_both(conn, accepted);
        fins.push((conn, ttl, fin));
    }
    let client = &mut h.client;
    assert_eq!(client.tcp().time_wait_records(), MAX_SHAPES);
    let (last, _, _) = fins[MAX_SHAPES];
    let whole = client.tcp().conn(last).map(|c| c.tcb.state());
    assert_eq!(whole, Some(super::tcp::State::TimeWait), "kept whole");

    // Each record answers a repeated FIN with an ACK of its own TTL.
    let later = SimTime::from_millis(10);
    for (conn, ttl, fin) in &fins {
        let mut out = Outbox::new(false);
        client.on_frame(later, 0, fin.clone(), &mut out);
        assert_eq!(out.frames.len(), 1, "the ACK of connection {conn:?}");
        let ip = Ipv4Packet::new_checked(&out.frames[0].1[14..]).unwrap();
        assert_eq!(ip.ttl(), *ttl);
    }
    // The whole one stays whole: every shape is still in use.
    assert_eq!(client.tcp().time_wait_records(), MAX_SHAPES);

    // The first record's 2 MSL ends; its shape is free for the whole one,
    // which becomes a record the next time a segment reaches it.
    let (first, _, _) = fins[0];
    let end = later + Duration::from_secs(60);
    client.on_timer(end, Timer::Tcp(first), &mut Outbox::new(false));
    assert_eq!(client.tcp().time_wait_records(), MAX_SHAPES - 1);
    let mut out = Outbox::new(false);
    client.on_frame(end, 0, fins[MAX_SHAPES].2.clone(), &mut out);
    assert_eq!(client.tcp().time_wait_records(), MAX_SHAPES);
    assert!(client.tcp().conn(last).is_none(), "a record now");
}
