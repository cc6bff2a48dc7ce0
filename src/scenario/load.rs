//! Loading a scenario file: parse the TOML, check every value, resolve every
//! name, and produce a [`Scenario`] or the first mistake in file order.
//!
//! Checking runs in two passes. The first looks at each value on its own
//! (addresses, durations, ranges) and at duplicates; the second resolves
//! names (link endpoints, ping sources and targets, the hosts programs run
//! on), so a misspelt node
//! definition is reported as itself rather than as every link that uses it.
//! Within a pass, the problem that comes first in the file wins.

use std::net::Ipv4Addr;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::error::{line_col, ScenarioError};
use super::file::{FileExpect, FilePing, FileScenario};
use super::links::{builtin_link_defaults, link_params, resolve_links, NodeRef, Nodes};
use super::model::{
    ExpectStep, IpNodeSpec, LinkSpec, Pattern, PingExpect, PingSpec, RunSpec, Scenario, SwitchSpec,
};
use super::nodes::{check_ip_node, check_names, check_switch, check_unique_addresses};
use super::runs::{check_run_host, run_params};
use super::units::parse_duration;
use super::zone::{check_zone, serve_zone};

/// Reads and loads the scenario file at `path`.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::without_position(&file, format!("cannot read {file}: {e}")))?;
    load_str(&text, &file)
}

/// Loads a scenario from `text`; `file_name` is used in messages and gives
/// the scenario's default name (its stem: `x.toml` → `x`).
pub fn load_str(text: &str, file_name: &str) -> Result<Scenario, ScenarioError> {
    let raw: FileScenario = toml::from_str(text).map_err(|e| {
        let message = e
            .message()
            .replacen("unknown field", "unknown key", 1)
            .replacen("missing field", "missing key", 1);
        match e.span() {
            Some(span) => ScenarioError::at(file_name, text, span, message),
            None => ScenarioError::without_position(file_name, message),
        }
    })?;
    resolve(&raw, text, file_name)
        .map_err(|p| ScenarioError::at(file_name, text, p.span, p.message))
}

/// A mistake at a byte range of the file, before it gets a line and column.
#[derive(Debug)]
pub(super) struct Problem {
    span: Range<usize>,
    message: String,
}

impl Problem {
    /// Whichever of `self` and `other` comes first in the file.
    pub(super) fn first_of(self, other: Problem) -> Problem {
        match other.span.start < self.span.start {
            true => other,
            false => self,
        }
    }
}

/// A problem at `span`.
pub(super) fn problem(span: Range<usize>, message: impl Into<String>) -> Problem {
    Problem {
        span,
        message: message.into(),
    }
}

/// Collects problems, keeping the one that comes first in the file.
pub(super) struct Problems<'t> {
    text: &'t str,
    first: Option<Problem>,
}

impl Problems<'_> {
    /// Records `p` if it comes before every problem seen so far.
    pub(super) fn report(&mut self, p: Problem) {
        match &self.first {
            Some(first) if first.span.start <= p.span.start => {}
            _ => self.first = Some(p),
        }
    }

    /// The value, or `None` after recording the problem.
    pub(super) fn check<T>(&mut self, result: Result<T, Problem>) -> Option<T> {
        result.map_err(|p| self.report(p)).ok()
    }

    /// The 1-based line of byte `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        line_col(self.text, offset).0
    }

    /// Ends a pass: the first problem, if any.
    fn finish(&mut self) -> Result<(), Problem> {
        self.first.take().map_or(Ok(()), Err)
    }
}

/// An integer key that must lie in `lo..=hi` (no upper bound if `hi` is None).
pub(super) fn ranged<T: TryFrom<i64>>(
    raw: &Spanned<i64>,
    key: &str,
    lo: i64,
    hi: Option<i64>,
) -> Result<T, Problem> {
    let v = *raw.get_ref();
    let message = match hi {
        Some(hi) => format!("{key} must be between {lo} and {hi}, got {v}"),
        None => format!("{key} must be at least {lo}, got {v}"),
    };
    if v < lo || hi.is_some_and(|hi| v > hi) {
        return Err(problem(raw.span(), message));
    }
    T::try_from(v).map_err(|_| problem(raw.span(), message))
}

/// An optional integer key in `lo..=hi`, or `default` when absent.
fn ranged_or<T: TryFrom<i64>>(
    raw: &Option<Spanned<i64>>,
    key: &str,
    lo: i64,
    hi: i64,
    default: T,
) -> Result<T, Problem> {
    raw.as_ref()
        .map_or(Ok(default), |v| ranged(v, key, lo, Some(hi)))
}

/// A duration key, or `default` when absent.
pub(super) fn duration_or(
    raw: Option<&Spanned<String>>,
    key: &str,
    default: Duration,
) -> Result<Duration, Problem> {
    match raw {
        None => Ok(default),
        Some(v) => parse_duration(v.get_ref())
            .map_err(|e| problem(v.span(), format!("invalid {key}: {e}"))),
    }
}

/// A start time (`at`), zero when absent. It must come before the time
/// limit, or `what` (`the ping`) would never start.
pub(super) fn start_time(
    raw: Option<&Spanned<String>>,
    time_limit: Option<Duration>,
    what: &str,
) -> Result<Duration, Problem> {
    let at = duration_or(raw, "at", Duration::ZERO)?;
    if let (Some(limit), Some(at_raw)) = (time_limit, raw) {
        if at >= limit {
            return Err(problem(
                at_raw.span(),
                format!("{what} starts at {at:?}, not before the time limit ({limit:?}); it would never run"),
            ));
        }
    }
    Ok(at)
}

fn resolve(raw: &FileScenario, text: &str, file: &str) -> Result<Scenario, Problem> {
    let mut problems = Problems { text, first: None };

    // Pass 1: each value on its own, and duplicates.
    let time_limit = problems.check(positive(raw.time_limit.as_ref(), "time_limit", 60));
    let max_events = match &raw.max_events {
        Some(v) => problems.check(ranged(v, "max_events", 1, None)),
        None => Some(10_000_000),
    };
    let builtin = builtin_link_defaults();
    let defaults = match &raw.link_defaults {
        Some(d) => problems.check(link_params(d, &builtin)).unwrap_or(builtin),
        None => builtin,
    };
    check_names(raw, &mut problems);
    let hosts: Vec<_> = raw
        .host
        .iter()
        .filter_map(|n| problems.check(check_ip_node(n, "host")))
        .collect();
    let routers: Vec<_> = raw
        .router
        .iter()
        .filter_map(|n| problems.check(check_ip_node(n, "router")))
        .collect();
    check_unique_addresses(hosts.iter().chain(&routers), &mut problems);
    let switches: Vec<SwitchSpec> = raw
        .switch
        .iter()
        .filter_map(|s| problems.check(check_switch(s)))
        .collect();
    let links: Vec<LinkSpec> = raw
        .link
        .iter()
        .filter_map(|l| problems.check(link_params(&l.get_ref().params(), &defaults)))
        .collect();
    let pings: Vec<PingSpec> = raw
        .ping
        .iter()
        .filter_map(|p| problems.check(ping_params(p, time_limit)))
        .collect();
    let mut runs: Vec<RunSpec> = raw
        .run
        .iter()
        .filter_map(|r| problems.check(run_params(r, time_limit)))
        .collect();
    let zone = raw
        .zone
        .as_ref()
        .and_then(|z| problems.check(check_zone(z)).map(|entries| (z, entries)));
    let expect: Vec<ExpectStep> = raw
        .expect
        .iter()
        .filter_map(|e| problems.check(expect_step(e, text, file)))
        .collect();
    problems.finish()?;

    // Pass 2: names.
    let hosts: Vec<IpNodeSpec> = hosts.into_iter().map(|n| n.spec).collect();
    let routers: Vec<IpNodeSpec> = routers.into_iter().map(|n| n.spec).collect();
    let nodes = Nodes::new(&hosts, &routers, &switches);
    let links = resolve_links(&raw.link, links, &nodes, &mut problems);
    let pings: Vec<PingSpec> = raw
        .ping
        .iter()
        .zip(pings)
        .filter_map(|(r, p)| problems.check(resolve_ping(r, p, &nodes)))
        .collect();
    for r in &raw.run {
        problems.check(check_run_host(r, &hosts, &routers, &switches));
    }
    if let Some((raw_zone, entries)) = zone {
        problems.check(serve_zone(raw_zone, &entries, &mut runs));
    }
    problems.finish()?;

    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    Ok(Scenario {
        name: raw
            .name
            .clone()
            .or(stem)
            .unwrap_or_else(|| file.to_string()),
        description: raw.description.clone().unwrap_or_default(),
        description_zh: raw.description_zh.clone(),
        seed: raw.seed.unwrap_or(1),
        time_limit: time_limit.unwrap_or_default(),
        max_events: max_events.unwrap_or_default(),
        hosts,
        routers,
        switches,
        links,
        pings,
        runs,
        expect,
    })
}

/// A duration key that must be longer than zero; `default_secs` when absent.
fn positive(
    raw: Option<&Spanned<String>>,
    key: &str,
    default_secs: u64,
) -> Result<Duration, Problem> {
    let d = duration_or(raw, key, Duration::from_secs(default_secs))?;
    match raw {
        Some(v) if d.is_zero() => Err(problem(v.span(), format!("{key} must be longer than 0s"))),
        _ => Ok(d),
    }
}

/// A ping's own values; `from` is copied as written and `to` left unset.
fn ping_params(raw: &FilePing, time_limit: Option<Duration>) -> Result<PingSpec, Problem> {
    let at = start_time(raw.at.as_ref(), time_limit, "the ping")?;
    let count = ranged_or(&raw.count, "count", 1, u16::MAX.into(), 3)?;
    let expect_count = |raw: &Option<Spanned<i64>>, key: &str| -> Result<Option<u16>, Problem> {
        let Some(v) = raw else { return Ok(None) };
        let n: u16 = ranged(v, key, 0, Some(u16::MAX.into()))?;
        match n > count {
            true => Err(problem(
                v.span(),
                format!("{key} is {n} but the ping sends only {count} requests"),
            )),
            false => Ok(Some(n)),
        }
    };
    Ok(PingSpec {
        label: raw.label.clone(),
        at,
        from: raw.from.get_ref().clone(),
        to: Ipv4Addr::UNSPECIFIED,
        count,
        interval: duration_or(raw.interval.as_ref(), "interval", Duration::from_secs(1))?,
        size: ranged_or(&raw.size, "size", 0, 65507, 56)?,
        ttl: ranged_or(&raw.ttl, "ttl", 1, 255, 64)?,
        wait: duration_or(raw.wait.as_ref(), "wait", Duration::from_secs(5))?,
        expect: PingExpect {
            received: expect_count(&raw.expect_received, "expect_received")?,
            errors: expect_count(&raw.expect_errors, "expect_errors")?,
        },
    })
}

/// Checks a ping's `from` and resolves its `to`.
fn resolve_ping(raw: &FilePing, mut ping: PingSpec, nodes: &Nodes) -> Result<PingSpec, Problem> {
    let from = raw.from.get_ref();
    if let NodeRef::Switch = nodes.get(from, raw.from.span())? {
        return Err(problem(
            raw.from.span(),
            format!("`{from}` is a switch; a ping starts from a host or router"),
        ));
    }
    let to = raw.to.get_ref();
    ping.to = match (to.parse::<Ipv4Addr>(), nodes.by_name.get(to.as_str())) {
        (Ok(addr), _) => addr,
        (Err(_), Some(NodeRef::Ip(spec))) if spec.interfaces.first().is_some_and(|i| i.dhcp) => {
            return Err(problem(
                raw.to.span(),
                format!(
                    "`{to}` gets its address by DHCP, so the file cannot know it; \
                     ping an address from the server's pool instead"
                ),
            ))
        }
        (Err(_), Some(NodeRef::Ip(spec))) => spec
            .interfaces
            .first()
            .map_or(Ipv4Addr::UNSPECIFIED, |i| i.addr),
        (Err(_), Some(NodeRef::Switch)) => {
            return Err(problem(
                raw.to.span(),
                format!(
                "`{to}` is a switch and has no address; ping a host, a router or an IPv4 address"
            ),
            ))
        }
        (Err(_), None) => {
            let message = format!(
                "`{to}` is neither an IPv4 address nor a host or router ({})",
                nodes.known(true)
            );
            return Err(problem(raw.to.span(), message));
        }
    };
    Ok(ping)
}

/// One `[[expect]]`: exactly one non-empty pattern.
fn expect_step(raw: &Spanned<FileExpect>, text: &str, file: &str) -> Result<ExpectStep, Problem> {
    let step = raw.get_ref();
    let given: Vec<(&Spanned<String>, &str)> = [
        (&step.see, "see"),
        (&step.absent, "absent"),
        (&step.never, "never"),
    ]
    .into_iter()
    .filter_map(|(value, kind)| value.as_ref().map(|v| (v, kind)))
    .collect();
    let (pattern, kind) = match given.as_slice() {
        [one] => *one,
        [] => {
            return Err(problem(
                raw.span(),
                "an [[expect]] needs `see = \"…\"` (must appear next), `absent = \"…\"` (must not appear \
                 before the next `see`) or `never = \"…\"` (must not appear at all)",
            ));
        }
        several => {
            // Point at whichever of them comes last in the file.
            let later = several
                .iter()
                .map(|(v, _)| v.span())
                .max_by_key(|s| s.start);
            return Err(problem(
                later.unwrap_or_else(|| raw.span()),
                "an [[expect]] takes one of `see`, `absent` and `never`; use one [[expect]] table for each",
            ));
        }
    };
    if pattern.get_ref().chars().all(|c| c == '*') {
        return Err(problem(
            pattern.span(),
            "this pattern matches every line; write some text to look for, like \"ARP who-has\"",
        ));
    }
    let (line, column) = line_col(text, pattern.span().start);
    let pattern = Pattern {
        text: pattern.get_ref().clone(),
        origin: format!("{file}:{line}:{column}"),
    };
    Ok(match kind {
        "see" => ExpectStep::See(pattern),
        "absent" => ExpectStep::Absent(pattern),
        _ => ExpectStep::Never(pattern),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkParams;
    use crate::scenario::model::{Endpoint, IfaceSpec, RouteSpec};
    use crate::stack::tcp::TcpConfig;

    const CROSS_SUBNET: &str = r#"
name = "cross_subnet_arp"
description = "pc1 pings pc2 through gw"
seed = 7
time_limit = "10s"

[link_defaults]
latency = "2ms"

[[host]]
name = "pc1"
ip = "192.168.1.2/24"
mac = "02:aa:00:00:00:01"
gateway = "192.168.1.1"

[[host]]
name = "pc2"
interfaces = [{ ip = "192.168.2.2/24", mtu = 1400 }]
gateway = "192.168.2.1"
routes = [{ to = "10.0.0.0/8", via = "192.168.2.254" }]

[[router]]
name = "gw"
interfaces = [{ ip = "192.168.1.1/24" }, { name = "wan", ip = "192.168.2.1/24" }]

[[switch]]
name = "sw1"

[[switch]]
name = "sw2"
aging = "30s"

[[link]]
a = "pc1"
b = "sw1"

[[link]]
a = "sw1.eth0"
b = "gw.eth0"
bandwidth = "1Gbit"

[[link]]
a = "gw.wan"
b = "sw2"
queue = 8
loss = 0.5

[[link]]
a = "sw2"
b = "pc2"
latency = "250us"

[[ping]]
at = "1s"
from = "pc1"
to = "pc2"
count = 2
expect_received = 2

[[expect]]
see = "pc1.eth0 > * ARP who-has 192.168.1.1"
[[expect]]
absent = "ICMP time exceeded"

[[run]]
host = "pc2"
program = "echo"
args = ["hello", "there"]
at = "1500ms"

[[run]]
host = "pc1"
program = "echo"
"#;

    fn ep(node: &str, iface: &str) -> Endpoint {
        Endpoint {
            node: node.into(),
            iface: iface.into(),
        }
    }

    fn iface(name: &str, addr: [u8; 4], mtu: u16) -> IfaceSpec {
        IfaceSpec {
            name: name.into(),
            addr: Ipv4Addr::from(addr),
            prefix_len: 24,
            mac: None,
            mtu,
            dhcp: false,
        }
    }

    fn with(mut link: LinkSpec, change: impl FnOnce(&mut LinkParams)) -> LinkSpec {
        change(&mut link.params);
        link
    }

    fn link(a: Endpoint, b: Endpoint) -> LinkSpec {
        LinkSpec {
            a,
            b,
            params: LinkParams {
                latency: Duration::from_millis(2),
                ..LinkParams::DEFAULT
            },
        }
    }

    #[test]
    fn loads_the_cross_subnet_example() {
        let got = load_str(CROSS_SUBNET, "scenarios/cross.toml").unwrap();
        let mut pc1_eth0 = iface("eth0", [192, 168, 1, 2], 1500);
        pc1_eth0.mac = Some("02:aa:00:00:00:01".parse().unwrap());
        let want = Scenario {
            name: "cross_subnet_arp".into(),
            description: "pc1 pings pc2 through gw".into(),
            description_zh: None,
            seed: 7,
            time_limit: Duration::from_secs(10),
            max_events: 10_000_000,
            hosts: vec![
                IpNodeSpec {
                    name: "pc1".into(),
                    interfaces: vec![pc1_eth0],
                    routes: vec![],
                    gateway: Some(Ipv4Addr::new(192, 168, 1, 1)),
                    tcp: TcpConfig::default(),
                    dns: None,
                },
                IpNodeSpec {
                    name: "pc2".into(),
                    interfaces: vec![iface("eth0", [192, 168, 2, 2], 1400)],
                    routes: vec![RouteSpec {
                        dest: Ipv4Addr::new(10, 0, 0, 0),
                        prefix_len: 8,
                        via: Ipv4Addr::new(192, 168, 2, 254),
                    }],
                    gateway: Some(Ipv4Addr::new(192, 168, 2, 1)),
                    tcp: TcpConfig::default(),
                    dns: None,
                },
            ],
            routers: vec![IpNodeSpec {
                name: "gw".into(),
                interfaces: vec![
                    iface("eth0", [192, 168, 1, 1], 1500),
                    iface("wan", [192, 168, 2, 1], 1500),
                ],
                routes: vec![],
                gateway: None,
                tcp: TcpConfig::default(),
                dns: None,
            }],
            switches: vec![
                SwitchSpec {
                    name: "sw1".into(),
                    aging: Duration::from_secs(300),
                },
                SwitchSpec {
                    name: "sw2".into(),
                    aging: Duration::from_secs(30),
                },
            ],
            links: vec![
                // sw1.eth0 is named by the second link, so the bare `sw1` gets eth1.
                link(ep("pc1", "eth0"), ep("sw1", "eth1")),
                with(link(ep("sw1", "eth0"), ep("gw", "eth0")), |p| {
                    p.bandwidth_bps = 1_000_000_000;
                }),
                with(link(ep("gw", "wan"), ep("sw2", "eth0")), |p| {
                    p.queue_frames = 8;
                    p.loss = 0.5;
                }),
                with(link(ep("sw2", "eth1"), ep("pc2", "eth0")), |p| {
                    p.latency = Duration::from_micros(250);
                }),
            ],
            pings: vec![PingSpec {
                label: None,
                at: Duration::from_secs(1),
                from: "pc1".into(),
                to: Ipv4Addr::new(192, 168, 2, 2),
                count: 2,
                interval: Duration::from_secs(1),
                size: 56,
                ttl: 64,
                wait: Duration::from_secs(5),
                expect: PingExpect {
                    received: Some(2),
                    errors: None,
                },
            }],
            runs: vec![
                RunSpec {
                    host: "pc2".into(),
                    program: "echo".into(),
                    args: vec!["hello".into(), "there".into()],
                    at: Duration::from_millis(1500),
                },
                RunSpec {
                    host: "pc1".into(),
                    program: "echo".into(),
                    args: vec![],
                    at: Duration::ZERO,
                },
            ],
            expect: vec![
                ExpectStep::See(Pattern {
                    text: "pc1.eth0 > * ARP who-has 192.168.1.1".into(),
                    origin: "scenarios/cross.toml:61:7".into(),
                }),
                ExpectStep::Absent(Pattern {
                    text: "ICMP time exceeded".into(),
                    origin: "scenarios/cross.toml:63:10".into(),
                }),
            ],
        };
        assert_eq!(got, want);
    }

    #[test]
    fn empty_file_gets_defaults() {
        let got = load_str("", "dir/empty.toml").unwrap();
        assert_eq!(got.name, "empty");
        assert_eq!(got.description, "");
        assert_eq!(got.seed, 1);
        assert_eq!(got.time_limit, Duration::from_secs(60));
        assert_eq!(got.max_events, 10_000_000);
        assert!(got.hosts.is_empty() && got.links.is_empty() && got.expect.is_empty());
        assert!(got.runs.is_empty());
    }

    #[test]
    fn link_defaults_apply_and_ping_to_an_address() {
        let text = r#"
[link_defaults]
latency = "5ms"
bandwidth = "unlimited"
queue = 3
loss = 0.25
[[host]]
name = "a"
ip = "10.0.0.1/31"
[[host]]
name = "b"
ip = "10.0.0.0/31"
[[link]]
a = "a"
b = "b.eth0"
[[ping]]
from = "b"
to = "10.9.9.9"
"#;
        let got = load_str(text, "t.toml").unwrap();
        let l = &got.links[0].params;
        assert_eq!(l.latency, Duration::from_millis(5));
        assert_eq!((l.bandwidth_bps, l.queue_frames, l.loss), (0, 3, 0.25));
        assert_eq!(got.pings[0].to, Ipv4Addr::new(10, 9, 9, 9));
        assert_eq!(got.pings[0].at, Duration::ZERO);
    }

    #[test]
    fn unreadable_file_has_no_position() {
        let e = load_file(Path::new("/nonexistent/x.toml")).unwrap_err();
        assert_eq!(e.line, 0);
        assert!(e
            .to_string()
            .starts_with("error: cannot read /nonexistent/x.toml: "));
        assert!(!e.to_string().contains("-->"));
    }

    #[test]
    fn a_chinese_description_loads_beside_the_english_one() {
        let text = "name = \"x\"\ndescription = \"two hosts\"\ndescription_zh = \"两台主机\"\n";
        let got = load_str(text, "x.toml").unwrap();
        assert_eq!(got.description, "two hosts");
        assert_eq!(got.description_zh.as_deref(), Some("两台主机"));
        assert_eq!(
            load_str("name = \"y\"", "y.toml").unwrap().description_zh,
            None
        );
    }
}
