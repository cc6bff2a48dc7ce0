//! Seed 003's non-blocking I/O without a poll: every socket is
//! non-blocking, and the server asks each in turn whether it has something,
//! over and over. It works, but nearly every call answers `WouldBlock`: the
//! CPU goes to asking, not serving. A poll (`echo-server-poll`) asks the
//! kernel once which sockets are ready.
//!
//! A real spinning loop burns a core while time goes on. In the simulation
//! a process's computing takes no virtual time, so a loop that never
//! waited would stop the clock; this server naps 1 ms when a pass found
//! nothing, as spinning servers do to spare the core, which is also why
//! they answer late. The simulation's trace counts its calls when it ends
//! (`made N socket calls, M of them would block`).

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use super::args::{nth, take_number};
use crate::net::{TcpListener, TcpStream};
use crate::println;
use crate::thread;

/// `echo-server-spin [--clients N] [BIND]`: an echo server on BIND
/// (default `0.0.0.0:8888`) in one thread, polling every non-blocking
/// socket in turn; it stops after N clients have come and gone (default:
/// never).
pub fn echo_server_spin(args: &[String]) {
    let (clients, args) = match take_number(args, "--clients") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:8888");
    if let Err(e) = serve(bind, clients) {
        println!("error: {e}");
    }
}

fn serve(bind: &str, clients: Option<u64>) -> io::Result<()> {
    let listener = TcpListener::bind(bind)?;
    listener.set_nonblocking(true)?;
    println!("echo server on {bind}, one thread, asking every socket in turn");
    let mut open: Vec<(TcpStream, SocketAddr)> = Vec::new();
    let mut gone = 0;
    let mut buf = [0u8; 1024];
    while clients.is_none_or(|n| gone < n) {
        let mut busy = false;
        match listener.accept() {
            Ok((stream, addr)) => {
                stream.set_nonblocking(true)?;
                println!("new connection from {addr}");
                open.push((stream, addr));
                busy = true;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        let mut i = 0;
        while i < open.len() {
            let (stream, addr) = &mut open[i];
            match stream.read(&mut buf) {
                Ok(0) => {
                    println!("{addr} closed the connection");
                    open.remove(i);
                    gone += 1;
                    busy = true;
                    continue;
                }
                Ok(n) => {
                    println!("client {addr}>>> {}", String::from_utf8_lossy(&buf[..n]));
                    write_all(stream, &buf[..n])?;
                    busy = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            i += 1;
        }
        if !busy {
            thread::sleep(Duration::from_millis(1));
        }
    }
    println!("served {gone} client(s), stopping");
    Ok(())
}

/// Writes all of `data` to a non-blocking stream, asking again while the
/// send buffer is full.
fn write_all(stream: &mut TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        match stream.write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(1))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
