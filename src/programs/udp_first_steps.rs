//! Seed 000, UDP: the first server and client, and the server made permanent.
//!
//! UDP has no connection: the server binds a fixed port and waits; the
//! client needs nothing but the server's address and port to send it a
//! datagram, and every `recv_from` tells who sent what it received.

use std::fmt::Write as _;
use std::time::Duration;

use super::args::nth;
use crate::net::UdpSocket;
use crate::println;
use crate::thread;

/// What the server answers every message with.
const REPLY: &str = "Ich hab keine Hunge";

/// `udp-server [BIND]`: binds (default `0.0.0.0:7852`), receives one
/// datagram, shows it, replies "Ich hab keine Hunge", and returns.
pub fn udp_server(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:7852");
    // Steps 1 and 2: a socket, bound to a fixed port so clients can find it.
    // (The seed binds 127.0.0.1, this machine only; 0.0.0.0 takes datagrams
    // sent to any of the host's addresses.)
    let sock = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    if let Err(e) = answer_one(&sock) {
        println!("error: {e}");
    }
}

/// `udp-server-forever [BIND]`: the same server, made permanent as the
/// seed's "服务器程序要求永久运行" version: it never returns, and after an
/// error it says so, waits a second and carries on.
pub fn udp_server_forever(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:7852");
    // The seed wraps the whole server (bind included) in `while 1: try:
    // … except: print(e); time.sleep(1)`, so even a failed bind is retried.
    let sock = loop {
        match UdpSocket::bind(bind) {
            Ok(sock) => break sock,
            Err(e) => println!("error: bind {bind}: {e}"),
        }
        thread::sleep(Duration::from_secs(1));
    };
    loop {
        if let Err(e) = answer_one(&sock) {
            println!("error: {e}");
            thread::sleep(Duration::from_secs(1));
        }
    }
}

/// Steps 3 and 4 of the seed's server: receive one datagram, show it, reply.
/// `Err` says which call failed and why.
fn answer_one(sock: &UdpSocket) -> Result<(), String> {
    // The buffer's size is the most this call takes of one datagram (the
    // seed's `recvfrom(500)`); the rest of a longer datagram is lost. A UDP
    // datagram can carry up to 65,507 bytes: UDP's 64 KB limit.
    let mut buf = [0u8; 500];
    let (n, from) = sock
        .recv_from(&mut buf)
        .map_err(|e| format!("recv_from: {e}"))?;
    let data = &buf[..n];
    // What arrives is bytes; only decoding makes it text (the seed's
    // `data.decode()`, UTF-8 by default).
    println!("received {n} bytes from {from}: {}", bytes_repr(data));
    println!("text: {}", String::from_utf8_lossy(data));
    // Step 4, which a server may skip: answer whoever sent it.
    sock.send_to(REPLY.as_bytes(), from)
        .map_err(|e| format!("send_to {from}: {e}"))?;
    println!("replied to {from}");
    Ok(())
}

/// `udp-client [SERVER] [MESSAGE]`: sends MESSAGE (default "I love
/// jingjing") to SERVER (default `pc2:7852`) and prints the reply.
pub fn udp_client(args: &[String]) {
    let server = nth(args, 0, "pc2:7852");
    let message = nth(args, 1, "I love jingjing");
    // No fixed port for the client: port 0 lets the system pick a free one.
    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    // No connection to set up: the datagram just goes, with the address on it.
    match sock.send_to(message.as_bytes(), server) {
        Ok(n) => println!("sent {n} bytes to {server}"),
        Err(e) => return println!("error: send_to {server}: {e}"),
    }
    let mut buf = [0u8; 200];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) => println!("reply from {from}: {}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => println!("error: recv_from: {e}"),
    }
}

/// `bytes` as Python prints a `bytes` value: `b'I love jingjing'`, with
/// non-printable and non-ASCII bytes as `\xNN`.
pub fn bytes_repr(bytes: &[u8]) -> String {
    // Python quotes with `'` unless the bytes hold a `'` and no `"`.
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::bytes_repr;

    #[test]
    fn bytes_show_as_python_shows_them() {
        assert_eq!(bytes_repr(b"I love jingjing"), "b'I love jingjing'");
        assert_eq!(bytes_repr(b""), "b''");
        assert_eq!(
            bytes_repr("你好".as_bytes()),
            r"b'\xe4\xbd\xa0\xe5\xa5\xbd'"
        );
        assert_eq!(bytes_repr(b"a\tb\r\n\0\x7f\\"), r"b'a\tb\r\n\x00\x7f\\'");
        assert_eq!(bytes_repr(b"it's"), r#"b"it's""#);
        assert_eq!(bytes_repr(b"'\""), r#"b'\'"'"#);
    }
}
