//! Seed 002: HTTP by hand, over a plain TCP connection.
//!
//! HTTP is the application layer; TCP (the transport layer) only carries
//! its bytes. The seed's client writes the request text itself, reads until
//! the server closes the connection, and splits the answer into headers and
//! body at the first empty line (`\r\n\r\n`). The seed talks to a real web
//! site; here it talks to `web-server`, a tiny one of our own.

use std::io::{Read, Write};
use std::net::SocketAddr;

use super::args::{nth, take_number};
use crate::net::{TcpListener, TcpStream};
use crate::println;

/// Where an HTTP head ends and the body starts.
const BLANK_LINE: &[u8] = b"\r\n\r\n";

/// The most of a request head `web-server` reads.
const MAX_HEAD: usize = 8 * 1024;

/// The page `web-server` serves at `/`.
const PAGE: &str = "<!DOCTYPE html>\n\
<html><head><title>simnet</title></head>\n\
<body><h1>Hello from a simulated web server</h1></body></html>\n";

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `http-client [SERVER] [PATH]`: asks SERVER (default `pc2:80`) for PATH
/// (default `/`) with a request written by hand, and prints the status
/// line, each header, and the size of the body.
pub fn http_client(args: &[String]) {
    let server = nth(args, 0, "pc2:80");
    let path = nth(args, 1, "/");
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    // The request: a request line, headers, each ending in CRLF, and an
    // empty line. `Host` names the site (with its port, unless it is 80,
    // HTTP's well-known port); `Connection: close` asks the server to close
    // the connection after its answer, so "everything" is "until the end
    // of the stream".
    let host = server.strip_suffix(":80").unwrap_or(server);
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    if let Err(e) = sock.write_all(request.as_bytes()) {
        return println!("error: write: {e}");
    }
    // The seed's loop: read pieces until a read returns nothing, which
    // means the server has closed the connection. (`read_to_end` does the
    // same.) How the answer was cut into pieces on the way says nothing:
    // TCP carries a stream of bytes.
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match sock.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) => return println!("error: read: {e}"),
        }
    }
    let Some(end) = find(&answer, BLANK_LINE) else {
        return println!(
            "error: no empty line in the {} bytes received: not an HTTP answer",
            answer.len()
        );
    };
    let head = String::from_utf8_lossy(&answer[..end]);
    // The first line is the status line; each of the others one header.
    for line in head.split("\r\n") {
        println!("{line}");
    }
    let body = &answer[end + BLANK_LINE.len()..];
    println!("body: {} bytes", body.len());
}

/// `web-server [--count N] [BIND]`: a tiny HTTP/1.1 server on BIND
/// (default `0.0.0.0:80`): one request per connection, one client at a
/// time, a small page at `/` and 404 elsewhere; forever, or for N
/// connections.
pub fn web_server(args: &[String]) {
    let (count, args) = match take_number(args, "--count") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:80");
    // Ports below 1024 are the well-known ports (seed 000). A simulated
    // host lets any program bind them; a real system asks for privileges
    // (on real sockets, try `web-server 0.0.0.0:8000`).
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    println!("web server on {bind}");
    let mut served = 0;
    while count.is_none_or(|count| served < count) {
        let (conn, addr) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => return println!("error: accept: {e}"),
        };
        served += 1;
        if let Err(e) = serve(conn, addr) {
            println!("error: {e}");
        }
    }
    let s = if served == 1 { "" } else { "s" };
    println!("web server done after {served} connection{s}");
}

/// Reads one request on `conn`, answers it, and closes the connection.
fn serve(mut conn: TcpStream, addr: SocketAddr) -> Result<(), String> {
    // Read until the empty line that ends the request's head: the request
    // may come in several pieces, and one read need not hold all of it.
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while find(&head, BLANK_LINE).is_none() {
        if head.len() > MAX_HEAD {
            return Err(format!("request head from {addr} over {MAX_HEAD} bytes"));
        }
        match conn.read(&mut buf) {
            Ok(0) => return Err(format!("{addr} closed before ending its request")),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let request_line = head.lines().next().unwrap_or_default();
    println!("request from {addr}: {request_line}");
    // `GET /path HTTP/1.1`: method, target, version.
    let parts: Vec<&str> = request_line.split(' ').collect();
    let (status, body) = match parts[..] {
        [_, "/" | "/index.html", version] if version.starts_with("HTTP/") => ("200 OK", PAGE),
        [_, _, version] if version.starts_with("HTTP/") => (
            "404 Not Found",
            "<html><body><h1>404 Not Found</h1></body></html>\n",
        ),
        _ => (
            "400 Bad Request",
            "<html><body><h1>400 Bad Request</h1></body></html>\n",
        ),
    };
    // `Content-Length` tells where the body ends; `Connection: close` says
    // the server closes the connection after it.
    let answer = format!(
        "HTTP/1.1 {status}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    );
    conn.write_all(answer.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    println!("answered {status}, {} bytes of body", body.len());
    Ok(())
}
