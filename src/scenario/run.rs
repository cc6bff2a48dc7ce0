//! Running a scenario: build it, attach the trace sinks asked for, run it,
//! check every expectation, and note where each process ended up.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use super::build::build;
use super::expect::check_trace;
use super::model::{PingSpec, Scenario};
use crate::sim::{Exit, ProcState, RunSummary, Sim, StopReason};
use crate::stack::PingReport;
use crate::topo::Snapshot;
use crate::trace::{Capture, CaptureSink, JsonSink, PcapSink, SharedCapture, TextLines, TextSink};

/// What to do besides running.
#[derive(Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Writes `NODE.IFACE.pcap` files into this directory.
    pub pcap_dir: Option<PathBuf>,
    /// Writes the trace as JSON lines to this file.
    pub json: Option<PathBuf>,
    /// Echoes each text trace line here as it happens.
    pub echo: Option<Box<dyn Write>>,
    /// Keeps every event in [`Outcome::capture`], for diagrams and pages.
    pub capture: bool,
}

/// A ping's outcome next to what the scenario asked of it.
#[derive(Clone, Debug)]
pub struct PingOutcome {
    /// The ping as the scenario gave it.
    pub spec: PingSpec,
    /// What happened.
    pub report: PingReport,
}

impl PingOutcome {
    /// A name for messages: the label, or `ping from pc1 to 192.168.2.2`.
    pub fn name(&self) -> String {
        match &self.spec.label {
            Some(label) => format!("ping `{label}`"),
            None => format!("ping from {} to {}", self.spec.from, self.spec.to),
        }
    }
}

/// Where one process ended up: a `[[run]]` program, or a thread that one
/// spawned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessOutcome {
    /// The host it ran on.
    pub host: String,
    /// Its name: the program's, or the one its parent gave it.
    pub name: String,
    /// Where it was when the run stopped.
    pub state: ProcState,
}

impl ProcessOutcome {
    /// Whether the summary should show it: it panicked, or it had not
    /// finished when the run stopped. Neither is a failure by itself: a
    /// server waiting for the next request is blocked for good.
    pub fn is_notable(&self) -> bool {
        !matches!(self.state, ProcState::Exited(Exit::Returned))
    }
}

impl std::fmt::Display for ProcessOutcome {
    /// `pc2 udp-echo-server: blocked in recv_from on 0.0.0.0:7852 since
    /// 0.010000`, `pc1 echo: exited`, `pc1 crasher: panicked at …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: ", self.host, self.name)?;
        match &self.state {
            ProcState::Starting => write!(f, "not started yet"),
            ProcState::Blocked {
                call,
                since,
                timed: false,
            } => write!(f, "blocked in {call} since {since}"),
            ProcState::Blocked {
                call,
                since,
                timed: true,
            } => write!(f, "blocked in {call} since {since} (a timer would wake it)"),
            ProcState::Exited(Exit::Returned) => write!(f, "exited"),
            // The message starts with `panicked at FILE:LINE:COLUMN:`.
            ProcState::Exited(Exit::Panicked(message)) => write!(f, "{message}"),
        }
    }
}

/// Everything a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The seed the run used.
    pub seed: u64,
    /// How the run ended.
    pub summary: RunSummary,
    /// The text trace, a line an event.
    pub lines: Vec<String>,
    /// Each ping, in file order.
    pub pings: Vec<PingOutcome>,
    /// Every process, in the order they were created (the `[[run]]`
    /// programs first, in file order).
    pub processes: Vec<ProcessOutcome>,
    /// Every expectation that did not hold, each a whole message.
    pub failures: Vec<String>,
    /// Every event with the topology, when [`RunOptions::capture`] asked.
    pub capture: Option<Capture>,
}

impl Outcome {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// A line for each process that panicked or had not finished when the
    /// run stopped (see [`ProcessOutcome::is_notable`]), for the summary.
    pub fn process_report(&self) -> Vec<String> {
        self.processes
            .iter()
            .filter(|p| p.is_notable())
            .map(ToString::to_string)
            .collect()
    }
}

/// Why a scenario could not run at all (as opposed to running and failing).
#[derive(Debug)]
pub enum RunError {
    /// The topology could not be built.
    Topology(crate::topo::TopoError),
    /// A trace file could not be written.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Topology(e) => write!(f, "cannot build the topology: {e}"),
            RunError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `scenario` and checks its expectations.
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<Outcome, RunError> {
    let seed = options.seed.unwrap_or(scenario.seed);
    let mut sim = build(scenario, seed).map_err(RunError::Topology)?;
    let lines = TextLines::default();
    let mut text = TextSink::new(lines.clone());
    if let Some(echo) = options.echo {
        text = text.echo_to(echo);
    }
    sim.add_sink(Box::new(text));
    if let Some(dir) = &options.pcap_dir {
        let sink = PcapSink::create(dir).map_err(|e| RunError::Io(dir.clone(), e))?;
        sim.add_sink(Box::new(sink));
    }
    if let Some(path) = &options.json {
        let file = File::create(path).map_err(|e| RunError::Io(path.clone(), e))?;
        sim.add_sink(Box::new(JsonSink::new(Box::new(BufWriter::new(file)))));
    }
    let capture = options.capture.then(|| {
        let capture = SharedCapture::default();
        let topology = Snapshot::of(sim.graph());
        sim.add_sink(Box::new(CaptureSink::new(capture.clone(), topology)));
        capture
    });
    let summary = sim.run();
    let written = sim.finish_trace();
    let capture = capture.map(|c| std::mem::take(&mut *c.borrow_mut()));
    let trace_path = options.pcap_dir.or(options.json).unwrap_or_default();
    written.map_err(|e| RunError::Io(trace_path, e))?;
    let lines = std::mem::take(&mut *lines.borrow_mut());
    let pings: Vec<PingOutcome> = scenario
        .pings
        .iter()
        .zip(sim.ping_reports())
        .map(|(spec, report)| PingOutcome {
            spec: spec.clone(),
            report,
        })
        .collect();
    let processes = process_outcomes(&sim);
    let mut failures = Vec::new();
    if summary.reason == StopReason::EventLimit {
        failures.push(format!("{summary}"));
    }
    if let Err(failure) = check_trace(&scenario.expect, &lines) {
        failures.push(failure.to_string());
    }
    for ping in &pings {
        failures.extend(check_ping(ping));
    }
    Ok(Outcome {
        seed,
        summary,
        lines,
        pings,
        processes,
        failures,
        capture,
    })
}

/// Where each process of `sim` ended up.
fn process_outcomes(sim: &Sim) -> Vec<ProcessOutcome> {
    sim.processes()
        .iter()
        .map(|p| ProcessOutcome {
            host: sim.graph()[p.host].name.clone(),
            name: p.name.clone(),
            state: p.state.clone(),
        })
        .collect()
}

/// The ping checks that failed, as messages.
fn check_ping(ping: &PingOutcome) -> Vec<String> {
    let (expect, report) = (&ping.spec.expect, &ping.report);
    let mut failures = Vec::new();
    if let Some(want) = expect.received {
        if report.received != want {
            failures.push(format!(
                "{}: expected {want} of {} replies, got {} ({} transmitted, {} errors)",
                ping.name(),
                ping.spec.count,
                report.received,
                report.transmitted,
                report.errors
            ));
        }
    }
    if let Some(want) = expect.errors {
        if report.errors != want {
            failures.push(format!(
                "{}: expected {want} ICMP errors, got {}",
                ping.name(),
                report.errors
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::scenario::load_str;

    #[test]
    fn process_outcomes_show_crashes_and_processes_left_waiting() {
        let text = "time_limit = \"5s\"\n[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\n\
                    [[run]]\nhost = \"pc1\"\nprogram = \"echo\"\nargs = [\"hi\"]\n";
        let scenario = load_str(text, "t.toml").unwrap();
        let mut sim = build(&scenario, 1).unwrap();
        let pc1 = sim.node_id("pc1").unwrap();
        let ms = Duration::from_millis;
        sim.spawn(pc1, "crasher", ms(1), || panic!("boom")).unwrap();
        let server = || {
            let sock = crate::net::UdpSocket::bind("0.0.0.0:7852").unwrap();
            let _ = sock.recv_from(&mut [0u8; 8]);
        };
        sim.spawn(pc1, "server", ms(2), server).unwrap();
        let sleeper = move || crate::thread::sleep(ms(60_000));
        sim.spawn(pc1, "sleeper", ms(3), sleeper).unwrap();
        sim.spawn(pc1, "late", ms(9_000), || {}).unwrap();
        let summary = sim.run();
        assert_eq!(summary.reason, StopReason::TimeLimit, "{summary}");

        let outcomes = process_outcomes(&sim);
        let got: Vec<String> = outcomes.iter().map(ToString::to_string).collect();
        let [echo, crasher, server, sleeper, late] = got.as_slice() else {
            panic!("five processes expected: {got:?}");
        };
        assert_eq!(echo, "pc1 echo: exited");
        assert!(
            crasher.starts_with("pc1 crasher: panicked at src/scenario/run.rs:")
                && crasher.ends_with(": boom"),
            "{crasher}"
        );
        assert_eq!(
            server,
            "pc1 server: blocked in recv_from on 0.0.0.0:7852 since 0.002000"
        );
        assert_eq!(
            sleeper,
            "pc1 sleeper: blocked in sleep(60s) since 0.003000 (a timer would wake it)"
        );
        assert_eq!(late, "pc1 late: not started yet");
        let notable: Vec<bool> = outcomes.iter().map(ProcessOutcome::is_notable).collect();
        assert_eq!(notable, [false, true, true, true, true]);
    }
}
