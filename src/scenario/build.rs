//! From a checked [`Scenario`] to a [`Sim`] ready to run, through the same
//! [`TopologyBuilder`] the Rust API offers.

use super::model::{RunSpec, Scenario, SwitchSpec};
use crate::programs;
use crate::sim::Sim;
use crate::stack::{Ipv4Cidr, PingConfig};
use crate::topo::{TopoError, TopologyBuilder};

fn cidr(addr: std::net::Ipv4Addr, prefix_len: u8) -> Result<Ipv4Cidr, TopoError> {
    Ipv4Cidr::new(addr, prefix_len)
        .ok_or_else(|| TopoError(format!("{addr}/{prefix_len}: prefix over 32")))
}

/// Builds the topology of `scenario` with the run's `seed` and arms its
/// actions. Nodes are added hosts first, then routers, then switches, each in
/// file order, so interface MACs count up in that order. Each `[[run]]`
/// becomes a process named after its program, spawned in file order.
pub fn build(scenario: &Scenario, seed: u64) -> Result<Sim, TopoError> {
    let mut net = TopologyBuilder::new(seed);
    let ip_nodes = scenario.hosts.iter().map(|h| (h, false));
    let ip_nodes = ip_nodes.chain(scenario.routers.iter().map(|r| (r, true)));
    for (spec, router) in ip_nodes {
        let id = if router {
            net.add_router(&spec.name)?
        } else {
            net.add_host(&spec.name)?
        };
        for iface in &spec.interfaces {
            if iface.dhcp {
                net.add_dhcp_iface(id, &iface.name, iface.mac, iface.mtu)?;
                continue;
            }
            net.add_iface(
                id,
                &iface.name,
                cidr(iface.addr, iface.prefix_len)?,
                iface.mac,
                iface.mtu,
            )?;
        }
        for route in &spec.routes {
            net.add_route(id, cidr(route.dest, route.prefix_len)?, route.via)?;
        }
        if let Some(gateway) = spec.gateway {
            net.set_gateway(id, gateway)?;
        }
        net.set_tcp_config(id, spec.tcp)?;
        if let Some(server) = spec.dns {
            net.set_resolver(id, server)?;
        }
    }
    for SwitchSpec { name, aging } in &scenario.switches {
        net.add_switch(name, *aging)?;
    }
    let node = |net: &TopologyBuilder, name: &str| {
        net.node_id(name)
            .ok_or_else(|| TopoError(format!("no node named `{name}`")))
    };
    for link in &scenario.links {
        let a = node(&net, &link.a.node)?;
        let b = node(&net, &link.b.node)?;
        net.link((a, &link.a.iface), (b, &link.b.iface), link.params)?;
    }
    for ping in &scenario.pings {
        let from = node(&net, &ping.from)?;
        let config = PingConfig {
            dst: ping.to,
            count: ping.count,
            interval: ping.interval,
            size: ping.size,
            ttl: ping.ttl,
            wait: ping.wait,
        };
        net.add_ping(from, ping.at, config)?;
    }
    let mut sim = net.build();
    sim.set_time_limit(scenario.time_limit);
    sim.set_max_events(scenario.max_events);
    for run in &scenario.runs {
        spawn(&mut sim, run)?;
    }
    Ok(sim)
}

/// Starts the program of `run` on its host at its time.
fn spawn(sim: &mut Sim, run: &RunSpec) -> Result<(), TopoError> {
    let host = sim
        .node_id(&run.host)
        .ok_or_else(|| TopoError(format!("no node named `{}`", run.host)))?;
    let program = programs::find(&run.program)
        .ok_or_else(|| TopoError(format!("no program named `{}`", run.program)))?;
    let (main, args) = (program.main, run.args.clone());
    sim.spawn(host, program.name, run.at, move || main(&args))
        .map_err(|e| {
            TopoError(format!(
                "cannot start `{}` on {}: {e}",
                run.program, run.host
            ))
        })?;
    Ok(())
}
