//! The `simnet` command line: run scenarios, check them, draw them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use simnet::i18n::{Catalogue, Lang};
use simnet::lesson::{self, Backend, LessonOptions};
use simnet::scenario::{self, RunOptions, Scenario};

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
        /// After the run, take apart the N-th frame, layer by layer.
        ///
        /// Frames count from 1 in trace order: every line where a frame
        /// leaves (`>`) or enters (`<`) an interface, loopback packets
        /// included, and every dropped frame.
        #[arg(long, value_name = "N")]
        frame: Option<usize>,
        /// The language of the dissection: `en` or `zh`.
        #[arg(long, default_value = "en", value_name = "LANG")]
        lang: Lang,
    },
    /// Run scenarios quietly: one pass/fail line each.
    ///
    /// Exit status: 0 when all pass, 1 when one fails, 2 when a file is wrong.
    Check {
        /// The scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a scenario's topology as Graphviz DOT (`| dot -Tsvg > net.svg`).
    Topo {
        /// The scenario file (TOML).
        file: PathBuf,
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
            frame,
            lang,
        } => run(&file, seed, pcap, json, quiet, frame.map(|n| (n, lang))),
        Command::Check { files } => check(&files),
        Command::Topo { file } => topo(&file),
        Command::Lesson {
            name,
            on,
            seed,
            trace,
        } => lesson(&name, on, seed, trace),
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
    frame: Option<(usize, Lang)>,
) -> u8 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(status) => return status,
    };
    let echo: Option<Box<dyn Write>> = (!quiet).then(|| Box::new(io::stdout()) as Box<dyn Write>);
    // Every field is set today; the update keeps this compiling when
    // RunOptions gains one.
    #[allow(clippy::needless_update)]
    let options = RunOptions {
        seed,
        pcap_dir: pcap.clone(),
        json: json.clone(),
        echo,
        capture: frame.is_some(),
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
    if let (Some((n, lang)), Some(capture)) = (frame, &outcome.capture) {
        if let Err(status) = print_frame(capture, n, lang) {
            return status;
        }
    }
    if outcome.passed() {
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

fn topo(file: &Path) -> u8 {
    let scenario = match load(file) {
        Ok(s) => s,
        Err(status) => return status,
    };
    match scenario::build(&scenario, scenario.seed) {
        Ok(sim) => {
            print!("{}", simnet::topo::dot::to_dot(sim.graph(), &scenario.name));
            0
        }
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            BAD_INPUT
        }
    }
}

fn lesson(name: &str, backend: Backend, seed: Option<u64>, trace: bool) -> u8 {
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
    let options = LessonOptions {
        backend,
        seed,
        trace: (trace && backend == Backend::Sim).then(|| Box::new(io::stdout()) as Box<dyn Write>),
        // Loopback lines are printed as they come; the simulation's below.
        echo: backend == Backend::Loopback,
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
    0
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
