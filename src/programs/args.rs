//! Tiny argument helpers shared by the lesson programs: positional
//! arguments with defaults, `--flag` and `--name VALUE` options.

use std::time::Duration;

/// The `i`th positional argument, or `default` when there are fewer.
pub fn nth<'a>(args: &'a [String], i: usize, default: &'a str) -> &'a str {
    args.get(i).map_or(default, String::as_str)
}

/// Whether `--flag` is among `args`, and the arguments without it.
pub fn take_flag(args: &[String], flag: &str) -> (bool, Vec<String>) {
    let rest: Vec<String> = args.iter().filter(|a| *a != flag).cloned().collect();
    (rest.len() != args.len(), rest)
}

/// The value of `--name VALUE` (or `--name=VALUE`) if given, and the
/// arguments without it; `Err` names an option given without its value.
pub fn take_option(args: &[String], name: &str) -> Result<(Option<String>, Vec<String>), String> {
    let mut value = None;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == name {
            value = Some(it.next().ok_or(format!("{name} needs a value"))?.clone());
        } else if let Some(v) = arg.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            value = Some(v.to_string());
        } else {
            rest.push(arg.clone());
        }
    }
    Ok((value, rest))
}

/// The value of `--name N` (or `--name=N`) parsed as a whole number, if
/// given, and the arguments without it; `Err` says what is wrong with it.
pub fn take_number(args: &[String], name: &str) -> Result<(Option<u64>, Vec<String>), String> {
    let (value, rest) = take_option(args, name)?;
    let number = match value {
        None => None,
        Some(text) => Some(
            text.parse::<u64>()
                .map_err(|_| format!("{name}: expected a whole number, got `{text}`"))?,
        ),
    };
    Ok((number, rest))
}

/// Parses a positive number of seconds, such as `2` or `0.5`.
pub fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or(format!(
            "expected a positive number of seconds, got `{text}`"
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn positional_arguments_fall_back_to_their_defaults() {
        let args = strings(&["a"]);
        assert_eq!(nth(&args, 0, "x"), "a");
        assert_eq!(nth(&args, 1, "y"), "y");
    }

    #[test]
    fn flags_and_options_are_taken_out_wherever_they_stand() {
        let (on, rest) = take_flag(&strings(&["10.0.0", "--broadcast", "hi"]), "--broadcast");
        assert!(on);
        assert_eq!(rest, ["10.0.0", "hi"]);
        let (v, rest) =
            take_option(&strings(&["s:1", "--timeout", "3", "l"]), "--timeout").unwrap();
        assert_eq!((v.as_deref(), rest), (Some("3"), strings(&["s:1", "l"])));
        let (v, _) = take_option(&strings(&["--timeout=0.5"]), "--timeout").unwrap();
        assert_eq!(v.as_deref(), Some("0.5"));
        assert!(take_option(&strings(&["--timeout"]), "--timeout").is_err());
    }

    #[test]
    fn numbers_are_whole_numbers() {
        let (n, rest) = take_number(&strings(&["--count", "2", "x"]), "--count").unwrap();
        assert_eq!((n, rest), (Some(2), strings(&["x"])));
        let (n, _) = take_number(&strings(&["x"]), "--count").unwrap();
        assert_eq!(n, None);
        assert!(take_number(&strings(&["--count", "two"]), "--count").is_err());
        assert!(take_number(&strings(&["--count", "-1"]), "--count").is_err());
    }

    #[test]
    fn seconds_must_be_a_positive_number() {
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert!(seconds("0").is_err());
        assert!(seconds("-1").is_err());
        assert!(seconds("soon").is_err());
        assert!(seconds("inf").is_err());
    }
}
