//! TIME-WAIT records (`time_wait.rs`): a connection rebuilt from its
//! record must do exactly what the original does, whatever reaches it.
//!
//! Connections are closed every way that ends in TIME-WAIT (active close,
//! simultaneous close, the passive side of a peer that closed second),
//! with each option on or off, after data both ways and a lost segment or
//! two. Then the original and the rebuilt `Tcb` get the same segments
//! (repeated FINs, old and new timestamps, RSTs and SYNs in and out of the
//! window, ACKs of data never sent, SACK blocks, data) and the same
//! timers, and every segment sent, event, deadline and state is compared.
//! The rebuilt one is reduced and rebuilt again after every step while it
//! may be, as a host's table does.

use proptest::prelude::*;

use super::harness::*;
use crate::stack::tcp::{State, Tcb, TcpConfig, TcpEvent, TimeWait};
use crate::wire::tcp::{SackBlocks, TcpTimestamp};

/// How the connection closes.
#[derive(Clone, Copy, Debug)]
enum Close {
    /// A first; A waits in TIME-WAIT.
    Active,
    /// Both at once; both wait in TIME-WAIT (through CLOSING).
    Simultaneous,
    /// B first; B (the passive opener) waits in TIME-WAIT.
    PeerFirst,
}

/// A segment sent to the connection in TIME-WAIT, relative to where it is
/// (by default: at RCV.NXT, acknowledging nothing, no flag, no window).
#[derive(Clone, Debug, Default)]
struct Probe {
    /// Milliseconds after the previous step (large ones cross the
    /// out-of-window ACK limit's 500 ms and 2 MSL).
    after_ms: u64,
    /// SEQ relative to RCV.NXT.
    seq: i64,
    /// ACK relative to SND.UNA.
    ack: i64,
    syn: bool,
    ack_flag: bool,
    fin: bool,
    rst: bool,
    window: u16,
    data: usize,
    /// TSval relative to TS.recent, and TSecr, if it carries timestamps.
    ts: Option<(i64, u32)>,
    /// SACK blocks, relative to SND.UNA.
    sack: Vec<(i64, i64)>,
    /// Fire due timers instead of sending a segment.
    tick: bool,
}

fn probe() -> impl Strategy<Value = Probe> {
    let offset = prop_oneof![-3i64..=3, -70_000i64..70_000, Just(-1), Just(0)];
    (
        prop_oneof![0u64..5, 0u64..1_000, 400u64..700, 55_000u64..65_000],
        offset.clone(),
        offset,
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        prop_oneof![Just(0u16), Just(65_535), any::<u16>()],
        prop_oneof![Just(0usize), 1usize..4, 1usize..2000],
        prop::option::of((
            prop_oneof![-3i64..=3, any::<i32>().prop_map(i64::from)],
            any::<u32>(),
        )),
        prop::collection::vec((-3000i64..3000, -3000i64..3000), 0..3),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(after_ms, seq, ack, (syn, ack_flag, fin, rst), window, data, ts, sack, tick)| Probe {
                after_ms,
                seq,
                ack,
                syn,
                // Most real segments carry an ACK.
                ack_flag: ack_flag || !syn,
                fin,
                rst,
                window,
                data,
                ts,
                sack,
                tick,
            },
        )
}

/// The configuration of one side, each option drawn.
fn config() -> impl Strategy<Value = TcpConfig> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(4096usize), Just(65_535), Just(1 << 20)],
    )
        .prop_map(
            |(window_scaling, sack, timestamps, recv_buffer)| TcpConfig {
                window_scaling,
                sack,
                timestamps,
                recv_buffer,
                ..TcpConfig::default()
            },
        )
}

/// Runs a connection to its close; returns the connections in TIME-WAIT.
fn time_waits(
    config_a: TcpConfig,
    config_b: TcpConfig,
    to_b: usize,
    to_a: usize,
    close: Close,
    lose: Vec<usize>,
) -> Vec<Tcb> {
    let mut net = Net::new(config_a, config_b, dur(20));
    let mut n = 0;
    net.fate = Box::new(move |_| {
        n += 1;
        if lose.contains(&n) {
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
    net.auto_read_b = true;
    net.source_a = pattern(to_b);
    net.run_until(ms(200));
    if net.states() != (State::Established, State::Established) {
        return Vec::new();
    }
    if let Some(b) = net.b.as_mut() {
        let _ = b.send(&pattern(to_a));
    }
    net.run_until(ms(3_000));
    let mut buf = [0u8; 4096];
    while matches!(net.a.recv(&mut buf, false), Ok(n) if n > 0) {}
    match close {
        Close::Active => net.a.close(),
        Close::Simultaneous => {
            net.a.close();
            net.b().close();
        }
        Close::PeerFirst => net.b().close(),
    }
    net.run_until(ms(6_000));
    match close {
        Close::Active => net.b().close(),
        Close::Simultaneous => {}
        Close::PeerFirst => net.a.close(),
    }
    net.run_until(ms(12_000));
    let mut out = Vec::new();
    if net.a.state() == State::TimeWait {
        out.push(net.a.clone());
    }
    if let Some(b) = net.b.take().filter(|b| b.state() == State::TimeWait) {
        out.push(b);
    }
    out
}

/// The connection rebuilt from its record, if it may be reduced to one.
fn rebuilt(tcb: &Tcb) -> Option<Tcb> {
    tcb.to_time_wait()
        .map(|(record, shape)| Tcb::from_time_wait(&record, &shape))
}

/// The segment `p` describes, for `tcb`.
fn segment(tcb: &Tcb, p: &Probe) -> (crate::wire::tcp::TcpRepr, Vec<u8>) {
    let at = |base: u32, off: i64| base.wrapping_add(off as u32);
    let flags: String = [(p.syn, 'S'), (p.ack_flag, 'A'), (p.fin, 'F'), (p.rst, 'R')]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect();
    let mut repr = seg(
        at(tcb.rcv_nxt.0, p.seq),
        at(tcb.snd_una.0, p.ack),
        &flags,
        p.window,
    );
    repr.src_port = tcb.ends.remote.port();
    repr.dst_port = tcb.ends.local.port();
    let recent = tcb.opts.ts_recent.map_or(0, |(ts, _)| ts);
    repr.timestamp = p.ts.map(|(val, ecr)| TcpTimestamp {
        val: at(recent, val),
        ecr,
    });
    let mut blocks = SackBlocks::new();
    for &(l, r) in &p.sack {
        blocks.push(at(tcb.snd_una.0, l), at(tcb.snd_una.0, r));
    }
    repr.sack = blocks;
    let data = pattern(p.data);
    repr.payload_len = data.len();
    (repr, data)
}

/// Everything one step makes a connection do.
#[derive(Debug, PartialEq)]
struct Seen {
    events: Vec<TcpEvent>,
    sent: Vec<(crate::wire::tcp::TcpRepr, Vec<u8>)>,
    poll_at: Option<crate::sim::SimTime>,
    state: State,
    closed: bool,
    waits_only_to_close: bool,
}

fn step(
    tcb: &mut Tcb,
    now: crate::sim::SimTime,
    p: &Probe,
    seg: &(crate::wire::tcp::TcpRepr, Vec<u8>),
) -> Seen {
    let mut events = Vec::new();
    if p.tick {
        if tcb.poll_at().is_some_and(|t| t <= now) {
            tcb.on_time(now, &mut events);
        }
    } else {
        tcb.on_segment(now, &seg.0, &seg.1, &mut events);
    }
    let sent = out(tcb, now);
    tcb.take_events(&mut events);
    Seen {
        events,
        sent,
        poll_at: tcb.poll_at(),
        state: tcb.state(),
        closed: tcb.is_closed(),
        waits_only_to_close: tcb.waits_only_to_close(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_global_rejects: 4096,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_rebuilt_time_wait_connection_does_what_the_original_does(
        config_a in config(),
        config_b in config(),
        to_b in prop_oneof![Just(0usize), 1usize..5000],
        to_a in prop_oneof![Just(0usize), 1usize..5000],
        close in prop_oneof![Just(Close::Active), Just(Close::Simultaneous), Just(Close::PeerFirst)],
        lose in prop::collection::vec(1usize..16, 0..3),
        probes in prop::collection::vec(probe(), 1..16),
    ) {
        let waiting = time_waits(config_a, config_b, to_b, to_a, close, lose);
        prop_assume!(!waiting.is_empty());
        for original in waiting {
            let mut full = original.clone();
            let mut copy = rebuilt(&original).expect("a quiet TIME-WAIT connection reduces");
            let mut now = ms(12_000);
            for p in &probes {
                now += dur(p.after_ms);
                // A record that is due: the table forgets it without
                // rebuilding it, and reports what the connection would.
                let expires = p.tick
                    && copy.state() == State::TimeWait
                    && copy.poll_at().is_some_and(|t| t <= now);
                let seg = segment(&full, p);
                let seen_full = step(&mut full, now, p, &seg);
                let seen_copy = step(&mut copy, now, p, &seg);
                prop_assert_eq!(&seen_full, &seen_copy);
                if expires {
                    prop_assert_eq!(&seen_full.events[..], &TimeWait::expiry_events()[..]);
                    prop_assert!(seen_full.sent.is_empty());
                    prop_assert_eq!(seen_full.poll_at, None);
                }
                if let Some(again) = rebuilt(&copy) {
                    copy = again;
                }
            }
        }
    }
}

/// Every way into TIME-WAIT leaves a connection that reduces to a record
/// (not only the cases the property happens to draw).
#[test]
fn time_wait_connections_reduce_to_records() {
    let lossless = Vec::new;
    for (config, close) in [
        (TcpConfig::default(), Close::Active),
        (TcpConfig::default(), Close::Simultaneous),
        (TcpConfig::default(), Close::PeerFirst),
        (TcpConfig::classic(), Close::Active),
        (TcpConfig::classic(), Close::Simultaneous),
    ] {
        let waiting = time_waits(config, config, 3000, 2000, close, lossless());
        let expect = if matches!(close, Close::Simultaneous) {
            2
        } else {
            1
        };
        assert_eq!(waiting.len(), expect, "{close:?}");
        for tcb in waiting {
            let (record, shape) = tcb.to_time_wait().expect("reduces");
            let again = Tcb::from_time_wait(&record, &shape);
            assert_eq!(again.to_time_wait(), Some((record, shape)), "{close:?}");
        }
    }
}

/// The record is the small part of a connection.
#[test]
fn a_record_is_a_fraction_of_a_tcb() {
    let record = std::mem::size_of::<TimeWait>();
    let tcb = std::mem::size_of::<Tcb>();
    assert!(record * 6 <= tcb, "record {record} B, Tcb {tcb} B");
}

/// A connection with anything pending stays whole.
#[test]
fn a_connection_with_something_pending_is_not_reduced() {
    let mut waiting = time_waits(
        TcpConfig::default(),
        TcpConfig::default(),
        100,
        100,
        Close::Active,
        Vec::new(),
    );
    let mut tcb = waiting.pop().expect("A waits in TIME-WAIT");
    assert!(tcb.to_time_wait().is_some());
    // The peer's FIN again: an ACK is owed until dispatch sends it.
    let fin = segment(
        &tcb,
        &Probe {
            seq: -1,
            ack_flag: true,
            fin: true,
            window: 1000,
            ..Probe::default()
        },
    );
    let mut events = Vec::new();
    tcb.on_segment(ms(13_000), &fin.0, &fin.1, &mut events);
    assert!(tcb.ack_now);
    assert_eq!(tcb.to_time_wait(), None, "an ACK is owed");
    let sent = out(&mut tcb, ms(13_000));
    assert_eq!(sent.len(), 1);
    assert!(tcb.to_time_wait().is_some(), "once the ACK went");
    // Not in TIME-WAIT any more.
    let rst = segment(
        &tcb,
        &Probe {
            rst: true,
            ..Probe::default()
        },
    );
    tcb.on_segment(ms(13_001), &rst.0, &rst.1, &mut events);
    assert_eq!(tcb.state(), State::Closed);
    assert_eq!(tcb.to_time_wait(), None);
}
