//! A bulk transfer that checks itself: the writer sends a deterministic
//! pattern, the reader compares every byte with the pattern as it arrives.
//! These are the programs of TCP's reliability property
//! (`tests/tcp_reliability.rs`, [`crate::testing`]); the scenario a failing
//! case prints runs them again under `simnet run`.

use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;

use super::args::{nth, take_number, take_option};
use crate::net::{TcpListener, TcpStream};
use crate::println;

/// The `len` bytes a transfer seeded with `seed` carries: xorshift64 output,
/// so that a misplaced, repeated or corrupted segment shows as a mismatch.
pub fn payload(seed: u64, len: usize) -> Vec<u8> {
    let mut pattern = Pattern::new(seed);
    (0..len).map(|_| pattern.next_byte()).collect()
}

/// The pattern of [`payload`], a byte at a time.
struct Pattern(u64);

impl Pattern {
    fn new(seed: u64) -> Pattern {
        match seed ^ 0x9E37_79B9_7F4A_7C15 {
            0 => Pattern(1),
            x => Pattern(x),
        }
    }

    fn next_byte(&mut self) -> u8 {
        let x = &mut self.0;
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 24) as u8
    }
}

/// Chunk sizes given as `A,B,…`, each at least 1.
pub fn parse_sizes(text: &str) -> Result<Vec<usize>, String> {
    let sizes = text
        .split(',')
        .map(|n| match n.trim().parse::<usize>() {
            Ok(0) | Err(_) => Err(format!("`{n}` is not a size of at least 1 byte")),
            Ok(size) => Ok(size),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(sizes)
}

/// The arguments both programs take: a place, a length, `--seed S` and a
/// list of chunk sizes under `option`.
struct Args {
    place: String,
    len: usize,
    seed: u64,
    chunks: Vec<usize>,
    attempts: u64,
}

fn parse_args(args: &[String], option: &str) -> Result<Args, String> {
    let (seed, rest) = take_number(args, "--seed")?;
    let (attempts, rest) = take_number(&rest, "--attempts")?;
    let (chunks, rest) = take_option(&rest, option)?;
    let chunks =
        parse_sizes(chunks.as_deref().unwrap_or("65536")).map_err(|e| format!("{option}: {e}"))?;
    let len = nth(&rest, 1, "0");
    let len = len
        .parse()
        .map_err(|_| format!("BYTES: expected a whole number, got `{len}`"))?;
    Ok(Args {
        place: nth(&rest, 0, "").to_string(),
        len,
        seed: seed.unwrap_or(0),
        chunks,
        attempts: attempts.unwrap_or(1).max(1),
    })
}

/// `bulk-writer SERVER BYTES [--seed S] [--writes A,B,…] [--attempts N]`:
/// connects to SERVER (trying again up to N times in all when a connect
/// times out, as an application would), writes BYTES of the seed's pattern
/// with `write_all` in chunks of A, B, … bytes (cycled), shuts down its
/// writing side and reads until the reader closes too.
pub fn bulk_writer(args: &[String]) {
    let args = match parse_args(args, "--writes") {
        Ok(args) => args,
        Err(e) => return println!("error: {e}"),
    };
    let mut attempt = 1;
    let mut stream = loop {
        match TcpStream::connect(args.place.as_str()) {
            Ok(stream) => break stream,
            Err(e) if e.kind() == ErrorKind::TimedOut && attempt < args.attempts => {
                println!("connect timed out; trying again");
                attempt += 1;
            }
            Err(e) => return println!("error: connect: {:?}: {e}", e.kind()),
        }
    };
    println!("connected");
    let data = payload(args.seed, args.len);
    let mut sent = 0;
    for &size in args.chunks.iter().cycle() {
        if sent >= data.len() {
            break;
        }
        let end = (sent + size).min(data.len());
        if let Err(e) = stream.write_all(&data[sent..end]) {
            return println!("error: write after {sent} bytes: {:?}: {e}", e.kind());
        }
        sent = end;
    }
    // Close our side, then wait for the reader's FIN: the close has
    // completed when the reader, having read everything, closes too.
    if let Err(e) = stream.shutdown(Shutdown::Write) {
        return println!("error: shutdown: {:?}: {e}", e.kind());
    }
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(0) => println!("sent {sent} bytes; the reader closed too"),
        Ok(n) => println!("error: the reader sent {n} unexpected bytes"),
        Err(e) => println!("error: waiting for the reader's close: {:?}: {e}", e.kind()),
    }
}

/// `bulk-reader BIND BYTES [--seed S] [--reads A,B,…]`: accepts one
/// connection on BIND, reads to EOF with buffers of A, B, … bytes (cycled),
/// comparing each byte with the seed's pattern, and says whether all BYTES
/// came, as sent.
pub fn bulk_reader(args: &[String]) {
    let args = match parse_args(args, "--reads") {
        Ok(args) => args,
        Err(e) => return println!("error: {e}"),
    };
    let listener = match TcpListener::bind(args.place.as_str()) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind {}: {:?}: {e}", args.place, e.kind()),
    };
    let mut stream = match listener.accept() {
        Ok((stream, _)) => stream,
        Err(e) => return println!("error: accept: {:?}: {e}", e.kind()),
    };
    let mut pattern = Pattern::new(args.seed);
    let mut buf = vec![0u8; args.chunks.iter().copied().max().unwrap_or(1)];
    let mut received = 0usize;
    let mut first_difference = None;
    for &size in args.chunks.iter().cycle() {
        let n = match stream.read(&mut buf[..size]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => return println!("error: read after {received} bytes: {:?}: {e}", e.kind()),
        };
        for &byte in &buf[..n] {
            let expected = (received < args.len).then(|| pattern.next_byte());
            if first_difference.is_none() && expected != Some(byte) {
                first_difference = Some(received);
                println!("error: byte {received} differs from what was sent");
            }
            received += 1;
        }
    }
    if first_difference.is_none() && received == args.len {
        println!("received {received} bytes, all as sent, then EOF");
    } else {
        println!("error: received {received} of {} bytes, then EOF", args.len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_depends_on_the_seed_and_repeats_with_it() {
        assert_eq!(payload(7, 1000), payload(7, 1000));
        assert_ne!(payload(7, 1000), payload(8, 1000));
        assert_eq!(payload(7, 10), payload(7, 1000)[..10]);
        // The seed that xors to zero still makes a pattern.
        let zero = payload(0x9E37_79B9_7F4A_7C15, 100);
        assert!(zero.iter().any(|&b| b != 0));
    }

    #[test]
    fn sizes_must_be_whole_and_positive() {
        assert_eq!(parse_sizes("1,1460,65536"), Ok(vec![1, 1460, 65536]));
        assert!(parse_sizes("1,0").unwrap_err().contains("`0`"));
        assert!(parse_sizes("x").is_err());
    }
}
