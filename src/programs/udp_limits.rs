//! What UDP does not promise (seed 000): order and delivery. A burst of
//! numbered datagrams goes out back to back; the collector prints each as
//! it comes, then what never came. Nothing in UDP tells either side.

use std::time::Duration;

use super::args::{nth, take_number};
use crate::net::UdpSocket;
use crate::println;

/// `udp-burst [SERVER] [COUNT]`: sends COUNT (default 10) datagrams
/// `datagram 1` … `datagram COUNT` to SERVER (default `pc2:9100`), back to
/// back.
pub fn udp_burst(args: &[String]) {
    let server = nth(args, 0, "pc2:9100");
    let count = match nth(args, 1, "10").parse::<u32>() {
        Ok(n) => n,
        Err(e) => return println!("error: COUNT: {e}"),
    };
    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    for i in 1..=count {
        if let Err(e) = sock.send_to(format!("datagram {i}").as_bytes(), server) {
            return println!("error: send_to {server}: {e}");
        }
    }
    println!("sent {count} datagrams to {server}, and nobody will say which arrived");
}

/// `udp-collect [--expect N] [BIND]`: prints each datagram received on
/// BIND (default `0.0.0.0:9100`) until none came for 1 s, then, with
/// `--expect N`, which of `datagram 1` … `datagram N` never came.
pub fn udp_collect(args: &[String]) {
    let (expect, args) = match take_number(args, "--expect") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:9100");
    let sock = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    if let Err(e) = sock.set_read_timeout(Some(Duration::from_secs(1))) {
        return println!("error: set_read_timeout: {e}");
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 1500];
    // A second of silence ends the burst.
    while let Ok((n, _)) = sock.recv_from(&mut buf) {
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        println!("got {text}");
        got.push(text);
    }
    let in_order = got.windows(2).all(|w| number(&w[0]) < number(&w[1]));
    println!(
        "{} datagram(s), {}",
        got.len(),
        if in_order { "in order" } else { "out of order" }
    );
    if let Some(n) = expect {
        let missing: Vec<String> = (1..=n)
            .filter(|i| !got.iter().any(|g| number(g) == Some(*i)))
            .map(|i| i.to_string())
            .collect();
        if missing.is_empty() {
            println!("none lost");
        } else {
            println!("never came: {}", missing.join(", "));
        }
    }
}

/// The number of `datagram N`.
fn number(text: &str) -> Option<u64> {
    text.strip_prefix("datagram ")?.parse().ok()
}
