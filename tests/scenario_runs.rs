//! `[[run]]` entries: programs started by name on scenario hosts, their
//! output in the trace where expectations can match it, and where each
//! process ended up.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use simnet::scenario::{self, Outcome, RunOptions, Scenario};
use simnet::sim::{Exit, ProcState};

/// Two hosts on a switch; pc2's echo is first in the file but starts later.
const TWO_ECHOES: &str = r#"
name = "two_echoes"
description = "Two programs print at different times"
time_limit = "1s"

[[host]]
name = "pc1"
ip = "10.0.0.1/24"

[[host]]
name = "pc2"
ip = "10.0.0.2/24"

[[switch]]
name = "sw1"

[[link]]
a = "pc1"
b = "sw1"

[[link]]
a = "pc2"
b = "sw1"

[[run]]
host = "pc2"
program = "echo"
args = ["second", "words"]
at = "200ms"

[[run]]
host = "pc1"
program = "echo"
args = ["first"]
at = "100ms"
"#;

fn load(text: &str) -> Scenario {
    scenario::load_str(text, "runs.toml").unwrap_or_else(|e| panic!("does not load:\n{e}"))
}

fn run(s: &Scenario) -> Outcome {
    scenario::run(s, RunOptions::default()).unwrap_or_else(|e| panic!("cannot run: {e}"))
}

/// `TWO_ECHOES` with these expectation lines appended.
fn with_expect(expect: &str) -> Scenario {
    load(&format!("{TWO_ECHOES}\n{expect}"))
}

#[test]
fn runs_load_with_their_defaults() {
    let s = load(&format!(
        "{TWO_ECHOES}\n[[run]]\nhost = \"pc1\"\nprogram = \"echo\"\n"
    ));
    let runs: Vec<_> = s
        .runs
        .iter()
        .map(|r| (r.host.as_str(), r.program.as_str(), r.args.clone(), r.at))
        .collect();
    let ms = Duration::from_millis;
    assert_eq!(
        runs,
        [
            (
                "pc2",
                "echo",
                vec!["second".into(), "words".into()],
                ms(200)
            ),
            ("pc1", "echo", vec!["first".into()], ms(100)),
            ("pc1", "echo", vec![], Duration::ZERO),
        ]
    );
}

#[test]
fn programs_print_into_the_trace_at_their_start_times() {
    let outcome = run(&load(TWO_ECHOES));
    assert!(outcome.passed(), "{:?}", outcome.failures);
    let processes: Vec<&str> = outcome
        .lines
        .iter()
        .filter(|l| l.contains(" echo"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        processes,
        [
            "0.100000 pc1 echo [start]",
            "0.100000 pc1 echo: first",
            "0.100000 pc1 echo [exit]",
            "0.200000 pc2 echo [start]",
            "0.200000 pc2 echo: second words",
            "0.200000 pc2 echo [exit]",
        ]
    );
    // Processes come in file order; both returned, so the summary has
    // nothing to say about them.
    let ends: Vec<(&str, &str, &ProcState)> = outcome
        .processes
        .iter()
        .map(|p| (p.host.as_str(), p.name.as_str(), &p.state))
        .collect();
    let exited = ProcState::Exited(Exit::Returned);
    assert_eq!(ends, [("pc2", "echo", &exited), ("pc1", "echo", &exited)]);
    assert!(outcome.process_report().is_empty());
}

#[test]
fn expectations_match_program_output_in_order() {
    let passing = with_expect(
        r#"
[[expect]]
see = "pc1 echo: first"
[[expect]]
absent = "pc2 echo:"
[[expect]]
see = "0.200000 pc2 echo: second *"
[[expect]]
never = "[crash]"
"#,
    );
    let outcome = run(&passing);
    assert!(outcome.passed(), "{:?}", outcome.failures);

    let wrong_order = with_expect(
        "[[expect]]\nsee = \"pc2 echo: second\"\n[[expect]]\nsee = \"pc1 echo: first\"\n",
    );
    let outcome = run(&wrong_order);
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    assert!(
        outcome.failures[0].contains("pc1 echo: first"),
        "the failure should quote the pattern: {}",
        outcome.failures[0]
    );

    let never = with_expect("[[expect]]\nnever = \"echo: second words\"\n");
    let outcome = run(&never);
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    assert!(
        outcome.failures[0].contains("0.200000 pc2 echo: second words"),
        "the failure should show the line: {}",
        outcome.failures[0]
    );
}

#[test]
fn runs_at_the_same_time_start_in_file_order() {
    let mut text = String::from("[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\n");
    for word in ["one", "two", "three"] {
        text.push_str(&format!(
            "[[run]]\nhost = \"pc1\"\nprogram = \"echo\"\nargs = [\"{word}\"]\nat = \"5ms\"\n"
        ));
    }
    let outcome = run(&load(&text));
    let printed: Vec<&str> = outcome
        .lines
        .iter()
        .filter(|l| l.contains("echo: "))
        .map(String::as_str)
        .collect();
    assert_eq!(
        printed,
        [
            "0.005000 pc1 echo: one",
            "0.005000 pc1 echo: two",
            "0.005000 pc1 echo: three",
        ]
    );
    assert_eq!(
        outcome.lines,
        run(&load(&text)).lines,
        "same run, same trace"
    );
}

#[test]
fn cli_run_shows_program_output() {
    let dir = std::env::temp_dir().join(format!("simnet-{}-runs-cli", std::process::id()));
    fs::create_dir_all(&dir).expect("create a temp dir");
    let file: PathBuf = dir.join("two_echoes.toml");
    let body = format!("{TWO_ECHOES}\n[[expect]]\nsee = \"pc2 echo: second words\"\n");
    fs::write(&file, body).expect("write the scenario");
    let out = Command::new(env!("CARGO_BIN_EXE_simnet"))
        .arg("run")
        .arg(&file)
        .output()
        .expect("run the simnet binary");
    let _ = fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0.100000 pc1 echo: first\n"), "{stdout}");
    assert!(
        stdout.contains("0.200000 pc2 echo: second words\n"),
        "{stdout}"
    );
    assert!(stdout.contains("PASS"), "{stdout}");
}
