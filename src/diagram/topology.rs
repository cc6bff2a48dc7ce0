//! The topology as a picture, without Graphviz: a tree drawn top down from
//! the most central router (or switch), hosts at the leaves, each link a
//! line labelled with its interface names and, when they are not the
//! defaults, its delay and impairments.
//!
//! Each node is a group `id="node-NAME"` and each link a line
//! `id="link-K"` (K indexes [`Snapshot::links`]), so that a page can
//! highlight them.

use std::collections::BTreeSet;

use super::svg::{escape, num, Anchor, Svg};
use crate::link::LinkParams;
use crate::topo::snapshot::Snapshot;
use crate::topo::NodeKind;

/// Horizontal room per leaf of the tree.
const COLUMN: f64 = 190.0;
/// Vertical distance between the tree's levels.
const ROW: f64 = 140.0;
/// A node's box.
const BOX_W: f64 = 130.0;
const BOX_H: f64 = 46.0;
/// Room above the first row (the title).
const TOP: f64 = 60.0;

/// Where each node goes: `(x, y)` of its centre.
pub(crate) fn layout(topology: &Snapshot) -> Vec<(f64, f64)> {
    let n = topology.nodes.len();
    let neighbours = |i: usize| -> Vec<usize> {
        let mut out: Vec<usize> = topology.nodes[i]
            .ifaces
            .iter()
            .filter_map(|iface| iface.link)
            .filter_map(|l| topology.links.get(l))
            .map(|l| {
                if l.ends[0].0 == i {
                    l.ends[1].0
                } else {
                    l.ends[0].0
                }
            })
            .collect();
        out.dedup();
        out
    };
    let degree = |i: usize| neighbours(i).len();
    // Roots: per component, the router with most links, else the switch
    // with most links, else the first node.
    let rank = |i: usize| {
        let kind = match topology.nodes[i].kind {
            NodeKind::Router => 2,
            NodeKind::Switch => 1,
            NodeKind::Host => 0,
        };
        (kind, degree(i), std::cmp::Reverse(i))
    };
    let mut placed = vec![None; n];
    let mut seen = BTreeSet::new();
    let mut next_x = 0.0;
    while let Some(root) = (0..n)
        .filter(|i| !seen.contains(i))
        .max_by_key(|&i| rank(i))
    {
        // The component's spanning tree, breadth first.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut depth = vec![0usize; n];
        let mut queue = std::collections::VecDeque::from([root]);
        seen.insert(root);
        while let Some(v) = queue.pop_front() {
            for w in neighbours(v) {
                if seen.insert(w) {
                    children[v].push(w);
                    depth[w] = depth[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        // Leaves take columns left to right; a parent sits over its
        // children.
        fn place(
            v: usize,
            children: &[Vec<usize>],
            depth: &[usize],
            next_x: &mut f64,
            placed: &mut [Option<(f64, f64)>],
        ) -> f64 {
            let y = TOP + BOX_H / 2.0 + 20.0 + depth[v] as f64 * ROW;
            let x = if children[v].is_empty() {
                let x = *next_x + COLUMN / 2.0;
                *next_x += COLUMN;
                x
            } else {
                let xs: Vec<f64> = children[v]
                    .iter()
                    .map(|&c| place(c, children, depth, next_x, placed))
                    .collect();
                (xs[0] + xs[xs.len() - 1]) / 2.0
            };
            placed[v] = Some((x, y));
            x
        }
        place(root, &children, &depth, &mut next_x, &mut placed);
    }
    placed
        .into_iter()
        .map(|p| p.unwrap_or((0.0, 0.0)))
        .collect()
}

/// What a link's label says beyond the defaults: `10 ms, 1% loss`.
fn link_note(p: &LinkParams) -> String {
    let d = LinkParams::DEFAULT;
    let mut parts = Vec::new();
    if p.latency != d.latency {
        parts.push(format!("{} ms", num(p.latency.as_secs_f64() * 1e3)));
    }
    if p.bandwidth_bps != d.bandwidth_bps {
        parts.push(match p.bandwidth_bps {
            0 => "unlimited".to_string(),
            b if b >= 1_000_000 => format!("{} Mbit/s", num(b as f64 / 1e6)),
            b => format!("{} kbit/s", num(b as f64 / 1e3)),
        });
    }
    for (value, name) in [
        (p.loss, "loss"),
        (p.duplicate, "duplicate"),
        (p.reorder, "reorder"),
        (p.corrupt, "corrupt"),
    ] {
        if value > 0.0 {
            parts.push(format!("{}% {name}", num(value * 100.0)));
        }
    }
    parts.join(", ")
}

/// The picture of `topology`, titled `title`.
pub fn render(topology: &Snapshot, title: &str) -> String {
    let at = layout(topology);
    let max_x = at.iter().map(|p| p.0).fold(0.0, f64::max);
    let max_y = at.iter().map(|p| p.1).fold(0.0, f64::max);
    let width = (max_x + COLUMN / 2.0).max(360.0);
    let height = max_y + BOX_H / 2.0 + 70.0;
    let mut svg = Svg::new(width, height);
    svg.text(
        width / 2.0,
        30.0,
        Anchor::Middle,
        title,
        r#"font-size="16" font-weight="bold""#,
    );
    for (k, link) in topology.links.iter().enumerate() {
        let (a, ai) = link.ends[0];
        let (b, bi) = link.ends[1];
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (at.get(a), at.get(b)) else {
            continue;
        };
        svg.raw(&format!(r#"<g id="link-{k}" class="link">"#));
        svg.line(x1, y1, x2, y2, r##"stroke="#5b6b7a" stroke-width="2.5""##);
        // Interface names a third of the way from each end.
        for (node, iface, (fx, fy), (tx, ty)) in
            [(a, ai, (x1, y1), (x2, y2)), (b, bi, (x2, y2), (x1, y1))]
        {
            let name = topology
                .nodes
                .get(node)
                .and_then(|n| n.ifaces.get(iface))
                .map_or("?", |i| i.name.as_str());
            let (lx, ly) = (fx + (tx - fx) * 0.3, fy + (ty - fy) * 0.3);
            svg.text(
                lx + 6.0,
                ly + 4.0,
                Anchor::Start,
                name,
                r##"font-size="10" fill="#334""##,
            );
        }
        let note = link_note(&link.params);
        if !note.is_empty() {
            svg.text(
                (x1 + x2) / 2.0 + 6.0,
                (y1 + y2) / 2.0 - 6.0,
                Anchor::Start,
                &note,
                r##"font-size="10" fill="#a33""##,
            );
        }
        svg.raw("</g>");
    }
    for (i, node) in topology.nodes.iter().enumerate() {
        let (x, y) = at[i];
        let (fill, stroke) = match node.kind {
            NodeKind::Host => ("#dbeafe", "#2563eb"),
            NodeKind::Router => ("#ffedd5", "#ea580c"),
            NodeKind::Switch => ("#dcfce7", "#16a34a"),
        };
        svg.raw(&format!(
            r#"<g id="node-{}" class="node {}">"#,
            escape(&node.name),
            node.kind.name()
        ));
        let label = format!("{} ({})", node.name, node.kind.name());
        let addrs: Vec<String> = node
            .ifaces
            .iter()
            .filter_map(|i| i.cidr.map(|c| c.to_string()))
            .collect();
        let detail = if addrs.is_empty() {
            format!("{} ports", node.ifaces.len())
        } else {
            addrs.join("  ")
        };
        // Wide enough for its text (about 7 px a character at 12 px, 6 at 10).
        let w = BOX_W
            .max(label.chars().count() as f64 * 7.5 + 16.0)
            .max(detail.chars().count() as f64 * 6.0 + 16.0);
        let attrs = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="2""#);
        match node.kind {
            NodeKind::Router => {
                let rx = format!(r#"{attrs} rx="23""#);
                svg.rect(x - w / 2.0, y - BOX_H / 2.0, w, BOX_H, &rx);
            }
            NodeKind::Host => {
                let rx = format!(r#"{attrs} rx="6""#);
                svg.rect(x - w / 2.0, y - BOX_H / 2.0, w, BOX_H, &rx);
            }
            NodeKind::Switch => svg.rect(x - w / 2.0, y - BOX_H / 2.0, w, BOX_H, &attrs),
        }
        svg.text(x, y - 4.0, Anchor::Middle, &label, r#"font-weight="bold""#);
        svg.text(x, y + 13.0, Anchor::Middle, &detail, r#"font-size="10""#);
        svg.raw("</g>");
    }
    svg.finish()
}
