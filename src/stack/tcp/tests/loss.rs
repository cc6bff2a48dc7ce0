//! Loss recovery: the retransmission timeout (RFC 6298), fast retransmit
//! and NewReno fast recovery (RFC 5681, RFC 6582).

use super::harness::*;
use crate::stack::tcp::{RetransmitCause, TcpConfig, TcpEvent};

/// Drop the first `n` data segments A sends.
fn drop_first_data_of_a(net: &mut Net, n: usize) {
    let mut dropped = 0;
    net.fate = Box::new(move |s| {
        if s.from_a && !s.data.is_empty() && dropped < n {
            dropped += 1;
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
}

#[test]
fn a_lost_segment_is_resent_after_exactly_one_rto() {
    let mut net = Net::established();
    // The handshake's sample (100 ms) gave RTO = 100 + 4*50 = 300 ms.
    assert_eq!(net.a.rto(), dur(300));
    drop_first_data_of_a(&mut net, 1);
    net.run_until(ms(1000));
    net.a.send(&pattern(100)).unwrap();
    net.run_until(ms(2000));
    let d: Vec<_> = net
        .data_sent(true)
        .iter()
        .map(|s| (s.at, s.repr.seq))
        .collect();
    assert_eq!(d, [(ms(1000), 1001), (ms(1300), 1001)]);
    let ev = net.events(true);
    let at = |e: &TcpEvent| net.time_of(true, e);
    let retransmit = TcpEvent::Retransmit {
        seq: 1001,
        len: 100,
        why: RetransmitCause::Timeout,
    };
    assert_eq!(at(&retransmit), Some(ms(1300)));
    // RFC 5681 (4): ssthresh = max(FlightSize/2, 2*SMSS), cwnd = 1 SMSS.
    let timeout = TcpEvent::Congestion {
        cwnd: 1460,
        ssthresh: 2920,
        why: "timeout",
    };
    assert_eq!(at(&timeout), Some(ms(1300)));
    assert!(ev.contains(&TcpEvent::TimerExpired {
        which: "retransmission"
    }));
    assert_eq!(net.b().recv(&mut [0; 200], false), Ok(100));
    // Karn: the ACK of a retransmitted segment gives no sample; the RTO
    // stays backed off (600 ms) until a fresh sample.
    let samples = ev
        .iter()
        .filter(|e| matches!(e, TcpEvent::RttSample { .. }))
        .count();
    assert_eq!(samples, 1, "only the handshake's");
    assert_eq!(net.a.rto(), dur(600));
    assert_eq!(net.a.in_flight(), 0);

    // New data at 2 s: sampled (100 ms + B's 40 ms delayed ACK = 140 ms).
    net.a.send(&pattern(100)).unwrap();
    net.run_until(ms(3000));
    // RTTVAR = 3/4*50 + 1/4*40 = 47.5; SRTT = 7/8*100 + 140/8 = 105;
    // RTO = 105 + 4*47.5 = 295 ms.
    let sample = TcpEvent::RttSample {
        srtt: dur(105),
        rttvar: std::time::Duration::from_micros(47_500),
        rto: dur(295),
    };
    assert_eq!(net.time_of(true, &sample), Some(ms(2140)));
    assert_eq!(net.a.rto(), dur(295));
}

#[test]
fn the_rto_doubles_for_each_loss_of_the_same_segment() {
    let mut net = Net::established();
    drop_first_data_of_a(&mut net, 3);
    net.run_until(ms(1000));
    net.a.send(&pattern(100)).unwrap();
    net.run_until(ms(5000));
    let times: Vec<_> = net.data_sent(true).iter().map(|s| s.at).collect();
    // 300 ms, then 600, then 1200.
    assert_eq!(times, [ms(1000), ms(1300), ms(1900), ms(3100)]);
    assert_eq!(net.b().recv(&mut [0; 200], false), Ok(100));
}

#[test]
fn data_retransmission_gives_up_after_data_retries_without_rst() {
    let config = TcpConfig {
        data_retries: 3,
        ..TcpConfig::classic()
    };
    let mut net = Net::established_with(config, TcpConfig::classic());
    net.fate = Box::new(|s| if s.from_a { Fate::Drop } else { Fate::Deliver });
    net.run_until(ms(1000));
    net.a.send(&pattern(100)).unwrap();
    net.run_until(ms(20_000));
    // Sent at 1.0 s, resent at 1.3, 1.9 and 3.1 s; the timer expiring at
    // 5.5 s ends it.
    let times: Vec<_> = net.data_sent(true).iter().map(|s| s.at).collect();
    assert_eq!(times, [ms(1000), ms(1300), ms(1900), ms(3100)]);
    let failed = TcpEvent::Failed {
        error: crate::stack::tcp::TcpError::TimedOut,
    };
    assert_eq!(net.time_of(true, &failed), Some(ms(5500)));
    assert!(net.sent.iter().all(|s| !s.repr.flags.rst), "no RST");
    assert_eq!(net.a.send(b"x"), Err(crate::stack::tcp::TcpError::TimedOut));
    assert_eq!(net.a.send(b"x"), Err(crate::stack::tcp::TcpError::Pipe));
}

/// Feed A an ACK from the hand-played peer; return what A sends, as
/// (seq, len).
fn ack(a: &mut crate::stack::tcp::Tcb, t: u64, n: u32) -> Vec<(u32, usize)> {
    feed(a, ms(t), &seg(5001, n, "A", 65535), &[]);
    out(a, ms(t))
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect()
}

#[test]
fn fast_retransmit_and_newreno_recovery() {
    // SMSS 1000, IW 4000, the peer's window 65535.
    let mut a = client(TcpConfig::classic(), 1000, 65535);
    a.send(&pattern(30_000)).unwrap();
    let first: Vec<_> = out(&mut a, ms(200))
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect();
    assert_eq!(
        first,
        [(1001, 1000), (2001, 1000), (3001, 1000), (4001, 1000)]
    );
    // Slow start: each ACK grows cwnd by one SMSS and releases two segments.
    assert_eq!(ack(&mut a, 210, 2001), [(5001, 1000), (6001, 1000)]);
    assert_eq!(ack(&mut a, 211, 3001), [(7001, 1000), (8001, 1000)]);
    assert_eq!(ack(&mut a, 212, 4001), [(9001, 1000), (10001, 1000)]);
    assert_eq!(ack(&mut a, 213, 5001), [(11001, 1000), (12001, 1000)]);
    assert_eq!((a.cwnd(), a.ssthresh(), a.in_flight()), (8000, 65535, 8000));

    // Segments 5001 and 7001 are lost; 6001, 8001.. 12001 arrive and each
    // brings a duplicate ACK of 5001.
    assert_eq!(ack(&mut a, 220, 5001), []);
    assert_eq!(ack(&mut a, 221, 5001), []);
    let mut ev = feed(&mut a, ms(222), &seg(5001, 5001, "A", 65535), &[]);
    // The third: ssthresh = FlightSize/2 = 4000, cwnd = ssthresh + 3*SMSS.
    assert_eq!(
        ev,
        [
            TcpEvent::DupAck {
                ack: 5001,
                count: 3,
                cwnd: None,
            },
            TcpEvent::Congestion {
                cwnd: 7000,
                ssthresh: 4000,
                why: "fast recovery"
            },
            TcpEvent::Retransmit {
                seq: 5001,
                len: 1000,
                why: RetransmitCause::FastRetransmit
            },
        ]
    );
    let resent: Vec<_> = out(&mut a, ms(222))
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect();
    assert_eq!(resent, [(5001, 1000)]);
    // Each further duplicate inflates cwnd by one SMSS: new data goes once
    // cwnd exceeds what is in flight (8000).
    assert_eq!(ack(&mut a, 223, 5001), []);
    assert_eq!(a.cwnd(), 8000);
    assert_eq!(ack(&mut a, 224, 5001), [(13001, 1000)]);
    assert_eq!(ack(&mut a, 225, 5001), [(14001, 1000)]);
    assert_eq!(a.cwnd(), 10_000);

    // The retransmission fills the first hole: a partial ACK (7001 is
    // below `recover` = 13001). Resend 7001 at once; cwnd = 10000 - 2000
    // acknowledged + 1000.
    ev = feed(&mut a, ms(270), &seg(5001, 7001, "A", 65535), &[]);
    assert!(ev.contains(&TcpEvent::Retransmit {
        seq: 7001,
        len: 1000,
        why: RetransmitCause::PartialAck
    }));
    let sent: Vec<_> = out(&mut a, ms(270))
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect();
    assert_eq!(sent, [(7001, 1000), (15001, 1000)]);
    assert_eq!((a.cwnd(), a.ssthresh()), (9000, 4000));

    // The full ACK ends recovery: cwnd = min(ssthresh, max(FlightSize,
    // SMSS) + SMSS) with FlightSize = 1000 (RFC 6582 step 3, option 1).
    ev = feed(&mut a, ms(320), &seg(5001, 15001, "A", 65535), &[]);
    assert!(ev.contains(&TcpEvent::Congestion {
        cwnd: 2000,
        ssthresh: 4000,
        why: "left fast recovery, slow start"
    }));
    let sent: Vec<_> = out(&mut a, ms(320))
        .iter()
        .map(|(r, d)| (r.seq, d.len()))
        .collect();
    assert_eq!(sent, [(16001, 1000)]);
}

#[test]
fn duplicate_acks_after_a_timeout_do_not_trigger_fast_retransmit() {
    let mut a = client(TcpConfig::classic(), 1000, 65535);
    a.send(&pattern(4000)).unwrap();
    assert_eq!(out(&mut a, ms(200)).len(), 4);
    // Nothing comes back: the RTO (300 ms) expires; go back to 1001.
    assert_eq!(a.poll_at(), Some(ms(500)));
    tick(&mut a, ms(500));
    let sent: Vec<_> = out(&mut a, ms(500)).iter().map(|(r, _)| r.seq).collect();
    assert_eq!(sent, [1001], "cwnd is one segment");
    // The originals arrive late, except the first: duplicate ACKs of 1001.
    // They must not start fast recovery (RFC 6582: 1001 < recover = 5001).
    for t in 0..3 {
        let ev = feed(&mut a, ms(510 + t), &seg(5001, 1001, "A", 65535), &[]);
        assert!(
            !ev.iter().any(|e| matches!(e, TcpEvent::Retransmit { .. })),
            "{ev:?}"
        );
    }
    assert_eq!((a.cwnd(), a.ssthresh()), (1000, 2000));
    // The resent 1001 fills the hole: everything is acknowledged.
    ack(&mut a, 600, 5001);
    assert_eq!(a.in_flight(), 0);
}
