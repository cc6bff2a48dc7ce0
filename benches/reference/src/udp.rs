//! `udp COUNT`: COUNT round trips of a 64-byte datagram between a client on
//! host 0 (10.0.0.1) and a UDP echo server on host 1 (10.0.0.2), each reply
//! checked byte for byte.

use smoltcp::iface::SocketHandle;
use smoltcp::socket::udp;
use smoltcp::time::Instant;
use smoltcp::wire::{IpEndpoint, Ipv4Address};

use crate::net::{App, Host, Lan};
use crate::{numbered_payload, udp_socket, ECHO_PORT, LAN_LINK, LIMIT, PAYLOAD};

/// The client's host.
const CLIENT: usize = 0;

/// The client's UDP port.
const CLIENT_PORT: u16 = 49152;

/// Echoes every datagram waiting on the UDP socket `handle` of `host` to its
/// sender; whether it echoed any.
pub fn echo(host: &mut Host, handle: SocketHandle) -> bool {
    let socket = host.sockets.get_mut::<udp::Socket>(handle);
    let mut buf = [0u8; 2048];
    let mut echoed = false;
    while let Ok((n, meta)) = socket.recv_slice(&mut buf) {
        // The tx buffer is as deep as the rx buffer: a full one is a lost echo.
        let _ = socket.send_slice(&buf[..n], meta.endpoint);
        echoed = true;
    }
    echoed
}

/// The `udp` workload's state.
struct Udp {
    /// Round trips to do.
    count: u64,
    /// The client's socket.
    client: SocketHandle,
    /// The server's socket.
    server: SocketHandle,
    /// The server's endpoint.
    server_ep: IpEndpoint,
    /// The datagram in flight, if any.
    payload: Option<[u8; PAYLOAD]>,
    /// Round trips begun.
    sent: u64,
    /// Round trips verified.
    verified: u64,
    /// Whether a reply did not match.
    failed: bool,
}

impl App for Udp {
    fn step(&mut self, index: usize, host: &mut Host, _now: Instant) -> bool {
        if index != CLIENT {
            return echo(host, self.server);
        }
        let socket = host.sockets.get_mut::<udp::Socket>(self.client);
        if let Some(payload) = self.payload {
            match socket.recv() {
                Ok((data, meta)) => {
                    if meta.endpoint == self.server_ep && data == payload {
                        self.verified += 1;
                    } else {
                        self.failed = true;
                    }
                    self.payload = None;
                }
                Err(_) => return false,
            }
        }
        if self.failed || self.sent == self.count {
            return false;
        }
        let mut payload = [0u8; PAYLOAD];
        numbered_payload(&mut payload, self.sent);
        if socket.send_slice(&payload, self.server_ep).is_err() {
            self.failed = true;
            return false;
        }
        self.payload = Some(payload);
        self.sent += 1;
        true
    }

    fn done(&self) -> bool {
        self.failed || self.verified == self.count
    }
}

/// One run of the `udp` workload; whether every round trip was verified.
pub fn run(count: u64) -> bool {
    let mut lan = Lan::new(LAN_LINK, 2);
    let client_host = lan.add_host(Ipv4Address::new(10, 0, 0, 1), 24);
    let server_host = lan.add_host(Ipv4Address::new(10, 0, 0, 2), 24);
    let mut client = udp_socket(4);
    let mut server = udp_socket(4);
    if client.bind(CLIENT_PORT).is_err() || server.bind(ECHO_PORT).is_err() {
        return false;
    }
    let client = lan.host_mut(client_host).sockets.add(client);
    let server = lan.host_mut(server_host).sockets.add(server);
    let mut app = Udp {
        count,
        client,
        server,
        server_ep: IpEndpoint::new(Ipv4Address::new(10, 0, 0, 2).into(), ECHO_PORT),
        payload: None,
        sent: 0,
        verified: 0,
        failed: false,
    };
    let finished = lan.run(&mut app, LIMIT);
    let ok = finished && !app.failed && app.verified == count;
    if !ok {
        eprintln!("udp run not verified: {}/{count} round trips", app.verified);
    }
    ok
}
