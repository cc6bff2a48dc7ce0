//! Ready-made topologies for examples, tests, benchmarks and lessons.

use super::{TopoError, TopologyBuilder};
use crate::link::switch::DEFAULT_AGING;
use crate::link::LinkParams;

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
