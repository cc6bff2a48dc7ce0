//! Seed 004, the UDP sender and receiver: one message there, one reply back.
//!
//! The seed creates both sockets with `SOCK_STREAM` (TCP) where it means
//! `SOCK_DGRAM`, and calls `bind('127.0.0.1', 8888)` with two arguments
//! instead of one `(ip, port)` tuple; neither runs. These are the programs
//! it meant: in Rust `UdpSocket` can only be UDP, and `bind` takes one
//! address, so neither mistake can be made.

use super::args::nth;
use crate::net::UdpSocket;
use crate::println;

/// `udp-receiver [BIND] [REPLY]`: binds (default `0.0.0.0:8888`), receives
/// one message, answers it with REPLY and returns.
pub fn udp_receiver(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8888");
    // Stands for what the seed's user types at `input('请输入回复数据')`.
    let reply = nth(args, 1, "Thanks, got it");
    let sock = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    let mut buf = [0u8; 1024];
    let (n, from) = match sock.recv_from(&mut buf) {
        Ok(got) => got,
        Err(e) => return println!("error: recv_from: {e}"),
    };
    println!("from {from}: {}", String::from_utf8_lossy(&buf[..n]));
    // The address recv_from gave is all it takes to answer.
    if let Err(e) = sock.send_to(reply.as_bytes(), from) {
        return println!("error: send_to {from}: {e}");
    }
    println!("replied: {reply}");
}

/// `udp-sender [SERVER] [MESSAGE]`: sends MESSAGE (default "Welcome to
/// python world") to SERVER (default `pc2:8888`) and prints the reply.
pub fn udp_sender(args: &[String]) {
    let server = nth(args, 0, "pc2:8888");
    // The seed's sender sends what the user types; this is the message of
    // its TCP client.
    let message = nth(args, 1, "Welcome to python world");
    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    if let Err(e) = sock.send_to(message.as_bytes(), server) {
        return println!("error: send_to {server}: {e}");
    }
    println!("sent: {message}");
    // The seed's sender closes right away; the receiver's reply needs a
    // socket still open to land on.
    let mut buf = [0u8; 1024];
    match sock.recv_from(&mut buf) {
        Ok((n, _)) => println!("reply: {}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => println!("error: recv_from: {e}"),
    }
}
