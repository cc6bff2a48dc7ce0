//! A process woken when nothing else is due takes its turn straight from
//! `next_wake` (see [`Sim::wake_now`]); these runs check that it comes in
//! exactly the order the queue gives every wake: the same trace line for
//! line, the same turns, the same event count.

use std::io::{Read, Write};
use std::time::Duration;

use crate::link::LinkParams;
use crate::net::{TcpListener, TcpStream, UdpSocket};
use crate::sim::Sim;
use crate::topo::presets::{lan, one_lan};
use crate::topo::TopologyBuilder;
use crate::trace::{TextLines, TextSink};

/// What a run shows: its trace, each process's turns and its summary; and
/// how many wakes took the short way.
type Seen = (Vec<String>, Vec<u64>, String, u64);

/// Builds `net`, traced, with every wake through the queue or not.
fn traced(net: TopologyBuilder, queue_every_wake: bool) -> (Sim, TextLines) {
    let mut sim = net.build();
    sim.queue_every_wake = queue_every_wake;
    let lines = TextLines::default();
    sim.add_sink(Box::new(TextSink::new(lines.clone())));
    (sim, lines)
}

/// Builds `net`, lets `spawn` start its processes, runs it with every wake
/// through the queue or not, and returns what it showed.
fn run(net: TopologyBuilder, spawn: fn(&mut Sim), queue_every_wake: bool) -> Seen {
    let (mut sim, lines) = traced(net, queue_every_wake);
    spawn(&mut sim);
    let summary = sim.run();
    let turns = sim.processes().iter().map(|p| p.turns).collect();
    let lines = lines.borrow().clone();
    (lines, turns, summary.to_string(), sim.direct_wakes)
}

/// The run of `spawn` on `net` is the same both ways; returns how many
/// wakes took the short way.
fn same_both_ways(net: impl Fn() -> TopologyBuilder, spawn: fn(&mut Sim)) -> u64 {
    let queued = run(net(), spawn, true);
    let direct = run(net(), spawn, false);
    assert!(queued.0.len() > 10, "a run that shows something");
    assert_eq!(direct.0, queued.0, "the same trace");
    assert_eq!(direct.1, queued.1, "the same turns");
    assert_eq!(direct.2, queued.2, "the same summary, event count included");
    assert_eq!(queued.3, 0);
    direct.3
}

fn host(sim: &Sim, name: &str) -> crate::topo::NodeId {
    sim.node_id(name).expect("a host of the preset")
}

fn link() -> LinkParams {
    LinkParams {
        latency: Duration::from_micros(50),
        ..LinkParams::default()
    }
}

/// A UDP echo server on pc2 with two readers on one socket, and a client
/// on pc1 that sometimes has two datagrams in flight.
fn udp_echo(sim: &mut Sim) {
    let (pc1, pc2) = (host(sim, "pc1"), host(sim, "pc2"));
    sim.spawn(pc2, "echo", Duration::ZERO, || {
        let sock = UdpSocket::bind("0.0.0.0:9000").unwrap();
        let twin = sock.try_clone().unwrap();
        crate::thread::spawn(move || {
            let mut buf = [0u8; 64];
            for _ in 0..10 {
                let (n, from) = twin.recv_from(&mut buf).unwrap();
                twin.send_to(&buf[..n], from).unwrap();
            }
        });
        let mut buf = [0u8; 64];
        for _ in 0..10 {
            let (n, from) = sock.recv_from(&mut buf).unwrap();
            sock.send_to(&buf[..n], from).unwrap();
        }
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        let mut buf = [0u8; 64];
        for i in 0..20u8 {
            sock.send_to(&[i; 20], "192.168.1.3:9000").unwrap();
            if i % 3 == 0 {
                sock.send_to(&[i; 30], "192.168.1.3:9000").unwrap();
                sock.recv_from(&mut buf).unwrap();
            }
            sock.recv_from(&mut buf).unwrap();
        }
    })
    .unwrap();
}

#[test]
fn udp_echo_with_two_readers_on_one_socket() {
    let direct = same_both_ways(|| one_lan(1, link()).unwrap(), udp_echo);
    assert!(direct > 0, "some wakes the short way");
}

/// A run stopped by the event cap, often with a wake held out of the
/// queue, then run on under a time limit below the wake's time, then given
/// a process that should have started already, then run to its end: each
/// part goes exactly as with every wake queued.
#[test]
fn a_run_stopped_and_run_on_keeps_its_wakes_in_order() {
    let run = |cap: u64, queue_every_wake: bool| {
        let (mut sim, lines) = traced(one_lan(1, link()).unwrap(), queue_every_wake);
        udp_echo(&mut sim);
        sim.set_max_events(cap);
        let capped = sim.run().to_string();
        let held = sim.requeued_wakes > 0;
        sim.set_max_events(u64::MAX);
        sim.set_time_limit(Duration::from_micros(500));
        let limited = sim.run().to_string();
        let pc1 = host(&sim, "pc1");
        sim.spawn(pc1, "late", Duration::from_micros(100), || {
            crate::println!("late");
        })
        .unwrap();
        sim.set_time_limit(Duration::from_secs(10));
        let rest = sim.run().to_string();
        let lines = lines.borrow().clone();
        ((lines, capped, limited, rest), held)
    };
    let mut held_at_cap = 0;
    for cap in 1..160 {
        let (queued, _) = run(cap, true);
        let (direct, held) = run(cap, false);
        assert_eq!(direct, queued, "stopped after {cap} events");
        held_at_cap += u32::from(held);
    }
    assert!(held_at_cap > 0, "some caps stop the run with a wake held");
}

#[test]
fn tcp_requests_and_replies() {
    let direct = same_both_ways(
        || one_lan(2, link()).unwrap(),
        |sim| {
            let (pc1, pc2) = (host(sim, "pc1"), host(sim, "pc2"));
            sim.spawn(pc2, "server", Duration::ZERO, || {
                let listener = TcpListener::bind("0.0.0.0:7000").unwrap();
                for _ in 0..5 {
                    let (mut stream, _) = listener.accept().unwrap();
                    let mut buf = [0u8; 3000];
                    stream.read_exact(&mut buf).unwrap();
                    stream.write_all(&buf).unwrap();
                }
            })
            .unwrap();
            sim.spawn(pc1, "client", Duration::from_millis(1), || {
                for i in 0..5u8 {
                    let mut stream = TcpStream::connect("192.168.1.3:7000").unwrap();
                    stream.write_all(&[i; 3000]).unwrap();
                    let mut back = [0u8; 3000];
                    stream.read_exact(&mut back).unwrap();
                    assert_eq!(back, [i; 3000]);
                }
            })
            .unwrap();
        },
    );
    assert!(direct > 0, "some wakes the short way");
}

/// A broadcast reaches every host at the same instant: the first host's
/// wake finds the others' arrivals still due, and must wait behind them.
#[test]
fn a_broadcast_wakes_readers_on_several_hosts_at_once() {
    let direct = same_both_ways(
        || lan(3, 4, link()).unwrap(),
        |sim| {
            for name in ["pc2", "pc3", "pc4"] {
                let pc = host(sim, name);
                sim.spawn(pc, "listener", Duration::ZERO, || {
                    let sock = UdpSocket::bind("0.0.0.0:5000").unwrap();
                    let mut buf = [0u8; 64];
                    for _ in 0..3 {
                        let (n, _) = sock.recv_from(&mut buf).unwrap();
                        crate::println!("got {n}");
                    }
                })
                .unwrap();
            }
            let pc1 = host(sim, "pc1");
            sim.spawn(pc1, "announcer", Duration::from_millis(1), || {
                let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
                sock.set_broadcast(true).unwrap();
                for i in 0..3u8 {
                    sock.send_to(&[i; 10], "10.0.255.255:5000").unwrap();
                    crate::thread::sleep(Duration::from_millis(1));
                }
            })
            .unwrap();
        },
    );
    // Each listener's wake finds the other hosts' arrivals, or their
    // wakes, still due at the same instant: every wake is queued.
    assert_eq!(direct, 0);
}
