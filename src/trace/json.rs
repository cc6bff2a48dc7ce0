//! JSON lines: one object per trace event, for programs to read.
//!
//! Every object has `t` (seconds, as in the text trace), `ns` (virtual
//! nanoseconds), `node`, `event` and `text` (the text trace's line without
//! its time); frame events add `iface`, `dir` or `cause`, `len` and `hex`
//! (the frame's bytes). A `loopback` event (a packet a node sent to itself)
//! has `iface` `lo`, `dir` `out`, and `len` and `hex` of the IPv4 packet,
//! which has no Ethernet header.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::event::{Note, Record, TraceSink, What};
use super::text::render;
use crate::stack::iface::LOOPBACK_IFACE;

/// Writes one JSON object a line to a writer.
pub struct JsonSink {
    out: Box<dyn Write>,
    error: Option<io::Error>,
}

impl JsonSink {
    /// A sink writing to `out`.
    pub fn new(out: Box<dyn Write>) -> JsonSink {
        JsonSink { out, error: None }
    }
}

/// `s` as a JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_json_string(s, false, &mut out);
    out
}

/// Appends `s` as a JSON string literal to `out`. With `in_html`, also
/// escapes what could end a `<script>` element or a line in old
/// JavaScript (`<`, `>`, `&`, U+2028, U+2029), so that the literal can be
/// embedded in a page as it is.
pub(crate) fn write_json_string(s: &str, in_html: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if in_html => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn event_name(note: &Note) -> &'static str {
    match note {
        Note::SwitchLearn { .. }
        | Note::SwitchMove { .. }
        | Note::SwitchAge { .. }
        | Note::SwitchFlood { .. }
        | Note::SwitchForward { .. }
        | Note::SwitchFilter { .. } => "switch",
        Note::ArpAdd { .. }
        | Note::ArpUpdate { .. }
        | Note::ArpExpire { .. }
        | Note::ArpRetry { .. }
        | Note::ArpFailed { .. } => "arp",
        Note::LinkDuplicate { .. } | Note::LinkCorrupt { .. } | Note::LinkReorder { .. } => "link",
        Note::Route { .. } => "route",
        Note::Reassembled { .. } => "reassembly",
        Note::Tcp { .. } => "tcp",
        Note::Drop { .. } => "drop",
        Note::Loopback(_) => "loopback",
        Note::Ping(_) => "ping",
        Note::ProcessStart { .. } | Note::ProcessExit { .. } => "process",
        Note::PollWake { .. } => "poll",
        Note::Dhcp { .. } => "dhcp",
        Note::ProcessCalls { .. } => "process",
        Note::ProcessOutput { .. } => "output",
    }
}

/// The JSON object of one record (without newline).
pub fn to_json(record: &Record<'_>) -> String {
    let mut text = String::new();
    render(record, &mut text);
    // The text line starts with the time and a space; the object has it apart.
    let text = text.split_once(' ').map_or("", |(_, rest)| rest);
    let mut o = format!(
        "{{\"t\":\"{}\",\"ns\":{},\"node\":{}",
        record.time,
        record.time.as_nanos(),
        json_string(record.node)
    );
    let frame = |o: &mut String, iface: usize, bytes: &[u8]| {
        let _ = write!(
            o,
            ",\"iface\":{},\"len\":{},\"hex\":\"",
            json_string(record.iface_name(iface)),
            bytes.len()
        );
        for b in bytes {
            let _ = write!(o, "{b:02x}");
        }
        o.push('"');
    };
    match record.what {
        What::Frame { iface, dir, bytes } => {
            let dir = match dir {
                super::Direction::Out => "out",
                super::Direction::In => "in",
            };
            let _ = write!(o, ",\"event\":\"frame\",\"dir\":\"{dir}\"");
            frame(&mut o, iface, bytes);
        }
        What::FrameDrop {
            iface,
            cause,
            bytes,
        } => {
            let _ = write!(o, ",\"event\":\"drop\",\"cause\":\"{cause}\"");
            frame(&mut o, iface, bytes);
        }
        What::Note(note) => {
            let _ = write!(o, ",\"event\":\"{}\"", event_name(note));
            match note {
                Note::Drop { cause, .. } => {
                    let _ = write!(o, ",\"cause\":\"{cause}\"");
                }
                Note::Loopback(packet) => {
                    let _ = write!(o, ",\"dir\":\"out\"");
                    frame(&mut o, LOOPBACK_IFACE, packet);
                }
                _ => {}
            }
        }
    }
    let _ = write!(o, ",\"text\":{}}}", json_string(text));
    o
}

impl TraceSink for JsonSink {
    fn record(&mut self, record: &Record<'_>) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = writeln!(self.out, "{}", to_json(record)) {
            self.error = Some(e);
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()?;
        // The first write error, kept until now so that no event is lost.
        self.error.take().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_packet_has_lo_its_length_and_bytes() {
        let note = Note::Loopback(vec![0xab, 0xcd]);
        let record = Record {
            time: crate::sim::SimTime::ZERO,
            node: "pc1",
            ifaces: &[],
            what: What::Note(&note),
        };
        let json = to_json(&record);
        assert!(
            json.contains(
                "\"event\":\"loopback\",\"dir\":\"out\",\"iface\":\"lo\",\"len\":2,\"hex\":\"abcd\""
            ),
            "{json}"
        );
    }

    #[test]
    fn escapes_strings() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
