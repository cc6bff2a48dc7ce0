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

use std::cell::Cell;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::net::UdpSocket;
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
RUNS is at least 1 (default 5). With no workload, each runs with its defaults.
Exit status: 0 all runs verified, 1 a run was not (ok=false), 2 bad usage or setup.";

/// A workload to run, with its parameters checked.
enum Plan {
    PingFlood { count: u16, runs: usize },
    Udp { count: u64, runs: usize },
    Hosts { n: usize, runs: usize },
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
    let max_params = 2;
    if params.len() > max_params {
        return Err(format!(
            "takes at most {max_params} parameters, got {}: {}",
            params.len(),
            params.join(" ")
        ));
    }
    let runs = |params: &[String]| param(params, 1, "RUNS", 5, 1..=usize::MAX, "an integer from 1");
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
        other => {
            return Err(format!(
                "unknown workload `{other}` (known: ping_flood, udp, hosts)"
            ))
        }
    })
}

fn run(plan: &Plan) -> Result<bool, Box<dyn std::error::Error>> {
    match *plan {
        Plan::PingFlood { count, runs } => run_ping_flood(count, runs),
        Plan::Udp { count, runs } => run_udp(count, runs),
        Plan::Hosts { n, runs } => run_hosts(n, runs),
    }
}

fn main() -> ExitCode {
    // cargo appends `--bench`; ignore it and any other flag.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let plans = match args.split_first() {
        None => ["ping_flood", "udp", "hosts"]
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
