//! A host's TCP sockets: listeners with their accept queues, connections
//! by their four-tuple, and the ports they hold.
//!
//! Socket ids share one space with UDP's (a process holds either through a
//! [`SocketId`]): TCP's start at [`FIRST_ID`].

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddrV4};

use super::readiness::PollState;
use super::tcp::{Endpoints, State, Tcb, TcpConfig, TimeWait, TimeWaitShape};
use super::udp::{errno, next_free_port, SocketId, EPHEMERAL};
use crate::sim::fxhash::FxBuild;
use crate::sim::SimTime;

/// The first TCP socket id: far above any UDP id a run could reach.
pub const FIRST_ID: u32 = 1 << 31;

/// Connections a listener keeps waiting to be accepted: std's `listen(128)`.
pub const BACKLOG: usize = 128;

/// The largest backlog Linux grants (`net.core.somaxconn`'s default since
/// 5.4): `listen(n)` with more is cut to this.
pub const SOMAXCONN: usize = 4096;

/// A listening socket.
#[derive(Debug)]
pub struct Listener {
    /// Its address (0.0.0.0 for any of the host's).
    pub local: SocketAddrV4,
    /// Established connections not yet accepted, oldest first.
    pub ready: VecDeque<SocketId>,
    /// Connections still in their handshake.
    pub pending: BTreeSet<SocketId>,
    /// The TTL its connections use.
    pub ttl: u8,
    /// `listen(backlog)`'s argument, capped at [`SOMAXCONN`].
    pub backlog: usize,
    /// `SO_RCVBUF` set on it: its connections' receive buffer.
    pub recv_buffer: Option<usize>,
    /// `SO_SNDBUF` set on it: its connections' send buffer.
    pub send_buffer: Option<usize>,
}

/// A connection.
#[derive(Debug)]
pub struct Conn {
    /// The protocol state machine.
    pub tcb: Tcb,
    /// The listener that made it, until it is accepted.
    pub listener: Option<SocketId>,
    /// The application has closed it (it lives on until the state machine
    /// is done: FIN exchange, TIME-WAIT).
    pub orphaned: bool,
    /// When its pending timer event fires, if one is armed.
    pub timer_at: Option<SimTime>,
    /// The TTL of its segments.
    pub ttl: u8,
    /// `shutdown(Read)` was called: reads return end of stream.
    pub read_shut: bool,
}

/// What a process waiting on a connection can see of it: its state and
/// what `poll` reports of it. Every blocked call (`read`, `write`,
/// `connect`) and every poller decides from these alone whether it can go
/// on, so a segment or a timer that leaves them as they were has nobody to
/// wake ([`Conn::seen`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    state: State,
    poll: PollState,
}

impl Conn {
    /// Its [`PollState`]: the `epoll` mask and the bytes waiting to be read.
    pub fn poll_state(&self) -> PollState {
        PollState {
            mask: self.tcb.poll_mask(self.read_shut),
            waiting: self.tcb.recv_available(),
        }
    }

    /// What a waiter sees of it now (see [`Seen`]).
    pub fn seen(&self) -> Seen {
        Seen {
            state: self.tcb.state(),
            poll: self.poll_state(),
        }
    }
}

/// A connection the application has closed, reduced to its TIME-WAIT
/// record while it waits out 2 MSL (see [`TimeWait`]): what the table
/// keeps of its [`Conn`]. It was orphaned and belongs to no listener.
/// Its one timer event is armed for the end of 2 MSL.
#[derive(Debug)]
struct Waiting {
    tcb: TimeWait,
    /// Its shape, as an index into [`TcpTable`]'s `shapes`.
    shape: u16,
}

/// What a connection in TIME-WAIT shares with most others of its host
/// (see [`TimeWaitShape`]), with the [`Conn`] fields that are alike too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    tcb: TimeWaitShape,
    ttl: u8,
    read_shut: bool,
}

/// The most distinct shapes a table keeps for its TIME-WAIT records at
/// once; a connection of yet another stays whole while they are all in use.
pub const MAX_SHAPES: usize = 64;

/// A socket of the table.
#[derive(Debug)]
pub enum TcpSocket {
    /// Waiting for connections (boxed, as a connection is: the table
    /// holds thousands of sockets, and an unboxed listener would make every
    /// entry its size).
    Listener(Box<Listener>),
    /// One end of a connection.
    Conn(Box<Conn>),
}

/// A host's TCP sockets.
///
/// Every segment and every socket call looks a socket up here, and a busy
/// host holds thousands (each closed connection waits out TIME-WAIT), so
/// the tables are hashed. They are only looked up, never iterated, so no
/// hash order can reach a run.
#[derive(Debug)]
pub struct TcpTable {
    local_addrs: Vec<Ipv4Addr>,
    /// Every socket, by id, but those in `time_wait`.
    pub sockets: HashMap<SocketId, TcpSocket, FxBuild>,
    /// Connections closed by the application that wait out TIME-WAIT, as
    /// records of a seventh of a [`Conn`]'s size. They keep their ends in
    /// `by_ends` and their port in `conn_ports`; a segment or their timer
    /// makes them whole again ([`TcpTable::with_conn`]).
    time_wait: HashMap<SocketId, Waiting, FxBuild>,
    /// The shapes of the connections in `time_wait`, each once, with how
    /// many records use it: a slot no record uses is taken by the next new
    /// shape.
    shapes: Vec<(Shape, usize)>,
    /// Connections by their ends, packed into one number (see [`ends_key`]).
    by_ends: HashMap<u128, SocketId, FxBuild>,
    /// How many connections of `by_ends` hold each local port.
    conn_ports: HashMap<u16, usize, FxBuild>,
    /// The listeners made on each port, in id order. A listener closed by
    /// removing it from `sockets` leaves its id here; lookups skip ids that
    /// are no longer listeners (ids are never reused).
    listeners: HashMap<u16, Vec<SocketId>, FxBuild>,
    next_id: u32,
    next_ephemeral: u16,
    /// The configuration new connections get.
    pub config: TcpConfig,
}

impl TcpTable {
    /// The node's addresses changed (DHCP): sockets may bind these now.
    pub fn set_local_addrs(&mut self, local_addrs: Vec<Ipv4Addr>) {
        self.local_addrs = local_addrs;
    }

    /// An empty table for a host with these addresses (and 127.0.0.0/8).
    pub fn new(local_addrs: Vec<Ipv4Addr>, config: TcpConfig) -> TcpTable {
        TcpTable {
            local_addrs,
            sockets: HashMap::default(),
            time_wait: HashMap::default(),
            shapes: Vec::new(),
            by_ends: HashMap::default(),
            conn_ports: HashMap::default(),
            listeners: HashMap::default(),
            next_id: FIRST_ID,
            next_ephemeral: *EPHEMERAL.start(),
            config,
        }
    }

    fn new_id(&mut self) -> SocketId {
        let id = SocketId(self.next_id);
        self.next_id = self.next_id.wrapping_add(1).max(FIRST_ID);
        id
    }

    fn is_local(&self, ip: Ipv4Addr) -> bool {
        ip.is_loopback() || self.local_addrs.contains(&ip)
    }

    /// Whether a port is held: by a listener, or by any connection (std
    /// sets `SO_REUSEADDR` on listeners, so Linux lets a listener bind a
    /// port whose only users are connections, even in TIME-WAIT).
    fn listener_on(&self, addr: SocketAddrV4) -> bool {
        self.listeners_on(addr.port()).any(|(_, l)| {
            l.local.ip() == addr.ip() || l.local.ip().is_unspecified() || addr.ip().is_unspecified()
        })
    }

    /// The listeners on `port`, in id order.
    fn listeners_on(&self, port: u16) -> impl Iterator<Item = (SocketId, &Listener)> + '_ {
        self.listeners
            .get(&port)
            .into_iter()
            .flatten()
            .filter_map(|id| match self.sockets.get(id) {
                Some(TcpSocket::Listener(l)) => Some((*id, &**l)),
                _ => None,
            })
    }

    fn port_used(&self, port: u16) -> bool {
        self.listener_on(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))
            || self.conn_ports.contains_key(&port)
    }

    /// A listener on `addr`: `EADDRNOTAVAIL` for an address the host lacks,
    /// `EADDRINUSE` if another listener holds it.
    pub fn listen(&mut self, addr: SocketAddrV4, ttl: u8) -> Result<SocketId, i32> {
        if !addr.ip().is_unspecified() && !self.is_local(*addr.ip()) {
            return Err(errno::EADDRNOTAVAIL);
        }
        let port = match addr.port() {
            0 => self.ephemeral_port().ok_or(errno::EADDRINUSE)?,
            _ if self.listener_on(addr) => return Err(errno::EADDRINUSE),
            port => port,
        };
        let id = self.new_id();
        let listener = Listener {
            local: SocketAddrV4::new(*addr.ip(), port),
            ready: VecDeque::new(),
            pending: BTreeSet::new(),
            ttl,
            backlog: BACKLOG,
            recv_buffer: None,
            send_buffer: None,
        };
        self.sockets
            .insert(id, TcpSocket::Listener(Box::new(listener)));
        self.listeners.entry(port).or_default().push(id);
        Ok(id)
    }

    /// The next free ephemeral port, in order, wrapping.
    pub fn ephemeral_port(&mut self) -> Option<u16> {
        let mut next = self.next_ephemeral;
        let port = next_free_port(&mut next, |port| self.port_used(port));
        self.next_ephemeral = next;
        port
    }

    /// Adds a connection.
    pub fn insert_conn(&mut self, tcb: Tcb, listener: Option<SocketId>, ttl: u8) -> SocketId {
        let id = self.new_id();
        if self.by_ends.insert(ends_key(&tcb.ends()), id).is_none() {
            *self.conn_ports.entry(tcb.ends().local.port()).or_default() += 1;
        }
        let conn = Conn {
            tcb,
            listener,
            orphaned: false,
            timer_at: None,
            ttl,
            read_shut: false,
        };
        self.sockets.insert(id, TcpSocket::Conn(Box::new(conn)));
        if let Some(TcpSocket::Listener(l)) = listener.and_then(|l| self.sockets.get_mut(&l)) {
            l.pending.insert(id);
        }
        id
    }

    /// The connection with these ends.
    pub fn find(&self, ends: &Endpoints) -> Option<SocketId> {
        self.by_ends.get(&ends_key(ends)).copied()
    }

    /// The listener a SYN to `to` goes to: one on exactly `to`, else one on
    /// 0.0.0.0 with its port.
    pub fn listener_for(&self, to: SocketAddrV4) -> Option<SocketId> {
        let mut wildcard = None;
        for (id, l) in self.listeners_on(to.port()) {
            if l.local == to {
                return Some(id);
            }
            if l.local.ip().is_unspecified() {
                wildcard = Some(id);
            }
        }
        wildcard
    }

    /// The connection `id`, if it is whole: `None` for one that waits out
    /// TIME-WAIT as a record (no program holds it; [`TcpTable::with_conn`]
    /// makes it whole for a segment or a timer).
    pub fn conn(&mut self, id: SocketId) -> Option<&mut Conn> {
        match self.sockets.get_mut(&id) {
            Some(TcpSocket::Conn(c)) => Some(c),
            _ => None,
        }
    }

    /// Runs `f` on connection `id`, first making it whole again if it
    /// waits in TIME-WAIT as a record; `None` if there is no such
    /// connection. For segments and timers, the two things that reach a
    /// connection nobody holds.
    pub fn with_conn<R>(&mut self, id: SocketId, f: impl FnOnce(&mut Conn) -> R) -> Option<R> {
        if let Some(TcpSocket::Conn(c)) = self.sockets.get_mut(&id) {
            return Some(f(c));
        }
        self.with_revived(id, f)
    }

    /// [`TcpTable::with_conn`] for a connection that is not whole: kept
    /// out of line, so that the common case stays small where it is used.
    #[cold]
    #[inline(never)]
    fn with_revived<R>(&mut self, id: SocketId, f: impl FnOnce(&mut Conn) -> R) -> Option<R> {
        self.revive(id)?;
        self.conn(id).map(f)
    }

    /// Forgets the TIME-WAIT record `id` if its 2 MSL is over by `now`, and
    /// returns its ends; `None` if there is no such record, or its time has
    /// not come (then make it whole and give it the timer as to any
    /// connection). What the connection would have reported is
    /// [`TimeWait::expiry_events`].
    #[inline(never)]
    pub fn expire_time_wait(&mut self, id: SocketId, now: SimTime) -> Option<Endpoints> {
        let Entry::Occupied(entry) = self.time_wait.entry(id) else {
            return None;
        };
        if entry.get().tcb.close_at() > now {
            return None;
        }
        let w = entry.remove();
        self.release_shape(w.shape);
        let ends = w.tcb.ends();
        self.forget_ends(&ends);
        Some(ends)
    }

    /// A record of shape `index` is gone: one user fewer. Returns the shape.
    fn release_shape(&mut self, index: u16) -> Option<Shape> {
        let (shape, users) = self.shapes.get_mut(usize::from(index))?;
        *users = users.saturating_sub(1);
        Some(*shape)
    }

    /// Makes the TIME-WAIT record `id` a whole connection again.
    #[cold]
    #[inline(never)]
    fn revive(&mut self, id: SocketId) -> Option<()> {
        let w = self.time_wait.remove(&id)?;
        let shape = self.release_shape(w.shape)?;
        let tcb = Tcb::from_time_wait(&w.tcb, &shape.tcb);
        let conn = Conn {
            timer_at: tcb.poll_at(),
            tcb,
            listener: None,
            orphaned: true,
            ttl: shape.ttl,
            read_shut: shape.read_shut,
        };
        self.sockets.insert(id, TcpSocket::Conn(Box::new(conn)));
        Some(())
    }

    /// Reduces connection `id` to a TIME-WAIT record if the application has
    /// closed it and it waits out 2 MSL with nothing else pending (Linux's
    /// `tcp_time_wait`); returns whether it did.
    #[inline(never)]
    pub fn settle_time_wait(&mut self, id: SocketId) -> bool {
        let Entry::Occupied(entry) = self.sockets.entry(id) else {
            return false;
        };
        let TcpSocket::Conn(c) = entry.get() else {
            return false;
        };
        if !c.orphaned || c.listener.is_some() {
            return false;
        }
        let Some((record, tcb_shape)) = c.tcb.to_time_wait() else {
            return false;
        };
        if c.timer_at != c.tcb.poll_at() {
            return false;
        }
        let shape = Shape {
            tcb: tcb_shape,
            ttl: c.ttl,
            read_shut: c.read_shut,
        };
        let same = self.shapes.iter().position(|(s, _)| *s == shape);
        let free = || self.shapes.iter().position(|(_, users)| *users == 0);
        let index = match same.or_else(free) {
            Some(i) => i,
            None if self.shapes.len() < MAX_SHAPES => {
                self.shapes.push((shape, 0));
                self.shapes.len() - 1
            }
            None => return false,
        };
        let users = self.shapes[index].1 + 1;
        self.shapes[index] = (shape, users);
        let waiting = Waiting {
            tcb: record,
            // At most MAX_SHAPES: it fits.
            shape: index as u16,
        };
        entry.remove();
        self.time_wait.insert(id, waiting);
        true
    }

    /// The listener `id`.
    pub fn listener(&mut self, id: SocketId) -> Option<&mut Listener> {
        match self.sockets.get_mut(&id) {
            Some(TcpSocket::Listener(l)) => Some(l),
            _ => None,
        }
    }

    /// Moves connection `id` from its listener's handshake set to the
    /// accept queue once established; returns the listener if it did.
    pub fn promote(&mut self, id: SocketId) -> Option<SocketId> {
        let conn = self.conn(id)?;
        let listener = conn.listener?;
        if !conn.tcb.established() {
            return None;
        }
        let l = self.listener(listener)?;
        if l.pending.remove(&id) {
            l.ready.push_back(id);
            return Some(listener);
        }
        None
    }

    /// Forgets a connection that is over.
    pub fn remove_conn(&mut self, id: SocketId) {
        if self.time_wait.contains_key(&id) {
            self.revive(id);
        }
        if let Some(TcpSocket::Conn(c)) = self.sockets.remove(&id) {
            self.forget_ends(&c.tcb.ends());
            if let Some(TcpSocket::Listener(l)) = c.listener.and_then(|l| self.sockets.get_mut(&l))
            {
                l.pending.remove(&id);
                l.ready.retain(|r| *r != id);
            }
        }
    }

    /// A connection with these ends is gone: free its ends and its port.
    fn forget_ends(&mut self, ends: &Endpoints) {
        let port = ends.local.port();
        if self.by_ends.remove(&ends_key(ends)).is_some() {
            if let Some(n) = self.conn_ports.get_mut(&port) {
                *n -= 1;
                if *n == 0 {
                    self.conn_ports.remove(&port);
                }
            }
        }
    }

    /// Whether a listener has room for another connection: Linux keeps at
    /// most backlog + 1 (its `sk_acceptq_is_full` is `>`, not `>=`), and
    /// without SYN cookies drops a SYN beyond that (`tcp_conn_request`).
    /// Here connections still in their handshake count too, so a burst of
    /// SYNs cannot overfill the queue when their ACKs arrive.
    pub fn has_room(&mut self, listener: SocketId) -> bool {
        self.listener(listener)
            .is_some_and(|l| l.ready.len() + l.pending.len() <= l.backlog)
    }

    /// Sets listener `id`'s backlog (`listen(n)`), at most [`SOMAXCONN`].
    pub fn set_backlog(&mut self, id: SocketId, backlog: usize) {
        if let Some(l) = self.listener(id) {
            l.backlog = backlog.min(SOMAXCONN);
        }
    }

    /// The state of connection `id`, for the trace.
    pub fn state(&mut self, id: SocketId) -> Option<State> {
        if self.time_wait.contains_key(&id) {
            return Some(State::TimeWait);
        }
        self.conn(id).map(|c| c.tcb.state())
    }

    /// How many connections wait out TIME-WAIT as records.
    pub fn time_wait_records(&self) -> usize {
        self.time_wait.len()
    }
}

/// A connection's ends as one number: local address and port, then remote
/// address and port, each address as its 32 bits, big-end first. It orders
/// as `Endpoints` does (address, then port; local, then remote), but a
/// lookup compares one integer rather than two pairs field by field, which
/// matters with thousands of connections in TIME-WAIT.
fn ends_key(ends: &Endpoints) -> u128 {
    let addr = |a: &SocketAddrV4| u128::from(u32::from(*a.ip())) << 16 | u128::from(a.port());
    addr(&ends.local) << 48 | addr(&ends.remote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_keys_are_distinct_and_order_as_endpoints() {
        let mut state: u64 = 99;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u32
        };
        let mut addr = || {
            let ip = Ipv4Addr::from(next() % 4 * 0x0100_0000 + next() % 3);
            SocketAddrV4::new(ip, (next() % 3) as u16 * 30_000)
        };
        let ends: Vec<Endpoints> = (0..300)
            .map(|_| Endpoints {
                local: addr(),
                remote: addr(),
            })
            .collect();
        for a in &ends {
            for b in &ends {
                assert_eq!(ends_key(a).cmp(&ends_key(b)), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_listener_keeps_backlog_plus_one_connections_as_linux_does() {
        let addr = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 80);
        let mut t = TcpTable::new(vec![*addr.ip()], TcpConfig::default());
        let l = t.listen(addr, 64).expect("listens");
        assert_eq!(
            t.listener(l).map(|l| l.backlog),
            Some(BACKLOG),
            "std's listen(128)"
        );
        t.set_backlog(l, 1);
        let mut fake = 1000;
        let mut add = |t: &mut TcpTable, ready: bool| {
            fake += 1;
            let id = SocketId(fake);
            let listener = t.listener(l).expect("a listener");
            if ready {
                listener.ready.push_back(id);
            } else {
                listener.pending.insert(id);
            }
        };
        assert!(t.has_room(l));
        add(&mut t, true);
        assert!(t.has_room(l), "backlog 1 keeps a second");
        add(&mut t, false);
        assert!(
            !t.has_room(l),
            "a third SYN is dropped, handshakes in progress included"
        );
        t.set_backlog(l, 1 << 20);
        assert_eq!(
            t.listener(l).map(|l| l.backlog),
            Some(SOMAXCONN),
            "capped at somaxconn"
        );
    }
}
