//! `bulk BYTES LOSS [RUNS]`: BYTES of a fixed pattern over one TCP
//! connection from pc1 to pc2, on links dropping frames with probability
//! LOSS.

use std::cell::Cell;
use std::error::Error;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::net::{TcpListener, TcpStream};
use simnet::topo::presets::one_lan;

use super::common::{all_returned, configure_tcp, process_states, repeat, Measure, Run, TCP_PORT};

/// The `bulk` workload, `runs` times with `bytes` bytes and loss `loss`.
pub fn run(bytes: u64, loss: f64, runs: usize) -> Result<bool, Box<dyn Error>> {
    let head = format!("workload=bulk param={bytes} loss={loss}");
    let medians = [("median_goodput_mbit_s", 1), ("median_mb_per_wall_s", 1)];
    repeat(&head, &medians, runs, || {
        let (m, check) = bulk(bytes, loss)?;
        let goodput = check.bytes as f64 * 8.0 / check.xfer_s / 1e6;
        let mb_rate = check.bytes as f64 / 1e6 / m.wall.as_secs_f64();
        let fields = format!(
            "xfer_s={:.6} bytes={} goodput_mbit_s={goodput:.1} mb_per_wall_s={mb_rate:.1} frames={} reads={}",
            check.xfer_s, check.bytes, m.frames, check.reads
        );
        Ok(Run {
            m,
            fields,
            rates: vec![goodput, mb_rate],
        })
    })
}

/// The size of the `bulk` workload's reads and writes, in bytes.
const CHUNK: usize = 64 * 1024;

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

/// One run of the `bulk` workload: `bytes` bytes from pc1 to pc2 over TCP,
/// on links that drop each frame with probability `loss`.
fn bulk(bytes: u64, loss: f64) -> Result<(Measure, BulkCheck), Box<dyn Error>> {
    let link = LinkParams {
        latency: Duration::from_millis(1),
        bandwidth_bps: 1_000_000_000,
        queue_frames: 1000,
        loss,
        ..LinkParams::DEFAULT
    };
    let mut sim = one_lan(1, link)?.build();
    let pc1 = sim.node_id("pc1").ok_or("no pc1")?;
    let pc2 = sim.node_id("pc2").ok_or("no pc2")?;
    configure_tcp(&mut sim, &[pc1, pc2]);
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
        let states = process_states(&sim);
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
