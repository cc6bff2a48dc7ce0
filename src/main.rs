//! The `simnet` command line: run scenarios, check them, draw them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use simnet::diagram::label::Proto;
use simnet::diagram::ladder::LadderOptions;
use simnet::i18n::{Catalogue, Lang};
use simnet::lesson::{self, Backend, LessonOptions};
use simnet::page::PageOptions;
use simnet::scenario::{self, RunOptions, Scenario};
use simnet::sim::SimTime;
use simnet::trace::Capture;

/// A deterministic network simulator for learning and testing socket programs.
#[derive(Parser)]
#[command(name = "simnet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario: print its trace and results, check its expectations.
    ///
    /// Exit status: 0 when every expectation holds, 1 when one fails,
    /// 2 when the file is wrong.
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Use this seed instead of the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Write one pcap file per interface into this directory.
        #[arg(long, value_name = "DIR")]
        pcap: Option<PathBuf>,
        /// Write the trace as JSON lines to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Print only the results, not the trace.
        #[arg(long, short)]
        quiet: bool,
        /// Write the step-through page (one self-contained HTML file).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// The language of explanations and pages: `en` or `zh`.
        #[arg(long, default_value = "en", value_name = "LANG", value_parser = parse_lang)]
        lang: Lang,
        #[command(flatten)]
        ladder: LadderArgs,
        /// After the run, take apart the N-th frame, layer by layer.
        ///
        /// Frames count from 1 in trace order: every line where a frame
        /// leaves (`>`) or enters (`<`) an interface, loopback packets
        /// included, and every dropped frame.
        #[arg(long, value_name = "N")]
        frame: Option<usize>,
        /// Add to each event of the trace a sentence that says what happened
        /// and why (in the language of `--lang`).
        #[arg(long)]
        explain: bool,
    },
    /// Run scenarios quietly: one pass/fail line each.
    ///
    /// Exit status: 0 when all pass, 1 when one fails, 2 when a file is wrong.
    Check {
        /// The scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a scenario's topology as Graphviz DOT (`| dot -Tsvg > net.svg`),
    /// or draw it as SVG with `--svg` (no Graphviz needed).
    Topo {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Write the picture as SVG to this file instead of printing DOT.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
    },
    /// Run a lesson's programs and print what each prints, as `host program: text`.
    ///
    /// The same programs run on the simulation or, with `--on loopback`, on
    /// real sockets, each host on its own 127.X.Y.N; the two transcripts
    /// compare line for line per program.
    Lesson {
        /// A lesson (see `simnet lessons`), or a scenario file with `[[run]]` entries.
        name: String,
        /// Where the programs run: `sim` or `loopback`.
        #[arg(long, default_value = "sim", value_name = "BACKEND")]
        on: Backend,
        /// Use this seed instead of the scenario's (simulation only).
        #[arg(long)]
        seed: Option<u64>,
        /// Also print the simulation's trace as it happens.
        #[arg(long)]
        trace: bool,
        /// Print the simulation's trace with a sentence for each event.
        #[arg(long)]
        explain: bool,
        /// Write the step-through page (simulation only).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// The language of explanations and pages: `en` or `zh`.
        #[arg(long, default_value = "en", value_name = "LANG", value_parser = parse_lang)]
        lang: Lang,
        #[command(flatten)]
        ladder: LadderArgs,
    },
    /// List the lessons, one a line, name first.
    Lessons,
    /// Take a frame apart layer by layer, field by field (like Wireshark's
    /// details pane), with what each field means, then a hex dump.
    ///
    /// Exit status: 0, or 2 when the hex is wrong.
    Explain {
        /// The Ethernet frame in hex, with or without spaces or colons
        /// (tcpdump -xx lines too), or `-` to read it from standard input.
        frame_hex: String,
        /// The language: `en` or `zh`.
        #[arg(long, default_value = "en", value_name = "LANG")]
        lang: Lang,
    },
}

/// `en` or `zh`, for `--lang`.
fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse::<Lang>().map_err(|e| e.to_string())
}

/// A ladder diagram and what goes into it.
#[derive(clap::Args)]
struct LadderArgs {
    /// Draw the run as a ladder (sequence) diagram, SVG.
    #[arg(long, value_name = "FILE")]
    ladder: Option<PathBuf>,
    /// Give switches a lifeline too.
    #[arg(long)]
    ladder_switches: bool,
    /// Only frames between these nodes (comma-separated).
    #[arg(long, value_name = "NODES", value_delimiter = ',')]
    ladder_hosts: Vec<String>,
    /// Only these protocols: arp, icmp, udp, tcp, other (comma-separated).
    #[arg(long, value_name = "PROTOS", value_delimiter = ',', value_parser = parse_proto)]
    ladder_proto: Vec<Proto>,
    /// Only frames sent from this time on (`1.5s`, `200ms`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    ladder_from: Option<SimTime>,
    /// Only frames sent until this time.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    ladder_to: Option<SimTime>,
    /// At most this many arrows.
    #[arg(long, value_name = "N", default_value_t = 500)]
    ladder_max: usize,
}

fn parse_proto(s: &str) -> Result<Proto, String> {
    Proto::parse(s)
        .ok_or_else(|| format!("unknown protocol `{s}`: expected arp, icmp, udp, tcp or other"))
}

fn parse_time(s: &str) -> Result<SimTime, String> {
    scenario::parse_duration(s).map(|d| SimTime::ZERO + d)
}

/// The pictures and pages asked for beside a run.
struct Views {
    html: Option<PathBuf>,
    lang: Lang,
    ladder: LadderArgs,
    /// `--frame N` (run only).
    frame: Option<usize>,
    /// `--explain`.
    explain: bool,
}

impl Views {
    /// Whether any needs the run's events kept.
    fn wanted(&self) -> bool {
        self.html.is_some() || self.ladder.ladder.is_some() || self.frame.is_some() || self.explain
    }

    /// The trace with each event's sentence below it, as `--explain`
    /// prints it.
    fn explained(&self, capture: &Capture, out: &mut impl Write) -> io::Result<()> {
        let catalogue = Catalogue::new(self.lang);
        let sentences = simnet::explain::explain_all(capture, &catalogue);
        for (event, sentence) in capture.events.iter().zip(&sentences) {
            writeln!(out, "{}", event.line)?;
            writeln!(out, "    ↳ {sentence}")?;
        }
        Ok(())
    }

    /// Writes each; exit status 2 if one cannot be written.
    fn write(&self, scenario: &Scenario, capture: Option<&Capture>) -> u8 {
        let Some(capture) = capture else {
            return 0;
        };
        let mut status = 0;
        if let Some(path) = &self.html {
            let options = PageOptions {
                title: scenario.name.clone(),
                description: scenario.description.clone(),
                description_zh: scenario.description_zh.clone(),
                lang: self.lang,
                max_events: 0,
            };
            status = status.max(write_file(
                path,
                &simnet::page::render(capture, &options),
                "html",
            ));
        }
        if let Some(path) = &self.ladder.ladder {
            let l = &self.ladder;
            let options = LadderOptions {
                show_switches: l.ladder_switches,
                hosts: l.ladder_hosts.clone(),
                protocols: l.ladder_proto.clone(),
                from: l.ladder_from,
                to: l.ladder_to,
                max_arrows: l.ladder_max,
            };
            match simnet::diagram::ladder::render(capture, &options) {
                Ok(svg) => status = status.max(write_file(path, &svg, "ladder")),
                Err(e) => {
                    eprintln!("error: {e}");
                    status = BAD_INPUT;
                }
            }
        }
        status
    }
}

/// Exit status for a scenario whose expectations failed.
const FAILED: u8 = 1;
/// Exit status for bad input.
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Run {
            file,
            seed,
            pcap,
            json,
            quiet,
            html,
            lang,
            ladder,
            frame,
            explain,
        } => run(
            &file,
            seed,
            pcap,
            json,
            quiet,
            &Views {
                html,
                lang,
                ladder,
                frame,
                explain,
            },
        ),
        Command::Check { files } => check(&files),
        Command::Topo { file, svg } => topo(&file, svg.as_deref()),
        Command::Lesson {
            name,
            on,
            seed,
            trace,
            explain,
            html,
            lang,
            ladder,
        } => lesson(
            &name,
            on,
            seed,
            trace,
            &Views {
                html,
                lang,
                ladder,
                frame: None,
                explain,
            },
        ),
        Command::Lessons => {
            let lessons = simnet::lesson::all();
            let width = lessons.iter().map(|l| l.name.len()).max().unwrap_or(0);
            for l in lessons {
                println!(
                    "{:<width$}  {}  {}  ({})",
                    l.name, l.seed_lesson, l.about, l.file
                );
            }
            0
        }
        Command::Explain { frame_hex, lang } => explain(&frame_hex, lang),
    };
    ExitCode::from(status)
}

fn load(file: &Path) -> Result<Scenario, u8> {
    scenario::load_file(file).map_err(|e| {
        eprintln!("{e}");
        BAD_INPUT
    })
}

fn run(
    file: &Path,
    seed: Option<u64>,
    pcap: Option<PathBuf>,
    json: Option<PathBuf>,
    quiet: bool,
    views: &Views,
) -> u8 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(status) => return status,
    };
    // Explained, the trace is printed after the run, each line with its
    // sentence.
    let echo: Option<Box<dyn Write>> =
        (!quiet && !views.explain).then(|| Box::new(io::stdout()) as Box<dyn Write>);
    // Every field is set today; the update keeps this compiling when
    // RunOptions gains one.
    #[allow(clippy::needless_update)]
    let options = RunOptions {
        seed,
        pcap_dir: pcap.clone(),
        json: json.clone(),
        echo,
        capture: views.wanted(),
        ..RunOptions::default()
    };
    let outcome = match scenario::run(&scenario, options) {
        Ok(outcome) => outcome,
        // `simnet run … | head`: the reader has seen all it wanted.
        Err(scenario::RunError::Io(_, e)) if e.kind() == io::ErrorKind::BrokenPipe => return 0,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return BAD_INPUT;
        }
    };
    let mut out = io::stdout().lock();
    // A closed pipe (`simnet run … | head`) is not an error worth a panic.
    let _ = (|| -> io::Result<()> {
        if let (true, Some(capture)) = (views.explain && !quiet, &outcome.capture) {
            if let Some(zh) = scenario
                .description_zh
                .as_ref()
                .filter(|_| views.lang == Lang::Zh)
            {
                writeln!(out, "{zh}")?;
            } else if !scenario.description.is_empty() {
                writeln!(out, "{}", scenario.description.trim_end())?;
            }
            views.explained(capture, &mut out)?;
        }
        if !quiet {
            writeln!(out)?;
        }
        for ping in &outcome.pings {
            writeln!(out, "{} at {:?}:", ping.name(), ping.spec.at)?;
            for line in &ping.report.lines {
                writeln!(out, "  {line}")?;
            }
        }
        let processes = outcome.process_report();
        if !processes.is_empty() {
            writeln!(out, "processes when the run stopped:")?;
            for line in &processes {
                writeln!(out, "  {line}")?;
            }
        }
        writeln!(
            out,
            "{}: {} (seed {})",
            scenario.name, outcome.summary, outcome.seed
        )?;
        if let Some(dir) = &pcap {
            writeln!(out, "pcap: one file per interface in {}", dir.display())?;
        }
        if let Some(path) = &json {
            writeln!(out, "json: {}", path.display())?;
        }
        let checks = scenario.expect.len()
            + scenario
                .pings
                .iter()
                .map(|p| {
                    usize::from(p.expect.received.is_some())
                        + usize::from(p.expect.errors.is_some())
                })
                .sum::<usize>();
        if outcome.passed() {
            writeln!(out, "PASS: all {checks} expectations hold")?;
        } else {
            for failure in &outcome.failures {
                writeln!(out, "FAIL: {failure}")?;
            }
        }
        out.flush()
    })();
    if let (Some(n), Some(capture)) = (views.frame, &outcome.capture) {
        if let Err(status) = print_frame(capture, n, views.lang) {
            return status;
        }
    }
    let written = views.write(&scenario, outcome.capture.as_ref());
    if written != 0 {
        written
    } else if outcome.passed() {
        0
    } else {
        FAILED
    }
}

fn check(files: &[PathBuf]) -> u8 {
    let mut status = 0;
    for file in files {
        let line = match scenario::load_file(file) {
            Err(e) => {
                status = BAD_INPUT;
                eprintln!("{e}");
                format!("ERROR {}: the file is wrong (see above)", file.display())
            }
            Ok(s) => match scenario::run(&s, RunOptions::default()) {
                Err(e) => {
                    status = BAD_INPUT;
                    format!("ERROR {}: {e}", file.display())
                }
                Ok(o) if o.passed() => format!(
                    "PASS  {} ({}, {} events)",
                    file.display(),
                    s.name,
                    o.summary.events
                ),
                Ok(o) => {
                    status = status.max(FAILED);
                    let first = o.failures[0].lines().next().unwrap_or_default().to_string();
                    format!("FAIL  {}: {first}", file.display())
                }
            },
        };
        println!("{line}");
    }
    status
}

fn topo(file: &Path, svg: Option<&Path>) -> u8 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(status) => return status,
    };
    match scenario::build(&scenario, scenario.seed) {
        Ok(sim) => match svg {
            None => {
                print!("{}", simnet::topo::dot::to_dot(sim.graph(), &scenario.name));
                0
            }
            Some(path) => {
                let snapshot = simnet::topo::Snapshot::of(sim.graph());
                let picture = simnet::diagram::topology::render(&snapshot, &scenario.name);
                write_file(path, &picture, "svg")
            }
        },
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            BAD_INPUT
        }
    }
}

/// Writes a picture or page to `path`, saying so; exit status 2 if it
/// cannot be written.
fn write_file(path: &Path, contents: &str, what: &str) -> u8 {
    match std::fs::write(path, contents) {
        Ok(()) => {
            println!("{what}: {}", path.display());
            0
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            BAD_INPUT
        }
    }
}

fn lesson(name: &str, backend: Backend, seed: Option<u64>, trace: bool, views: &Views) -> u8 {
    let loaded = match lesson::find(name) {
        Some(l) => l.scenario(),
        None if name.ends_with(".toml") => scenario::load_file(Path::new(name)),
        None => {
            eprintln!("error: no lesson named `{name}`; `simnet lessons` lists them");
            return BAD_INPUT;
        }
    };
    let scenario = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return BAD_INPUT;
        }
    };
    if trace && backend == Backend::Loopback {
        eprintln!("note: --trace shows the simulation; a loopback run has no trace");
    }
    if views.wanted() && backend == Backend::Loopback {
        eprintln!(
            "error: pictures and pages are drawn from the simulation's trace, and a loopback \
             run has none: drop --on loopback"
        );
        return BAD_INPUT;
    }
    let capture = views.wanted().then(simnet::trace::SharedCapture::default);
    let options = LessonOptions {
        backend,
        seed,
        trace: (trace && backend == Backend::Sim).then(|| Box::new(io::stdout()) as Box<dyn Write>),
        // Loopback lines are printed as they come; the simulation's below.
        echo: backend == Backend::Loopback,
        capture: capture.clone(),
        ..LessonOptions::default()
    };
    let run = match lesson::run_lesson(&scenario, options) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {name}: {e}");
            return BAD_INPUT;
        }
    };
    let mut out = io::stdout().lock();
    let _ = (|| -> io::Result<()> {
        if backend == Backend::Sim {
            if let Some(c) = capture.as_ref().filter(|_| views.explain) {
                views.explained(&c.borrow(), &mut out)?;
                writeln!(out)?;
            }
            if trace {
                writeln!(out)?;
            }
            for line in &run.lines {
                writeln!(out, "{line}")?;
            }
        }
        out.flush()
    })();
    for remark in &run.ending {
        eprintln!("({remark})");
    }
    match capture {
        Some(c) => views.write(&scenario, Some(&c.borrow())),
        None => 0,
    }
}

// `simnet explain` and `simnet run --frame`: the dissection of one frame.

/// `simnet explain HEX`: the frame's layers and a hex dump.
fn explain(hex: &str, lang: Lang) -> u8 {
    let text = if hex == "-" {
        let mut text = String::new();
        if let Err(e) = io::Read::read_to_string(&mut io::stdin(), &mut text) {
            eprintln!("error: reading the frame from standard input: {e}");
            return BAD_INPUT;
        }
        text
    } else {
        hex.to_string()
    };
    let bytes = match simnet::wire::dissect::parse_hex(&text) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: the frame: {e}");
            return BAD_INPUT;
        }
    };
    let catalogue = Catalogue::new(lang);
    let layers = simnet::wire::dissect::dissect_frame(&bytes, &catalogue);
    print_text(&simnet::wire::dissect::render_text(
        &layers, &bytes, &catalogue,
    ));
    0
}

/// Prints the dissection of the `n`-th frame event (from 1) of a run.
fn print_frame(capture: &simnet::trace::capture::Capture, n: usize, lang: Lang) -> Result<(), u8> {
    use simnet::trace::capture::Captured;
    use simnet::trace::Note;
    let frames: Vec<_> = capture
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.what,
                Captured::Frame { .. }
                    | Captured::FrameDrop { .. }
                    | Captured::Note(Note::Loopback(_))
            )
        })
        .collect();
    let Some(event) = n.checked_sub(1).and_then(|i| frames.get(i)) else {
        eprintln!(
            "error: --frame {n}: the trace has {} frames, counted from 1 (every `>` and `<` line and every drop)",
            frames.len()
        );
        return Err(BAD_INPUT);
    };
    let catalogue = Catalogue::new(lang);
    let (layers, bytes) = match &event.what {
        Captured::Note(Note::Loopback(packet)) => (
            simnet::wire::dissect::dissect_ipv4_packet(packet, &catalogue),
            packet,
        ),
        Captured::Frame { bytes, .. } | Captured::FrameDrop { bytes, .. } => (
            simnet::wire::dissect::dissect_frame(bytes, &catalogue),
            bytes,
        ),
        Captured::Note(_) => return Ok(()),
    };
    print_text(&format!(
        "\nframe {n}: {}\n\n{}",
        event.line,
        simnet::wire::dissect::render_text(&layers, bytes, &catalogue)
    ));
    Ok(())
}

/// Prints `text`; a closed pipe (`| head`) is not worth a panic.
fn print_text(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
