//! The in-memory capture diagrams and pages draw from: it holds every event
//! the text trace prints, in the same order, and the topology the run
//! started on.

use std::path::Path;

use simnet::scenario::{self, RunOptions};
use simnet::topo::NodeKind;
use simnet::trace::capture::Captured;
use simnet::trace::Direction;

#[test]
fn the_capture_holds_every_traced_event_and_the_topology() {
    let s = scenario::load_file(Path::new("scenarios/cross_subnet_arp.toml")).expect("loads");
    let options = RunOptions {
        capture: true,
        ..RunOptions::default()
    };
    let outcome = scenario::run(&s, options).expect("runs");
    let capture = outcome.capture.expect("asked for");
    let lines: Vec<&str> = capture.events.iter().map(|e| e.line.as_str()).collect();
    assert_eq!(lines, outcome.lines);

    let topo = &capture.topology;
    let names: Vec<&str> = topo.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["pc1", "pc2", "gw", "sw1", "sw2"]);
    let gw = topo.node_index("gw").expect("gw");
    assert_eq!(topo.nodes[gw].kind, NodeKind::Router);
    assert_eq!(
        topo.nodes[gw].ifaces[1].cidr.map(|c| c.to_string()),
        Some("192.168.2.1/24".to_string())
    );
    let sw1 = topo.node_index("sw1").expect("sw1");
    assert_eq!(topo.peer(gw, 0), Some((sw1, 1)));
    assert_eq!(topo.peer(sw1, 1), Some((gw, 0)));

    // The first frame is pc1's ARP request, out of eth0, with its bytes.
    let first = capture
        .events
        .iter()
        .find(|e| matches!(e.what, Captured::Frame { .. }))
        .expect("a frame");
    assert_eq!(capture.node_name(first.node), "pc1");
    let Captured::Frame { iface, dir, bytes } = &first.what else {
        unreachable!()
    };
    assert_eq!((*iface, *dir), (0, Direction::Out));
    assert_eq!(&bytes[12..14], &[0x08, 0x06], "an ARP EtherType");
}
