//! The scenario file as TOML gives it: serde structs that mirror the text,
//! before any checking. Values whose position a message may need are
//! `Spanned` (byte ranges into the file); every table refuses unknown keys.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileScenario {
    /// Short name; defaults to the file stem.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The same in Chinese, shown with `--lang zh`.
    pub description_zh: Option<String>,
    /// The run's seed.
    pub seed: Option<u64>,
    /// A duration, like `"60s"`.
    pub time_limit: Option<Spanned<String>>,
    /// At least 1.
    pub max_events: Option<Spanned<i64>>,
    /// Link parameters for links that do not set their own.
    pub link_defaults: Option<FileLinkParams>,
    /// `[[host]]` tables.
    #[serde(default)]
    pub host: Vec<FileIpNode>,
    /// `[[router]]` tables.
    #[serde(default)]
    pub router: Vec<FileIpNode>,
    /// `[[switch]]` tables.
    #[serde(default)]
    pub switch: Vec<FileSwitch>,
    /// `[[link]]` tables.
    #[serde(default)]
    pub link: Vec<Spanned<FileLink>>,
    /// `[[ping]]` tables.
    #[serde(default)]
    pub ping: Vec<FilePing>,
    /// `[[run]]` tables.
    #[serde(default)]
    pub run: Vec<FileRun>,
    /// `[[expect]]` tables.
    #[serde(default)]
    pub expect: Vec<Spanned<FileExpect>>,
    /// `[zone]`: the names a `dns-server` run answers for.
    pub zone: Option<Spanned<BTreeMap<String, Spanned<FileZoneAddrs>>>>,
}

/// The value of one `[zone]` name: an address, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FileZoneAddrs {
    /// `"www.example.test" = "10.0.2.80"`.
    One(String),
    /// `"big.example.test" = ["10.0.3.1", "10.0.3.2"]`.
    Many(Vec<String>),
}

/// A `[[host]]` or `[[router]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileIpNode {
    /// The node's name.
    pub name: Spanned<String>,
    /// One interface `eth0` with this `addr/prefix`.
    pub ip: Option<Spanned<String>>,
    /// The MAC of the `ip` interface.
    pub mac: Option<Spanned<String>>,
    /// The MTU of the `ip` interface.
    pub mtu: Option<Spanned<i64>>,
    /// Default gateway address.
    pub gateway: Option<Spanned<String>>,
    /// The DNS server its programs resolve names through.
    pub dns: Option<Spanned<String>>,
    /// Static routes.
    #[serde(default)]
    pub routes: Vec<FileRoute>,
    /// Several interfaces, instead of `ip`.
    pub interfaces: Option<Spanned<Vec<FileIface>>>,
    /// TCP settings: `tcp = { sack = false, recv_buffer = 65536 }`.
    pub tcp: Option<FileTcp>,
}

/// A node's `tcp = { ... }`: Linux's sysctls of the same names
/// (`net.ipv4.tcp_window_scaling` …) and its socket buffer sizes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileTcp {
    /// Offer window scaling (RFC 7323).
    pub window_scaling: Option<bool>,
    /// Offer SACK (RFC 2018).
    pub sack: Option<bool>,
    /// Offer timestamps (RFC 7323).
    pub timestamps: Option<bool>,
    /// The receive buffer, in bytes.
    pub recv_buffer: Option<Spanned<i64>>,
    /// The send buffer, in bytes.
    pub send_buffer: Option<Spanned<i64>>,
}

/// One entry of `interfaces = [...]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileIface {
    /// Defaults to `eth{index}`.
    pub name: Option<Spanned<String>>,
    /// `addr/prefix`.
    pub ip: Spanned<String>,
    /// Optional MAC.
    pub mac: Option<Spanned<String>>,
    /// Optional MTU.
    pub mtu: Option<Spanned<i64>>,
}

/// One entry of `routes = [...]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRoute {
    /// Destination network, `addr/prefix`.
    pub to: Spanned<String>,
    /// Next hop address.
    pub via: Spanned<String>,
}

/// A `[[switch]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSwitch {
    /// The switch's name.
    pub name: Spanned<String>,
    /// MAC table aging time, a duration.
    pub aging: Option<Spanned<String>>,
}

/// `[link_defaults]`: the parameters a link may set, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLinkParams {
    /// A duration.
    pub latency: Option<Spanned<String>>,
    /// A bandwidth, like `"100Mbit"`.
    pub bandwidth: Option<Spanned<String>>,
    /// Frames, at least 1.
    pub queue: Option<Spanned<i64>>,
    /// Probability in [0, 1].
    pub loss: Option<Spanned<f64>>,
    /// Probability in [0, 1] that a frame arrives twice.
    pub duplicate: Option<Spanned<f64>>,
    /// Probability in [0, 1] that a frame is held back (reordered).
    pub reorder: Option<Spanned<f64>>,
    /// The longest a reordered frame is held back, a duration.
    pub reorder_delay: Option<Spanned<String>>,
    /// Probability in [0, 1] that one bit of a frame is flipped.
    pub corrupt: Option<Spanned<f64>>,
    /// `["FROM", "UNTIL"]`: durations between which the cable is cut.
    pub down: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A `[[link]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLink {
    /// `node` or `node.iface`.
    pub a: Spanned<String>,
    /// `node` or `node.iface`.
    pub b: Spanned<String>,
    /// As in [`FileLinkParams`].
    pub latency: Option<Spanned<String>>,
    /// As in [`FileLinkParams`].
    pub bandwidth: Option<Spanned<String>>,
    /// As in [`FileLinkParams`].
    pub queue: Option<Spanned<i64>>,
    /// As in [`FileLinkParams`].
    pub loss: Option<Spanned<f64>>,
    /// As in [`FileLinkParams`].
    pub duplicate: Option<Spanned<f64>>,
    /// As in [`FileLinkParams`].
    pub reorder: Option<Spanned<f64>>,
    /// As in [`FileLinkParams`].
    pub reorder_delay: Option<Spanned<String>>,
    /// As in [`FileLinkParams`].
    pub corrupt: Option<Spanned<f64>>,
    /// As in [`FileLinkParams`].
    pub down: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A `[[ping]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePing {
    /// Used in messages.
    pub label: Option<String>,
    /// When to start, a duration.
    pub at: Option<Spanned<String>>,
    /// A host or router name.
    pub from: Spanned<String>,
    /// An address or a host or router name.
    pub to: Spanned<String>,
    /// Number of requests.
    pub count: Option<Spanned<i64>>,
    /// Time between requests.
    pub interval: Option<Spanned<String>>,
    /// ICMP data bytes.
    pub size: Option<Spanned<i64>>,
    /// TTL of the requests.
    pub ttl: Option<Spanned<i64>>,
    /// Wait after the last request.
    pub wait: Option<Spanned<String>>,
    /// Replies expected.
    pub expect_received: Option<Spanned<i64>>,
    /// ICMP errors expected.
    pub expect_errors: Option<Spanned<i64>>,
}

/// A `[[run]]`: a program to run on a host.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRun {
    /// A host name.
    pub host: Spanned<String>,
    /// A program name, from `crate::programs`.
    pub program: Spanned<String>,
    /// The program's arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// When to start, a duration.
    pub at: Option<Spanned<String>>,
}

/// An `[[expect]]`: exactly one of `see`, `absent` and `never`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileExpect {
    /// A pattern that must appear.
    pub see: Option<Spanned<String>>,
    /// A pattern that must not appear.
    pub absent: Option<Spanned<String>>,
    /// A pattern that must not appear anywhere in the trace.
    pub never: Option<Spanned<String>>,
}
