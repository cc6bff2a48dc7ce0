//! Reading a frame typed or pasted as hex: `ff ff ff ff ff ff 02 00 …`,
//! `ffffffffffff0200…`, `ff:ff:…`, or tcpdump's `-xx` lines
//! (`0x0000:  ffff ffff ffff 0200 0000 0001 0806 0001`).

use std::fmt;

/// Why text is not a frame in hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    BadChar {
        /// The character.
        ch: char,
        /// Its place, counting characters from 1.
        position: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column in that line, from 1.
        column: usize,
    },
    /// An odd number of hex digits: the last byte is half there.
    OddDigits(usize),
    /// No hex digits at all.
    Empty,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::BadChar {
                ch,
                position,
                line,
                column,
            } => write!(
                f,
                "not a hex digit: {ch:?} at position {position} (line {line}, column {column})"
            ),
            HexError::OddDigits(n) => {
                write!(
                    f,
                    "an odd number of hex digits ({n}): the last byte is missing a digit"
                )
            }
            HexError::Empty => f.write_str("no hex digits"),
        }
    }
}

impl std::error::Error for HexError {}

/// The bytes written in `text`. Spaces, tabs, newlines, `:` and `-`
/// separate digits and are skipped, and so is the `0x0000:` offset that
/// starts a tcpdump `-xx` line.
///
/// ```
/// use simnet::wire::dissect::parse_hex;
/// assert_eq!(parse_hex("0a:0B ff"), Ok(vec![0x0a, 0x0b, 0xff]));
/// assert_eq!(parse_hex("\t0x0010:  0102 03").unwrap(), vec![1, 2, 3]);
/// assert!(parse_hex("0g").unwrap_err().to_string().contains("position 2"));
/// ```
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut digits = Vec::new();
    let mut position = 0;
    for (l, line) in text.split('\n').enumerate() {
        // tcpdump -xx: `<tab>0x0000:  ffff …`; skip the offset and its colon.
        let trimmed = line.trim_start();
        let skip = if trimmed.starts_with("0x") {
            trimmed
                .find(':')
                .map_or(0, |c| line.len() - trimmed.len() + c + 1)
        } else {
            0
        };
        for (c, (byte_at, ch)) in line.char_indices().enumerate() {
            position += 1;
            if byte_at < skip || ch.is_whitespace() || ch == ':' || ch == '-' {
                continue;
            }
            match ch.to_digit(16) {
                Some(d) => digits.push(d as u8),
                None => {
                    return Err(HexError::BadChar {
                        ch,
                        position,
                        line: l + 1,
                        column: c + 1,
                    })
                }
            }
        }
        // The newline.
        position += 1;
    }
    if digits.is_empty() {
        return Err(HexError::Empty);
    }
    if digits.len() % 2 != 0 {
        return Err(HexError::OddDigits(digits.len()));
    }
    Ok(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}
