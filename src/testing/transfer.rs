//! A self-checking TCP transfer over one impaired link: the case TCP's
//! reliability property draws, as a one-line case, a scenario file and a
//! run with its verdict.

use std::fmt::Write as _;
use std::time::Duration;

use crate::link::LinkParams;
use crate::scenario::{build, load_str};
use crate::sim::{Exit, ProcState, RunSummary, Sim, SimTime, StopReason};
use crate::stack::tcp::TcpConfig;

/// The reader's port.
pub const PORT: u16 = 9000;

/// Connects the writer tries before a TimedOut counts as a failure. At
/// 25–30 % loss all 7 SYNs (or their SYN-ACKs) are lost in about 0.5 % of
/// cases and a connect fails with TimedOut after 127 s, as Linux's
/// `tcp_syn_retries = 6` does: correct, so the writer, like an
/// application, tries again.
const CONNECT_ATTEMPTS: u32 = 5;

/// From this chance of losing a frame (lost or corrupted) on, a writer
/// that gives up (TimedOut after `data_retries` = 15, as Linux's
/// `tcp_retries2`, while writing or while its FIN waits for an ACK) is
/// accepted, provided the reader got a prefix of the
/// payload and waits in `read` (with no RST, again as Linux). Giving up
/// takes 16 consecutive failed round trips of the same segment. Each
/// needs the segment and its ACK through: at 20 % loss each way that fails
/// with 0.36, 0.36^16 ≈ 1e-7 per stall. But once the backed-off timer
/// exceeds the 60 s ARP lifetime, each retry must first win ARP too, its
/// request and its reply: four frames, failing with 1 - 0.8^4 = 0.59 at
/// 20 %, 0.59^16 ≈ 2e-4 per stall (seen once in about 40 000 cases), and
/// 0.48^16 ≈ 8e-6 at 15 %. (An RTT sample from an old echoed timestamp,
/// RFC 7323 §4.3, makes the timer back off past 60 s sooner.) Below 15 %
/// a writer that gives up is a failure.
pub const GIVE_UP_LOSS: f64 = 0.15;

/// One transfer: pc1 (192.168.1.2) writes `len` bytes of the seed's
/// pattern ([`crate::programs::bulk::payload`]) to pc2 (192.168.1.3) with
/// `write_all` in chunks of `writes` (cycled), shuts down writing and waits
/// for pc2's close; pc2 reads with buffers of `reads` (cycled) to EOF,
/// checking every byte. Both sit on switch sw1; `link` is the pc1–sw1
/// link, so each direction of the connection meets its impairments exactly
/// once (on both links, 30 % loss would become 51 % end to end). The
/// pc2–sw1 link has the same latency and bandwidth and no impairments.
/// Both hosts run TCP with `tcp`'s options and buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    /// The run's seed: the link's draws, the ISNs and the payload.
    pub seed: u64,
    /// The pc1–sw1 link.
    pub link: LinkParams,
    /// Bytes to send.
    pub len: usize,
    /// The writer's `write_all` sizes, used in turn.
    pub writes: Vec<usize>,
    /// The reader's buffer sizes, used in turn.
    pub reads: Vec<usize>,
    /// Both hosts' TCP: which options they offer, their buffers.
    pub tcp: TcpConfig,
}

/// How a transfer that passed went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferOutcome {
    /// Events the run took.
    pub events: u64,
    /// Virtual time at its end.
    pub end: Duration,
    /// The writer gave up after its data retries, as allowed at
    /// [`GIVE_UP_LOSS`] and above.
    pub gave_up: bool,
    /// What each program printed, `host program: line`.
    pub output: Vec<String>,
}

impl Transfer {
    /// The one-line form: `seed=… loss=… … writes=1,2 reads=3 ws=1 sack=1
    /// ts=1 rbuf=… sbuf=…`.
    pub fn line(&self) -> String {
        let l = &self.link;
        let t = &self.tcp;
        format!(
            "seed={} loss={:?} duplicate={:?} reorder={:?} reorder_delay_ns={} corrupt={:?} \
             latency_ns={} bandwidth_bps={} len={} writes={} reads={} \
             ws={} sack={} ts={} rbuf={} sbuf={}",
            self.seed,
            l.loss,
            l.duplicate,
            l.reorder,
            l.reorder_delay.as_nanos(),
            l.corrupt,
            l.latency.as_nanos(),
            l.bandwidth_bps,
            self.len,
            join_sizes(&self.writes),
            join_sizes(&self.reads),
            u8::from(t.window_scaling),
            u8::from(t.sack),
            u8::from(t.timestamps),
            t.recv_buffer,
            t.send_buffer,
        )
    }

    /// Parses what [`Transfer::line`] prints; absent keys keep their
    /// defaults (no impairments, 1 ms, 100 Mbit/s, 1024-byte chunks, and
    /// TCP as [`TcpConfig::default`] has it).
    pub fn parse(line: &str) -> Result<Transfer, String> {
        let mut case = Transfer {
            seed: 0,
            link: LinkParams::DEFAULT,
            len: 0,
            writes: vec![1024],
            reads: vec![1024],
            tcp: TcpConfig::default(),
        };
        let sizes = crate::programs::bulk::parse_sizes;
        for field in line.split_whitespace() {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("`{field}` is not key=value"))?;
            let bad = |e: &dyn std::fmt::Display| format!("{key}: {e}");
            let number = |v: &str| v.parse::<u64>().map_err(|e| bad(&e));
            let float = |v: &str| v.parse::<f64>().map_err(|e| bad(&e));
            let flag = |v: &str| match v {
                "0" => Ok(false),
                "1" => Ok(true),
                _ => Err(bad(&"expected 0 or 1")),
            };
            let buffer = |v: &str| match v.parse::<usize>() {
                Ok(n) if n >= 1024 => Ok(n),
                Ok(_) => Err(bad(&"a buffer is at least 1024 bytes")),
                Err(e) => Err(bad(&e)),
            };
            let (l, t) = (&mut case.link, &mut case.tcp);
            match key {
                "seed" => case.seed = number(value)?,
                "loss" => l.loss = float(value)?,
                "duplicate" => l.duplicate = float(value)?,
                "reorder" => l.reorder = float(value)?,
                "reorder_delay_ns" => l.reorder_delay = Duration::from_nanos(number(value)?),
                "corrupt" => l.corrupt = float(value)?,
                "latency_ns" => l.latency = Duration::from_nanos(number(value)?),
                "bandwidth_bps" => l.bandwidth_bps = number(value)?,
                "len" => case.len = value.parse().map_err(|e| bad(&e))?,
                "writes" => case.writes = sizes(value).map_err(|e| bad(&e))?,
                "reads" => case.reads = sizes(value).map_err(|e| bad(&e))?,
                "ws" => t.window_scaling = flag(value)?,
                "sack" => t.sack = flag(value)?,
                "ts" => t.timestamps = flag(value)?,
                "rbuf" => t.recv_buffer = buffer(value)?,
                "sbuf" => t.send_buffer = buffer(value)?,
                _ => return Err(format!("unknown key `{key}`")),
            }
        }
        case.link.check().map_err(|e| e.message)?;
        Ok(case)
    }

    /// The scenario file that runs this transfer (`simnet run FILE`):
    /// topology, the `bulk-reader` and `bulk-writer` programs, and the two
    /// lines a clean transfer prints as expectations.
    pub fn scenario(&self) -> String {
        let l = &self.link;
        let t = &self.tcp;
        let tcp = format!(
            "tcp = {{ window_scaling = {}, sack = {}, timestamps = {}, \
             recv_buffer = {}, send_buffer = {} }}",
            t.window_scaling, t.sack, t.timestamps, t.recv_buffer, t.send_buffer
        );
        let mut toml = format!(
            "name = \"tcp_reliability_case\"\n\
             description = \"A case of TCP's reliability property: {line}\"\n\
             seed = {seed}\n\
             time_limit = \"86400s\"\n\n\
             [[host]]\nname = \"pc1\"\nip = \"192.168.1.2/24\"\n{tcp}\n\n\
             [[host]]\nname = \"pc2\"\nip = \"192.168.1.3/24\"\n{tcp}\n\n\
             [[switch]]\nname = \"sw1\"\n\n\
             [[link]]\na = \"pc1\"\nb = \"sw1\"\n\
             latency = \"{lat}ns\"\nbandwidth = \"{bw}bit\"\n",
            line = self.line(),
            seed = self.seed,
            lat = l.latency.as_nanos(),
            bw = l.bandwidth_bps,
        );
        let impairments = [
            ("loss", l.loss),
            ("duplicate", l.duplicate),
            ("reorder", l.reorder),
            ("corrupt", l.corrupt),
        ];
        for (key, p) in impairments {
            if p > 0.0 {
                let _ = writeln!(toml, "{key} = {p:?}");
            }
        }
        if l.reorder > 0.0 {
            let _ = writeln!(toml, "reorder_delay = \"{}ns\"", l.reorder_delay.as_nanos());
        }
        let _ = write!(
            toml,
            "\n[[link]]\na = \"pc2\"\nb = \"sw1\"\n\
             latency = \"{lat}ns\"\nbandwidth = \"{bw}bit\"\n\n\
             [[run]]\nhost = \"pc2\"\nprogram = \"bulk-reader\"\n\
             args = [\"0.0.0.0:{PORT}\", \"{len}\", \"--seed\", \"{seed}\", \"--reads\", \"{reads}\"]\n\n\
             [[run]]\nhost = \"pc1\"\nprogram = \"bulk-writer\"\n\
             args = [\"192.168.1.3:{PORT}\", \"{len}\", \"--seed\", \"{seed}\", \"--writes\", \"{writes}\", \
             \"--attempts\", \"{CONNECT_ATTEMPTS}\"]\nat = \"1ms\"\n\n\
             [[expect]]\nsee = \"pc2 bulk-reader: received {len} bytes, all as sent, then EOF\"\n\n\
             [[expect]]\nsee = \"pc1 bulk-writer: sent {len} bytes; the reader closed too\"\n",
            lat = l.latency.as_nanos(),
            bw = l.bandwidth_bps,
            len = self.len,
            seed = self.seed,
            reads = join_sizes(&self.reads),
            writes = join_sizes(&self.writes),
        );
        toml
    }

    /// The simulation of [`Transfer::scenario`], ready to run, with the
    /// scenario's time limit (a day: a case that makes progress ends long
    /// before) as the second value.
    pub fn sim(&self) -> Result<(Sim, Duration), String> {
        let scenario = load_str(&self.scenario(), "tcp_reliability_case.toml")
            .map_err(|e| format!("the scenario does not load: {e}"))?;
        let sim = build(&scenario, self.seed).map_err(|e| format!("build: {e}"))?;
        Ok((sim, scenario.time_limit))
    }

    /// The verdict on a run of [`Transfer::sim`] that stopped with
    /// `summary`: every byte arrived in order and intact, both sides saw the
    /// close, no process panicked or was left blocked, and the run went
    /// idle; or, at [`GIVE_UP_LOSS`] and above, the writer gave up after
    /// its retries with the reader holding a clean prefix, or was reset
    /// because the reader's half of the handshake timed out first.
    pub fn check(&self, sim: &Sim, summary: &RunSummary) -> Result<TransferOutcome, String> {
        let mut output = Vec::new();
        let mut last = |name: &str| {
            let process = sim.processes().iter().find(|p| p.name == name);
            let lines: Vec<&str> = process
                .map(|p| p.output.iter().map(|(_, line)| line.as_str()).collect())
                .unwrap_or_default();
            output.extend(lines.iter().map(|line| format!("{name}: {line}")));
            (
                lines.last().map(ToString::to_string).unwrap_or_default(),
                lines.iter().any(|line| line.starts_with("error")),
                lines.contains(&"connected"),
            )
        };
        let (reader_last, reader_failed, _) = last("bulk-reader");
        let (writer_last, _, connected) = last("bulk-writer");
        let outcome = |gave_up| TransferOutcome {
            events: summary.events,
            end: summary.end.saturating_since(SimTime::ZERO),
            gave_up,
            output: output.clone(),
        };
        let link = &self.link;
        let frame_loss = link.loss + (1.0 - link.loss) * link.corrupt;
        let reader_waits_in = |what: &str| {
            sim.processes().iter().any(|p| {
                p.name == "bulk-reader"
                    && matches!(&p.state, ProcState::Blocked { call, timed: false, .. }
                        if format!("{call:?}").contains(&format!("\"{what}\"")))
            })
        };
        let gave_up = |error: &str, reader_waits: &str| {
            frame_loss >= GIVE_UP_LOSS
                && connected
                && writer_last.starts_with("error: ")
                && writer_last.contains(error)
                && !reader_failed
                && reader_waits_in(reader_waits)
                && summary.reason == StopReason::Deadlock
        };
        // The writer's retries ran out (TimedOut) while the reader holds a
        // clean prefix; or the reader's side of the handshake timed out
        // first (all its SYN-ACK retries lost, or its peer's ACKs: its
        // SYN-RECEIVED gave up, as Linux's does after tcp_synack_retries),
        // so the reader never accepted, and the writer's next segment was
        // refused with a RST (ConnectionReset).
        if gave_up("TimedOut", "read") || gave_up("ConnectionReset", "accept") {
            return Ok(outcome(true));
        }
        let mut problems = Vec::new();
        if summary.reason != StopReason::Idle {
            problems.push(format!("the run stopped: {summary}"));
        }
        let deadlocked = sim.deadlocked();
        if !deadlocked.is_empty() {
            problems.push(format!("deadlocked: {deadlocked:?}"));
        }
        for p in sim.processes() {
            match &p.state {
                ProcState::Exited(Exit::Returned) => {}
                ProcState::Exited(Exit::Panicked(msg)) => {
                    problems.push(format!("{} panicked: {msg}", p.name))
                }
                other => problems.push(format!("{} did not exit: {other:?}", p.name)),
            }
        }
        let len = self.len;
        if reader_last != format!("received {len} bytes, all as sent, then EOF") || reader_failed {
            problems.push(format!("the reader ended with `{reader_last}`"));
        }
        if writer_last != format!("sent {len} bytes; the reader closed too") {
            problems.push(format!("the writer ended with `{writer_last}`"));
        }
        if problems.is_empty() {
            return Ok(outcome(false));
        }
        Err(format!(
            "{}\n(after {} events, {:?} of virtual time)\noutput:\n  {}",
            problems.join("\n"),
            summary.events,
            summary.end.saturating_since(SimTime::ZERO),
            output.join("\n  ")
        ))
    }

    /// The failure report: what went wrong, the case line, and the scenario
    /// that replays it.
    pub fn report(&self, problem: &str) -> String {
        format!(
            "TCP reliability failed: {problem}\n\
             case: {line}\n\
             replay: save the scenario below as case.toml and run \
             `cargo run --release -- run case.toml` (the whole trace), or \
             SIMNET_TCP_CASE='{line}' cargo test --release --test tcp_reliability \
             replay_one_case -- --nocapture\n\
             ---- case.toml ----\n{toml}",
            line = self.line(),
            toml = self.scenario()
        )
    }
}

/// Chunk sizes as `A,B,…`, the form [`crate::programs::bulk::parse_sizes`]
/// reads.
fn join_sizes(sizes: &[usize]) -> String {
    let text: Vec<String> = sizes.iter().map(ToString::to_string).collect();
    text.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Transfer {
        Transfer {
            seed: u64::MAX,
            link: LinkParams {
                loss: 0.123_456_789_012_345_67,
                duplicate: 0.01,
                reorder: 0.2,
                reorder_delay: Duration::from_micros(1500),
                corrupt: 0.03,
                latency: Duration::from_micros(10),
                bandwidth_bps: 1_000_000,
                ..LinkParams::DEFAULT
            },
            len: 5,
            writes: vec![1, 2],
            reads: vec![3],
            tcp: TcpConfig {
                sack: false,
                recv_buffer: 4096,
                ..TcpConfig::default()
            },
        }
    }

    #[test]
    fn a_case_line_round_trips() {
        assert_eq!(Transfer::parse(&case().line()), Ok(case()));
    }

    #[test]
    fn a_line_without_impairments_still_parses() {
        let case = Transfer::parse("seed=1 loss=0.25 latency_ns=10000 len=3 writes=5 reads=1")
            .expect("an older line");
        assert_eq!(case.link.duplicate, 0.0);
        assert_eq!(case.link.loss, 0.25);
        assert!(Transfer::parse("seed=1 loss=2").is_err(), "out of range");
        assert!(Transfer::parse("seed=1 writes=0").is_err());
        assert!(Transfer::parse("colour=red").is_err());
        assert_eq!(
            case.tcp,
            TcpConfig::default(),
            "absent TCP keys: the defaults"
        );
        assert!(Transfer::parse("sack=2").is_err());
        assert!(Transfer::parse("rbuf=10").is_err());
    }

    #[test]
    fn the_scenario_loads_with_every_impairment_on_the_link() {
        let text = case().scenario();
        let scenario = load_str(&text, "case.toml").expect("the scenario loads");
        assert_eq!(scenario.links[0].params.latency, case().link.latency);
        assert_eq!(
            scenario.links[0].params,
            LinkParams {
                queue_frames: 100,
                ..case().link
            }
        );
        assert_eq!(scenario.links[1].params.loss, 0.0);
        assert_eq!(scenario.runs.len(), 2);
        assert_eq!(scenario.hosts[0].tcp, case().tcp);
        assert_eq!(scenario.hosts[1].tcp, case().tcp);
    }

    #[test]
    fn a_clean_transfer_passes_and_a_wrong_length_fails() {
        let clean = Transfer {
            link: LinkParams::DEFAULT,
            len: 20_000,
            ..case()
        };
        let (mut sim, _) = clean.sim().expect("builds");
        let summary = sim.run();
        let outcome = clean.check(&sim, &summary).expect("passes");
        assert!(!outcome.gave_up);
        let wrong = Transfer {
            len: 20_001,
            ..clean
        };
        let problem = wrong.check(&sim, &summary).unwrap_err();
        assert!(problem.contains("the reader ended with"), "{problem}");
    }
}
