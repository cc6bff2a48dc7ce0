//! DNS, the service that turns names into addresses: a zone an
//! authoritative server answers from, and the stub resolver a host's
//! programs ask through.
//!
//! Both speak real DNS messages ([`crate::wire::dns`], RFC 1035) over
//! `simnet::net` sockets, so they run unchanged on a simulated host and on
//! loopback. Inside a simulation, a host with `dns = "10.0.0.53"` in its
//! scenario table resolves every name its programs connect to through
//! [`Resolver`], as glibc's stub resolver does in a Linux process: a query
//! over UDP to port 53, again after a timeout, over TCP when the answer
//! comes back truncated, and the errors `getaddrinfo` gives.

mod resolver;
mod zone;

pub use resolver::{LookupError, Resolver};
pub use zone::{Zone, ZoneError};
