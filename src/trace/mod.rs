//! The trace: every event of a run, rendered by sinks as tcpdump-like text,
//! pcap files per interface, or JSON lines.
//!
//! When no sink is attached, nothing is built: layers check one flag before
//! making a note (DESIGN.md, "Performance rules").

pub mod capture;
pub mod event;
pub mod json;
pub mod pcap;
pub mod replay;
pub mod text;

pub use capture::{Capture, CaptureSink, SharedCapture};
pub use event::{Direction, DropCause, Note, Record, TraceSink, What};
pub use json::JsonSink;
pub use pcap::PcapSink;
pub use text::{TextLines, TextSink};

/// The sinks of a run.
#[derive(Default)]
pub struct Trace {
    sinks: Vec<Box<dyn TraceSink>>,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Trace({} sinks)", self.sinks.len())
    }
}

impl Trace {
    /// Adds a sink.
    pub fn add(&mut self, sink: Box<dyn TraceSink>) {
        self.sinks.push(sink);
    }

    /// Whether any sink listens.
    pub fn is_enabled(&self) -> bool {
        !self.sinks.is_empty()
    }

    /// Passes `record` to every sink.
    pub fn record(&mut self, record: &Record<'_>) {
        for sink in &mut self.sinks {
            sink.record(record);
        }
    }

    /// Finishes every sink; returns the first error.
    pub fn finish(&mut self) -> std::io::Result<()> {
        let mut first = Ok(());
        for sink in &mut self.sinks {
            let result = sink.finish();
            if first.is_ok() {
                first = result;
            }
        }
        first
    }
}
