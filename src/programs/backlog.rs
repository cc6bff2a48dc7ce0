//! `listen(n)`: how many clients a server keeps waiting before it calls
//! `accept`. A server that is slow to accept (here: it sleeps first) fills
//! its queue; Linux keeps backlog + 1 connections in it and drops the SYNs
//! of the others, whose `connect` goes on retrying in the kernel (SYN again
//! after 1 s, 3 s, 7 s…) until there is room.

use std::io::{Read, Write};
use std::time::Duration;

use super::args::{nth, take_number};
use crate::net::TcpListener;
use crate::println;
use crate::thread;

/// `backlog-server [--backlog N] [--wait S] [--clients K] [BIND]`: listens
/// on BIND (default `0.0.0.0:8800`) with `listen(N)` (default 1), sleeps S
/// seconds (default 3) before its first `accept`, then echoes one message
/// for each of K clients (default 4) in turn.
pub fn backlog_server(args: &[String]) {
    let (backlog, args) = match take_number(args, "--backlog") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let (wait, args) = match take_number(&args, "--wait") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let (clients, args) = match take_number(&args, "--clients") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:8800");
    let backlog = u32::try_from(backlog.unwrap_or(1)).unwrap_or(u32::MAX);
    let listener = match TcpListener::bind_with_backlog(bind, backlog) {
        Ok(l) => l,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    let wait = wait.unwrap_or(3);
    println!("listening on {bind} with listen({backlog}); busy for {wait} s before accepting");
    thread::sleep(Duration::from_secs(wait));
    for _ in 0..clients.unwrap_or(4) {
        let (mut conn, addr) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => return println!("error: accept: {e}"),
        };
        let mut buf = [0u8; 256];
        match conn.read(&mut buf) {
            Ok(n) => {
                println!("accepted {addr}: {}", String::from_utf8_lossy(&buf[..n]));
                if let Err(e) = conn.write_all(&buf[..n]) {
                    println!("error: write to {addr}: {e}");
                }
            }
            Err(e) => println!("error: read from {addr}: {e}"),
        }
    }
    println!("served every client");
}
