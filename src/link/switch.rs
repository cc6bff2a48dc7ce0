//! A learning switch (IEEE 802.1D transparent bridging, without spanning tree).
//!
//! It learns which port each source MAC address lives behind, forgets entries
//! not seen for the aging time, floods broadcast, multicast and unknown
//! unicast frames out of every port but the one they came in on, and forwards
//! known unicast frames out of exactly one port.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::sim::{Outbox, SimTime};
use crate::trace::event::{DropCause, Note};
use crate::wire::{describe_frame, EthernetFrame, MacAddr};

/// The default aging time (IEEE 802.1D's recommended 300 s).
pub const DEFAULT_AGING: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug)]
struct Learned {
    port: usize,
    last_seen: SimTime,
}

/// A learning switch with `ports` ports.
#[derive(Debug)]
pub struct Switch {
    ports: usize,
    aging: Duration,
    table: BTreeMap<MacAddr, Learned>,
}

impl Switch {
    /// A switch with no ports yet and the given aging time.
    pub fn new(aging: Duration) -> Switch {
        Switch {
            ports: 0,
            aging,
            table: BTreeMap::new(),
        }
    }

    /// Adds a port; returns its index.
    pub fn add_port(&mut self) -> usize {
        self.ports += 1;
        self.ports - 1
    }

    /// The port `mac` was learned on, if its entry is still fresh at `now`.
    pub fn port_of(&self, now: SimTime, mac: MacAddr) -> Option<usize> {
        self.table
            .get(&mac)
            .filter(|l| now.saturating_since(l.last_seen) < self.aging)
            .map(|l| l.port)
    }

    /// Handles a frame that arrived on `in_port`.
    pub fn on_frame(&mut self, now: SimTime, in_port: usize, frame: Vec<u8>, out: &mut Outbox) {
        let Ok(view) = EthernetFrame::new_checked(&frame[..]) else {
            out.note(|| Note::Drop {
                cause: DropCause::Malformed,
                iface: Some(in_port),
                what: describe_frame(&frame),
            });
            out.recycle(frame);
            return;
        };
        let (src, dst) = (view.src_addr(), view.dst_addr());
        if src.is_unicast() {
            self.learn(now, src, in_port, out);
        }
        let known = if dst.is_unicast() {
            self.lookup(now, dst, out)
        } else {
            None
        };
        match known {
            Some(port) if port == in_port => {
                out.note(|| Note::SwitchFilter { dst, port });
                out.recycle(frame);
            }
            Some(port) => {
                out.note(|| Note::SwitchForward {
                    dst,
                    in_port,
                    out_port: port,
                });
                out.send(port, frame);
            }
            None => {
                let reason = if dst.is_broadcast() {
                    "broadcast"
                } else if dst.is_multicast() {
                    "multicast"
                } else {
                    "unknown"
                };
                out.note(|| Note::SwitchFlood {
                    dst,
                    reason,
                    in_port,
                    out_ports: (0..self.ports).filter(|&p| p != in_port).collect(),
                });
                self.flood(in_port, frame, out);
            }
        }
    }

    fn learn(&mut self, now: SimTime, src: MacAddr, port: usize, out: &mut Outbox) {
        let fresh = Learned {
            port,
            last_seen: now,
        };
        match self.table.insert(src, fresh) {
            Some(old) if now.saturating_since(old.last_seen) >= self.aging => {
                out.note(|| Note::SwitchLearn { mac: src, port });
            }
            Some(old) if old.port != port => out.note(|| Note::SwitchMove {
                mac: src,
                from: old.port,
                to: port,
            }),
            Some(_) => {}
            None => out.note(|| Note::SwitchLearn { mac: src, port }),
        }
    }

    /// The port of `dst`, forgetting (and reporting) an entry that has aged out.
    fn lookup(&mut self, now: SimTime, dst: MacAddr, out: &mut Outbox) -> Option<usize> {
        let entry = *self.table.get(&dst)?;
        if now.saturating_since(entry.last_seen) < self.aging {
            return Some(entry.port);
        }
        self.table.remove(&dst);
        out.note(|| Note::SwitchAge {
            mac: dst,
            port: entry.port,
        });
        None
    }

    fn flood(&mut self, in_port: usize, frame: Vec<u8>, out: &mut Outbox) {
        let last = (0..self.ports).rev().find(|&p| p != in_port);
        for port in (0..self.ports).filter(|&p| p != in_port) {
            if Some(port) == last {
                out.send(port, frame);
                return;
            }
            let mut copy = out.take_buffer();
            copy.extend_from_slice(&frame);
            out.send(port, copy);
        }
        // Flooding from a switch with a single port: nowhere to go.
        out.recycle(frame);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ethernet::{build_frame, EtherType, EthernetRepr};

    fn frame(src: MacAddr, dst: MacAddr) -> Vec<u8> {
        let mut buf = Vec::new();
        let repr = EthernetRepr {
            src,
            dst,
            ethertype: EtherType::IPV4,
        };
        build_frame(&mut buf, &repr, 0, |_| {});
        buf
    }

    fn switch(ports: usize) -> Switch {
        let mut sw = Switch::new(DEFAULT_AGING);
        for _ in 0..ports {
            sw.add_port();
        }
        sw
    }

    fn sent_ports(out: &mut Outbox) -> Vec<usize> {
        out.frames.drain(..).map(|(p, _)| p).collect()
    }

    const A: MacAddr = MacAddr::local(1);
    const B: MacAddr = MacAddr::local(2);

    #[test]
    fn floods_unknown_then_forwards_known() {
        let mut sw = switch(3);
        let mut out = Outbox::new(true);
        let now = SimTime::ZERO;
        sw.on_frame(now, 0, frame(A, B), &mut out);
        assert_eq!(sent_ports(&mut out), [1, 2], "unknown unicast is flooded");
        assert_eq!(sw.port_of(now, A), Some(0), "source learned");
        sw.on_frame(now, 2, frame(B, A), &mut out);
        assert_eq!(sent_ports(&mut out), [0], "known unicast goes to one port");
        sw.on_frame(now, 0, frame(A, B), &mut out);
        assert_eq!(sent_ports(&mut out), [2]);
        assert!(matches!(
            out.notes[0],
            Note::SwitchLearn { mac: A, port: 0 }
        ));
        assert!(matches!(
            out.notes[1],
            Note::SwitchFlood {
                reason: "unknown",
                ..
            }
        ));
    }

    #[test]
    fn broadcast_is_always_flooded() {
        let mut sw = switch(4);
        let mut out = Outbox::new(false);
        sw.on_frame(SimTime::ZERO, 2, frame(A, MacAddr::BROADCAST), &mut out);
        assert_eq!(sent_ports(&mut out), [0, 1, 3]);
        assert!(out.notes.is_empty(), "no notes when tracing is off");
    }

    #[test]
    fn entries_age_out() {
        let mut sw = switch(2);
        let mut out = Outbox::new(true);
        sw.on_frame(SimTime::ZERO, 0, frame(A, MacAddr::BROADCAST), &mut out);
        let later = SimTime::ZERO + DEFAULT_AGING;
        assert_eq!(sw.port_of(later, A), None);
        sw.on_frame(later, 1, frame(B, A), &mut out);
        assert!(out
            .notes
            .iter()
            .any(|n| matches!(n, Note::SwitchAge { mac: A, port: 0 })));
        assert_eq!(
            sent_ports(&mut out),
            [1, 0],
            "aged-out destination is flooded"
        );
    }

    #[test]
    fn a_frame_for_the_port_it_came_from_is_filtered() {
        let mut sw = switch(2);
        let mut out = Outbox::new(true);
        sw.on_frame(SimTime::ZERO, 0, frame(A, MacAddr::BROADCAST), &mut out);
        out.frames.clear();
        sw.on_frame(SimTime::ZERO, 0, frame(B, A), &mut out);
        assert!(out.frames.is_empty());
        assert!(matches!(
            out.notes.last(),
            Some(Note::SwitchFilter { dst: A, port: 0 })
        ));
    }

    #[test]
    fn a_moved_station_is_relearned() {
        let mut sw = switch(3);
        let mut out = Outbox::new(true);
        sw.on_frame(SimTime::ZERO, 0, frame(A, MacAddr::BROADCAST), &mut out);
        sw.on_frame(SimTime::ZERO, 2, frame(A, MacAddr::BROADCAST), &mut out);
        assert_eq!(sw.port_of(SimTime::ZERO, A), Some(2));
        assert!(out
            .notes
            .iter()
            .any(|n| matches!(n, Note::SwitchMove { from: 0, to: 2, .. })));
    }
}
