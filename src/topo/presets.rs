//! Ready-made topologies for examples, tests, benchmarks and lessons.

use std::net::Ipv4Addr;

use super::{TopoError, TopologyBuilder};
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
/// gateway. Every link gets `link`. MACs: pc*k* `…:k` in hexadecimal. At
/// most 65534 hosts, the addresses of a /16.
pub fn lan(seed: u64, hosts: usize, link: LinkParams) -> Result<TopologyBuilder, TopoError> {
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
        // 10.0.0.0 + k, with k = i + 1 below 65535.
        let addr = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + i as u32 + 1);
        let cidr = Ipv4Cidr::new(addr, 16).ok_or_else(|| TopoError("bad prefix".into()))?;
        net.add_iface(pc, "eth0", cidr, None, 1500)?;
        net.link((pc, "eth0"), (sw1, &format!("eth{i}")), link)?;
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
