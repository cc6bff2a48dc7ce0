//! A mistake in a scenario file, shown the way rustc shows one:
//!
//! ```text
//! error: no node named `pc3` (known nodes: gw, pc1, pc2, sw1)
//!   --> scenarios/x.toml:23:5
//!    |
//! 23 | a = "pc3"
//!    |     ^^^^^
//! ```

use std::fmt;
use std::ops::Range;

/// A scenario file that cannot be loaded: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file's name as the user gave it.
    pub file: String,
    /// 1-based line of the mistake; 0 when there is no position (for
    /// example, the file could not be read).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// The text of the line the mistake is on, without its line ending.
    pub source_line: Option<String>,
    /// How many characters to underline (at least 1), clipped to the line.
    pub span_len: usize,
}

impl ScenarioError {
    /// A mistake at the byte range `span` of `text`, the contents of `file`.
    pub fn at(file: &str, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = floor_char_boundary(text, span.start);
        let end = floor_char_boundary(text, span.end.max(start));
        let (line, column) = line_col(text, start);
        let line_start = text
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let rest = text.get(line_start..).unwrap_or("");
        let source = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
        let line_end = line_start + source.len();
        let underlined = text.get(start..end.min(line_end).max(start)).unwrap_or("");
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            source_line: Some(source.to_string()),
            span_len: underlined.chars().count().max(1),
        }
    }

    /// A mistake that has no position in the file, such as an unreadable file.
    pub fn without_position(file: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            span_len: 0,
        }
    }

    /// `file:line:column`, or just the file name when there is no position.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
/// An offset past the end, or inside a character, counts from the character
/// it falls in (or the end).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..floor_char_boundary(text, offset)).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}

/// The largest char boundary of `text` at or below `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ScenarioError {
    /// The message, then (with a position) the `-->` line, the source line
    /// and carets under the mistake; no trailing newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if self.line == 0 {
            return Ok(());
        }
        let pad = " ".repeat(self.line.to_string().len());
        write!(f, "\n{pad}--> {}", self.location())?;
        let Some(source) = &self.source_line else {
            return Ok(());
        };
        // Keep tabs so the carets line up under the same characters.
        let indent: String = source
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let carets = "^".repeat(self.span_len.max(1));
        write!(
            f,
            "\n{pad} |\n{} | {source}\n{pad} | {indent}{carets}",
            self.line
        )
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // `=` after the two-byte é is the 4th character, at byte 10.
        assert_eq!(line_col(text, 10), (2, 4));
        // Inside é counts as é.
        assert_eq!(line_col(text, 8), (2, 2));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn renders_like_rustc() {
        let mut text = "x\n".repeat(22);
        text.push_str("a = \"pc3\"\n");
        let start = text.find("\"pc3\"").unwrap();
        let e = ScenarioError::at("s.toml", &text, start..start + 5, "no node named `pc3`");
        assert_eq!((e.line, e.column, e.span_len), (23, 5, 5));
        assert_eq!(
            e.to_string(),
            "error: no node named `pc3`\n  --> s.toml:23:5\n   |\n23 | a = \"pc3\"\n   |     ^^^^^"
        );
    }

    #[test]
    fn clips_multiline_spans_and_keeps_tabs() {
        let text = "\tkey = [\r\n 1 ]\n";
        let e = ScenarioError::at("f", text, 7..text.len(), "m");
        assert_eq!(e.source_line.as_deref(), Some("\tkey = ["));
        assert_eq!((e.line, e.column, e.span_len), (1, 8, 1));
        assert!(e.to_string().ends_with("1 | \tkey = [\n  | \t      ^"));
        let empty = ScenarioError::at("f", "", 0..0, "m");
        assert_eq!((empty.line, empty.column, empty.span_len), (1, 1, 1));
    }

    #[test]
    fn without_position() {
        let e = ScenarioError::without_position("x.toml", "cannot read x.toml: gone");
        assert_eq!(e.to_string(), "error: cannot read x.toml: gone");
        assert_eq!(e.location(), "x.toml");
    }
}
