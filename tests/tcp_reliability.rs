//! TCP reliability as a property: for any seed, link (loss, duplication,
//! reordering, corruption, latency, bandwidth), payload and chunking of
//! writes and reads, the reader receives exactly the bytes the writer sent,
//! in order, then EOF; the writer's close completes (it sees the reader's
//! FIN after its own); no process panics or deadlocks and the run ends
//! before its (generous) time limit. The pieces (strategies, the transfer,
//! its verdict) are `simnet::testing`, for users' own properties too.
//!
//! Cases: `SIMNET_PROPTEST_CASES` (or proptest's `PROPTEST_CASES`), default
//! 10,000 (about 20 s on a 2-core machine); 20,000 passed in 50 s. They are
//! drawn from `SIMNET_PROPTEST_SEED` (default 1), so every run draws the
//! same cases; another seed draws others. A failure prints its case line and a scenario file that replays it
//! with `simnet run`; or replay the line here:
//! `SIMNET_TCP_CASE='<case line>' cargo test --release --test tcp_reliability
//! replay_one_case -- --nocapture`, adding `SIMNET_TCP_TRACE=1` for the
//! packet trace.
//!
//! Virtual time: 1 MiB at 1 Mbit/s is ~9 s on the wire, but at 25–30 %
//! loss the stack's RTO stays backed off to its 120 s cap (Karn's rule
//! leaves it few RTT samples: no timestamps), so every loss the few-segment
//! window cannot fast-retransmit costs two minutes: a 1 MiB case can take
//! hours of virtual time (milliseconds of real time). The scenario allows a
//! day; `SIMNET_TCP_TIME_LIMIT_S` overrides it.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError};
use simnet::link::LinkParams;
use simnet::stack::tcp::TcpConfig;
use simnet::testing::{transfer, Transfer, TransferOutcome};
use simnet::trace::{TextLines, TextSink};

/// Runs `case`; with `trace`, the text trace goes there.
fn run(case: &Transfer, trace: Option<TextLines>) -> Result<TransferOutcome, String> {
    let (mut sim, limit) = case.sim()?;
    let limit = std::env::var("SIMNET_TCP_TIME_LIMIT_S")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(limit, Duration::from_secs);
    sim.set_time_limit(limit);
    if let Some(lines) = &trace {
        sim.add_sink(Box::new(TextSink::new(lines.clone())));
    }
    let summary = sim.run();
    case.check(&sim, &summary)
}

/// The property's own seed: `SIMNET_PROPTEST_SEED`, default 1, so that
/// every run (CI's among them) draws the same cases; set another to draw
/// others.
fn seed() -> u64 {
    std::env::var("SIMNET_PROPTEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn cases() -> u32 {
    let from = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    from("SIMNET_PROPTEST_CASES")
        .or_else(|| from("PROPTEST_CASES"))
        .unwrap_or(10_000)
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(seed()),
        // The failure message carries the replay line; no regression file.
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn tcp_delivers_every_byte_in_order_and_closes_cleanly(case in transfer()) {
        if let Err(problem) = run(&case, None) {
            return Err(TestCaseError::fail(case.report(&problem)));
        }
    }
}

/// Replays the case in `SIMNET_TCP_CASE` (does nothing without it).
#[test]
fn replay_one_case() {
    let Ok(line) = std::env::var("SIMNET_TCP_CASE") else {
        return;
    };
    let case = Transfer::parse(&line).expect("a case line as a failure prints it");
    let lines = std::env::var_os("SIMNET_TCP_TRACE").map(|_| TextLines::default());
    let result = run(&case, lines.clone());
    if let Some(lines) = lines {
        for line in lines.borrow().iter() {
            println!("{line}");
        }
    }
    match result {
        Ok(outcome) => println!(
            "passed{}: {} events, {:?} of virtual time",
            if outcome.gave_up {
                " (the writer gave up after its retries, as allowed)"
            } else {
                ""
            },
            outcome.events,
            outcome.end
        ),
        Err(problem) => panic!("{}", case.report(&problem)),
    }
}

/// The same case twice gives the same output, the same number of events
/// and the same end.
#[test]
fn the_same_case_runs_the_same_way_twice() {
    let case = Transfer {
        seed: 0x5EED_2024,
        link: LinkParams {
            loss: 0.15,
            duplicate: 0.05,
            reorder: 0.2,
            reorder_delay: Duration::from_millis(3),
            corrupt: 0.03,
            latency: Duration::from_micros(2500),
            bandwidth_bps: 10_000_000,
            ..LinkParams::DEFAULT
        },
        len: 200_000,
        tcp: TcpConfig::default(),
        writes: vec![1, 3000, 65536],
        reads: vec![7, 1460, 40000],
    };
    let first = run(&case, None).unwrap_or_else(|p| panic!("{}", case.report(&p)));
    let second = run(&case, None).unwrap_or_else(|p| panic!("{}", case.report(&p)));
    assert_eq!(first, second, "same output, events and end");
    assert!(!first.gave_up);
}

/// Every impairment at once, strongly: the transfer still delivers every
/// byte, and the trace shows each impairment at work and the checksum
/// catching the corruption. With SACK, the losses are repaired by SACK
/// recovery (RFC 6675); without it (the same case with `sack = false`), by
/// NewReno's fast retransmit.
#[test]
fn every_impairment_shows_in_the_trace_and_tcp_repairs_it() {
    let case = Transfer {
        seed: 11,
        link: LinkParams {
            loss: 0.05,
            duplicate: 0.1,
            reorder: 0.2,
            reorder_delay: Duration::from_millis(2),
            corrupt: 0.05,
            latency: Duration::from_micros(500),
            bandwidth_bps: 100_000_000,
            ..LinkParams::DEFAULT
        },
        len: 300_000,
        writes: vec![65536],
        reads: vec![4096],
        tcp: TcpConfig::default(),
    };
    let no_sack = Transfer {
        tcp: TcpConfig {
            sack: false,
            ..TcpConfig::default()
        },
        ..case.clone()
    };
    for (case, repair) in [(case, "(sack recovery)"), (no_sack, "(fast retransmit)")] {
        let lines = TextLines::default();
        run(&case, Some(lines.clone())).unwrap_or_else(|p| panic!("{}", case.report(&p)));
        let lines = lines.borrow();
        let seen = |what: &str| lines.iter().filter(|l| l.contains(what)).count();
        assert!(seen("pc1.eth0 link duplicated the frame") > 0);
        assert!(seen("pc1.eth0 link held the frame back") > 0);
        assert!(seen("pc1.eth0 link corrupted the frame: bit") > 0);
        assert!(seen("drop bad-checksum") > 0, "a checksum caught one");
        assert!(seen(repair) > 0, "{repair}");
        let sacks = seen(",nop,nop,sack ");
        assert_eq!(sacks > 0, case.tcp.sack, "SACK blocks on the wire: {sacks}");
    }
}

/// Found by the property: at 30 % loss with one-byte writes, the FIN and
/// its retransmissions are lost 16 times in a row and the writer's wait for
/// the reader's close ends in TimedOut; the reader, which never saw the
/// FIN, waits in `read` (no RST is sent, as on Linux). Accepted as giving up.
#[test]
fn a_writer_that_times_out_waiting_for_the_close_gives_up() {
    assert_gives_up(
        "seed=9716248412342580644 loss=0.29698487178311755 latency_ns=10000 \
         bandwidth_bps=1000000 len=23383 writes=1 reads=1 \
         ws=0 sack=0 ts=0 rbuf=65536 sbuf=65536",
    );
}

/// Found by the property: when a connection fails (here: TimedOut after
/// 15 retries at 28 % loss) while a blocking `write` that already queued
/// part of its data waits for room, the call returns the partial count and
/// the error must wait for the next call, as Linux keeps `sk_err` when
/// `tcp_sendmsg` returns a partial count: ETIMEDOUT, not EPIPE.
#[test]
fn a_write_that_fails_after_a_partial_write_reports_the_connection_error() {
    assert_gives_up(
        "seed=15916873823466716959 loss=0.277477463423802 latency_ns=9990958 \
         bandwidth_bps=1000000 len=326877 writes=5 reads=1 \
         ws=0 sack=0 ts=0 rbuf=65536 sbuf=65536",
    );
}

/// Found by the property: at 28 % loss with 1.7 % corruption, a bit flipped
/// in the ARP reply's sender MAC (ARP has no checksum) sends pc1's frames
/// to a wrong MAC for 60 s, until the entry expires; meanwhile pc2's
/// SYN-RECEIVED, whose SYN-ACK retransmissions do reach pc1, sees no ACK
/// get through before its retries run out, and closes. pc1's next data
/// segment gets a RST (ConnectionReset), and the reader never accepted.
/// Accepted as giving up.
#[test]
fn a_passive_open_that_times_out_leaves_the_writer_reset() {
    assert_gives_up(
        "seed=11097910582123168734 loss=0.280799833408033 duplicate=0.05210642797195421 \
         reorder=0.25257733936293936 reorder_delay_ns=10518955 corrupt=0.01746106787628519 \
         latency_ns=10000 bandwidth_bps=1000000 len=2896 writes=1 reads=1 \
         ws=0 sack=0 ts=1 rbuf=4096 sbuf=4096",
    );
}

/// Found by the property (in CI): at 20 % frame loss (18 % lost, 2.4 %
/// corrupted), with timestamps, the timer backs off past the 60 s ARP
/// lifetime, and each retry must first win ARP as well; 15 retries fail.
/// Accepted as giving up (see `GIVE_UP_LOSS`).
#[test]
fn a_writer_whose_retries_must_each_win_arp_again_gives_up() {
    assert_gives_up(
        "seed=10749338693427761898 loss=0.18023295660548322 duplicate=0.0055749627609210555 \
         reorder=0.1401413669400129 reorder_delay_ns=8124742 corrupt=0.024014848931241572 \
         latency_ns=10000 bandwidth_bps=2706510 len=50169 writes=1 reads=1 \
         ws=0 sack=0 ts=1 rbuf=65536 sbuf=4096",
    );
}

/// Runs the case `line` and asserts that it passes by the writer giving up
/// with TimedOut (allowed at this loss), not by a clean transfer.
fn assert_gives_up(line: &str) {
    let case = Transfer::parse(line).expect("the case line parses");
    let outcome = run(&case, None).unwrap_or_else(|p| panic!("{}", case.report(&p)));
    assert!(outcome.gave_up, "the writer gives up with TimedOut");
}
