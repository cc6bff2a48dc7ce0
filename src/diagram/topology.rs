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
use crate::topo::snapshot::{NodeInfo, Snapshot};
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
    let widths: Vec<f64> = topology.nodes.iter().map(|n| NodeBox::of(n).w).collect();
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
            tree: (&[Vec<usize>], &[usize], &[f64]),
            next_x: &mut f64,
            placed: &mut [Option<(f64, f64)>],
        ) -> f64 {
            let (children, depth, widths) = tree;
            let y = TOP + BOX_H / 2.0 + 20.0 + depth[v] as f64 * ROW;
            let x = if children[v].is_empty() {
                // A wide box takes a wider column.
                let column = COLUMN.max(widths[v] + 40.0);
                let x = *next_x + column / 2.0;
                *next_x += column;
                x
            } else {
                let xs: Vec<f64> = children[v]
                    .iter()
                    .map(|&c| place(c, tree, next_x, placed))
                    .collect();
                (xs[0] + xs[xs.len() - 1]) / 2.0
            };
            placed[v] = Some((x, y));
            x
        }
        place(root, (&children, &depth, &widths), &mut next_x, &mut placed);
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

/// The style of an interface name beside a link.
const LABEL: &str = r##"font-size="10" fill="#334""##;
/// The height of one line of a node's details.
const DETAIL_LINE: f64 = 13.0;

/// A node's box: its size and what it says.
struct NodeBox {
    label: String,
    details: Vec<String>,
    w: f64,
    h: f64,
}

impl NodeBox {
    fn of(node: &NodeInfo) -> NodeBox {
        let label = format!("{} ({})", node.name, node.kind.name());
        let addressed: Vec<_> = node
            .ifaces
            .iter()
            .filter_map(|i| i.cidr.map(|c| (i.name.as_str(), c)))
            .collect();
        let details: Vec<String> = match addressed.as_slice() {
            [] => vec![format!("{} ports", node.ifaces.len())],
            // One address: which interface holds it is on the link.
            [(_, cidr)] => vec![cidr.to_string()],
            // Several: each beside its interface's name.
            many => many.iter().map(|(name, c)| format!("{name} {c}")).collect(),
        };
        // Wide enough for its text (about 7.5 px a character at 12 px bold,
        // 6 at 10 px).
        let widest = details.iter().map(|d| d.chars().count()).max().unwrap_or(0);
        let w = BOX_W
            .max(label.chars().count() as f64 * 7.5 + 16.0)
            .max(widest as f64 * 6.0 + 16.0);
        let h = BOX_H.max(30.0 + details.len() as f64 * DETAIL_LINE);
        NodeBox {
            label,
            details,
            w,
            h,
        }
    }
}

/// Where an interface's name goes on the line from `from` to `to`: past
/// the point where the line leaves the box of half-size `hw` × `hh`
/// centred on `from`, by 12 px along it and at least 16 px up or down.
fn label_point(from: (f64, f64), to: (f64, f64), hw: f64, hh: f64) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return from;
    }
    // The fraction of the line inside the box.
    let exit = (if dx.abs() > 0.0 {
        hw / dx.abs()
    } else {
        f64::INFINITY
    })
    .min(if dy.abs() > 0.0 {
        hh / dy.abs()
    } else {
        f64::INFINITY
    });
    let clear = if dy.abs() > len * 0.3 {
        (16.0 / dy.abs()).max(12.0 / len)
    } else {
        12.0 / len
    };
    let t = (exit + clear).min(0.45);
    (from.0 + dx * t, from.1 + dy * t)
}

/// The picture of `topology`, titled `title`.
pub fn render(topology: &Snapshot, title: &str) -> String {
    let at = layout(topology);
    let boxes: Vec<NodeBox> = topology.nodes.iter().map(NodeBox::of).collect();
    let right = at
        .iter()
        .zip(&boxes)
        .map(|(p, b)| p.0 + b.w / 2.0 + 20.0)
        .fold(0.0, f64::max);
    let bottom = at
        .iter()
        .zip(&boxes)
        .map(|(p, b)| p.1 + b.h / 2.0 + 30.0)
        .fold(0.0, f64::max);
    let width = right.max(360.0).ceil();
    let height = bottom.max(TOP + 40.0).ceil();
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
        // Each interface's name just outside its node's box, beside the line.
        for (node, iface, (fx, fy), (tx, ty)) in
            [(a, ai, (x1, y1), (x2, y2)), (b, bi, (x2, y2), (x1, y1))]
        {
            let name = topology
                .nodes
                .get(node)
                .and_then(|n| n.ifaces.get(iface))
                .map_or("?", |i| i.name.as_str());
            let (w, h) = boxes.get(node).map_or((BOX_W, BOX_H), |b| (b.w, b.h));
            let (lx, ly) = label_point((fx, fy), (tx, ty), w / 2.0, h / 2.0);
            if (ty - fy).abs() < (tx - fx).abs() * 0.3 {
                // A level line: the name above it.
                let anchor = if tx > fx { Anchor::Start } else { Anchor::End };
                svg.text(lx, ly - 5.0, anchor, name, LABEL);
            } else {
                // Going down a fan, the name goes on its outer side; coming
                // up to one, on the side the line turns away from: never
                // on the line, nor between two lines that meet.
                let heading = (tx - fx) * (ty - fy).signum();
                if heading < -1.0 {
                    svg.text(lx - 6.0, ly + 4.0, Anchor::End, name, LABEL);
                } else {
                    svg.text(lx + 6.0, ly + 4.0, Anchor::Start, name, LABEL);
                }
            }
        }
        let note = link_note(&link.params);
        if !note.is_empty() {
            svg.text(
                (x1 + x2) / 2.0 + 6.0,
                (y1 + y2) / 2.0 + 4.0,
                Anchor::Start,
                &note,
                r##"font-size="10" fill="#a33""##,
            );
        }
        svg.raw("</g>");
    }
    for (i, node) in topology.nodes.iter().enumerate() {
        let (x, y) = at[i];
        let b = &boxes[i];
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
        let attrs = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="2""#);
        let rounding = match node.kind {
            NodeKind::Router => r#" rx="18""#,
            NodeKind::Host => r#" rx="6""#,
            NodeKind::Switch => "",
        };
        let (left, top) = (x - b.w / 2.0, y - b.h / 2.0);
        svg.rect(left, top, b.w, b.h, &format!("{attrs}{rounding}"));
        svg.text(
            x,
            top + 18.0,
            Anchor::Middle,
            &b.label,
            r#"font-weight="bold""#,
        );
        for (j, line) in b.details.iter().enumerate() {
            svg.text(
                x,
                top + 35.0 + j as f64 * DETAIL_LINE,
                Anchor::Middle,
                line,
                r#"font-size="10""#,
            );
        }
        svg.raw("</g>");
    }
    svg.finish()
}
