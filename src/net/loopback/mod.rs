//! The loopback backend's map: a scenario's hosts on real loopback sockets.
//!
//! When a lesson runs on real sockets (`simnet lesson NAME --on loopback`),
//! each simulated host gets its own loopback address, `127.X.Y.N` (N = 1 for
//! the first host, 2 for the second, …), and each run its own block `X.Y`,
//! so runs side by side, such as parallel tests, never collide on a lesson's
//! fixed port (DESIGN.md, principle 5). Programs still speak the scenario's
//! language: they bind `0.0.0.0:7852`, send to `192.168.2.2:7852` or
//! `pc2:7852`, and see `192.168.1.2:…` as the sender. The sockets translate
//! at the boundary, both ways:
//!
//! - binding `0.0.0.0`, `127.0.0.1` or one of the host's own addresses binds
//!   the host's loopback address; any other address fails with
//!   `EADDRNOTAVAIL`, as the simulated host would;
//! - a host's address (or name) maps to that host's loopback address;
//! - a broadcast (`255.255.255.255`, or a subnet's broadcast address) is
//!   sent to each *other* host on the subnet (the simulated sender does not
//!   hear its own broadcast either), and only with `SO_BROADCAST` set;
//! - any other address is sent nowhere: an address in our block that no
//!   socket binds, as a datagram to a host that does not answer ARP is lost;
//! - addresses seen on received datagrams map back the other way.
//!
//! Nothing outside 127.0.0.0/8 is ever touched. This works on Linux, where
//! the whole of 127.0.0.0/8 is local; other systems only have 127.0.0.1.

mod context;
mod socket_map;
mod wait;

pub(crate) use context::{check_stop, current, print, sleep, spawn_child, wait_untimed, SLICE};
pub use context::{run_thread, Ending, Stopped};
pub(crate) use socket_map::SocketMap;
pub(crate) use wait::{polled, sliced};

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;

use crate::stack::Ipv4Cidr;
use context::Activity;

/// The most hosts one block holds (`.1` to `.250`; `.255` is [`LoopbackNet::nowhere`]).
pub const MAX_HOSTS: usize = 250;

/// A host of the map: its name and its scenario addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopHost {
    /// The host's name in the scenario.
    pub name: String,
    /// Its interfaces' addresses, first the one it is known by.
    pub ifaces: Vec<Ipv4Cidr>,
}

/// One line a program printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The host it runs on.
    pub host: String,
    /// The program (a spawned thread: `{parent}-{n}`).
    pub program: String,
    /// The text, without its newline.
    pub text: String,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.host, self.program, self.text)
    }
}

/// Where a datagram for a scenario address goes on loopback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// One host's loopback address.
    One(SocketAddrV4),
    /// A broadcast: these hosts' loopback addresses.
    Broadcast(Vec<SocketAddrV4>),
}

/// A scenario's hosts mapped onto one loopback block, and the programs
/// running on them as threads.
#[derive(Debug)]
pub struct LoopbackNet {
    block: (u8, u8),
    hosts: Vec<LoopHost>,
    echo: bool,
    stop: AtomicBool,
    activity: Mutex<Activity>,
    lines: Mutex<Vec<Line>>,
}

/// Blocks handed out by this OS process so far.
static BLOCKS: AtomicU32 = AtomicU32::new(0);

impl LoopbackNet {
    /// Maps `hosts` onto a fresh loopback block. With `echo`, each line a
    /// program prints is also written to stdout as `host program: text`.
    pub fn new(hosts: Vec<LoopHost>, echo: bool) -> Result<LoopbackNet, String> {
        if hosts.len() > MAX_HOSTS {
            return Err(format!(
                "{} hosts do not fit on loopback (at most {MAX_HOSTS})",
                hosts.len()
            ));
        }
        // Blocks 127.1.0 to 127.254.255: different for each run of this
        // OS process, and spread by process id so that two simnet commands
        // side by side are unlikely to meet. 127.0.0.x is left alone.
        let n = BLOCKS.fetch_add(1, Ordering::Relaxed);
        let index = (std::process::id().wrapping_mul(7919).wrapping_add(n)) % (254 * 256);
        let block = (
            u8::try_from(1 + index / 256).unwrap_or(1),
            u8::try_from(index % 256).unwrap_or(0),
        );
        Ok(LoopbackNet {
            block,
            hosts,
            echo,
            stop: AtomicBool::new(false),
            activity: Mutex::new(Activity::default()),
            lines: Mutex::new(Vec::new()),
        })
    }

    /// The hosts, in order.
    pub fn hosts(&self) -> &[LoopHost] {
        &self.hosts
    }

    /// The index of the host called `name`.
    pub fn host_index(&self, name: &str) -> Option<usize> {
        self.hosts.iter().position(|h| h.name == name)
    }

    /// Host `index`'s loopback address.
    pub fn lo_addr(&self, index: usize) -> Ipv4Addr {
        let n = u8::try_from(index + 1).unwrap_or(u8::MAX);
        Ipv4Addr::new(127, self.block.0, self.block.1, n)
    }

    /// An address of the block that no socket binds: where datagrams for
    /// addresses no host owns go.
    pub fn nowhere(&self) -> Ipv4Addr {
        Ipv4Addr::new(127, self.block.0, self.block.1, 255)
    }

    /// The scenario addresses of host `name`.
    pub(crate) fn resolve(&self, name: &str) -> Option<Vec<Ipv4Addr>> {
        let host = self.hosts.iter().find(|h| h.name == name)?;
        Some(host.ifaces.iter().map(Ipv4Cidr::addr).collect())
    }

    fn owner(&self, ip: Ipv4Addr) -> Option<usize> {
        self.hosts
            .iter()
            .position(|h| h.ifaces.iter().any(|c| c.addr() == ip))
    }

    /// The loopback address host `host` binds for scenario address `ip`, or
    /// `None` (`EADDRNOTAVAIL`) if the host does not have `ip`.
    pub(crate) fn bind_addr(&self, host: usize, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        let own = ip.is_unspecified()
            || ip.is_loopback()
            || ip.is_broadcast()
            || self.owner(ip) == Some(host);
        own.then(|| self.lo_addr(host))
    }

    /// Where a datagram from host `from` to scenario address `to` goes.
    pub(crate) fn target(&self, from: usize, to: SocketAddrV4) -> Target {
        let (ip, port) = (*to.ip(), to.port());
        if ip.is_loopback() {
            return Target::One(SocketAddrV4::new(self.lo_addr(from), port));
        }
        if let Some(owner) = self.owner(ip) {
            return Target::One(SocketAddrV4::new(self.lo_addr(owner), port));
        }
        // The subnets the broadcast is for: all of the sender's for
        // 255.255.255.255, else those whose broadcast address it is.
        let own = self.hosts.get(from).map_or(&[][..], |h| &h.ifaces[..]);
        let subnets: Vec<Ipv4Cidr> = if ip.is_broadcast() {
            own.to_vec()
        } else {
            own.iter()
                .filter(|c| c.broadcast() == ip)
                .copied()
                .collect()
        };
        if subnets.is_empty() {
            return Target::One(SocketAddrV4::new(self.nowhere(), port));
        }
        let hearers = (0..self.hosts.len())
            .filter(|&i| i != from)
            .filter(|&i| {
                let theirs = &self.hosts[i].ifaces;
                theirs
                    .iter()
                    .any(|c| subnets.iter().any(|s| s.contains(c.addr())))
            })
            .map(|i| SocketAddrV4::new(self.lo_addr(i), port))
            .collect();
        Target::Broadcast(hearers)
    }

    /// The scenario address a loopback address stands for: the host's
    /// first address (addresses outside the block are left as they are).
    pub(crate) fn unmap(&self, addr: SocketAddr) -> SocketAddr {
        let SocketAddr::V4(v4) = addr else {
            return addr;
        };
        let [a, x, y, n] = v4.ip().octets();
        if a != 127 || (x, y) != self.block || n == 0 {
            return addr;
        }
        let host = self.hosts.get(usize::from(n) - 1);
        match host.and_then(|h| h.ifaces.first()) {
            Some(cidr) => SocketAddr::from((cidr.addr(), v4.port())),
            None => addr,
        }
    }

    /// Every line printed so far, in the order printed.
    pub fn lines(&self) -> Vec<Line> {
        self.lines
            .lock()
            .map(|l| l.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn push_line(&self, line: Line) {
        if self.echo {
            std::println!("{line}");
        }
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(line);
    }
}

#[cfg(test)]
mod tests;
