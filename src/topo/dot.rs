//! The topology as Graphviz DOT: `simnet topo FILE | dot -Tsvg > net.svg`.

use std::fmt::Write as _;

use super::{Graph, NodeKind, NodeLogic};
use crate::link::LinkParams;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn describe_link(p: &LinkParams) -> String {
    let mut s = format!("{:?}", p.latency);
    match p.bandwidth_bps {
        0 => {}
        b if b % 1_000_000_000 == 0 => s += &format!(", {} Gbit/s", b / 1_000_000_000),
        b if b % 1_000_000 == 0 => s += &format!(", {} Mbit/s", b / 1_000_000),
        b if b % 1_000 == 0 => s += &format!(", {} kbit/s", b / 1_000),
        b => s += &format!(", {b} bit/s"),
    }
    let impairments = [
        (p.loss, "loss"),
        (p.duplicate, "duplicated"),
        (p.reorder, "reordered"),
        (p.corrupt, "corrupted"),
    ];
    for (probability, what) in impairments {
        if probability > 0.0 {
            s += &format!(", {}% {what}", probability * 100.0);
        }
    }
    s
}

/// The graph in DOT: hosts as boxes, routers as ellipses, switches as
/// diamonds; each label lists the interfaces with their addresses, each edge
/// names the interfaces it joins and the link's latency, bandwidth and
/// impairments.
pub fn to_dot(graph: &Graph, name: &str) -> String {
    let mut out = format!(
        "graph {} {{\n  node [fontname=\"monospace\"];\n",
        quote(name)
    );
    for index in graph.node_indices() {
        let node = &graph[index];
        let shape = match node.kind {
            NodeKind::Host => "box",
            NodeKind::Router => "ellipse",
            NodeKind::Switch => "diamond",
        };
        let mut label = format!("{} ({})", node.name, node.kind.name());
        if let NodeLogic::Ip(ip) = &node.logic {
            for iface in ip.ifaces() {
                let _ = write!(label, "\n{} {} {}", iface.name, iface.cidr, iface.mac);
            }
        }
        let _ = writeln!(
            out,
            "  n{} [shape={shape}, label={}];",
            index.index(),
            quote(&label)
        );
    }
    for edge in graph.edge_references() {
        let link = edge.weight();
        let [(a, ia), (b, ib)] = link.ends;
        let label = describe_link(link.params());
        let _ = writeln!(
            out,
            "  n{} -- n{} [taillabel={}, headlabel={}, label={}];",
            a.index(),
            b.index(),
            quote(&graph[a].iface_names[ia]),
            quote(&graph[b].iface_names[ib]),
            quote(&label)
        );
    }
    out.push_str("}\n");
    out
}
