//! Seed 002, the UDP echo pair: a server that sends every datagram back,
//! and a client that sends typed lines and prints the answers.
//!
//! The client also shows what the seed's cannot: UDP promises nothing, so a
//! reply may never come, and a client that waits forever hangs. A read
//! timeout turns "no answer" into an error it can report and move past.

use std::io::ErrorKind;

use super::args::{nth, seconds, take_option};
use crate::net::UdpSocket;
use crate::println;

/// `udp-echo-server [BIND]`: binds (default `0.0.0.0:8888`, the seed's
/// port) and sends every datagram back to its sender, forever.
pub fn udp_echo_server(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8888");
    let sock = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    let mut buf = [0u8; 1024];
    loop {
        // One socket serves every client: each datagram says who sent it.
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => {
                println!("error: recv_from: {e}");
                continue;
            }
        };
        let text = String::from_utf8_lossy(&buf[..n]);
        println!("echo {n} bytes to {from}: {text}");
        if let Err(e) = sock.send_to(&buf[..n], from) {
            println!("error: send_to {from}: {e}");
        }
    }
}

/// `udp-echo-client [--timeout SECS] [SERVER] [LINE…]`: sends each LINE
/// (default `hello`, `how are you`) to SERVER (default `pc2:8888`) and
/// prints the echo, waiting at most SECS seconds (default 2) for each.
pub fn udp_echo_client(args: &[String]) {
    let (timeout, args) = match take_option(args, "--timeout") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let timeout_text = timeout.unwrap_or_else(|| "2".to_string());
    let timeout = match seconds(&timeout_text) {
        Ok(t) => t,
        Err(e) => return println!("error: --timeout: {e}"),
    };
    let server = nth(&args, 0, "pc2:8888");
    // What the seed's user types at its `input('>>>：')` prompt.
    let default_lines = ["hello".to_string(), "how are you".to_string()];
    let lines = if args.len() > 1 {
        &args[1..]
    } else {
        &default_lines[..]
    };

    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    if let Err(e) = sock.set_read_timeout(Some(timeout)) {
        return println!("error: set_read_timeout: {e}");
    }
    let mut buf = [0u8; 1024];
    for line in lines {
        // An empty datagram is legal UDP, but there is nothing to echo: like
        // the typed-line clients of seed 003, skip empty input.
        if line.is_empty() {
            println!("(empty line skipped)");
            continue;
        }
        if let Err(e) = sock.send_to(line.as_bytes(), server) {
            return println!("error: send_to {server}: {e}");
        }
        println!("sent: {line}");
        match sock.recv_from(&mut buf) {
            Ok((n, _)) => println!("echo: {}", String::from_utf8_lossy(&buf[..n])),
            // The timeout shows as WouldBlock on Linux (EAGAIN), TimedOut on
            // Windows. The datagram or its echo is lost, or nobody listens:
            // UDP cannot tell which.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                println!("no reply within {timeout_text}s: {e}")
            }
            Err(e) => return println!("error: recv_from: {e}"),
        }
    }
    println!("done");
}
