//! Checking `[zone]`: the names and addresses a `dns-server` run serves.
//!
//! ```toml
//! [zone]
//! "www.example.test" = "10.0.2.80"
//! "big.example.test" = ["10.0.3.1", "10.0.3.2"]
//! ```
//!
//! Each name must be a valid DNS name and each value an IPv4 address.
//! The zone reaches every `dns-server` run as its last arguments
//! (`NAME=ADDR[,ADDR…]`, what the program reads), so that the run's
//! command line in the trace shows exactly what it serves.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use toml::Spanned;

use super::file::FileZoneAddrs;
use super::load::{problem, Problem};
use super::model::RunSpec;
use crate::wire::dns;

/// The program that serves a zone.
pub(super) const SERVER: &str = "dns-server";

type FileZone = Spanned<BTreeMap<String, Spanned<FileZoneAddrs>>>;

/// The zone's entries as `NAME=ADDR[,ADDR…]`, in name order.
pub(super) fn check_zone(raw: &FileZone) -> Result<Vec<String>, Problem> {
    let mut entries = Vec::new();
    for (name, addrs) in raw.get_ref() {
        if let Err(reason) = dns::check_name(name) {
            return Err(problem(
                addrs.span(),
                format!("`{name}` in [zone] is not a DNS name: {reason}"),
            ));
        }
        let list: Vec<&String> = match addrs.get_ref() {
            FileZoneAddrs::One(a) => vec![a],
            FileZoneAddrs::Many(list) => list.iter().collect(),
        };
        if list.is_empty() {
            return Err(problem(
                addrs.span(),
                format!("`{name}` in [zone] has no address; give one, like \"10.0.2.80\""),
            ));
        }
        for addr in &list {
            if addr.parse::<Ipv4Addr>().is_err() {
                return Err(problem(
                    addrs.span(),
                    format!("`{addr}` (for `{name}` in [zone]) is not an IPv4 address"),
                ));
            }
        }
        let list: Vec<&str> = list.iter().map(|a| a.as_str()).collect();
        entries.push(format!("{name}={}", list.join(",")));
    }
    Ok(entries)
}

/// Gives the zone to every `dns-server` run; a zone nobody serves is a
/// mistake worth naming.
pub(super) fn serve_zone(
    raw: &FileZone,
    entries: &[String],
    runs: &mut [RunSpec],
) -> Result<(), Problem> {
    let mut served = false;
    for run in runs.iter_mut().filter(|r| r.program == SERVER) {
        run.args.extend(entries.iter().cloned());
        served = true;
    }
    if served {
        return Ok(());
    }
    Err(problem(
        raw.span(),
        format!(
            "[zone] is served by a `{SERVER}` run, and there is none; add one, like \
             [[run]] host = \"ns\" program = \"{SERVER}\""
        ),
    ))
}
