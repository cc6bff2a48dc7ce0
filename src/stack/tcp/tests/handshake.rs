//! Opening: the three-way handshake, MSS negotiation, SYN retransmission.

use std::time::Duration;

use super::harness::*;
use crate::sim::SimTime;
use crate::stack::tcp::{RetransmitCause, State, Tcb, TcpConfig, TcpError, TcpEvent};

#[test]
fn three_way_handshake_states_mss_and_numbers() {
    let config_b = TcpConfig {
        mss: 1000,
        ..TcpConfig::classic()
    };
    let mut net = Net::new(TcpConfig::classic(), config_b, dur(50));
    net.run_until(ms(200));
    assert_eq!(net.states(), (State::Established, State::Established));

    let s: Vec<_> = net.sent.iter().map(|s| (s.at, s.from_a, s.repr)).collect();
    assert_eq!(s.len(), 3, "{s:#?}");
    // SYN: <SEQ=1000><CTL=SYN> with our MSS and the whole window.
    let (at, from_a, syn) = s[0];
    assert_eq!((at, from_a), (ms(0), true));
    assert_eq!(
        (syn.seq, syn.flags, syn.mss, syn.window),
        (1000, seg(0, 0, "S", 0).flags, Some(1460), 65535)
    );
    // SYN-ACK: <SEQ=5000><ACK=1001><CTL=SYN,ACK> with B's MSS.
    let (at, from_a, synack) = s[1];
    assert_eq!((at, from_a), (ms(50), false));
    assert_eq!(
        (synack.seq, synack.ack, synack.mss),
        (5000, 1001, Some(1000))
    );
    assert!(synack.flags.syn && synack.flags.ack);
    // ACK: <SEQ=1001><ACK=5001><CTL=ACK>, no option.
    let (at, from_a, ack) = s[2];
    assert_eq!((at, from_a), (ms(100), true));
    assert_eq!(
        (ack.seq, ack.ack, ack.mss, ack.flags.syn),
        (1001, 5001, None, false)
    );
    assert!(ack.flags.ack);

    // Both send segments of min(1460, 1000) bytes.
    assert_eq!((net.a.mss(), net.b().mss()), (1000, 1000));
    // Initial window with a 1000-byte MSS: min(4000, max(2000, 4380)).
    assert_eq!(net.a.cwnd(), 4000);

    assert_eq!(
        net.events(true)[..4],
        [
            TcpEvent::StateChange {
                from: State::Closed,
                to: State::SynSent
            },
            TcpEvent::RttSample {
                srtt: dur(100),
                rttvar: dur(50),
                rto: dur(300)
            },
            TcpEvent::StateChange {
                from: State::SynSent,
                to: State::Established
            },
            TcpEvent::Congestion {
                cwnd: 4000,
                ssthresh: 65535,
                why: "slow start"
            },
        ]
    );
    let established = TcpEvent::StateChange {
        from: State::SynReceived,
        to: State::Established,
    };
    assert_eq!(net.time_of(false, &established), Some(ms(150)));
    assert_eq!(
        net.events(false)[0],
        TcpEvent::StateChange {
            from: State::Listen,
            to: State::SynReceived
        }
    );
    assert!(net.a.established() && net.b().established());
    assert_eq!(net.a.poll_at(), None, "nothing outstanding, no timer");
}

#[test]
fn a_peer_without_mss_option_gets_536() {
    let mut syn = seg(7000, 0, "S", 65535);
    syn.mss = None;
    let b = Tcb::accept(ms(0), ends_b(), &syn, ISS_B, TcpConfig::classic());
    assert_eq!(b.mss(), 536);
    let mut syn = seg(7000, 0, "S", 65535);
    syn.mss = Some(9000);
    let b = Tcb::accept(ms(0), ends_b(), &syn, ISS_B, TcpConfig::classic());
    assert_eq!(b.mss(), 1460, "never more than our own");
    let a = client(TcpConfig::classic(), 0, 65535);
    assert_eq!(a.mss(), 48, "an MSS of 0 cannot stall the sender");
}

#[test]
fn syn_backs_off_1_2_4_s_then_times_out_after_syn_retries() {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic());
    let mut syn_times = Vec::new();
    let mut events = Vec::new();
    let mut now = ms(0);
    loop {
        for (r, _) in out(&mut a, now) {
            assert!(r.flags.syn && r.seq == ISS_A && r.mss == Some(1460));
            syn_times.push(now.as_nanos() / 1_000_000_000);
        }
        let Some(t) = a.poll_at() else { break };
        now = t;
        events.extend(tick(&mut a, now));
    }
    // Linux's 6 retries: SYNs at 0, 1, 3, 7, 15, 31, 63 s; failure at 127 s.
    assert_eq!(syn_times, [0, 1, 3, 7, 15, 31, 63]);
    assert_eq!(now, SimTime::from_secs(127));
    assert_eq!(a.state(), State::Closed);
    let retransmits = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                TcpEvent::Retransmit {
                    seq: ISS_A,
                    len: 0,
                    why: RetransmitCause::SynTimeout
                }
            )
        })
        .count();
    assert_eq!(retransmits, 6);
    assert!(events.contains(&TcpEvent::Failed {
        error: TcpError::TimedOut
    }));
    assert!(a.recv_ready());
    assert_eq!(a.recv(&mut [0; 4], false), Err(TcpError::TimedOut));
    assert_eq!(a.recv(&mut [0; 4], false), Ok(0));
    assert!(!a.is_closed(), "the application still holds it");
    a.close();
    assert!(a.is_closed());
}

#[test]
fn synack_is_resent_on_timeout_and_on_a_duplicate_syn() {
    let mut syn = seg(7000, 0, "S", 65535);
    syn.mss = Some(1460);
    let mut b = Tcb::accept(ms(0), ends_b(), &syn, ISS_B, TcpConfig::classic());
    let first = out(&mut b, ms(0));
    assert_eq!(first.len(), 1);
    let synack = first[0].0;
    assert!(synack.flags.syn && synack.flags.ack);
    assert_eq!((synack.seq, synack.ack), (ISS_B, 7001));
    assert_eq!(b.poll_at(), Some(ms(1000)));
    // The peer's SYN again (our SYN-ACK was lost): answer at once.
    feed(&mut b, ms(300), &syn, &[]);
    let again = out(&mut b, ms(300));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, synack);
    // The timer keeps running from the first SYN-ACK.
    assert_eq!(b.poll_at(), Some(ms(1000)));
    tick(&mut b, ms(1000));
    assert_eq!(out(&mut b, ms(1000))[0].0, synack);
    assert_eq!(b.poll_at(), Some(ms(3000)));
    // Give up after syn_retries: a passive open that never completed is
    // finished as soon as it is CLOSED.
    let mut now = ms(1000);
    while let Some(t) = b.poll_at() {
        now = t;
        tick(&mut b, now);
        out(&mut b, now);
    }
    assert_eq!(now, SimTime::from_secs(127));
    assert!(b.is_closed() && !b.established());
}

#[test]
fn the_ack_may_carry_data_and_an_unacceptable_ack_gets_a_rst() {
    let mut syn = seg(7000, 0, "S", 65535);
    syn.mss = Some(1460);
    let mut b = Tcb::accept(ms(0), ends_b(), &syn, ISS_B, TcpConfig::classic());
    out(&mut b, ms(0));
    // An ACK of something we never sent: <SEQ=SEG.ACK><CTL=RST>.
    feed(&mut b, ms(10), &seg(7001, 9999, "A", 65535), &[]);
    let rst = out(&mut b, ms(10));
    assert_eq!(rst.len(), 1);
    assert_eq!(
        (rst[0].0.seq, rst[0].0.flags.rst, rst[0].0.flags.ack),
        (9999, true, false)
    );
    assert_eq!(b.state(), State::SynReceived);
    // The real ACK, with data.
    feed(&mut b, ms(20), &seg(7001, ISS_B + 1, "PA", 65535), b"hi");
    assert_eq!(b.state(), State::Established);
    let mut buf = [0; 8];
    assert_eq!(b.recv(&mut buf, false), Ok(2));
    assert_eq!(&buf[..2], b"hi");
}

#[test]
fn simultaneous_open_reaches_established_on_both_sides() {
    let config = TcpConfig::classic();
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, config);
    let mut b = Tcb::connect(ms(0), ends_b(), ISS_B, config);
    let mut now = ms(0);
    for _ in 0..10 {
        let from_a = out(&mut a, now);
        let from_b = out(&mut b, now);
        now += Duration::from_millis(10);
        for (r, d) in &from_a {
            feed(&mut b, now, r, d);
        }
        for (r, d) in &from_b {
            feed(&mut a, now, r, d);
        }
    }
    assert_eq!(
        (a.state(), b.state()),
        (State::Established, State::Established)
    );
    a.send(b"ping").unwrap();
    for _ in 0..3 {
        let from_a = out(&mut a, now);
        now += Duration::from_millis(10);
        for (r, d) in &from_a {
            feed(&mut b, now, r, d);
        }
    }
    let mut buf = [0; 8];
    assert_eq!(b.recv(&mut buf, false), Ok(4));
}

#[test]
fn states_and_events_read_like_the_rfc_and_tcpdump() {
    assert_eq!(State::SynSent.to_string(), "SYN-SENT");
    assert_eq!(State::FinWait2.to_string(), "FIN-WAIT-2");
    assert_eq!(State::TimeWait.to_string(), "TIME-WAIT");
    let lines = [
        (
            TcpEvent::StateChange {
                from: State::SynSent,
                to: State::Established,
            },
            "SYN-SENT -> ESTABLISHED",
        ),
        (
            TcpEvent::Retransmit {
                seq: 1001,
                len: 1460,
                why: RetransmitCause::Timeout,
            },
            "retransmit seq 1001 len 1460 (timeout)",
        ),
        (
            TcpEvent::Congestion {
                cwnd: 2920,
                ssthresh: 4380,
                why: "fast recovery",
            },
            "cwnd 2920 ssthresh 4380 (fast recovery)",
        ),
        (
            TcpEvent::RttSample {
                srtt: dur(100),
                rttvar: dur(50),
                rto: dur(300),
            },
            "rtt srtt 100.000ms rttvar 50.000ms rto 300.000ms",
        ),
        (
            TcpEvent::PeerWindow { window: 0 },
            "peer window closed (win 0)",
        ),
        (
            TcpEvent::TimerExpired {
                which: "delayed ack",
            },
            "delayed ack timer expired",
        ),
        (
            TcpEvent::DupAck {
                ack: 5001,
                count: 3,
                cwnd: None,
            },
            "duplicate ack 5001 (#3)",
        ),
        (
            TcpEvent::DupAck {
                ack: 5001,
                count: 4,
                cwnd: Some(8000),
            },
            "duplicate ack 5001 (#4), cwnd 8000",
        ),
        (
            TcpEvent::TimerSet {
                which: "time-wait",
                after: dur(60_000),
                backoff: 0,
            },
            "time-wait timer set for 60.000s",
        ),
        (
            TcpEvent::TimerSet {
                which: "retransmission",
                after: dur(600),
                backoff: 1,
            },
            "retransmission timer set for 600.000ms (backoff #1)",
        ),
        (TcpEvent::WindowClosed, "receive window closed (win 0)"),
    ];
    for (event, line) in lines {
        assert_eq!(event.to_string(), line);
    }
}
