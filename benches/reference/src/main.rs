//! `reference`: simnet's benchmark workloads on smoltcp, a real userspace
//! TCP/IP stack, so that `cargo bench --bench workloads` and this harness
//! can be timed in the same run on the same machine
//! (`reference WORKLOAD PARAM [LOSS] [RUNS]`).
//!
//! Each run prints `system=smoltcp workload=NAME param=P wall_s=… ok=…`
//! (bulk adds `loss=…` after `param`, as simnet does), where `wall_s` is
//! measured around the whole run, setup included (simnet's times only
//! `Sim::run`), and `ok` means the result was verified. Exit status: 0 when every run was verified, 1 when one was
//! not, 2 for bad arguments.
//!
//! The hosts are smoltcp Ethernet interfaces on one in-memory switch
//! ([`net`]), run in virtual time: the clock jumps to the next frame arrival
//! or smoltcp timer (`Interface::poll_at`), so retransmission timers fire
//! without waiting. A frame crosses two links, each with simnet's latency
//! (10 µs; 1 ms for `bulk`) and, for `bulk`, its loss. How the workloads
//! differ from simnet's:
//! - Bandwidth, serialization and queues are not modelled (simnet's links
//!   are 1 Gbit/s with finite queues), nor frame counts reported.
//! - Neighbours are found by ARP, at the start of each run: smoltcp has no
//!   public way to pre-populate its ARP cache (simnet's `hosts` has static
//!   entries and exactly 4N frames). In `hosts`, each client's ARP request
//!   is broadcast to, and parsed by, every host; the server's ARP cache
//!   holds 1024 entries, so clients start in waves of 1024, 1 ms apart.
//! - TCP is smoltcp's: Reno congestion control, no SACK or timestamps, a
//!   1 s minimum RTO, 10 ms delayed ACKs (simnet runs Linux's defaults:
//!   NewReno with SACK, timestamps, 200 ms minimum RTO, 40 ms delayed
//!   ACKs). `bulk` uses 1 MiB socket buffers each way, window-scaled.
//! - smoltcp has no accept queue, so the `rr` server adds a fresh listening
//!   socket for each connection; sockets are dropped once closed or in
//!   TIME-WAIT rather than waiting it out.
//! - Processes are not modelled: each workload is a state machine stepped
//!   after every poll of a host, checking what simnet's processes check
//!   (the same payloads and byte pattern), but not simnet's checks of ARP
//!   caches, MAC tables and frame counts, which smoltcp does not expose.

mod bulk;
mod hosts;
mod net;
mod rr;
mod udp;

use std::process::ExitCode;
use std::time::Instant as WallClock;

use smoltcp::socket::{tcp, udp as udp_sock};
use smoltcp::time::{Duration, Instant};

use net::Link;

/// The usage message, for bad arguments.
const USAGE: &str = "\
usage: reference WORKLOAD PARAM [LOSS] [RUNS]
  udp COUNT [RUNS]        COUNT UDP round trips, at least 1
  rr N [RUNS]             N TCP connections of one exchange, at least 1
  bulk BYTES LOSS [RUNS]  BYTES over one TCP connection, LOSS a frame drop
                          probability per link, 0 to 1
  hosts N [RUNS]          N UDP clients of one echo server, 1 to 65533
RUNS is at least 1 (default 1).
Exit status: 0 all runs verified, 1 a run was not (ok=false), 2 bad usage.";

/// The UDP echo port of the `udp` and `hosts` servers.
pub const ECHO_PORT: u16 = 7;

/// The `udp` and `hosts` payload size, in bytes.
pub const PAYLOAD: usize = 64;

/// The TCP port of the `bulk` and `rr` servers.
pub const TCP_PORT: u16 = 5001;

/// The links of `udp`, `rr` and `hosts`: 10 µs, lossless.
pub const LAN_LINK: Link = Link {
    latency: Duration::from_micros(10),
    loss: 0.0,
};

/// The virtual time after which a run that has not finished fails.
pub const LIMIT: Instant = Instant::from_micros_const(86_400_000_000);

/// Fills `buf` (at least 8 bytes) with message `i`'s own bytes, as simnet's
/// workloads do, so that a stale or misrouted reply would not pass.
pub fn numbered_payload(buf: &mut [u8], i: u64) {
    for (j, b) in buf.iter_mut().enumerate() {
        *b = (i as usize).wrapping_mul(31).wrapping_add(j) as u8;
    }
    buf[..8].copy_from_slice(&i.to_be_bytes());
}

/// A UDP socket whose buffers hold `packets` datagrams of up to 2 KiB each
/// way.
pub fn udp_socket(packets: usize) -> udp_sock::Socket<'static> {
    let buffer = || {
        udp_sock::PacketBuffer::new(
            vec![udp_sock::PacketMetadata::EMPTY; packets],
            vec![0; packets * 2048],
        )
    };
    udp_sock::Socket::new(buffer(), buffer())
}

/// A TCP socket with `bytes` of buffer each way and Reno congestion
/// control.
pub fn tcp_socket(bytes: usize) -> tcp::Socket<'static> {
    let buffer = || tcp::SocketBuffer::new(vec![0; bytes]);
    let mut socket = tcp::Socket::new(buffer(), buffer());
    socket.set_congestion_control(tcp::CongestionControl::Reno);
    socket
}

/// A workload with its parameters checked.
enum Plan {
    /// `udp COUNT`.
    Udp(u64),
    /// `rr N`.
    Rr(u64),
    /// `bulk BYTES LOSS`.
    Bulk(u64, f64),
    /// `hosts N`.
    Hosts(usize),
}

/// Argument `i` of `args`, called `name`, parsed and checked by `valid`
/// (which `expected` describes), or `default` when absent.
fn arg<T: std::str::FromStr>(
    args: &[String],
    i: usize,
    name: &str,
    default: Option<T>,
    valid: impl Fn(&T) -> bool,
    expected: &str,
) -> Result<T, String> {
    match args.get(i) {
        None => default.ok_or_else(|| format!("missing {name}: expected {expected}")),
        Some(text) => match text.parse::<T>() {
            Ok(v) if valid(&v) => Ok(v),
            _ => Err(format!("bad {name} `{text}`: expected {expected}")),
        },
    }
}

/// The plan and run count the command line asks for, or why it is wrong.
fn parse(args: &[String]) -> Result<(Plan, usize), String> {
    let (workload, params) = args.split_first().ok_or("no workload named")?;
    let max = if workload == "bulk" { 3 } else { 2 };
    if params.len() > max {
        return Err(format!("{workload} takes at most {max} parameters"));
    }
    let runs = |i| {
        arg(
            params,
            i,
            "RUNS",
            Some(1),
            |&r: &usize| r >= 1,
            "an integer from 1",
        )
    };
    let from_1 = "an integer from 1";
    Ok(match workload.as_str() {
        "udp" => (
            Plan::Udp(arg(params, 0, "COUNT", None, |&c| c >= 1, from_1)?),
            runs(1)?,
        ),
        "rr" => (
            Plan::Rr(arg(params, 0, "N", None, |&n| n >= 1, from_1)?),
            runs(1)?,
        ),
        "bulk" => (
            Plan::Bulk(
                arg(params, 0, "BYTES", None, |_| true, "an integer from 0")?,
                arg(
                    params,
                    1,
                    "LOSS",
                    Some(0.0),
                    |l| (0.0..=1.0).contains(l),
                    "a probability from 0 to 1",
                )?,
            ),
            runs(2)?,
        ),
        "hosts" => (
            Plan::Hosts(arg(
                params,
                0,
                "N",
                None,
                |n| (1..=65_533).contains(n),
                "an integer from 1 to 65533",
            )?),
            runs(1)?,
        ),
        _ => return Err(format!("unknown workload `{workload}`")),
    })
}

/// Runs the workload the command line names, RUNS times.
fn main() -> ExitCode {
    let args: Option<Vec<String>> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().ok())
        .collect();
    let parsed = args
        .ok_or_else(|| "arguments must be UTF-8".to_string())
        .and_then(|args| parse(&args));
    let (plan, runs) = match parsed {
        Ok(p) => p,
        Err(why) => {
            eprintln!("reference: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut all_ok = true;
    for _ in 0..runs {
        let start = WallClock::now();
        let (head, ok) = match plan {
            Plan::Udp(count) => (format!("workload=udp param={count}"), udp::run(count)),
            Plan::Rr(n) => (format!("workload=rr param={n}"), rr::run(n)),
            Plan::Bulk(bytes, loss) => (
                format!("workload=bulk param={bytes} loss={loss}"),
                bulk::run(bytes, loss),
            ),
            Plan::Hosts(n) => (format!("workload=hosts param={n}"), hosts::run(n)),
        };
        let wall_s = start.elapsed().as_secs_f64();
        println!("system=smoltcp {head} wall_s={wall_s:.6} ok={ok}");
        all_ok &= ok;
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
