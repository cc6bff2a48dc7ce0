//! A learning switch (IEEE 802.1D transparent bridging, without spanning tree).
//!
//! It learns which port each source MAC address lives behind, forgets entries
//! not seen for the aging time, floods broadcast, multicast and unknown
//! unicast frames out of every port but the one they came in on, and forwards
//! known unicast frames out of exactly one port.
//!
//! Its table may also hold *static* entries, which the configuration adds
//! (IEEE 802.1Q's static filtering entries; on Linux,
//! `bridge fdb replace MAC dev PORT master static`): a static entry never
//! ages out and learning never changes it, so a frame from that address
//! arriving on another port does not move it.

use std::collections::btree_map::Entry;
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
    /// Configured, not learned: never ages, never moves.
    fixed: bool,
}

/// Why a static entry was refused (see [`Switch::add_static`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticEntryError {
    /// The switch has no port with this index.
    NoSuchPort(usize),
    /// The address is a group (multicast or broadcast) address.
    NotUnicast(MacAddr),
}

impl std::fmt::Display for StaticEntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSuchPort(p) => write!(f, "no port with index {p}"),
            Self::NotUnicast(mac) => write!(f, "{mac} is not a unicast MAC address"),
        }
    }
}

impl std::error::Error for StaticEntryError {}

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

    /// Adds a static entry: frames for `mac` go out of `port`, from now
    /// on and for good (see the module's documentation). Replaces any
    /// entry `mac` had.
    pub fn add_static(&mut self, mac: MacAddr, port: usize) -> Result<(), StaticEntryError> {
        if port >= self.ports {
            return Err(StaticEntryError::NoSuchPort(port));
        }
        if !mac.is_unicast() {
            return Err(StaticEntryError::NotUnicast(mac));
        }
        let entry = Learned {
            port,
            last_seen: SimTime::ZERO,
            fixed: true,
        };
        self.table.insert(mac, entry);
        Ok(())
    }

    /// The port `mac` was learned on, if its entry is still fresh at `now`
    /// (or static).
    pub fn port_of(&self, now: SimTime, mac: MacAddr) -> Option<usize> {
        self.table
            .get(&mac)
            .filter(|l| self.fresh(now, l))
            .map(|l| l.port)
    }

    /// Every entry fresh at `now`, in address order: `(mac, port, static)`.
    pub fn entries(&self, now: SimTime) -> impl Iterator<Item = (MacAddr, usize, bool)> + '_ {
        self.table
            .iter()
            .filter(move |(_, l)| self.fresh(now, l))
            .map(|(&mac, l)| (mac, l.port, l.fixed))
    }

    fn fresh(&self, now: SimTime, entry: &Learned) -> bool {
        entry.fixed || now.saturating_since(entry.last_seen) < self.aging
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
            fixed: false,
        };
        let old = match self.table.entry(src) {
            Entry::Vacant(slot) => {
                slot.insert(fresh);
                None
            }
            Entry::Occupied(slot) if slot.get().fixed => return,
            Entry::Occupied(mut slot) => Some(slot.insert(fresh)),
        };
        match old {
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
        if self.fresh(now, &entry) {
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
            // A copy of the frame's own size, not a pooled buffer: a
            // flood puts up to one copy per port in flight at once, far
            // more than the pool keeps, so pooled copies are mostly fresh
            // full-size (1514-byte) allocations, 25 times what an ARP
            // request needs. A full-size frame's copy is still a
            // full-size buffer, which the pool takes back when recycled.
            out.send(port, frame.to_vec());
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

    #[test]
    fn a_static_entry_forwards_at_once_and_never_ages_or_moves() {
        let mut sw = switch(3);
        let mut out = Outbox::new(true);
        sw.add_static(B, 2).unwrap();
        // The first frame for B is forwarded, not flooded.
        sw.on_frame(SimTime::ZERO, 0, frame(A, B), &mut out);
        assert_eq!(sent_ports(&mut out), [2]);
        // B seen behind another port does not move its entry.
        sw.on_frame(SimTime::ZERO, 1, frame(B, MacAddr::BROADCAST), &mut out);
        assert_eq!(sent_ports(&mut out), [0, 2]);
        assert!(!out.notes.iter().any(|n| matches!(
            n,
            Note::SwitchMove { .. } | Note::SwitchLearn { mac: B, .. }
        )));
        let much_later = SimTime::ZERO + DEFAULT_AGING * 10;
        assert_eq!(sw.port_of(much_later, B), Some(2));
        assert_eq!(sw.port_of(much_later, A), None, "A was learned: it aged");
        sw.on_frame(much_later, 1, frame(A, B), &mut out);
        assert_eq!(sent_ports(&mut out), [2]);
        assert!(!out
            .notes
            .iter()
            .any(|n| matches!(n, Note::SwitchAge { mac: B, .. })));
    }

    #[test]
    fn a_static_entry_needs_a_port_and_a_unicast_address() {
        let mut sw = switch(2);
        assert_eq!(sw.add_static(A, 2), Err(StaticEntryError::NoSuchPort(2)));
        assert_eq!(
            sw.add_static(MacAddr::BROADCAST, 0),
            Err(StaticEntryError::NotUnicast(MacAddr::BROADCAST))
        );
        assert_eq!(sw.port_of(SimTime::ZERO, A), None);
    }

    #[test]
    fn a_flooded_copy_is_the_frame_itself_in_a_buffer_of_its_size() {
        let mut sw = switch(4);
        let mut out = Outbox::new(false);
        let original = frame(A, MacAddr::BROADCAST);
        sw.on_frame(SimTime::ZERO, 0, original.clone(), &mut out);
        assert_eq!(out.frames.len(), 3);
        for (_, copy) in &out.frames {
            assert_eq!(copy, &original);
        }
        assert!(out.frames[..2]
            .iter()
            .all(|(_, copy)| copy.capacity() == original.len()));
    }
}
