//! Which frame went where: each frame sent out of an interface matched with
//! its arrival at the other end of the link, lost frames and drops noted,
//! and, when switches are left out of the picture, a frame followed through
//! them from its sender to every station that got it.
//!
//! Links deliver in order except when they reorder, so an arrival is
//! matched with the earliest frame still in flight on that link whose bytes
//! are the same (or, for a corrupted copy, of the same length).

use std::collections::{BTreeMap, VecDeque};

use crate::sim::SimTime;
use crate::stack::tcp::TcpEvent;
use crate::topo::NodeKind;
use crate::trace::capture::{Capture, Captured};
use crate::trace::event::{Direction, DropCause, Note};

/// How a hop ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// It arrived (event index); the receiver may have dropped it (why).
    Arrived(usize, Option<DropCause>),
    /// The link lost it, or its queue was full.
    Lost(DropCause),
    /// The run ended with it still on the link.
    InFlight,
}

/// One frame on one link: sent by `from` (event index of the `Out`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The `Out` event.
    pub out: usize,
    /// The sending node.
    pub from: usize,
    /// The node at the other end of the link.
    pub to: Option<usize>,
    /// How it ended.
    pub end: End,
    /// TCP said just before that it is a retransmission.
    pub retransmit: bool,
}

/// An arrow to draw: a frame from a sender to a receiver, maybe across
/// switches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// The first `Out` (at the sender).
    pub out: usize,
    /// The sender.
    pub from: usize,
    /// The receiver (None: lost before anyone could be named).
    pub to: Option<usize>,
    /// When it left.
    pub sent: SimTime,
    /// When it arrived or was lost.
    pub ended: SimTime,
    /// How it ended.
    pub end: End,
    /// A TCP retransmission.
    pub retransmit: bool,
}

/// Matches every frame of `capture` with its arrival.
pub fn hops(capture: &Capture) -> Vec<Hop> {
    let topo = &capture.topology;
    let events = &capture.events;
    let mut hops: Vec<Hop> = Vec::new();
    // Frames in flight on each directed link end: (node, iface) -> hops.
    let mut flying: BTreeMap<(usize, usize), VecDeque<usize>> = BTreeMap::new();
    // Extra copies a duplicating link will deliver: hop -> copies left.
    let mut copies: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        match &e.what {
            Captured::Frame {
                iface,
                dir: Direction::Out,
                ..
            } => {
                let retransmit = events[..i]
                    .iter()
                    .rev()
                    .take_while(|p| p.time == e.time && p.node == e.node)
                    .any(|p| {
                        matches!(
                            p.what,
                            Captured::Note(Note::Tcp {
                                event: TcpEvent::Retransmit { .. },
                                ..
                            })
                        )
                    });
                hops.push(Hop {
                    out: i,
                    from: e.node,
                    to: topo.peer(e.node, *iface).map(|p| p.0),
                    end: End::InFlight,
                    retransmit,
                });
                flying
                    .entry((e.node, *iface))
                    .or_default()
                    .push_back(hops.len() - 1);
            }
            Captured::Note(Note::LinkDuplicate { iface }) => {
                if let Some(&h) = flying.get(&(e.node, *iface)).and_then(|q| q.back()) {
                    *copies.entry(h).or_default() += 1;
                }
            }
            Captured::FrameDrop {
                iface,
                cause,
                bytes,
            } => {
                let queue = flying.entry((e.node, *iface)).or_default();
                let same = queue
                    .iter()
                    .rposition(|&h| events[hops[h].out].what.bytes() == Some(bytes));
                match same {
                    Some(at) => {
                        let h = queue.remove(at).unwrap_or(at);
                        hops[h].end = End::Lost(*cause);
                    }
                    // Queue full or no link: the frame never went out.
                    None => hops.push(Hop {
                        out: i,
                        from: e.node,
                        to: topo.peer(e.node, *iface).map(|p| p.0),
                        end: End::Lost(*cause),
                        retransmit: false,
                    }),
                }
            }
            Captured::Frame {
                iface,
                dir: Direction::In,
                bytes,
            } => {
                let Some(peer) = topo.peer(e.node, *iface) else {
                    continue;
                };
                let Some(queue) = flying.get_mut(&peer) else {
                    continue;
                };
                let bytes_of = |h: usize| events[hops[h].out].what.bytes();
                let at = queue
                    .iter()
                    .position(|&h| bytes_of(h) == Some(bytes))
                    .or_else(|| {
                        queue
                            .iter()
                            .position(|&h| bytes_of(h).map(<[u8]>::len) == Some(bytes.len()))
                    });
                let Some(at) = at else {
                    continue;
                };
                let h = queue[at];
                let left = copies.get(&h).copied().unwrap_or(0);
                if left > 0 {
                    copies.insert(h, left - 1);
                    // The first copy is drawn; the twin is a hop of its own.
                    hops.push(Hop {
                        out: hops[h].out,
                        from: hops[h].from,
                        to: Some(e.node),
                        end: End::Arrived(i, receiver_drop(capture, i)),
                        retransmit: hops[h].retransmit,
                    });
                } else {
                    queue.remove(at);
                    hops[h].end = End::Arrived(i, receiver_drop(capture, i));
                }
            }
            _ => {}
        }
    }
    hops.sort_by_key(|h| h.out);
    hops
}

/// Why the receiver of the frame arriving at event `i` dropped it, if it
/// did: a drop note of that node at that instant, before its next frame.
fn receiver_drop(capture: &Capture, i: usize) -> Option<DropCause> {
    let e = &capture.events[i];
    capture.events[i + 1..]
        .iter()
        .take_while(|n| n.time == e.time)
        .filter(|n| n.node == e.node)
        .take_while(|n| !matches!(n.what, Captured::Frame { .. } | Captured::FrameDrop { .. }))
        .find_map(|n| match &n.what {
            Captured::Note(Note::Drop { cause, .. }) => Some(*cause),
            _ => None,
        })
}

/// The arrows to draw: one per hop when `switches` are shown; otherwise a
/// frame is followed through each switch to every station it reached.
pub fn arrows(capture: &Capture, switches: bool) -> Vec<Arrow> {
    let hops = hops(capture);
    let is_switch = |n: usize| {
        capture
            .topology
            .nodes
            .get(n)
            .is_some_and(|n| n.kind == NodeKind::Switch)
    };
    let time = |i: usize| capture.events[i].time;
    let arrow = |first: &Hop, last: &Hop| Arrow {
        out: first.out,
        from: first.from,
        to: match last.end {
            End::Lost(_) if is_switch(last.to.unwrap_or(usize::MAX)) && !switches => None,
            _ => last.to,
        },
        sent: time(first.out),
        ended: match last.end {
            End::Arrived(i, _) => time(i),
            End::Lost(_) => time(last.out),
            End::InFlight => capture.events.last().map_or(time(last.out), |e| e.time),
        },
        end: last.end.clone(),
        retransmit: first.retransmit,
    };
    if switches {
        return hops.iter().map(|h| arrow(h, h)).collect();
    }
    // A switch's Out continues the latest hop that arrived at it with the
    // same bytes.
    let mut onward: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, h) in hops.iter().enumerate() {
        if !is_switch(h.from) {
            continue;
        }
        let bytes = capture.events[h.out].what.bytes();
        let parent = hops.iter().enumerate().rev().find(|(_, p)| match p.end {
            End::Arrived(i, _) => {
                i <= h.out && p.to == Some(h.from) && capture.events[i].what.bytes() == bytes
            }
            _ => false,
        });
        if let Some((p, _)) = parent {
            onward.entry(p).or_default().push(k);
        }
    }
    let mut out = Vec::new();
    for (first, h) in hops.iter().enumerate().filter(|(_, h)| !is_switch(h.from)) {
        let mut stack = vec![first];
        while let Some(index) = stack.pop() {
            let last = &hops[index];
            match (&last.end, last.to.map(is_switch)) {
                (End::Arrived(..), Some(true)) => {
                    // Nothing onward: the switch kept it (filtered).
                    for &n in onward.get(&index).into_iter().flatten().rev() {
                        stack.push(n);
                    }
                }
                _ => out.push(arrow(h, last)),
            }
        }
    }
    out.sort_by_key(|a| (a.out, a.ended));
    out
}
