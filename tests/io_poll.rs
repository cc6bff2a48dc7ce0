//! `simnet::io` (mio's API) on both backends: each program runs on the
//! simulation and on real loopback sockets through the real mio, and must
//! print the same lines. The edge cases are mio's and Linux's: a timeout of
//! zero, registering twice, a deregistered token, a closed socket, a
//! refused non-blocking connect.

mod common {
    #[allow(dead_code)]
    pub mod both_backends;
}

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use common::both_backends::{on_loopback, on_sim, Part};
use simnet::io::net::{TcpListener, TcpStream, UdpSocket};
use simnet::io::{Events, Interest, Poll, Token};
use simnet::net::ToSocketAddrs;
use simnet::println;

/// `host:port` as one address, through the backend's own resolution.
fn addr(s: &str) -> SocketAddr {
    let first = s.to_socket_addrs().expect("resolves").next();
    first.expect("at least one address")
}

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

/// The events of one poll, as `token readable+…` lines.
fn ready(events: &Events) -> String {
    if events.is_empty() {
        return "nothing ready".to_string();
    }
    let parts: Vec<String> = events
        .iter()
        .map(|e| format!("token {} {}", e.token().0, e.describe()))
        .collect();
    parts.join(", ")
}

fn same_on_both(parts: &[Part], expected: &[&str]) {
    let sim = on_sim(parts);
    let real = on_loopback(parts);
    assert_eq!(sim, real, "the simulation and loopback differ");
    assert_eq!(sim, expected, "on the simulation");
    assert_eq!(real, expected, "on loopback");
}

fn part(host: &'static str, at_ms: u64, body: fn()) -> Part {
    Part {
        host,
        at: Duration::from_millis(at_ms),
        body,
    }
}

#[test]
fn a_timeout_of_zero_returns_at_once_with_nothing() {
    same_on_both(
        &[part("pc1", 0, || {
            let mut poll = Poll::new().expect("poll");
            let mut events = Events::with_capacity(8);
            show("poll(0)", poll.poll(&mut events, Some(Duration::ZERO)));
            println!("{}", ready(&events));
            let sock = UdpSocket::bind(addr("0.0.0.0:0")).expect("bind");
            let mut sock = sock;
            poll.registry()
                .register(&mut sock, Token(3), Interest::READABLE)
                .expect("register");
            show(
                "poll(10ms)",
                poll.poll(&mut events, Some(Duration::from_millis(10))),
            );
            println!("{}", ready(&events));
        })],
        &[
            "poll(0): Ok(())",
            "nothing ready",
            "poll(10ms): Ok(())",
            "nothing ready",
        ],
    );
}

#[test]
fn registering_twice_exists_and_an_unknown_source_is_not_found() {
    same_on_both(
        &[part("pc1", 0, || {
            let poll = Poll::new().expect("poll");
            let mut sock = UdpSocket::bind(addr("0.0.0.0:0")).expect("bind");
            let r = poll.registry();
            show(
                "register",
                r.register(&mut sock, Token(1), Interest::READABLE),
            );
            show("again", r.register(&mut sock, Token(2), Interest::READABLE));
            show("deregister", r.deregister(&mut sock));
            show("deregister again", r.deregister(&mut sock));
            show(
                "reregister",
                r.reregister(&mut sock, Token(1), Interest::READABLE),
            );
        })],
        &[
            "register: Ok(())",
            "again: Err(AlreadyExists, os error Some(17))",
            "deregister: Ok(())",
            "deregister again: Err(NotFound, os error Some(2))",
            "reregister: Err(NotFound, os error Some(2))",
        ],
    );
}

#[test]
fn datagrams_wake_their_token_once_per_arrival_and_a_deregistered_one_never() {
    same_on_both(
        &[
            part("pc2", 0, || {
                let mut poll = Poll::new().expect("poll");
                let mut events = Events::with_capacity(8);
                let mut a = UdpSocket::bind(addr("0.0.0.0:7001")).expect("bind a");
                let mut b = UdpSocket::bind(addr("0.0.0.0:7002")).expect("bind b");
                let r = poll.registry();
                r.register(&mut a, Token(1), Interest::READABLE).expect("a");
                r.register(&mut b, Token(2), Interest::READABLE).expect("b");
                r.deregister(&mut b).expect("deregister b");
                let wait = Some(Duration::from_millis(500));
                show("poll", poll.poll(&mut events, wait));
                println!("{}", ready(&events));
                // Edge-triggered: not read, and nothing new came, so
                // nothing is reported again.
                show(
                    "poll",
                    poll.poll(&mut events, Some(Duration::from_millis(100))),
                );
                println!("{}", ready(&events));
                let mut buf = [0u8; 64];
                let (n, _) = a.recv_from(&mut buf).expect("recv");
                println!("a got {:?}", String::from_utf8_lossy(&buf[..n]));
                show("a again", a.recv_from(&mut buf).map(|(n, _)| n));
                // b's datagram waits unseen by the poll.
                let (n, _) = b.recv_from(&mut buf).expect("b recv");
                println!("b holds {:?}", String::from_utf8_lossy(&buf[..n]));
            }),
            part("pc1", 100, || {
                let sock = UdpSocket::bind(addr("0.0.0.0:0")).expect("bind");
                sock.send_to(b"to b", addr("pc2:7002")).expect("send b");
                sock.send_to(b"to a", addr("pc2:7001")).expect("send a");
            }),
        ],
        &[
            "poll: Ok(())",
            "token 1 readable",
            "poll: Ok(())",
            "nothing ready",
            "a got \"to a\"",
            "a again: Err(WouldBlock, os error Some(11))",
            "b holds \"to b\"",
        ],
    );
}

#[test]
fn a_non_blocking_connect_becomes_writable_then_echoes() {
    same_on_both(
        &[
            part("pc2", 0, || {
                let mut poll = Poll::new().expect("poll");
                let mut events = Events::with_capacity(8);
                let mut l = TcpListener::bind(addr("0.0.0.0:8000")).expect("bind");
                poll.registry()
                    .register(&mut l, Token(0), Interest::READABLE)
                    .expect("register");
                poll.poll(&mut events, Some(Duration::from_secs(2)))
                    .expect("poll");
                println!("server: {}", ready(&events));
                let (mut s, _) = l.accept().expect("accept");
                show("server: accept again", l.accept().map(|_| ()));
                poll.registry()
                    .register(&mut s, Token(1), Interest::READABLE)
                    .expect("register conn");
                poll.poll(&mut events, Some(Duration::from_secs(2)))
                    .expect("poll");
                println!("server: {}", ready(&events));
                let mut buf = [0u8; 16];
                let n = s.read(&mut buf).expect("read");
                s.write_all(&buf[..n]).expect("echo");
                poll.poll(&mut events, Some(Duration::from_secs(2)))
                    .expect("poll");
                println!("server: {}", ready(&events));
                show("server: read at the end", s.read(&mut buf));
            }),
            part("pc1", 100, || {
                let mut poll = Poll::new().expect("poll");
                let mut events = Events::with_capacity(8);
                let mut c = TcpStream::connect(addr("pc2:8000")).expect("connect");
                poll.registry()
                    .register(&mut c, Token(5), Interest::READABLE | Interest::WRITABLE)
                    .expect("register");
                poll.poll(&mut events, Some(Duration::from_secs(2)))
                    .expect("poll");
                println!("client: {}", ready(&events));
                show("client: take_error", c.take_error().map(|e| e.is_none()));
                show("client: peer after", c.peer_addr().map(|a| a.port()));
                c.write_all(b"ping").expect("write");
                poll.poll(&mut events, Some(Duration::from_secs(2)))
                    .expect("poll");
                println!("client: {}", ready(&events));
                let mut buf = [0u8; 16];
                let n = c.read(&mut buf).expect("read");
                println!("client: echo {:?}", String::from_utf8_lossy(&buf[..n]));
            }),
        ],
        &[
            "server: token 0 readable",
            "server: accept again: Err(WouldBlock, os error Some(11))",
            "server: token 1 readable",
            "server: token 1 readable+read-closed",
            "server: read at the end: Ok(0)",
            "client: token 5 writable",
            "client: take_error: Ok(true)",
            "client: peer after: Ok(8000)",
            "client: token 5 readable+writable",
            "client: echo \"ping\"",
        ],
    );
}

#[test]
fn a_refused_non_blocking_connect_reports_the_error() {
    same_on_both(
        &[part("pc1", 0, || {
            let mut poll = Poll::new().expect("poll");
            let mut events = Events::with_capacity(8);
            let mut c = TcpStream::connect(addr("pc2:9")).expect("connect starts");
            poll.registry()
                .register(&mut c, Token(7), Interest::WRITABLE)
                .expect("register");
            poll.poll(&mut events, Some(Duration::from_secs(2)))
                .expect("poll");
            let e = events
                .iter()
                .next()
                .map(|e| (e.token().0, e.is_error(), e.is_write_closed()));
            println!("event: {e:?}");
            show("take_error", c.take_error().map(|e| e.map(|e| e.kind())));
        })],
        &[
            "event: Some((7, true, true))",
            "take_error: Ok(Some(ConnectionRefused))",
        ],
    );
}

#[test]
fn a_closed_socket_leaves_the_poll() {
    same_on_both(
        &[
            part("pc2", 0, || {
                let mut poll = Poll::new().expect("poll");
                let mut events = Events::with_capacity(8);
                let mut a = UdpSocket::bind(addr("0.0.0.0:7001")).expect("bind");
                poll.registry()
                    .register(&mut a, Token(1), Interest::READABLE)
                    .expect("register");
                drop(a);
                show(
                    "poll",
                    poll.poll(&mut events, Some(Duration::from_millis(300))),
                );
                println!("{}", ready(&events));
            }),
            part("pc1", 100, || {
                let sock = UdpSocket::bind(addr("0.0.0.0:0")).expect("bind");
                let _ = sock.send_to(b"anyone?", addr("pc2:7001"));
            }),
        ],
        &["poll: Ok(())", "nothing ready"],
    );
}

/// On loopback the kernel completes a handshake before `connect` returns;
/// across a simulated switch it takes two link delays, during which the
/// stream has no peer yet, as on Linux (`inet_getname` gives `ENOTCONN`
/// in SYN-SENT).
#[test]
fn a_connecting_stream_has_no_peer_until_the_handshake_is_done() {
    let lines = on_sim(&[
        part("pc2", 0, || {
            let l = TcpListener::bind(addr("0.0.0.0:8000")).expect("bind");
            simnet::thread::sleep(Duration::from_secs(1));
            drop(l);
        }),
        part("pc1", 100, || {
            let mut poll = Poll::new().expect("poll");
            let mut events = Events::with_capacity(8);
            let mut c = TcpStream::connect(addr("pc2:8000")).expect("connect");
            show("peer before", c.peer_addr().map(|_| ()));
            poll.registry()
                .register(&mut c, Token(5), Interest::WRITABLE)
                .expect("register");
            poll.poll(&mut events, None).expect("poll");
            println!("{}", ready(&events));
            show("peer after", c.peer_addr().map(|a| a.port()));
        }),
    ]);
    assert_eq!(
        lines,
        [
            "peer before: Err(NotConnected, os error Some(107))",
            "token 5 writable",
            "peer after: Ok(8000)",
        ]
    );
}

/// The port the async server got (port 0), for its clients.
static ASYNC_PORT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);

/// `async fn` and `.await` through `simnet::io::runtime`: one thread, a
/// task per client. The second client is answered while the first still
/// holds its connection open, which a server handling one client at a
/// time could not do.
/// A writer that filled its send buffer is told it may write again
/// (`writable`) only once a good part of it is free, as Linux's
/// `sk_stream_write_space` does (room for half of what is still queued, a
/// third of the buffer), not at the first ACK: the first write after the
/// event takes at least a quarter of the 64 KiB `SO_SNDBUF`. The reader's
/// own buffer is small and it starts late, so the writer does fill its
/// buffer; then it reads everything.
#[test]
fn a_full_send_buffer_is_writable_again_once_a_third_is_free() {
    use simnet::net::SocketBuffers;
    const TOTAL: usize = 4 << 20;
    const SNDBUF: usize = 64 * 1024;
    fn server() {
        let listener = simnet::net::TcpListener::bind("0.0.0.0:8000").expect("bind");
        listener.set_recv_buffer_size(SNDBUF).expect("SO_RCVBUF");
        let (mut s, _) = listener.accept().expect("accept");
        simnet::thread::sleep(Duration::from_millis(200));
        let mut buf = vec![0u8; 4096];
        let mut total = 0;
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) => panic!("read: {e}"),
            }
        }
        println!("server: read {total} bytes");
    }
    fn client() {
        let stream = simnet::net::TcpStream::connect(("pc2", 8000)).expect("connect");
        stream.set_send_buffer_size(SNDBUF).expect("SO_SNDBUF");
        stream.set_nonblocking(true).expect("non-blocking");
        let mut c = TcpStream::from_std(stream);
        let mut poll = Poll::new().expect("poll");
        let mut events = Events::with_capacity(8);
        poll.registry()
            .register(&mut c, Token(5), Interest::WRITABLE)
            .expect("register");
        let data = vec![7u8; TOTAL];
        let (mut sent, mut waits, mut small_refills) = (0, 0, 0);
        let mut after_wait = false;
        while sent < TOTAL {
            match c.write(&data[sent..]) {
                Ok(n) => {
                    // (The last write takes only what is left.)
                    if after_wait && n < SNDBUF / 4 && sent + n < TOTAL {
                        small_refills += 1;
                    }
                    after_wait = false;
                    sent += n;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    poll.poll(&mut events, Some(Duration::from_secs(5)))
                        .expect("poll");
                    assert!(!events.is_empty(), "no writable event in 5 s");
                    waits += 1;
                    after_wait = true;
                }
                Err(e) => panic!("write: {e}"),
            }
        }
        c.shutdown(std::net::Shutdown::Write).expect("shutdown");
        println!("client: waited for room: {}", waits > 0);
        println!("client: refills of less than a quarter of the buffer: {small_refills}");
    }
    same_on_both(
        &[part("pc2", 0, server), part("pc1", 100, client)],
        &[
            "server: read 4194304 bytes",
            "client: waited for room: true",
            "client: refills of less than a quarter of the buffer: 0",
        ],
    );
}

#[test]
fn an_async_server_serves_two_clients_at_once_on_both_backends() {
    use simnet::io::runtime::Runtime;
    use std::sync::atomic::Ordering;

    fn server() {
        let rt = Runtime::new().expect("runtime");
        let served = rt.block_on(async {
            let listener = rt.bind(addr("pc2:0")).expect("bind");
            let port = listener.local_addr().expect("addr").port();
            ASYNC_PORT.store(port, Ordering::SeqCst);
            let mut tasks = Vec::new();
            for _ in 0..2 {
                let (stream, _) = listener.accept().await.expect("accept");
                tasks.push(rt.spawn(async move {
                    let mut buf = [0u8; 64];
                    let mut total = 0;
                    loop {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break total,
                            Ok(n) => {
                                total += n;
                                stream.write_all(&buf[..n]).await.expect("echo");
                            }
                        }
                    }
                }));
            }
            let mut totals = Vec::new();
            for task in tasks {
                totals.push(task.await);
            }
            totals
        });
        println!("server: echoed {:?} bytes", served.expect("poll works"));
    }
    fn client(name: &str, hold: Duration) {
        let port = ASYNC_PORT.load(Ordering::SeqCst);
        let started = simnet::time::Instant::now();
        let mut stream = simnet::net::TcpStream::connect(("pc2", port)).expect("connect");
        let mut buf = [0u8; 64];
        for line in ["one", "two"] {
            stream
                .write_all(format!("{name} {line}").as_bytes())
                .expect("write");
            let n = stream.read(&mut buf).expect("read");
            println!("{name}: {}", String::from_utf8_lossy(&buf[..n]));
            simnet::thread::sleep(hold);
        }
        let quick = started.elapsed() < hold * 2 + Duration::from_millis(150);
        println!("{name}: done, without waiting for the other: {quick}");
    }
    let parts = [
        part("pc2", 0, server),
        part("pc1", 100, || client("alice", Duration::from_millis(400))),
        part("pc1", 150, || client("bob", Duration::from_millis(50))),
    ];
    same_on_both(
        &parts,
        &[
            "server: echoed [18, 14] bytes",
            "alice: alice one",
            "alice: alice two",
            "alice: done, without waiting for the other: true",
            "bob: bob one",
            "bob: bob two",
            "bob: done, without waiting for the other: true",
        ],
    );
}
