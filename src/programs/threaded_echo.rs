//! Seed 002: a TCP echo server with one thread per client, and its client.
//!
//! `accept` gives one socket per connection; a server that talks with one
//! client in a loop cannot accept the next meanwhile. The seed's answer is
//! a thread per client (`threading.Thread(target=tcplink, …)`), so the main
//! thread goes straight back to `accept`.
//!
//! The seed also calls `t.join()` right after `t.start()`: the main thread
//! waits for that client's thread to end before it accepts again, so
//! clients are served one at a time after all. `echo-server-joined` keeps
//! that bug; run two `echo-client`s side by side against each server to
//! see the difference.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use super::args::{nth, take_number};
use crate::net::{TcpListener, TcpStream};
use crate::println;
use crate::thread;

/// `echo-server-threaded [BIND]`: listens on BIND (default
/// `0.0.0.0:8888`, the seed's port) and echoes each client's messages in
/// a thread of its own, so clients are served side by side, forever.
pub fn echo_server_threaded(args: &[String]) {
    echo_server(args, false);
}

/// `echo-server-joined [BIND]`: the seed's server as written: it joins
/// each client's thread right after starting it, so it serves one client
/// at a time.
pub fn echo_server_joined(args: &[String]) {
    echo_server(args, true);
}

/// The seed's server: a thread per client, joined at once when `join`.
fn echo_server(args: &[String], join: bool) {
    let bind = nth(args, 0, "0.0.0.0:8888");
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    println!("echo server on {bind}");
    loop {
        let (conn, addr) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => return println!("error: accept: {e}"),
        };
        println!("new connection from {addr}");
        // A new thread handles this client; the connection moves into it.
        let handle = thread::spawn(move || tcplink(conn, addr));
        if join {
            // The seed's bug: waiting here for the client to leave keeps
            // the next client waiting in the listener's queue (its
            // connection is complete, but nobody accepts it).
            if handle.join().is_err() {
                println!("error: the thread for {addr} panicked");
            }
        }
    }
}

/// The seed's `tcplink`: echoes what one client sends until it leaves.
fn tcplink(mut conn: TcpStream, addr: SocketAddr) {
    let mut buf = [0u8; 1024];
    loop {
        let n = match conn.read(&mut buf) {
            // The seed's loop never leaves: on Linux it would spin once the
            // client is gone (see `upper-server-spins`). A read of 0 bytes
            // is the end of the stream: leave.
            Ok(0) => return println!("{addr} closed the connection"),
            Ok(n) => n,
            Err(e) => return println!("error: read from {addr}: {e}"),
        };
        println!("client {addr}>>> {}", String::from_utf8_lossy(&buf[..n]));
        if let Err(e) = conn.write_all(&buf[..n]) {
            return println!("error: write to {addr}: {e}");
        }
    }
}

/// `echo-client [--pause-ms N] [SERVER] [LINE…]`: connects to SERVER
/// (default `pc2:8888`), sends each LINE (default `hello`, `how are you`)
/// and prints its echo, pausing N ms (default 0) between lines.
pub fn echo_client(args: &[String]) {
    let (pause, args) = match take_number(args, "--pause-ms") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let pause = Duration::from_millis(pause.unwrap_or(0));
    let server = nth(&args, 0, "pc2:8888");
    // What the seed's user types at its `input('>>>：')` prompt.
    let default_lines = ["hello", "how are you"].map(String::from);
    let lines = if args.len() > 1 {
        &args[1..]
    } else {
        &default_lines[..]
    };
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    let mut buf = [0u8; 1024];
    for (i, line) in lines.iter().enumerate() {
        // A user who takes a while to type the next line.
        if i > 0 && !pause.is_zero() {
            thread::sleep(pause);
        }
        // Sending nothing would get no echo, and the read below would wait
        // for ever (as in seed 003's client, skip empty input).
        if line.is_empty() {
            println!("(empty line skipped)");
            continue;
        }
        if let Err(e) = sock.write_all(line.as_bytes()) {
            return println!("error: write: {e}");
        }
        match sock.read(&mut buf) {
            Ok(0) => return println!("the server closed the connection"),
            Ok(n) => println!("echo: {}", String::from_utf8_lossy(&buf[..n])),
            Err(e) => return println!("error: read: {e}"),
        }
    }
    println!("done");
}
