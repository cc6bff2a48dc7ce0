//! `hosts N`: N client hosts (10.0.0.2 on, in 10.0.0.0/16) and one server
//! (host 0, 10.0.0.1) on one switch; each client sends one 64-byte datagram
//! of its own to the server's UDP echo socket and checks the echo.
//!
//! smoltcp resolves neighbours only by ARP, so every client broadcasts an
//! ARP request for the server (which every host receives and parses), and
//! the server learns each client from its request. The server's ARP cache
//! holds [`WAVE`] entries (smoltcp's `iface-neighbor-cache-count-1024`
//! feature, its largest), so clients start in waves of that many, 1 ms of
//! virtual time apart (a wave takes 80 µs): all at time 0 when N ≤ 1024.
//! A larger wave would evict clients the server has yet to answer, and
//! smoltcp then re-resolves them one per second.

use smoltcp::iface::SocketHandle;
use smoltcp::socket::udp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{IpEndpoint, Ipv4Address};

use crate::net::{App, Host, Lan};
use crate::udp::echo;
use crate::{udp_socket, ECHO_PORT, LAN_LINK, LIMIT, PAYLOAD};

/// Clients starting together: the size of smoltcp's ARP cache.
const WAVE: usize = 1024;

/// The time between waves.
const WAVE_GAP: Duration = Duration::from_millis(1);

/// The server's host.
const SERVER: usize = 0;

/// The clients' UDP port.
const CLIENT_PORT: u16 = 49152;

/// Client `i`'s own payload, so that an echo to the wrong client fails.
fn payload(i: usize) -> [u8; PAYLOAD] {
    let mut payload = [0u8; PAYLOAD];
    for (j, b) in payload.iter_mut().enumerate() {
        *b = i.wrapping_mul(131).wrapping_add(j * 7) as u8;
    }
    payload[..8].copy_from_slice(&(i as u64).to_be_bytes());
    payload
}

/// When client `i` starts.
fn start(i: usize) -> Instant {
    Instant::ZERO + WAVE_GAP * (i / WAVE) as u32
}

/// One client's progress.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    /// Not yet sent.
    Idle,
    /// Sent, waiting for the echo.
    Waiting,
    /// Done, with or without a verified echo.
    Done,
}

/// The `hosts` workload's state.
struct Hosts {
    /// The server's socket.
    server: SocketHandle,
    /// The server's endpoint.
    server_ep: IpEndpoint,
    /// Each client's socket (the same handle on every client host).
    client_socket: SocketHandle,
    /// Each client's progress.
    clients: Vec<Client>,
    /// Clients done.
    finished: usize,
    /// Clients that verified their echo.
    verified: usize,
}

impl App for Hosts {
    fn step(&mut self, index: usize, host: &mut Host, now: Instant) -> bool {
        if index == SERVER {
            return echo(host, self.server);
        }
        let i = index - 1;
        let socket = host.sockets.get_mut::<udp::Socket>(self.client_socket);
        match self.clients[i] {
            Client::Idle if now >= start(i) => {
                if socket.send_slice(&payload(i), self.server_ep).is_err() {
                    self.clients[i] = Client::Done;
                    self.finished += 1;
                    return false;
                }
                self.clients[i] = Client::Waiting;
                true
            }
            Client::Waiting => {
                if let Ok((data, meta)) = socket.recv() {
                    if meta.endpoint == self.server_ep && data == payload(i) {
                        self.verified += 1;
                    }
                    self.clients[i] = Client::Done;
                    self.finished += 1;
                }
                false
            }
            _ => false,
        }
    }

    fn done(&self) -> bool {
        self.finished == self.clients.len()
    }
}

/// The address of host `index` (the server is host 0, at 10.0.0.1).
fn address(index: usize) -> Ipv4Address {
    Ipv4Address::from_bits(u32::from_be_bytes([10, 0, 0, 1]) + index as u32)
}

/// One run of the `hosts` workload with `n` clients; whether every client
/// verified its echo.
pub fn run(n: usize) -> bool {
    let mut lan = Lan::new(LAN_LINK, n + 1);
    let server_host = lan.add_host(address(0), 16);
    // Deep enough for a whole wave arriving at once.
    let mut server = udp_socket(WAVE.min(n) + 1);
    if server.bind(ECHO_PORT).is_err() {
        return false;
    }
    let server = lan.host_mut(server_host).sockets.add(server);
    let mut client_socket = None;
    for i in 0..n {
        let index = lan.add_host(address(i + 1), 16);
        let mut socket = udp_socket(1);
        if socket.bind(CLIENT_PORT).is_err() {
            return false;
        }
        client_socket = Some(lan.host_mut(index).sockets.add(socket));
        if start(i) > Instant::ZERO {
            lan.wake_at(index, start(i));
        }
    }
    let Some(client_socket) = client_socket else {
        return false;
    };
    let mut app = Hosts {
        server,
        server_ep: IpEndpoint::new(address(0).into(), ECHO_PORT),
        client_socket,
        clients: vec![Client::Idle; n],
        finished: 0,
        verified: 0,
    };
    let finished = lan.run(&mut app, LIMIT);
    let ok = finished && app.verified == n;
    if !ok {
        eprintln!(
            "hosts run not verified: {}/{n} echoes verified, {} clients done, at {}",
            app.verified,
            app.finished,
            lan.now()
        );
    }
    ok
}
