//! The flagship topology from Rust: pc1 pings pc2 across gateway gw.
use std::time::Duration;

use simnet::link::LinkParams;
use simnet::stack::PingConfig;
use simnet::topo::presets::two_subnets;
use simnet::trace::{TextLines, TextSink};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The same layout as scenarios/cross_subnet_arp.toml; see
    // src/topo/presets.rs for how it is built node by node.
    let link = LinkParams::default();
    let mut net = two_subnets(1, link, link)?;
    let pc1 = net.node_id("pc1").ok_or("no pc1")?;
    let ping = PingConfig {
        dst: "192.168.2.2".parse()?,
        count: 2,
        interval: Duration::from_secs(1),
        size: 56,
        ttl: 64,
        wait: Duration::from_secs(5),
    };
    net.add_ping(pc1, Duration::from_secs(1), ping)?;
    let mut sim = net.build();
    let lines = TextLines::default();
    sim.add_sink(Box::new(
        TextSink::new(lines.clone()).echo_to(Box::new(std::io::stdout())),
    ));
    println!("{}", sim.run());
    Ok(())
}
