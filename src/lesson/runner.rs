//! Runs a scenario's programs, on the simulation or on real loopback
//! sockets, and gathers what they printed.

use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use super::transcript::Line;
use crate::net::loopback::{run_thread, Ending, LoopHost, LoopbackNet};
use crate::programs;
use crate::scenario::{build, Scenario};
use crate::sim::process::{Exit, ProcState};
use crate::stack::Ipv4Cidr;
use crate::topo::Snapshot;
use crate::trace::text::{TextLines, TextSink};
use crate::trace::{CaptureSink, SharedCapture};

/// Where a lesson's programs run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// As processes on the scenario's simulated network.
    Sim,
    /// As threads on real sockets, each host on its own loopback address.
    Loopback,
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Backend, String> {
        match s {
            "sim" => Ok(Backend::Sim),
            "loopback" => Ok(Backend::Loopback),
            other => Err(format!(
                "unknown backend `{other}`: use `sim` or `loopback`"
            )),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sim => "sim",
            Backend::Loopback => "loopback",
        })
    }
}

/// How to run a lesson.
pub struct LessonOptions {
    /// The backend.
    pub backend: Backend,
    /// The simulation's seed (the scenario's own when `None`).
    pub seed: Option<u64>,
    /// Where to write the simulation's text trace as it happens.
    pub trace: Option<Box<dyn Write>>,
    /// Print each line to stdout as it is printed (loopback only; the
    /// simulation's lines are all known when it returns).
    pub echo: bool,
    /// The longest a loopback run may take, in wall-clock time.
    pub wall_limit: Duration,
    /// Fills this with every event of the run, for diagrams and pages
    /// (simulation only).
    pub capture: Option<SharedCapture>,
}

impl Default for LessonOptions {
    fn default() -> LessonOptions {
        LessonOptions {
            backend: Backend::Sim,
            seed: None,
            trace: None,
            echo: false,
            wall_limit: Duration::from_secs(30),
            capture: None,
        }
    }
}

/// What a lesson run printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonRun {
    /// Every line printed, in the order printed.
    pub lines: Vec<Line>,
    /// How the run ended, one remark a line: programs left waiting and
    /// the calls they wait in, limits reached.
    pub ending: Vec<String>,
}

/// A loopback run is over when every thread has waited this long.
const QUIET_GRACE: Duration = Duration::from_millis(300);

/// Runs the `[[run]]` programs of `scenario`.
pub fn run_lesson(scenario: &Scenario, options: LessonOptions) -> Result<LessonRun, String> {
    if scenario.runs.is_empty() {
        return Err(format!(
            "scenario `{}` has no [[run]] entries: nothing to run",
            scenario.name
        ));
    }
    match options.backend {
        Backend::Sim => on_sim(scenario, options),
        Backend::Loopback => match simulation_only(scenario) {
            Some(why) => Err(format!(
                "`{}` runs on the simulation only: {why}; run it without `--on loopback`",
                scenario.name
            )),
            None => on_loopback(scenario, &options),
        },
    }
}

/// Why `scenario` cannot run on loopback, if it cannot: it needs services
/// only the simulation gives its hosts.
pub fn simulation_only(scenario: &Scenario) -> Option<String> {
    let dhcp = |h: &&crate::scenario::IpNodeSpec| h.interfaces.iter().any(|i| i.dhcp);
    if let Some(host) = scenario.hosts.iter().find(dhcp) {
        return Some(format!(
            "{} gets its address by DHCP (`ip = \"dhcp\"`), and on loopback every host's \
             address is fixed by the machine (127.X.Y.Z); DHCP is simulated only",
            host.name
        ));
    }
    if let Some(host) = scenario.hosts.iter().find(|h| h.dns.is_some()) {
        return Some(format!(
            "{} resolves names through a simulated DNS server (`dns = \"{}\"`), and a \
             loopback run cannot point this machine's resolver (/etc/resolv.conf, which \
             needs root) at a server of its own",
            host.name,
            host.dns.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    if scenario.runs.iter().any(|r| r.program == "dns-server") {
        return Some(
            "its `dns-server` listens on port 53, which only root may bind on a real machine"
                .to_string(),
        );
    }
    None
}

fn on_sim(scenario: &Scenario, options: LessonOptions) -> Result<LessonRun, String> {
    let seed = options.seed.unwrap_or(scenario.seed);
    let mut sim = build(scenario, seed).map_err(|e| e.to_string())?;
    if let Some(out) = options.trace {
        sim.add_sink(Box::new(TextSink::new(TextLines::default()).echo_to(out)));
    }
    if let Some(capture) = options.capture {
        let topology = Snapshot::of(sim.graph());
        sim.add_sink(Box::new(CaptureSink::new(capture, topology)));
    }
    let summary = sim.run();
    sim.finish_trace()
        .map_err(|e| format!("writing the trace: {e}"))?;
    let mut timed = Vec::new();
    for p in sim.processes() {
        let host = sim.graph()[p.host].name.clone();
        let line = |text: &str| Line {
            host: host.clone(),
            program: p.name.clone(),
            text: text.to_string(),
        };
        timed.extend(p.output.iter().map(|(at, text)| (*at, line(text))));
        if let ProcState::Exited(Exit::Panicked(text)) = &p.state {
            let at = p.output.last().map(|(at, _)| *at).unwrap_or_default();
            timed.push((at, line(&format!("panicked: {}", panic_text(text)))));
        }
    }
    // Processes in id order, each in its own order: a stable sort by time.
    timed.sort_by_key(|(at, _)| *at);
    let mut ending = sim.deadlocked();
    ending.push(format!("{summary}"));
    Ok(LessonRun {
        lines: timed.into_iter().map(|(_, line)| line).collect(),
        ending,
    })
}

/// The panic message without its location, as a loopback run reports it.
fn panic_text(text: &str) -> &str {
    match text.strip_prefix("panicked at ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, message)| message),
        None => text.strip_prefix("panicked: ").unwrap_or(text),
    }
}

fn on_loopback(scenario: &Scenario, options: &LessonOptions) -> Result<LessonRun, String> {
    let hosts = scenario
        .hosts
        .iter()
        .chain(&scenario.routers)
        .map(|node| LoopHost {
            name: node.name.clone(),
            ifaces: node
                .interfaces
                .iter()
                .filter_map(|i| Ipv4Cidr::new(i.addr, i.prefix_len))
                .collect(),
        })
        .collect();
    let net = Arc::new(LoopbackNet::new(hosts, options.echo)?);
    for run in &scenario.runs {
        let host = net
            .host_index(&run.host)
            .ok_or_else(|| format!("no host named `{}`", run.host))?;
        let program = programs::find(&run.program)
            .ok_or_else(|| format!("no program named `{}`", run.program))?;
        let args = run.args.clone();
        run_thread(
            &net,
            host,
            program.name,
            run.at,
            Box::new(move || (program.main)(&args)),
        )
        .map_err(|e| format!("starting {} on {}: {e}", run.program, run.host))?;
    }
    let ending = match net.wait_until_quiet(QUIET_GRACE, options.wall_limit) {
        Ending::AllEnded => "every program ended".to_string(),
        Ending::Quiet(n) => format!("{n} thread(s) left waiting with nothing to wait for: stopped"),
        Ending::TimeLimit => format!(
            "stopped after the time limit of {} s",
            options.wall_limit.as_secs()
        ),
    };
    Ok(LessonRun {
        lines: net.lines(),
        ending: vec![ending],
    })
}
