//! The TCP lesson programs (seeds 000 to 004, and sticky packets), run by
//! name on real loopback sockets: pc1 and pc2 of a two-host LAN, each on
//! its own loopback address. Each test checks exactly what each program
//! printed; the client's ephemeral port, the one thing that differs from
//! run to run, is shown as `PORT`.
//!
//! (TCP on simulated hosts is not wired in yet; these same runs will be
//! compared with the simulation's once it is.)

mod common {
    #[allow(dead_code)]
    pub mod both_backends;
}

use std::sync::Arc;
use std::time::Duration;

use common::both_backends::lan;
use simnet::net::loopback::{self, Line};
use simnet::net::{LoopHost, LoopbackNet};
use simnet::programs;

/// A program run as `name` on `host`, started `at_ms` into the run.
struct Part {
    host: &'static str,
    name: &'static str,
    at_ms: u64,
    body: fn(),
}

/// Runs the program called `name` with `args`.
fn run_program(name: &str, args: &[&str]) {
    let program = programs::find(name).unwrap_or_else(|| panic!("no program {name}"));
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    (program.main)(&args);
}

/// Runs `parts` on loopback and returns every line printed, in the order
/// printed (a spawned thread's lines are its parent's name with `-N`).
fn run(parts: &[Part]) -> Vec<Line> {
    let hosts = lan()
        .hosts
        .iter()
        .map(|h| LoopHost {
            name: h.name.clone(),
            ifaces: h
                .interfaces
                .iter()
                .filter_map(|i| simnet::stack::Ipv4Cidr::new(i.addr, i.prefix_len))
                .collect(),
        })
        .collect();
    let net = Arc::new(LoopbackNet::new(hosts, false).expect("two hosts fit"));
    for part in parts {
        let host = net.host_index(part.host).expect("a host of the LAN");
        loopback::run_thread(
            &net,
            host,
            part.name,
            Duration::from_millis(part.at_ms),
            Box::new(part.body),
        )
        .expect("a thread starts");
    }
    let ending = net.wait_until_quiet(Duration::from_millis(300), Duration::from_secs(20));
    assert_ne!(ending, loopback::Ending::TimeLimit, "{:#?}", net.lines());
    net.lines()
}

/// `text` with pc1's ephemeral ports (every client runs on pc1) as `PORT`.
fn mask(text: &str) -> String {
    const PC1: &str = "192.168.1.2:";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(PC1) {
        out.push_str(&rest[..at + PC1.len()]);
        rest = &rest[at + PC1.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str("PORT");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// Every line as `program: text`, in the order printed.
fn in_order(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .map(|l| format!("{}: {}", l.program, mask(&l.text)))
        .collect()
}

/// Every line as `program: text`, part by part (a part's threads with
/// it), each part's lines in the order printed.
fn by_part(lines: &[Line], parts: &[Part]) -> Vec<String> {
    parts
        .iter()
        .flat_map(|part| {
            let child = format!("{}-", part.name);
            lines
                .iter()
                .filter(move |l| l.program == part.name || l.program.starts_with(&child))
                .map(|l| format!("{}: {}", l.program, mask(&l.text)))
        })
        .collect()
}

/// Runs `parts` and checks what they printed, part by part.
fn check(parts: &[Part], expected: &[&str]) {
    let lines = run(parts);
    assert_eq!(by_part(&lines, parts), expected, "{:#?}", in_order(&lines));
}

#[test]
fn every_tcp_program_is_registered_with_its_usage_line() {
    for name in [
        "tcp-server",
        "tcp-client",
        "upper-server",
        "upper-client",
        "upper-loop-server",
        "upper-loop-client",
        "upper-server-reuse",
        "upper-server-loop",
        "upper-server-forever",
        "upper-server-closes-listener",
        "upper-server-spins",
        "http-client",
        "web-server",
        "echo-server-threaded",
        "echo-server-joined",
        "echo-client",
        "one-message-server",
        "one-message-client",
        "partial-write-sender",
        "slow-reader",
        "sticky-sender",
        "sticky-receiver",
        "framed-sender",
        "framed-receiver",
    ] {
        let p = programs::find(name).unwrap_or_else(|| panic!("no program {name}"));
        assert!(p.about.starts_with(&format!("{name} ")), "{}", p.about);
    }
}

#[test]
fn mask_hides_only_pc1_ports() {
    assert_eq!(
        mask("from 192.168.1.2:40000 to 192.168.1.3:8998, 192.168.1.2:x"),
        "from 192.168.1.2:PORT to 192.168.1.3:8998, 192.168.1.2:x"
    );
}

#[test]
fn seed_000_tcp_server_and_client() {
    check(
        &[
            Part {
                host: "pc2",
                name: "tcp-server",
                at_ms: 0,
                body: || run_program("tcp-server", &["--count", "1"]),
            },
            Part {
                host: "pc1",
                name: "tcp-client",
                at_ms: 100,
                body: || run_program("tcp-client", &[]),
            },
        ],
        &[
            "tcp-server: Starting tcp server on 0.0.0.0:8998",
            "tcp-server: Received msg: I love wangxiaojing from 192.168.1.2:PORT",
            "tcp-server: Ending tcp server after 1 connection",
            "tcp-client: Received msg: I love wangxiaojing from 192.168.1.2:PORT",
        ],
    );
}

#[test]
fn seed_001_upper_server_answers_one_client() {
    check(
        &[
            Part {
                host: "pc2",
                name: "upper-server",
                at_ms: 0,
                body: || run_program("upper-server", &[]),
            },
            Part {
                host: "pc1",
                name: "upper-client",
                at_ms: 100,
                body: || run_program("upper-client", &[]),
            },
        ],
        &[
            "upper-server: start",
            "upper-server: client: 192.168.1.2:PORT",
            "upper-server: from client: b'hello'",
            "upper-server: answered; closing",
            "upper-client: from server: b'HELLO'",
        ],
    );
}

#[test]
fn seed_001_homework_the_communication_loop() {
    check(
        &[
            Part {
                host: "pc2",
                name: "upper-loop-server",
                at_ms: 0,
                body: || run_program("upper-loop-server", &[]),
            },
            Part {
                host: "pc1",
                name: "upper-loop-client",
                at_ms: 100,
                body: || run_program("upper-loop-client", &[]),
            },
        ],
        &[
            "upper-loop-server: starting....",
            "upper-loop-server: client: 192.168.1.2:PORT",
            "upper-loop-server: from client: b'hello'",
            "upper-loop-server: from client: b'how are you'",
            "upper-loop-server: the client closed the connection",
            "upper-loop-client: HELLO",
            "upper-loop-client: (empty line skipped)",
            "upper-loop-client: HOW ARE YOU",
            "upper-loop-client: done",
        ],
    );
}

#[test]
fn seed_003_the_server_with_so_reuseaddr() {
    check(
        &[
            Part {
                host: "pc2",
                name: "upper-server-reuse",
                at_ms: 0,
                body: || run_program("upper-server-reuse", &[]),
            },
            Part {
                host: "pc1",
                name: "upper-client",
                at_ms: 100,
                body: || run_program("upper-client", &["pc2:8079", "hello", "world"]),
            },
        ],
        &[
            "upper-server-reuse: SO_REUSEADDR is on: std's TcpListener::bind sets it",
            "upper-server-reuse: starting....",
            "upper-server-reuse: client: 192.168.1.2:PORT",
            "upper-server-reuse: from client: b'hello world'",
            "upper-client: from server: b'HELLO WORLD'",
        ],
    );
}

#[test]
fn seed_003_the_communication_loop() {
    check(
        &[
            Part {
                host: "pc2",
                name: "upper-server-loop",
                at_ms: 0,
                body: || run_program("upper-server-loop", &[]),
            },
            Part {
                host: "pc1",
                name: "upper-loop-client",
                at_ms: 100,
                body: || run_program("upper-loop-client", &["pc2:8070", "one", "  ", "two "]),
            },
        ],
        &[
            "upper-server-loop: starting....",
            "upper-server-loop: client: 192.168.1.2:PORT",
            "upper-server-loop: from client: b'one'",
            "upper-server-loop: from client: b'two'",
            "upper-server-loop: the client closed the connection",
            "upper-loop-client: ONE",
            "upper-loop-client: (empty line skipped)",
            "upper-loop-client: TWO",
            "upper-loop-client: done",
        ],
    );
}

#[test]
fn seed_003_the_connection_loop_serves_one_client_after_another() {
    check(
        &[
            Part {
                host: "pc2",
                name: "upper-server-forever",
                at_ms: 0,
                body: || run_program("upper-server-forever", &[]),
            },
            Part {
                host: "pc1",
                name: "client1",
                at_ms: 100,
                body: || run_program("upper-loop-client", &["pc2:8071", "a", "b"]),
            },
            Part {
                host: "pc1",
                name: "client2",
                at_ms: 300,
                body: || run_program("upper-loop-client", &["pc2:8071", "c"]),
            },
        ],
        &[
            "upper-server-forever: starting....",
            "upper-server-forever: client: 192.168.1.2:PORT",
            "upper-server-forever: from client: b'a'",
            "upper-server-forever: from client: b'b'",
            "upper-server-forever: the client closed the connection",
            "upper-server-forever: client: 192.168.1.2:PORT",
            "upper-server-forever: from client: b'c'",
            "upper-server-forever: the client closed the connection",
            "client1: A",
            "client1: B",
            "client1: done",
            "client2: C",
            "client2: done",
        ],
    );
}

#[test]
fn seed_003_bug_closing_the_listener_refuses_the_second_client() {
    check(
        &[
            Part {
                host: "pc2",
                name: "server",
                at_ms: 0,
                body: || run_program("upper-server-closes-listener", &[]),
            },
            Part {
                host: "pc1",
                name: "client1",
                at_ms: 100,
                body: || run_program("upper-loop-client", &["pc2:8071", "a"]),
            },
            Part {
                host: "pc1",
                name: "client2",
                at_ms: 300,
                body: || run_program("upper-loop-client", &["pc2:8071", "b"]),
            },
        ],
        &[
            "server: starting....",
            "server: client: 192.168.1.2:PORT",
            "server: from client: b'a'",
            "server: the client closed the connection",
            "server: closed the listening socket",
            "server: error: accept: Bad file descriptor (os error 9)",
            "client1: A",
            "client1: done",
            "client2: error: connect pc2:8071: Connection refused (os error 111)",
        ],
    );
}

#[test]
fn seed_003_bug_the_loop_spins_when_the_client_leaves() {
    let spin = "server: recv returned 0 bytes (the client is gone); looping again";
    check(
        &[
            Part {
                host: "pc2",
                name: "server",
                at_ms: 0,
                body: || run_program("upper-server-spins", &[]),
            },
            Part {
                host: "pc1",
                name: "client",
                at_ms: 100,
                body: || run_program("upper-loop-client", &["pc2:8071", "hi"]),
            },
        ],
        &[
            "server: starting....",
            "server: client: 192.168.1.2:PORT",
            "server: from client: b'hi'",
            spin,
            spin,
            spin,
            spin,
            spin,
            "server: stopped after 5 empty reads: the seed's loop never stops, and uses a whole \
             CPU core; check for 0 bytes and leave the loop",
            "client: HI",
            "client: done",
        ],
    );
}

#[test]
fn seed_002_http_by_hand() {
    // Port 8000: binding port 80 on a real system takes privileges.
    check(
        &[
            Part {
                host: "pc2",
                name: "web-server",
                at_ms: 0,
                body: || run_program("web-server", &["--count", "2", "0.0.0.0:8000"]),
            },
            Part {
                host: "pc1",
                name: "client1",
                at_ms: 100,
                body: || run_program("http-client", &["pc2:8000"]),
            },
            Part {
                host: "pc1",
                name: "client2",
                at_ms: 200,
                body: || run_program("http-client", &["pc2:8000", "/missing"]),
            },
        ],
        &[
            "web-server: web server on 0.0.0.0:8000",
            "web-server: request from 192.168.1.2:PORT: GET / HTTP/1.1",
            "web-server: answered 200 OK, 120 bytes of body",
            "web-server: request from 192.168.1.2:PORT: GET /missing HTTP/1.1",
            "web-server: answered 404 Not Found, 49 bytes of body",
            "web-server: web server done after 2 connections",
            "client1: HTTP/1.1 200 OK",
            "client1: Content-Type: text/html; charset=utf-8",
            "client1: Content-Length: 120",
            "client1: Connection: close",
            "client1: body: 120 bytes",
            "client2: HTTP/1.1 404 Not Found",
            "client2: Content-Type: text/html; charset=utf-8",
            "client2: Content-Length: 49",
            "client2: Connection: close",
            "client2: body: 49 bytes",
        ],
    );
}

/// Two echo clients against `server`: one at 100 ms, one at 200 ms, each
/// sending three lines 200 ms apart. Returns every line in the order
/// printed.
fn two_echo_clients(server: &'static str, body: fn()) -> Vec<String> {
    let lines = run(&[
        Part {
            host: "pc2",
            name: server,
            at_ms: 0,
            body,
        },
        Part {
            host: "pc1",
            name: "alice",
            at_ms: 100,
            body: || {
                run_program(
                    "echo-client",
                    &["--pause-ms", "200", "pc2:8888", "a1", "a2", "a3"],
                )
            },
        },
        Part {
            host: "pc1",
            name: "bob",
            at_ms: 200,
            body: || {
                run_program(
                    "echo-client",
                    &["--pause-ms", "200", "pc2:8888", "b1", "b2", "b3"],
                )
            },
        },
    ]);
    in_order(&lines)
}

#[test]
fn seed_002_a_thread_per_client_serves_clients_side_by_side() {
    let lines = two_echo_clients("server", || run_program("echo-server-threaded", &[]));
    assert_eq!(
        lines,
        [
            "server: echo server on 0.0.0.0:8888",
            "server: new connection from 192.168.1.2:PORT",
            "server-1: client 192.168.1.2:PORT>>> a1",
            "alice: echo: a1",
            "server: new connection from 192.168.1.2:PORT",
            "server-2: client 192.168.1.2:PORT>>> b1",
            "bob: echo: b1",
            "server-1: client 192.168.1.2:PORT>>> a2",
            "alice: echo: a2",
            "server-2: client 192.168.1.2:PORT>>> b2",
            "bob: echo: b2",
            "server-1: client 192.168.1.2:PORT>>> a3",
            "alice: echo: a3",
            "alice: done",
            "server-1: 192.168.1.2:PORT closed the connection",
            "server-2: client 192.168.1.2:PORT>>> b3",
            "bob: echo: b3",
            "bob: done",
            "server-2: 192.168.1.2:PORT closed the connection",
        ]
    );
}

#[test]
fn seed_002_bug_joining_each_thread_serves_one_client_at_a_time() {
    let lines = two_echo_clients("server", || run_program("echo-server-joined", &[]));
    // Bob connected at 200 ms, but nobody accepts him until Alice leaves.
    assert_eq!(
        lines,
        [
            "server: echo server on 0.0.0.0:8888",
            "server: new connection from 192.168.1.2:PORT",
            "server-1: client 192.168.1.2:PORT>>> a1",
            "alice: echo: a1",
            "server-1: client 192.168.1.2:PORT>>> a2",
            "alice: echo: a2",
            "server-1: client 192.168.1.2:PORT>>> a3",
            "alice: echo: a3",
            "alice: done",
            "server-1: 192.168.1.2:PORT closed the connection",
            "server: new connection from 192.168.1.2:PORT",
            "server-2: client 192.168.1.2:PORT>>> b1",
            "bob: echo: b1",
            "server-2: client 192.168.1.2:PORT>>> b2",
            "bob: echo: b2",
            "server-2: client 192.168.1.2:PORT>>> b3",
            "bob: echo: b3",
            "bob: done",
            "server-2: 192.168.1.2:PORT closed the connection",
        ]
    );
}

#[test]
fn seed_004_one_message() {
    check(
        &[
            Part {
                host: "pc2",
                name: "one-message-server",
                at_ms: 0,
                body: || run_program("one-message-server", &[]),
            },
            Part {
                host: "pc1",
                name: "one-message-client",
                at_ms: 100,
                body: || run_program("one-message-client", &[]),
            },
        ],
        &[
            "one-message-server: server started on 0.0.0.0:8888",
            "one-message-server: the client 192.168.1.2:PORT sent: Welcome to python world",
            "one-message-client: connected to the server",
            "one-message-client: sent, and closed",
        ],
    );
}

#[test]
fn seed_003_one_write_takes_part_and_write_all_the_rest() {
    check(
        &[
            Part {
                host: "pc2",
                name: "slow-reader",
                at_ms: 0,
                body: || run_program("slow-reader", &[]),
            },
            Part {
                host: "pc1",
                name: "partial-write-sender",
                at_ms: 100,
                body: || run_program("partial-write-sender", &[]),
            },
        ],
        &[
            "slow-reader: reading slowly from 192.168.1.2:PORT",
            "slow-reader: received 8388608 bytes in total, intact",
            "partial-write-sender: one write offered 8388608 bytes",
            "partial-write-sender: a single write took only part of the data: true",
            "partial-write-sender: write_all sent the rest",
        ],
    );
}

#[test]
fn three_writes_arrive_glued_in_one_read() {
    check(
        &[
            Part {
                host: "pc2",
                name: "sticky-receiver",
                at_ms: 0,
                body: || run_program("sticky-receiver", &[]),
            },
            Part {
                host: "pc1",
                name: "sticky-sender",
                at_ms: 100,
                body: || run_program("sticky-sender", &[]),
            },
        ],
        &[
            "sticky-receiver: one read returned 19 bytes: hellohow are youbye",
            "sticky-receiver: where one message ends and the next begins, the bytes do not say",
            "sticky-sender: sent: hello",
            "sticky-sender: sent: how are you",
            "sticky-sender: sent: bye",
        ],
    );
}

#[test]
fn length_prefixes_keep_the_messages_apart() {
    check(
        &[
            Part {
                host: "pc2",
                name: "framed-receiver",
                at_ms: 0,
                body: || run_program("framed-receiver", &[]),
            },
            Part {
                host: "pc1",
                name: "framed-sender",
                at_ms: 100,
                body: || run_program("framed-sender", &[]),
            },
        ],
        &[
            "framed-receiver: message 1: hello",
            "framed-receiver: message 2: how are you",
            "framed-receiver: message 3: bye",
            "framed-receiver: end of stream after 3 messages",
            "framed-sender: sent: hello (4 + 5 bytes)",
            "framed-sender: sent: how are you (4 + 11 bytes)",
            "framed-sender: sent: bye (4 + 3 bytes)",
        ],
    );
}
