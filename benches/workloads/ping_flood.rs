//! `ping_flood COUNT [RUNS]`: pc1 pings pc2 across a gateway.

use std::error::Error;
use std::time::{Duration, Instant};

use simnet::stack::PingConfig;
use simnet::topo::presets::two_subnets;

use super::common::{repeat, Measure, Run, LINK};

/// The `ping_flood` workload, `runs` times with `count` echo requests.
pub fn run(count: u16, runs: usize) -> Result<bool, Box<dyn Error>> {
    let head = format!("workload=ping_flood param={count}");
    repeat(&head, &[("median_frames_per_s", 0)], runs, || {
        let m = ping_flood(count)?;
        let rate = m.frames as f64 / m.wall.as_secs_f64();
        let fields = format!("frames={} frames_per_s={rate:.0}", m.frames);
        Ok(Run {
            m,
            fields,
            rates: vec![rate],
        })
    })
}

fn ping_flood(count: u16) -> Result<Measure, Box<dyn Error>> {
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
