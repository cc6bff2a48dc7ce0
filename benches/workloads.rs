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

use std::process::ExitCode;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::stack::PingConfig;
use simnet::topo::presets::two_subnets;

/// One measured run.
struct Measure {
    wall: Duration,
    sim_s: f64,
    frames: u64,
    ok: bool,
}

fn ping_flood(count: u16) -> Result<Measure, Box<dyn std::error::Error>> {
    let link = LinkParams {
        latency: Duration::from_micros(10),
        bandwidth_bps: 1_000_000_000,
        queue_frames: 1000,
        loss: 0.0,
    };
    let mut net = two_subnets(1, link, link)?;
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
    let (workload, params) = match args.split_first() {
        Some((w, p)) => (w.as_str(), p),
        None => ("ping_flood", &[][..]),
    };
    let result = match workload {
        "ping_flood" => run_ping_flood(params),
        other => {
            eprintln!("unknown workload `{other}`; known: ping_flood");
            return ExitCode::from(2);
        }
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
