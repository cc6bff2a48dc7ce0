//! Ladder (time-sequence) diagrams of a run, as plain SVG: one vertical
//! line per host and router (switches too on request), one arrow per frame
//! from sender to receiver labelled in short form, lost and dropped frames
//! ending in a cross with the reason, retransmissions in red, TCP state
//! changes written on the lifelines. Time flows down; each arrow has a row
//! of its own, and a long idle gap is drawn as one short break marked with
//! its length, so TIME-WAIT's minute does not make the picture a mile long.
//!
//! Each arrow is a group `class="frame"` with `data-label` (its label) and
//! a `<title>` holding the whole trace line, a tooltip in a browser.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use super::flow::{arrows, End};
use super::label::{Labeler, Proto};
use super::svg::{escape, Anchor, Svg};
use super::topology::layout;
use crate::sim::SimTime;
use crate::stack::tcp::TcpEvent;
use crate::topo::NodeKind;
use crate::trace::capture::{Capture, Captured};
use crate::trace::event::{DropCause, Note};

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct LadderOptions {
    /// Draw switches as lifelines (otherwise a frame crossing a switch is
    /// one arrow from its sender to each station that got it).
    pub show_switches: bool,
    /// Only frames between these nodes (empty: all).
    pub hosts: Vec<String>,
    /// Only frames of these protocols (empty: all).
    pub protocols: Vec<Proto>,
    /// Only frames sent at or after this time.
    pub from: Option<SimTime>,
    /// Only frames sent at or before this time.
    pub to: Option<SimTime>,
    /// At most this many arrows; the picture says how many it left out.
    pub max_arrows: usize,
}

impl Default for LadderOptions {
    fn default() -> LadderOptions {
        LadderOptions {
            show_switches: false,
            hosts: Vec::new(),
            protocols: Vec::new(),
            from: None,
            to: None,
            max_arrows: 500,
        }
    }
}

/// A ladder that cannot be drawn as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LadderError {
    /// A host filter names a node the topology lacks.
    UnknownNode {
        /// The name given.
        name: String,
        /// The nodes there are.
        known: Vec<String>,
    },
}

impl fmt::Display for LadderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LadderError::UnknownNode { name, known } => write!(
                f,
                "--ladder-hosts: no node named `{name}` (the nodes are {})",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for LadderError {}

/// Space between lifelines.
const LANE: f64 = 230.0;
/// Left margin (the time axis).
const LEFT: f64 = 110.0;
/// Height of the lifelines' heads.
const HEAD: f64 = 70.0;
/// One row per arrow or state box.
const ROW: f64 = 34.0;
/// The slant of an arrow.
const SLANT: f64 = 14.0;
/// A gap longer than this becomes a break.
const GAP: Duration = Duration::from_millis(500);

/// One thing drawn, in time order.
enum Item {
    Arrow {
        from: usize,
        to: Option<usize>,
        label: String,
        line: String,
        end: End,
        retransmit: bool,
        time: SimTime,
    },
    State {
        node: usize,
        text: String,
        time: SimTime,
    },
}

impl Item {
    fn time(&self) -> SimTime {
        match self {
            Item::Arrow { time, .. } | Item::State { time, .. } => *time,
        }
    }
}

fn cause_text(cause: DropCause) -> String {
    cause.name().to_string()
}

/// The ladder of `capture`.
pub fn render(capture: &Capture, options: &LadderOptions) -> Result<String, LadderError> {
    let topo = &capture.topology;
    let mut wanted = BTreeSet::new();
    for name in &options.hosts {
        let Some(i) = topo.node_index(name) else {
            return Err(LadderError::UnknownNode {
                name: name.clone(),
                known: topo.nodes.iter().map(|n| n.name.clone()).collect(),
            });
        };
        wanted.insert(i);
    }
    let shown = |n: usize| {
        let kind = topo.nodes.get(n).map(|n| n.kind);
        (options.show_switches || kind != Some(NodeKind::Switch))
            && (wanted.is_empty() || wanted.contains(&n))
    };
    let in_window =
        |t: SimTime| options.from.is_none_or(|f| t >= f) && options.to.is_none_or(|to| t <= to);
    // Lifelines, left to right as the topology picture lays them out.
    let at = layout(topo);
    let centre = at.iter().map(|p| p.0).sum::<f64>() / at.len().max(1) as f64;
    let mut lanes: Vec<usize> = (0..topo.nodes.len()).filter(|&n| shown(n)).collect();
    lanes.sort_by(|&a, &b| {
        let key = |n: usize| {
            let (x, y) = at.get(n).copied().unwrap_or_default();
            // Outer nodes first on the left, last on the right.
            (x, if x < centre { -y } else { y })
        };
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let lane_of = |n: usize| lanes.iter().position(|&l| l == n);

    let mut labeler = Labeler::default();
    let mut items = Vec::new();
    let mut left_out = 0usize;
    let mut counted = 0usize;
    let all = arrows(capture, options.show_switches);
    let mut next_arrow = all.iter().peekable();
    for (i, e) in capture.events.iter().enumerate() {
        while let Some(a) = next_arrow.next_if(|a| a.out <= i) {
            let out = &capture.events[a.out];
            let loopback = false;
            let (label, proto) = match out.what.bytes() {
                Some(bytes) => labeler.label(bytes, loopback),
                None => (String::new(), Proto::Other),
            };
            let ends_shown = shown(a.from) && a.to.is_none_or(shown);
            let proto_ok = options.protocols.is_empty() || options.protocols.contains(&proto);
            if !(ends_shown && proto_ok && in_window(a.sent)) {
                continue;
            }
            counted += 1;
            if counted > options.max_arrows {
                left_out += 1;
                continue;
            }
            items.push(Item::Arrow {
                from: a.from,
                to: a.to,
                label,
                line: out.line.clone(),
                end: a.end.clone(),
                retransmit: a.retransmit,
                time: a.sent,
            });
        }
        if let Captured::Note(Note::Tcp {
            event: TcpEvent::StateChange { to, .. },
            ..
        }) = &e.what
        {
            if shown(e.node) && in_window(e.time) && counted <= options.max_arrows {
                items.push(Item::State {
                    node: e.node,
                    text: to.to_string(),
                    time: e.time,
                });
            }
        }
    }

    // Rows, with breaks for long gaps.
    let mut rows: Vec<(f64, &Item)> = Vec::new();
    let mut breaks: Vec<(f64, Duration)> = Vec::new();
    let mut y = HEAD + 30.0;
    let mut last: Option<SimTime> = None;
    for item in &items {
        if let Some(prev) = last {
            let gap = item.time().saturating_since(prev);
            if gap > GAP {
                breaks.push((y, gap));
                y += ROW;
            }
        }
        last = Some(item.time());
        rows.push((y, item));
        y += ROW;
    }
    let bottom = y + 20.0;
    let width = LEFT + LANE * lanes.len().max(1) as f64;
    let height = bottom + if left_out > 0 { 50.0 } else { 20.0 };
    let mut svg = Svg::new(width, height);
    let x_of = |n: usize| lane_of(n).map(|l| LEFT + LANE * (l as f64 + 0.5));

    for &n in &lanes {
        let Some(x) = x_of(n) else { continue };
        let node = &topo.nodes[n];
        let addr = node
            .ifaces
            .iter()
            .filter_map(|i| i.cidr.map(|c| c.addr().to_string()))
            .collect::<Vec<_>>()
            .join(" ");
        svg.rect(
            x - 80.0,
            14.0,
            160.0,
            40.0,
            r##"fill="#eef2ff" stroke="#4f46e5" rx="5""##,
        );
        svg.text(x, 31.0, Anchor::Middle, &node.name, r#"font-weight="bold""#);
        svg.text(x, 46.0, Anchor::Middle, &addr, r#"font-size="10""#);
        svg.line(
            x,
            54.0,
            x,
            bottom,
            r##"stroke="#94a3b8" stroke-width="1.5""##,
        );
    }
    for &(y, gap) in &breaks {
        svg.rect(0.0, y - 10.0, width, 20.0, r##"fill="#f1f5f9""##);
        svg.text(
            width / 2.0,
            y + 4.0,
            Anchor::Middle,
            &format!("⋯ {:.3} s later ⋯", gap.as_secs_f64()),
            r##"font-size="11" fill="#475569" font-style="italic""##,
        );
    }
    for &(y, item) in &rows {
        svg.text(
            8.0,
            y + 4.0,
            Anchor::Start,
            &item.time().to_string(),
            r##"font-size="10" fill="#64748b""##,
        );
        match item {
            Item::State { node, text, .. } => {
                let Some(x) = x_of(*node) else { continue };
                let w = text.len() as f64 * 7.0 + 12.0;
                svg.raw(&format!(
                    r#"<g class="state" data-state="{}">"#,
                    escape(text)
                ));
                svg.rect(
                    x - w / 2.0,
                    y - 10.0,
                    w,
                    18.0,
                    r##"fill="#fef9c3" stroke="#ca8a04" rx="3""##,
                );
                svg.text(x, y + 3.0, Anchor::Middle, text, r#"font-size="10""#);
                svg.raw("</g>");
            }
            Item::Arrow {
                from,
                to,
                label,
                line,
                end,
                retransmit,
                ..
            } => {
                let Some(x1) = x_of(*from) else { continue };
                let target = to.and_then(x_of);
                let colour = if *retransmit { "#dc2626" } else { "#1e3a8a" };
                let mut text = label.clone();
                if *retransmit {
                    text.push_str(" (retransmission)");
                }
                let (x2, y2, cross, dashed, note) = match (end, target) {
                    (End::Arrived(_, None), Some(x2)) => (x2, y + SLANT, false, false, None),
                    (End::Arrived(_, Some(DropCause::NotOurMac)), Some(x2)) => (
                        x2,
                        y + SLANT,
                        false,
                        true,
                        Some("not for it: ignored".to_string()),
                    ),
                    (End::Arrived(_, Some(cause)), Some(x2)) => (
                        x2,
                        y + SLANT,
                        true,
                        false,
                        Some(format!("dropped: {}", cause_text(*cause))),
                    ),
                    (End::Lost(cause), t) => {
                        let x2 = t.map_or(x1 + LANE * 0.4, |t| (x1 + t) / 2.0);
                        (
                            x2,
                            y + SLANT / 2.0,
                            true,
                            false,
                            Some(format!("lost: {}", cause_text(*cause))),
                        )
                    }
                    (End::InFlight, t) => {
                        let x2 = t.map_or(x1 + LANE * 0.4, |t| (x1 + t) / 2.0);
                        (
                            x2,
                            y + SLANT / 2.0,
                            false,
                            true,
                            Some("still in flight at the end".to_string()),
                        )
                    }
                    (_, None) => (x1 + LANE * 0.4, y + SLANT / 2.0, false, true, None),
                };
                svg.raw(&format!(
                    r#"<g class="frame" data-label="{}"><title>{}</title>"#,
                    escape(&text),
                    escape(line)
                ));
                let dash = if dashed {
                    r#" stroke-dasharray="5 4""#
                } else {
                    ""
                };
                svg.line(
                    x1,
                    y,
                    x2,
                    y2,
                    &format!(r#"stroke="{colour}" stroke-width="1.6"{dash}"#),
                );
                // The arrowhead.
                if !cross {
                    let dir = if x2 >= x1 { -1.0 } else { 1.0 };
                    svg.raw(&format!(
                        r#"<polygon points="{},{} {},{} {},{}" fill="{colour}"/>"#,
                        super::svg::num(x2),
                        super::svg::num(y2),
                        super::svg::num(x2 + dir * 9.0),
                        super::svg::num(y2 - 6.0),
                        super::svg::num(x2 + dir * 9.0),
                        super::svg::num(y2 + 3.0)
                    ));
                } else {
                    let d = 5.0;
                    let red = r##"stroke="#dc2626" stroke-width="2.2""##;
                    svg.line(x2 - d, y2 - d, x2 + d, y2 + d, red);
                    svg.line(x2 - d, y2 + d, x2 + d, y2 - d, red);
                }
                let mid = (x1 + x2) / 2.0;
                svg.text(
                    mid,
                    y - 4.0,
                    Anchor::Middle,
                    &text,
                    &format!(r#"font-size="10.5" fill="{colour}""#),
                );
                if let Some(note) = note {
                    let anchor = if x2 >= x1 { Anchor::Start } else { Anchor::End };
                    let dx = if x2 >= x1 { 8.0 } else { -8.0 };
                    svg.text(
                        x2 + dx,
                        y2 + 4.0,
                        anchor,
                        &note,
                        r##"font-size="10" fill="#dc2626""##,
                    );
                }
                svg.raw("</g>");
            }
        }
    }
    if left_out > 0 {
        svg.text(
            10.0,
            bottom + 25.0,
            Anchor::Start,
            &format!(
                "{left_out} more frames left out (at most {} arrows); narrow it with \
                 --ladder-hosts, --ladder-proto, --ladder-from/--ladder-to, or raise --ladder-max",
                options.max_arrows
            ),
            r##"font-size="12" fill="#b91c1c""##,
        );
    }
    Ok(svg.finish())
}
