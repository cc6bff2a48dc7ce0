//! The dissection as text, for the terminal: one block per layer, a line
//! per field with its place, value and meaning, children indented, then a
//! hex dump of the bytes.
//!
//! ```text
//! Ethernet II: 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ARP  [bytes 0-13]
//!   @0    +6  Destination: ff:ff:ff:ff:ff:ff
//!               Broadcast: every station on this segment takes the frame.
//!     @0  +3  Maker (OUI): 02:00:00 (locally administered, no maker)
//! ```

use std::fmt::Write;

use super::{args, Field, Layer};
use crate::i18n::Catalogue;

/// The text of `layers` over `bytes` (see the module documentation).
pub fn render_text(layers: &[Layer], bytes: &[u8], catalogue: &Catalogue) -> String {
    let mut out = String::new();
    for layer in layers {
        let range = catalogue.text(
            "render-range",
            &args![
                "first" => layer.offset as i64,
                "last" => (layer.offset + layer.len.max(1) - 1) as i64,
            ],
        );
        let _ = writeln!(out, "{}: {}  [{range}]", layer.name, layer.summary);
        for field in &layer.fields {
            write_field(&mut out, field, 1, catalogue);
        }
        out.push('\n');
    }
    out.push_str(&hex_dump(bytes));
    out
}

fn write_field(out: &mut String, field: &Field, depth: usize, catalogue: &Catalogue) {
    let indent = "  ".repeat(depth);
    let place = match field.bits {
        Some((first, 1)) => catalogue.text(
            "render-bit",
            &args!["offset" => field.offset as i64, "bit" => i64::from(first)],
        ),
        Some((first, count)) => catalogue.text(
            "render-bits",
            &args![
                "offset" => field.offset as i64,
                "first" => i64::from(first),
                "last" => i64::from(first) + i64::from(count) - 1,
            ],
        ),
        None => format!("@{} +{}", field.offset, field.len),
    };
    if field.value.is_empty() {
        let _ = writeln!(out, "{indent}{place:<14} {}", field.name);
    } else {
        let _ = writeln!(out, "{indent}{place:<14} {}: {}", field.name, field.value);
    }
    if !field.meaning.is_empty() {
        let _ = writeln!(out, "{indent}{:<14} {}", "", field.meaning);
    }
    for child in &field.children {
        write_field(out, child, depth + 1, catalogue);
    }
}

/// 16 bytes a line: the offset in hex, the bytes in two groups of 8, and
/// the printable ASCII.
pub(crate) fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:04x}  ", i * 16);
        for j in 0..16 {
            match line.get(j) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for &b in line {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        out.push('\n');
    }
    out
}
