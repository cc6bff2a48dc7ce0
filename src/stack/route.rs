//! The routing table: connected, static and default routes, chosen by
//! longest-prefix match (RFC 1812 section 5.2.4.3).

use std::fmt;
use std::net::Ipv4Addr;

use super::cidr::Ipv4Cidr;

/// Where a route came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// The subnet of one of the node's own interfaces.
    Connected,
    /// A route given by the topology.
    Static,
    /// The default gateway (`0.0.0.0/0`).
    Default,
    /// One of the node's own addresses, or 127.0.0.0/8: delivered to the
    /// node itself over `lo`, as Linux's `local` routing table does. Such
    /// routes are not in the [`RoutingTable`]; the output path checks for
    /// local destinations before it looks there.
    Local,
}

impl fmt::Display for RouteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteKind::Connected => "connected",
            RouteKind::Static => "static",
            RouteKind::Default => "default",
            RouteKind::Local => "local",
        })
    }
}

/// One entry of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The destinations this route covers.
    pub dest: Ipv4Cidr,
    /// The next hop, or `None` when the destination is on the link itself.
    pub via: Option<Ipv4Addr>,
    /// Index of the interface to send on.
    pub iface: usize,
    /// Where the route came from.
    pub kind: RouteKind,
}

impl Route {
    /// The neighbour a packet for `dst` is handed to: the gateway, or `dst`
    /// itself on a connected route.
    pub fn next_hop(&self, dst: Ipv4Addr) -> Ipv4Addr {
        self.via.unwrap_or(dst)
    }
}

/// The routes of one node.
#[derive(Clone, Debug, Default)]
pub struct RoutingTable {
    routes: Vec<Route>,
}

impl RoutingTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the subnet of an interface, reachable directly through it.
    pub fn add_connected(&mut self, subnet: Ipv4Cidr, iface: usize) {
        self.routes.push(Route {
            dest: subnet.network(),
            via: None,
            iface,
            kind: RouteKind::Connected,
        });
    }

    /// Adds a route to `dest` through the neighbour `via`, which must lie in
    /// a connected subnet; returns `None` (and adds nothing) when it does not.
    /// A `dest` of `0.0.0.0/0` is the default route.
    pub fn add_via(&mut self, dest: Ipv4Cidr, via: Ipv4Addr) -> Option<&Route> {
        let iface = self
            .routes
            .iter()
            .find(|r| r.kind == RouteKind::Connected && r.dest.contains(via))?
            .iface;
        let kind = if dest.prefix_len() == 0 {
            RouteKind::Default
        } else {
            RouteKind::Static
        };
        self.routes.push(Route {
            dest: dest.network(),
            via: Some(via),
            iface,
            kind,
        });
        self.routes.last()
    }

    /// The route for `dst`: the one with the longest matching prefix; among
    /// equally long ones, the first added.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<&Route> {
        let mut best: Option<&Route> = None;
        for route in self.routes.iter().filter(|r| r.dest.contains(dst)) {
            if best.is_none_or(|b| route.dest.prefix_len() > b.dest.prefix_len()) {
                best = Some(route);
            }
        }
        best
    }

    /// Removes every route that leaves by `iface`: its address is gone.
    pub fn remove_iface(&mut self, iface: usize) {
        self.routes.retain(|r| r.iface != iface);
    }

    /// Every route, in the order added.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn table() -> RoutingTable {
        let mut t = RoutingTable::new();
        t.add_connected("192.168.1.2/24".parse().unwrap(), 0);
        t.add_connected("10.0.0.1/30".parse().unwrap(), 1);
        t.add_via("10.20.0.0/16".parse().unwrap(), ip("10.0.0.2"))
            .unwrap();
        t.add_via("10.20.30.0/24".parse().unwrap(), ip("192.168.1.254"))
            .unwrap();
        t.add_via(Ipv4Cidr::DEFAULT, ip("192.168.1.1")).unwrap();
        t
    }

    #[test]
    fn longest_prefix_wins() {
        let t = table();
        let r = t.lookup(ip("10.20.30.40")).unwrap();
        assert_eq!(
            (r.iface, r.via, r.kind),
            (0, Some(ip("192.168.1.254")), RouteKind::Static)
        );
        let r = t.lookup(ip("10.20.99.1")).unwrap();
        assert_eq!((r.iface, r.via), (1, Some(ip("10.0.0.2"))));
        let r = t.lookup(ip("192.168.1.77")).unwrap();
        assert_eq!((r.iface, r.via, r.kind), (0, None, RouteKind::Connected));
        assert_eq!(r.next_hop(ip("192.168.1.77")), ip("192.168.1.77"));
        let r = t.lookup(ip("8.8.8.8")).unwrap();
        assert_eq!(
            (r.via, r.kind),
            (Some(ip("192.168.1.1")), RouteKind::Default)
        );
        assert_eq!(r.next_hop(ip("8.8.8.8")), ip("192.168.1.1"));
    }

    #[test]
    fn no_route_without_a_default() {
        let mut t = RoutingTable::new();
        t.add_connected("192.168.1.2/24".parse().unwrap(), 0);
        assert!(t.lookup(ip("192.168.2.2")).is_none());
    }

    #[test]
    fn a_gateway_must_be_on_a_connected_subnet() {
        let mut t = RoutingTable::new();
        t.add_connected("192.168.1.2/24".parse().unwrap(), 0);
        assert!(t.add_via(Ipv4Cidr::DEFAULT, ip("192.168.5.1")).is_none());
        assert!(t.routes().len() == 1);
    }
}
