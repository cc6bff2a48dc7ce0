//! Bulk transfers through a hostile wire: every byte arrives, in order.

use super::harness::*;
use crate::stack::tcp::{RetransmitCause, State, TcpConfig, TcpEvent};

fn retransmits(net: &Net, why: RetransmitCause) -> usize {
    net.events(true)
        .iter()
        .filter(|e| matches!(e, TcpEvent::Retransmit { why: w, .. } if *w == why))
        .count()
}

#[test]
fn one_mib_through_a_wire_losing_10_percent_arrives_intact() {
    // ISSs near 2^32, so that sequence numbers wrap during the transfer.
    let mut net = Net::with_iss(
        TcpConfig::classic(),
        TcpConfig::classic(),
        dur(5),
        u32::MAX - 100_000,
        u32::MAX - 10,
    );
    // Every tenth segment, in either direction, is lost.
    let mut n = 0u64;
    net.fate = Box::new(move |_| {
        n += 1;
        if n % 10 == 0 {
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
    net.auto_read_b = true;
    net.source_a = pattern(1 << 20);
    net.close_a_after_source = true;
    net.run_until(ms(600_000));
    assert_eq!(net.read_b.len(), 1 << 20);
    assert!(net.read_b == pattern(1 << 20), "the bytes differ");
    // With a window this small, most losses are repaired by timeouts.
    assert!(retransmits(&net, RetransmitCause::Timeout) > 0);
    // A closed; B saw the end of the stream and may close too.
    assert_eq!(net.b().recv(&mut [0; 4], false), Ok(0));
    net.b().close();
    net.run_until(ms(1_000_000));
    assert_eq!(net.states(), (State::Closed, State::Closed));
}

#[test]
fn losses_in_a_large_window_are_repaired_by_fast_retransmit() {
    let mut net = Net::new(TcpConfig::classic(), TcpConfig::classic(), dur(5));
    // Every 50th data segment from A is lost.
    let mut n = 0u64;
    net.fate = Box::new(move |s| {
        n += u64::from(s.from_a && !s.data.is_empty());
        if s.from_a && !s.data.is_empty() && n % 50 == 0 {
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
    net.auto_read_b = true;
    net.source_a = pattern(1 << 20);
    net.run_until(ms(600_000));
    assert!(net.read_b == pattern(1 << 20), "the bytes differ");
    let fast = retransmits(&net, RetransmitCause::FastRetransmit);
    let timeouts = retransmits(&net, RetransmitCause::Timeout);
    assert!(
        fast > 5 && timeouts < fast,
        "fast {fast}, timeouts {timeouts}"
    );
}

#[test]
fn reordered_and_duplicated_segments_are_harmless() {
    let mut net = Net::new(TcpConfig::classic(), TcpConfig::classic(), dur(5));
    let mut n = 0u64;
    net.fate = Box::new(move |_| {
        n += 1;
        match n % 7 {
            3 => Fate::Delay(dur(3)),
            5 => Fate::Duplicate,
            _ => Fate::Deliver,
        }
    });
    net.auto_read_b = true;
    net.source_a = pattern(256 * 1024);
    net.close_a_after_source = true;
    net.run_until(ms(60_000));
    assert!(net.read_b == pattern(256 * 1024), "the bytes differ");
    assert!(net
        .events(false)
        .iter()
        .any(|e| matches!(e, TcpEvent::OutOfOrder { .. })));
    assert!(net
        .events(false)
        .iter()
        .any(|e| matches!(e, TcpEvent::Duplicate { .. })));
}

#[test]
fn the_same_inputs_give_the_same_segments() {
    let run = || {
        let mut net = Net::new(TcpConfig::classic(), TcpConfig::classic(), dur(5));
        let mut n = 0u64;
        net.fate = Box::new(move |_| {
            n += 1;
            if n % 9 == 0 {
                Fate::Drop
            } else {
                Fate::Deliver
            }
        });
        net.auto_read_b = true;
        net.source_a = pattern(100_000);
        net.run_until(ms(30_000));
        net.sent
            .iter()
            .map(|s| (s.at, s.from_a, s.repr, s.data.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
