//! The socket edge cases a learner meets, each run as the same program on
//! the simulation and on real loopback sockets: both must give the same
//! `io::ErrorKind` and OS error (or the same success). What Linux does is
//! the reference; the simulation copies it (DESIGN.md, principle 5).

mod common {
    pub mod both_backends;
}

use std::io;
use std::time::Duration;

use common::both_backends::{on_loopback, on_sim, server_and_client, Part};
use simnet::net::UdpSocket;
use simnet::println;

/// A result as the programs print it: the value, or the error's kind and
/// OS error number.
fn show<T: std::fmt::Debug>(what: &str, result: io::Result<T>) {
    match result {
        Ok(value) => println!("{what}: Ok({value:?})"),
        Err(e) => println!(
            "{what}: Err({:?}, os error {:?})",
            e.kind(),
            e.raw_os_error()
        ),
    }
}

/// Runs `parts` on both backends and checks that they printed `expected`.
fn same_on_both(parts: &[Part], expected: &[&str]) {
    let sim = on_sim(parts);
    let real = on_loopback(parts);
    assert_eq!(sim, expected, "on the simulation");
    assert_eq!(real, expected, "on loopback");
}

fn alone(body: fn()) -> [Part; 1] {
    [Part {
        host: "pc1",
        at: Duration::ZERO,
        body,
    }]
}

#[test]
fn binding_a_port_twice_is_address_in_use() {
    same_on_both(
        &alone(|| {
            let first = UdpSocket::bind("0.0.0.0:7852");
            println!("first: {}", if first.is_ok() { "Ok(())" } else { "Err" });
            show("second", UdpSocket::bind("0.0.0.0:7852").map(|_| ()));
            show(
                "same address",
                UdpSocket::bind("192.168.1.2:7852").map(|_| ()),
            );
        }),
        &[
            "first: Ok(())",
            "second: Err(AddrInUse, os error Some(98))",
            "same address: Err(AddrInUse, os error Some(98))",
        ],
    );
}

#[test]
fn binding_an_address_the_host_lacks_is_address_not_available() {
    same_on_both(
        &alone(|| {
            // pc2's address, and one nobody has.
            show("pc2's", UdpSocket::bind("192.168.1.3:0").map(|_| ()));
            show("nobody's", UdpSocket::bind("10.9.9.9:0").map(|_| ()));
            show(
                "own",
                UdpSocket::bind("192.168.1.2:0").map(|s| s.local_addr().is_ok()),
            );
        }),
        &[
            "pc2's: Err(AddrNotAvailable, os error Some(99))",
            "nobody's: Err(AddrNotAvailable, os error Some(99))",
            "own: Ok(true)",
        ],
    );
}

#[test]
fn a_read_timeout_fires_as_would_block() {
    same_on_both(
        &alone(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
            show(
                "set",
                sock.set_read_timeout(Some(Duration::from_millis(200))),
            );
            show("timeout", sock.read_timeout());
            let start = simnet::time::Instant::now();
            show("recv", sock.recv_from(&mut [0; 16]));
            let waited = start.elapsed();
            println!(
                "waited at least 200 ms: {}",
                waited >= Duration::from_millis(200)
            );
        }),
        &[
            "set: Ok(())",
            "timeout: Ok(Some(200ms))",
            "recv: Err(WouldBlock, os error Some(11))",
            "waited at least 200 ms: true",
        ],
    );
}

#[test]
fn a_non_blocking_read_with_nothing_there_would_block() {
    same_on_both(
        &alone(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
            show("set", sock.set_nonblocking(true));
            show("recv", sock.recv_from(&mut [0; 16]));
            show("peek", sock.peek(&mut [0; 16]));
        }),
        &[
            "set: Ok(())",
            "recv: Err(WouldBlock, os error Some(11))",
            "peek: Err(WouldBlock, os error Some(11))",
        ],
    );
}

#[test]
fn a_connected_socket_to_a_closed_port_is_refused() {
    same_on_both(
        &alone(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
            sock.set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
            // Nothing listens on pc2's port 9: pc2 answers with an ICMP port
            // unreachable, which the connected socket reports on its next call.
            show("connect", sock.connect("pc2:9"));
            show("send", sock.send(b"anyone?"));
            show("recv", sock.recv(&mut [0; 16]));
            show("after", sock.take_error().map(|e| e.is_some()));
        }),
        &[
            "connect: Ok(())",
            "send: Ok(7)",
            "recv: Err(ConnectionRefused, os error Some(111))",
            "after: Ok(false)",
        ],
    );
}

#[test]
fn a_datagram_over_65507_bytes_is_too_big() {
    same_on_both(
        &alone(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
            let big = vec![0u8; 65_508];
            show("65508", sock.send_to(&big, "pc2:9"));
            show("65507", sock.send_to(&big[..65_507], "pc2:9"));
        }),
        &[
            "65508: Err(Uncategorized, os error Some(90))",
            "65507: Ok(65507)",
        ],
    );
}

#[test]
fn broadcast_needs_the_flag() {
    same_on_both(
        &alone(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
            show("flag", sock.broadcast());
            show("without", sock.send_to(b"hi", "255.255.255.255:2425"));
            show("subnet", sock.send_to(b"hi", "192.168.1.255:2425"));
            show("set", sock.set_broadcast(true));
            show("with", sock.send_to(b"hi", "255.255.255.255:2425"));
        }),
        &[
            "flag: Ok(false)",
            "without: Err(PermissionDenied, os error Some(13))",
            "subnet: Err(PermissionDenied, os error Some(13))",
            "set: Ok(())",
            "with: Ok(2)",
        ],
    );
}

#[test]
fn a_short_buffer_truncates_the_datagram() {
    same_on_both(
        &server_and_client(
            || {
                let sock = UdpSocket::bind("0.0.0.0:7852").expect("bind");
                let mut buf = [0u8; 4];
                match sock.recv_from(&mut buf) {
                    Ok((n, from)) => println!(
                        "got {n}: {:?} from {}",
                        String::from_utf8_lossy(&buf[..n]),
                        from.ip()
                    ),
                    Err(e) => println!("error: {e}"),
                }
                // The rest of the datagram is gone, not left for later.
                sock.set_nonblocking(true).expect("nonblocking");
                show("next", sock.recv_from(&mut buf).map(|(n, _)| n));
            },
            || {
                let sock = UdpSocket::bind("0.0.0.0:0").expect("bind");
                show("send", sock.send_to(b"0123456789", "192.168.1.3:7852"));
            },
        ),
        &[
            "got 4: \"0123\" from 192.168.1.2",
            "next: Err(WouldBlock, os error Some(11))",
            "send: Ok(10)",
        ],
    );
}

// TCP: the same rule, the same table.

use simnet::net::{SocketBuffers, TcpListener, TcpStream};
use std::io::{Read, Write};
use std::net::Shutdown;

#[test]
fn tcp_connect_to_a_closed_port_is_refused() {
    same_on_both(
        &alone(|| {
            // pc2 has nothing on port 9: its RST refuses the SYN.
            show("connect", TcpStream::connect("pc2:9").map(|_| ()));
        }),
        &["connect: Err(ConnectionRefused, os error Some(111))"],
    );
}

#[test]
fn tcp_a_second_listener_on_a_port_is_address_in_use_and_a_rebind_after_close_works() {
    same_on_both(
        &alone(|| {
            let first = TcpListener::bind("0.0.0.0:8998");
            println!("first: {}", if first.is_ok() { "Ok" } else { "Err" });
            show("second", TcpListener::bind("0.0.0.0:8998").map(|_| ()));
            drop(first);
            show("after close", TcpListener::bind("0.0.0.0:8998").map(|_| ()));
        }),
        &[
            "first: Ok",
            "second: Err(AddrInUse, os error Some(98))",
            "after close: Ok(())",
        ],
    );
}

/// pc2 accepts one connection and runs `serve` on it.
fn serve_one(serve: fn(TcpStream)) {
    let listener = TcpListener::bind("0.0.0.0:8998").expect("bind");
    match listener.accept() {
        Ok((stream, _)) => serve(stream),
        Err(e) => println!("accept: {e}"),
    }
}

#[test]
fn tcp_a_read_timeout_would_block_and_eof_follows_the_peers_shutdown() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|mut stream| {
                    let mut buf = [0u8; 16];
                    // The client writes nothing for a while.
                    stream
                        .set_read_timeout(Some(Duration::from_millis(100)))
                        .expect("timeout");
                    show("early read", stream.read(&mut buf));
                    stream.set_read_timeout(None).expect("timeout");
                    show("read", stream.read(&mut buf));
                    // The client shut down its side: end of stream.
                    show("eof", stream.read(&mut buf));
                    // A half-closed connection still carries our data.
                    show("write", stream.write(b"still here"));
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                simnet::thread::sleep(Duration::from_millis(300));
                show("write", stream.write(b"hello"));
                show("shutdown", stream.shutdown(Shutdown::Write));
                let mut got = String::new();
                show("read to end", stream.read_to_string(&mut got));
                println!("got: {got}");
            },
        ),
        &[
            "early read: Err(WouldBlock, os error Some(11))",
            "read: Ok(5)",
            "eof: Ok(0)",
            "write: Ok(10)",
            "write: Ok(5)",
            "shutdown: Ok(())",
            "read to end: Ok(10)",
            "got: still here",
        ],
    );
}

#[test]
fn tcp_closing_with_unread_data_resets_the_peer() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|stream| {
                    // Wait for the client's bytes, then close without
                    // reading them: Linux sends RST, not FIN.
                    simnet::thread::sleep(Duration::from_millis(300));
                    drop(stream);
                    println!("closed");
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                show("write", stream.write(b"unread"));
                show("read", stream.read(&mut [0u8; 16]));
            },
        ),
        &[
            "closed",
            "write: Ok(6)",
            "read: Err(ConnectionReset, os error Some(104))",
        ],
    );
}

/// `take_error` as the programs print it: the pending error's kind.
fn show_pending(stream: &TcpStream) {
    show("pending", stream.take_error().map(|e| e.map(|e| e.kind())));
}

#[test]
fn tcp_after_a_reset_the_first_write_is_reset_and_the_next_a_broken_pipe() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|mut stream| {
                    show("write", stream.write(b"bye"));
                    // The client's bytes stay unread: closing sends RST.
                    simnet::thread::sleep(Duration::from_millis(300));
                    drop(stream);
                    println!("closed");
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                show("write", stream.write(b"unread"));
                // Long enough for the RST to arrive.
                simnet::thread::sleep(Duration::from_millis(500));
                let mut buf = [0u8; 16];
                // What arrived before the RST is still there to read.
                show("read", stream.read(&mut buf));
                // The RST's ECONNRESET goes to the first call that
                // meets it; after it the connection is simply gone.
                show("write", stream.write(b"more"));
                show("write again", stream.write(b"more"));
                show("read after", stream.read(&mut buf));
                show_pending(&stream);
            },
        ),
        &[
            "write: Ok(3)",
            "closed",
            "write: Ok(6)",
            "read: Ok(3)",
            "write: Err(ConnectionReset, os error Some(104))",
            "write again: Err(BrokenPipe, os error Some(32))",
            "read after: Ok(0)",
            "pending: Ok(None)",
        ],
    );
}

#[test]
fn tcp_writing_to_a_peer_that_closed_works_once_then_is_a_broken_pipe() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|stream| {
                    drop(stream);
                    println!("closed");
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                let mut buf = [0u8; 16];
                // The server's FIN: end of stream, and we are in
                // CLOSE-WAIT. Writing is still allowed...
                show("read", stream.read(&mut buf));
                show("write", stream.write(b"hello"));
                // ...but the server is gone: it answers with a RST.
                simnet::thread::sleep(Duration::from_millis(300));
                // A RST in CLOSE-WAIT is EPIPE on Linux, not ECONNRESET,
                // and a read still says end of stream.
                show("read again", stream.read(&mut buf));
                show_pending(&stream);
                show("write again", stream.write(b"hello"));
                show("and again", stream.write(b"hello"));
            },
        ),
        &[
            "closed",
            "read: Ok(0)",
            "write: Ok(5)",
            "read again: Ok(0)",
            "pending: Ok(Some(BrokenPipe))",
            "write again: Err(BrokenPipe, os error Some(32))",
            "and again: Err(BrokenPipe, os error Some(32))",
        ],
    );
}

#[test]
fn tcp_a_write_cut_short_by_a_reset_returns_its_count_and_the_reply_is_still_read() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|mut stream| {
                    simnet::thread::sleep(Duration::from_millis(200));
                    show("write", stream.write(b"413"));
                    simnet::thread::sleep(Duration::from_millis(100));
                    // Megabytes unread: RST.
                    drop(stream);
                    println!("closed");
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                // Far more than the buffers hold (Linux's loopback takes
                // about 4 MiB from a peer that does not read): the write
                // blocks until the RST ends it.
                let big = vec![7u8; 16 << 20];
                match stream.write(&big) {
                    Ok(n) => println!("write: partial {}", n > 0 && n < big.len()),
                    Err(e) => println!("write: Err({:?})", e.kind()),
                }
                // The write reported its count; the error waits for the
                // next call, after the data that came before the RST.
                let mut buf = [0u8; 16];
                show("read", stream.read(&mut buf));
                show("read again", stream.read(&mut buf));
                show("write again", stream.write(b"more"));
            },
        ),
        &[
            "write: Ok(3)",
            "closed",
            "write: partial true",
            "read: Ok(3)",
            "read again: Err(ConnectionReset, os error Some(104))",
            "write again: Err(BrokenPipe, os error Some(32))",
        ],
    );
}

/// The `n`th byte of a test stream: not a repeating short pattern, so a
/// lost or doubled segment shows.
fn pattern(n: usize) -> u8 {
    (n % 251) as u8
}

#[test]
fn tcp_a_half_closed_connection_still_receives_the_whole_reply() {
    same_on_both(
        &server_and_client(
            || {
                serve_one(|mut stream| {
                    let mut request = Vec::new();
                    show("read to end", stream.read_to_end(&mut request));
                    // The client can no longer send, but it still reads:
                    // a reply larger than both buffers, so the window
                    // must open and close on the way.
                    let reply: Vec<u8> = (0..300_000).map(pattern).collect();
                    show("write all", stream.write_all(&reply));
                    println!("replied");
                });
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                show("write", stream.write(b"GET everything"));
                show("shutdown", stream.shutdown(Shutdown::Write));
                show("write after", stream.write(b"more"));
                let mut reply = Vec::new();
                show("read to end", stream.read_to_end(&mut reply));
                let intact = reply.iter().enumerate().all(|(n, b)| *b == pattern(n));
                println!("intact: {intact}");
            },
        ),
        &[
            "read to end: Ok(14)",
            "write all: Ok(())",
            "replied",
            "write: Ok(14)",
            "shutdown: Ok(())",
            "write after: Err(BrokenPipe, os error Some(32))",
            "read to end: Ok(300000)",
            "intact: true",
        ],
    );
}

#[test]
fn tcp_a_listener_rebinds_its_port_while_old_connections_live_on_it() {
    same_on_both(
        &server_and_client(
            || {
                let listener = TcpListener::bind("0.0.0.0:8998").expect("bind");
                let (stream, _) = listener.accept().expect("accept");
                drop(listener);
                // The accepted connection still uses port 8998; std sets
                // SO_REUSEADDR, so only a listener would be in the way.
                show(
                    "rebind beside an open connection",
                    TcpListener::bind("0.0.0.0:8998").map(|_| ()),
                );
                // We close first, so our end waits in TIME-WAIT (60 s).
                drop(stream);
                simnet::thread::sleep(Duration::from_millis(300));
                match TcpListener::bind("0.0.0.0:8998") {
                    Ok(listener) => {
                        println!("rebind beside TIME-WAIT: Ok");
                        show("accept", listener.accept().map(|_| ()));
                    }
                    Err(e) => show("rebind beside TIME-WAIT", Err::<(), _>(e)),
                }
            },
            || {
                let mut stream = TcpStream::connect("pc2:8998").expect("connect");
                show("read", stream.read(&mut [0u8; 16]));
                drop(stream);
                simnet::thread::sleep(Duration::from_millis(500));
                show("connect", TcpStream::connect("pc2:8998").map(|_| ()));
            },
        ),
        &[
            "rebind beside an open connection: Ok(())",
            "rebind beside TIME-WAIT: Ok",
            "accept: Ok(())",
            "read: Ok(0)",
            "connect: Ok(())",
        ],
    );
}

/// `SO_RCVBUF` and `SO_SNDBUF` through [`SocketBuffers`]: as on Linux, a
/// value is reported back doubled, a tiny one is raised to the kernel's
/// minimum, and a listener's sizes are its accepted connections'.
#[test]
fn tcp_socket_buffers_read_back_as_linux_reports_them() {
    same_on_both(
        &server_and_client(
            || {
                let listener = TcpListener::bind("0.0.0.0:8998").expect("bind");
                show("listener rcvbuf", listener.set_recv_buffer_size(100_000));
                show("listener reads", listener.recv_buffer_size());
                match listener.accept() {
                    Ok((stream, _)) => {
                        show("accepted reads", stream.recv_buffer_size());
                        show("tiny", stream.set_recv_buffer_size(1));
                        show("tiny reads", stream.recv_buffer_size());
                        show("sndbuf", stream.set_send_buffer_size(50_000));
                        show("sndbuf reads", stream.send_buffer_size());
                        show("tiny sndbuf", stream.set_send_buffer_size(1));
                        show("tiny sndbuf reads", stream.send_buffer_size());
                        // Now the client may print.
                        let _ = (&stream).write_all(b"x");
                    }
                    Err(e) => println!("accept: {e}"),
                }
            },
            || {
                let stream = TcpStream::connect("pc2:8998").expect("connect");
                let set = stream.set_recv_buffer_size(60_000);
                let got = stream.recv_buffer_size();
                let mut buf = [0u8; 1];
                let _ = (&stream).read(&mut buf);
                show("client rcvbuf", set);
                show("client reads", got);
            },
        ),
        &[
            "listener rcvbuf: Ok(())",
            "listener reads: Ok(200000)",
            "accepted reads: Ok(200000)",
            "tiny: Ok(())",
            "tiny reads: Ok(2304)",
            "sndbuf: Ok(())",
            "sndbuf reads: Ok(100000)",
            "tiny sndbuf: Ok(())",
            "tiny sndbuf reads: Ok(4608)",
            "client rcvbuf: Ok(())",
            "client reads: Ok(120000)",
        ],
    );
}
