//! Durations (`10ms`, `1.5s`) and bandwidths (`100Mbit`) as scenario files
//! write them.
//!
//! Both are a decimal number and a unit. The number may have a fraction, but
//! the result must be a whole count of the base unit (nanoseconds, bits per
//! second): `1.5ns` is refused rather than rounded.

use std::time::Duration;

const DURATION_EXAMPLES: &str = "like 10ms, 1.5s, 250us, 100ns or 2m";
const BANDWIDTH_EXAMPLES: &str = "like 100Mbit, 1Gbit, 1.5Mbit, 9600bit or unlimited";

/// Duration units and their length in nanoseconds.
const DURATION_UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
];

/// Bandwidth units and their size in bits per second. `bps` means bits too.
const BANDWIDTH_UNITS: &[(&str, u128)] = &[
    ("bit", 1),
    ("bps", 1),
    ("kbit", 1_000),
    ("Kbit", 1_000),
    ("kbps", 1_000),
    ("Kbps", 1_000),
    ("Mbit", 1_000_000),
    ("Mbps", 1_000_000),
    ("Gbit", 1_000_000_000),
    ("Gbps", 1_000_000_000),
];

/// Parses a duration such as `10ms`, `1.5s`, `250us` (or `250µs`), `100ns`,
/// `2m`, `0` or `0s`.
///
/// Refuses negative numbers, a missing or unknown unit (a bare `0` is fine),
/// amounts that are not a whole number of nanoseconds, and durations longer
/// than simnet's clock can hold (2^64 ns, about 584 years).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let (number, unit) = split_number(s);
    let bad = |why: &str| format!("{why}; expected a duration {DURATION_EXAMPLES}");
    if number.is_empty() {
        return Err(bad(&describe_bad_number(s)));
    }
    let mult = if unit.is_empty() {
        if !is_zero(number) {
            return Err(bad(&format!("`{s}` has no unit")));
        }
        1
    } else {
        lookup(DURATION_UNITS, unit).ok_or_else(|| bad(&format!("unknown unit `{unit}`")))?
    };
    let nanos = match scale(number, mult) {
        Scaled::Whole(n) => n,
        Scaled::Fraction => {
            return Err(format!(
                "`{s}` is not a whole number of nanoseconds; simnet's clock counts nanoseconds"
            ))
        }
        Scaled::Malformed => return Err(bad(&format!("`{number}` is not a number"))),
        Scaled::TooBig => {
            return Err(format!(
                "`{s}` is too long; the longest duration is about 584 years"
            ))
        }
    };
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| format!("`{s}` is too long; the longest duration is about 584 years"))
}

/// Parses a bandwidth in bits per second: `100Mbit`, `1Gbit`, `10kbit`,
/// `9600bit`, `1.5Mbit`, or the same with `bps`, `kbps`, `Mbps`, `Gbps`
/// (which mean bits too). `unlimited` gives 0, which means no serialization
/// delay at all; a literal zero is refused in favour of `unlimited`.
pub fn parse_bandwidth(s: &str) -> Result<u64, String> {
    if s.trim() == "unlimited" {
        return Ok(0);
    }
    let (number, unit) = split_number(s);
    let bad = |why: &str| format!("{why}; expected a bandwidth {BANDWIDTH_EXAMPLES}");
    if number.is_empty() {
        return Err(bad(&describe_bad_number(s)));
    }
    if unit.is_empty() {
        return Err(bad(&format!("`{s}` has no unit")));
    }
    let mult =
        lookup(BANDWIDTH_UNITS, unit).ok_or_else(|| bad(&format!("unknown unit `{unit}`")))?;
    let bits = match scale(number, mult) {
        Scaled::Whole(n) => n,
        Scaled::Fraction => return Err(format!("`{s}` is not a whole number of bits per second")),
        Scaled::Malformed => return Err(bad(&format!("`{number}` is not a number"))),
        Scaled::TooBig => return Err(format!("`{s}` is too large")),
    };
    if bits == 0 {
        return Err(format!(
            "a bandwidth of `{s}` would never deliver anything; write `unlimited` for no limit"
        ));
    }
    u64::try_from(bits).map_err(|_| format!("`{s}` is too large"))
}

/// Splits `" 1.5 ms "` into `("1.5", "ms")`: the leading run of digits and
/// dots, then the rest with surrounding spaces removed.
fn split_number(s: &str) -> (&str, &str) {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(end);
    (number, unit.trim())
}

/// Why a text that does not start with a number is not one.
fn describe_bad_number(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        "the value is empty".to_string()
    } else if s.starts_with('-') {
        format!("`{s}` is negative")
    } else {
        format!("`{s}` does not start with a number")
    }
}

fn lookup(units: &[(&str, u128)], unit: &str) -> Option<u128> {
    units
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|&(_, mult)| mult)
}

fn is_zero(number: &str) -> bool {
    number.chars().all(|c| c == '0' || c == '.') && number.contains('0')
}

/// The outcome of multiplying a decimal text by a whole unit.
#[derive(Debug, PartialEq)]
enum Scaled {
    Whole(u128),
    /// The result would have a fractional part.
    Fraction,
    /// Not `digits[.digits]`.
    Malformed,
    TooBig,
}

/// `number * mult`, exactly, where `number` is `digits[.digits]`.
fn scale(number: &str, mult: u128) -> Scaled {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) || number.ends_with('.') {
        return Scaled::Malformed;
    }
    let frac = frac.trim_end_matches('0');
    // With at most 60e9 per unit, a fraction of more than 11 significant
    // digits can never come out whole; stop before 10^digits overflows.
    if frac.len() > 20 {
        return Scaled::Fraction;
    }
    let Some(int_part) = digits_value(int).and_then(|v| v.checked_mul(mult)) else {
        return Scaled::TooBig;
    };
    let frac_value = digits_value(frac).unwrap_or(0);
    let denominator = 10u128.pow(frac.len() as u32);
    let Some(frac_scaled) = frac_value.checked_mul(mult) else {
        return Scaled::TooBig;
    };
    if frac_scaled % denominator != 0 {
        return Scaled::Fraction;
    }
    match int_part.checked_add(frac_scaled / denominator) {
        Some(total) => Scaled::Whole(total),
        None => Scaled::TooBig,
    }
}

/// The value of a run of ASCII digits, or `None` if it overflows.
fn digits_value(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |acc, b| {
        acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ok = |s: &str| parse_duration(s).unwrap();
        assert_eq!(ok("10ms"), Duration::from_millis(10));
        assert_eq!(ok("1.5s"), Duration::from_millis(1500));
        assert_eq!(ok("250us"), Duration::from_micros(250));
        assert_eq!(ok("250µs"), Duration::from_micros(250));
        assert_eq!(ok("100ns"), Duration::from_nanos(100));
        assert_eq!(ok("2m"), Duration::from_secs(120));
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("0s"), Duration::ZERO);
        assert_eq!(ok("0.000000001s"), Duration::from_nanos(1));
        assert_eq!(ok(" 3 ms "), Duration::from_millis(3));
        assert_eq!(ok("18446744073709551615ns"), Duration::from_nanos(u64::MAX));
    }

    #[test]
    fn bad_durations() {
        let err = |s: &str| parse_duration(s).unwrap_err();
        assert!(err("").contains("empty"), "{}", err(""));
        assert!(err("-1s").contains("negative"));
        assert!(err("10").contains("no unit"));
        assert!(err("10h").contains("unknown unit `h`"));
        assert!(err("1.5ns").contains("whole number of nanoseconds"));
        assert!(err("0.0000000001s").contains("whole number"));
        assert!(err("18446744073709551616ns").contains("too long"));
        assert!(err("99999999999999999999999999999999999999999s").contains("too long"));
        assert!(err("1.2.3s").contains("not a number"));
        assert!(err("1.s").contains("not a number"));
        assert!(err(".5s").contains("not a number"));
        assert!(err("ms").contains("does not start with a number"));
        assert!(err("10 parsecs").contains("expected a duration like 10ms"));
    }

    #[test]
    fn bandwidths() {
        let ok = |s: &str| parse_bandwidth(s).unwrap();
        assert_eq!(ok("100Mbit"), 100_000_000);
        assert_eq!(ok("1Gbit"), 1_000_000_000);
        assert_eq!(ok("10kbit"), 10_000);
        assert_eq!(ok("9600bit"), 9_600);
        assert_eq!(ok("1.5Mbit"), 1_500_000);
        assert_eq!(ok("unlimited"), 0);
        assert_eq!(ok("56kbps"), 56_000);
        assert_eq!(ok("10Mbps"), 10_000_000);
        assert_eq!(ok("2Gbps"), 2_000_000_000);
        assert_eq!(ok("300bps"), 300);
    }

    #[test]
    fn bad_bandwidths() {
        let err = |s: &str| parse_bandwidth(s).unwrap_err();
        assert!(err("100").contains("no unit"));
        assert!(err("100MB").contains("unknown unit `MB`"));
        assert!(err("1.5bit").contains("whole number of bits"));
        assert!(err("0bit").contains("unlimited"));
        assert!(err("-5Mbit").contains("negative"));
        assert!(err("").contains("expected a bandwidth like 100Mbit"));
        assert!(err("99999999999999Gbit").contains("too large"));
    }
}
