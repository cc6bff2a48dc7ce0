//! The performance harness: `cargo bench --bench workloads -- WORKLOAD PARAMS…`.
//!
//! Each run prints one line,
//! `system=simnet workload=NAME param=P wall_s=… sim_s=… ok=true`, plus
//! workload-specific figures, where `ok` means the result was verified, and
//! each workload ends with a `summary` line of medians. With no workload
//! named, every workload runs with its default parameters.
//!
//! Exit status: 0 when every run was verified, 1 when any run was not
//! (`ok=false`), 2 for an unknown workload, a bad parameter (with a usage
//! message) or a run that could not be set up. Flags (`--bench`, which cargo
//! appends, and any other `--…`) are ignored.
//!
//! Workloads:
//! - `ping_flood COUNT [RUNS]`: pc1 pings pc2 across a gateway (two switches,
//!   four 1 Gbit/s links of 10 µs), COUNT echo requests 100 µs apart, with
//!   tracing off. Reports frames simulated per wall-clock second.
//! - `udp COUNT [RUNS]`: on one switch (1 Gbit/s, 10 µs links), a client
//!   process on pc1 does COUNT round trips of a 64-byte datagram with a UDP
//!   echo server process on pc2 (`send_to`, then `recv_from`, checking the
//!   reply), with tracing off. Reports round trips per wall-clock second.
//!   The server loops forever, so the run ends with it blocked; that is
//!   expected, and `ok` asks only that the client verified every round trip
//!   and returned, and that nothing else was left blocked.
//! - `hosts N [RUNS]`: N client hosts and one server on one switch with N+1
//!   ports (the `lan` preset: 10.0.0.0/16, server pc1 at 10.0.0.1, clients
//!   pc2… from 10.0.0.2; 1 Gbit/s, 10 µs links), tracing off. The server
//!   runs a UDP echo process; every client, all starting at time 0, sends
//!   one 64-byte datagram of its own to the server and waits for the echo.
//!   So N ARP requests are broadcast at once (each flooded to every port),
//!   the server answers them all, then echoes N datagrams. `ok` asks that
//!   every client verified its echo byte for byte and returned, that the
//!   server is the only process left blocked, that the server's ARP cache
//!   holds every client's MAC and that the switch learned every host's MAC
//!   on its port. Reports frames simulated per wall-clock second.
//!   Beware: the switch's port to the server queues 1000 frames, so of a
//!   burst of N > 1001 ARP requests only 1001 get through, and with three
//!   ARP attempts (synchronized, 1 s apart) at most 3003 clients are
//!   answered: `hosts 10000` ends with 6997 clients blocked (`ok=false`).
//!   The flood also keeps about 1001 frames in flight per port, each in a
//!   1514-byte buffer: some 16 GB of memory at N = 10000.
//! - `bulk BYTES LOSS [RUNS]`: on one switch (1 Gbit/s, 1 ms links, each
//!   dropping a frame with probability LOSS), a client process on pc1
//!   connects over TCP to a server process on pc2 (port 5001), writes BYTES
//!   of a fixed pattern in 64 KiB `write_all` calls and closes; the server
//!   reads into a 64 KiB buffer until EOF, checking every byte. `ok` asks
//!   that the server read exactly BYTES bytes, all matching, then EOF, and
//!   that both processes returned. Reports the transfer's simulated time
//!   (`xfer_s`, from connect to the server's EOF; `sim_s` also counts the
//!   client's 60 s TIME-WAIT), goodput in Mbit per simulated second and MB
//!   per wall-clock second.
//! - `rr N [RUNS]`: on one switch (1 Gbit/s, 10 µs links), N TCP
//!   connections one after another from pc1 to pc2, each carrying one
//!   100-byte request that the server (an accept loop serving N connections,
//!   then returning) echoes back; both sides then close. `ok` asks that the
//!   client verified all N replies and that both processes returned.
//!   Reports connections per wall-clock second.

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::net::{TcpListener, TcpStream, UdpSocket};
use simnet::sim::{Exit, ProcState, StopReason};
use simnet::stack::PingConfig;
use simnet::topo::presets::{lan, one_lan, two_subnets};
use simnet::topo::{NodeId, NodeLogic};

/// One measured run.
struct Measure {
    wall: Duration,
    sim_s: f64,
    frames: u64,
    ok: bool,
}

/// The links of every workload: 1 Gbit/s, 10 µs, lossless.
const LINK: LinkParams = LinkParams {
    latency: Duration::from_micros(10),
    bandwidth_bps: 1_000_000_000,
    queue_frames: 1000,
    loss: 0.0,
};

fn ping_flood(count: u16) -> Result<Measure, Box<dyn std::error::Error>> {
    let mut net = two_subnets(1, LINK, LINK)?;
    let pc1 = net.node_id("pc1").ok_or("no pc1")?;
    let ping = PingConfig {
        dst: "192.168.2.2".parse()?,
        count,
        interval: Duration::from_micros(100),
        size: 56,
        ttl: 64,
        wait: Duration::from_secs(1),
    };
    net.add_ping(pc1, Duration::ZERO, ping)?;
    let mut sim = net.build();
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let report = sim.ping_reports().remove(0);
    Ok(Measure {
        wall,
        sim_s: summary.end.as_secs_f64(),
        frames: summary.frames,
        ok: report.received == count,
    })
}

/// The UDP echo port of the `udp` workload's server.
const ECHO_PORT: u16 = 7;

/// The `udp` workload's payload size, in bytes.
const PAYLOAD: usize = 64;

/// One run of the `udp` workload; `Measure::frames` and the verified round
/// trips.
fn udp(count: u64) -> Result<(Measure, u64), Box<dyn std::error::Error>> {
    let mut sim = one_lan(1, LINK)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    let server: SocketAddr = ([192, 168, 1, 3], ECHO_PORT).into();
    sim.spawn(pc2, "udp-echo-server", Duration::ZERO, || {
        let sock = UdpSocket::bind(("0.0.0.0", ECHO_PORT)).expect("bind the server");
        let mut buf = [0u8; 2048];
        loop {
            let (n, from) = sock.recv_from(&mut buf).expect("server recv_from");
            sock.send_to(&buf[..n], from).expect("server send_to");
        }
    })?;
    let done = Rc::new(Cell::new(0u64));
    let verified = Rc::clone(&done);
    let client = sim.spawn(pc1, "udp-client", Duration::from_millis(1), move || {
        let sock = UdpSocket::bind("0.0.0.0:0").expect("bind the client");
        let mut payload = [0u8; PAYLOAD];
        let mut buf = [0u8; 2048];
        for i in 0..count {
            // A payload that differs from one round trip to the next, so a
            // stale or misrouted reply would not pass.
            for (j, b) in payload.iter_mut().enumerate() {
                *b = (i as usize).wrapping_mul(31).wrapping_add(j) as u8;
            }
            payload[..8].copy_from_slice(&i.to_be_bytes());
            sock.send_to(&payload, server).expect("client send_to");
            let (n, from) = sock.recv_from(&mut buf).expect("client recv_from");
            if from != server || buf[..n] != payload {
                return;
            }
            verified.set(verified.get() + 1);
        }
    })?;
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let round_trips = done.get();
    // The server is expected to be the one process left blocked.
    let client_returned = matches!(
        sim.processes()[client.0].state,
        ProcState::Exited(Exit::Returned)
    );
    let left_blocked = sim.deadlocked();
    let only_server_blocked = left_blocked.len() == 1
        && left_blocked[0].starts_with("pc2 udp-echo-server: blocked in recv_from");
    let ok = round_trips == count
        && client_returned
        && summary.reason == StopReason::Deadlock
        && only_server_blocked;
    if !ok {
        eprintln!("udp run not verified: {summary}; left blocked: {left_blocked:?}");
    }
    Ok((
        Measure {
            wall,
            sim_s: summary.end.as_secs_f64(),
            frames: summary.frames,
            ok,
        },
        round_trips,
    ))
}

fn run_udp(count: u64, runs: usize) -> Result<bool, Box<dyn std::error::Error>> {
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs {
        let (m, round_trips) = udp(count)?;
        let rate = round_trips as f64 / m.wall.as_secs_f64();
        println!(
            "system=simnet workload=udp param={count} wall_s={:.6} sim_s={:.6} round_trips={round_trips} rt_per_s={rate:.0} frames={} ok={}",
            m.wall.as_secs_f64(),
            m.sim_s,
            m.frames,
            m.ok
        );
        walls.push(m.wall.as_secs_f64());
        rates.push(rate);
        all_ok &= m.ok;
    }
    println!(
        "summary workload=udp param={count} runs={} median_wall_s={:.6} median_rt_per_s={:.0}",
        walls.len(),
        median(walls),
        median(rates)
    );
    Ok(all_ok)
}

/// What one run of the `hosts` workload verified, besides `Measure::ok`.
struct HostsCheck {
    /// Clients that got their own datagram back.
    echoes: usize,
    /// Clients whose MAC the server's ARP cache holds.
    arp: usize,
    /// Hosts the switch's MAC table maps to their own port.
    mac_table: usize,
}

/// One run of the `hosts` workload with `n` clients.
fn hosts(n: usize) -> Result<(Measure, HostsCheck), Box<dyn std::error::Error>> {
    let mut sim = lan(1, n + 1, LINK)?.build();
    // Host pck is nodes[k - 1]: pc1 the server, the others clients. (One
    // pass over the graph: `Sim::node_id` scans it for each name.)
    let graph = sim.graph();
    let mut numbered: Vec<_> = graph
        .node_indices()
        .filter_map(|i| Some((graph[i].name.strip_prefix("pc")?.parse().ok()?, i)))
        .collect();
    numbered.sort_unstable_by_key(|&(k, _): &(usize, _)| k);
    let nodes: Vec<NodeId> = numbered.into_iter().map(|(_, i)| i).collect();
    if nodes.len() != n + 1 {
        return Err(format!("the LAN has {} hosts, not {}", nodes.len(), n + 1).into());
    }
    let server_node = nodes[0];
    let sw = sim.node_id("sw1").ok_or("no sw1")?;
    let server: SocketAddr = ([10, 0, 0, 1], ECHO_PORT).into();
    sim.spawn(server_node, "udp-echo-server", Duration::ZERO, || {
        let sock = UdpSocket::bind(("0.0.0.0", ECHO_PORT)).expect("bind the server");
        let mut buf = [0u8; 2048];
        loop {
            let (n, from) = sock.recv_from(&mut buf).expect("server recv_from");
            sock.send_to(&buf[..n], from).expect("server send_to");
        }
    })?;
    let done = Rc::new(Cell::new(0usize));
    let mut clients = Vec::with_capacity(n);
    for (i, &node) in nodes[1..].iter().enumerate() {
        let verified = Rc::clone(&done);
        let pid = sim.spawn(node, "udp-client", Duration::ZERO, move || {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind the client");
            // A payload of this client's own, so that an echo sent to the
            // wrong client would not pass.
            let mut payload = [0u8; PAYLOAD];
            for (j, b) in payload.iter_mut().enumerate() {
                *b = i.wrapping_mul(131).wrapping_add(j * 7) as u8;
            }
            payload[..8].copy_from_slice(&(i as u64).to_be_bytes());
            sock.send_to(&payload, server).expect("client send_to");
            let mut buf = [0u8; 2048];
            let (len, from) = sock.recv_from(&mut buf).expect("client recv_from");
            if from == server && buf[..len] == payload {
                verified.set(verified.get() + 1);
            }
        })?;
        clients.push(pid);
    }
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let echoes = done.get();
    let returned = clients
        .iter()
        .filter(|pid| {
            matches!(
                sim.processes()[pid.0].state,
                ProcState::Exited(Exit::Returned)
            )
        })
        .count();
    let left_blocked = sim.deadlocked();
    let only_server_blocked = left_blocked.len() == 1
        && left_blocked[0].starts_with("pc1 udp-echo-server: blocked in recv_from");
    // The server must have learned every client from its ARP request, and
    // the switch every host's MAC on the port it hangs off.
    let graph = sim.graph();
    let mac = |node: NodeId| graph[node].ports[0].mac;
    let now = sim.now();
    let arp = sim
        .ip_node(server_node)
        .ok_or("pc1 is not a host")?
        .neighbors()
        .entries(now)
        .filter(|&(_, ip, m, _)| {
            let k = (u32::from(ip) - u32::from(Ipv4Addr::new(10, 0, 0, 0))) as usize;
            (2..=n + 1).contains(&k) && m == mac(nodes[k - 1])
        })
        .count();
    let NodeLogic::Switch(switch) = &graph[sw].logic else {
        return Err("sw1 is not a switch".into());
    };
    let mac_table = nodes
        .iter()
        .filter(|&&node| {
            let (link, side) = graph[node].ports[0].link.expect("a linked host");
            let (far, port) = graph[link].ends[1 - side];
            far == sw && switch.port_of(now, mac(node)) == Some(port)
        })
        .count();
    let ok = echoes == n
        && returned == n
        && summary.reason == StopReason::Deadlock
        && only_server_blocked
        && arp == n
        && mac_table == n + 1;
    if !ok {
        let shown: Vec<_> = left_blocked.iter().take(5).collect();
        eprintln!(
            "hosts run not verified: {summary}; {echoes}/{n} echoes verified, {returned}/{n} clients returned, {arp}/{n} clients in the server's ARP cache, {mac_table}/{} hosts in the MAC table; {} left blocked, the first: {shown:?}",
            n + 1,
            left_blocked.len()
        );
    }
    Ok((
        Measure {
            wall,
            sim_s: summary.end.as_secs_f64(),
            frames: summary.frames,
            ok,
        },
        HostsCheck {
            echoes,
            arp,
            mac_table,
        },
    ))
}

fn run_hosts(n: usize, runs: usize) -> Result<bool, Box<dyn std::error::Error>> {
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs {
        let (m, check) = hosts(n)?;
        let rate = m.frames as f64 / m.wall.as_secs_f64();
        println!(
            "system=simnet workload=hosts param={n} wall_s={:.6} sim_s={:.6} frames={} frames_per_s={rate:.0} echoes={} arp={} mac_table={} ok={}",
            m.wall.as_secs_f64(),
            m.sim_s,
            m.frames,
            check.echoes,
            check.arp,
            check.mac_table,
            m.ok
        );
        walls.push(m.wall.as_secs_f64());
        rates.push(rate);
        all_ok &= m.ok;
    }
    println!(
        "summary workload=hosts param={n} runs={} median_wall_s={:.6} median_frames_per_s={:.0}",
        walls.len(),
        median(walls),
        median(rates)
    );
    Ok(all_ok)
}

/// The TCP port of the `bulk` and `rr` workloads' servers.
const TCP_PORT: u16 = 5001;

/// The size of the `bulk` workload's reads and writes, in bytes.
const CHUNK: usize = 64 * 1024;

/// The `rr` workload's request and response size, in bytes.
const RR_SIZE: usize = 100;

/// Byte `i` of the `bulk` workload's stream.
fn pattern(i: u64) -> u8 {
    i.wrapping_mul(7).wrapping_add(i / 251) as u8
}

/// The period of `pattern`: 251 × 256 bytes (`i × 7` repeats every 256,
/// `i / 251` gains 256 every 251 × 256).
const PERIOD: usize = 251 * 256;

/// `pattern(0)`, `pattern(1)`, … over one period and one chunk more, so that
/// any chunk of the stream is a slice of it: bytes `at…` start at
/// `at % PERIOD`. (Filling and checking by the byte took a third of the
/// wall time.)
fn pattern_table() -> Rc<[u8]> {
    (0..(PERIOD + CHUNK) as u64).map(pattern).collect()
}

/// What one run of the `bulk` workload verified, besides `Measure::ok`.
struct BulkCheck {
    /// Bytes the server read, each checked against the pattern.
    bytes: u64,
    /// Simulated time from the client's connect to the server's EOF.
    xfer_s: f64,
    /// The server's `read` calls, the last one (EOF) included.
    reads: u64,
}

/// Whether every process of `sim` returned.
fn all_returned(sim: &simnet::sim::Sim) -> bool {
    sim.processes()
        .iter()
        .all(|p| matches!(p.state, ProcState::Exited(Exit::Returned)))
}

/// One run of the `bulk` workload: `bytes` bytes from pc1 to pc2 over TCP,
/// on links that drop each frame with probability `loss`.
fn bulk(bytes: u64, loss: f64) -> Result<(Measure, BulkCheck), Box<dyn std::error::Error>> {
    let link = LinkParams {
        latency: Duration::from_millis(1),
        bandwidth_bps: 1_000_000_000,
        queue_frames: 1000,
        loss,
    };
    let mut sim = one_lan(1, link)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    // What the server read and verified, whether it saw EOF (with nothing
    // wrong before it), and when.
    let read = Rc::new(Cell::new(0u64));
    let reads = Rc::new(Cell::new(0u64));
    let clean_eof = Rc::new(Cell::new(false));
    let started = Rc::new(Cell::new(None::<simnet::time::Instant>));
    let ended = Rc::new(Cell::new(None::<simnet::time::Instant>));
    let table = pattern_table();
    {
        let (read, reads, clean_eof, ended) = (
            Rc::clone(&read),
            Rc::clone(&reads),
            Rc::clone(&clean_eof),
            Rc::clone(&ended),
        );
        let table = Rc::clone(&table);
        sim.spawn(pc2, "tcp-sink", Duration::ZERO, move || {
            let listener = TcpListener::bind(("0.0.0.0", TCP_PORT)).expect("bind the server");
            let (mut stream, _) = listener.accept().expect("server accept");
            let mut buf = vec![0u8; CHUNK];
            let mut at = 0u64;
            loop {
                let n = stream.read(&mut buf).expect("server read");
                reads.set(reads.get() + 1);
                if n == 0 {
                    ended.set(Some(simnet::time::Instant::now()));
                    clean_eof.set(true);
                    return;
                }
                let offset = (at % PERIOD as u64) as usize;
                let wrong = (buf[..n] != table[offset..offset + n])
                    .then(|| (0..n).find(|&k| buf[k] != table[offset + k]))
                    .flatten();
                if let Some(k) = wrong {
                    let i = at + k as u64;
                    eprintln!("bulk: byte {i} is {}, not {}", buf[k], pattern(i));
                    return;
                }
                at += n as u64;
                read.set(at);
            }
        })?;
    }
    {
        let started = Rc::clone(&started);
        let table = Rc::clone(&table);
        sim.spawn(pc1, "tcp-source", Duration::from_millis(1), move || {
            started.set(Some(simnet::time::Instant::now()));
            let mut stream = TcpStream::connect(("pc2", TCP_PORT)).expect("client connect");
            let mut at = 0u64;
            while at < bytes {
                let n = (bytes - at).min(CHUNK as u64) as usize;
                let offset = (at % PERIOD as u64) as usize;
                stream
                    .write_all(&table[offset..offset + n])
                    .expect("client write_all");
                at += n as u64;
            }
        })?;
    }
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let got = read.get();
    let xfer_s = match (started.get(), ended.get()) {
        (Some(a), Some(b)) => (b - a).as_secs_f64(),
        _ => f64::NAN,
    };
    let left_blocked = sim.deadlocked();
    let ok = got == bytes && clean_eof.get() && all_returned(&sim) && left_blocked.is_empty();
    if !ok {
        let states: Vec<_> = sim
            .processes()
            .iter()
            .map(|p| format!("{}: {:?}", p.name, p.state))
            .collect();
        eprintln!(
            "bulk run not verified: {summary}; the server read {got}/{bytes} bytes, EOF seen: {}; processes: {states:?}; left blocked: {left_blocked:?}",
            clean_eof.get()
        );
    }
    Ok((
        Measure {
            wall,
            sim_s: summary.end.as_secs_f64(),
            frames: summary.frames,
            ok,
        },
        BulkCheck {
            bytes: got,
            xfer_s,
            reads: reads.get(),
        },
    ))
}

fn run_bulk(bytes: u64, loss: f64, runs: usize) -> Result<bool, Box<dyn std::error::Error>> {
    let mut walls = Vec::new();
    let mut goodputs = Vec::new();
    let mut mb_rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs {
        let (m, check) = bulk(bytes, loss)?;
        let goodput = check.bytes as f64 * 8.0 / check.xfer_s / 1e6;
        let mb_rate = check.bytes as f64 / 1e6 / m.wall.as_secs_f64();
        println!(
            "system=simnet workload=bulk param={bytes} loss={loss} wall_s={:.6} sim_s={:.6} xfer_s={:.6} bytes={} goodput_mbit_s={goodput:.1} mb_per_wall_s={mb_rate:.1} frames={} reads={} ok={}",
            m.wall.as_secs_f64(),
            m.sim_s,
            check.xfer_s,
            check.bytes,
            m.frames,
            check.reads,
            m.ok
        );
        walls.push(m.wall.as_secs_f64());
        goodputs.push(goodput);
        mb_rates.push(mb_rate);
        all_ok &= m.ok;
    }
    println!(
        "summary workload=bulk param={bytes} loss={loss} runs={} median_wall_s={:.6} median_goodput_mbit_s={:.1} median_mb_per_wall_s={:.1}",
        walls.len(),
        median(walls),
        median(goodputs),
        median(mb_rates)
    );
    Ok(all_ok)
}

/// One run of the `rr` workload: `n` sequential connections from pc1 to pc2,
/// each one 100-byte request and its echo; `Measure::frames` and the
/// verified exchanges.
fn rr(n: u64) -> Result<(Measure, u64), Box<dyn std::error::Error>> {
    let mut sim = one_lan(1, LINK)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    sim.spawn(pc2, "tcp-rr-server", Duration::ZERO, move || {
        let listener = TcpListener::bind(("0.0.0.0", TCP_PORT)).expect("bind the server");
        let mut buf = [0u8; RR_SIZE];
        for _ in 0..n {
            let (mut stream, _) = listener.accept().expect("server accept");
            stream.read_exact(&mut buf).expect("server read_exact");
            stream.write_all(&buf).expect("server write_all");
        }
    })?;
    let done = Rc::new(Cell::new(0u64));
    let verified = Rc::clone(&done);
    sim.spawn(pc1, "tcp-rr-client", Duration::from_millis(1), move || {
        let mut request = [0u8; RR_SIZE];
        let mut reply = [0u8; RR_SIZE];
        for i in 0..n {
            // A request of this connection's own, so that a stale or
            // misrouted reply would not pass.
            for (j, b) in request.iter_mut().enumerate() {
                *b = (i as usize).wrapping_mul(31).wrapping_add(j) as u8;
            }
            request[..8].copy_from_slice(&i.to_be_bytes());
            let mut stream = TcpStream::connect(("pc2", TCP_PORT)).expect("client connect");
            stream.write_all(&request).expect("client write_all");
            stream.read_exact(&mut reply).expect("client read_exact");
            if reply != request {
                return;
            }
            verified.set(verified.get() + 1);
        }
    })?;
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let exchanges = done.get();
    let left_blocked = sim.deadlocked();
    let ok = exchanges == n && all_returned(&sim) && left_blocked.is_empty();
    if !ok {
        let states: Vec<_> = sim
            .processes()
            .iter()
            .map(|p| format!("{}: {:?}", p.name, p.state))
            .collect();
        eprintln!(
            "rr run not verified: {summary}; {exchanges}/{n} exchanges verified; processes: {states:?}; left blocked: {left_blocked:?}"
        );
    }
    Ok((
        Measure {
            wall,
            sim_s: summary.end.as_secs_f64(),
            frames: summary.frames,
            ok,
        },
        exchanges,
    ))
}

fn run_rr(n: u64, runs: usize) -> Result<bool, Box<dyn std::error::Error>> {
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs {
        let (m, exchanges) = rr(n)?;
        let rate = exchanges as f64 / m.wall.as_secs_f64();
        println!(
            "system=simnet workload=rr param={n} wall_s={:.6} sim_s={:.6} connections={exchanges} conn_per_s={rate:.0} frames={} ok={}",
            m.wall.as_secs_f64(),
            m.sim_s,
            m.frames,
            m.ok
        );
        walls.push(m.wall.as_secs_f64());
        rates.push(rate);
        all_ok &= m.ok;
    }
    println!(
        "summary workload=rr param={n} runs={} median_wall_s={:.6} median_conn_per_s={:.0}",
        walls.len(),
        median(walls),
        median(rates)
    );
    Ok(all_ok)
}

/// The median of `xs` (the mean of the middle two for an even count).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 0 {
        (xs[mid - 1] + xs[mid]) / 2.0
    } else {
        xs[mid]
    }
}

fn run_ping_flood(count: u16, runs: usize) -> Result<bool, Box<dyn std::error::Error>> {
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs {
        let m = ping_flood(count)?;
        let rate = m.frames as f64 / m.wall.as_secs_f64();
        println!(
            "system=simnet workload=ping_flood param={count} wall_s={:.6} sim_s={:.6} frames={} frames_per_s={:.0} ok={}",
            m.wall.as_secs_f64(),
            m.sim_s,
            m.frames,
            rate,
            m.ok
        );
        walls.push(m.wall.as_secs_f64());
        rates.push(rate);
        all_ok &= m.ok;
    }
    println!(
        "summary workload=ping_flood param={count} runs={} median_wall_s={:.6} median_frames_per_s={:.0}",
        walls.len(),
        median(walls),
        median(rates)
    );
    Ok(all_ok)
}

const USAGE: &str = "\
usage: cargo bench --bench workloads -- [WORKLOAD [PARAM...]]
workloads:
  ping_flood [COUNT [RUNS]]  COUNT echo requests, 1 to 65535 (default 60000)
  udp [COUNT [RUNS]]         COUNT UDP round trips, at least 1 (default 100000)
  hosts [N [RUNS]]           N client hosts, 1 to 65533 (default 1000)
  bulk [BYTES [LOSS [RUNS]]] BYTES over one TCP connection (default 16777216),
                             LOSS a frame drop probability, 0 to 1 (default 0)
  rr [N [RUNS]]              N TCP connections of one exchange, at least 1
                             (default 1000)
RUNS is at least 1 (default 5). With no workload, each runs with its defaults.
Exit status: 0 all runs verified, 1 a run was not (ok=false), 2 bad usage or setup.";

/// A workload to run, with its parameters checked.
enum Plan {
    PingFlood { count: u16, runs: usize },
    Udp { count: u64, runs: usize },
    Hosts { n: usize, runs: usize },
    Bulk { bytes: u64, loss: f64, runs: usize },
    Rr { n: u64, runs: usize },
}

/// Parameter `i` of `params`, called `name`, parsed and checked to lie in
/// `range` (which `expected` describes), or `default` when absent.
fn param<T>(
    params: &[String],
    i: usize,
    name: &str,
    default: T,
    range: std::ops::RangeInclusive<T>,
    expected: &str,
) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd,
{
    match params.get(i) {
        None => Ok(default),
        Some(text) => match text.parse::<T>() {
            Ok(v) if range.contains(&v) => Ok(v),
            _ => Err(format!("bad {name} `{text}`: expected {expected}")),
        },
    }
}

/// The workload the command line names, or why it names none.
fn parse(workload: &str, params: &[String]) -> Result<Plan, String> {
    let max_params = if workload == "bulk" { 3 } else { 2 };
    if params.len() > max_params {
        return Err(format!(
            "takes at most {max_params} parameters, got {}: {}",
            params.len(),
            params.join(" ")
        ));
    }
    let runs_at =
        |params: &[String], i| param(params, i, "RUNS", 5, 1..=usize::MAX, "an integer from 1");
    let runs = |params: &[String]| runs_at(params, 1);
    Ok(match workload {
        "ping_flood" => Plan::PingFlood {
            count: param(
                params,
                0,
                "COUNT",
                60_000,
                1..=u16::MAX,
                "an integer from 1 to 65535",
            )?,
            runs: runs(params)?,
        },
        "udp" => Plan::Udp {
            count: param(
                params,
                0,
                "COUNT",
                100_000,
                1..=u64::MAX,
                "an integer from 1",
            )?,
            runs: runs(params)?,
        },
        "hosts" => Plan::Hosts {
            n: param(
                params,
                0,
                "N",
                1000,
                1..=65_533,
                "an integer from 1 to 65533",
            )?,
            runs: runs(params)?,
        },
        "bulk" => Plan::Bulk {
            bytes: param(
                params,
                0,
                "BYTES",
                16 * 1024 * 1024,
                0..=u64::MAX,
                "an integer from 0",
            )?,
            loss: param(params, 1, "LOSS", 0.0, 0.0..=1.0, "a number from 0 to 1")?,
            runs: runs_at(params, 2)?,
        },
        "rr" => Plan::Rr {
            n: param(params, 0, "N", 1000, 1..=u64::MAX, "an integer from 1")?,
            runs: runs(params)?,
        },
        other => {
            return Err(format!(
                "unknown workload `{other}` (known: ping_flood, udp, hosts, bulk, rr)"
            ))
        }
    })
}

fn run(plan: &Plan) -> Result<bool, Box<dyn std::error::Error>> {
    match *plan {
        Plan::PingFlood { count, runs } => run_ping_flood(count, runs),
        Plan::Udp { count, runs } => run_udp(count, runs),
        Plan::Hosts { n, runs } => run_hosts(n, runs),
        Plan::Bulk { bytes, loss, runs } => run_bulk(bytes, loss, runs),
        Plan::Rr { n, runs } => run_rr(n, runs),
    }
}

fn main() -> ExitCode {
    // cargo appends `--bench`; ignore it and any other flag.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let plans = match args.split_first() {
        None => ["ping_flood", "udp", "hosts", "bulk", "rr"]
            .iter()
            .map(|w| parse(w, &[]))
            .collect(),
        Some((w, params)) => parse(w, params)
            .map(|p| vec![p])
            .map_err(|e| format!("{w}: {e}")),
    };
    let plans = match plans {
        Ok(plans) => plans,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut all_ok = true;
    for plan in &plans {
        match run(plan) {
            Ok(ok) => all_ok &= ok,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("a run was not verified (ok=false)");
        ExitCode::FAILURE
    }
}
