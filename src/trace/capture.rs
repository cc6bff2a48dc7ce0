//! Keeping a whole run's trace in memory, owned, for the pictures drawn
//! after it: ladder diagrams, the step-through page, explanations.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::event::{Direction, DropCause, Note, Record, TraceSink, What};
use super::text::render;
use crate::sim::SimTime;
use crate::topo::Snapshot;

/// What one captured event says (an owned [`What`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Captured {
    /// A frame crossed an interface.
    Frame {
        /// Interface index.
        iface: usize,
        /// Out or in.
        dir: Direction,
        /// The whole Ethernet frame, without FCS.
        bytes: Vec<u8>,
    },
    /// A frame was dropped at an interface.
    FrameDrop {
        /// Interface index.
        iface: usize,
        /// Why.
        cause: DropCause,
        /// The frame.
        bytes: Vec<u8>,
    },
    /// A protocol layer's report.
    Note(Note),
}

impl Captured {
    /// The frame's bytes, for frame events and loopback packets.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Captured::Frame { bytes, .. } | Captured::FrameDrop { bytes, .. } => Some(bytes),
            Captured::Note(Note::Loopback(packet)) => Some(packet),
            Captured::Note(_) => None,
        }
    }
}

/// One event of a run, with its time, its node and its text trace line.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When it happened.
    pub time: SimTime,
    /// The node, as an index into the nodes of [`Capture::topology`].
    pub node: usize,
    /// What happened.
    pub what: Captured,
    /// The text trace's line for it, time included.
    pub line: String,
}

/// A whole run's events, in order, with the topology they happened on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capture {
    /// The topology before the run; event node indices point into its
    /// `nodes`.
    pub topology: Snapshot,
    /// Every event.
    pub events: Vec<Event>,
}

impl Capture {
    /// The name of node `index`, `?` if there is none.
    pub fn node_name(&self, index: usize) -> &str {
        self.topology
            .nodes
            .get(index)
            .map_or("?", |n| n.name.as_str())
    }
}

/// A capture shared between its sink and whoever reads it after the run.
pub type SharedCapture = Rc<RefCell<Capture>>;

/// The sink that fills a [`Capture`].
pub struct CaptureSink {
    capture: SharedCapture,
    index: BTreeMap<String, usize>,
}

impl CaptureSink {
    /// A sink that fills `capture`, whose run starts on `topology` (take
    /// it with [`Snapshot::of`] before the run).
    pub fn new(capture: SharedCapture, topology: Snapshot) -> CaptureSink {
        capture.borrow_mut().topology = topology;
        CaptureSink {
            capture,
            index: BTreeMap::new(),
        }
    }
}

impl TraceSink for CaptureSink {
    fn begin(&mut self, nodes: &[(String, Vec<String>)]) {
        self.index = nodes
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), i))
            .collect();
    }

    fn record(&mut self, record: &Record<'_>) {
        let mut line = String::with_capacity(128);
        render(record, &mut line);
        let what = match record.what {
            What::Frame { iface, dir, bytes } => Captured::Frame {
                iface,
                dir,
                bytes: bytes.to_vec(),
            },
            What::FrameDrop {
                iface,
                cause,
                bytes,
            } => Captured::FrameDrop {
                iface,
                cause,
                bytes: bytes.to_vec(),
            },
            What::Note(note) => Captured::Note(note.clone()),
        };
        let node = self.index.get(record.node).copied().unwrap_or(usize::MAX);
        self.capture.borrow_mut().events.push(Event {
            time: record.time,
            node,
            what,
            line,
        });
    }
}
