//! Seed 003's next step, I/O multiplexing: one thread serves many clients
//! by asking which sockets are ready, the way mio (and tokio beneath it)
//! does in Rust.
//!
//! The thread-per-client server (`echo-server-threaded`) blocks in each
//! call, so it needs a thread for every client. This server never blocks
//! but in `Poll::poll`: every socket is non-blocking, registered with one
//! poll, and each wake-up says which sockets can go on. Edge-triggered, as
//! mio: on each event, read (or accept) until `WouldBlock`.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::SocketAddr;

use super::args::{nth, take_number};
use crate::io::net::{TcpListener, TcpStream};
use crate::io::{Events, Interest, Poll, Token};
use crate::net::ToSocketAddrs;
use crate::println;

/// The listener's token; clients get 1, 2, ….
const LISTENER: Token = Token(0);

/// One client: its socket, and what it sent that could not be echoed yet.
struct Client {
    stream: TcpStream,
    addr: SocketAddr,
    unsent: Vec<u8>,
}

/// `echo-server-poll [--clients N] [BIND]`: an echo server on BIND
/// (default `0.0.0.0:8888`) in one thread with a poll; it stops after N
/// clients have come and gone (default: never).
pub fn echo_server_poll(args: &[String]) {
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
    let addr = bind
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind"))?;
    let mut listener = TcpListener::bind(addr)?;
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    println!("echo server on {bind}, one thread, one poll");
    let mut events = Events::with_capacity(64);
    let mut open: BTreeMap<Token, Client> = BTreeMap::new();
    let mut next = 1;
    let mut gone = 0;
    while clients.is_none_or(|n| gone < n) {
        poll.poll(&mut events, None)?;
        for event in events.iter() {
            if event.token() == LISTENER {
                // Accept every waiting connection: edge-triggered.
                loop {
                    match listener.accept() {
                        Ok((mut stream, addr)) => {
                            let token = Token(next);
                            next += 1;
                            poll.registry()
                                .register(&mut stream, token, Interest::READABLE)?;
                            println!("new connection from {addr} (token {})", token.0);
                            let unsent = Vec::new();
                            open.insert(
                                token,
                                Client {
                                    stream,
                                    addr,
                                    unsent,
                                },
                            );
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
                continue;
            }
            let token = event.token();
            let Some(client) = open.get_mut(&token) else {
                continue; // a spurious event for a client already gone
            };
            let mut done = Ok(Open::Yes);
            if event.is_writable() {
                done = flush(client);
            }
            if matches!(done, Ok(Open::Yes)) && event.is_readable() {
                done = echo(client);
            }
            match done {
                Ok(Open::Yes) => {
                    // Ask for writable only while something waits to go.
                    let interest = if client.unsent.is_empty() {
                        Interest::READABLE
                    } else {
                        Interest::READABLE | Interest::WRITABLE
                    };
                    poll.registry()
                        .reregister(&mut client.stream, token, interest)?;
                }
                Ok(Open::No) | Err(_) => {
                    if let Err(e) = &done {
                        println!("error: {}: {e}", client.addr);
                    }
                    if let Some(mut client) = open.remove(&token) {
                        println!("{} closed the connection", client.addr);
                        poll.registry().deregister(&mut client.stream)?;
                    }
                    gone += 1;
                }
            }
        }
    }
    println!("served {gone} client(s), stopping");
    Ok(())
}

/// Whether a client is still connected.
enum Open {
    Yes,
    No,
}

/// Reads all the client sent, echoing it back as far as the send buffer
/// takes it.
fn echo(client: &mut Client) -> io::Result<Open> {
    let mut buf = [0u8; 1024];
    loop {
        match client.stream.read(&mut buf) {
            Ok(0) => return Ok(Open::No),
            Ok(n) => {
                println!(
                    "client {}>>> {}",
                    client.addr,
                    String::from_utf8_lossy(&buf[..n])
                );
                client.unsent.extend_from_slice(&buf[..n]);
                if let Open::No = flush(client)? {
                    return Ok(Open::No);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Open::Yes),
            Err(e) => return Err(e),
        }
    }
}

/// Writes what waits to be echoed until done or `WouldBlock`.
fn flush(client: &mut Client) -> io::Result<Open> {
    while !client.unsent.is_empty() {
        match client.stream.write(&client.unsent) {
            Ok(0) => return Ok(Open::No),
            Ok(n) => {
                client.unsent.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(Open::Yes)
}
