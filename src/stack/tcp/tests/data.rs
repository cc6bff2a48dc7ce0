//! Data transfer: both ways, reassembly, duplicates, delayed ACK, Nagle.

use super::harness::*;
use crate::stack::tcp::{TcpConfig, TcpError, TcpEvent};

#[test]
fn data_flows_both_ways_with_exact_numbers() {
    let mut net = Net::established();
    assert_eq!(net.b().recv(&mut [0; 8], false), Err(TcpError::WouldBlock));
    assert!(!net.b().recv_ready());
    net.a.send(b"hello").unwrap();
    net.run_until(ms(400));
    let d = net.data_sent(true);
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].at, d[0].repr.seq, d[0].repr.ack),
        (ms(150), 1001, 5001)
    );
    assert!(d[0].repr.flags.psh && d[0].repr.flags.ack);
    assert_eq!(d[0].data, b"hello");
    // B's delayed ACK, 40 ms after the data arrived at 200 ms.
    let acks: Vec<_> = net
        .sent
        .iter()
        .filter(|s| !s.from_a && s.at > ms(150))
        .collect();
    assert_eq!(acks.len(), 1);
    assert_eq!(
        (acks[0].at, acks[0].repr.ack, acks[0].repr.window),
        (ms(240), 1006, 65535 - 5)
    );
    assert!(net.b().recv_ready());
    let mut buf = [0; 16];
    assert_eq!(net.b().recv(&mut buf, true), Ok(5), "peek");
    assert_eq!(net.b().recv(&mut buf, false), Ok(5));
    assert_eq!(&buf[..5], b"hello");

    net.b().send(b"world!").unwrap();
    net.run_for(dur(200));
    let d = net.data_sent(false);
    assert_eq!((d[0].repr.seq, d[0].repr.ack), (5001, 1006));
    assert_eq!(net.a.recv(&mut buf, false), Ok(6));
    assert_eq!(&buf[..6], b"world!");
    assert_eq!(net.a.in_flight(), 0);
    assert_eq!(net.b().in_flight(), 0);
}

#[test]
fn out_of_order_segments_are_reassembled() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    let data = pattern(3 * 1460);
    let (s1, s2, s3) = (&data[..1460], &data[1460..2920], &data[2920..]);
    // The third segment first: kept, and a duplicate ACK at once.
    let ev = feed(&mut a, ms(200), &seg(5001 + 2920, 1001, "A", 65535), s3);
    assert_eq!(
        ev,
        [TcpEvent::OutOfOrder {
            seq: 5001 + 2920,
            len: 1460
        }]
    );
    let acks = out(&mut a, ms(200));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].0.ack, 5001);
    // The window does not count out-of-order data as consumed.
    assert_eq!(acks[0].0.window, 65535);
    assert_eq!(a.recv(&mut [0; 8], false), Err(TcpError::WouldBlock));
    // The second: still a gap.
    feed(&mut a, ms(210), &seg(5001 + 1460, 1001, "A", 65535), s2);
    assert_eq!(out(&mut a, ms(210))[0].0.ack, 5001);
    // The first fills the gap: everything is acknowledged at once.
    feed(&mut a, ms(220), &seg(5001, 1001, "A", 65535), s1);
    let acks = out(&mut a, ms(220));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].0.ack, 5001 + 3 * 1460);
    let mut buf = vec![0; 8000];
    assert_eq!(a.recv(&mut buf, false), Ok(3 * 1460));
    assert_eq!(&buf[..3 * 1460], &data[..]);
}

#[test]
fn duplicate_and_overlapping_segments_are_harmless() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    let data = pattern(3000);
    feed(&mut a, ms(200), &seg(5001, 1001, "A", 65535), &data[..1000]);
    assert!(out(&mut a, ms(200)).is_empty(), "ACK delayed");
    // The same segment again: dropped, and an ACK at once.
    let ev = feed(&mut a, ms(210), &seg(5001, 1001, "A", 65535), &data[..1000]);
    assert_eq!(
        ev,
        [TcpEvent::Duplicate {
            seq: 5001,
            len: 1000
        }]
    );
    let acks = out(&mut a, ms(210));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].0.ack, 6001);
    // Overlapping: 500 old bytes and 1000 new ones; the old part is cut.
    feed(
        &mut a,
        ms(220),
        &seg(5501, 1001, "A", 65535),
        &data[500..2000],
    );
    assert_eq!(
        out(&mut a, ms(220))[0].0.ack,
        7001,
        "partly old: ACK at once"
    );
    // An out-of-order piece overlapping what is held.
    feed(
        &mut a,
        ms(230),
        &seg(7501, 1001, "A", 65535),
        &data[2500..3000],
    );
    let ev = feed(
        &mut a,
        ms(231),
        &seg(7501, 1001, "A", 65535),
        &data[2500..3000],
    );
    assert_eq!(
        ev,
        [TcpEvent::Duplicate {
            seq: 7501,
            len: 500
        }]
    );
    feed(
        &mut a,
        ms(240),
        &seg(7001, 1001, "A", 65535),
        &data[2000..2800],
    );
    let mut buf = vec![0; 4000];
    assert_eq!(a.recv(&mut buf, false), Ok(3000));
    assert_eq!(&buf[..3000], &data[..]);
}

#[test]
fn delayed_ack_after_40_ms_and_at_once_for_every_second_full_segment() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    let data = pattern(3 * 1460);
    feed(&mut a, ms(200), &seg(5001, 1001, "A", 65535), &data[..1460]);
    assert!(out(&mut a, ms(200)).is_empty());
    assert_eq!(a.poll_at(), Some(ms(240)));
    assert_eq!(
        tick(&mut a, ms(240)),
        [TcpEvent::TimerExpired {
            which: "delayed ack"
        }]
    );
    let acks = out(&mut a, ms(240));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].0.ack, 6461);
    assert_eq!(a.poll_at(), None);
    // Two full-sized segments: the second is ACKed at once.
    feed(
        &mut a,
        ms(300),
        &seg(6461, 1001, "A", 65535),
        &data[1460..2920],
    );
    assert!(out(&mut a, ms(300)).is_empty());
    feed(&mut a, ms(301), &seg(7921, 1001, "A", 65535), &data[2920..]);
    let acks = out(&mut a, ms(301));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].0.ack, 7921 + 1460);
    assert_eq!(a.poll_at(), None, "the ACK cancelled the delayed-ACK timer");
}

#[test]
fn nagle_holds_a_small_segment_while_data_is_unacknowledged() {
    let mut net = Net::established();
    net.a.send(&[1; 100]).unwrap();
    net.run_for(dur(1));
    net.a.send(&[2; 100]).unwrap();
    net.run_until(ms(500));
    let d: Vec<_> = net
        .data_sent(true)
        .iter()
        .map(|s| (s.at, s.repr.seq, s.data.len()))
        .collect();
    // The second waits for the ACK of the first: B's delayed ACK leaves at
    // 240 ms and arrives at 290 ms.
    assert_eq!(d, [(ms(150), 1001, 100), (ms(290), 1101, 100)]);
}

#[test]
fn nodelay_sends_small_segments_at_once() {
    let mut net = Net::established();
    assert!(!net.a.nodelay());
    net.a.set_nodelay(true);
    assert!(net.a.nodelay());
    net.a.send(&[1; 100]).unwrap();
    net.run_for(dur(1));
    net.a.send(&[2; 100]).unwrap();
    net.run_until(ms(500));
    let d: Vec<_> = net
        .data_sent(true)
        .iter()
        .map(|s| (s.at, s.repr.seq, s.data.len()))
        .collect();
    assert_eq!(d, [(ms(150), 1001, 100), (ms(151), 1101, 100)]);
}

#[test]
fn nagle_lets_full_segments_go() {
    let mut net = Net::established();
    net.a.send(&[1; 100]).unwrap();
    net.run_for(dur(1));
    // 3000 bytes while 100 are unacknowledged: two full segments go at
    // once, the 80-byte tail waits.
    net.a.send(&[2; 3000]).unwrap();
    net.run_for(dur(1));
    let d: Vec<_> = net
        .data_sent(true)
        .iter()
        .map(|s| (s.at, s.data.len()))
        .collect();
    assert_eq!(d, [(ms(150), 100), (ms(151), 1460), (ms(151), 1460)]);
}

#[test]
fn send_buffer_fills_and_send_space_reports_it() {
    let config = TcpConfig {
        send_buffer: 4000,
        ..TcpConfig::classic()
    };
    let mut net = Net::established_with(config, TcpConfig::classic());
    assert_eq!(net.a.send_space(), 4000);
    assert_eq!(net.a.send(&pattern(5000)), Ok(4000));
    assert_eq!(net.a.send(&[1]), Ok(0), "full: the caller blocks");
    assert_eq!(net.a.send_space(), 0);
    net.run_for(dur(500));
    assert_eq!(net.a.send_space(), 4000, "all acknowledged");
}
