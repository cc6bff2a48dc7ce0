//! Flow control: zero windows and persist probes, window updates, and
//! silly window syndrome avoidance on both sides.

use super::harness::*;
use crate::stack::tcp::{RetransmitCause, TcpConfig, TcpEvent};

fn small() -> TcpConfig {
    TcpConfig {
        mss: 1000,
        recv_buffer: 4000,
        ..TcpConfig::classic()
    }
}

#[test]
fn zero_window_is_probed_with_backoff_until_the_reader_opens_it() {
    let mut net = Net::established_with(small(), small());
    let data = pattern(10_000);
    net.a.send(&data).unwrap();
    net.run_until(ms(2100));
    // A filled B's 4000-byte window at 150 ms; B's ACK at 200 ms closed it.
    let d: Vec<_> = net
        .data_sent(true)
        .iter()
        .map(|s| (s.at, s.repr.seq, s.data.len()))
        .collect();
    assert_eq!(
        d,
        [
            (ms(150), 1001, 1000),
            (ms(150), 2001, 1000),
            (ms(150), 3001, 1000),
            (ms(150), 4001, 1000),
            // Probes of one byte beyond the window, the persist timer backing
            // off from the RTO (250 ms after the data's 100 ms sample):
            // 250 ms after the zero window arrived, then 500, then 1000.
            (ms(500), 5001, 1),
            (ms(1000), 5001, 1),
            (ms(2000), 5001, 1),
        ]
    );
    assert!(net
        .events(true)
        .contains(&TcpEvent::PeerWindow { window: 0 }));
    assert_eq!(net.time_of(true, &TcpEvent::ZeroWindowProbe), Some(ms(500)));
    let again = TcpEvent::Retransmit {
        seq: 5001,
        len: 1,
        why: RetransmitCause::Probe,
    };
    assert_eq!(net.time_of(true, &again), Some(ms(1000)));
    // B answers each probe with its zero window, and keeps the byte out.
    let answers: Vec<_> = net
        .sent
        .iter()
        .filter(|s| !s.from_a && s.at > ms(500))
        .map(|s| (s.at, s.repr.ack, s.repr.window))
        .collect();
    assert_eq!(
        answers,
        [(ms(550), 5001, 0), (ms(1050), 5001, 0), (ms(2050), 5001, 0)]
    );

    // B's application reads: a window update goes at once, and data flows.
    let mut buf = vec![0; 4000];
    assert_eq!(net.b().recv(&mut buf, false), Ok(4000));
    assert_eq!(&buf[..], &data[..4000]);
    net.auto_read_b = true;
    net.read_b.extend_from_slice(&buf);
    net.run_until(ms(5000));
    assert!(net
        .events(false)
        .contains(&TcpEvent::WindowUpdate { window: 4000 }));
    let update = net
        .sent
        .iter()
        .find(|s| !s.from_a && s.at == ms(2100))
        .expect("window update");
    assert_eq!((update.repr.ack, update.repr.window), (5001, 4000));
    assert!(net
        .events(true)
        .contains(&TcpEvent::PeerWindow { window: 4000 }));
    assert_eq!(net.read_b, data);
    assert_eq!(
        net.a.poll_at(),
        None,
        "no probe once the window is open and all is acknowledged"
    );
}

#[test]
fn receiver_opens_its_window_only_by_a_full_segment_or_half_the_buffer() {
    let mut a = client(small(), 1000, 65535);
    let data = pattern(4000);
    for i in 0..4 {
        feed(
            &mut a,
            ms(200),
            &seg(5001 + i * 1000, 1001, "A", 65535),
            &data[i as usize * 1000..][..1000],
        );
    }
    let acks = out(&mut a, ms(200));
    assert_eq!(
        (acks.last().unwrap().0.ack, acks.last().unwrap().0.window),
        (9001, 0)
    );
    let mut buf = vec![0; 4000];
    // 500 bytes read: less than min(buffer/2, MSS) = 1000: no update, and
    // the window stays closed (RFC 9293 §3.8.6.2.2).
    assert_eq!(a.recv(&mut buf[..500], false), Ok(500));
    assert!(out(&mut a, ms(300)).is_empty());
    // A segment arriving meanwhile is dropped and answered with window 0.
    feed(&mut a, ms(310), &seg(9001, 1001, "A", 65535), &[7; 100]);
    let acks = out(&mut a, ms(310));
    assert_eq!((acks[0].0.ack, acks[0].0.window), (9001, 0));
    // 600 more: 1100 free, enough to announce.
    assert_eq!(a.recv(&mut buf[..600], false), Ok(600));
    let mut ev = Vec::new();
    a.take_events(&mut ev);
    assert_eq!(ev, [TcpEvent::WindowUpdate { window: 1100 }]);
    let update = out(&mut a, ms(400));
    assert_eq!((update[0].0.ack, update[0].0.window), (9001, 1100));
}

#[test]
fn sender_does_not_fill_a_small_window_with_a_small_segment_until_the_persist_timer() {
    let mut a = client(TcpConfig::classic(), 1000, 4000);
    a.send(&pattern(4000)).unwrap();
    assert_eq!(out(&mut a, ms(200)).len(), 4);
    // The peer acknowledges 3500 bytes and offers 500 more.
    feed(&mut a, ms(300), &seg(5001, 4501, "A", 500), &[]);
    a.send(&pattern(3000)).unwrap();
    feed(&mut a, ms(310), &seg(5001, 5001, "A", 500), &[]);
    // 500 bytes would fit, but less than a segment and than half the
    // largest window offered (4000): wait (RFC 9293 §3.8.6.2.1).
    assert!(out(&mut a, ms(310)).is_empty());
    let t = a.poll_at().expect("persist timer");
    // It runs for the RTO (250 ms after the data's sample).
    let mut ev = Vec::new();
    a.take_events(&mut ev);
    assert_eq!(
        ev,
        [TcpEvent::TimerSet {
            which: "persist",
            after: dur(250),
            backoff: 0
        }]
    );
    assert_eq!(
        tick(&mut a, t),
        [TcpEvent::TimerExpired { which: "persist" }]
    );
    let sent: Vec<_> = out(&mut a, t)
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect();
    assert_eq!(sent, [(5001, 500)]);
}
