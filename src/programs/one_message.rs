//! Seed 004: TCP once more: a server that receives one message, and a
//! client that sends one.
//!
//! The seed's server calls `listen(5)` and explains the number as how many
//! connections the system keeps waiting for `accept`. std's listener
//! always asks for 128 and cannot be told otherwise; the simulated one
//! does the same.

use std::io::{Read, Write};

use super::args::nth;
use crate::net::{TcpListener, TcpStream};
use crate::println;

/// `one-message-server [BIND]`: listens on BIND (default `0.0.0.0:8888`),
/// receives one message from one client, prints it, and ends.
pub fn one_message_server(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:8888");
    // 1 to 3: socket, bind, listen.
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    println!("server started on {bind}");
    // 4: wait for a client.
    let (mut conn, addr) = match listener.accept() {
        Ok(accepted) => accepted,
        Err(e) => return println!("error: accept: {e}"),
    };
    // 5: receive, and decode the bytes as UTF-8 (the client encoded so).
    let mut buf = [0u8; 1024];
    match conn.read(&mut buf) {
        Ok(n) => println!(
            "the client {addr} sent: {}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) => println!("error: read: {e}"),
    }
    // 6: close, by dropping both sockets here.
}

/// `one-message-client [SERVER] [MSG]`: connects to SERVER (default
/// `pc2:8888`), sends MSG (default "Welcome to python world"), and closes.
pub fn one_message_client(args: &[String]) {
    let server = nth(args, 0, "pc2:8888");
    let msg = nth(args, 1, "Welcome to python world");
    // 1 and 2: a socket, connected. (Port 80 is HTTP's, 21 FTP's: a
    // server's port says which service it is.)
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    println!("connected to the server");
    // 3: send.
    if let Err(e) = sock.write_all(msg.as_bytes()) {
        return println!("error: write: {e}");
    }
    // 4: close. The bytes already written still reach the server: closing
    // sends a FIN after them.
    drop(sock);
    println!("sent, and closed");
}
