//! Ready-made topologies for examples, tests, benchmarks and lessons.

use std::net::Ipv4Addr;

use super::{NodeId, TopoError, TopologyBuilder};
use crate::link::switch::DEFAULT_AGING;
use crate::link::LinkParams;
use crate::stack::Ipv4Cidr;

/// The flagship layout: pc1 (192.168.1.2/24) behind switch sw1 and pc2
/// (192.168.2.2/24) behind sw2, joined by router gw (192.168.1.1/24 on eth0,
/// 192.168.2.1/24 on eth1), each host using gw as its default gateway.
/// `link` is used for every link except the one from sw2 to gw, which gets
/// `far_link` (to make one side lossy, say). MACs: pc1 `…:01`, pc2 `…:02`,
/// gw `…:03` and `…:04`, as in `scenarios/cross_subnet_arp.toml`.
pub fn two_subnets(
    seed: u64,
    link: LinkParams,
    far_link: LinkParams,
) -> Result<TopologyBuilder, TopoError> {
    let mut net = TopologyBuilder::new(seed);
    let ip = |s: &str| s.parse().map_err(|_| TopoError(format!("bad address {s}")));
    let pc1 = net.add_host("pc1")?;
    let pc2 = net.add_host("pc2")?;
    let gw = net.add_router("gw")?;
    let sw1 = net.add_switch("sw1", DEFAULT_AGING)?;
    let sw2 = net.add_switch("sw2", DEFAULT_AGING)?;
    net.add_iface(pc1, "eth0", ip("192.168.1.2/24")?, None, 1500)?;
    net.add_iface(pc2, "eth0", ip("192.168.2.2/24")?, None, 1500)?;
    net.add_iface(gw, "eth0", ip("192.168.1.1/24")?, None, 1500)?;
    net.add_iface(gw, "eth1", ip("192.168.2.1/24")?, None, 1500)?;
    net.set_gateway(pc1, [192, 168, 1, 1].into())?;
    net.set_gateway(pc2, [192, 168, 2, 1].into())?;
    net.link((pc1, "eth0"), (sw1, "eth0"), link)?;
    net.link((gw, "eth0"), (sw1, "eth1"), link)?;
    net.link((gw, "eth1"), (sw2, "eth0"), far_link)?;
    net.link((pc2, "eth0"), (sw2, "eth1"), link)?;
    Ok(net)
}

/// The smallest layout: pc1 (192.168.1.2/24) and pc2 (192.168.1.3/24) on one
/// switch sw1, with no gateway. Every link gets `link`. MACs: pc1 `…:01`,
/// pc2 `…:02`.
pub fn one_lan(seed: u64, link: LinkParams) -> Result<TopologyBuilder, TopoError> {
    let mut net = TopologyBuilder::new(seed);
    let ip = |s: &str| s.parse().map_err(|_| TopoError(format!("bad address {s}")));
    let pc1 = net.add_host("pc1")?;
    let pc2 = net.add_host("pc2")?;
    let sw1 = net.add_switch("sw1", DEFAULT_AGING)?;
    net.add_iface(pc1, "eth0", ip("192.168.1.2/24")?, None, 1500)?;
    net.add_iface(pc2, "eth0", ip("192.168.1.3/24")?, None, 1500)?;
    net.link((pc1, "eth0"), (sw1, "eth0"), link)?;
    net.link((pc2, "eth0"), (sw1, "eth1"), link)?;
    Ok(net)
}

/// One big switched LAN: `hosts` hosts `pc1`, `pc2`, … on switch sw1 (pc*k*
/// on port eth*k-1*), addressed in 10.0.0.0/16 in order from pc1 at
/// 10.0.0.1 (pc256 is 10.0.1.0, a valid address in a /16), with no
/// gateway. Every link gets `link`. MACs are handed out in building order,
/// host then its switch port: pc*k* gets `…:2k-1` and port eth*k-1* `…:2k`
/// (in hexadecimal). At most 65534 hosts, the addresses of a /16.
pub fn lan(seed: u64, hosts: usize, link: LinkParams) -> Result<TopologyBuilder, TopoError> {
    lan_parts(seed, hosts, link).map(|(net, _, _)| net)
}

/// The [`lan`] preset with every host's neighbours towards one of them,
/// pc*hub*, already known, as if the LAN had been in use for a while: pc*hub*
/// has a permanent ARP entry for every other host, every other host one for
/// pc*hub*, and sw1 a static MAC entry for pc*hub* on its port. So no host
/// ever asks ARP on the way to pc*hub* or back, and no frame to pc*hub* is
/// flooded (the switch learns the other hosts from their first frame). That
/// is 2 × (`hosts` − 1) ARP entries, not one per pair of hosts.
pub fn lan_hub_known(
    seed: u64,
    hosts: usize,
    link: LinkParams,
    hub: usize,
) -> Result<TopologyBuilder, TopoError> {
    let (mut net, ids, sw1) = lan_parts(seed, hosts, link)?;
    let Some(&hub_id) = hub.checked_sub(1).and_then(|i| ids.get(i)) else {
        return Err(TopoError(format!("no host pc{hub} among pc1 to pc{hosts}")));
    };
    let hub_mac = net.mac_of(hub_id, "eth0")?;
    net.add_static_mac(sw1, &format!("eth{}", hub - 1), hub_mac)?;
    let hub_ip = lan_addr(hub - 1);
    for (i, &pc) in ids.iter().enumerate() {
        if pc == hub_id {
            continue;
        }
        let mac = net.mac_of(pc, "eth0")?;
        net.add_static_neighbor(hub_id, "eth0", lan_addr(i), mac)?;
        net.add_static_neighbor(pc, "eth0", hub_ip, hub_mac)?;
    }
    Ok(net)
}

/// The address of the `lan` preset's host number `i + 1`: 10.0.0.0 + i + 1.
fn lan_addr(i: usize) -> Ipv4Addr {
    // i + 1 is below 65535: `lan_parts` checks it.
    Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + i as u32 + 1)
}

/// The [`lan`] preset, with its hosts' ids in order and the switch's.
fn lan_parts(
    seed: u64,
    hosts: usize,
    link: LinkParams,
) -> Result<(TopologyBuilder, Vec<NodeId>, NodeId), TopoError> {
    if !(1..=65_534).contains(&hosts) {
        return Err(TopoError(format!(
            "a /16 LAN holds 1 to 65534 hosts, not {hosts}"
        )));
    }
    let mut net = TopologyBuilder::new(seed);
    let mut ids = Vec::with_capacity(hosts);
    for k in 1..=hosts {
        ids.push(net.add_host(&format!("pc{k}"))?);
    }
    let sw1 = net.add_switch("sw1", DEFAULT_AGING)?;
    for (i, &pc) in ids.iter().enumerate() {
        let cidr = Ipv4Cidr::new(lan_addr(i), 16).ok_or_else(|| TopoError("bad prefix".into()))?;
        net.add_iface(pc, "eth0", cidr, None, 1500)?;
        net.link((pc, "eth0"), (sw1, &format!("eth{i}")), link)?;
    }
    Ok((net, ids, sw1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;
    use crate::topo::NodeLogic;
    use crate::wire::MacAddr;

    #[test]
    fn lan_numbers_hosts_through_the_slash_16() {
        let sim = lan(1, 300, LinkParams::default()).unwrap().build();
        let addr = |name: &str| {
            let node = sim.node_id(name).unwrap();
            sim.ip_node(node).unwrap().ifaces()[0].cidr
        };
        assert_eq!(addr("pc1"), "10.0.0.1/16".parse().unwrap());
        assert_eq!(addr("pc256"), "10.0.1.0/16".parse().unwrap());
        assert_eq!(addr("pc300"), "10.0.1.44/16".parse().unwrap());
        let sw1 = sim.node_id("sw1").unwrap();
        assert_eq!(sim.graph()[sw1].ports.len(), 300);
        assert!(lan(1, 0, LinkParams::default()).is_err());
        assert!(lan(1, 65_535, LinkParams::default()).is_err());
    }

    #[test]
    fn lan_macs_alternate_between_hosts_and_switch_ports() {
        let sim = lan(1, 3, LinkParams::default()).unwrap().build();
        let graph = sim.graph();
        let mac = |name: &str, port: usize| graph[sim.node_id(name).unwrap()].ports[port].mac;
        assert_eq!(mac("pc1", 0), MacAddr::local(1));
        assert_eq!(mac("sw1", 0), MacAddr::local(2));
        assert_eq!(mac("pc3", 0), MacAddr::local(5));
        assert_eq!(mac("sw1", 2), MacAddr::local(6));
    }

    #[test]
    fn lan_hub_known_configures_the_hub_both_ways_and_nothing_else() {
        let sim = lan_hub_known(1, 4, LinkParams::default(), 2)
            .unwrap()
            .build();
        let id = |name: &str| sim.node_id(name).unwrap();
        let mac = |name: &str| sim.graph()[id(name)].ports[0].mac;
        let addr = |k: u8| Ipv4Addr::new(10, 0, 0, k);
        let entries = |name: &str| {
            let neighbors = sim.ip_node(id(name)).unwrap().neighbors();
            neighbors.entries(SimTime::ZERO).collect::<Vec<_>>()
        };
        let forever = SimTime::MAX;
        assert_eq!(
            entries("pc2"),
            [
                (0, addr(1), mac("pc1"), forever),
                (0, addr(3), mac("pc3"), forever),
                (0, addr(4), mac("pc4"), forever),
            ]
        );
        for pc in ["pc1", "pc3", "pc4"] {
            assert_eq!(entries(pc), [(0, addr(2), mac("pc2"), forever)], "{pc}");
        }
        let NodeLogic::Switch(sw) = &sim.graph()[id("sw1")].logic else {
            panic!("sw1 is a switch");
        };
        assert_eq!(sw.port_of(forever, mac("pc2")), Some(1));
        assert_eq!(sw.port_of(SimTime::ZERO, mac("pc1")), None, "to be learned");
        for hub in [0, 5] {
            assert!(lan_hub_known(1, 4, LinkParams::default(), hub).is_err());
        }
    }
}
