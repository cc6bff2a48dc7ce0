//! Closing: active and passive close, simultaneous close, half-close,
//! TIME-WAIT and the orphan's FIN-WAIT-2 timeout.

use super::harness::*;
use crate::sim::SimTime;
use crate::stack::tcp::{State, TcpError, TcpEvent};

fn change(from: State, to: State) -> TcpEvent {
    TcpEvent::StateChange { from, to }
}

/// (time, from A, seq, ack, flags as letters) of segments sent after `t`.
fn segments_after(net: &Net, t: SimTime) -> Vec<(SimTime, bool, u32, u32, String)> {
    net.sent
        .iter()
        .filter(|s| s.at >= t)
        .map(|s| {
            let f = s.repr.flags;
            let letters: String = [(f.syn, 'S'), (f.fin, 'F'), (f.rst, 'R'), (f.ack, 'A')]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, c)| *c)
                .collect();
            (s.at, s.from_a, s.repr.seq, s.repr.ack, letters)
        })
        .collect()
}

#[test]
fn active_and_passive_close_with_exact_time_wait() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.run_until(ms(2000));
    assert_eq!(net.states(), (State::FinWait2, State::CloseWait));
    assert!(net.b().recv_ready());
    assert_eq!(net.b().recv(&mut [0; 8], false), Ok(0), "end of stream");
    assert_eq!(
        net.a.poll_at(),
        Some(ms(61_100)),
        "the orphan's FIN-WAIT-2 timeout"
    );
    net.b().close();
    net.run_until(ms(100_000));
    assert_eq!(
        segments_after(&net, ms(1000)),
        [
            (ms(1000), true, 1001, 5001, "FA".to_string()),
            (ms(1050), false, 5001, 1002, "A".to_string()),
            (ms(2000), false, 5001, 1002, "FA".to_string()),
            (ms(2050), true, 1002, 5002, "A".to_string()),
        ]
    );
    let a_at = |from, to| net.time_of(true, &change(from, to));
    assert_eq!(a_at(State::Established, State::FinWait1), Some(ms(1000)));
    assert_eq!(a_at(State::FinWait1, State::FinWait2), Some(ms(1100)));
    assert_eq!(a_at(State::FinWait2, State::TimeWait), Some(ms(2050)));
    // TIME-WAIT lasts 2 MSL = 60 s.
    assert_eq!(a_at(State::TimeWait, State::Closed), Some(ms(62_050)));
    let b_at = |from, to| net.time_of(false, &change(from, to));
    assert_eq!(b_at(State::Established, State::CloseWait), Some(ms(1050)));
    assert_eq!(b_at(State::CloseWait, State::LastAck), Some(ms(2000)));
    assert_eq!(b_at(State::LastAck, State::Closed), Some(ms(2100)));
    assert!(net.a.is_closed() && net.b().is_closed());
    assert_eq!(net.a.poll_at(), None);
}

#[test]
fn simultaneous_close_goes_through_closing() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.b().close();
    net.run_until(ms(100_000));
    for of_a in [true, false] {
        let at = |from, to| net.time_of(of_a, &change(from, to));
        assert_eq!(at(State::Established, State::FinWait1), Some(ms(1000)));
        assert_eq!(at(State::FinWait1, State::Closing), Some(ms(1050)));
        assert_eq!(at(State::Closing, State::TimeWait), Some(ms(1100)));
        assert_eq!(at(State::TimeWait, State::Closed), Some(ms(61_100)));
    }
    assert_eq!(
        segments_after(&net, ms(1000)),
        [
            (ms(1000), true, 1001, 5001, "FA".to_string()),
            (ms(1000), false, 5001, 1001, "FA".to_string()),
            (ms(1050), false, 5002, 1002, "A".to_string()),
            (ms(1050), true, 1002, 5002, "A".to_string()),
        ]
    );
}

#[test]
fn half_close_keeps_receiving() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.send(b"request").unwrap();
    net.a.shutdown_write();
    assert_eq!(net.a.send(b"more"), Err(TcpError::Pipe));
    assert_eq!(net.a.send_space(), 0);
    net.run_until(ms(1200));
    // The FIN rode on the data segment.
    let d = net.data_sent(true);
    assert_eq!(d.len(), 1);
    assert!(d[0].repr.flags.fin);
    assert_eq!(net.states(), (State::FinWait2, State::CloseWait));
    let mut buf = [0; 16];
    assert_eq!(net.b().recv(&mut buf, false), Ok(7));
    assert_eq!(net.b().recv(&mut buf, false), Ok(0));
    // Not an orphan: FIN-WAIT-2 waits as long as it takes.
    assert_eq!(net.a.poll_at(), None);
    net.b().send(b"response").unwrap();
    net.run_until(ms(1500));
    assert_eq!(net.a.recv(&mut buf, false), Ok(8));
    assert_eq!(&buf[..8], b"response");
    net.b().close();
    net.run_until(ms(2000));
    assert_eq!(net.states(), (State::TimeWait, State::Closed));
    assert_eq!(net.a.recv(&mut buf, false), Ok(0));
}

#[test]
fn time_wait_gives_the_buffers_memory_back() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.send(b"request").unwrap();
    net.run_until(ms(1200));
    let mut buf = [0; 16];
    assert_eq!(net.b().recv(&mut buf, false), Ok(7));
    net.b().send(b"response").unwrap();
    net.run_until(ms(1400));
    assert_eq!(net.a.recv(&mut buf, false), Ok(8));
    assert!(net.a.send.held() > 0 && net.a.recv.held() > 0);
    net.a.close();
    assert!(
        net.a.events.capacity() > 0,
        "a live connection keeps its events' room"
    );
    net.run_until(ms(1600));
    net.b().close();
    net.run_until(ms(2000));
    assert_eq!(net.states(), (State::TimeWait, State::Closed));
    assert_eq!((net.a.send.held(), net.a.recv.held()), (0, 0));
    assert_eq!(net.a.events.capacity(), 0, "and the events' room");
    // Data still unread in TIME-WAIT (after a half close) stays readable.
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.shutdown_write();
    net.run_until(ms(1200));
    net.b().send(b"unread").unwrap();
    net.run_until(ms(1400));
    net.b().close();
    net.run_until(ms(2000));
    assert_eq!(net.states(), (State::TimeWait, State::Closed));
    assert_eq!(net.a.recv(&mut buf, false), Ok(6));
    assert_eq!(&buf[..6], b"unread");
}

#[test]
fn an_orphan_in_fin_wait_2_gives_up_after_60_s() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.run_until(ms(100_000));
    assert!(net.events(true).contains(&TcpEvent::TimerExpired {
        which: "fin-wait-2"
    }));
    assert_eq!(
        net.time_of(true, &change(State::FinWait2, State::Closed)),
        Some(ms(61_100))
    );
    assert!(net.a.is_closed());
    assert_eq!(net.b().state(), State::CloseWait);
}

#[test]
fn time_wait_acks_a_retransmitted_fin_and_restarts() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.run_until(ms(2000));
    net.b().close();
    // Lose A's ACK of B's FIN.
    let mut dropped = false;
    net.fate = Box::new(move |s| {
        if s.from_a && !dropped {
            dropped = true;
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
    net.run_until(ms(100_000));
    // B resends its FIN after its RTO (300 ms); A, in TIME-WAIT, ACKs it
    // and waits 60 s again from then.
    let fins: Vec<_> = net
        .sent
        .iter()
        .filter(|s| !s.from_a && s.repr.flags.fin)
        .map(|s| s.at)
        .collect();
    assert_eq!(fins, [ms(2000), ms(2300)]);
    assert_eq!(
        net.time_of(false, &change(State::LastAck, State::Closed)),
        Some(ms(2400))
    );
    assert_eq!(
        net.time_of(true, &change(State::TimeWait, State::Closed)),
        Some(ms(62_350))
    );
}

#[test]
fn close_sends_queued_data_before_the_fin() {
    let mut net = Net::established();
    net.auto_read_b = true;
    net.source_a = pattern(200_000);
    net.close_a_after_source = true;
    net.run_until(ms(10_000));
    assert_eq!(net.read_b, pattern(200_000));
    assert_eq!(net.b().recv(&mut [0; 4], false), Ok(0));
    assert_eq!(net.states(), (State::FinWait2, State::CloseWait));
}
