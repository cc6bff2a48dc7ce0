//! Beyond the seeds: TCP carries a stream of bytes, not messages.
//!
//! Three `write`s are not three messages: the receiver's one `read` returns
//! whatever has arrived, and that can be all three glued together (Chinese
//! tutorials call it 粘包, "sticky packets"), or part of one. The seeds'
//! programs get away with one `recv` per message only because they wait
//! for an answer before they send again.
//!
//! The fix is to frame the messages: here each goes as a 4-byte length
//! (big-endian, "network byte order") followed by that many bytes, and the
//! receiver reads exactly the length, then exactly the message.

use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

use super::args::nth;
use crate::net::{TcpListener, TcpStream};
use crate::println;
use crate::thread;

/// What the senders send, one `write` each.
const MESSAGES: [&str; 3] = ["hello", "how are you", "bye"];

/// How long the receivers wait before reading: time for all three
/// messages to arrive.
const WAIT: Duration = Duration::from_millis(200);

/// The largest message `framed-receiver` accepts: a length read from a
/// stream that is not framed at all could be anything.
const MAX_MESSAGE: usize = 1 << 20;

/// Connects to `server`, or says why it could not.
fn connect(server: &str) -> Option<TcpStream> {
    match TcpStream::connect(server) {
        Ok(sock) => Some(sock),
        Err(e) => {
            println!("error: connect {server}: {e}");
            None
        }
    }
}

/// Accepts one connection on `bind`, then waits [`WAIT`].
fn accept_and_wait(bind: &str) -> Option<TcpStream> {
    let listener = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => {
            println!("error: bind {bind}: {e}");
            return None;
        }
    };
    let conn = match listener.accept() {
        Ok((conn, _)) => conn,
        Err(e) => {
            println!("error: accept: {e}");
            return None;
        }
    };
    // A receiver busy with something else for a moment: meanwhile the
    // messages arrive and wait, side by side, in its receive buffer.
    thread::sleep(WAIT);
    Some(conn)
}

/// `sticky-sender [SERVER]`: connects to SERVER (default `pc2:7001`) and
/// sends three short messages with three quick `write`s.
pub fn sticky_sender(args: &[String]) {
    let server = nth(args, 0, "pc2:7001");
    let Some(mut sock) = connect(server) else {
        return;
    };
    // Nagle's algorithm is on (`nodelay` off, the default): small writes
    // may even be put into one segment before they leave. The receiver
    // would see them glued either way.
    for msg in MESSAGES {
        if let Err(e) = sock.write_all(msg.as_bytes()) {
            return println!("error: write: {e}");
        }
        println!("sent: {msg}");
    }
}

/// `sticky-receiver [BIND]`: accepts one connection on BIND (default
/// `0.0.0.0:7001`), waits a moment, and shows what one big read returns.
pub fn sticky_receiver(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:7001");
    let Some(mut conn) = accept_and_wait(bind) else {
        return;
    };
    let mut buf = [0u8; 1024];
    let n = match conn.read(&mut buf) {
        Ok(n) => n,
        Err(e) => return println!("error: read: {e}"),
    };
    println!(
        "one read returned {n} bytes: {}",
        String::from_utf8_lossy(&buf[..n])
    );
    println!("where one message ends and the next begins, the bytes do not say");
}

/// `framed-sender [SERVER]`: connects to SERVER (default `pc2:7001`) and
/// sends the same three messages, each after its length in 4 bytes.
pub fn framed_sender(args: &[String]) {
    let server = nth(args, 0, "pc2:7001");
    let Some(mut sock) = connect(server) else {
        return;
    };
    for msg in MESSAGES {
        let Ok(len) = u32::try_from(msg.len()) else {
            return println!("error: a message of {} bytes is too long", msg.len());
        };
        // One frame: the length, big-endian, then the bytes.
        let mut frame = len.to_be_bytes().to_vec();
        frame.extend_from_slice(msg.as_bytes());
        if let Err(e) = sock.write_all(&frame) {
            return println!("error: write: {e}");
        }
        println!("sent: {msg} (4 + {len} bytes)");
    }
}

/// `framed-receiver [BIND]`: accepts one connection on BIND (default
/// `0.0.0.0:7001`), waits a moment, and reads the framed messages one by
/// one until the sender closes.
pub fn framed_receiver(args: &[String]) {
    let bind = nth(args, 0, "0.0.0.0:7001");
    let Some(mut conn) = accept_and_wait(bind) else {
        return;
    };
    for i in 1.. {
        // `read_exact` reads again and again until it has exactly this
        // many bytes, however they were cut up on the way.
        let mut len = [0u8; 4];
        match conn.read_exact(&mut len) {
            Ok(()) => {}
            // The stream ended where a frame would start: the sender is done.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                return println!("end of stream after {} messages", i - 1)
            }
            Err(e) => return println!("error: read: {e}"),
        }
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return println!("error: a frame says {len} bytes, over {MAX_MESSAGE}");
        }
        let mut msg = vec![0u8; len];
        if let Err(e) = conn.read_exact(&mut msg) {
            return println!("error: read: {e}");
        }
        println!("message {i}: {}", String::from_utf8_lossy(&msg));
    }
}
