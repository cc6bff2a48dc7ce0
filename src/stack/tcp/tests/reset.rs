//! Resets: sent and received (RFC 9293 §3.10.7, RFC 5961), and answers to
//! segments for no connection.

use super::harness::*;
use crate::stack::tcp::{rst_for_closed, State, Tcb, TcpConfig, TcpError, TcpEvent};
use crate::wire::tcp::TcpRepr;

#[test]
fn rst_in_syn_sent_refuses_the_connection() {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic());
    out(&mut a, ms(0));
    // A RST without ACK, or with an ACK of something else, is ignored.
    feed(&mut a, ms(10), &seg(0, 0, "R", 0), &[]);
    feed(&mut a, ms(10), &seg(0, 4242, "RA", 0), &[]);
    assert_eq!(a.state(), State::SynSent);
    assert!(out(&mut a, ms(10)).is_empty(), "never answer a RST");
    // The closed port's answer: <SEQ=0><ACK=ISS+1><CTL=RST,ACK>.
    let ev = feed(&mut a, ms(20), &seg(0, ISS_A + 1, "RA", 0), &[]);
    assert!(ev.contains(&TcpEvent::Failed {
        error: TcpError::Refused
    }));
    assert_eq!(a.state(), State::Closed);
    assert_eq!(a.poll_at(), None);
    assert!(a.recv_ready());
    assert_eq!(a.take_error(), Some(TcpError::Refused));
    assert_eq!(a.take_error(), None);
}

#[test]
fn an_unacceptable_ack_in_syn_sent_gets_a_rst() {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic());
    out(&mut a, ms(0));
    feed(&mut a, ms(10), &seg(777, 9999, "SA", 65535), &[]);
    let rst = out(&mut a, ms(10));
    assert_eq!(rst.len(), 1);
    let r = rst[0].0;
    assert_eq!(
        (r.seq, r.flags.rst, r.flags.ack, r.src_port, r.dst_port),
        (9999, true, false, PORT_A, PORT_B)
    );
    assert_eq!(a.state(), State::SynSent);
}

#[test]
fn rst_in_established_resets() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.b().abort();
    net.run_until(ms(2000));
    let rst = net.sent.iter().find(|s| s.repr.flags.rst).expect("RST");
    // Linux's active reset: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>.
    assert_eq!(
        (rst.from_a, rst.repr.seq, rst.repr.ack, rst.repr.flags.ack),
        (false, 5001, 1001, true)
    );
    assert_eq!(net.states(), (State::Closed, State::Closed));
    assert!(net.events(true).contains(&TcpEvent::Failed {
        error: TcpError::Reset
    }));
    // The first write reports the reset, the next ones a broken pipe.
    assert_eq!(net.a.send(b"x"), Err(TcpError::Reset));
    assert_eq!(net.a.send(b"x"), Err(TcpError::Pipe));
    assert_eq!(net.a.recv(&mut [0; 4], false), Ok(0));
    assert!(net.b().is_closed());
    assert!(!net.a.is_closed());
}

#[test]
fn a_rst_not_exactly_at_rcv_nxt_gets_a_challenge_ack() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    // In the window but not at RCV.NXT (5001): RFC 5961 §3.2.
    feed(&mut a, ms(200), &seg(5100, 0, "R", 0), &[]);
    assert_eq!(a.state(), State::Established);
    let acks = out(&mut a, ms(200));
    assert_eq!(
        (acks.len(), acks[0].0.ack, acks[0].0.flags.rst),
        (1, 5001, false)
    );
    // Outside the window: dropped silently.
    feed(&mut a, ms(210), &seg(5001 + 70_000, 0, "R", 0), &[]);
    assert!(out(&mut a, ms(210)).is_empty());
    // A SYN in a synchronized state: challenge ACK too (RFC 5961 §4), but
    // not within 500 ms of the last one (RFC 5961 §7).
    feed(&mut a, ms(220), &seg(5001, 0, "S", 65535), &[]);
    assert!(out(&mut a, ms(220)).is_empty());
    feed(&mut a, ms(700), &seg(5001, 0, "S", 65535), &[]);
    assert_eq!(out(&mut a, ms(700)).len(), 1);
    assert_eq!(a.state(), State::Established);
    // Exactly at RCV.NXT: reset.
    feed(&mut a, ms(730), &seg(5001, 0, "R", 0), &[]);
    assert_eq!(
        (a.state(), a.take_error()),
        (State::Closed, Some(TcpError::Reset))
    );
}

#[test]
fn close_with_unread_data_sends_rst() {
    let mut net = Net::established();
    net.a.send(b"unread").unwrap();
    net.run_until(ms(1000));
    net.b().close();
    net.run_until(ms(2000));
    let rst = net.sent.iter().find(|s| s.repr.flags.rst).expect("RST");
    assert_eq!(
        (rst.from_a, rst.at, rst.repr.seq, rst.repr.ack),
        (false, ms(1000), 5001, 1007)
    );
    assert!(!net.sent.iter().any(|s| s.repr.flags.fin), "no FIN");
    assert!(net.events(false).contains(&TcpEvent::ResetSent {
        why: "closed with unread data"
    }));
    assert_eq!(net.states(), (State::Closed, State::Closed));
    assert_eq!(net.a.take_error(), Some(TcpError::Reset));
}

#[test]
fn data_arriving_after_close_is_answered_with_rst() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.close();
    net.run_until(ms(1500));
    assert_eq!(net.states(), (State::FinWait2, State::CloseWait));
    net.b().send(b"too late").unwrap();
    net.run_until(ms(2000));
    assert_eq!(net.states(), (State::Closed, State::Closed));
    assert!(net.events(true).contains(&TcpEvent::ResetSent {
        why: "data after close"
    }));
    // b was in CLOSE-WAIT: Linux's tcp_reset gives EPIPE there, not
    // ECONNRESET, and a read still returns end of stream first.
    assert_eq!(net.b().recv(&mut [0; 8], false), Ok(0));
    assert_eq!(net.b().take_error(), Some(TcpError::Pipe));
}

#[test]
fn a_closed_tcb_answers_like_a_closed_port() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.abort();
    net.run_until(ms(1001));
    // B did not hear the RST (say): its data meets a CLOSED connection.
    let mut ev = Vec::new();
    let data = seg(5001, 1001, "PA", 65535);
    net.a.on_segment(ms(1100), &data, b"hi", &mut ev);
    let rst = out(&mut net.a, ms(1100));
    assert_eq!(rst.len(), 1);
    assert_eq!(
        (rst[0].0.seq, rst[0].0.flags.rst, rst[0].0.flags.ack),
        (1001, true, false)
    );
}

fn repr(seq: u32, ack: u32, flags: &str) -> TcpRepr {
    let mut r = seg(seq, ack, flags, 512);
    r.src_port = 1234;
    r.dst_port = 80;
    r
}

#[test]
fn rst_for_closed_follows_the_rfc_formulas() {
    // A SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SEG.LEN counting SYN.
    let rst = rst_for_closed(&repr(100, 0, "S"), 0).unwrap();
    assert_eq!((rst.src_port, rst.dst_port), (80, 1234));
    assert_eq!((rst.seq, rst.ack, rst.window), (0, 101, 0));
    assert!(rst.flags.rst && rst.flags.ack && !rst.flags.syn);
    // Data and FIN without ACK: both counted; the sum wraps.
    let rst = rst_for_closed(&repr(u32::MAX - 1, 0, "F"), 10).unwrap();
    assert_eq!(rst.ack, 9);
    // With ACK: <SEQ=SEG.ACK><CTL=RST>.
    let rst = rst_for_closed(&repr(100, 777, "PA"), 50).unwrap();
    assert_eq!((rst.seq, rst.ack), (777, 0));
    assert!(rst.flags.rst && !rst.flags.ack);
    // Never answer a RST.
    assert_eq!(rst_for_closed(&repr(100, 777, "RA"), 0), None);
}

/// A small deterministic generator (xorshift), for garbage segments.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_segments_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let payload = pattern(3000);
    for round in 0..200 {
        let mut a = if round % 2 == 0 {
            client(TcpConfig::classic(), 1460, 65535)
        } else {
            Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic())
        };
        if round % 3 == 0 {
            a.close();
        }
        let _ = a.send(&payload[..1000]);
        for i in 0..100u64 {
            let r = rng.next();
            let near =
                |x: u64, base: u32| base.wrapping_add((x % 80_000) as u32).wrapping_sub(10_000);
            let mut s = TcpRepr {
                src_port: PORT_B,
                dst_port: PORT_A,
                seq: if r & 1 == 0 {
                    r as u32
                } else {
                    near(r >> 8, 5001)
                },
                ack: if r & 2 == 0 {
                    (r >> 32) as u32
                } else {
                    near(r >> 24, 1001)
                },
                window: (r >> 40) as u16,
                mss: if r & 4 == 0 {
                    None
                } else {
                    Some((r >> 48) as u16)
                },
                ..TcpRepr::default()
            };
            let f = rng.next();
            s.flags.syn = f & 1 != 0;
            s.flags.ack = f & 2 != 0;
            s.flags.fin = f & 4 != 0;
            s.flags.rst = f & 8 == 8 && f & 16 == 16;
            let len = ((f >> 8) % 3000) as usize;
            let now = ms(200 + i * 10);
            feed(&mut a, now, &s, &payload[..len]);
            out(&mut a, now);
            if let Some(t) = a.poll_at() {
                if t <= now + dur(5) {
                    tick(&mut a, t);
                    out(&mut a, t);
                }
            }
            let _ = a.recv(&mut [0; 100], f & 32 != 0);
        }
    }
}

#[test]
fn close_or_abort_before_the_handshake_completes_sends_nothing() {
    for abort in [false, true] {
        let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, TcpConfig::classic());
        out(&mut a, ms(0));
        if abort {
            a.abort();
        } else {
            a.close();
        }
        assert_eq!(a.state(), State::Closed);
        assert!(out(&mut a, ms(1)).is_empty());
        assert_eq!(a.poll_at(), None);
        assert!(a.is_closed());
    }
}

#[test]
fn errors_map_to_linux_errnos_and_messages() {
    assert_eq!(TcpError::Refused.errno(), 111);
    assert_eq!(TcpError::Reset.errno(), 104);
    assert_eq!(TcpError::TimedOut.errno(), 110);
    assert_eq!(TcpError::Pipe.errno(), 32);
    assert_eq!(TcpError::WouldBlock.errno(), 11);
    assert_eq!(TcpError::Reset.to_string(), "Connection reset by peer");
}

/// What the application sees after a RST is Linux's `tcp_reset` and
/// `tcp_recvmsg`: data received before the RST is still read first, then
/// the error once, then end of stream; a write after the error is EPIPE.
#[test]
fn data_received_before_a_rst_is_read_before_the_error() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    feed(&mut a, ms(200), &seg(5001, 1001, "PA", 65535), b"bye");
    let ev = feed(&mut a, ms(210), &seg(5004, 0, "R", 0), &[]);
    assert_eq!(
        ev,
        [
            TcpEvent::Failed {
                error: TcpError::Reset
            },
            TcpEvent::StateChange {
                from: State::Established,
                to: State::Closed
            }
        ]
    );
    let mut buf = [0; 8];
    assert_eq!(a.recv(&mut buf, true), Ok(3), "peek");
    assert_eq!(a.recv(&mut buf, false), Ok(3));
    assert_eq!(a.recv(&mut buf, true), Err(TcpError::Reset), "peek");
    assert_eq!(a.recv(&mut buf, false), Err(TcpError::Reset));
    assert_eq!(a.recv(&mut buf, false), Ok(0));
    assert_eq!(a.send(b"x"), Err(TcpError::Pipe));
}

/// The rest of a blocking write that met the RST: Linux returns the count
/// already queued and leaves `sk_err` for the next call.
#[test]
fn the_rest_of_a_write_leaves_the_error_pending() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    feed(&mut a, ms(210), &seg(5001, 0, "R", 0), &[]);
    assert_eq!(a.send_more(b"x"), Err(TcpError::Reset));
    assert_eq!(a.send_more(b"x"), Err(TcpError::Reset), "still pending");
    assert_eq!(a.take_error(), Some(TcpError::Reset));
    assert_eq!(a.send_more(b"x"), Err(TcpError::Pipe));
}

/// In LAST-ACK (the peer's FIN read, ours sent) a RST is ECONNRESET on
/// Linux, but a read still says end of stream, as the FIN came first.
#[test]
fn a_rst_in_last_ack_is_a_reset_for_the_next_write_not_for_a_read() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    feed(&mut a, ms(200), &seg(5001, 1001, "FA", 65535), &[]);
    assert_eq!(a.state(), State::CloseWait);
    a.shutdown_write();
    assert_eq!(a.state(), State::LastAck);
    out(&mut a, ms(200));
    feed(&mut a, ms(210), &seg(5002, 0, "R", 0), &[]);
    assert_eq!(a.state(), State::Closed);
    assert_eq!(a.recv(&mut [0; 8], false), Ok(0));
    assert_eq!(a.send(b"x"), Err(TcpError::Reset));
    assert_eq!(a.send(b"x"), Err(TcpError::Pipe));
}

/// In TIME-WAIT the application's socket is already done on Linux (the
/// connection lives on as a timewait socket): a RST reports nothing.
#[test]
fn a_rst_in_time_wait_reports_nothing() {
    let mut net = Net::established();
    net.run_until(ms(1000));
    net.a.shutdown_write();
    net.run_until(ms(2000));
    net.b().close();
    net.run_until(ms(3000));
    assert_eq!(net.states(), (State::TimeWait, State::Closed));
    // B's FIN was at 5001; RCV.NXT is past it.
    feed(&mut net.a, ms(3000), &seg(5002, 0, "R", 0), &[]);
    assert_eq!(net.a.state(), State::Closed);
    assert_eq!(net.a.take_error(), None);
    assert_eq!(net.a.recv(&mut [0; 8], false), Ok(0));
}
