//! A picture of the topology as it stands before a run: every node with its
//! interfaces, addresses, routes and configured (static) tables, and every
//! link with its two ends.
//!
//! Diagrams and the step-through page draw from this and from the trace, so
//! they never need the live simulation.

use std::net::Ipv4Addr;

use super::{Graph, NodeKind, NodeLogic};
use crate::link::LinkParams;
use crate::sim::SimTime;
use crate::stack::{Ipv4Cidr, Route};
use crate::wire::MacAddr;

/// One interface (or switch port).
#[derive(Clone, Debug, PartialEq)]
pub struct IfaceInfo {
    /// Its name, such as `eth0`.
    pub name: String,
    /// Its hardware address.
    pub mac: MacAddr,
    /// Its address and prefix (IP nodes only).
    pub cidr: Option<Ipv4Cidr>,
    /// The link plugged into it, as an index into [`Snapshot::links`].
    pub link: Option<usize>,
}

/// One node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    /// Its name.
    pub name: String,
    /// Host, router or switch.
    pub kind: NodeKind,
    /// Its interfaces, by index.
    pub ifaces: Vec<IfaceInfo>,
    /// Its routing table (empty for a switch).
    pub routes: Vec<Route>,
    /// Configured ARP entries: `(iface, ip, mac)`.
    pub static_arp: Vec<(usize, Ipv4Addr, MacAddr)>,
    /// Configured switch entries: `(mac, port)`.
    pub static_macs: Vec<(MacAddr, usize)>,
}

/// One link: which interface of which node each end is.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkInfo {
    /// `(node index, iface index)` of each end.
    pub ends: [(usize, usize); 2],
    /// Delay, bandwidth and impairments.
    pub params: LinkParams,
}

/// The whole topology before a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Every node, in graph order (the order trace sinks see them).
    pub nodes: Vec<NodeInfo>,
    /// Every link, in the order the scenario made them.
    pub links: Vec<LinkInfo>,
}

impl Snapshot {
    /// The snapshot of `graph` at time zero.
    pub fn of(graph: &Graph) -> Snapshot {
        let links = graph
            .edge_indices()
            .map(|e| {
                let link = &graph[e];
                LinkInfo {
                    ends: link.ends.map(|(n, i)| (n.index(), i)),
                    params: *link.params(),
                }
            })
            .collect();
        let nodes = graph
            .node_indices()
            .map(|n| {
                let node = &graph[n];
                let mut info = NodeInfo {
                    name: node.name.clone(),
                    kind: node.kind,
                    ifaces: node
                        .ports
                        .iter()
                        .enumerate()
                        .map(|(i, port)| IfaceInfo {
                            name: node.iface_names.get(i).cloned().unwrap_or_default(),
                            mac: port.mac,
                            cidr: None,
                            link: port.link.map(|(l, _)| l.index()),
                        })
                        .collect(),
                    routes: Vec::new(),
                    static_arp: Vec::new(),
                    static_macs: Vec::new(),
                };
                match &node.logic {
                    NodeLogic::Ip(ip) => {
                        for (slot, iface) in info.ifaces.iter_mut().zip(ip.ifaces()) {
                            slot.cidr = Some(iface.cidr);
                        }
                        info.routes = ip.routes().routes().to_vec();
                        info.static_arp = ip
                            .neighbors()
                            .entries(SimTime::ZERO)
                            .filter(|e| e.3 == SimTime::MAX)
                            .map(|(iface, ip, mac, _)| (iface, ip, mac))
                            .collect();
                    }
                    NodeLogic::Switch(sw) => {
                        info.static_macs = sw
                            .entries(SimTime::ZERO)
                            .filter(|e| e.2)
                            .map(|(mac, port, _)| (mac, port))
                            .collect();
                    }
                }
                info
            })
            .collect();
        Snapshot { nodes, links }
    }

    /// The index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The far end `(node, iface)` of the link on `iface` of `node`.
    pub fn peer(&self, node: usize, iface: usize) -> Option<(usize, usize)> {
        let link = self
            .links
            .get(self.nodes.get(node)?.ifaces.get(iface)?.link?)?;
        if link.ends[0] == (node, iface) {
            Some(link.ends[1])
        } else {
            Some(link.ends[0])
        }
    }
}
