//! What the workloads share: the measurement of one run, the links, the
//! servers' ports and echo loop, checks on the processes, and `repeat`,
//! which runs a workload RUNS times, prints a line per run and a summary
//! of medians.

use std::error::Error;
use std::time::Duration;

use simnet::link::LinkParams;
use simnet::net::UdpSocket;
use simnet::sim::{Exit, ProcState, Sim};
use simnet::stack::tcp::TcpConfig;

/// One measured run.
pub struct Measure {
    pub wall: Duration,
    pub sim_s: f64,
    pub frames: u64,
    pub ok: bool,
}

/// The links of every workload: 1 Gbit/s, 10 µs, lossless.
pub const LINK: LinkParams = LinkParams {
    latency: Duration::from_micros(10),
    bandwidth_bps: 1_000_000_000,
    queue_frames: 1000,
    ..LinkParams::DEFAULT
};

/// The UDP echo port of the `udp` and `hosts` workloads' servers.
pub const ECHO_PORT: u16 = 7;

/// The `udp` and `hosts` workloads' payload size, in bytes.
pub const PAYLOAD: usize = 64;

/// The TCP port of the `bulk` and `rr` workloads' servers.
pub const TCP_PORT: u16 = 5001;

/// The body of a UDP echo server process on `ECHO_PORT`: it loops forever,
/// so a run ends with it blocked in `recv_from`.
pub fn udp_echo_server() {
    let sock = UdpSocket::bind(("0.0.0.0", ECHO_PORT)).expect("bind the server");
    let mut buf = [0u8; 2048];
    loop {
        let (n, from) = sock.recv_from(&mut buf).expect("server recv_from");
        sock.send_to(&buf[..n], from).expect("server send_to");
    }
}

/// Fills `buf` (at least 8 bytes) with message `i`'s own bytes, so that a
/// stale or misrouted reply would not pass.
pub fn numbered_payload(buf: &mut [u8], i: u64) {
    for (j, b) in buf.iter_mut().enumerate() {
        *b = (i as usize).wrapping_mul(31).wrapping_add(j) as u8;
    }
    buf[..8].copy_from_slice(&i.to_be_bytes());
}

/// The TCP configuration of the TCP workloads' hosts: Linux's defaults
/// ([`TcpConfig::default`]), or, with `SIMNET_BENCH_TCP=classic` in the
/// environment, simnet's TCP without window scaling, SACK and timestamps
/// ([`TcpConfig::classic`]), which gives the runs of simnet 0.1.
pub fn tcp_config() -> TcpConfig {
    match std::env::var("SIMNET_BENCH_TCP").as_deref() {
        Ok("classic") => TcpConfig::classic(),
        _ => TcpConfig::default(),
    }
}

/// Give every IP node of `sim` the workloads' TCP configuration.
pub fn configure_tcp(sim: &mut Sim, nodes: &[simnet::topo::NodeId]) {
    let config = tcp_config();
    for &node in nodes {
        if let Some(ip) = sim.ip_node_mut(node) {
            ip.set_tcp_config(config);
        }
    }
}

/// Whether every process of `sim` returned.
pub fn all_returned(sim: &Sim) -> bool {
    sim.processes()
        .iter()
        .all(|p| matches!(p.state, ProcState::Exited(Exit::Returned)))
}

/// Every process of `sim` as `name: state`, for a report of a failed run.
pub fn process_states(sim: &Sim) -> Vec<String> {
    sim.processes()
        .iter()
        .map(|p| format!("{}: {:?}", p.name, p.state))
        .collect()
}

/// The median of `xs` (the mean of the middle two for an even count).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 0 {
        (xs[mid - 1] + xs[mid]) / 2.0
    } else {
        xs[mid]
    }
}

/// One run, as `repeat` prints and summarises it.
pub struct Run {
    pub m: Measure,
    /// The workload's own fields of the run line, between `sim_s=…` and
    /// `ok=…`.
    pub fields: String,
    /// The figures the summary takes the medians of, one per `repeat`
    /// median.
    pub rates: Vec<f64>,
}

/// Runs `one` `runs` times and prints, for each run,
/// `system=simnet HEAD wall_s=… sim_s=… FIELDS ok=…`, then
/// `summary HEAD runs=… median_wall_s=…` followed by ` NAME=…` for each
/// `(NAME, DECIMALS)` of `medians`, the median of the runs' `rates` at that
/// position. Whether every run was verified; an error ends the runs.
pub fn repeat(
    head: &str,
    medians: &[(&str, usize)],
    runs: usize,
    mut one: impl FnMut() -> Result<Run, Box<dyn Error>>,
) -> Result<bool, Box<dyn Error>> {
    let mut walls = Vec::new();
    let mut rates = vec![Vec::new(); medians.len()];
    let mut all_ok = true;
    for _ in 0..runs {
        let run = one()?;
        let wall_s = run.m.wall.as_secs_f64();
        println!(
            "system=simnet {head} wall_s={wall_s:.6} sim_s={:.6} {} ok={}",
            run.m.sim_s, run.fields, run.m.ok
        );
        walls.push(wall_s);
        assert_eq!(run.rates.len(), medians.len(), "one rate per median");
        for (column, rate) in rates.iter_mut().zip(run.rates) {
            column.push(rate);
        }
        all_ok &= run.m.ok;
    }
    let mut summary = format!(
        "summary {head} runs={} median_wall_s={:.6}",
        walls.len(),
        median(walls)
    );
    for (&(name, decimals), column) in medians.iter().zip(rates) {
        summary += &format!(" {name}={:.*}", decimals, median(column));
    }
    println!("{summary}");
    Ok(all_ok)
}
