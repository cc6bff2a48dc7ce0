//! Checking `[[run]]` tables: the program must exist, start before the time
//! limit, and run on a host.

use std::time::Duration;

use toml::Spanned;

use super::file::FileRun;
use super::load::{problem, start_time, Problem};
use super::model::{IpNodeSpec, RunSpec, SwitchSpec};
use crate::programs;

/// A run's own values: a known program and its start time. The host is
/// copied as written, for [`check_run_host`] to check.
pub(super) fn run_params(raw: &FileRun, time_limit: Option<Duration>) -> Result<RunSpec, Problem> {
    let what = format!("`{}`", raw.program.get_ref());
    let (program, at) = match (
        known_program(&raw.program),
        start_time(raw.at.as_ref(), time_limit, &what),
    ) {
        (Ok(program), Ok(at)) => (program, at),
        (Err(a), Err(b)) => return Err(a.first_of(b)),
        (Err(p), Ok(_)) | (Ok(_), Err(p)) => return Err(p),
    };
    Ok(RunSpec {
        host: raw.host.get_ref().clone(),
        program,
        args: raw.args.clone(),
        at,
    })
}

/// The program's name if [`programs::find`] knows it; otherwise a problem
/// that lists the known programs and suggests a close one.
fn known_program(raw: &Spanned<String>) -> Result<String, Problem> {
    let name = raw.get_ref();
    if programs::find(name).is_some() {
        return Ok(name.clone());
    }
    let known: Vec<&str> = programs::all().iter().map(|p| p.name).collect();
    let listed = match known.is_empty() {
        true => "no programs are built in".to_string(),
        false => format!("known programs: {}", known.join(", ")),
    };
    let hint = did_you_mean(name, &known)
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    Err(problem(
        raw.span(),
        format!("no program named `{name}` ({listed}){hint}"),
    ))
}

/// Checks that a run's `host` names a host, not a router, a switch or
/// nothing at all.
pub(super) fn check_run_host(
    raw: &FileRun,
    hosts: &[IpNodeSpec],
    routers: &[IpNodeSpec],
    switches: &[SwitchSpec],
) -> Result<(), Problem> {
    let name = raw.host.get_ref();
    if hosts.iter().any(|h| &h.name == name) {
        return Ok(());
    }
    let mut names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    names.sort_unstable();
    let listed = match names.is_empty() {
        true => "the scenario defines no hosts".to_string(),
        false => format!("hosts: {}", names.join(", ")),
    };
    let kind = if routers.iter().any(|r| &r.name == name) {
        Some("a router")
    } else if switches.iter().any(|s| &s.name == name) {
        Some("a switch")
    } else {
        None
    };
    let message = match kind {
        Some(kind) => format!("`{name}` is {kind}; programs run on hosts ({listed})"),
        None => format!("no host named `{name}` ({listed})"),
    };
    Err(problem(raw.host.span(), message))
}

/// The candidate `name` most likely misspells: one equal but for ASCII case,
/// else the nearest within a third of the name's length in single-character
/// edits (at least one edit). Ties go to the earlier candidate.
pub(super) fn did_you_mean<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let most = name.chars().count().max(3) / 3;
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= most)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The edit distance between `a` and `b` in characters: insertions,
/// deletions, substitutions and swaps of two neighbours each count one
/// (the "optimal string alignment" distance).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // d[i][j]: the distance between the first i chars of a and the first j of b.
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j - 1] + cost)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("echo", "echo"), 0);
        assert_eq!(edit_distance("ecoh", "echo"), 1, "a swap is one edit");
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("ech", "echo"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn suggestions() {
        let known = ["echo", "udp-echo-server", "udp-echo-client"];
        assert_eq!(did_you_mean("ECHO", &known), Some("echo"));
        assert_eq!(did_you_mean("ehco", &known), Some("echo"));
        assert_eq!(did_you_mean("ehoc", &known), None, "2 edits in 4 letters");
        assert_eq!(did_you_mean("ech", &known), Some("echo"));
        assert_eq!(
            did_you_mean("udp-echo-sever", &known),
            Some("udp-echo-server")
        );
        assert_eq!(
            did_you_mean("udp-echo-clinet", &known),
            Some("udp-echo-client")
        );
        assert_eq!(did_you_mean("cat", &known), None);
        assert_eq!(did_you_mean("x", &[]), None);
    }
}
