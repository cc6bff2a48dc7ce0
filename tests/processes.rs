//! Processes on simulated hosts: coroutines, virtual sleep, spawn and join,
//! captured output, crashes and deadlocks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use simnet::println;
use simnet::sim::{Exit, ProcState, Sim, StopReason};
use simnet::time::Instant;
use simnet::topo::TopologyBuilder;
use simnet::trace::{TextLines, TextSink};

/// Two hosts on a switch, traced.
fn sim() -> (Sim, TextLines) {
    let mut net = TopologyBuilder::new(1);
    let pc1 = net.add_host("pc1").unwrap();
    let pc2 = net.add_host("pc2").unwrap();
    net.add_iface(pc1, "eth0", "10.0.0.1/24".parse().unwrap(), None, 1500)
        .unwrap();
    net.add_iface(pc2, "eth0", "10.0.0.2/24".parse().unwrap(), None, 1500)
        .unwrap();
    let mut sim = net.build();
    let lines = TextLines::default();
    sim.add_sink(Box::new(TextSink::new(lines.clone())));
    (sim, lines)
}

fn host(sim: &Sim, name: &str) -> simnet::topo::NodeId {
    sim.node_id(name).unwrap()
}

#[test]
fn processes_sleep_in_virtual_time_and_interleave_deterministically() {
    let run = || {
        let (mut sim, lines) = sim();
        for (h, name, step) in [("pc1", "ticker", 300u64), ("pc2", "tocker", 500)] {
            let node = host(&sim, h);
            sim.spawn(node, name, Duration::from_millis(100), move || {
                let start = Instant::now();
                for i in 0..3 {
                    simnet::thread::sleep(Duration::from_millis(step));
                    println!("{i} after {:?}", start.elapsed());
                }
            })
            .unwrap();
        }
        let wall = std::time::Instant::now();
        let summary = sim.run();
        assert!(
            wall.elapsed() < Duration::from_secs(1),
            "sleeps are virtual"
        );
        assert_eq!(summary.reason, StopReason::Idle);
        assert_eq!(summary.end.as_nanos(), 1_600_000_000);
        let lines = lines.borrow().clone();
        lines
    };
    let lines = run();
    let expected = [
        "0.100000 pc1 ticker [start]",
        "0.100000 pc2 tocker [start]",
        "0.400000 pc1 ticker: 0 after 300ms",
        "0.600000 pc2 tocker: 0 after 500ms",
        "0.700000 pc1 ticker: 1 after 600ms",
        "1.000000 pc1 ticker: 2 after 900ms",
        "1.000000 pc1 ticker [exit]",
        "1.100000 pc2 tocker: 1 after 1s",
        "1.600000 pc2 tocker: 2 after 1.5s",
        "1.600000 pc2 tocker [exit]",
    ];
    assert_eq!(lines, expected);
    assert_eq!(run(), lines, "same run, same trace");
}

#[test]
fn spawn_and_join_pass_results_in_virtual_time() {
    let (mut sim, lines) = sim();
    let pc1 = host(&sim, "pc1");
    let total = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&total);
    sim.spawn(pc1, "server", Duration::ZERO, move || {
        let workers: Vec<_> = (1..=3u64)
            .map(|n| {
                simnet::thread::spawn(move || {
                    simnet::thread::sleep(Duration::from_secs(n));
                    n * 10
                })
            })
            .collect();
        let sum: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
        println!("sum {sum}");
        *seen.lock().unwrap() = sum;
    })
    .unwrap();
    let summary = sim.run();
    assert_eq!(*total.lock().unwrap(), 60);
    assert_eq!(
        summary.end.as_nanos(),
        3_000_000_000,
        "joined when the slowest ended"
    );
    let lines = lines.borrow();
    assert!(
        lines.contains(&"0.000000 pc1 server-1 [start]".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"3.000000 pc1 server: sum 60".to_string()),
        "{lines:#?}"
    );
    assert_eq!(sim.processes().len(), 4);
}

#[test]
fn a_crash_is_reported_and_the_others_go_on() {
    let (mut sim, lines) = sim();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.spawn(pc1, "crasher", Duration::from_millis(5), || {
        simnet::thread::sleep(Duration::from_millis(5));
        let v: Vec<u8> = Vec::new();
        println!("about to fail");
        let _ = v[3];
    })
    .unwrap();
    sim.spawn(pc2, "survivor", Duration::ZERO, || {
        simnet::thread::sleep(Duration::from_secs(1));
        println!("still here");
    })
    .unwrap();
    let child_panic = Arc::new(Mutex::new(String::new()));
    let out = Arc::clone(&child_panic);
    sim.spawn(pc2, "parent", Duration::ZERO, move || {
        let child = simnet::thread::spawn(|| panic!("child gave up"));
        let err = child.join().unwrap_err();
        *out.lock().unwrap() = err.downcast_ref::<String>().cloned().unwrap_or_default();
    })
    .unwrap();
    sim.run();
    let crash = lines
        .borrow()
        .iter()
        .find(|l| l.contains("crasher [crash]"))
        .cloned()
        .unwrap();
    assert!(
        crash.starts_with("0.010000 pc1 crasher [crash] panicked at tests/processes.rs:"),
        "{crash}"
    );
    assert!(
        crash.ends_with("index out of bounds: the len is 0 but the index is 3"),
        "{crash}"
    );
    assert!(lines
        .borrow()
        .contains(&"1.000000 pc2 survivor: still here".to_string()));
    let p = &sim.processes()[0];
    assert!(
        matches!(&p.state, ProcState::Exited(Exit::Panicked(m)) if m.contains("index out of bounds"))
    );
    assert!(
        child_panic.lock().unwrap().contains("child gave up"),
        "join returns the child's panic"
    );
}

#[test]
fn a_deadlock_is_reported_with_the_blocked_calls() {
    let (mut sim, _) = sim();
    let pc1 = host(&sim, "pc1");
    sim.spawn(pc1, "waiter", Duration::from_millis(10), || {
        let slot: Arc<Mutex<Option<simnet::thread::JoinHandle<()>>>> = Arc::default();
        let own = Arc::clone(&slot);
        let child = simnet::thread::spawn(move || {
            // Waits for itself: never ends.
            let me = own.lock().unwrap().take().unwrap();
            let _ = me.join();
        });
        *slot.lock().unwrap() = Some(child);
        simnet::thread::sleep(Duration::from_millis(1));
        loop {
            simnet::thread::sleep(Duration::from_secs(1));
            if slot.lock().unwrap().is_none() {
                break;
            }
        }
    })
    .unwrap();
    let summary = sim.run();
    assert_eq!(summary.reason, StopReason::Deadlock, "{summary}");
    assert_eq!(
        sim.deadlocked(),
        ["pc1 waiter-1: blocked in join(waiter-1) since 0.010000"]
    );
}

#[test]
fn a_process_that_never_blocks_meets_the_event_cap() {
    let (mut sim, _) = sim();
    let pc1 = host(&sim, "pc1");
    sim.set_max_events(10_000);
    sim.spawn(pc1, "spinner", Duration::ZERO, || loop {
        let _ = Instant::now();
    })
    .unwrap();
    let summary = sim.run();
    assert_eq!(summary.reason, StopReason::EventLimit);
    assert!(
        summary.to_string().contains("is something looping?"),
        "{summary}"
    );
}

#[test]
fn outside_a_simulation_the_same_calls_use_the_os() {
    let start = Instant::now();
    let handle = simnet::thread::spawn(|| {
        simnet::thread::sleep(Duration::from_millis(20));
        7
    });
    assert_eq!(handle.join().unwrap(), 7);
    assert!(start.elapsed() >= Duration::from_millis(20), "a real sleep");
}

#[test]
fn output_is_cut_into_lines_whatever_the_characters() {
    let (mut sim, _) = sim();
    let pc1 = host(&sim, "pc1");
    sim.spawn(pc1, "greeter", Duration::ZERO, || {
        println!("您好，飞秋");
        simnet::print!("две строки\nв одной");
        simnet::print!(" записи\n");
        simnet::print!("no newline at the end");
    })
    .unwrap();
    sim.run();
    let lines: Vec<&str> = sim.processes()[0]
        .output
        .iter()
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(
        lines,
        [
            "您好，飞秋",
            "две строки",
            "в одной записи",
            "no newline at the end"
        ]
    );
}

/// pc1 and pc2 (192.168.1.2 and .3) on a switch, traced.
fn lan() -> (Sim, TextLines) {
    let net = simnet::topo::presets::one_lan(1, simnet::link::LinkParams::default()).unwrap();
    let mut sim = net.build();
    let lines = TextLines::default();
    sim.add_sink(Box::new(TextSink::new(lines.clone())));
    (sim, lines)
}

#[test]
fn calls_that_do_not_block_are_answered_within_the_turn() {
    let (mut sim, _) = lan();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.spawn(pc2, "receiver", Duration::ZERO, || {
        let sock = simnet::net::UdpSocket::bind("0.0.0.0:9000").unwrap();
        let mut buf = [0u8; 64];
        for _ in 0..20 {
            sock.recv_from(&mut buf).unwrap();
        }
    })
    .unwrap();
    sim.spawn(pc1, "sender", Duration::from_millis(1), || {
        let sock = simnet::net::UdpSocket::bind("0.0.0.0:0").unwrap();
        for i in 0..20u8 {
            sock.send_to(&[i; 32], "192.168.1.3:9000").unwrap();
            let _ = Instant::now();
        }
    })
    .unwrap();
    assert_eq!(sim.run().reason, StopReason::Idle);
    let [receiver, sender] = sim.processes() else {
        panic!("two processes");
    };
    // 21 socket calls and 20 clock reads, none of which blocks: one turn.
    assert_eq!((sender.socket_calls, sender.turns), (21, 1));
    assert_eq!(sender.state, ProcState::Exited(Exit::Returned));
    // The receiver's first turn ends in its first recv_from; each datagram
    // wakes it for a turn of its own (they arrive one frame time apart).
    assert_eq!(receiver.state, ProcState::Exited(Exit::Returned));
    assert_eq!(receiver.socket_calls, 21);
    assert!(
        (2..=21).contains(&receiver.turns),
        "{} turns",
        receiver.turns
    );
}

#[test]
fn a_run_inside_a_process_answers_its_own_processes_and_gives_the_outer_back() {
    let (mut sim, _) = sim();
    let pc1 = host(&sim, "pc1");
    sim.spawn(pc1, "outer", Duration::from_millis(5), || {
        println!("before at {:?}", simnet::time::Instant::now().elapsed());
        let (mut inner, _) = self::sim();
        let inner_pc2 = inner.node_id("pc2").unwrap();
        inner
            .spawn(inner_pc2, "inner", Duration::ZERO, || {
                simnet::thread::sleep(Duration::from_secs(3));
                println!("inner done");
            })
            .unwrap();
        let summary = inner.run();
        assert_eq!(summary.end.as_nanos(), 3_000_000_000);
        assert_eq!(inner.processes()[0].output[0].1, "inner done");
        // Still the outer simulation's process: its sleep is virtual and
        // its clock is the outer run's.
        simnet::thread::sleep(Duration::from_millis(20));
        println!("after");
    })
    .unwrap();
    let wall = std::time::Instant::now();
    let summary = sim.run();
    assert!(
        wall.elapsed() < Duration::from_secs(1),
        "sleeps are virtual"
    );
    assert_eq!(summary.end.as_nanos(), 25_000_000);
    let outer = &sim.processes()[0];
    assert_eq!(outer.state, ProcState::Exited(Exit::Returned));
    let lines: Vec<(u64, &str)> = outer
        .output
        .iter()
        .map(|(t, l)| (t.as_nanos(), l.as_str()))
        .collect();
    assert_eq!(lines[1], (25_000_000, "after"));
}

#[test]
fn the_smallest_stack_holds_a_traced_tcp_transfer() {
    let (mut sim, lines) = lan();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.set_stack_size(1);
    sim.spawn(pc2, "server", Duration::ZERO, || {
        use std::io::Read;
        let listener = simnet::net::TcpListener::bind("0.0.0.0:80").unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).unwrap();
        println!("got {} bytes", got.len());
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        use std::io::Write;
        let mut conn = simnet::net::TcpStream::connect("192.168.1.3:80").unwrap();
        conn.write_all(&vec![7u8; 300_000]).unwrap();
    })
    .unwrap();
    assert_eq!(sim.run().reason, StopReason::Idle);
    assert_eq!(sim.processes()[0].output[0].1, "got 300000 bytes");
    assert!(lines.borrow().len() > 400, "traced");
}

#[test]
fn calls_made_the_owned_way_block_and_are_retried_by_the_scheduler() {
    use simnet::sim::process::{syscall, Reply, Syscall};
    use simnet::sim::tcp_call::{TcpCall, TcpOk};
    let (mut sim, _) = lan();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.spawn(pc2, "server", Duration::ZERO, || {
        use std::io::{Read, Write};
        let listener = simnet::net::TcpListener::bind("0.0.0.0:80").unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).unwrap();
        assert!(got.iter().all(|&b| b == 9));
        conn.write_all(format!("{}", got.len()).as_bytes()).unwrap();
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        let tcp = |call| match syscall(Syscall::Tcp(call)) {
            Some(Reply::Tcp(Ok(ok))) => ok,
            other => panic!("{other:?}"),
        };
        let TcpOk::Socket(sock) = tcp(TcpCall::Connect {
            addr: "192.168.1.3:80".parse().unwrap(),
            timeout: None,
        }) else {
            panic!("no socket");
        };
        // Far more than the send buffer: the write blocks until the peer's
        // ACKs make room, then all of it is queued.
        let data: std::rc::Rc<[u8]> = vec![9u8; 300_000].into();
        assert_eq!(tcp(TcpCall::Write { sock, data }), TcpOk::Written(300_000));
        tcp(TcpCall::Shutdown {
            sock,
            how: std::net::Shutdown::Write,
        });
        let TcpOk::Data(reply) = tcp(TcpCall::Read {
            sock,
            max: 64,
            peek: false,
        }) else {
            panic!("no data");
        };
        println!("{}", String::from_utf8_lossy(&reply));
    })
    .unwrap();
    assert_eq!(sim.run().reason, StopReason::Idle);
    let client = &sim.processes()[1];
    assert_eq!(client.state, ProcState::Exited(Exit::Returned));
    assert_eq!(client.output[0].1, "300000");
    // connect, write, shutdown, read: the scheduler answered the blocked
    // write's tries itself, resuming the client only once it was done.
    assert_eq!(client.socket_calls, 4);
    assert!(client.turns <= 4, "{} turns", client.turns);
}

#[test]
fn udp_calls_made_the_owned_way_give_the_same_datagrams() {
    use simnet::sim::process::{syscall, Reply, Syscall, UdpCall, UdpOk};
    let (mut sim, _) = lan();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.spawn(pc2, "echo", Duration::ZERO, || {
        let sock = simnet::net::UdpSocket::bind("0.0.0.0:7").unwrap();
        let mut buf = [0u8; 8];
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        sock.send_to(&buf[..n], from).unwrap();
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        let udp = |call| match syscall(Syscall::Udp(call)) {
            Some(Reply::Udp(Ok(ok))) => ok,
            other => panic!("{other:?}"),
        };
        let UdpOk::Socket(sock) = udp(UdpCall::Bind {
            addr: "0.0.0.0:0".parse().unwrap(),
        }) else {
            panic!("no socket");
        };
        let dst = Some("192.168.1.3:7".parse().unwrap());
        let sent = udp(UdpCall::Send {
            sock,
            data: b"hello, echo".to_vec(),
            dst,
        });
        assert_eq!(sent, UdpOk::Sent(11));
        // The echo read 8 of the 11 bytes (the rest was lost, as
        // recvfrom(2) loses it); this receive blocks until they are back,
        // then cuts them to 5.
        match udp(UdpCall::Recv {
            sock,
            max: 5,
            peek: false,
        }) {
            UdpOk::Received { data, from } => {
                println!("{} from {from}", String::from_utf8_lossy(&data))
            }
            other => panic!("{other:?}"),
        }
    })
    .unwrap();
    assert_eq!(sim.run().reason, StopReason::Idle);
    let client = &sim.processes()[1];
    assert_eq!(client.output[0].1, "hello from 192.168.1.3:7");
    assert_eq!(client.socket_calls, 3);
}

/// A connection that closes first waits out TIME-WAIT with one timer event
/// of its host, due when 2 MSL is over: the retransmission timer it had
/// armed before (for its FIN) does not fire on the way for nothing.
#[test]
fn time_wait_costs_one_timer_event_at_its_end() {
    use std::io::{Read, Write};
    let (mut sim, lines) = lan();
    let (pc1, pc2) = (host(&sim, "pc1"), host(&sim, "pc2"));
    sim.spawn(pc2, "server", Duration::ZERO, || {
        let listener = simnet::net::TcpListener::bind("0.0.0.0:7000").unwrap();
        let (mut stream, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        stream.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"hello");
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        let mut stream = simnet::net::TcpStream::connect("192.168.1.3:7000").unwrap();
        stream.write_all(b"hello").unwrap();
    })
    .unwrap();
    // Every frame has crossed well before the first retransmission timeout
    // (200 ms at the least) could be due.
    sim.set_time_limit(Duration::from_millis(100));
    let first = sim.run();
    assert_eq!(first.reason, StopReason::TimeLimit, "{first}");
    let frames = first.frames;
    let traced = lines.borrow().len();
    sim.set_time_limit(Duration::from_secs(600));
    let rest = sim.run();
    assert_eq!(rest.reason, StopReason::Idle, "{rest}");
    assert_eq!(rest.frames, frames, "no frame after the first 100 ms");
    // TIME-WAIT is 60 s (Linux's TCP_TIMEWAIT_LEN).
    let end = Duration::from_nanos(rest.end.as_nanos());
    assert!(
        end > Duration::from_secs(60) && end < Duration::from_millis(60_100),
        "{rest}"
    );
    // After the frames, three events: each host's ARP entry of the other
    // expiring (a minute after it was learnt), and TIME-WAIT's end.
    assert_eq!(rest.events - first.events, 3, "{rest} after {first}");
    let after: Vec<String> = lines.borrow()[traced..].to_vec();
    assert_eq!(
        after,
        [
            "60.003013 pc2 arp expire 192.168.1.2 at 02:00:00:00:00:01 on eth0",
            "60.005026 pc1 arp expire 192.168.1.3 at 02:00:00:00:00:02 on eth0",
            "60.013109 pc1 tcp 192.168.1.2:49152 > 192.168.1.3:7000: time-wait timer expired",
            "60.013109 pc1 tcp 192.168.1.2:49152 > 192.168.1.3:7000: TIME-WAIT -> CLOSED",
        ]
    );
}

/// Every node of a big topology is found by its name, and no other name is.
#[test]
fn node_ids_are_found_by_name_in_a_big_topology() {
    let net = simnet::topo::presets::lan(1, 300, simnet::link::LinkParams::default()).unwrap();
    let sim = net.build();
    for name in ["pc1", "pc2", "pc10", "pc150", "pc299", "pc300", "sw1"] {
        let id = sim
            .node_id(name)
            .unwrap_or_else(|| panic!("{name} is there"));
        assert_eq!(sim.graph()[id].name, name);
    }
    for name in ["pc0", "pc301", "pc", "sw2", "", "PC1"] {
        assert_eq!(sim.node_id(name), None, "{name}");
    }
}
