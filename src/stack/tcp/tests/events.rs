//! The trace: every state change, retransmission, congestion window
//! change, window change and timer a learner should see is an event. These
//! tests drive one `Tcb` with hand-built segments (or two over the test
//! wire) and check the exact events, with the values the RFCs give.

use super::harness::*;
use crate::stack::tcp::{RetransmitCause, State, Tcb, TcpConfig, TcpEvent};

/// Feed A an ACK of `n` from the hand-played peer; return A's events, and
/// let A send what it may.
fn ack(a: &mut Tcb, t: u64, n: u32) -> Vec<TcpEvent> {
    let ev = feed(a, ms(t), &seg(5001, n, "A", 65535), &[]);
    out(a, ms(t));
    ev
}

/// The events other than RTT samples (which come with most ACKs).
fn without_rtt(ev: Vec<TcpEvent>) -> Vec<TcpEvent> {
    ev.into_iter()
        .filter(|e| !matches!(e, TcpEvent::RttSample { .. }))
        .collect()
}

fn congestion(cwnd: u32, ssthresh: u32, why: &'static str) -> TcpEvent {
    TcpEvent::Congestion {
        cwnd,
        ssthresh,
        why,
    }
}

fn dupack(count: u32, cwnd: Option<u32>) -> TcpEvent {
    TcpEvent::DupAck {
        ack: 5001,
        count,
        cwnd,
    }
}

#[test]
fn three_duplicate_acks_report_fast_retransmit_with_rfc5681_values() {
    // SMSS 1000, IW 4000; slow start to cwnd 8000 with 8000 in flight.
    let mut a = client(TcpConfig::classic(), 1000, 65535);
    a.send(&pattern(30_000)).unwrap();
    assert_eq!(out(&mut a, ms(200)).len(), 4);
    assert_eq!(without_rtt(ack(&mut a, 210, 2001)), []);
    assert_eq!(without_rtt(ack(&mut a, 211, 3001)), []);
    assert_eq!(without_rtt(ack(&mut a, 212, 4001)), []);
    // Slow start is summarised: one event once cwnd has doubled.
    assert_eq!(
        without_rtt(ack(&mut a, 213, 5001)),
        [congestion(8000, 65535, "slow start")]
    );
    assert_eq!(a.in_flight(), 8000);

    assert_eq!(ack(&mut a, 220, 5001), [dupack(1, None)]);
    assert_eq!(ack(&mut a, 221, 5001), [dupack(2, None)]);
    // RFC 5681 §3.2 steps 2-3: ssthresh = max(FlightSize/2, 2*SMSS) = 4000,
    // cwnd = ssthresh + 3*SMSS = 7000, and the segment goes again now.
    assert_eq!(
        ack(&mut a, 222, 5001),
        [
            dupack(3, None),
            congestion(7000, 4000, "fast recovery"),
            TcpEvent::Retransmit {
                seq: 5001,
                len: 1000,
                why: RetransmitCause::FastRetransmit
            },
        ]
    );
    // Step 4: each further duplicate inflates cwnd by one SMSS.
    assert_eq!(ack(&mut a, 223, 5001), [dupack(4, Some(8000))]);
    // RFC 6582 §3.2 step 3: a partial ACK (7001 < recover = 13001) deflates
    // cwnd by what it acknowledged, adds back one SMSS, and resends.
    assert_eq!(
        ack(&mut a, 270, 7001),
        [
            congestion(7000, 4000, "partial ack"),
            TcpEvent::Retransmit {
                seq: 7001,
                len: 1000,
                why: RetransmitCause::PartialAck
            },
        ]
    );
    // The full ACK ends recovery: cwnd = min(ssthresh, FlightSize + SMSS).
    assert_eq!(a.in_flight(), 7000);
    assert_eq!(
        without_rtt(ack(&mut a, 320, 14_001)),
        [congestion(2000, 4000, "left fast recovery, slow start")]
    );
}

#[test]
fn slow_start_is_summarised_and_each_growth_in_avoidance_reported() {
    let mut a = client(TcpConfig::classic(), 1000, 65535);
    a.cc.ssthresh = 12_000;
    a.send(&pattern(60_000)).unwrap();
    out(&mut a, ms(200));
    let mut seen = Vec::new();
    for k in 1..=40 {
        for e in ack(&mut a, 200 + k, 1001 + k as u32 * 1000) {
            if let TcpEvent::Congestion { cwnd, why, .. } = e {
                seen.push((k, cwnd, why));
            }
        }
    }
    // One SMSS per ACK up to ssthresh (8 ACKs), then one SMSS per cwnd of
    // data acknowledged (RFC 5681 §3.1).
    assert_eq!(
        seen,
        [
            (4, 8000, "slow start"),
            (8, 12_000, "congestion avoidance"),
            (20, 13_000, "congestion avoidance"),
            (33, 14_000, "congestion avoidance"),
        ]
    );
}

#[test]
fn each_rto_expiry_reports_the_backed_off_rto() {
    let mut a = client(TcpConfig::classic(), 1000, 65535);
    a.send(&pattern(4000)).unwrap();
    assert_eq!(out(&mut a, ms(200)).len(), 4);
    // The RTO is 300 ms (the SYN's 100 ms sample).
    assert_eq!(
        tick(&mut a, ms(500)),
        [
            TcpEvent::TimerExpired {
                which: "retransmission"
            },
            // RFC 5681 (4): ssthresh = max(4000/2, 2*SMSS), cwnd = 1 SMSS.
            congestion(1000, 2000, "timeout"),
            TcpEvent::Retransmit {
                seq: 1001,
                len: 1000,
                why: RetransmitCause::Timeout
            },
            // RFC 6298 5.5: the RTO doubles.
            TcpEvent::TimerSet {
                which: "retransmission",
                after: dur(600),
                backoff: 1
            },
        ]
    );
    out(&mut a, ms(500));
    let ev = tick(&mut a, ms(1100));
    assert_eq!(
        ev.last(),
        Some(&TcpEvent::TimerSet {
            which: "retransmission",
            after: dur(1200),
            backoff: 2
        })
    );
    assert_eq!(
        ev.last().unwrap().to_string(),
        "retransmission timer set for 1.200s (backoff #2)"
    );
}

#[test]
fn a_syn_timeout_reports_the_backed_off_rto() {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic());
    out(&mut a, ms(0));
    a.take_events(&mut Vec::new());
    assert_eq!(
        tick(&mut a, ms(1000)),
        [
            TcpEvent::TimerExpired {
                which: "retransmission"
            },
            TcpEvent::Retransmit {
                seq: ISS_A,
                len: 0,
                why: RetransmitCause::SynTimeout
            },
            TcpEvent::TimerSet {
                which: "retransmission",
                after: dur(2000),
                backoff: 1
            },
        ]
    );
}

#[test]
fn zero_window_persist_probes_and_window_updates_are_reported() {
    let small = TcpConfig {
        mss: 1000,
        recv_buffer: 4000,
        ..TcpConfig::classic()
    };
    let mut net = Net::established_with(small, small);
    net.a.send(&pattern(10_000)).unwrap();
    net.run_until(ms(2100));
    // B's buffer filled at 200 ms: its ACK says so.
    let b = net.events(false);
    assert_eq!(
        b.iter().filter(|e| **e == TcpEvent::WindowClosed).count(),
        1,
        "reported once, not with each zero-window ACK: {b:?}"
    );
    // A: the peer's window closed at 250 ms; the persist timer backs off
    // from the RTO (250 ms): probes at 500, 1000 and 2000 ms.
    let a: Vec<_> = net
        .events_a
        .iter()
        .filter(|(t, e)| {
            *t >= ms(250)
                && matches!(
                    e,
                    TcpEvent::PeerWindow { .. }
                        | TcpEvent::TimerSet { .. }
                        | TcpEvent::TimerExpired { .. }
                        | TcpEvent::ZeroWindowProbe
                        | TcpEvent::Retransmit { .. }
                )
        })
        .cloned()
        .collect();
    let persist = |t: u64, after: u64, backoff: u32| {
        (
            ms(t),
            TcpEvent::TimerSet {
                which: "persist",
                after: dur(after),
                backoff,
            },
        )
    };
    let expired = |t: u64| (ms(t), TcpEvent::TimerExpired { which: "persist" });
    let probe_again = |t: u64| {
        (
            ms(t),
            TcpEvent::Retransmit {
                seq: 5001,
                len: 1,
                why: RetransmitCause::Probe,
            },
        )
    };
    assert_eq!(
        a,
        [
            (ms(250), TcpEvent::PeerWindow { window: 0 }),
            persist(250, 250, 0),
            expired(500),
            (ms(500), TcpEvent::ZeroWindowProbe),
            persist(500, 500, 1),
            expired(1000),
            probe_again(1000),
            persist(1000, 1000, 2),
            expired(2000),
            probe_again(2000),
            persist(2000, 2000, 3),
        ]
    );
    // B reads: the window opens, and says so.
    let mut ev = Vec::new();
    assert_eq!(net.b().recv(&mut [0; 4000], false), Ok(4000));
    net.b().take_events(&mut ev);
    assert_eq!(ev, [TcpEvent::WindowUpdate { window: 4000 }]);
}

#[test]
fn fin_wait_2_and_time_wait_timers_are_reported_when_set_and_when_they_fire() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.run_until(ms(2000));
    net.b().close();
    net.run_until(ms(100_000));
    let timers: Vec<_> = net
        .events_a
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                TcpEvent::TimerSet { .. }
                    | TcpEvent::TimerExpired { .. }
                    | TcpEvent::StateChange {
                        to: State::TimeWait | State::Closed,
                        ..
                    }
            )
        })
        .map(|(t, e)| (*t, e.to_string()))
        .collect();
    let at = |t: u64, s: &str| (ms(t), s.to_string());
    assert_eq!(
        timers,
        [
            // A closed: an orphan waits at most 60 s for the peer's FIN.
            at(1100, "fin-wait-2 timer set for 60.000s"),
            // B's FIN at 2050 ms: TIME-WAIT for 2 MSL.
            at(2050, "FIN-WAIT-2 -> TIME-WAIT"),
            at(2050, "time-wait timer set for 60.000s"),
            at(62_050, "time-wait timer expired"),
            at(62_050, "TIME-WAIT -> CLOSED"),
        ]
    );
    assert_eq!(net.a.poll_at(), None);
}
