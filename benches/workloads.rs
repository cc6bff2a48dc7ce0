//! The performance harness: `cargo bench --bench workloads -- WORKLOAD PARAMS…`.
//!
//! Each run prints one line,
//! `system=simnet workload=NAME param=P wall_s=… sim_s=… ok=true`, plus
//! workload-specific figures, where `ok` means the result was verified; the
//! process exits non-zero when it was not. With no workload named, every
//! workload runs with its default parameters.
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

use std::cell::Cell;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::net::UdpSocket;
use simnet::sim::{Exit, ProcState, StopReason};
use simnet::stack::PingConfig;
use simnet::topo::presets::{one_lan, two_subnets};

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

fn run_udp(args: &[String]) -> Result<bool, Box<dyn std::error::Error>> {
    let count: u64 = args.first().map_or(Ok(100_000), |s| s.parse())?;
    let runs: usize = args.get(1).map_or(Ok(5), |s| s.parse())?;
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs.max(1) {
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

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn run_ping_flood(args: &[String]) -> Result<bool, Box<dyn std::error::Error>> {
    let count: u16 = args.first().map_or(Ok(60_000), |s| s.parse())?;
    let runs: usize = args.get(1).map_or(Ok(5), |s| s.parse())?;
    let mut walls = Vec::new();
    let mut rates = Vec::new();
    let mut all_ok = true;
    for _ in 0..runs.max(1) {
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

fn main() -> ExitCode {
    // cargo appends `--bench`; ignore it and any other flag.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let result = match args.split_first() {
        None => run_ping_flood(&[]).and_then(|a| Ok(run_udp(&[])? && a)),
        Some((w, params)) => match w.as_str() {
            "ping_flood" => run_ping_flood(params),
            "udp" => run_udp(params),
            other => {
                eprintln!("unknown workload `{other}`; known: ping_flood, udp");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("a run was not verified (ok=false)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
