//! Checking a run's text trace against a scenario's `[[expect]]` steps.
//!
//! `See` steps must match lines in order, each strictly after the line the
//! previous `See` matched. An `Absent` step forbids its pattern between the
//! previous `See` match (or the start) and the next `See` match (or the end).

use std::fmt;

use super::model::{ExpectStep, Pattern};

/// How many trace lines a failure shows for context.
const CONTEXT_LINES: usize = 6;

/// The first expectation a trace does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectFailure {
    /// Index of the failed step in the steps given.
    pub step: usize,
    /// Which expectation failed, where it is written, and the trace around
    /// the place it failed; several lines.
    pub message: String,
}

impl fmt::Display for ExpectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpectFailure {}

/// Checks `lines` (the text trace, one event per line) against `steps`.
pub fn check_trace(steps: &[ExpectStep], lines: &[String]) -> Result<(), ExpectFailure> {
    // Index of the first line the next `See` may match.
    let mut from = 0;
    // The step that made the last match, for messages.
    let mut last_see: Option<usize> = None;
    // `Absent` steps waiting for the next `See` to close their window.
    let mut pending: Vec<(usize, &Pattern)> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            ExpectStep::Absent(pattern) => pending.push((i, pattern)),
            ExpectStep::Never(pattern) => check_absent(&[(i, pattern)], lines, 0, lines.len())?,
            ExpectStep::See(pattern) => {
                let found = lines.iter().skip(from).position(|l| pattern.matches(l));
                let Some(at) = found.map(|k| k + from) else {
                    return Err(missing(i, pattern, lines, from, last_see));
                };
                check_absent(&pending, lines, from, at)?;
                pending.clear();
                from = at + 1;
                last_see = Some(i);
            }
        }
    }
    check_absent(&pending, lines, from, lines.len())
}

/// Fails if a pending `Absent` pattern matches a line in `lines[from..to]`.
fn check_absent(
    pending: &[(usize, &Pattern)],
    lines: &[String],
    from: usize,
    to: usize,
) -> Result<(), ExpectFailure> {
    for &(step, pattern) in pending {
        let window = lines.iter().enumerate().take(to).skip(from);
        if let Some((k, line)) = window.into_iter().find(|(_, l)| pattern.matches(l)) {
            let start = match from {
                0 => "the start of the trace".to_string(),
                n => format!("line {n}"),
            };
            let end = if to == lines.len() {
                "the end".to_string()
            } else {
                format!("line {}", to + 1)
            };
            let message = format!(
                "expectation {} failed: `{}` ({}) must not appear between {start} and {end}, \
                 but line {} matches:\n{}",
                step + 1,
                pattern.text,
                pattern.origin,
                k + 1,
                numbered(k, line),
            );
            return Err(ExpectFailure { step, message });
        }
    }
    Ok(())
}

/// The failure of a `See` step whose pattern matches nothing from `from` on.
fn missing(
    step: usize,
    pattern: &Pattern,
    lines: &[String],
    from: usize,
    last_see: Option<usize>,
) -> ExpectFailure {
    let mut message = format!(
        "expectation {} failed: no trace line matches `{}` ({})",
        step + 1,
        pattern.text,
        pattern.origin
    );
    match last_see {
        Some(prev) => message.push_str(&format!(
            "\nsearched after line {from}, which matched expectation {}",
            prev + 1
        )),
        None => message.push_str("\nsearched the whole trace"),
    }
    let after: Vec<String> = lines
        .iter()
        .enumerate()
        .skip(from)
        .take(CONTEXT_LINES)
        .map(|(k, l)| numbered(k, l))
        .collect();
    if after.is_empty() {
        message.push_str(if lines.is_empty() {
            "; the trace is empty"
        } else {
            "; nothing follows it"
        });
    } else {
        message.push_str(", the trace continues:\n");
        message.push_str(&after.join("\n"));
        let more = lines.len() - from - after.len();
        if more > 0 {
            message.push_str(&format!("\n  … ({more} more lines)"));
        }
    }
    if let Some(k) = lines.iter().take(from).position(|l| pattern.matches(l)) {
        message.push_str(&format!(
            "\nit appears earlier, at line {}: out of order",
            k + 1
        ));
    }
    ExpectFailure { step, message }
}

/// A trace line for a message: its 1-based number (index `k`), then the text.
fn numbered(k: usize, line: &str) -> String {
    format!("{:>6} | {line}", k + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(text: &str) -> Pattern {
        Pattern {
            text: text.to_string(),
            origin: format!("t.toml:{}:7", text.len()),
        }
    }
    fn see(text: &str) -> ExpectStep {
        ExpectStep::See(pat(text))
    }
    fn absent(text: &str) -> ExpectStep {
        ExpectStep::Absent(pat(text))
    }

    fn never(text: &str) -> ExpectStep {
        ExpectStep::Never(pat(text))
    }

    #[test]
    fn never_covers_the_whole_trace_wherever_it_stands() {
        let t = trace("ARP who-has\necho request\necho reply");
        assert_eq!(check_trace(&[see("echo reply"), never("TTL")], &t), Ok(()));
        let e = check_trace(&[see("echo reply"), never("who-has")], &t).unwrap_err();
        assert_eq!(e.step, 1);
        assert!(e.message.contains("line 1"), "{}", e.message);
    }
    fn trace(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn sees_in_order() {
        let t = trace("a 1\nb 2\nc 3\na 4");
        assert_eq!(check_trace(&[see("a"), see("c"), see("a")], &t), Ok(()));
        assert_eq!(check_trace(&[], &t), Ok(()));
        assert_eq!(check_trace(&[see("a"), see("a")], &t), Ok(()));
        let e = check_trace(&[see("a"), see("a"), see("a")], &t).unwrap_err();
        assert_eq!(e.step, 2);
        assert!(e
            .message
            .contains("expectation 3 failed: no trace line matches `a`"));
        assert!(e.message.contains("(t.toml:1:7)"));
        assert!(e
            .message
            .contains("after line 4, which matched expectation 2"));
        assert!(e.message.contains("nothing follows it"));
        assert!(e
            .message
            .contains("it appears earlier, at line 1: out of order"));
    }

    #[test]
    fn missing_shows_six_lines_of_context() {
        let t: Vec<String> = (1..=20).map(|i| format!("line{i}")).collect();
        let e = check_trace(&[see("line3"), see("nope")], &t).unwrap_err();
        assert_eq!(e.step, 1);
        assert!(e.message.contains("     4 | line4\n"), "{}", e.message);
        assert!(e.message.contains("     9 | line9\n  … (11 more lines)"));
        assert!(!e.message.contains("line10"));
        assert!(!e.message.contains("earlier"));
        let e = check_trace(&[see("x")], &[]).unwrap_err();
        assert!(e
            .message
            .contains("searched the whole trace; the trace is empty"));
        assert_eq!(e.to_string(), e.message);
    }

    #[test]
    fn absent_windows() {
        let t = trace("start\nARP who-has\nreply\nend");
        // Between `start` and `reply` there is an ARP line.
        let e = check_trace(&[see("start"), absent("ARP"), see("reply")], &t).unwrap_err();
        assert_eq!(e.step, 1);
        assert!(e
            .message
            .contains("between line 1 and line 3, but line 2 matches"));
        assert!(e.message.contains("     2 | ARP who-has"));
        // After `reply`, to the end, there is none.
        assert_eq!(check_trace(&[see("reply"), absent("ARP")], &t), Ok(()));
        // Absent before any See covers from the start.
        let e = check_trace(&[absent("start"), see("end")], &t).unwrap_err();
        assert!(e
            .message
            .contains("between the start of the trace and line 4"));
        // A trailing Absent runs to the end; the matched lines themselves are outside.
        let e = check_trace(&[see("ARP"), absent("e")], &t).unwrap_err();
        assert!(e.message.contains("line 3 matches"), "{}", e.message);
        assert_eq!(check_trace(&[see("ARP"), absent("ARP")], &t), Ok(()));
    }
}
