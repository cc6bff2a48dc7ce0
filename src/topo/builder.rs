//! Building a topology from Rust: the same topology a scenario file gives.
//!
//! ```
//! use std::time::Duration;
//! use simnet::link::LinkParams;
//! use simnet::topo::TopologyBuilder;
//!
//! let mut net = TopologyBuilder::new(1);
//! let pc1 = net.add_host("pc1").unwrap();
//! let pc2 = net.add_host("pc2").unwrap();
//! let sw = net.add_switch("sw1", Duration::from_secs(300)).unwrap();
//! net.add_iface(pc1, "eth0", "10.0.0.1/24".parse().unwrap(), None, 1500).unwrap();
//! net.add_iface(pc2, "eth0", "10.0.0.2/24".parse().unwrap(), None, 1500).unwrap();
//! net.link((pc1, "eth0"), (sw, "eth0"), LinkParams::default()).unwrap();
//! net.link((pc2, "eth0"), (sw, "eth1"), LinkParams::default()).unwrap();
//! let mut sim = net.build();
//! sim.run();
//! ```

use std::collections::HashMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

use super::{Graph, Link, LinkId, Node, NodeId, NodeKind, NodeLogic, Port};
use crate::link::{Channel, LinkParams, Switch};
use crate::sim::rng::RngStream;
use crate::sim::{Outbox, Sim, SimTime};
use crate::stack::tcp::TcpConfig;
use crate::stack::{IpIface, IpNode, Ipv4Cidr, PingConfig, Timer};
use crate::wire::MacAddr;

/// Why a topology could not be built as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopoError(pub String);

impl fmt::Display for TopoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TopoError {}

fn err<T>(message: String) -> Result<T, TopoError> {
    Err(TopoError(message))
}

/// Builds a topology node by node, then a [`Sim`] to run it.
#[derive(Debug)]
pub struct TopologyBuilder {
    seed: u64,
    graph: Graph,
    next_mac: u32,
    pings: Vec<(NodeId, usize, Duration)>,
    /// Interfaces configured by DHCP, whose clients start with the run.
    dhcp: Vec<(NodeId, usize)>,
    /// Each node's id by name, and each node's interfaces (or switch ports)
    /// by name, indexed by node: a topology of N hosts on one switch is
    /// built in O(N), not O(N²). Only looked up, never iterated, so the
    /// maps' order cannot reach a run.
    names: HashMap<String, NodeId>,
    ifaces: Vec<HashMap<String, usize>>,
}

impl TopologyBuilder {
    /// An empty topology for a run with `seed`.
    pub fn new(seed: u64) -> TopologyBuilder {
        TopologyBuilder {
            seed,
            graph: Graph::default(),
            next_mac: 1,
            pings: Vec::new(),
            dhcp: Vec::new(),
            names: HashMap::new(),
            ifaces: Vec::new(),
        }
    }

    /// The node named `name`.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.names.get(name).copied()
    }

    /// The index of interface (or switch port) `name` of `node`, if it has one.
    fn iface_of(&self, node: NodeId, name: &str) -> Option<usize> {
        self.ifaces.get(node.index())?.get(name).copied()
    }

    /// Records that interface (or port) `index` of `node` is called `name`.
    fn name_iface(&mut self, node: NodeId, name: &str, index: usize) {
        if let Some(names) = self.ifaces.get_mut(node.index()) {
            names.insert(name.to_string(), index);
        }
    }

    fn add_node(
        &mut self,
        name: &str,
        kind: NodeKind,
        logic: NodeLogic,
    ) -> Result<NodeId, TopoError> {
        if self.node_id(name).is_some() {
            return err(format!("a node named `{name}` already exists"));
        }
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '.') {
            return err(format!(
                "`{name}` is not a node name: use letters, digits, - and _"
            ));
        }
        let id = self.graph.add_node(Node {
            name: name.to_string(),
            kind,
            iface_names: Vec::new(),
            ports: Vec::new(),
            logic,
        });
        self.names.insert(name.to_string(), id);
        if self.ifaces.len() <= id.index() {
            self.ifaces.resize_with(id.index() + 1, HashMap::new);
        }
        Ok(id)
    }

    /// A new IP node whose random stream is keyed by the run's seed and
    /// its name.
    fn ip_node(&self, name: &str, forwarding: bool) -> IpNode {
        let mut node = IpNode::new(forwarding);
        node.seed_rng(self.seed, name);
        node
    }

    /// Adds a host (an IP node that does not forward).
    pub fn add_host(&mut self, name: &str) -> Result<NodeId, TopoError> {
        self.add_node(
            name,
            NodeKind::Host,
            NodeLogic::Ip(Box::new(self.ip_node(name, false))),
        )
    }

    /// Adds a router (an IP node that forwards).
    pub fn add_router(&mut self, name: &str) -> Result<NodeId, TopoError> {
        self.add_node(
            name,
            NodeKind::Router,
            NodeLogic::Ip(Box::new(self.ip_node(name, true))),
        )
    }

    /// Adds a learning switch whose entries age out after `aging`.
    pub fn add_switch(&mut self, name: &str, aging: Duration) -> Result<NodeId, TopoError> {
        self.add_node(
            name,
            NodeKind::Switch,
            NodeLogic::Switch(Switch::new(aging)),
        )
    }

    fn fresh_mac(&mut self) -> MacAddr {
        let mac = MacAddr::local(self.next_mac);
        self.next_mac += 1;
        mac
    }

    /// Adds interface `name` with address `cidr` to host or router `node`; a
    /// MAC is assigned (`02:00:00:00:00:01`, `…:02`, … in order) unless given.
    pub fn add_iface(
        &mut self,
        node: NodeId,
        name: &str,
        cidr: Ipv4Cidr,
        mac: Option<MacAddr>,
        mtu: u16,
    ) -> Result<usize, TopoError> {
        if !(68..=1500).contains(&mtu) {
            return err(format!("MTU {mtu} is outside 68..=1500"));
        }
        let mac = match mac {
            Some(mac) => mac,
            None => self.fresh_mac(),
        };
        let taken = self.iface_of(node, name).is_some();
        let n = self.node_mut(node)?;
        if taken {
            return err(format!("{} already has an interface named {name}", n.name));
        }
        let NodeLogic::Ip(ip) = &mut n.logic else {
            return err(format!(
                "{} is a switch: its ports have no addresses",
                n.name
            ));
        };
        ip.add_iface(IpIface {
            name: name.to_string(),
            mac,
            cidr,
            mtu,
        });
        n.iface_names.push(name.to_string());
        n.ports.push(Port { mac, link: None });
        let index = n.ports.len() - 1;
        self.name_iface(node, name, index);
        Ok(index)
    }

    fn node_mut(&mut self, node: NodeId) -> Result<&mut Node, TopoError> {
        match self.graph.node_weight_mut(node) {
            Some(n) => Ok(n),
            None => err(format!("no node with id {}", node.index())),
        }
    }

    fn ip_node_mut(&mut self, node: NodeId) -> Result<(&str, &mut IpNode), TopoError> {
        let n = self.node_mut(node)?;
        match &mut n.logic {
            NodeLogic::Ip(ip) => Ok((&n.name, ip)),
            NodeLogic::Switch(_) => err(format!("{} is a switch, not a host or router", n.name)),
        }
    }

    /// Adds a static route on `node`: packets for `dest` go to `via`.
    pub fn add_route(
        &mut self,
        node: NodeId,
        dest: Ipv4Cidr,
        via: Ipv4Addr,
    ) -> Result<(), TopoError> {
        let (name, ip) = self.ip_node_mut(node)?;
        ip.add_route(dest, via)
            .or_else(|_| err(format!("{via} is outside every subnet of {name}")))
    }

    /// Sets `node`'s default gateway.
    pub fn set_gateway(&mut self, node: NodeId, via: Ipv4Addr) -> Result<(), TopoError> {
        self.add_route(node, Ipv4Cidr::DEFAULT, via)
    }

    /// Sets the DNS server `node`'s programs resolve names through (see
    /// [`IpNode::set_resolver`]).
    pub fn set_resolver(&mut self, node: NodeId, server: Ipv4Addr) -> Result<(), TopoError> {
        let (_, ip) = self.ip_node_mut(node)?;
        ip.set_resolver(Some(server));
        Ok(())
    }

    /// The index of the existing interface (or switch port) `iface` of `node`.
    fn existing_iface(&self, node: NodeId, iface: &str) -> Result<usize, TopoError> {
        let Some(n) = self.graph.node_weight(node) else {
            return err(format!("no node with id {}", node.index()));
        };
        match self.iface_of(node, iface) {
            Some(i) => Ok(i),
            None => err(format!(
                "{} has no interface {iface} (it has: {})",
                n.name,
                n.iface_names.join(", ")
            )),
        }
    }

    /// The MAC address of interface (or switch port) `iface` of `node`.
    pub fn mac_of(&self, node: NodeId, iface: &str) -> Result<MacAddr, TopoError> {
        let i = self.existing_iface(node, iface)?;
        Ok(self.graph[node].ports[i].mac)
    }

    /// Sets the TCP configuration of host or router `node` (see
    /// [`IpNode::set_tcp_config`]): which options it offers, its buffers.
    pub fn set_tcp_config(&mut self, node: NodeId, config: TcpConfig) -> Result<(), TopoError> {
        let (_, ip) = self.ip_node_mut(node)?;
        ip.set_tcp_config(config);
        Ok(())
    }

    /// Adds a permanent ARP entry to host or router `node`: on its
    /// interface `iface`, `ip` is at `mac` (like `ip neigh replace IP lladdr
    /// MAC dev IFACE nud permanent`; see [`IpNode::add_static_neighbor`]).
    pub fn add_static_neighbor(
        &mut self,
        node: NodeId,
        iface: &str,
        ip: Ipv4Addr,
        mac: MacAddr,
    ) -> Result<(), TopoError> {
        let i = self.existing_iface(node, iface)?;
        let (name, node) = self.ip_node_mut(node)?;
        // Nothing has run yet, so no frame waits for `ip`: nothing comes out.
        let mut out = Outbox::new(false);
        node.add_static_neighbor(i, ip, mac, &mut out)
            .or_else(|e| err(format!("{name}: static neighbour {ip} on {iface}: {e}")))
    }

    /// Adds a static entry to switch `node`'s MAC table: frames for `mac`
    /// leave by `port`, which never ages and is never relearned (like
    /// `bridge fdb replace MAC dev PORT master static`; see
    /// [`Switch::add_static`]).
    pub fn add_static_mac(
        &mut self,
        node: NodeId,
        port: &str,
        mac: MacAddr,
    ) -> Result<(), TopoError> {
        let i = self.existing_iface(node, port)?;
        let n = self.node_mut(node)?;
        let NodeLogic::Switch(sw) = &mut n.logic else {
            return err(format!("{} is not a switch", n.name));
        };
        sw.add_static(mac, i)
            .or_else(|e| err(format!("{}: static MAC entry on {port}: {e}", n.name)))
    }

    /// The index of `iface` on `node`; a switch gets a new port when `iface`
    /// is a port name (`ethN`) it does not have yet.
    fn port(&mut self, node: NodeId, iface: &str) -> Result<usize, TopoError> {
        if let Some(i) = self.iface_of(node, iface) {
            return Ok(i);
        }
        if self.node_mut(node)?.kind != NodeKind::Switch {
            // No such interface: existing_iface says so, naming the ones there are.
            return self.existing_iface(node, iface);
        }
        let mac = self.fresh_mac();
        let n = self.node_mut(node)?;
        if let NodeLogic::Switch(sw) = &mut n.logic {
            sw.add_port();
        }
        n.iface_names.push(iface.to_string());
        n.ports.push(Port { mac, link: None });
        let index = n.ports.len() - 1;
        self.name_iface(node, iface, index);
        Ok(index)
    }

    /// Joins interface `a.1` of node `a.0` and `b.1` of `b.0` with a link.
    pub fn link(
        &mut self,
        a: (NodeId, &str),
        b: (NodeId, &str),
        params: LinkParams,
    ) -> Result<LinkId, TopoError> {
        params.check().map_err(|e| TopoError(e.message))?;
        let ia = self.port(a.0, a.1)?;
        let ib = self.port(b.0, b.1)?;
        let name_a = format!("{}.{}", self.graph[a.0].name, a.1);
        let name_b = format!("{}.{}", self.graph[b.0].name, b.1);
        if (a.0, ia) == (b.0, ib) {
            return err(format!("a link from {name_a} to itself"));
        }
        for ((node, i), name) in [((a.0, ia), &name_a), ((b.0, ib), &name_b)] {
            if self.graph[node].ports[i].link.is_some() {
                return err(format!("{name} already has a link"));
            }
        }
        let channel = |from: &str, to: &str| {
            Channel::new(
                params,
                RngStream::new(self.seed, &format!("link {from}>{to}")),
            )
        };
        let link = Link {
            ends: [(a.0, ia), (b.0, ib)],
            channels: [channel(&name_a, &name_b), channel(&name_b, &name_a)],
        };
        let id = self.graph.add_edge(a.0, b.0, link);
        self.graph[a.0].ports[ia].link = Some((id, 0));
        self.graph[b.0].ports[ib].link = Some((id, 1));
        Ok(id)
    }

    /// Adds a ping from `node` that sends its first request at `at`.
    /// Returns the ping's number in [`Sim::ping_reports`].
    pub fn add_ping(
        &mut self,
        node: NodeId,
        at: Duration,
        config: PingConfig,
    ) -> Result<usize, TopoError> {
        if config.count == 0 {
            return err("a ping needs a count of at least 1".to_string());
        }
        let (_, ip) = self.ip_node_mut(node)?;
        let local = ip.add_ping(config);
        self.pings.push((node, local, at));
        Ok(self.pings.len() - 1)
    }

    /// Adds interface `name` to host `node` with no address: a DHCP client
    /// (RFC 2131) asks for one when the run starts, and configures the
    /// interface, its routes and the host's resolver from the lease.
    pub fn add_dhcp_iface(
        &mut self,
        node: NodeId,
        name: &str,
        mac: Option<MacAddr>,
        mtu: u16,
    ) -> Result<usize, TopoError> {
        let index = self.add_iface(node, name, Ipv4Cidr::UNCONFIGURED, mac, mtu)?;
        let seed = self.seed;
        let (host, ip) = self.ip_node_mut(node)?;
        let host = host.to_string();
        ip.add_dhcp_client(index, seed, &host);
        self.dhcp.push((node, index));
        Ok(index)
    }

    /// The finished topology, ready to run.
    pub fn build(self) -> Sim {
        let mut sim = Sim::new(self.graph);
        for (node, iface) in self.dhcp {
            sim.schedule_timer(SimTime::ZERO, node, Timer::Dhcp(iface));
        }
        for (node, local, at) in self.pings {
            sim.schedule_timer(SimTime::ZERO + at, node, Timer::PingSend(local));
            sim.register_ping(node, local);
        }
        sim
    }
}
