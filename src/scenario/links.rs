//! Link parameters and link endpoints: `pc1`, `gw.eth1`, `sw1`, `sw1.eth2`.
//!
//! Switch ports are created on demand. Every port a link names explicitly is
//! set aside first; then, in link order, each bare switch end gets the lowest
//! `ethN` neither set aside nor given out already.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::file::{FileLink, FileLinkParams};
use super::load::{duration_or, problem, ranged, Problem, Problems};
use super::model::{Endpoint, IpNodeSpec, LinkSpec, SwitchSpec};
use super::units::parse_bandwidth;
use crate::link::LinkParams;

/// Link parameters when neither the link nor `[link_defaults]` sets them:
/// [`LinkParams::DEFAULT`]: 1ms, 100 Mbit/s, 100 frames, no impairments.
/// The endpoints are left empty.
pub(super) fn builtin_link_defaults() -> LinkSpec {
    let unresolved = || Endpoint {
        node: String::new(),
        iface: String::new(),
    };
    LinkSpec {
        a: unresolved(),
        b: unresolved(),
        params: LinkParams::DEFAULT,
    }
}

impl FileLink {
    /// The link's own parameters, as `[link_defaults]` would give them.
    pub(super) fn params(&self) -> FileLinkParams {
        FileLinkParams {
            latency: self.latency.clone(),
            bandwidth: self.bandwidth.clone(),
            queue: self.queue.clone(),
            loss: self.loss.clone(),
            duplicate: self.duplicate.clone(),
            reorder: self.reorder.clone(),
            reorder_delay: self.reorder_delay.clone(),
            corrupt: self.corrupt.clone(),
            down: self.down.clone(),
        }
    }
}

/// `base` with the parameters `raw` sets; the endpoints are left as in `base`.
pub(super) fn link_params(raw: &FileLinkParams, base: &LinkSpec) -> Result<LinkSpec, Problem> {
    let mut link = base.clone();
    let p = &mut link.params;
    p.latency = duration_or(raw.latency.as_ref(), "latency", p.latency)?;
    if let Some(bw) = &raw.bandwidth {
        p.bandwidth_bps = parse_bandwidth(bw.get_ref())
            .map_err(|e| problem(bw.span(), format!("invalid bandwidth: {e}")))?;
    }
    if let Some(queue) = &raw.queue {
        p.queue_frames = ranged(queue, "queue", 1, None)?;
    }
    let value_or =
        |raw: &Option<Spanned<f64>>, default| raw.as_ref().map_or(default, |v| *v.get_ref());
    p.loss = value_or(&raw.loss, p.loss);
    p.duplicate = value_or(&raw.duplicate, p.duplicate);
    p.reorder = value_or(&raw.reorder, p.reorder);
    p.reorder_delay = duration_or(raw.reorder_delay.as_ref(), "reorder_delay", p.reorder_delay)?;
    p.corrupt = value_or(&raw.corrupt, p.corrupt);
    if let Some(down) = &raw.down {
        p.down = Some(outage(down)?);
    }
    p.check().map_err(|bad| {
        // Point at the key at fault; for a zero reorder_delay set in
        // [link_defaults], at this link's `reorder`.
        let span = match bad.key {
            "loss" => raw.loss.as_ref().map(Spanned::span),
            "duplicate" => raw.duplicate.as_ref().map(Spanned::span),
            "reorder" => raw.reorder.as_ref().map(Spanned::span),
            "corrupt" => raw.corrupt.as_ref().map(Spanned::span),
            "queue" => raw.queue.as_ref().map(Spanned::span),
            _ => (raw.reorder_delay.as_ref().map(Spanned::span))
                .or_else(|| raw.reorder.as_ref().map(Spanned::span)),
        };
        problem(span.unwrap_or(0..0), bad.message)
    })?;
    Ok(link)
}

/// `down = ["25s", "70s"]`: when the cable is cut, and until when.
fn outage(raw: &Spanned<Vec<Spanned<String>>>) -> Result<(Duration, Duration), Problem> {
    let [from, until] = raw.get_ref().as_slice() else {
        return Err(problem(
            raw.span(),
            "`down` takes two durations, when the cable is cut and when it is back: down = [\"25s\", \"70s\"]",
        ));
    };
    let from_d = duration_or(Some(from), "down", Duration::ZERO)?;
    let until_d = duration_or(Some(until), "down", Duration::ZERO)?;
    if until_d <= from_d {
        return Err(problem(
            until.span(),
            format!("the cable comes back at {until_d:?}, not after it is cut at {from_d:?}"),
        ));
    }
    Ok((from_d, until_d))
}

/// What a name in the file stands for.
#[derive(Clone, Copy)]
pub(super) enum NodeRef<'a> {
    /// A host or router.
    Ip(&'a IpNodeSpec),
    /// A switch.
    Switch,
}

/// Every node by name.
pub(super) struct Nodes<'a> {
    pub(super) by_name: BTreeMap<&'a str, NodeRef<'a>>,
}

impl<'a> Nodes<'a> {
    pub(super) fn new(
        hosts: &'a [IpNodeSpec],
        routers: &'a [IpNodeSpec],
        switches: &'a [SwitchSpec],
    ) -> Self {
        let mut by_name = BTreeMap::new();
        for node in hosts.iter().chain(routers) {
            by_name.insert(node.name.as_str(), NodeRef::Ip(node));
        }
        for switch in switches {
            by_name.insert(switch.name.as_str(), NodeRef::Switch);
        }
        Nodes { by_name }
    }

    /// The node called `name`, or a problem at `span` listing the known ones.
    pub(super) fn get(&self, name: &str, span: Range<usize>) -> Result<NodeRef<'a>, Problem> {
        self.by_name.get(name).copied().ok_or_else(|| {
            problem(
                span,
                format!("no node named `{name}` ({})", self.known(false)),
            )
        })
    }

    /// "known nodes: a, b", sorted, for messages; only hosts and routers
    /// when `ip_only`.
    pub(super) fn known(&self, ip_only: bool) -> String {
        let names: Vec<&str> = self
            .by_name
            .iter()
            .filter(|(_, node)| !ip_only || matches!(node, NodeRef::Ip(_)))
            .map(|(name, _)| *name)
            .collect();
        match (names.is_empty(), ip_only) {
            (true, false) => "the scenario defines no nodes".to_string(),
            (true, true) => "the scenario defines no hosts or routers".to_string(),
            (false, false) => format!("known nodes: {}", names.join(", ")),
            (false, true) => format!("hosts and routers: {}", names.join(", ")),
        }
    }
}

/// A link endpoint as written, checked against the nodes.
enum Target<'a> {
    /// An IP node's interface or an explicitly named switch port.
    Named(&'a str, String),
    /// A bare switch name: its next free port.
    NextPort(&'a str),
}

fn target<'a>(raw: &'a Spanned<String>, nodes: &Nodes) -> Result<Target<'a>, Problem> {
    let text = raw.get_ref().as_str();
    let span = raw.span();
    let (node, iface) = match text.split_once('.') {
        Some((n, i)) => (n, Some(i)),
        None => (text, None),
    };
    if node.is_empty() || iface == Some("") {
        return Err(problem(
            span,
            format!("`{text}` is not a link end; expected `node` or `node.interface`, like `pc1` or `pc1.eth0`"),
        ));
    }
    match (nodes.get(node, span.clone())?, iface) {
        (NodeRef::Ip(spec), None) => match spec.interfaces.as_slice() {
            [one] => Ok(Target::Named(node, one.name.clone())),
            many => Err(problem(
                span,
                format!(
                    "`{node}` has {} interfaces ({}); name one, like `{node}.{}`",
                    many.len(),
                    iface_names(spec),
                    many.first().map_or("eth0", |i| i.name.as_str())
                ),
            )),
        },
        (NodeRef::Ip(spec), Some(iface)) => match spec.interfaces.iter().any(|i| i.name == iface) {
            true => Ok(Target::Named(node, iface.to_string())),
            false => Err(problem(
                span,
                format!("`{node}` has no interface `{iface}` (its interfaces: {})", iface_names(spec)),
            )),
        },
        (NodeRef::Switch, None) => Ok(Target::NextPort(node)),
        (NodeRef::Switch, Some(port)) => match port_number(port) {
            Some(_) => Ok(Target::Named(node, port.to_string())),
            None => Err(problem(
                span,
                format!("`{port}` is not a switch port; switch ports are named eth0, eth1, …, like `{node}.eth2`"),
            )),
        },
    }
}

fn iface_names(spec: &IpNodeSpec) -> String {
    let names: Vec<&str> = spec.interfaces.iter().map(|i| i.name.as_str()).collect();
    names.join(", ")
}

/// `N` of a port named `ethN`, written without leading zeros.
fn port_number(port: &str) -> Option<u32> {
    let digits = port.strip_prefix("eth")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Fills in each link's endpoints, giving bare switch ends the lowest `ethN`
/// that no link names explicitly and no earlier link was given.
pub(super) fn resolve_links(
    raw: &[Spanned<FileLink>],
    links: Vec<LinkSpec>,
    nodes: &Nodes,
    problems: &mut Problems,
) -> Vec<LinkSpec> {
    let ends = |l: &Spanned<FileLink>| [l.get_ref().a.clone(), l.get_ref().b.clone()];
    let all_ends: Vec<Spanned<String>> = raw.iter().flat_map(ends).collect();
    let mut taken: BTreeSet<(String, String)> = BTreeSet::new();
    for end in &all_ends {
        if let Ok(Target::Named(node, port)) = target(end, nodes) {
            if matches!(nodes.by_name.get(node), Some(NodeRef::Switch)) {
                taken.insert((node.to_string(), port));
            }
        }
    }
    // Which link (by its line) uses each interface or port.
    let mut used: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (link, mut spec) in raw.iter().zip(links) {
        let line = problems.line_of(link.span().start);
        let mut connect = |end: &Spanned<String>, other: Option<&Endpoint>| {
            let (node, iface) = match target(end, nodes)? {
                Target::Named(node, iface) => (node.to_string(), iface),
                Target::NextPort(node) => (0u32..)
                    .map(|n| (node.to_string(), format!("eth{n}")))
                    .find(|key| !taken.contains(key) && !used.contains_key(key))
                    .unwrap_or_default(),
            };
            if other.is_some_and(|o| o.node == node && o.iface == iface) {
                let message = format!("a link cannot connect `{node}.{iface}` to itself");
                return Err(problem(end.span(), message));
            }
            if let Some(first) = used.get(&(node.clone(), iface.clone())) {
                let message =
                    format!("`{node}.{iface}` is already used by the link at line {first}");
                return Err(problem(end.span(), message));
            }
            used.insert((node.clone(), iface.clone()), line);
            Ok(Endpoint { node, iface })
        };
        let link = link.get_ref();
        let ends = connect(&link.a, None).and_then(|a| {
            let b = connect(&link.b, Some(&a))?;
            Ok((a, b))
        });
        if let Some((a, b)) = problems.check(ends) {
            spec.a = a;
            spec.b = b;
            out.push(spec);
        }
    }
    out
}
