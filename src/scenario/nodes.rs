//! Checking `[[host]]`, `[[router]]` and `[[switch]]` tables: names,
//! interfaces, addresses, gateways and routes.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::ops::Range;

use toml::Spanned;

use super::file::{FileIface, FileIpNode, FileScenario, FileSwitch, FileTcp};
use super::load::{duration_or, problem, ranged, Problem, Problems};
use super::model::{IfaceSpec, IpNodeSpec, RouteSpec, SwitchSpec};
use crate::stack::tcp::TcpConfig;
use crate::wire::MacAddr;

/// A checked host or router, with where its addresses are written (for the
/// scenario-wide duplicate checks).
pub(super) struct CheckedNode {
    /// The node itself.
    pub spec: IpNodeSpec,
    /// For each interface, the span of its address.
    pub addr_spans: Vec<Range<usize>>,
    /// For each interface, the span of its MAC, if the file gives one.
    pub mac_spans: Vec<Option<Range<usize>>>,
}

/// Checks that node names are well formed and unique across hosts, routers
/// and switches, reporting the later of two equal names.
pub(super) fn check_names(raw: &FileScenario, problems: &mut Problems) {
    let mut names: Vec<&Spanned<String>> = raw.host.iter().map(|n| &n.name).collect();
    names.extend(raw.router.iter().map(|n| &n.name));
    names.extend(raw.switch.iter().map(|s| &s.name));
    names.sort_by_key(|n| n.span().start);
    let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
    for name in names {
        problems.check(check_identifier(name, "a node name"));
        if let Some(first) = seen.get(name.get_ref().as_str()) {
            let line = problems.line_of(first.start);
            problems.report(problem(
                name.span(),
                format!(
                    "a node named `{}` already exists (line {line})",
                    name.get_ref()
                ),
            ));
        } else {
            seen.insert(name.get_ref(), name.span());
        }
    }
}

/// Names of nodes and interfaces: letters, digits, `-` and `_`.
fn check_identifier(name: &Spanned<String>, what: &str) -> Result<(), Problem> {
    let text = name.get_ref();
    let ok = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    if text.is_empty() || !text.chars().all(ok) {
        return Err(problem(
            name.span(),
            format!("`{text}` is not a valid name; {what} uses letters, digits, `-` and `_`, like `pc1`"),
        ));
    }
    Ok(())
}

/// The keys that describe one interface, from `ip`/`mac`/`mtu` on the node
/// or from one entry of `interfaces`.
struct IfaceFields<'a> {
    name: Option<&'a Spanned<String>>,
    ip: &'a Spanned<String>,
    mac: Option<&'a Spanned<String>>,
    mtu: Option<&'a Spanned<i64>>,
}

impl<'a> IfaceFields<'a> {
    fn of(iface: &'a FileIface) -> Self {
        IfaceFields {
            name: iface.name.as_ref(),
            ip: &iface.ip,
            mac: iface.mac.as_ref(),
            mtu: iface.mtu.as_ref(),
        }
    }
}

/// Checks one host or router (`kind` is "host" or "router").
pub(super) fn check_ip_node(raw: &FileIpNode, kind: &str) -> Result<CheckedNode, Problem> {
    let name = raw.name.get_ref();
    let ifaces: Vec<IfaceFields> = match (&raw.ip, &raw.interfaces) {
        (Some(_), Some(list)) => {
            return Err(problem(
                list.span(),
                format!("{kind} `{name}` has both `ip` and `interfaces`; give one or the other"),
            ))
        }
        (Some(ip), None) => vec![IfaceFields {
            name: None,
            ip,
            mac: raw.mac.as_ref(),
            mtu: raw.mtu.as_ref(),
        }],
        (None, None) => {
            return Err(problem(
                raw.name.span(),
                format!(
                    "{kind} `{name}` has no interface: give it `ip = \"192.168.1.2/24\"` \
                     or `interfaces = [{{ ip = \"192.168.1.2/24\" }}, …]`"
                ),
            ))
        }
        (None, Some(list)) => {
            if let Some(mac) = &raw.mac {
                return Err(problem(mac.span(), without_ip("mac")));
            }
            if let Some(mtu) = &raw.mtu {
                return Err(problem(mtu.span(), without_ip("mtu")));
            }
            if list.get_ref().is_empty() {
                return Err(problem(
                    list.span(),
                    "`interfaces` is empty; give at least one, like [{ ip = \"10.0.0.1/24\" }]",
                ));
            }
            list.get_ref().iter().map(IfaceFields::of).collect()
        }
    };

    let mut node = CheckedNode {
        spec: IpNodeSpec {
            name: name.clone(),
            interfaces: Vec::new(),
            routes: Vec::new(),
            gateway: None,
            dns: None,
            tcp: tcp_config(raw.tcp.as_ref())?,
        },
        addr_spans: Vec::new(),
        mac_spans: Vec::new(),
    };
    for (index, fields) in ifaces.into_iter().enumerate() {
        let (iface_name, name_span) = match fields.name {
            Some(n) => {
                check_identifier(n, "an interface name")?;
                (n.get_ref().clone(), n.span())
            }
            None => (format!("eth{index}"), fields.ip.span()),
        };
        if node.spec.interfaces.iter().any(|i| i.name == iface_name) {
            return Err(problem(
                name_span,
                format!(
                    "`{name}` already has an interface named `{iface_name}` \
                     (unnamed interfaces are called eth0, eth1, … by position)"
                ),
            ));
        }
        let dhcp = fields.ip.get_ref().trim() == "dhcp";
        if dhcp && kind != "host" {
            return Err(problem(
                fields.ip.span(),
                format!("`ip = \"dhcp\"` is for hosts; {kind} `{name}` needs fixed addresses"),
            ));
        }
        let (addr, prefix_len) = if dhcp {
            (Ipv4Addr::UNSPECIFIED, 32)
        } else {
            parse_host_cidr(fields.ip)?
        };
        let mac = fields.mac.map(parse_mac).transpose()?;
        let mtu = fields
            .mtu
            .map_or(Ok(1500), |m| ranged(m, "mtu", 68, Some(1500)))?;
        node.addr_spans.push(fields.ip.span());
        node.mac_spans.push(fields.mac.map(Spanned::span));
        node.spec.interfaces.push(IfaceSpec {
            name: iface_name,
            addr,
            prefix_len,
            mac,
            mtu,
            dhcp,
        });
    }
    let dhcp = node.spec.interfaces.iter().any(|i| i.dhcp);
    if let (true, Some(gateway)) = (dhcp, &raw.gateway) {
        return Err(problem(
            gateway.span(),
            format!("`{name}` gets its address by DHCP, and its gateway comes with the lease; drop `gateway`"),
        ));
    }
    if let (true, Some(route)) = (dhcp, raw.routes.first()) {
        return Err(problem(
            route.to.span(),
            format!("`{name}` gets its address by DHCP: a static route needs a subnet the file cannot know"),
        ));
    }

    if let Some(gateway) = &raw.gateway {
        node.spec.gateway = Some(next_hop(gateway, "gateway", &node.spec)?);
    }
    if let Some(dns) = &raw.dns {
        let server = dns.get_ref().parse::<Ipv4Addr>().map_err(|_| {
            problem(
                dns.span(),
                format!(
                    "`{}` is not an IPv4 address; `dns` is the address of the DNS server, like \"10.0.0.53\"",
                    dns.get_ref()
                ),
            )
        })?;
        node.spec.dns = Some(server);
    }
    for route in &raw.routes {
        let (dest, prefix_len) = parse_cidr(&route.to, "a network", "10.0.0.0/8")?;
        let network = mask(dest, prefix_len);
        if network != dest {
            return Err(problem(
                route.to.span(),
                format!(
                    "{dest}/{prefix_len} has host bits set; did you mean {network}/{prefix_len}?"
                ),
            ));
        }
        let via = next_hop(&route.via, "route via", &node.spec)?;
        node.spec.routes.push(RouteSpec {
            dest,
            prefix_len,
            via,
        });
    }
    Ok(node)
}

/// The smallest and largest socket buffer a scenario may set, in bytes.
const BUFFER_RANGE: (i64, i64) = (1024, 1 << 30);

/// A node's TCP configuration: Linux's defaults ([`TcpConfig::default`]),
/// changed by what `tcp = { ... }` says.
fn tcp_config(raw: Option<&FileTcp>) -> Result<TcpConfig, Problem> {
    let mut config = TcpConfig::default();
    let Some(raw) = raw else {
        return Ok(config);
    };
    config.window_scaling = raw.window_scaling.unwrap_or(config.window_scaling);
    config.sack = raw.sack.unwrap_or(config.sack);
    config.timestamps = raw.timestamps.unwrap_or(config.timestamps);
    let (lo, hi) = BUFFER_RANGE;
    if let Some(size) = &raw.recv_buffer {
        config.recv_buffer = ranged(size, "tcp.recv_buffer", lo, Some(hi))?;
    }
    if let Some(size) = &raw.send_buffer {
        config.send_buffer = ranged(size, "tcp.send_buffer", lo, Some(hi))?;
    }
    Ok(config)
}

fn without_ip(key: &str) -> String {
    format!("`{key}` goes with `ip`; with `interfaces`, give each interface its own `{key}`")
}

/// A MAC address for an interface: six hex bytes, not a group address.
fn parse_mac(raw: &Spanned<String>) -> Result<MacAddr, Problem> {
    let mac: MacAddr = raw
        .get_ref()
        .parse()
        .map_err(|e| problem(raw.span(), format!("`{}`: {e}", raw.get_ref())))?;
    if mac.is_multicast() {
        return Err(problem(
            raw.span(),
            format!("{mac} is a group (multicast) address; an interface needs a unicast MAC, like 02:00:00:00:00:01"),
        ));
    }
    Ok(mac)
}

/// The network part of `addr` under a `/prefix_len` mask.
pub(super) fn mask(addr: Ipv4Addr, prefix_len: u8) -> Ipv4Addr {
    let bits = u32::MAX
        .checked_shl(32 - u32::from(prefix_len))
        .unwrap_or(0);
    Ipv4Addr::from(u32::from(addr) & bits)
}

/// `addr/prefix`, where `what` and `example` describe the expected value.
fn parse_cidr(raw: &Spanned<String>, what: &str, example: &str) -> Result<(Ipv4Addr, u8), Problem> {
    let text = raw.get_ref().trim();
    let fail = |message: String| problem(raw.span(), message);
    let Some((addr, prefix)) = text.split_once('/') else {
        let like = match text.parse::<Ipv4Addr>() {
            Ok(addr) => format!("{addr}/24"),
            Err(_) => example.to_string(),
        };
        return Err(fail(format!(
            "`{text}`: expected {what} with a prefix length, like {like}"
        )));
    };
    let addr: Ipv4Addr = addr.parse().map_err(|_| {
        fail(format!(
            "`{addr}` is not an IPv4 address; expected {what} with a prefix length, like {example}"
        ))
    })?;
    let prefix_len: u8 = match prefix.parse::<u32>() {
        Ok(p) if p <= 32 => p as u8,
        Ok(p) => {
            return Err(fail(format!(
                "prefix length {p} is too long; an IPv4 prefix is 0 to 32"
            )))
        }
        Err(_) => {
            return Err(fail(format!(
                "`/{prefix}` is not a prefix length; expected a number 0 to 32, like {example}"
            )))
        }
    };
    Ok((addr, prefix_len))
}

/// An interface address: a CIDR whose address is a usable unicast host.
fn parse_host_cidr(raw: &Spanned<String>) -> Result<(Ipv4Addr, u8), Problem> {
    let (addr, prefix_len) = parse_cidr(raw, "an address", "192.168.1.2/24")?;
    let fail = |message: String| Err(problem(raw.span(), message));
    if addr.is_unspecified() || addr.is_broadcast() || addr.is_multicast() {
        return fail(format!("{addr} cannot be an interface's address; expected a unicast address like 192.168.1.2/24"));
    }
    if prefix_len <= 30 {
        let network = mask(addr, prefix_len);
        let broadcast =
            Ipv4Addr::from(u32::from(network) | !u32::from(mask(Ipv4Addr::BROADCAST, prefix_len)));
        let first_host = Ipv4Addr::from(u32::from(network) + 1);
        let which = if addr == network {
            "network"
        } else if addr == broadcast {
            "broadcast"
        } else {
            return Ok((addr, prefix_len));
        };
        return fail(format!(
            "{addr} is the {which} address of {network}/{prefix_len}; an interface needs a host address, like {first_host}/{prefix_len}"
        ));
    }
    Ok((addr, prefix_len))
}

/// A gateway or route next hop: an address inside a subnet of `node`.
fn next_hop(raw: &Spanned<String>, what: &str, node: &IpNodeSpec) -> Result<Ipv4Addr, Problem> {
    let text = raw.get_ref().trim();
    let addr: Ipv4Addr = text.parse().map_err(|_| {
        problem(
            raw.span(),
            format!("`{text}` is not an IPv4 address; expected one like 192.168.1.1"),
        )
    })?;
    let inside = node
        .interfaces
        .iter()
        .any(|i| mask(i.addr, i.prefix_len) == mask(addr, i.prefix_len));
    if !inside {
        let subnets: Vec<String> = node
            .interfaces
            .iter()
            .map(|i| format!("{}/{}", mask(i.addr, i.prefix_len), i.prefix_len))
            .collect();
        return Err(problem(
            raw.span(),
            format!(
                "{what} {addr} is outside every subnet of {} ({})",
                node.name,
                subnets.join(", ")
            ),
        ));
    }
    if let Some(own) = node.interfaces.iter().find(|i| i.addr == addr) {
        return Err(problem(
            raw.span(),
            format!(
                "{what} {addr} is {}'s own address (on {}); name a neighbour instead",
                node.name, own.name
            ),
        ));
    }
    Ok(addr)
}

/// Reports an IPv4 address or MAC given to two interfaces (the later one).
pub(super) fn check_unique_addresses<'n>(
    nodes: impl Iterator<Item = &'n CheckedNode>,
    problems: &mut Problems,
) {
    let mut addrs = Vec::new();
    let mut macs = Vec::new();
    for node in nodes {
        let ifaces = node
            .spec
            .interfaces
            .iter()
            .zip(&node.addr_spans)
            .zip(&node.mac_spans);
        for ((iface, addr_span), mac_span) in ifaces {
            let owner = format!("{}.{}", node.spec.name, iface.name);
            if !iface.dhcp {
                addrs.push((addr_span.clone(), iface.addr.to_string(), owner.clone()));
            }
            if let (Some(mac), Some(span)) = (iface.mac, mac_span) {
                macs.push((span.clone(), mac.to_string(), owner));
            }
        }
    }
    for mut list in [addrs, macs] {
        list.sort_by_key(|(span, _, _)| span.start);
        let mut seen: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
        for (span, value, owner) in &list {
            if let Some((first, start)) = seen.get(value.as_str()) {
                let line = problems.line_of(*start);
                problems.report(problem(
                    span.clone(),
                    format!("{value} is already the address of {first} (line {line})"),
                ));
            } else {
                seen.insert(value, (owner, span.start));
            }
        }
    }
}

/// Checks one switch.
pub(super) fn check_switch(raw: &FileSwitch) -> Result<SwitchSpec, Problem> {
    let aging = duration_or(
        raw.aging.as_ref(),
        "aging",
        std::time::Duration::from_secs(300),
    )?;
    if aging.is_zero() {
        if let Some(a) = &raw.aging {
            return Err(problem(
                a.span(),
                "aging must be longer than 0s, like \"300s\"",
            ));
        }
    }
    Ok(SwitchSpec {
        name: raw.name.get_ref().clone(),
        aging,
    })
}
