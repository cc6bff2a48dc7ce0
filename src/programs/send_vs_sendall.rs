//! Seed 003: `send` versus `sendall`, in Rust `write` versus `write_all`.
//!
//! Written bytes do not go straight onto the wire: they are queued in the
//! socket's send buffer, and leave as the peer's window lets them. The
//! seed warns that `send` "may not send it all" when the buffer has less
//! room than the data: it queues what fits and returns how much that was;
//! the rest is the program's to send. `sendall` (`write_all`) calls it
//! again until everything is queued.
//!
//! A blocking `write` on Linux usually waits for room and takes it all, so
//! the short count is hard to catch. A non-blocking one never waits: it
//! takes what fits and returns. The simulated host's send buffer is a fixed
//! 64 KiB. A real one's size depends on the system: Linux sizes a loopback
//! connection's buffer from its 64 KiB segments, and a fresh one can take
//! 1 MiB at once, but not more than `tcp_wmem`'s maximum (4 MiB unless
//! changed), so the default here is twice that.

use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

use super::args::nth;
use crate::net::{TcpListener, TcpStream};
use crate::println;
use crate::thread;

/// How long `slow-reader` waits before its first read, and between reads.
const FIRST_WAIT: Duration = Duration::from_millis(100);
const BETWEEN_READS: Duration = Duration::from_millis(1);

/// What `partial-write-sender` sends unless told otherwise: 8 MiB.
const DEFAULT_BYTES: &str = "8388608";

/// The byte at `index` of the data: `abc…z` over and over, so the reader
/// can tell whether it came whole and in order.
fn pattern(index: usize) -> u8 {
    b'a' + (index % 26) as u8
}

/// `partial-write-sender [SERVER] [BYTES]`: connects to SERVER (default
/// `pc2:7000`), offers BYTES (default 8388608) to one non-blocking `write`,
/// says whether it took only part, and sends the rest with `write_all`.
pub fn partial_write_sender(args: &[String]) {
    let server = nth(args, 0, "pc2:7000");
    let size = match nth(args, 1, DEFAULT_BYTES).parse::<usize>() {
        Ok(size) => size,
        Err(e) => return println!("error: BYTES: {e}"),
    };
    let data: Vec<u8> = (0..size).map(pattern).collect();
    let mut sock = match TcpStream::connect(server) {
        Ok(sock) => sock,
        Err(e) => return println!("error: connect {server}: {e}"),
    };
    // Python's `setblocking(False)`.
    if let Err(e) = sock.set_nonblocking(true) {
        return println!("error: set_nonblocking: {e}");
    }
    // One `write`, Python's `send`: it returns how many bytes it queued.
    // (How many depends on the buffers, so it is not printed: a real
    // system's differ from run to run.)
    let taken = match sock.write(&data) {
        Ok(n) => n,
        // Not even one byte fitted.
        Err(e) if e.kind() == ErrorKind::WouldBlock => 0,
        Err(e) => return println!("error: write: {e}"),
    };
    println!("one write offered {size} bytes");
    println!(
        "a single write took only part of the data: {}",
        taken < size
    );
    // Back to blocking, and `write_all` (`sendall`): it writes again and
    // again, waiting for room each time, until every byte is queued.
    if let Err(e) = sock.set_nonblocking(false) {
        return println!("error: set_nonblocking: {e}");
    }
    if let Err(e) = sock.write_all(&data[taken..]) {
        return println!("error: write_all: {e}");
    }
    println!("write_all sent the rest");
    // Closing sends a FIN after the queued bytes: the reader reads them
    // all, then the end of the stream.
}

/// `slow-reader [BIND]`: accepts one connection on BIND (default
/// `0.0.0.0:7000`), reads it slowly to the end, and prints how many bytes
/// came and whether they came intact.
pub fn slow_reader(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:7000");
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    let (mut conn, addr) = match listener.accept() {
        Ok(accepted) => accepted,
        Err(e) => return println!("error: accept: {e}"),
    };
    println!("reading slowly from {addr}");
    // While this reader dawdles, its receive buffer fills, its window
    // closes, and the sender's data waits in the sender's send buffer.
    thread::sleep(FIRST_WAIT);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0;
    let mut intact = true;
    loop {
        let n = match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => return println!("error: read: {e}"),
        };
        intact &= buf[..n]
            .iter()
            .enumerate()
            .all(|(i, b)| *b == pattern(total + i));
        total += n;
        thread::sleep(BETWEEN_READS);
    }
    let state = if intact { "intact" } else { "damaged" };
    println!("received {total} bytes in total, {state}");
}
