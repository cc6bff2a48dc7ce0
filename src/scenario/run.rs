//! Running a scenario: build it, attach the trace sinks asked for, run it,
//! and check every expectation.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use super::build::build;
use super::expect::check_trace;
use super::model::{PingSpec, Scenario};
use crate::sim::{RunSummary, StopReason};
use crate::stack::PingReport;
use crate::trace::{JsonSink, PcapSink, TextLines, TextSink};

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
    /// Every expectation that did not hold, each a whole message.
    pub failures: Vec<String>,
}

impl Outcome {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
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
    let summary = sim.run();
    let written = sim.finish_trace();
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
        failures,
    })
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
