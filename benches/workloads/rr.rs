//! `rr N [RUNS]`: N TCP connections one after another from pc1 to pc2, each
//! one request and its echo.

use std::cell::Cell;
use std::error::Error;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::net::{TcpListener, TcpStream};
use simnet::topo::presets::one_lan;

use super::common::{
    all_returned, configure_tcp, numbered_payload, process_states, repeat, Measure, Run, LINK,
    TCP_PORT,
};

/// The `rr` workload's request and response size, in bytes.
const RR_SIZE: usize = 100;

/// The `rr` workload, `runs` times with `n` connections.
pub fn run(n: u64, runs: usize) -> Result<bool, Box<dyn Error>> {
    let head = format!("workload=rr param={n}");
    repeat(&head, &[("median_conn_per_s", 0)], runs, || {
        let (m, exchanges) = rr(n)?;
        let rate = exchanges as f64 / m.wall.as_secs_f64();
        let fields = format!(
            "connections={exchanges} conn_per_s={rate:.0} frames={}",
            m.frames
        );
        Ok(Run {
            m,
            fields,
            rates: vec![rate],
        })
    })
}

/// One run of the `rr` workload: `n` sequential connections from pc1 to pc2,
/// each one 100-byte request and its echo; `Measure::frames` and the
/// verified exchanges.
fn rr(n: u64) -> Result<(Measure, u64), Box<dyn Error>> {
    let mut sim = one_lan(1, LINK)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    configure_tcp(&mut sim, &[pc1, pc2]);
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
            numbered_payload(&mut request, i);
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
        let states = process_states(&sim);
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
