//! The UDP layer of one host (RFC 768, RFC 1122 §4.1): its table of sockets.
//!
//! A sans-IO state machine: no I/O, no timers, no processes. The IP node
//! hands it datagrams that arrived (already checksum-verified and parsed) and
//! asks it where a send goes; the socket layer binds, connects, receives and
//! reads errors through it. Every call returns a value, and errors are the
//! Linux errno values (see [`errno`]) so that the socket layer can build
//! `io::Error::from_raw_os_error(errno)` and get the very kind and message
//! std gives on Linux.
//!
//! Where RFC 1122 leaves a choice, Linux's behaviour is followed, and was
//! checked against a Linux 6.18 kernel through Python's `socket` module:
//! which socket a datagram goes to ([`UdpTable::deliver`]), which errors a
//! send reports and in what order ([`UdpTable::prepare_send`]), and which
//! ICMP errors a socket hears of ([`unreachable_errno`]).

use std::collections::{BTreeMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::ops::RangeInclusive;

use crate::wire::DstUnreachable;

/// Linux errno values (`asm-generic/errno-base.h`, `errno.h`), returned as
/// `Err(errno)` so the socket layer can use `io::Error::from_raw_os_error`.
pub mod errno {
    /// Bad file descriptor: the socket was closed.
    pub const EBADF: i32 = 9;
    /// Resource temporarily unavailable: nothing to receive yet.
    pub const EAGAIN: i32 = 11;
    /// Permission denied: a broadcast without `SO_BROADCAST`.
    pub const EACCES: i32 = 13;
    /// Invalid argument: a bad TTL, or sending to port 0.
    pub const EINVAL: i32 = 22;
    /// Machine is not on the network (ICMP host isolated).
    pub const ENONET: i32 = 64;
    /// Destination address required: `send` on an unconnected socket.
    pub const EDESTADDRREQ: i32 = 89;
    /// Message too long: more than [`super::MAX_PAYLOAD`] bytes.
    pub const EMSGSIZE: i32 = 90;
    /// Protocol not available (ICMP protocol unreachable).
    pub const ENOPROTOOPT: i32 = 92;
    /// Address already in use.
    pub const EADDRINUSE: i32 = 98;
    /// Cannot assign requested address: not one of the host's.
    pub const EADDRNOTAVAIL: i32 = 99;
    /// Network is unreachable.
    pub const ENETUNREACH: i32 = 101;
    /// Transport endpoint is not connected.
    pub const ENOTCONN: i32 = 107;
    /// Connection refused (ICMP port unreachable).
    pub const ECONNREFUSED: i32 = 111;
    /// Host is down (ICMP host unknown).
    pub const EHOSTDOWN: i32 = 112;
    /// No route to host.
    pub const EHOSTUNREACH: i32 = 113;
}

use errno::*;

/// The ports handed out for a bind to port 0: IANA's dynamic ports
/// (RFC 6335 §6), in order from the start, skipping ports that any socket
/// holds, wrapping at the end. (Linux picks at random from
/// `net.ipv4.ip_local_port_range`; counting up keeps runs deterministic and
/// traces easy to read.)
pub const EPHEMERAL: RangeInclusive<u16> = 49152..=65535;

/// The first port of [`EPHEMERAL`] not `in_use`, searching from `*next`
/// and wrapping; `*next` moves past it, so ports are handed out in turn.
/// `None` when every one is in use.
pub fn next_free_port(next: &mut u16, in_use: impl Fn(u16) -> bool) -> Option<u16> {
    let (first, last) = (*EPHEMERAL.start(), *EPHEMERAL.end());
    let mut port = *next;
    for _ in EPHEMERAL {
        let after = if port == last { first } else { port + 1 };
        if !in_use(port) {
            *next = after;
            return Some(port);
        }
        port = after;
    }
    None
}

/// The largest datagram payload: 65535 (IPv4 Total Length) - 20 (IP header)
/// - 8 (UDP header).
pub const MAX_PAYLOAD: usize = 65_507;

/// A socket's receive buffer, Linux's `net.core.rmem_default`.
///
/// Simplification: this table counts the payload bytes queued (at least one
/// per datagram, so that empty datagrams are bounded too), where Linux
/// charges each datagram's `skb->truesize` (payload plus roughly 800 bytes
/// of bookkeeping). Linux therefore holds 256 empty datagrams where this
/// table holds 212 992; for payloads of a few kilobytes the two agree well.
pub const DEFAULT_RECV_BUFFER: usize = 212_992;

/// Linux's `net.ipv4.ip_default_ttl`.
pub const DEFAULT_TTL: u8 = 64;

/// Spare payload buffers kept by [`UdpTable::recycle`].
const SPARE_LIMIT: usize = 16;

/// A socket in a [`UdpTable`]. Ids are never reused, so a closed socket's id
/// stays invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub u32);

/// A datagram waiting in a socket's receive queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// Who sent it (`recv_from`'s address).
    pub from: SocketAddrV4,
    /// The destination address it was sent to (ours, or a broadcast address).
    pub to: Ipv4Addr,
    /// The payload, whole: truncating to the reader's buffer is the socket
    /// layer's job (it copies `min(data.len(), buf.len())` and drops the
    /// rest, as Linux does without `MSG_TRUNC`).
    pub data: Vec<u8>,
}

/// Where a send goes, from [`UdpTable::prepare_send`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendPlan {
    /// The source address: the bound one, or `UNSPECIFIED` for "the address
    /// of the interface the route goes out of".
    pub src: Ipv4Addr,
    /// The source port: the socket's.
    pub src_port: u16,
    /// The destination.
    pub dst: SocketAddrV4,
    /// Time to Live for the IP header.
    pub ttl: u8,
}

/// What [`UdpTable::deliver`] did with a datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Queued on this socket: wake its reader.
    Queued(SocketId),
    /// Dropped: this socket's receive buffer is full (counted in
    /// [`UdpTable::dropped`]).
    BufferFull(SocketId),
    /// A broadcast, copied to every socket that matches, in id order.
    /// Returned whenever `is_broadcast` is set and at least one socket matches.
    Broadcast {
        /// Sockets it was queued on.
        queued: Vec<SocketId>,
        /// Sockets whose buffer was full.
        full: Vec<SocketId>,
    },
    /// No socket wants it. Unless it was a broadcast, the caller answers
    /// with ICMP port unreachable (RFC 1122 §4.1.3.1; §3.2.2 forbids ICMP
    /// errors about broadcasts).
    NoSocket,
}

/// The errno a UDP socket reports for an ICMP destination unreachable with
/// this reason, or `None` if it ignores it. Linux's `icmp_err_convert`
/// table: only "hard" errors reach a UDP socket without `IP_RECVERR`; net
/// and host unreachable (codes 0 and 1) and fragmentation needed are
/// transient (RFC 1122 §3.2.2.1) and change nothing.
pub fn unreachable_errno(reason: DstUnreachable) -> Option<i32> {
    match reason.code() {
        2 => Some(ENOPROTOOPT),
        3 => Some(ECONNREFUSED),
        6 | 9 => Some(ENETUNREACH),
        7 => Some(EHOSTDOWN),
        8 => Some(ENONET),
        10 | 13..=15 => Some(EHOSTUNREACH),
        _ => None,
    }
}

/// A datagram received into a caller's buffer: the bytes copied and who
/// sent it.
type Copied = (usize, SocketAddrV4);

#[derive(Debug)]
struct Socket {
    /// The address datagrams must be sent to (`getsockname`); Linux's
    /// `inet_rcv_saddr`.
    local: SocketAddrV4,
    /// The address sent from; differs from `local` for a socket bound to a
    /// broadcast address, which sends from the interface's (Linux's
    /// `inet_saddr`).
    send_ip: Ipv4Addr,
    reuse_addr: bool,
    /// The default peer; a port or address of zero matches any.
    peer: Option<SocketAddrV4>,
    broadcast: bool,
    ttl: u8,
    pending_error: Option<i32>,
    queue: VecDeque<Datagram>,
    queued_bytes: usize,
    dropped: u64,
}

impl Socket {
    /// The next queued datagram: a copy of it for a peek, else taken out.
    fn next(&mut self, peek: bool) -> Option<Datagram> {
        if peek {
            return self.queue.front().cloned();
        }
        let datagram = self.queue.pop_front()?;
        self.queued_bytes -= charge(datagram.data.len());
        Some(datagram)
    }

    /// The next queued datagram copied into `buf` (as much as fits): the
    /// bytes copied and the sender, and, unless peeking, the datagram's
    /// emptied buffer, taken out with it.
    fn next_into(&mut self, buf: &mut [u8], peek: bool) -> Option<(Copied, Option<Vec<u8>>)> {
        let front = self.queue.front()?;
        let n = front.data.len().min(buf.len());
        buf[..n].copy_from_slice(&front.data[..n]);
        let from = front.from;
        let spent = if peek {
            None
        } else {
            self.queue.pop_front().map(|datagram| {
                self.queued_bytes -= charge(datagram.data.len());
                datagram.data
            })
        };
        Some(((n, from), spent))
    }

    /// Linux's `compute_score` for a datagram `from` > `to`: `None` if the
    /// socket does not take it, else higher for a more specific match.
    fn score(&self, from: SocketAddrV4, to: SocketAddrV4) -> Option<u8> {
        if self.local.port() != to.port() {
            return None;
        }
        let mut score = 0;
        if !self.local.ip().is_unspecified() {
            if self.local.ip() != to.ip() {
                return None;
            }
            score += 4;
        }
        if let Some(peer) = self.peer {
            if !peer.ip().is_unspecified() {
                if peer.ip() != from.ip() {
                    return None;
                }
                score += 4;
            }
            if peer.port() != 0 {
                if peer.port() != from.port() {
                    return None;
                }
                score += 4;
            }
        }
        Some(score)
    }
}

/// The UDP sockets of one host.
#[derive(Debug)]
pub struct UdpTable {
    local_addrs: Vec<Ipv4Addr>,
    sockets: BTreeMap<SocketId, Socket>,
    /// The sockets on each port, in id (= bind) order.
    by_port: BTreeMap<u16, Vec<SocketId>>,
    next_id: u32,
    next_ephemeral: u16,
    spare: Vec<Vec<u8>>,
}

impl UdpTable {
    /// The node's addresses changed (DHCP): sockets may bind these now.
    pub fn set_local_addrs(&mut self, local_addrs: Vec<Ipv4Addr>) {
        self.local_addrs = local_addrs;
    }

    /// An empty table for a host with these addresses (include 127.0.0.1 if
    /// the host has a loopback interface: then any address in 127.0.0.0/8
    /// can be bound, as on Linux, whose `lo` holds 127.0.0.1/8).
    pub fn new(local_addrs: Vec<Ipv4Addr>) -> Self {
        UdpTable {
            local_addrs,
            sockets: BTreeMap::new(),
            by_port: BTreeMap::new(),
            next_id: 0,
            next_ephemeral: *EPHEMERAL.start(),
            spare: Vec::new(),
        }
    }

    /// Creates a socket bound to `addr`; port 0 takes the next free
    /// [`EPHEMERAL`] port.
    ///
    /// Errors, as Linux: `EADDRNOTAVAIL` unless the address is 0.0.0.0, one
    /// of the host's (127.0.0.0/8 with 127.0.0.1), or 255.255.255.255 (Linux
    /// accepts broadcast addresses: such a socket receives only broadcasts); `EADDRINUSE` if a socket on
    /// the port has an overlapping address (the same, or either is 0.0.0.0),
    /// unless both set `SO_REUSEADDR`, or if no ephemeral port is free
    /// (Linux's implicit bind on a first send gives `EAGAIN` there instead).
    pub fn bind(&mut self, addr: SocketAddrV4, reuse_addr: bool) -> Result<SocketId, i32> {
        let ip = *addr.ip();
        let local = self.local_addrs.contains(&ip)
            || (ip.is_loopback() && self.local_addrs.contains(&Ipv4Addr::LOCALHOST));
        if !ip.is_unspecified() && !ip.is_broadcast() && !local {
            return Err(EADDRNOTAVAIL);
        }
        let port = match addr.port() {
            0 => self.ephemeral_port().ok_or(EADDRINUSE)?,
            port => {
                let clash = self.on_port(port).any(|(_, s)| {
                    let other = *s.local.ip();
                    let overlap = other == ip || other.is_unspecified() || ip.is_unspecified();
                    overlap && !(s.reuse_addr && reuse_addr)
                });
                if clash {
                    return Err(EADDRINUSE);
                }
                port
            }
        };
        let id = SocketId(self.next_id);
        self.next_id += 1;
        let socket = Socket {
            local: SocketAddrV4::new(ip, port),
            send_ip: if ip.is_broadcast() {
                Ipv4Addr::UNSPECIFIED
            } else {
                ip
            },
            reuse_addr,
            peer: None,
            broadcast: false,
            ttl: DEFAULT_TTL,
            pending_error: None,
            queue: VecDeque::new(),
            queued_bytes: 0,
            dropped: 0,
        };
        self.sockets.insert(id, socket);
        self.by_port.entry(port).or_default().push(id);
        Ok(id)
    }

    /// The next ephemeral port no socket holds, moving the cursor past it.
    fn ephemeral_port(&mut self) -> Option<u16> {
        let by_port = &self.by_port;
        next_free_port(&mut self.next_ephemeral, |port| by_port.contains_key(&port))
    }

    fn on_port(&self, port: u16) -> impl Iterator<Item = (SocketId, &Socket)> + '_ {
        self.by_port
            .get(&port)
            .into_iter()
            .flatten()
            .filter_map(|&id| self.sockets.get(&id).map(|s| (id, s)))
    }

    /// Closes a socket; datagrams still queued are discarded.
    pub fn close(&mut self, id: SocketId) {
        let Some(socket) = self.sockets.remove(&id) else {
            return;
        };
        let port = socket.local.port();
        if let Some(ids) = self.by_port.get_mut(&port) {
            ids.retain(|&other| other != id);
            if ids.is_empty() {
                self.by_port.remove(&port);
            }
        }
        for datagram in socket.queue {
            self.recycle(datagram.data);
        }
    }

    /// The address the socket is bound to (`getsockname`).
    pub fn local_addr(&self, id: SocketId) -> Result<SocketAddrV4, i32> {
        self.sockets.get(&id).map(|s| s.local).ok_or(EBADF)
    }

    /// Sets the default peer: `send` goes there, and the socket then only
    /// receives from it (Linux; RFC 1122 §4.1.3.4 leaves the filtering to
    /// the application). Connecting to port 0 is allowed, as on Linux, and
    /// the socket then takes datagrams from any port of that address.
    ///
    /// Errors: `EBADF`; `EACCES` for 255.255.255.255 without `SO_BROADCAST`.
    /// A pending error is NOT cleared: Linux keeps it for the next call.
    /// Linux also fixes a 0.0.0.0-bound socket's address to the route's
    /// source here; the routing caller does that with [`UdpTable::connect_via`].
    pub fn connect(&mut self, id: SocketId, peer: SocketAddrV4) -> Result<(), i32> {
        self.connect_via(id, peer, Ipv4Addr::UNSPECIFIED, &[])
    }

    /// [`UdpTable::connect`] for a caller that routed `peer`: a socket bound
    /// to 0.0.0.0 becomes bound to `route_src`, the address of the interface
    /// the route leaves by (unless that is `UNSPECIFIED`), as Linux's
    /// `__ip4_datagram_connect` does; and a peer in `broadcast_addrs` also
    /// needs `SO_BROADCAST`.
    pub fn connect_via(
        &mut self,
        id: SocketId,
        peer: SocketAddrV4,
        route_src: Ipv4Addr,
        broadcast_addrs: &[Ipv4Addr],
    ) -> Result<(), i32> {
        let socket = self.sockets.get_mut(&id).ok_or(EBADF)?;
        let ip = *peer.ip();
        if (ip.is_broadcast() || broadcast_addrs.contains(&ip)) && !socket.broadcast {
            return Err(EACCES);
        }
        socket.peer = Some(peer);
        if !route_src.is_unspecified() {
            if socket.send_ip.is_unspecified() {
                socket.send_ip = route_src;
            }
            if socket.local.ip().is_unspecified() {
                socket.local.set_ip(route_src);
            }
        }
        Ok(())
    }

    /// The connected peer (`getpeername`): `ENOTCONN` if not connected, or
    /// connected to port 0 (Linux's `inet_getname`).
    pub fn peer_addr(&self, id: SocketId) -> Result<SocketAddrV4, i32> {
        let socket = self.sockets.get(&id).ok_or(EBADF)?;
        socket.peer.filter(|p| p.port() != 0).ok_or(ENOTCONN)
    }

    /// Sets `SO_BROADCAST` (no effect on an unknown socket).
    pub fn set_broadcast(&mut self, id: SocketId, on: bool) {
        if let Some(socket) = self.sockets.get_mut(&id) {
            socket.broadcast = on;
        }
    }

    /// Whether `SO_BROADCAST` is set (false for an unknown socket).
    pub fn broadcast(&self, id: SocketId) -> bool {
        self.sockets.get(&id).is_some_and(|s| s.broadcast)
    }

    /// Sets `IP_TTL`: 1..=255, or `u32::MAX` (-1 as the C `int` std passes)
    /// for the default; anything else is `EINVAL`, as Linux.
    pub fn set_ttl(&mut self, id: SocketId, ttl: u32) -> Result<(), i32> {
        let socket = self.sockets.get_mut(&id).ok_or(EBADF)?;
        socket.ttl = match ttl {
            u32::MAX => DEFAULT_TTL,
            _ => u8::try_from(ttl).ok().filter(|&t| t > 0).ok_or(EINVAL)?,
        };
        Ok(())
    }

    /// `IP_TTL` ([`DEFAULT_TTL`] unless set, and for an unknown socket).
    pub fn ttl(&self, id: SocketId) -> u32 {
        u32::from(self.sockets.get(&id).map_or(DEFAULT_TTL, |s| s.ttl))
    }

    /// Takes the pending error (`SO_ERROR`), clearing it. A blocking receive
    /// on Linux reports it before any queued datagram, so the socket layer
    /// calls this before [`UdpTable::recv`].
    pub fn take_error(&mut self, id: SocketId) -> Option<i32> {
        self.sockets.get_mut(&id)?.pending_error.take()
    }

    /// Checks a send of `data_len` bytes to `dst` (or to the connected peer)
    /// and says where it goes. The socket layer binds an unbound socket to
    /// 0.0.0.0:0 first, as Linux autobinds.
    ///
    /// Errors, in Linux's order (`udp_sendmsg`): `EBADF`; `EMSGSIZE` above
    /// 65535 bytes; `EINVAL` for destination port 0; `EDESTADDRREQ` without
    /// a destination on an unconnected socket; `EACCES` for 255.255.255.255
    /// or an address in `broadcast_addrs` without `SO_BROADCAST`; `EMSGSIZE`
    /// above [`MAX_PAYLOAD`]; then a pending error (such as `ECONNREFUSED`
    /// from an ICMP port unreachable), which is returned once and cleared.
    /// Errors before the last leave the pending error in place. (Linux routes
    /// between the `EDESTADDRREQ` and `EACCES` checks; here the caller routes
    /// after this call.)
    pub fn prepare_send(
        &mut self,
        id: SocketId,
        dst: Option<SocketAddrV4>,
        data_len: usize,
        broadcast_addrs: &[Ipv4Addr],
    ) -> Result<SendPlan, i32> {
        let socket = self.sockets.get_mut(&id).ok_or(EBADF)?;
        if data_len > usize::from(u16::MAX) {
            return Err(EMSGSIZE);
        }
        let dst = match dst {
            Some(dst) if dst.port() == 0 => return Err(EINVAL),
            Some(dst) => dst,
            None => socket.peer.ok_or(EDESTADDRREQ)?,
        };
        let ip = *dst.ip();
        if (ip.is_broadcast() || broadcast_addrs.contains(&ip)) && !socket.broadcast {
            return Err(EACCES);
        }
        if data_len > MAX_PAYLOAD {
            return Err(EMSGSIZE);
        }
        if let Some(err) = socket.pending_error.take() {
            return Err(err);
        }
        Ok(SendPlan {
            src: socket.send_ip,
            src_port: socket.local.port(),
            dst,
            ttl: socket.ttl,
        })
    }

    /// A datagram `from` > `to` arrived for this host, already verified and
    /// parsed by the caller; `is_broadcast` says it was sent to a broadcast
    /// address. Returns where it went.
    ///
    /// Unicast goes to the one best socket, by Linux's `compute_score`: a
    /// connected socket whose peer matches beats one bound to the exact
    /// address, which beats one bound to 0.0.0.0; a connected socket never
    /// takes datagrams from another peer; among equals (`SO_REUSEADDR`) the
    /// last bound wins, as on Linux. A broadcast is copied to every socket
    /// on the port bound to 0.0.0.0 or to the broadcast address itself (not
    /// to the host's unicast address), whose peer, if any, matches
    /// (`__udp4_lib_mcast_deliver`).
    pub fn deliver(
        &mut self,
        from: SocketAddrV4,
        to: SocketAddrV4,
        data: &[u8],
        is_broadcast: bool,
    ) -> Delivery {
        if is_broadcast {
            let matching: Vec<SocketId> = self
                .on_port(to.port())
                .filter(|(_, s)| s.score(from, to).is_some())
                .map(|(id, _)| id)
                .collect();
            if matching.is_empty() {
                return Delivery::NoSocket;
            }
            let (mut queued, mut full) = (Vec::new(), Vec::new());
            for id in matching {
                if self.enqueue(id, from, *to.ip(), data) {
                    queued.push(id);
                } else {
                    full.push(id);
                }
            }
            return Delivery::Broadcast { queued, full };
        }
        match self.lookup(from, to) {
            None => Delivery::NoSocket,
            Some(id) if self.enqueue(id, from, *to.ip(), data) => Delivery::Queued(id),
            Some(id) => Delivery::BufferFull(id),
        }
    }

    /// The socket a unicast datagram `from` > `to` goes to: the highest
    /// score, the last bound among equals (Linux adds sockets at the head of
    /// its hash chain and keeps the first best).
    fn lookup(&self, from: SocketAddrV4, to: SocketAddrV4) -> Option<SocketId> {
        let mut best: Option<(u8, SocketId)> = None;
        for (id, socket) in self.on_port(to.port()) {
            if let Some(score) = socket.score(from, to) {
                if best.is_none_or(|(top, _)| score >= top) {
                    best = Some((score, id));
                }
            }
        }
        best.map(|(_, id)| id)
    }

    /// Copies `data` onto the socket's queue unless its buffer is full;
    /// Linux's `__udp_enqueue_schedule_skb` refuses a datagram once the bytes
    /// already queued exceed the buffer, so one datagram may overshoot it.
    fn enqueue(&mut self, id: SocketId, from: SocketAddrV4, to: Ipv4Addr, data: &[u8]) -> bool {
        let Some(socket) = self.sockets.get_mut(&id) else {
            return false;
        };
        if socket.queued_bytes > DEFAULT_RECV_BUFFER {
            socket.dropped += 1;
            return false;
        }
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(data);
        socket.queued_bytes += charge(data.len());
        socket.queue.push_back(Datagram {
            from,
            to,
            data: buf,
        });
        true
    }

    /// The oldest queued datagram, removed unless `peek`. `None` when the
    /// queue is empty (the socket layer blocks or gives `EAGAIN`).
    pub fn recv(&mut self, id: SocketId, peek: bool) -> Option<Datagram> {
        self.sockets.get_mut(&id)?.next(peek)
    }

    /// [`UdpTable::recv`] into the caller's buffer: how many bytes of the
    /// next datagram were copied (the rest of a long one is lost, as
    /// recvfrom(2) loses it) and who sent it. The datagram's buffer stays
    /// here for later deliveries.
    pub fn recv_into(
        &mut self,
        id: SocketId,
        buf: &mut [u8],
        peek: bool,
    ) -> Option<(usize, SocketAddrV4)> {
        let (got, spent) = self.sockets.get_mut(&id)?.next_into(buf, peek)?;
        self.recycle_some(spent);
        Some(got)
    }

    /// A receive as a process makes it, with one lookup of the socket: its
    /// pending error first (taken: Linux's `sock_error` in `udp_recvmsg`),
    /// else [`UdpTable::recv`]'s answer.
    pub fn take_error_or_recv(
        &mut self,
        id: SocketId,
        peek: bool,
    ) -> Result<Option<Datagram>, i32> {
        let Some(socket) = self.sockets.get_mut(&id) else {
            return Ok(None);
        };
        match socket.pending_error.take() {
            Some(e) => Err(e),
            None => Ok(socket.next(peek)),
        }
    }

    /// [`UdpTable::take_error_or_recv`] into the caller's buffer, as
    /// [`UdpTable::recv_into`].
    pub fn take_error_or_recv_into(
        &mut self,
        id: SocketId,
        buf: &mut [u8],
        peek: bool,
    ) -> Result<Option<(usize, SocketAddrV4)>, i32> {
        let Some(socket) = self.sockets.get_mut(&id) else {
            return Ok(None);
        };
        if let Some(e) = socket.pending_error.take() {
            return Err(e);
        }
        let Some((got, spent)) = socket.next_into(buf, peek) else {
            return Ok(None);
        };
        self.recycle_some(spent);
        Ok(Some(got))
    }

    fn recycle_some(&mut self, spent: Option<Vec<u8>>) {
        if let Some(data) = spent {
            self.recycle(data);
        }
    }

    /// Gives back a payload buffer taken from a [`Datagram`], so that later
    /// deliveries reuse its allocation instead of making a new one.
    pub fn recycle(&mut self, data: Vec<u8>) {
        if self.spare.len() < SPARE_LIMIT {
            self.spare.push(data);
        }
    }

    /// Whether a receive would return at once: a datagram is queued or an
    /// error is pending (Linux's `poll` reports both).
    pub fn readable(&self, id: SocketId) -> bool {
        self.sockets
            .get(&id)
            .is_some_and(|s| !s.queue.is_empty() || s.pending_error.is_some())
    }

    /// How many datagrams wait to be received.
    pub fn queued(&self, id: SocketId) -> usize {
        self.sockets.get(&id).map_or(0, |s| s.queue.len())
    }

    /// Whether an error waits to be read (`SO_ERROR`), without taking it.
    pub fn has_error(&self, id: SocketId) -> bool {
        self.sockets
            .get(&id)
            .is_some_and(|s| s.pending_error.is_some())
    }

    /// Datagrams dropped because this socket's receive buffer was full.
    pub fn dropped(&self, id: SocketId) -> u64 {
        self.sockets.get(&id).map_or(0, |s| s.dropped)
    }

    /// An ICMP destination unreachable quoting a datagram we sent from
    /// `local` to `remote`, with `errno` from [`unreachable_errno`]. The
    /// socket that would receive a reply from `remote` (Linux's
    /// `__udp4_lib_err` lookup) gets `errno` as its pending error if it is
    /// connected; its id is returned so the caller can wake a reader.
    /// Unconnected sockets ignore it (Linux without `IP_RECVERR`).
    pub fn on_icmp_unreachable(
        &mut self,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        errno: i32,
    ) -> Option<SocketId> {
        let id = self.lookup(remote, local)?;
        let socket = self.sockets.get_mut(&id).filter(|s| s.peer.is_some())?;
        socket.pending_error = Some(errno);
        Some(id)
    }

    /// Every socket and its bound address, in id order (for messages such as
    /// "blocked in recv_from on 0.0.0.0:7852").
    pub fn sockets(&self) -> impl Iterator<Item = (SocketId, SocketAddrV4)> + '_ {
        self.sockets.iter().map(|(&id, s)| (id, s.local))
    }
}

/// Bytes a queued payload of `len` counts against the receive buffer.
fn charge(len: usize) -> usize {
    len.max(1)
}

#[cfg(test)]
#[path = "udp_tests.rs"]
mod tests;
