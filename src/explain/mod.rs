//! Explain mode: a sentence for every event of a run, in plain words a
//! beginner follows, in English or Chinese (`simnet run FILE --explain
//! --lang zh`).
//!
//! Each event has a kind, and each kind a message in the catalogues
//! `locales/{en,zh}/events.ftl` ([`ids`] lists them all, and a test checks
//! both languages have every one). The sentence is filled with what the
//! event and the events before it tell: the route's mask AND, the frame's
//! fields, relative TCP numbers, the cause of a retransmission.

mod frames;
mod notes;

use std::net::Ipv4Addr;

use crate::i18n::{Args, Catalogue};
use crate::topo::NodeKind;
use crate::trace::capture::{Capture, Captured};
use crate::trace::event::{Direction, DropCause};
use frames::{FrameMemory, FRAME_KINDS};

pub use notes::{drop_id, DROP_CAUSES};

/// Every message id a sentence can use, in both catalogues.
pub fn ids() -> Vec<String> {
    let mut ids = Vec::new();
    for kind in FRAME_KINDS {
        ids.push(format!("frame-out-{kind}"));
        ids.push(format!("frame-in-{kind}"));
    }
    for extra in [
        "frame-out-forward",
        "frame-switch-in",
        "frame-switch-out",
        "frame-loopback",
    ] {
        ids.push(extra.to_string());
    }
    for cause in DROP_CAUSES {
        ids.push(drop_id(*cause).to_string());
    }
    ids.extend(notes::NOTE_IDS.iter().map(|s| s.to_string()));
    ids
}

/// One sentence per event of `capture`, in `catalogue`'s language.
pub fn explain_all(capture: &Capture, catalogue: &Catalogue) -> Vec<String> {
    let mut memory = FrameMemory::default();
    let mut out = Vec::with_capacity(capture.events.len());
    for e in &capture.events {
        let node = capture.topology.nodes.get(e.node);
        let name = node.map_or("?", |n| n.name.as_str()).to_string();
        let kind = node.map(|n| n.kind);
        let iface_name = |i: usize| {
            node.and_then(|n| n.ifaces.get(i))
                .map_or("?".to_string(), |f| f.name.clone())
        };
        let own = |ip: Ipv4Addr| {
            node.is_some_and(|n| {
                n.ifaces
                    .iter()
                    .any(|f| f.cidr.is_some_and(|c| c.addr() == ip))
            })
        };
        let (id, mut args) = match &e.what {
            Captured::Frame { iface, dir, bytes } => {
                let out_going = *dir == Direction::Out;
                let facts = memory.facts(bytes, false, out_going && kind != Some(NodeKind::Switch));
                let mut args = facts.args;
                args.set("iface", iface_name(*iface));
                let id = if kind == Some(NodeKind::Switch) {
                    if out_going {
                        "frame-switch-out".to_string()
                    } else {
                        "frame-switch-in".to_string()
                    }
                } else if out_going
                    && kind == Some(NodeKind::Router)
                    && facts.src.is_some_and(|s| !own(s))
                {
                    "frame-out-forward".to_string()
                } else if out_going {
                    format!("frame-out-{}", facts.kind)
                } else {
                    format!("frame-in-{}", facts.kind)
                };
                (id, args)
            }
            Captured::FrameDrop { iface, cause, .. } => {
                let mut args = Args::new();
                args.set("iface", iface_name(*iface));
                (drop_id(*cause).to_string(), args)
            }
            Captured::Note(note) => {
                let (id, args) = notes::note(note, capture, e.node, &iface_name);
                (id.to_string(), args)
            }
        };
        args.set("node", name);
        args.set("time", e.time.to_string());
        out.push(catalogue.text(&id, &args));
    }
    out
}

/// Whether `cause` says a frame was not for the node (a normal sight on a
/// LAN, not a fault).
pub fn is_ordinary_drop(cause: DropCause) -> bool {
    matches!(cause, DropCause::NotOurMac | DropCause::NotOurAddress)
}
