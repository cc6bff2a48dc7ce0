//! The flagship topology built from Rust: pc1 pings pc2 across gateway gw.
use std::time::Duration;

use simnet::link::LinkParams;
use simnet::stack::PingConfig;
use simnet::topo::TopologyBuilder;
use simnet::trace::{TextLines, TextSink};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut net = TopologyBuilder::new(1);
    let pc1 = net.add_host("pc1")?;
    let pc2 = net.add_host("pc2")?;
    let gw = net.add_router("gw")?;
    let sw1 = net.add_switch("sw1", Duration::from_secs(300))?;
    let sw2 = net.add_switch("sw2", Duration::from_secs(300))?;
    net.add_iface(pc1, "eth0", "192.168.1.2/24".parse()?, None, 1500)?;
    net.add_iface(pc2, "eth0", "192.168.2.2/24".parse()?, None, 1500)?;
    net.add_iface(gw, "eth0", "192.168.1.1/24".parse()?, None, 1500)?;
    net.add_iface(gw, "eth1", "192.168.2.1/24".parse()?, None, 1500)?;
    net.set_gateway(pc1, "192.168.1.1".parse()?)?;
    net.set_gateway(pc2, "192.168.2.1".parse()?)?;
    let p = LinkParams::default();
    net.link((pc1, "eth0"), (sw1, "eth0"), p)?;
    net.link((gw, "eth0"), (sw1, "eth1"), p)?;
    net.link((gw, "eth1"), (sw2, "eth0"), p)?;
    net.link((pc2, "eth0"), (sw2, "eth1"), p)?;
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
