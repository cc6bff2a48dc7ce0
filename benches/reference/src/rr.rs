//! `rr N`: N TCP connections one after another from host 0 (10.0.0.1) to
//! port 5001 of host 1 (10.0.0.2), each carrying one 100-byte request that
//! the server echoes; then both sides close.
//!
//! smoltcp has no accept queue: a listening socket becomes the connection,
//! so the server adds a fresh listening socket each time its listener takes
//! a SYN (before the next connection can start). Sockets leave their sets
//! once closed (or in TIME-WAIT).

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{self, State};
use smoltcp::time::Instant;
use smoltcp::wire::Ipv4Address;

use crate::net::{App, Host, Lan};
use crate::{numbered_payload, tcp_socket, LAN_LINK, LIMIT, TCP_PORT};

/// The request and response size, in bytes.
const RR_SIZE: usize = 100;

/// The client's socket buffers, each way, in bytes.
const BUFFER: usize = 16 * 1024;

/// The client's host.
const CLIENT: usize = 0;

/// The server's address.
const SERVER_IP: Ipv4Address = Ipv4Address::new(10, 0, 0, 2);

/// One connection's side and what it has exchanged.
struct Conn {
    /// Its socket.
    handle: SocketHandle,
    /// The request (the client's, or what the server read).
    request: [u8; RR_SIZE],
    /// Whether the client wrote its request.
    sent: bool,
    /// Bytes read so far.
    got: usize,
    /// What was read.
    buf: [u8; RR_SIZE],
}

impl Conn {
    /// A connection side on socket `handle`, with request `request`.
    fn new(handle: SocketHandle, request: [u8; RR_SIZE]) -> Self {
        Conn {
            handle,
            request,
            sent: false,
            got: 0,
            buf: [0; RR_SIZE],
        }
    }
}

/// Whether a socket in `state` is done with: closed, or in TIME-WAIT (its
/// last ACK already sent).
fn finished(state: State) -> bool {
    matches!(state, State::Closed | State::TimeWait)
}

/// The `rr` workload's state.
struct Rr {
    /// Connections to make.
    n: u64,
    /// Connections the client started.
    started: u64,
    /// Replies the client verified.
    verified: u64,
    /// Whether something went wrong.
    failed: bool,
    /// The client's open connection, if any.
    client: Option<Conn>,
    /// The client's sockets closing.
    closing: Vec<SocketHandle>,
    /// The server's listening socket, if more connections are due.
    listener: Option<SocketHandle>,
    /// Connections the server took.
    accepted: u64,
    /// The server's connections.
    served: Vec<Conn>,
}

impl Rr {
    /// The client's step: start a connection, write its request, read and
    /// check the reply, close. Whether it queued anything.
    fn client_step(&mut self, host: &mut Host) -> bool {
        let mut changed = false;
        self.closing.retain(|&h| {
            let done = finished(host.sockets.get::<tcp::Socket>(h).state());
            if done {
                host.sockets.remove(h);
            }
            !done
        });
        if self.client.is_none() && self.started < self.n && !self.failed {
            let mut socket = tcp_socket(BUFFER);
            let local_port = 49152 + (self.started % 16384) as u16;
            let remote = (SERVER_IP, TCP_PORT);
            if socket
                .connect(host.iface.context(), remote, local_port)
                .is_err()
            {
                self.failed = true;
                return false;
            }
            let mut request = [0u8; RR_SIZE];
            numbered_payload(&mut request, self.started);
            self.client = Some(Conn::new(host.sockets.add(socket), request));
            self.started += 1;
            changed = true;
        }
        let Some(conn) = &mut self.client else {
            return changed;
        };
        let socket = host.sockets.get_mut::<tcp::Socket>(conn.handle);
        if !conn.sent && socket.may_send() {
            conn.sent = socket.send_slice(&conn.request) == Ok(RR_SIZE);
            self.failed |= !conn.sent;
            changed = true;
        }
        if let Ok(n) = socket.recv_slice(&mut conn.buf[conn.got..]) {
            conn.got += n;
        }
        if conn.got == RR_SIZE {
            if conn.buf == conn.request {
                self.verified += 1;
            } else {
                self.failed = true;
            }
            socket.close();
            self.closing.push(conn.handle);
            self.client = None;
            changed = true;
        } else if socket.state() == State::Closed {
            self.failed = true;
        }
        changed
    }

    /// The server's step: take a new connection (adding a fresh listener),
    /// echo each full request, close. Whether it queued anything.
    fn server_step(&mut self, host: &mut Host) -> bool {
        let mut changed = false;
        if let Some(listener) = self.listener {
            if host.sockets.get::<tcp::Socket>(listener).state() != State::Listen {
                self.served.push(Conn::new(listener, [0; RR_SIZE]));
                self.accepted += 1;
                self.listener = None;
                if self.accepted < self.n {
                    match listen(host) {
                        Some(h) => self.listener = Some(h),
                        None => self.failed = true,
                    }
                }
            }
        }
        let mut failed = false;
        self.served.retain_mut(|conn| {
            let socket = host.sockets.get_mut::<tcp::Socket>(conn.handle);
            if !conn.sent {
                if let Ok(n) = socket.recv_slice(&mut conn.buf[conn.got..]) {
                    conn.got += n;
                }
                if conn.got == RR_SIZE {
                    conn.sent = socket.send_slice(&conn.buf) == Ok(RR_SIZE);
                    failed |= !conn.sent;
                    socket.close();
                    changed = true;
                }
            }
            let done = finished(socket.state());
            failed |= done && !conn.sent;
            if done {
                host.sockets.remove(conn.handle);
            }
            !done
        });
        self.failed |= failed;
        changed
    }
}

/// A new listening socket on the server's `TCP_PORT`, added to `host`.
fn listen(host: &mut Host) -> Option<SocketHandle> {
    let mut socket = tcp_socket(BUFFER);
    socket.listen(TCP_PORT).ok()?;
    Some(host.sockets.add(socket))
}

impl App for Rr {
    fn step(&mut self, index: usize, host: &mut Host, _now: Instant) -> bool {
        if index == CLIENT {
            self.client_step(host)
        } else {
            self.server_step(host)
        }
    }

    fn done(&self) -> bool {
        self.failed
            || (self.verified == self.n
                && self.accepted == self.n
                && self.closing.is_empty()
                && self.served.is_empty())
    }
}

/// One run of the `rr` workload; whether all `n` replies were verified and
/// every connection closed on both sides.
pub fn run(n: u64) -> bool {
    let mut lan = Lan::new(LAN_LINK, 2);
    lan.add_host(Ipv4Address::new(10, 0, 0, 1), 24);
    let server_host = lan.add_host(SERVER_IP, 24);
    let Some(listener) = listen(lan.host_mut(server_host)) else {
        return false;
    };
    let mut app = Rr {
        n,
        started: 0,
        verified: 0,
        failed: false,
        client: None,
        closing: Vec::new(),
        listener: Some(listener),
        accepted: 0,
        served: Vec::new(),
    };
    let finished = lan.run(&mut app, LIMIT);
    let ok = finished && !app.failed && app.verified == n;
    if !ok {
        eprintln!(
            "rr run not verified: {}/{n} replies verified, {} accepted, {} client and {} server sockets left, at {}",
            app.verified,
            app.accepted,
            app.closing.len() + usize::from(app.client.is_some()),
            app.served.len(),
            lan.now()
        );
    }
    ok
}
