//! DHCP, the service that gives a host its address (RFC 2131): the server
//! side's address pool. The client is part of the host stack
//! ([`crate::stack::dhcp_client`]), as it must run before the host has an
//! address; the server is an ordinary program (`dhcp-server`) on UDP
//! port 67, which answers from a [`Pool`].

mod pool;

pub use pool::{Pool, PoolConfig, PoolEvent, Reply, ReplyTo};
