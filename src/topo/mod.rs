//! The topology: a petgraph graph whose nodes are hosts, routers and
//! switches and whose edges are links between two of their interfaces.

pub mod builder;
pub mod dot;
pub mod presets;
pub mod snapshot;

pub use builder::{TopoError, TopologyBuilder};
pub use snapshot::Snapshot;

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};

use crate::link::{Channel, LinkParams, Switch};
use crate::stack::IpNode;
use crate::wire::MacAddr;

/// Identifies a node of the topology.
pub type NodeId = NodeIndex;
/// Identifies a link of the topology.
pub type LinkId = EdgeIndex;

/// What kind of node this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// An IP node that does not forward.
    Host,
    /// An IP node that forwards between its interfaces (a gateway).
    Router,
    /// A learning switch.
    Switch,
}

impl NodeKind {
    /// `host`, `router` or `switch`.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Host => "host",
            NodeKind::Router => "router",
            NodeKind::Switch => "switch",
        }
    }
}

/// The protocol logic running on a node.
#[derive(Debug)]
pub enum NodeLogic {
    /// A host's or router's stack.
    Ip(Box<IpNode>),
    /// A switch.
    Switch(Switch),
}

/// An interface or switch port and what it is plugged into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port {
    /// Its hardware address.
    pub mac: MacAddr,
    /// The link attached to it, and which end of that link it is (0 or 1).
    pub link: Option<(LinkId, usize)>,
}

/// A node of the graph.
#[derive(Debug)]
pub struct Node {
    /// Unique name, such as `pc1`.
    pub name: String,
    /// Host, router or switch.
    pub kind: NodeKind,
    /// Interface (or port) names, by index.
    pub iface_names: Vec<String>,
    /// Interfaces (or ports), by index.
    pub ports: Vec<Port>,
    /// What runs on it.
    pub logic: NodeLogic,
}

impl Node {
    /// The index of the interface called `name`.
    pub fn iface_index(&self, name: &str) -> Option<usize> {
        self.iface_names.iter().position(|n| n == name)
    }
}

/// An edge of the graph: a full-duplex link.
#[derive(Debug)]
pub struct Link {
    /// The two ends: (node, interface index).
    pub ends: [(NodeId, usize); 2],
    /// `channels[s]` carries frames from `ends[s]` to the other end.
    pub channels: [Channel; 2],
}

impl Link {
    /// The link's parameters (the same both ways).
    pub fn params(&self) -> &LinkParams {
        self.channels[0].params()
    }
}

/// The graph of a run.
pub type Graph = UnGraph<Node, Link>;
