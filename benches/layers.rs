//! One frame's cost through each layer: `cargo bench --bench layers`.
//!
//! Each layer's operation runs in batches, and each batch's wall time over
//! its operations gives nanoseconds per operation; a line reports the
//! median of the batches:
//! `system=simnet workload=layer-NAME param=BYTES ns_per_op=… runs=R ok=true`,
//! where `param` is the bytes the operation covers and `ok` says that every
//! operation gave the expected result (a parse that succeeded, a checksum
//! that verified, the right route or port). Only public APIs are used.
//!
//! Layers:
//! - `ethernet-parse`: `EthernetFrame::new_checked` and
//!   `EthernetRepr::parse` of a 1514-byte frame.
//! - `ipv4-parse`: `Ipv4Packet::new_checked` and `Ipv4Repr::parse` (which
//!   verifies the header checksum) of its 1500-byte packet.
//! - `udp-emit` / `udp-verify`: `UdpRepr::emit` (header and checksum) and
//!   `UdpPacket::verify_checksum` over a 1460-byte payload.
//! - `tcp-emit` / `tcp-parse`: `TcpRepr::emit` and `TcpRepr::parse`
//!   (checksum included) of a segment with a 1460-byte payload.
//! - `route-lookup`: `RoutingTable::lookup` in a table of a connected
//!   subnet, two static routes and a default route.
//! - `switch-forward`: `Switch::on_frame` of a known unicast frame on a
//!   4-port switch: learn the source, look up the destination, forward.
//! - `process-call`: one call of a simulated process that is answered at
//!   once (`Instant::now`), in place, on the world lent to the process
//!   for its turn (no coroutine switch; `simnet::sim::process::syscall`).
//!   Every socket call costs at least this.
//! - `process-turn`: one turn of a simulated process that blocks and is
//!   woken: a 1 µs `sleep` in virtual time, which is a coroutine switch
//!   out, an event pushed and popped, and a switch back in, with the world
//!   lent for the turn and taken back. It is the floor under every
//!   blocking socket call.
//!
//! Usage: `cargo bench --bench layers -- [RUNS [OPS]]`: RUNS batches
//! (default 9) of OPS operations each (default 200000). Exit status 0 when
//! every line is `ok=true`, 1 otherwise, 2 for a bad argument.

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use simnet::link::switch::DEFAULT_AGING;
use simnet::link::Switch;
use simnet::sim::{Outbox, SimTime};
use simnet::stack::{Ipv4Cidr, RoutingTable};
use simnet::wire::ethernet::build_frame;
use simnet::wire::{
    EtherType, EthernetFrame, EthernetRepr, IpProtocol, Ipv4Packet, Ipv4Repr, MacAddr, TcpFlags,
    TcpPacket, TcpRepr, UdpPacket, UdpRepr,
};

/// A full segment's payload: 1500 less 20 (IPv4) and 20 (TCP).
const PAYLOAD: usize = 1460;
const SRC: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// Runs `op` `runs` times `ops` times; the median nanoseconds per call, and
/// whether every call returned true.
fn measure(runs: usize, ops: usize, mut op: impl FnMut() -> bool) -> (f64, bool) {
    let mut ok = true;
    let mut per_op: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..ops {
                ok &= black_box(op());
            }
            let elapsed: Duration = start.elapsed();
            elapsed.as_nanos() as f64 / ops as f64
        })
        .collect();
    per_op.sort_by(f64::total_cmp);
    (per_op[per_op.len() / 2], ok)
}

fn mac(last: u8) -> MacAddr {
    MacAddr([0x02, 0, 0, 0, 0, last])
}

/// A 1514-byte Ethernet frame carrying an IPv4 packet with a TCP segment
/// of `PAYLOAD` bytes, every checksum correct; and the segment's header.
fn full_frame() -> (Vec<u8>, TcpRepr) {
    let tcp = TcpRepr {
        src_port: 5001,
        dst_port: 49152,
        seq: 1,
        ack: 1,
        flags: TcpFlags {
            ack: true,
            psh: true,
            ..TcpFlags::default()
        },
        window: 65535,
        payload_len: PAYLOAD,
        ..TcpRepr::default()
    };
    let ip = Ipv4Repr {
        src: SRC,
        dst: DST,
        protocol: IpProtocol::TCP,
        ttl: 64,
        ident: 1,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        tos: 0,
        payload_len: tcp.buffer_len(),
    };
    let eth = EthernetRepr {
        src: mac(1),
        dst: mac(2),
        ethertype: EtherType::IPV4,
    };
    let mut frame = Vec::new();
    build_frame(&mut frame, &eth, ip.total_len(), |buf| {
        ip.emit(&mut buf[..20]);
        let segment = &mut buf[20..];
        let header = tcp.header_len();
        for (i, b) in segment[header..].iter_mut().enumerate() {
            *b = i as u8;
        }
        tcp.emit(segment, SRC, DST);
    });
    (frame, tcp)
}

/// A UDP datagram of `PAYLOAD` bytes, checksum filled in.
fn datagram() -> (Vec<u8>, UdpRepr) {
    let udp = UdpRepr {
        src_port: 7,
        dst_port: 49152,
        payload_len: PAYLOAD,
    };
    let mut buf = vec![0u8; udp.buffer_len()];
    for (i, b) in buf[8..].iter_mut().enumerate() {
        *b = i as u8;
    }
    udp.emit(&mut buf, SRC, DST);
    (buf, udp)
}

fn routes() -> RoutingTable {
    let cidr = |a, b, c, d, len| Ipv4Cidr::new(Ipv4Addr::new(a, b, c, d), len);
    let mut table = RoutingTable::new();
    if let Some(connected) = cidr(10, 0, 0, 1, 24) {
        table.add_connected(connected, 0);
    }
    let statics = [
        cidr(192, 168, 0, 0, 16),
        cidr(172, 16, 0, 0, 12),
        cidr(0, 0, 0, 0, 0),
    ];
    for dest in statics.into_iter().flatten() {
        table.add_via(dest, Ipv4Addr::new(10, 0, 0, 254));
    }
    table
}

fn parse_args() -> Result<(usize, usize), String> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let number = |i: usize, name: &str, default: usize| match args.get(i) {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("bad {name} `{text}`: expected an integer from 1")),
        },
    };
    if args.len() > 2 {
        return Err(format!("at most 2 parameters, got {}", args.len()));
    }
    Ok((number(0, "RUNS", 9)?, number(1, "OPS", 200_000)?))
}

fn main() -> ExitCode {
    let (runs, ops) = match parse_args() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}\nusage: cargo bench --bench layers -- [RUNS [OPS]]");
            return ExitCode::from(2);
        }
    };
    let mut all_ok = true;
    let mut report = |name: &str, bytes: usize, (ns, ok): (f64, bool)| {
        all_ok &= ok;
        println!(
            "system=simnet workload=layer-{name} param={bytes} ns_per_op={ns:.1} runs={runs} ok={ok}"
        );
    };

    let (frame, tcp) = full_frame();
    report(
        "ethernet-parse",
        frame.len(),
        measure(runs, ops, || {
            EthernetFrame::new_checked(black_box(&frame[..]))
                .and_then(|f| EthernetRepr::parse(&f))
                .is_ok_and(|r| r.ethertype == EtherType::IPV4)
        }),
    );

    let packet = &frame[14..];
    report(
        "ipv4-parse",
        packet.len(),
        measure(runs, ops, || {
            Ipv4Packet::new_checked(black_box(packet))
                .and_then(|p| Ipv4Repr::parse(&p))
                .is_ok_and(|r| r.dst == DST)
        }),
    );

    let (mut dgram, udp) = datagram();
    report(
        "udp-emit",
        dgram.len(),
        measure(runs, ops, || {
            udp.emit(black_box(&mut dgram[..]), SRC, DST);
            dgram[6] != 0 || dgram[7] != 0
        }),
    );
    report(
        "udp-verify",
        dgram.len(),
        measure(runs, ops, || {
            UdpPacket::new_checked(black_box(&dgram[..])).is_ok_and(|p| p.verify_checksum(SRC, DST))
        }),
    );

    let mut segment = frame[34..].to_vec();
    report(
        "tcp-emit",
        segment.len(),
        measure(runs, ops, || {
            tcp.emit(black_box(&mut segment[..]), SRC, DST);
            true
        }),
    );
    report(
        "tcp-parse",
        segment.len(),
        measure(runs, ops, || {
            TcpPacket::new_checked(black_box(&segment[..]))
                .and_then(|p| TcpRepr::parse(&p, SRC, DST))
                .is_ok_and(|r| r.payload_len == PAYLOAD)
        }),
    );

    let table = routes();
    let far = Ipv4Addr::new(192, 168, 3, 4);
    report(
        "route-lookup",
        4,
        measure(runs, ops, || {
            table
                .lookup(black_box(far))
                .is_some_and(|r| r.via == Some(Ipv4Addr::new(10, 0, 0, 254)))
        }),
    );

    let mut switch = Switch::new(DEFAULT_AGING);
    for _ in 0..4 {
        switch.add_port();
    }
    let mut out = Outbox::new(false);
    // Teach the switch where the destination is, then forward to it.
    let mut reply = frame.clone();
    reply[0..6].copy_from_slice(&mac(1).0);
    reply[6..12].copy_from_slice(&mac(2).0);
    switch.on_frame(SimTime::ZERO, 3, reply, &mut out);
    out.frames.clear();
    let mut held = Some(frame.clone());
    let len = frame.len();
    report(
        "switch-forward",
        len,
        measure(runs, ops, || {
            let Some(f) = held.take() else {
                return false;
            };
            switch.on_frame(SimTime::from_nanos(1), 0, black_box(f), &mut out);
            match out.frames.pop() {
                Some((port, f)) => {
                    held = Some(f);
                    port == 3 && out.frames.is_empty()
                }
                None => false,
            }
        }),
    );

    report("process-call", 0, process_turns(runs, ops, false));
    report("process-turn", 0, process_turns(runs, ops, true));

    if all_ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("a layer gave an unexpected result (ok=false)");
        ExitCode::FAILURE
    }
}

/// `ops` calls of one simulated process, `runs` times: a 1 µs sleep (it
/// blocks, and an event wakes it) when `sleep`, else a call answered at
/// once (`Instant::now`). The median ns per call, and whether all ran.
fn process_turns(runs: usize, ops: usize, sleep: bool) -> (f64, bool) {
    let turns = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let per_turn: Vec<f64> = (0..runs)
        .map(|_| {
            let mut sim =
                match simnet::topo::presets::one_lan(1, simnet::link::LinkParams::default()) {
                    Ok(net) => net.build(),
                    Err(_) => return f64::NAN,
                };
            let Some(pc1) = sim.node_id("pc1") else {
                return f64::NAN;
            };
            let counted = std::rc::Rc::clone(&turns);
            let spawned = sim.spawn(pc1, "turns", Duration::ZERO, move || {
                for _ in 0..ops {
                    if sleep {
                        simnet::thread::sleep(Duration::from_micros(1));
                    } else {
                        black_box(simnet::time::Instant::now());
                    }
                    counted.set(counted.get() + 1);
                }
            });
            if spawned.is_err() {
                return f64::NAN;
            }
            let start = Instant::now();
            sim.run();
            start.elapsed().as_nanos() as f64 / ops as f64
        })
        .collect();
    let mut sorted = per_turn.clone();
    sorted.sort_by(f64::total_cmp);
    let ok = turns.get() == runs * ops && sorted.iter().all(|t| t.is_finite());
    (sorted[sorted.len() / 2], ok)
}
