//! `bulk BYTES LOSS`: BYTES of a fixed pattern over one TCP connection from
//! host 0 (10.0.0.1) to port 5001 of host 1 (10.0.0.2), on 1 ms links each
//! dropping a frame with probability LOSS. The client writes in 64 KiB
//! calls and closes; the server reads into a 64 KiB buffer until EOF,
//! checking every byte, then closes.

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{self, State};
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::Ipv4Address;

use crate::net::{App, Host, Lan, Link};
use crate::{tcp_socket, LIMIT, TCP_PORT};

/// The socket buffers, each way, in bytes (smoltcp scales its window).
const BUFFER: usize = 1 << 20;

/// The size of the client's writes and the server's reads, in bytes.
const CHUNK: usize = 64 * 1024;

/// The client's host.
const CLIENT: usize = 0;

/// Byte `i` of the stream (simnet's `bulk` pattern).
fn pattern(i: u64) -> u8 {
    i.wrapping_mul(7).wrapping_add(i / 251) as u8
}

/// The period of `pattern`: 251 × 256 bytes.
const PERIOD: usize = 251 * 256;

/// The `bulk` workload's state.
struct Bulk {
    /// Bytes to send.
    bytes: u64,
    /// `pattern` over one period and one chunk more: bytes `at…` of the
    /// stream start at `at % PERIOD`.
    table: Vec<u8>,
    /// The client's socket.
    client: SocketHandle,
    /// The server's socket.
    server: SocketHandle,
    /// Bytes the client wrote.
    written: u64,
    /// Whether the client closed.
    client_closed: bool,
    /// Bytes the server read and checked.
    read: u64,
    /// The server's read buffer.
    buf: Vec<u8>,
    /// Whether the server saw EOF (and closed).
    eof: bool,
    /// Whether a byte was wrong or a socket closed early.
    failed: bool,
    /// Whether both sockets are closed (or in TIME-WAIT).
    closed: bool,
}

impl Bulk {
    /// The client's step: write what the send buffer takes, then close.
    fn client_step(&mut self, host: &mut Host) -> bool {
        let socket = host.sockets.get_mut::<tcp::Socket>(self.client);
        let mut changed = false;
        while self.written < self.bytes && socket.can_send() {
            let n = (self.bytes - self.written).min(CHUNK as u64) as usize;
            let offset = (self.written % PERIOD as u64) as usize;
            match socket.send_slice(&self.table[offset..offset + n]) {
                Ok(0) => break,
                Ok(sent) => {
                    self.written += sent as u64;
                    changed = true;
                }
                Err(_) => {
                    self.failed = true;
                    return false;
                }
            }
        }
        if self.written == self.bytes && !self.client_closed && socket.may_send() {
            socket.close();
            self.client_closed = true;
            changed = true;
        }
        changed
    }

    /// The server's step: read and check what arrived; at EOF, close.
    fn server_step(&mut self, host: &mut Host) -> bool {
        let socket = host.sockets.get_mut::<tcp::Socket>(self.server);
        while let Ok(n) = socket.recv_slice(&mut self.buf) {
            if n == 0 {
                break;
            }
            let offset = (self.read % PERIOD as u64) as usize;
            if self.buf[..n] != self.table[offset..offset + n] {
                let k = (0..n).find(|&k| self.buf[k] != self.table[offset + k]);
                let i = self.read + k.unwrap_or(0) as u64;
                eprintln!("bulk: byte {i} is wrong (expected {})", pattern(i));
                self.failed = true;
                return false;
            }
            self.read += n as u64;
        }
        let state = socket.state();
        if !self.eof && state == State::CloseWait && !socket.can_recv() {
            self.eof = true;
            socket.close();
            return true;
        }
        false
    }
}

impl App for Bulk {
    fn step(&mut self, index: usize, host: &mut Host, _now: Instant) -> bool {
        let changed = if index == CLIENT {
            self.client_step(host)
        } else {
            self.server_step(host)
        };
        let state = |h| host.sockets.get::<tcp::Socket>(h).state();
        let (client, server) = (state(self.client), state(self.server));
        let gone = |s| matches!(s, State::Closed | State::TimeWait);
        self.closed = gone(client) && gone(server);
        // A socket closed before the server's EOF: reset or timed out.
        self.failed |= !self.eof && (client == State::Closed || server == State::Closed);
        changed
    }

    fn done(&self) -> bool {
        self.failed || (self.eof && self.closed)
    }
}

/// One run of the `bulk` workload; whether the server read exactly `bytes`
/// bytes of the pattern, then EOF, and both sides closed.
pub fn run(bytes: u64, loss: f64) -> bool {
    let link = Link {
        latency: Duration::from_millis(1),
        loss,
    };
    let mut lan = Lan::new(link, 2);
    let client_host = lan.add_host(Ipv4Address::new(10, 0, 0, 1), 24);
    let server_host = lan.add_host(Ipv4Address::new(10, 0, 0, 2), 24);
    let mut server = tcp_socket(BUFFER);
    if server.listen(TCP_PORT).is_err() {
        return false;
    }
    let server = lan.host_mut(server_host).sockets.add(server);
    let mut client = tcp_socket(BUFFER);
    let host = lan.host_mut(client_host);
    let remote = (Ipv4Address::new(10, 0, 0, 2), TCP_PORT);
    if client.connect(host.iface.context(), remote, 49152).is_err() {
        return false;
    }
    let client = host.sockets.add(client);
    let mut app = Bulk {
        bytes,
        table: (0..(PERIOD + CHUNK) as u64).map(pattern).collect(),
        client,
        server,
        written: 0,
        client_closed: false,
        read: 0,
        buf: vec![0; CHUNK],
        eof: false,
        failed: false,
        closed: false,
    };
    let finished = lan.run(&mut app, LIMIT);
    let ok = finished && !app.failed && app.eof && app.read == bytes;
    if !ok {
        eprintln!(
            "bulk run not verified: the server read {}/{bytes} bytes, EOF seen: {}, at {}",
            app.read,
            app.eof,
            lan.now()
        );
    }
    ok
}
