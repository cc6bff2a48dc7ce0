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
//!   ports (the `lan_hub_known` preset: 10.0.0.0/16, server pc1 at
//!   10.0.0.1, clients pc2… from 10.0.0.2; 1 Gbit/s, 10 µs links, each
//!   queueing max(1000, N) frames), tracing off. The server runs a UDP echo
//!   process; every client, all starting at time 0, sends one 64-byte
//!   datagram of its own to the server and waits for the echo. The
//!   neighbours are known in advance, as ns-3 users do with
//!   `PopulateArpCache`: the server has a permanent ARP entry for every
//!   client, every client one for the server (2N entries in all), and the
//!   switch a static MAC entry for the server's port. So a run is exactly
//!   4N frames: no ARP, no flooding. The output line says `arp=static`.
//!   `ok` asks that every client verified its echo byte for byte and
//!   returned, that the server is the only process left blocked, that the
//!   run took exactly 4N frames, that the server's ARP cache holds every
//!   client's MAC (`server_neigh`) and that the switch maps every host's
//!   MAC to its port (`mac_table`). Reports frames simulated per wall-clock
//!   second. The queues are deep because all N datagrams reach the switch
//!   at the same instant, bound for the server's one port.
//! - `hosts-arp N [RUNS]`: the same with ARP (`arp=dynamic`) and the plain
//!   `lan` preset, every link queueing 1000 frames: each client broadcasts
//!   an ARP request for the server at time 0, each flooded to every port,
//!   the server answers them all (and learns each client from its request),
//!   then echoes N datagrams. `ok` asks the same, but for the frame count.
//!   Beware: the switch's port to the server queues 1000 frames, so of a
//!   burst of N > 1001 ARP requests only 1001 get through, and with three
//!   ARP attempts (synchronized, 1 s apart) at most 3003 clients are
//!   answered: `hosts-arp 10000` ends with 6997 clients blocked
//!   (`ok=false`). The flood also keeps about 1001 frames in flight per
//!   port: some 10 million frames at N = 10000.
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
//!
//! The TCP workloads' hosts run `TcpConfig::default()` (Linux's options);
//! with `SIMNET_BENCH_TCP=classic` in the environment they run
//! `TcpConfig::classic()`, without window scaling, SACK and timestamps.

// A crate root looks for its modules beside it (`benches/udp.rs`), so the
// workloads' directory is named explicitly.
#[path = "workloads/bulk.rs"]
mod bulk;
#[path = "workloads/common.rs"]
mod common;
#[path = "workloads/hosts.rs"]
mod hosts;
#[path = "workloads/ping_flood.rs"]
mod ping_flood;
#[path = "workloads/rr.rs"]
mod rr;
#[path = "workloads/udp.rs"]
mod udp;

use std::error::Error;
use std::process::ExitCode;

use hosts::Arp;

const USAGE: &str = "\
usage: cargo bench --bench workloads -- [WORKLOAD [PARAM...]]
workloads:
  ping_flood [COUNT [RUNS]]  COUNT echo requests, 1 to 65535 (default 60000)
  udp [COUNT [RUNS]]         COUNT UDP round trips, at least 1 (default 100000)
  hosts [N [RUNS]]           N client hosts, 1 to 65533 (default 1000),
                             neighbours known in advance (static ARP)
  hosts-arp [N [RUNS]]       the same, with every client resolving by ARP
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
    Hosts { n: usize, arp: Arp, runs: usize },
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
        "hosts" | "hosts-arp" => Plan::Hosts {
            arp: if workload == "hosts" {
                Arp::Static
            } else {
                Arp::Dynamic
            },
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
                "unknown workload `{other}` (known: ping_flood, udp, hosts, hosts-arp, bulk, rr)"
            ))
        }
    })
}

fn run(plan: &Plan) -> Result<bool, Box<dyn Error>> {
    match *plan {
        Plan::PingFlood { count, runs } => ping_flood::run(count, runs),
        Plan::Udp { count, runs } => udp::run(count, runs),
        Plan::Hosts { n, arp, runs } => hosts::run(n, arp, runs),
        Plan::Bulk { bytes, loss, runs } => bulk::run(bytes, loss, runs),
        Plan::Rr { n, runs } => rr::run(n, runs),
    }
}

fn main() -> ExitCode {
    // cargo appends `--bench`; ignore it and any other flag.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let plans = match args.split_first() {
        None => ["ping_flood", "udp", "hosts", "hosts-arp", "bulk", "rr"]
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
