//! `udp COUNT [RUNS]`: COUNT round trips between a UDP client on pc1 and an
//! echo server on pc2.

use std::cell::Cell;
use std::error::Error;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::net::UdpSocket;
use simnet::sim::{Exit, ProcState, StopReason};
use simnet::topo::presets::one_lan;

use super::common::{
    numbered_payload, repeat, udp_echo_server, Measure, Run, ECHO_PORT, LINK, PAYLOAD,
};

/// The `udp` workload, `runs` times with `count` round trips.
pub fn run(count: u64, runs: usize) -> Result<bool, Box<dyn Error>> {
    let head = format!("workload=udp param={count}");
    repeat(&head, &[("median_rt_per_s", 0)], runs, || {
        let (m, round_trips) = udp(count)?;
        let rate = round_trips as f64 / m.wall.as_secs_f64();
        let fields = format!(
            "round_trips={round_trips} rt_per_s={rate:.0} frames={}",
            m.frames
        );
        Ok(Run {
            m,
            fields,
            rates: vec![rate],
        })
    })
}

/// One run of the `udp` workload; `Measure::frames` and the verified round
/// trips.
fn udp(count: u64) -> Result<(Measure, u64), Box<dyn Error>> {
    let mut sim = one_lan(1, LINK)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    let server: SocketAddr = ([192, 168, 1, 3], ECHO_PORT).into();
    sim.spawn(pc2, "udp-echo-server", Duration::ZERO, udp_echo_server)?;
    let done = Rc::new(Cell::new(0u64));
    let verified = Rc::clone(&done);
    let client = sim.spawn(pc1, "udp-client", Duration::from_millis(1), move || {
        let sock = UdpSocket::bind("0.0.0.0:0").expect("bind the client");
        let mut payload = [0u8; PAYLOAD];
        let mut buf = [0u8; 2048];
        for i in 0..count {
            numbered_payload(&mut payload, i);
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
