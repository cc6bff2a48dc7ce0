//! Runs the same program on a simulated LAN and on real loopback sockets,
//! and returns what it printed on each.
//!
//! The LAN: pc1 (192.168.1.2/24) and pc2 (192.168.1.3/24) on one switch.

use std::sync::Arc;
use std::time::Duration;

use simnet::net::{loopback, LoopHost, LoopbackNet};
use simnet::scenario::{build, load_str, Scenario};

const LAN: &str = r#"
name = "lan"
[[host]]
name = "pc1"
ip = "192.168.1.2/24"
[[host]]
name = "pc2"
ip = "192.168.1.3/24"
[[switch]]
name = "sw1"
[[link]]
a = "pc1"
b = "sw1"
[[link]]
a = "pc2"
b = "sw1"
"#;

/// The two-host LAN as a scenario.
pub fn lan() -> Scenario {
    load_str(LAN, "lan.toml").expect("the test LAN loads")
}

/// A program for `host`, started `at` after the run begins.
pub struct Part {
    pub host: &'static str,
    pub at: Duration,
    pub body: fn(),
}

/// A server on pc2 from the start, and a client on pc1 100 ms later.
pub fn server_and_client(server: fn(), client: fn()) -> [Part; 2] {
    [
        Part {
            host: "pc2",
            at: Duration::ZERO,
            body: server,
        },
        Part {
            host: "pc1",
            at: Duration::from_millis(100),
            body: client,
        },
    ]
}

/// What each part printed, in order, on the simulation.
pub fn on_sim(parts: &[Part]) -> Vec<String> {
    let scenario = lan();
    let mut sim = build(&scenario, 1).expect("the test LAN builds");
    for part in parts {
        let node = sim.node_id(part.host).expect("a host of the LAN");
        sim.spawn(node, "test", part.at, part.body).expect("spawn");
    }
    sim.run();
    sim.processes()
        .iter()
        .flat_map(|p| p.output.iter().map(|(_, line)| line.clone()))
        .collect()
}

/// What each part printed, in order, on real loopback sockets.
pub fn on_loopback(parts: &[Part]) -> Vec<String> {
    let hosts = lan()
        .hosts
        .iter()
        .map(|h| LoopHost {
            name: h.name.clone(),
            ifaces: h
                .interfaces
                .iter()
                .filter_map(|i| simnet::stack::Ipv4Cidr::new(i.addr, i.prefix_len))
                .collect(),
        })
        .collect();
    let net = Arc::new(LoopbackNet::new(hosts, false).expect("two hosts fit"));
    let mut handles = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let host = net.host_index(part.host).expect("a host of the LAN");
        let program = format!("test{n}");
        let body = part.body;
        handles.push(loopback::run_thread(
            &net,
            host,
            &program,
            part.at,
            Box::new(body),
        ));
    }
    net.wait_until_quiet(Duration::from_millis(300), Duration::from_secs(20));
    // Part by part, as on the simulation.
    let lines = net.lines();
    (0..parts.len())
        .flat_map(|n| {
            let program = format!("test{n}");
            lines
                .iter()
                .filter(move |l| l.program == program)
                .map(|l| l.text.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}
