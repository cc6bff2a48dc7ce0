//! Every node's tables after each event of a run, rebuilt from a
//! [`Capture`] alone: ARP caches, switch MAC tables, routing tables and TCP
//! connections, as a learner would inspect them between two steps.
//!
//! Tables start from the topology snapshot (routes, configured entries) and
//! change only through the notes that report each change, so the replay
//! shows exactly what the trace says happened.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4};

use super::capture::{Capture, Captured};
use super::event::{DhcpNote, Note};
use crate::stack::tcp::{State, TcpEvent};
use crate::topo::snapshot::NodeInfo;
use crate::wire::MacAddr;

/// One node's tables at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeState {
    /// ARP cache: `(iface, ip) -> (mac, configured)`.
    pub arp: BTreeMap<(usize, Ipv4Addr), (MacAddr, bool)>,
    /// Switch MAC table: `mac -> (port, configured)`.
    pub macs: BTreeMap<MacAddr, (usize, bool)>,
    /// TCP connections: `(local, remote) -> state`; gone once CLOSED.
    pub tcp: BTreeMap<(SocketAddrV4, SocketAddrV4), State>,
    /// DHCP leases: `iface -> (address, prefix length, router)`, from the
    /// moment the lease is bound until it expires or is refused.
    pub leases: BTreeMap<usize, (Ipv4Addr, u8, Option<Ipv4Addr>)>,
}

impl NodeState {
    fn initial(node: &NodeInfo) -> NodeState {
        NodeState {
            arp: node
                .static_arp
                .iter()
                .map(|&(iface, ip, mac)| ((iface, ip), (mac, true)))
                .collect(),
            macs: node
                .static_macs
                .iter()
                .map(|&(mac, port)| (mac, (port, true)))
                .collect(),
            tcp: BTreeMap::new(),
            leases: BTreeMap::new(),
        }
    }

    /// Applies `note` (an event of this node); returns whether a table
    /// changed.
    fn apply(&mut self, note: &Note) -> bool {
        match note {
            Note::ArpAdd { iface, ip, mac } | Note::ArpUpdate { iface, ip, mac, .. } => {
                self.arp.insert((*iface, *ip), (*mac, false));
            }
            Note::ArpExpire { iface, ip, .. } => {
                self.arp.remove(&(*iface, *ip));
            }
            Note::SwitchLearn { mac, port } => {
                self.macs.insert(*mac, (*port, false));
            }
            Note::SwitchMove { mac, to, .. } => {
                self.macs.insert(*mac, (*to, false));
            }
            Note::SwitchAge { mac, .. } => {
                self.macs.remove(mac);
            }
            Note::Tcp {
                local,
                remote,
                event: TcpEvent::StateChange { to, .. },
            } => {
                if *to == State::Closed {
                    self.tcp.remove(&(*local, *remote));
                } else {
                    self.tcp.insert((*local, *remote), *to);
                }
            }
            Note::Dhcp {
                iface,
                note:
                    DhcpNote::Bound {
                        addr,
                        prefix_len,
                        router,
                        ..
                    },
            } => {
                self.leases.insert(*iface, (*addr, *prefix_len, *router));
            }
            Note::Dhcp {
                iface,
                note: DhcpNote::Expired { .. } | DhcpNote::Refused { .. },
            } => {
                return self.leases.remove(iface).is_some();
            }
            _ => return false,
        }
        true
    }
}

/// The tables of every node after every event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replay {
    /// `states[n]` is node n's tables before the first event.
    initial: Vec<NodeState>,
    /// For each event that changed a table: `(event index, node, tables
    /// after it)`, in event order.
    changes: Vec<(usize, usize, NodeState)>,
}

impl Replay {
    /// Replays `capture`.
    pub fn of(capture: &Capture) -> Replay {
        let initial: Vec<NodeState> = capture
            .topology
            .nodes
            .iter()
            .map(NodeState::initial)
            .collect();
        let mut now = initial.clone();
        let mut changes = Vec::new();
        for (i, event) in capture.events.iter().enumerate() {
            let Captured::Note(note) = &event.what else {
                continue;
            };
            let Some(state) = now.get_mut(event.node) else {
                continue;
            };
            if state.apply(note) {
                changes.push((i, event.node, state.clone()));
            }
        }
        Replay { initial, changes }
    }

    /// Node `node`'s tables after event `index` (and every event before
    /// it); its initial tables for an index before any change.
    pub fn after(&self, index: usize, node: usize) -> Option<&NodeState> {
        let later = self
            .changes
            .iter()
            .rev()
            .find(|(i, n, _)| *i <= index && *n == node)
            .map(|(_, _, s)| s);
        later.or_else(|| self.initial.get(node))
    }

    /// Node `node`'s tables before the first event.
    pub fn initial(&self, node: usize) -> Option<&NodeState> {
        self.initial.get(node)
    }

    /// The event indices at which node `node`'s tables changed.
    pub fn changes_of(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.changes
            .iter()
            .filter(move |(_, n, _)| *n == node)
            .map(|(i, _, _)| *i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;
    use crate::topo::snapshot::Snapshot;
    use crate::topo::NodeKind;
    use crate::trace::capture::Event;

    fn node(name: &str, kind: NodeKind) -> NodeInfo {
        NodeInfo {
            name: name.to_string(),
            kind,
            ifaces: Vec::new(),
            routes: Vec::new(),
            static_arp: vec![(0, Ipv4Addr::new(10, 0, 0, 9), MacAddr::local(9))],
            static_macs: Vec::new(),
        }
    }

    fn note(node: usize, note: Note) -> Event {
        Event {
            time: SimTime::ZERO,
            node,
            what: Captured::Note(note),
            line: String::new(),
        }
    }

    #[test]
    fn tables_follow_the_notes_and_start_from_the_configuration() {
        let a = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 1000);
        let b = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 80);
        let ip = Ipv4Addr::new(10, 0, 0, 2);
        let capture = Capture {
            topology: Snapshot {
                nodes: vec![node("pc1", NodeKind::Host), node("sw1", NodeKind::Switch)],
                links: Vec::new(),
            },
            events: vec![
                note(
                    0,
                    Note::ArpAdd {
                        iface: 0,
                        ip,
                        mac: MacAddr::local(2),
                    },
                ),
                note(
                    1,
                    Note::SwitchLearn {
                        mac: MacAddr::local(1),
                        port: 3,
                    },
                ),
                note(0, Note::Ping("not a table".into())),
                note(
                    0,
                    Note::Tcp {
                        local: a,
                        remote: b,
                        event: TcpEvent::StateChange {
                            from: State::Closed,
                            to: State::SynSent,
                        },
                    },
                ),
                note(
                    0,
                    Note::ArpExpire {
                        iface: 0,
                        ip,
                        mac: MacAddr::local(2),
                    },
                ),
                note(
                    0,
                    Note::Tcp {
                        local: a,
                        remote: b,
                        event: TcpEvent::StateChange {
                            from: State::SynSent,
                            to: State::Closed,
                        },
                    },
                ),
            ],
        };
        let r = Replay::of(&capture);
        let before = r.after(0, 0).expect("pc1");
        assert_eq!(before.arp.len(), 2, "the configured entry and the new one");
        assert_eq!(
            r.after(0, 1).expect("sw1").macs.len(),
            0,
            "sw1 learns at event 1"
        );
        assert_eq!(
            r.after(1, 1).expect("sw1").macs[&MacAddr::local(1)],
            (3, false)
        );
        assert_eq!(r.after(3, 0).expect("pc1").tcp[&(a, b)], State::SynSent);
        let end = r.after(5, 0).expect("pc1");
        assert!(end.tcp.is_empty(), "CLOSED connections are gone");
        assert_eq!(end.arp.len(), 1, "only the configured entry is left");
        assert!(end.arp[&(0, Ipv4Addr::new(10, 0, 0, 9))].1, "configured");
        assert_eq!(r.changes_of(0).collect::<Vec<_>>(), [0, 3, 4, 5]);
    }
}
