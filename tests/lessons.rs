//! Every lesson on both backends: the same programs on the simulation and
//! on real loopback sockets print the same lines, program by program, once
//! ephemeral ports are normalised (DESIGN.md, principle 5).

use simnet::lesson::{self, per_program, run_lesson, Backend, LessonOptions, LessonRun};

fn run(name: &str, backend: Backend) -> LessonRun {
    let lesson = lesson::find(name).expect("a lesson of the registry");
    let scenario = lesson.scenario().expect("the lesson's scenario loads");
    let options = LessonOptions {
        backend,
        ..LessonOptions::default()
    };
    run_lesson(&scenario, options).expect("the lesson runs")
}

/// Runs lesson `name` on both backends and checks that each program
/// printed the same lines; returns the simulation's transcript.
fn same_on_both(name: &str) -> Vec<String> {
    let sim = run(name, Backend::Sim);
    let real = run(name, Backend::Loopback);
    assert!(!sim.lines.is_empty(), "{name} printed nothing");
    assert_eq!(
        per_program(&sim.lines),
        per_program(&real.lines),
        "{name}: the simulation and loopback differ"
    );
    sim.lines.iter().map(ToString::to_string).collect()
}

#[test]
fn every_lesson_is_listed_with_a_loadable_scenario() {
    assert!(lesson::all().len() >= 7);
    for l in lesson::all() {
        let scenario = l.scenario().unwrap_or_else(|e| panic!("{}: {e}", l.name));
        assert!(!scenario.runs.is_empty(), "{} runs nothing", l.name);
    }
}

#[test]
fn lessons_are_listed_in_seed_order_with_unique_names() {
    let seeds: Vec<&str> = lesson::all().iter().map(|l| l.seed_lesson).collect();
    let mut sorted = seeds.clone();
    sorted.sort();
    assert_eq!(seeds, sorted, "lessons out of seed order");
    for (i, l) in lesson::all().iter().enumerate() {
        let twin = lesson::all()[i + 1..].iter().find(|m| m.name == l.name);
        assert!(twin.is_none(), "{} is listed twice", l.name);
        assert!(l.file.starts_with("scenarios/"), "{}: {}", l.name, l.file);
    }
}

#[test]
fn udp_first_steps() {
    assert_eq!(
        same_on_both("udp-first-steps"),
        [
            "pc1 udp-client: sent 15 bytes to pc2:7852",
            "pc2 udp-server: received 15 bytes from 192.168.1.2:49152: b'I love jingjing'",
            "pc2 udp-server: text: I love jingjing",
            "pc2 udp-server: replied to 192.168.1.2:49152",
            "pc1 udp-client: reply from 192.168.1.3:7852: Ich hab keine Hunge",
        ]
    );
}

#[test]
fn udp_server_forever() {
    let lines = same_on_both("udp-server-forever");
    let replies = lines.iter().filter(|l| l.contains("replied to")).count();
    assert_eq!(replies, 2, "{lines:#?}");
}

#[test]
fn udp_fragmentation() {
    assert_eq!(
        same_on_both("udp-fragmentation"),
        [
            "pc1 udp-big-sender: sent 4000 bytes to pc2:9000",
            "pc2 udp-size-server: received 4000 bytes from 192.168.1.2:49152: intact",
            "pc1 udp-big-sender: reply from 192.168.2.2:9000: got 4000 bytes",
        ]
    );
}

#[test]
fn udp_broadcast_feiq() {
    let lines = same_on_both("udp-broadcast-feiq");
    for host in ["pc3", "pc4"] {
        let got = lines
            .iter()
            .filter(|l| l.starts_with(&format!("{host} feiq-receiver: from 192.168.1.2:")))
            .count();
        assert_eq!(got, 2, "{host}: {lines:#?}");
    }
}

#[test]
fn udp_echo() {
    let lines = same_on_both("udp-echo");
    assert!(lines.contains(&"pc1 udp-echo-client: echo: how are you".to_string()));
    assert_eq!(
        lines.last().map(String::as_str),
        Some("pc1 udp-echo-client: done")
    );
}

#[test]
fn udp_reply() {
    assert_eq!(
        same_on_both("udp-reply"),
        [
            "pc1 udp-sender: sent: Welcome to python world",
            "pc2 udp-receiver: from 192.168.1.2:49152: Welcome to python world",
            "pc2 udp-receiver: replied: Thanks, got it",
            "pc1 udp-sender: reply: Thanks, got it",
        ]
    );
}

#[test]
fn tcp_handshake() {
    let lines = same_on_both("tcp-handshake");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("pc2 upper-loop-server: the client closed the connection")
    );
    assert!(lines.contains(&"pc1 upper-loop-client: HELLO".to_string()));
}

#[test]
fn tcp_refused() {
    assert_eq!(
        same_on_both("tcp-refused"),
        ["pc1 tcp-client: error: connect pc2:8998: Connection refused (os error 111)"]
    );
}

#[test]
fn threaded_server() {
    let lines = same_on_both("threaded-server");
    // With the join bug, bob's first echo comes after alice is done.
    let at = |text: &str| lines.iter().position(|l| l.contains(text));
    let alice_gone = at("echo-server-joined-1: 192.168.1.2:49153 closed").expect("alice left");
    let bob_first = at("echo-server-joined-2: client 192.168.1.4:49153>>> b1").expect("bob served");
    assert!(alice_gone < bob_first, "{lines:#?}");
}

#[test]
fn tcp_sticky() {
    let lines = same_on_both("tcp-sticky");
    for message in [
        "message 1: hello",
        "message 2: how are you",
        "message 3: bye",
    ] {
        let line = format!("pc2 framed-receiver: {message}");
        assert!(lines.contains(&line), "{lines:#?}");
    }
}

#[test]
fn http_by_hand() {
    let lines = same_on_both("http-by-hand");
    assert!(lines.contains(&"pc1 http-client: HTTP/1.1 200 OK".to_string()));
    assert!(lines.contains(&"pc1 http-client: body: 120 bytes".to_string()));
}

#[test]
fn tcp_first_steps() {
    assert_eq!(
        same_on_both("tcp-first-steps"),
        [
            "pc2 tcp-server: Starting tcp server on 0.0.0.0:8998",
            "pc2 tcp-server: Received msg: I love wangxiaojing from 192.168.1.2:49152",
            "pc1 tcp-client: Received msg: I love wangxiaojing from 192.168.1.2:49152",
            "pc2 tcp-server: Received msg: hello from pc3 from 192.168.1.4:49152",
            "pc3 tcp-client: Received msg: hello from pc3 from 192.168.1.4:49152",
        ]
    );
}

#[test]
fn upper_loop() {
    assert_eq!(
        same_on_both("upper-loop"),
        [
            "pc2 upper-loop-server: starting....",
            "pc2 upper-loop-server: client: 192.168.1.2:49152",
            "pc2 upper-loop-server: from client: b'hello'",
            "pc1 upper-loop-client: HELLO",
            "pc2 upper-loop-server: from client: b'how are you'",
            "pc1 upper-loop-client: HOW ARE YOU",
            "pc2 upper-loop-server: from client: b'bye'",
            "pc1 upper-loop-client: BYE",
            "pc1 upper-loop-client: done",
            "pc2 upper-loop-server: the client closed the connection",
        ]
    );
}

#[test]
fn send_vs_sendall() {
    assert_eq!(
        same_on_both("send-vs-sendall"),
        [
            "pc1 partial-write-sender: one write offered 8388608 bytes",
            "pc1 partial-write-sender: a single write took only part of the data: true",
            "pc2 slow-reader: reading slowly from 192.168.1.2:49152",
            "pc1 partial-write-sender: write_all sent the rest",
            "pc2 slow-reader: received 8388608 bytes in total, intact",
        ]
    );
}

#[test]
fn upper_server_loops() {
    let lines = same_on_both("upper-server-loops");
    let count = |text: &str| lines.iter().filter(|l| l.contains(text)).count();
    // SO_REUSEADDR: the restarted server binds 8079 again and answers.
    assert_eq!(count("upper-server-reuse: starting...."), 2, "{lines:#?}");
    assert_eq!(count("pc1 upper-client: from server: b'HELLO AGAIN'"), 1);
    // The communication loop skips the empty line.
    assert_eq!(count("pc1 upper-loop-client: (empty line skipped)"), 1);
    assert_eq!(
        count("upper-server-loop: the client closed the connection"),
        1
    );
    // The connection loop serves pc1, then pc3, and never ends.
    let at = |text: &str| lines.iter().position(|l| l.contains(text));
    let pc1_gone = at("upper-server-forever: the client closed").expect("pc1 left");
    let pc3_served = at("upper-server-forever: from client: b'hi, I am pc3'").expect("pc3");
    assert!(pc1_gone < pc3_served, "{lines:#?}");
    assert_eq!(
        count("upper-server-forever: the client closed the connection"),
        2
    );
    assert_eq!(count("error:"), 0, "{lines:#?}");
}

#[test]
fn upper_server_closes_listener() {
    let lines = same_on_both("upper-server-closes-listener");
    assert_eq!(
        lines[lines.len() - 3..],
        [
            "pc2 upper-server-closes-listener: closed the listening socket",
            "pc2 upper-server-closes-listener: error: accept: Bad file descriptor (os error 9)",
            "pc3 upper-loop-client: error: connect pc2:8071: Connection refused (os error 111)",
        ]
    );
    assert!(lines.contains(&"pc1 upper-loop-client: BYE".to_string()));
}

#[test]
fn upper_server_spins() {
    let lines = same_on_both("upper-server-spins");
    let empty = "pc2 upper-server-spins: recv returned 0 bytes (the client is gone); looping again";
    assert_eq!(
        lines.iter().filter(|l| *l == empty).count(),
        5,
        "{lines:#?}"
    );
    let last = lines.last().expect("lines");
    assert!(
        last.starts_with("pc2 upper-server-spins: stopped after 5 empty reads"),
        "{lines:#?}"
    );
}

#[test]
fn one_message() {
    assert_eq!(
        same_on_both("one-message"),
        [
            "pc2 one-message-server: server started on 0.0.0.0:8888",
            "pc1 one-message-client: connected to the server",
            "pc1 one-message-client: sent, and closed",
            "pc2 one-message-server: the client 192.168.1.2:49152 sent: Welcome to python world",
        ]
    );
}

#[test]
fn a_lesson_run_on_the_simulation_is_deterministic() {
    let a = run("udp-echo", Backend::Sim);
    let b = run("udp-echo", Backend::Sim);
    assert_eq!(a, b);
}

/// Timers made moot (the ARP retry after the reply, the read timeout after
/// the data, the reassembly timeout once whole) do not keep a run going.
#[test]
fn a_run_ends_when_its_last_thing_happens() {
    for (file, end) in [
        ("udp_first_steps.toml", "0.108053"),
        ("udp_fragmentation.toml", "0.116784"),
        ("udp_echo.toml", "0.124161"),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        let scenario = simnet::scenario::load_file(&path).expect("loads");
        let outcome = simnet::scenario::run(&scenario, Default::default()).expect("runs");
        assert_eq!(outcome.summary.end.to_string(), end, "{file}");
    }
}

#[test]
fn io_models() {
    let lines = same_on_both("io-models");
    for server in ["poll", "threaded", "spin"] {
        for who in ["a", "b", "c"] {
            for i in 1..=3 {
                let wanted = format!(">>> {who}{i}");
                let served = lines
                    .iter()
                    .any(|l| l.contains(&format!("echo-server-{server}")) && l.ends_with(&wanted));
                assert!(served, "{server} never got {who}{i}: {lines:#?}");
            }
        }
    }
    assert!(lines.contains(&"pc2 echo-server-poll: served 3 client(s), stopping".to_string()));
    assert!(lines.contains(&"pc2 echo-server-spin: served 3 client(s), stopping".to_string()));
}
