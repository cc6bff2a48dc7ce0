//! Seeds 001 and 003: the upper-case server, step by step.
//!
//! Seed 001 compares the server to a phone: buy one (`socket`), put the SIM
//! card in (`bind`), switch it on (`listen`), wait for a call (`accept`),
//! talk (`recv`/`send`), hang up (`close` the connection), switch off
//! (`close` the listener). Its homework, and seed 003, then add a
//! communication loop (many messages on one connection) and a connection
//! loop around it (one client after another).
//!
//! Seed 003's last server has two bugs, each kept here as a variant:
//! `upper-server-closes-listener` closes its listening socket inside the
//! loop, so it serves one client only; `upper-server-spins` never checks
//! for the empty read that means "the client is gone", so on Linux it
//! loops forever once a client leaves.

use std::io::{self, Read, Write};
use std::net::SocketAddr;

use super::args::nth;
use super::udp_first_steps::bytes_repr;
use crate::net::{TcpListener, TcpStream};
use crate::println;

/// `EBADF` on Linux: what a call on a closed socket gives.
const EBADF: i32 = 9;

/// How many times `upper-server-spins` goes round before it stops itself.
const SPINS: usize = 5;

/// `socket`, `bind` and `listen` in one: std's `TcpListener::bind`.
fn listen(bind: &str) -> Option<TcpListener> {
    // The seeds call `listen(5)`: at most 5 connections the system has
    // completed but the program has not yet accepted. std's listener
    // cannot set this: it always calls `listen(128)`.
    match TcpListener::bind(bind) {
        Ok(listener) => Some(listener),
        Err(e) => {
            println!("error: bind {bind}: {e}");
            None
        }
    }
}

/// Waits for one client; says who it is.
fn accept(listener: &TcpListener) -> Option<(TcpStream, SocketAddr)> {
    match listener.accept() {
        Ok((conn, addr)) => {
            println!("client: {addr}");
            Some((conn, addr))
        }
        Err(e) => {
            println!("error: accept: {e}");
            None
        }
    }
}

/// One round: receive up to 1024 bytes and send them back upper-cased.
/// `Ok(0)` means the client has closed its side: a read of 0 bytes is how
/// TCP says "end of stream" (Python's `recv` returns `b''`). `Err` says
/// which call failed and why.
fn upper_once(conn: &mut TcpStream) -> Result<usize, String> {
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Ok(0);
    }
    println!("from client: {}", bytes_repr(&buf[..n]));
    // Python's `bytes.upper()` changes ASCII letters only, as this does.
    conn.write_all(&buf[..n].to_ascii_uppercase())
        .map_err(|e| format!("write: {e}"))?;
    Ok(n)
}

/// The communication loop: upper-case every message until the client
/// closes its side (or the connection fails).
fn communicate(conn: &mut TcpStream) {
    loop {
        match upper_once(conn) {
            Ok(0) => return println!("the client closed the connection"),
            Ok(_) => {}
            Err(e) => return println!("error: {e}"),
        }
    }
}

/// `upper-server [BIND]`: seed 001's server: accepts one client on BIND
/// (default `0.0.0.0:8080`), sends its message back upper-cased, and ends.
pub fn upper_server(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8080");
    let Some(listener) = listen(bind) else { return };
    println!("start");
    let Some((mut conn, _)) = accept(&listener) else {
        return;
    };
    match upper_once(&mut conn) {
        Ok(_) => println!("answered; closing"),
        Err(e) => println!("error: {e}"),
    }
    // Hang up (the connection), then switch off (the listener): dropping a
    // socket closes it.
    drop(conn);
    drop(listener);
}

/// `upper-client [SERVER] [WORD…]`: connects to SERVER (default
/// `pc2:8080`), sends the words (default `hello`) as one message and prints
/// the answer as bytes.
pub fn upper_client(args: &[String]) {
    let server = nth(args, 0, "pc2:8080");
    let msg = if args.len() > 1 {
        args[1..].join(" ")
    } else {
        "hello".to_string()
    };
    // Dial: `connect` is the three-way handshake.
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    // What goes on the wire must be bytes (the seed's `.encode('utf-8')`).
    if let Err(e) = sock.write_all(msg.as_bytes()) {
        return println!("error: write: {e}");
    }
    let mut buf = [0u8; 1024];
    match sock.read(&mut buf) {
        Ok(n) => println!("from server: {}", bytes_repr(&buf[..n])),
        Err(e) => println!("error: read: {e}"),
    }
}

/// A server that takes one client and talks with it until it leaves.
fn one_client_loop(args: &[String], default_bind: &str) {
    let bind = nth(args, 0, default_bind);
    let Some(listener) = listen(bind) else { return };
    println!("starting....");
    let Some((mut conn, _)) = accept(&listener) else {
        return;
    };
    communicate(&mut conn);
}

/// `upper-loop-server [BIND]`: seed 001's homework: one client on BIND
/// (default `0.0.0.0:8080`), every message answered in capitals until the
/// client closes; then the server ends.
pub fn upper_loop_server(args: &[String]) {
    one_client_loop(args, "0.0.0.0:8080");
}

/// `upper-loop-client [SERVER] [LINE…]`: connects to SERVER (default
/// `pc2:8080`), sends each LINE (default `hello`, an empty line, `how are
/// you`) and prints each answer; empty lines are skipped.
pub fn upper_loop_client(args: &[String]) {
    let server = nth(args, 0, "pc2:8080");
    // What the seed's user types at its `input(">>: ")` prompt; the empty
    // one is pressing Enter with nothing typed.
    let default_lines = ["hello", "", "how are you"].map(String::from);
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
    for line in lines {
        // Seed 003: `msg = input(">>: ").strip(); if not msg: continue`.
        // Sending nothing sends no segment at all: the server would get
        // nothing to answer, and this client would wait for ever.
        let msg = line.trim();
        if msg.is_empty() {
            println!("(empty line skipped)");
            continue;
        }
        if let Err(e) = sock.write_all(msg.as_bytes()) {
            return println!("error: write: {e}");
        }
        match sock.read(&mut buf) {
            Ok(0) => return println!("the server closed the connection"),
            Ok(n) => println!("{}", String::from_utf8_lossy(&buf[..n])),
            Err(e) => return println!("error: read: {e}"),
        }
    }
    // Dropping the socket closes it: the server's next read returns 0.
    println!("done");
}

/// `upper-server-reuse [BIND]`: seed 003's first server, on BIND (default
/// `0.0.0.0:8079`), with SO_REUSEADDR: one client, one answer.
pub fn upper_server_reuse(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8079");
    // The seed sets SO_REUSEADDR before `bind`, so a restarted server can
    // bind its port again while the last run's connections sit in
    // TIME-WAIT. std's `TcpListener::bind` already does so on Unix, and has
    // no call to set it.
    let Some(listener) = listen(bind) else { return };
    println!("SO_REUSEADDR is on: std's TcpListener::bind sets it");
    println!("starting....");
    let Some((mut conn, _)) = accept(&listener) else {
        return;
    };
    if let Err(e) = upper_once(&mut conn) {
        println!("error: {e}");
    }
}

/// `upper-server-loop [BIND]`: seed 003's second server: one client on
/// BIND (default `0.0.0.0:8070`), answered until it leaves.
pub fn upper_server_loop(args: &[String]) {
    one_client_loop(args, "0.0.0.0:8070");
}

/// `upper-server-forever [BIND]`: seed 003's last server, as meant: a
/// connection loop on BIND (default `0.0.0.0:8071`) around the
/// communication loop, serving one client after another, forever.
pub fn upper_server_forever(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8071");
    let Some(listener) = listen(bind) else { return };
    println!("starting....");
    // The connection loop.
    loop {
        let Some((mut conn, _)) = accept(&listener) else {
            return;
        };
        // The seed leaves its loop on `ConnectionAbortedError`, which is
        // what Windows raises when the client goes; Linux instead returns
        // 0 bytes, which `communicate` checks for.
        communicate(&mut conn);
        // Hang up this connection; the listener stays open for the next.
        drop(conn);
    }
}

/// `upper-server-closes-listener [BIND]`: the seed's last server as
/// written: it closes its *listening* socket inside the connection loop,
/// so after the first client the next `accept` fails and later clients
/// are refused.
pub fn upper_server_closes_listener(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8071");
    // In Rust the seed's bug does not compile: a dropped listener cannot
    // be used again. The `Option` stands for the Python socket object,
    // which outlives its `close()`.
    let mut listener = listen(bind);
    if listener.is_none() {
        return;
    }
    println!("starting....");
    loop {
        // What Python's `accept` on a closed socket raises: `OSError:
        // [Errno 9] Bad file descriptor`.
        let accepted = match &listener {
            Some(listener) => listener.accept(),
            None => Err(io::Error::from_raw_os_error(EBADF)),
        };
        let mut conn = match accepted {
            Ok((conn, addr)) => {
                println!("client: {addr}");
                conn
            }
            Err(e) => return println!("error: accept: {e}"),
        };
        communicate(&mut conn);
        drop(conn);
        // The bug: the seed's `phone.close()` ("switch off") is indented
        // into the connection loop. No socket listens on the port any
        // more: a client that connects now is refused.
        listener = None;
        println!("closed the listening socket");
    }
}

/// `upper-server-spins [BIND]`: the seed's communication loop as written,
/// on BIND (default `0.0.0.0:8071`): it never checks for the empty read
/// that means the client is gone, so on Linux it would spin for ever; this
/// variant stops itself after a few rounds.
pub fn upper_server_spins(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8071");
    let Some(listener) = listen(bind) else { return };
    println!("starting....");
    let Some((mut conn, _)) = accept(&listener) else {
        return;
    };
    let mut empty = 0;
    // The seed's loop: `data = conn.recv(1024); conn.send(data.upper())`,
    // leaving only on `ConnectionAbortedError`, which Linux never raises
    // here.
    loop {
        match upper_once(&mut conn) {
            Ok(0) => {
                // After the client's FIN, every read returns 0 bytes at
                // once, and the seed's `send(b'')` of the (empty) answer
                // succeeds too: nothing waits, so the loop goes round as
                // fast as the CPU allows.
                if let Err(e) = conn.write(&[]) {
                    return println!("error: write: {e}");
                }
                println!("recv returned 0 bytes (the client is gone); looping again");
                empty += 1;
                if empty == SPINS {
                    return println!(
                        "stopped after {SPINS} empty reads: the seed's loop never stops, \
                         and uses a whole CPU core; check for 0 bytes and leave the loop"
                    );
                }
            }
            Ok(_) => {}
            Err(e) => return println!("error: {e}"),
        }
    }
}
