//! Seed 000, TCP: the first server and client.
//!
//! TCP is a connection: before any data moves, the client asks for one
//! (`connect`, the three-way handshake) and the server takes it (`accept`).
//! The listening socket only takes connections; each accepted connection
//! is a new socket, and that one carries the data (the seed's step 1:
//! "这个socket其实只负责接受对方的请求,真正通信的是链接后从新建立的socket").

use std::io::{Read, Write};

use super::args::{nth, take_number};
use crate::net::{TcpListener, TcpStream};
use crate::println;

/// `tcp-server [--count N] [BIND]`: listens on BIND (default
/// `0.0.0.0:8998`) and answers each client's message with `Received msg:
/// {msg} from {addr}`, forever as the seed's, or for N connections.
pub fn tcp_server(args: &[String]) {
    let (count, args) = match take_number(args, "--count") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:8998");
    // Steps 1 to 3 of the seed: a socket, bound to a fixed address, made to
    // listen. std's `TcpListener::bind` does all three in one call. (The
    // seed binds 127.0.0.1, this machine only; 0.0.0.0 takes connections
    // to any of the host's addresses.)
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    println!("Starting tcp server on {bind}");
    let mut served = 0;
    while count.is_none_or(|count| served < count) {
        // Step 4: wait for a client. `accept` gives a new socket for this
        // one connection, and the client's address.
        let (conn, addr) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => return println!("error: accept: {e}"),
        };
        served += 1;
        if let Err(e) = answer(conn, addr) {
            println!("error: {e}");
        }
    }
    let s = if served == 1 { "" } else { "s" };
    println!("Ending tcp server after {served} connection{s}");
}

/// Steps 5 to 7 of the seed's server, on one accepted connection.
fn answer(mut conn: TcpStream, addr: std::net::SocketAddr) -> Result<(), String> {
    // Step 5: receive on the *accepted* socket. 500 is the most this one
    // read takes (the seed's `recv(500)`).
    let mut buf = [0u8; 500];
    let n = conn.read(&mut buf).map_err(|e| format!("read: {e}"))?;
    // What arrives is bytes; decoding makes it text.
    let msg = String::from_utf8_lossy(&buf[..n]);
    let rst = format!("Received msg: {msg} from {addr}");
    println!("{rst}");
    // Step 6: answer. The seed's `send` may take only part of a long reply;
    // `write_all` keeps writing until all of it is queued (see
    // `partial-write-sender`, seed 003).
    conn.write_all(rst.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    // Step 7: close the connection: dropping the socket closes it (the
    // four-way close starts with this side's FIN).
    drop(conn);
    Ok(())
}

/// `tcp-client [SERVER] [MSG]`: connects to SERVER (default `pc2:8998`),
/// sends MSG (default "I love wangxiaojing") and prints the reply.
pub fn tcp_client(args: &[String]) {
    let server = nth(args, 0, "pc2:8998");
    let msg = nth(args, 1, "I love wangxiaojing");
    // Steps 1 and 2: a socket, connected to the server (the handshake
    // happens here; the client's own port is picked by the system).
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    // Step 3: send. No address this time: the connection knows its peer.
    if let Err(e) = sock.write_all(msg.as_bytes()) {
        return println!("error: write: {e}");
    }
    // Step 4: the reply. One read, as the seed's `recv(500)`: a short reply
    // comes in one piece here, though TCP does not promise it (see
    // `sticky-receiver`).
    let mut buf = [0u8; 500];
    match sock.read(&mut buf) {
        Ok(n) => println!("{}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => println!("error: read: {e}"),
    }
    // Step 5: close, by dropping the socket at the end of `main`.
}
