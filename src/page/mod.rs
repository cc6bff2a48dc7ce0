//! The step-through page: one self-contained HTML file (no network, no
//! server; it opens from disk) that plays a run step by step, as Packet
//! Tracer's simulation mode does, but from a deterministic run and honest
//! to the byte.
//!
//! It shows the topology with the frame in flight highlighted, the event
//! list with virtual times, buttons and keys to step back and forth or
//! play, the selected frame's layers opened like Wireshark's details pane
//! above its hex bytes (a field's bytes light up when it is clicked), each
//! event's explanation in English or Chinese, and every node's tables
//! (ARP cache, switch MAC table, routes, TCP connections) after the step.
//!
//! A step is one frame transmission (a frame sent out of an interface, or
//! a packet a host sends itself) with every event after it up to the next
//! transmission; events before the first transmission belong to step 1.

pub mod json;
pub mod sources;

use json::Json;

use crate::diagram::topology;
use crate::i18n::{Args, Catalogue, Lang};
use crate::trace::capture::{Capture, Captured};
use crate::trace::event::{Direction, Note};
use crate::trace::replay::{NodeState, Replay};

/// The page's HTML skeleton, style and script, each its own file.
const HTML: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// The UI strings the script uses, by catalogue id.
const UI: &[&str] = &[
    "page-step",
    "page-first",
    "page-prev",
    "page-next",
    "page-last",
    "page-play",
    "page-pause",
    "page-keys",
    "page-events",
    "page-explain",
    "page-layers",
    "page-bytes",
    "page-state",
    "page-arp-cache",
    "page-mac-table",
    "page-routes",
    "page-dhcp",
    "page-tcp",
    "page-empty",
    "page-topology",
    "page-no-frame",
    "page-static",
    "page-truncated",
];

/// What to put on the page besides the run.
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// The scenario's name.
    pub title: String,
    /// Its description in English.
    pub description: String,
    /// Its description in Chinese, if it has one.
    pub description_zh: Option<String>,
    /// The language the page opens in (the other is a click away).
    pub lang: Lang,
    /// Keep at most this many events (0: the default, 20 000).
    pub max_events: usize,
}

/// The default cap on events.
pub const MAX_EVENTS: usize = 20_000;

/// Where each step starts: indices of the events that begin one.
pub fn steps(capture: &Capture) -> Vec<usize> {
    let mut starts: Vec<usize> = capture
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(
                e.what,
                Captured::Frame {
                    dir: Direction::Out,
                    ..
                } | Captured::Note(Note::Loopback(_))
            )
        })
        .map(|(i, _)| i)
        .collect();
    match starts.first() {
        None if !capture.events.is_empty() => starts.push(0),
        Some(&first) if first > 0 => starts[0] = 0,
        _ => {}
    }
    starts
}

fn tables_json(capture: &Capture, node: usize, state: &NodeState) -> Json {
    let names = |i: usize| {
        capture
            .topology
            .nodes
            .get(node)
            .and_then(|n| n.ifaces.get(i))
            .map_or("?".to_string(), |f| f.name.clone())
    };
    let arp = state
        .arp
        .iter()
        .map(|(&(iface, ip), &(mac, fixed))| {
            Json::Array(vec![
                ip.to_string().into(),
                mac.to_string().into(),
                names(iface).into(),
                fixed.into(),
            ])
        })
        .collect();
    let macs = state
        .macs
        .iter()
        .map(|(mac, &(port, fixed))| {
            Json::Array(vec![
                mac.to_string().into(),
                names(port).into(),
                fixed.into(),
            ])
        })
        .collect();
    let tcp = state
        .tcp
        .iter()
        .map(|(&(local, remote), st)| {
            Json::Array(vec![
                local.to_string().into(),
                remote.to_string().into(),
                st.to_string().into(),
            ])
        })
        .collect();
    let leases = state
        .leases
        .iter()
        .map(|(&iface, &(addr, prefix, router))| {
            let via = router.map_or(String::new(), |r| format!(", router {r}"));
            Json::from(format!("{addr}/{prefix} on {}{via}", names(iface)))
        })
        .collect();
    Json::Object(vec![
        ("arp", Json::Array(arp)),
        ("macs", Json::Array(macs)),
        ("tcp", Json::Array(tcp)),
        ("leases", Json::Array(leases)),
    ])
}

fn ui_strings(catalogue: &Catalogue) -> Json {
    let mut args = Args::new();
    args.set("n", "{n}");
    args.set("total", "{total}");
    args.set("count", "{count}");
    Json::Object(
        UI.iter()
            .map(|&id| (id, catalogue.text(id, &args).into()))
            .collect(),
    )
}

/// The page's data: everything the script shows, as one JSON object.
pub fn data(capture: &Capture, options: &PageOptions) -> Json {
    let max = if options.max_events == 0 {
        MAX_EVENTS
    } else {
        options.max_events
    };
    let left_out = capture.events.len().saturating_sub(max);
    let mut kept = capture.clone();
    kept.events.truncate(max);
    let capture = &kept;
    let catalogues = [Catalogue::new(Lang::En), Catalogue::new(Lang::Zh)];
    let sentences: Vec<Vec<String>> = catalogues
        .iter()
        .map(|c| sources::sentences(capture, c))
        .collect();
    let topo = &capture.topology;
    let mut frames = Vec::new();
    let mut events = Vec::new();
    for (i, e) in capture.events.iter().enumerate() {
        let (kind, iface, dir) = match &e.what {
            Captured::Frame { iface, dir, .. } => (
                "frame",
                Some(*iface),
                Some(if *dir == Direction::Out { "out" } else { "in" }),
            ),
            Captured::FrameDrop { iface, .. } => ("drop", Some(*iface), None),
            Captured::Note(Note::Loopback(_)) => ("loopback", None, Some("out")),
            Captured::Note(_) => ("note", None, None),
        };
        let link = iface.and_then(|f| topo.nodes.get(e.node)?.ifaces.get(f)?.link);
        let frame = e.what.bytes().map(|bytes| {
            let loopback = matches!(e.what, Captured::Note(Note::Loopback(_)));
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let layers = |c: &Catalogue| {
                Json::Array(
                    sources::layers(bytes, loopback, c)
                        .iter()
                        .map(sources::PageLayer::to_json)
                        .collect(),
                )
            };
            frames.push(Json::Object(vec![
                ("hex", hex.into()),
                ("en", layers(&catalogues[0])),
                ("zh", layers(&catalogues[1])),
            ]));
            frames.len() - 1
        });
        let (time, text) = e.line.split_once(' ').unwrap_or(("", e.line.as_str()));
        events.push(Json::Object(vec![
            ("t", time.into()),
            ("node", e.node.into()),
            ("text", text.into()),
            ("kind", kind.into()),
            ("dir", dir.into()),
            ("link", link.into()),
            ("frame", frame.into()),
            ("en", sentences[0].get(i).cloned().into()),
            ("zh", sentences[1].get(i).cloned().into()),
        ]));
    }
    let replay = Replay::of(capture);
    let mut states = Vec::new();
    for (n, _) in topo.nodes.iter().enumerate() {
        let mut list = Vec::new();
        if let Some(first) = replay.initial(n) {
            list.push(Json::Array(vec![
                Json::Int(-1),
                tables_json(capture, n, first),
            ]));
        }
        for i in replay.changes_of(n) {
            if let Some(s) = replay.after(i, n) {
                list.push(Json::Array(vec![i.into(), tables_json(capture, n, s)]));
            }
        }
        states.push(Json::Array(list));
    }
    let nodes = topo
        .nodes
        .iter()
        .map(|n| {
            let routes = n
                .routes
                .iter()
                .map(|r| {
                    let via = r.via.map_or("direct".to_string(), |v| format!("via {v}"));
                    let iface = n.ifaces.get(r.iface).map_or("?", |i| i.name.as_str());
                    Json::from(format!("{} {via} dev {iface} ({})", r.dest, r.kind))
                })
                .collect();
            // An interface that boots with 0.0.0.0 gets its address by DHCP.
            let dhcp = n
                .ifaces
                .iter()
                .any(|i| i.cidr.is_some_and(|c| c.addr().is_unspecified()));
            Json::Object(vec![
                ("name", n.name.clone().into()),
                ("kind", n.kind.name().into()),
                ("routes", Json::Array(routes)),
                ("dhcp", dhcp.into()),
            ])
        })
        .collect();
    let links = topo
        .links
        .iter()
        .map(|l| Json::Array(vec![l.ends[0].0.into(), l.ends[1].0.into()]))
        .collect();
    Json::Object(vec![
        ("title", options.title.clone().into()),
        (
            "description",
            Json::Object(vec![
                ("en", options.description.clone().into()),
                ("zh", options.description_zh.clone().into()),
            ]),
        ),
        ("lang", options.lang.code().into()),
        ("topology", topology::render(topo, &options.title).into()),
        ("nodes", Json::Array(nodes)),
        ("links", Json::Array(links)),
        ("events", Json::Array(events)),
        ("frames", Json::Array(frames)),
        (
            "steps",
            Json::Array(steps(capture).into_iter().map(Json::from).collect()),
        ),
        ("states", Json::Array(states)),
        ("leftOut", left_out.into()),
        (
            "ui",
            Json::Object(vec![
                ("en", ui_strings(&catalogues[0])),
                ("zh", ui_strings(&catalogues[1])),
            ]),
        ),
    ])
}

/// The whole page for `capture`.
pub fn render(capture: &Capture, options: &PageOptions) -> String {
    let mut data_text = String::new();
    data(capture, options).write(&mut data_text);
    let title = Catalogue::new(options.lang).text("page-title", &{
        let mut a = Args::new();
        a.set("name", options.title.clone());
        a
    });
    let title = crate::diagram::svg::escape(&title);
    fill(
        HTML,
        &[
            ("lang", options.lang.code()),
            ("title", &title),
            ("css", CSS),
            ("data", &data_text),
            ("js", JS),
        ],
    )
}

/// `template` with each `{{key}}` replaced by its value, in one pass, so
/// that a value (a trace line, a scenario's name) can never be taken for a
/// placeholder.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}
