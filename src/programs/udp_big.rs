//! A datagram bigger than the link: UDP's limit is 65,507 bytes of data
//! (seed 000: "UDP's 64 KB limit"), but an Ethernet frame carries at most
//! 1,500 bytes of IP packet, so IP cuts a bigger datagram into fragments
//! and the receiver's IP puts them back together before UDP sees it.
//! The programs themselves notice nothing, which is the point.

use std::time::Duration;

use super::args::nth;
use crate::net::UdpSocket;
use crate::println;

/// The byte at `index` of a test datagram: `abc…z` over and over, so the
/// receiver can tell whether the pieces came back in order.
fn pattern(index: usize) -> u8 {
    b'a' + (index % 26) as u8
}

/// `udp-big-sender [SERVER] [SIZE]`: sends one SIZE-byte datagram (default
/// 4000) to SERVER (default `pc2:9000`) and prints the answer.
pub fn udp_big_sender(args: &[String]) {
    let server = nth(args, 0, "pc2:9000");
    let size = match nth(args, 1, "4000").parse::<usize>() {
        Ok(size) => size,
        Err(e) => return println!("error: SIZE: {e}"),
    };
    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    if let Err(e) = sock.set_read_timeout(Some(Duration::from_secs(2))) {
        return println!("error: set_read_timeout: {e}");
    }
    let data: Vec<u8> = (0..size).map(pattern).collect();
    match sock.send_to(&data, server) {
        Ok(n) => println!("sent {n} bytes to {server}"),
        // Over 65,507 bytes: EMSGSIZE, "Message too long".
        Err(e) => return println!("error: send_to {server}: {e}"),
    }
    let mut buf = [0u8; 100];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) => println!("reply from {from}: {}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => println!("no reply within 2s: {e}"),
    }
}

/// `udp-size-server [BIND]`: receives one datagram on BIND (default
/// `0.0.0.0:9000`) into a buffer big enough for any, says how big it was
/// and whether it arrived intact, and answers `got N bytes`.
pub fn udp_size_server(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:9000");
    let sock = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    // The largest UDP datagram: on the heap, not the stack.
    let mut buf = vec![0u8; 65_507];
    let (n, from) = match sock.recv_from(&mut buf) {
        Ok(got) => got,
        Err(e) => return println!("error: recv_from: {e}"),
    };
    let intact = buf[..n].iter().enumerate().all(|(i, b)| *b == pattern(i));
    let state = if intact { "intact" } else { "damaged" };
    println!("received {n} bytes from {from}: {state}");
    if let Err(e) = sock.send_to(format!("got {n} bytes").as_bytes(), from) {
        println!("error: send_to {from}: {e}");
    }
}
