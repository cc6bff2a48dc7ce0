//! `ToSocketAddrs` as std's, plus the names of simulated hosts.
//!
//! std's trait cannot be taught new names, so simnet has its own with the
//! same shape and the same implementations: a program written against
//! `std::net` compiles unchanged against `simnet::net`. A string such as
//! `"pc2:7852"` first parses as an address; failing that, inside a
//! simulation `pc2` names a simulated host, or, on a host with a DNS
//! server (`dns = "…"` in the scenario), the name goes to that server
//! through [`crate::dns::Resolver`]; elsewhere the system resolver answers,
//! as in std.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::dns::Resolver;
use crate::sim::process::{syscall, Reply, Syscall};

/// Something that names one or more socket addresses, as `std::net::ToSocketAddrs`
/// (the same associated iterator, so that code written against std's trait,
/// `addr.to_socket_addrs()?.next()` say, compiles against this one).
pub trait ToSocketAddrs {
    /// The addresses' iterator: `option::IntoIter` for one address, as in
    /// std, so that naming an address allocates nothing.
    type Iter: Iterator<Item = SocketAddr>;
    /// The addresses, in order of preference.
    fn to_socket_addrs(&self) -> io::Result<Self::Iter>;
}

/// One address, as `Some` of an iterator.
type One = std::option::IntoIter<SocketAddr>;

/// The addresses a name stands for.
type Many = std::vec::IntoIter<SocketAddr>;

impl ToSocketAddrs for SocketAddr {
    type Iter = One;
    fn to_socket_addrs(&self) -> io::Result<One> {
        Ok(Some(*self).into_iter())
    }
}

impl ToSocketAddrs for SocketAddrV4 {
    type Iter = One;
    fn to_socket_addrs(&self) -> io::Result<One> {
        Ok(Some(SocketAddr::V4(*self)).into_iter())
    }
}

impl ToSocketAddrs for SocketAddrV6 {
    type Iter = One;
    fn to_socket_addrs(&self) -> io::Result<One> {
        Ok(Some(SocketAddr::V6(*self)).into_iter())
    }
}

impl ToSocketAddrs for (IpAddr, u16) {
    type Iter = One;
    fn to_socket_addrs(&self) -> io::Result<One> {
        Ok(Some(SocketAddr::new(self.0, self.1)).into_iter())
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {
    type Iter = One;
    fn to_socket_addrs(&self) -> io::Result<One> {
        Ok(Some(SocketAddr::from(*self)).into_iter())
    }
}

impl ToSocketAddrs for (&str, u16) {
    type Iter = Many;
    fn to_socket_addrs(&self) -> io::Result<Many> {
        resolve_host(self.0, self.1).map(Vec::into_iter)
    }
}

impl ToSocketAddrs for (String, u16) {
    type Iter = Many;
    fn to_socket_addrs(&self) -> io::Result<Many> {
        resolve_host(&self.0, self.1).map(Vec::into_iter)
    }
}

impl ToSocketAddrs for str {
    type Iter = Many;
    fn to_socket_addrs(&self) -> io::Result<Many> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(vec![addr].into_iter());
        }
        let Some((host, port)) = self.rsplit_once(':') else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid socket address",
            ));
        };
        let port: u16 = port
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "invalid port value"))?;
        resolve_host(host, port).map(Vec::into_iter)
    }
}

impl ToSocketAddrs for String {
    type Iter = Many;
    fn to_socket_addrs(&self) -> io::Result<Many> {
        self.as_str().to_socket_addrs()
    }
}

impl ToSocketAddrs for [SocketAddr] {
    type Iter = Many;
    // `Iter` has no lifetime to borrow the slice for (std's impl is on
    // `&'a [SocketAddr]`, which the `&T` impl below would overlap), so the
    // addresses are copied.
    #[allow(clippy::unnecessary_to_owned)]
    fn to_socket_addrs(&self) -> io::Result<Many> {
        Ok(self.to_vec().into_iter())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    type Iter = T::Iter;
    fn to_socket_addrs(&self) -> io::Result<T::Iter> {
        (**self).to_socket_addrs()
    }
}

/// `host` (an address or a name) with `port`.
fn resolve_host(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let with_port = |addrs: Vec<Ipv4Addr>| {
        addrs
            .into_iter()
            .map(|ip| SocketAddr::from((ip, port)))
            .collect()
    };
    let reply = syscall(Syscall::Resolve(host.to_string()));
    match reply {
        // `/etc/hosts` comes before DNS, and names localhost on every
        // Linux host.
        Some(_) if host.eq_ignore_ascii_case("localhost") => {
            Ok(with_port(vec![Ipv4Addr::LOCALHOST]))
        }
        // The host has a DNS server: ask it, as glibc's stub resolver does.
        Some(Reply::Nameserver(server)) => Ok(with_port(Resolver::new(server).lookup(host)?)),
        Some(Reply::Addrs(addrs)) if !addrs.is_empty() => Ok(with_port(addrs)),
        // Inside a simulation there is no other resolver: as getaddrinfo's
        // "Name or service not known".
        Some(_) => Err(io::Error::other(format!(
            "failed to lookup address information: no simulated host named `{host}`"
        ))),
        None => match super::loopback::current().and_then(|(net, _)| net.resolve(host)) {
            // A loopback run knows the scenario's host names.
            Some(addrs) => Ok(with_port(addrs)),
            None => std::net::ToSocketAddrs::to_socket_addrs(&(host, port)).map(Iterator::collect),
        },
    }
}

/// The first IPv4 address `addr` names, or the error std gives for none.
pub(crate) fn first_v4(addr: &(impl ToSocketAddrs + ?Sized)) -> io::Result<SocketAddrV4> {
    addr.to_socket_addrs()?
        .find_map(|a| match a {
            SocketAddr::V4(v4) => Some(v4),
            SocketAddr::V6(_) => None,
        })
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "could not resolve to any addresses",
            )
        })
}
