//! The handshake's options (RFC 7323, RFC 2018) and what they do after:
//! scaled windows, timestamps echoed and PAWS, SACK blocks, and RFC 6675
//! recovery from them.

use super::harness::*;
use crate::stack::tcp::{RetransmitCause, State, Tcb, TcpConfig, TcpEvent, DEFAULT_BUFFER};
use crate::wire::tcp::{SackBlocks, TcpTimestamp};

/// A segment from A's port to B's (for feeding B), at `seq`, acknowledging
/// B's SYN, with flags as [`seg`] reads them.
fn to_b(seq: u32, flags: &str) -> crate::wire::TcpRepr {
    crate::wire::TcpRepr {
        src_port: PORT_A,
        dst_port: PORT_B,
        ..seg(seq, ISS_B + 1, flags, 2048)
    }
}

/// The SYN a `connect` with `config` sends.
fn syn_of(config: TcpConfig) -> crate::wire::TcpRepr {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, config);
    let syn = out(&mut a, ms(0));
    assert_eq!(syn.len(), 1);
    syn[0].0
}

#[test]
fn a_syn_offers_what_the_sysctls_enable() {
    let syn = syn_of(TcpConfig::default());
    assert_eq!(syn.mss, Some(1460));
    // 1 MiB of receive buffer needs a shift of 5 (65535 << 4 < 1 MiB).
    assert_eq!(syn.window_scale, Some(5));
    assert!(syn.sack_permitted);
    assert_eq!(syn.timestamp.map(|t| t.ecr), Some(0));
    // The SYN's own window is never scaled (RFC 7323 §2.2).
    assert_eq!(syn.window, 65535);
    let off = syn_of(TcpConfig {
        window_scaling: false,
        sack: false,
        timestamps: false,
        ..TcpConfig::default()
    });
    assert_eq!(
        (off.window_scale, off.sack_permitted, off.timestamp),
        (None, false, None)
    );
    assert_eq!(syn_of(TcpConfig::classic()), off);
}

#[test]
fn options_are_used_only_when_both_syns_carry_them() {
    // B accepts a SYN that offers only SACK: its SYN-ACK answers with SACK
    // alone, and neither side scales or stamps.
    let syn = crate::wire::TcpRepr {
        sack_permitted: true,
        mss: Some(1460),
        ..syn_of(TcpConfig::classic())
    };
    let mut b = Tcb::accept(ms(0), ends_b(), &syn, ISS_B, TcpConfig::default());
    let synack = out(&mut b, ms(0));
    let synack = synack[0].0;
    assert!(synack.sack_permitted);
    assert_eq!((synack.window_scale, synack.timestamp), (None, None));
    assert!(b.sack_enabled());
    assert!(!b.timestamps_enabled());
    assert_eq!(b.window_shifts(), (0, 0));
    assert_eq!(b.mss(), 1460, "no timestamps: the whole MSS carries data");
}

#[test]
fn with_every_option_windows_are_scaled_and_segments_stamped() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    assert_eq!(net.a.window_shifts(), (5, 5));
    assert!(net.a.sack_enabled() && net.a.timestamps_enabled());
    // 12 bytes of timestamps in every segment: 1448 bytes of data.
    assert_eq!(net.a.mss(), 1448);
    // The third segment (A's ACK) carries a scaled window: 65536 >> 5,
    // and echoes B's SYN-ACK's TSval.
    let synack_ts = net.sent[1].repr.timestamp.expect("the SYN-ACK is stamped");
    let ack = &net.sent[2].repr;
    assert_eq!(ack.window, 2048);
    assert_eq!(ack.timestamp.map(|t| t.ecr), Some(synack_ts.val));
    // A bulk transfer opens the window far beyond 64 KiB.
    net.auto_read_b = true;
    net.source_a = pattern(2 << 20);
    net.close_a_after_source = true;
    net.run_until(ms(20_000));
    assert!(net.read_b == pattern(2 << 20), "the bytes differ");
    let widest = net
        .sent
        .iter()
        .filter(|s| !s.from_a)
        .map(|s| u32::from(s.repr.window) << 5)
        .max();
    assert!(widest > Some(512 * 1024), "the window opened: {widest:?}");
    assert!(net.a.cwnd() > 65535 || net.a.state() != State::Established);
}

#[test]
fn the_receive_window_grows_with_the_data_like_rcv_ssthresh() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    net.auto_read_b = true;
    net.source_a = pattern(400_000);
    net.run_until(ms(5_000));
    let acks: Vec<(u32, u32)> = net
        .sent
        .iter()
        .filter(|s| !s.from_a && !s.repr.flags.syn)
        .map(|s| (s.repr.ack, u32::from(s.repr.window) << 5))
        .collect();
    let windows: Vec<u32> = acks.iter().map(|&(_, w)| w).collect();
    // It starts near 64 KiB (grown by the first segments received), its
    // right edge never moves left, and it grows by at most two segments
    // for each segment received (an ACK covers up to two).
    assert!(windows[0] <= 65536 + 4 * 1448 + 32, "{}", windows[0]);
    for pair in acks.windows(2) {
        let ((ack0, w0), (ack1, w1)) = (pair[0], pair[1]);
        assert!(
            ack1 + w1 >= ack0 + w0,
            "the right edge never moves left: {pair:?}"
        );
        assert!(w1 <= w0 + 4 * 1448 + 32, "grows gently: {pair:?}");
    }
    assert!(*windows.last().unwrap() > 300_000);
    assert!(*windows.last().unwrap() <= DEFAULT_BUFFER as u32);
}

#[test]
fn paws_drops_a_segment_with_an_older_timestamp() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    let now = net.now;
    let recent = net.sent[2].repr.timestamp.expect("A stamps its ACK");
    let b = net.b();
    let rcv_nxt = ISS_A + 1;
    let mut old = to_b(rcv_nxt, "AP");
    old.timestamp = Some(TcpTimestamp {
        val: recent.val.wrapping_sub(5),
        ecr: 0,
    });
    let events = feed(b, now, &old, b"stale");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, TcpEvent::PawsDrop { recent: r, .. } if *r == recent.val)),
        "{events:?}"
    );
    assert_eq!(b.recv_available(), 0, "the data was not taken");
    let reply = out(b, now);
    assert_eq!(reply.len(), 1, "an ACK answers it");
    assert_eq!(reply[0].0.ack, rcv_nxt);
    // The same segment with a current timestamp is taken, and its TSval
    // becomes the one echoed.
    old.timestamp = Some(TcpTimestamp {
        val: recent.val.wrapping_add(1),
        ecr: 0,
    });
    feed(b, now, &old, b"fresh");
    assert_eq!(b.recv_available(), 5);
    tick(b, now + dur(50)); // the delayed ACK
    let reply = out(b, now + dur(50));
    assert_eq!(
        reply.last().and_then(|s| s.0.timestamp).map(|t| t.ecr),
        Some(recent.val.wrapping_add(1))
    );
}

#[test]
fn out_of_order_data_is_reported_in_sack_blocks_newest_first() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    let now = net.now;
    let b = net.b();
    let base = ISS_A + 1;
    let data = |seq: u32| to_b(seq, "A");
    // Segments 2 and 4 (of 100 bytes) arrive; 1 and 3 are missing.
    feed(b, now, &data(base + 100), &[1; 100]);
    let first = out(b, now);
    feed(b, now, &data(base + 300), &[3; 100]);
    let second = out(b, now);
    let mut want = SackBlocks::new();
    want.push(base + 100, base + 200);
    assert_eq!(first[0].0.sack, want);
    assert_eq!(first[0].0.ack, base, "a duplicate ACK");
    let mut want = SackBlocks::new();
    want.push(base + 300, base + 400);
    want.push(base + 100, base + 200);
    assert_eq!(second[0].0.sack, want, "the newest block first");
    // Segment 3 joins the two blocks into one.
    feed(b, now, &data(base + 200), &[2; 100]);
    let third = out(b, now);
    let mut want = SackBlocks::new();
    want.push(base + 100, base + 400);
    assert_eq!(third[0].0.sack, want);
    // Segment 1 fills the gap: everything is acknowledged, no blocks.
    feed(b, now, &data(base), &[0; 100]);
    let fourth = out(b, now);
    assert_eq!(fourth[0].0.ack, base + 400);
    assert!(fourth[0].0.sack.is_empty());
}

#[test]
fn sack_recovery_repairs_several_losses_in_one_round_trip() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    // Data segments 40, 42 and 44 from A are lost, once each.
    let mut n = 0u64;
    net.fate = Box::new(move |s| {
        let data = s.from_a && !s.data.is_empty();
        n += u64::from(data);
        if data && [40, 42, 44].contains(&n) {
            Fate::Drop
        } else {
            Fate::Deliver
        }
    });
    net.auto_read_b = true;
    net.source_a = pattern(300_000);
    net.close_a_after_source = true;
    net.run_until(ms(30_000));
    assert_eq!(net.read_b.len(), 300_000);
    assert!(net.read_b == pattern(300_000), "the bytes differ");
    let events = net.events(true);
    let sack_rexmits = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                TcpEvent::Retransmit {
                    why: RetransmitCause::Sack,
                    ..
                }
            )
        })
        .count();
    assert_eq!(sack_rexmits, 3, "each hole resent once: {events:?}");
    assert!(
        !events.iter().any(|e| matches!(
            e,
            TcpEvent::Retransmit {
                why: RetransmitCause::Timeout | RetransmitCause::PartialAck,
                ..
            }
        )),
        "no timeout, no NewReno partial ACK"
    );
    // One recovery, entered once and left once.
    let entered = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                TcpEvent::Congestion {
                    why: "SACK recovery",
                    ..
                }
            )
        })
        .count();
    assert_eq!(entered, 1);
    assert!(events.iter().any(|e| matches!(
        e,
        TcpEvent::Congestion {
            why: "left SACK recovery, congestion avoidance",
            ..
        }
    )));
}

#[test]
fn a_data_segment_carrying_sack_blocks_still_fits_the_mtu() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    let now = net.now;
    let b = net.b();
    let base = ISS_A + 1;
    // Three runs beyond gaps at B: its ACKs carry three SACK blocks.
    for k in [1u32, 3, 5] {
        feed(b, now, &to_b(base + 100 * k, "A"), &[9; 100]);
    }
    out(b, now);
    assert_eq!(b.send(&[7; 10_000]), Ok(10_000));
    let sent = out(b, now);
    assert!(!sent.is_empty());
    for (repr, data) in &sent {
        assert_eq!(repr.sack.len(), 3);
        // MSS 1460 is what fits beside the 40 bytes of IPv4 and TCP
        // headers: options and data share it.
        let options = repr.header_len() - 20;
        assert!(options + data.len() <= 1460, "{options} + {}", data.len());
    }
    assert_eq!(sent[0].1.len(), 1448 - 28, "three blocks take 28 bytes");
}

/// RFC 5961 §7: ACKs for out-of-window segments are rate limited, so two
/// ends that disagree cannot ACK each other for ever in one instant (the
/// hostile-bytes test found such a loop with a LAND SYN); segments with
/// data are always answered.
#[test]
fn acks_for_out_of_window_segments_are_rate_limited() {
    let mut a = client(TcpConfig::classic(), 1460, 65535);
    let far = |seq: u32| seg(seq, ISS_A + 1, "A", 65535);
    let mut acks = 0;
    for _ in 0..10 {
        feed(&mut a, ms(200), &far(ISS_B + 1_000_000), &[]);
        acks += out(&mut a, ms(200)).len();
    }
    assert_eq!(acks, 1, "one ACK for ten out-of-window pure ACKs");
    feed(&mut a, ms(699), &far(ISS_B + 1_000_000), &[]);
    assert!(out(&mut a, ms(699)).is_empty(), "still within 500 ms");
    let ev = feed(&mut a, ms(700), &far(ISS_B + 1_000_000), &[]);
    assert_eq!(
        out(&mut a, ms(700)).len(),
        1,
        "500 ms later, one more: {ev:?}"
    );
    // An old data segment (the peer retransmitted what we have) is always
    // answered: its sender waits for the ACK.
    for _ in 0..3 {
        feed(
            &mut a,
            ms(701),
            &seg(ISS_B - 100, ISS_A + 1, "AP", 65535),
            &[1; 50],
        );
        assert_eq!(out(&mut a, ms(701)).len(), 1);
    }
}

/// `SO_RCVBUF` on an open connection: the receiver holds no more than the
/// new buffer (and the few bytes a scaled window rounds up), and its
/// window closes once the buffer is full.
#[test]
fn a_smaller_receive_buffer_closes_the_window_sooner() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    net.b().set_recv_buffer(4096);
    assert_eq!(net.b().buffers().0, 4096);
    net.source_a = pattern(100_000);
    net.run_until(ms(3_000));
    let held = net.b().recv_available();
    // What was offered before the change may still arrive: the 64 KiB
    // window of the handshake, whose right edge is kept (never moved left)
    // and rounded up to a 32-byte unit at each ACK, as Linux's
    // tcp_select_window does.
    assert!(held <= 65536 + 32 * 20, "{held}");
    let last = net.sent.iter().rev().find(|s| !s.from_a).expect("B sent");
    assert_eq!(last.repr.window, 0, "the window is closed");
    // Reading it all opens it again, to at most the new buffer.
    let mut sink = vec![0; held];
    assert_eq!(net.b().recv(&mut sink, false), Ok(held));
    net.run_until(ms(3_100));
    let reopened = net
        .sent
        .iter()
        .rev()
        .find(|s| !s.from_a)
        .map(|s| u32::from(s.repr.window) << 5);
    assert!(
        reopened.is_some_and(|w| w > 0 && w <= 4096 + 32),
        "{reopened:?}"
    );
}

/// Limited Transmit (RFC 3042): a loss in the initial window, too small
/// for three duplicate ACKs by itself, is repaired by SACK recovery, not by
/// a timeout; classic TCP (without it) needs the timer.
#[test]
fn limited_transmit_turns_a_small_window_loss_into_fast_recovery() {
    let timeouts = |config: TcpConfig| {
        let mut net = Net::established_with(config, config);
        let mut n = 0u64;
        net.fate = Box::new(move |s| {
            let data = s.from_a && !s.data.is_empty();
            n += u64::from(data);
            if data && n == 2 {
                Fate::Drop
            } else {
                Fate::Deliver
            }
        });
        net.auto_read_b = true;
        net.source_a = pattern(8 * 1448);
        net.run_until(ms(5_000));
        assert_eq!(net.read_b.len(), 8 * 1448);
        let count = |why: RetransmitCause| {
            net.events(true)
                .iter()
                .filter(|e| matches!(e, TcpEvent::Retransmit { why: w, .. } if *w == why))
                .count()
        };
        (
            count(RetransmitCause::Timeout),
            count(RetransmitCause::Sack),
        )
    };
    assert_eq!(timeouts(TcpConfig::default()), (0, 1));
    assert_eq!(timeouts(TcpConfig::classic()).0, 1);
}

/// D-SACK (RFC 2883): a segment received twice is reported once, first in
/// the next ACK's SACK option; a duplicate of data held beyond the gap is
/// followed by the block that holds it.
#[test]
fn a_duplicate_segment_is_reported_in_a_dsack_block() {
    let mut net = Net::established_with(TcpConfig::default(), TcpConfig::default());
    let now = net.now;
    let b = net.b();
    let base = ISS_A + 1;
    // An old segment, already acknowledged.
    feed(b, now, &to_b(base, "A"), &[1; 100]);
    out(b, now);
    feed(b, now, &to_b(base, "A"), &[1; 100]);
    let ack = out(b, now);
    let mut want = SackBlocks::new();
    want.push(base, base + 100);
    assert_eq!(ack[0].0.sack, want, "the old segment, as a D-SACK block");
    assert_eq!(ack[0].0.ack, base + 100);
    // Out-of-order data, then the same again.
    feed(b, now, &to_b(base + 300, "A"), &[3; 100]);
    out(b, now);
    feed(b, now, &to_b(base + 300, "A"), &[3; 100]);
    let ack = out(b, now);
    let mut want = SackBlocks::new();
    want.push(base + 300, base + 400);
    want.push(base + 300, base + 400);
    assert_eq!(
        ack[0].0.sack, want,
        "the duplicate, then the run holding it"
    );
    // Reported once: the next ACK carries the plain block.
    feed(b, now, &to_b(base + 500, "A"), &[5; 100]);
    let ack = out(b, now);
    let mut want = SackBlocks::new();
    want.push(base + 500, base + 600);
    want.push(base + 300, base + 400);
    assert_eq!(ack[0].0.sack, want);
}
