//! DNS end to end: the stub resolver against a server on both backends
//! (the same answers, the same errors as glibc's), the `dns_lookup`
//! scenario's capture as Wireshark decodes it, the scenario keys' errors,
//! and the lesson's refusal to run on loopback.

mod common {
    #[allow(dead_code)]
    pub mod both_backends;
    #[allow(dead_code)]
    pub mod tshark;
}

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use common::both_backends::{on_loopback, on_sim, server_and_client};
use common::tshark;
use simnet::dns::{Resolver, Zone};
use simnet::lesson::{self, Backend, LessonOptions};
use simnet::net::{TcpListener, ToSocketAddrs, UdpSocket};
use simnet::println;
use simnet::scenario::{self, load_str, RunOptions};
use simnet::thread;
use simnet::wire::dns::{self as wire_dns, DnsMessage};

/// The port the test server got from the OS (port 0), for the client.
static SERVER_PORT: AtomicU16 = AtomicU16::new(0);

fn zone() -> Zone {
    let mut entries = vec!["www.example.test=10.0.2.80".to_string()];
    let big: Vec<String> = (1..=30).map(|i| format!("10.0.3.{i}")).collect();
    entries.push(format!("big.example.test={}", big.join(",")));
    Zone::from_entries(&entries).expect("a valid zone")
}

/// Answers over UDP, and over TCP on the same port, from [`zone`]; the
/// answers are cut to 512 bytes over UDP as `dns-server` cuts them.
fn server() {
    let udp = UdpSocket::bind("pc2:0").expect("bind udp");
    let port = udp.local_addr().expect("local addr").port();
    let tcp = TcpListener::bind(("pc2", port)).expect("bind tcp on the same port");
    SERVER_PORT.store(port, Ordering::SeqCst);
    thread::spawn(move || {
        let (mut stream, _) = tcp.accept().expect("accept");
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).expect("length");
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut query).expect("query");
        let query = DnsMessage::parse(&query).expect("a query");
        let bytes = zone().answer(&query).expect("an answer").emit();
        let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(&bytes);
        stream.write_all(&framed).expect("write");
    });
    let mut buf = [0u8; 512];
    for _ in 0..4 {
        let (n, from) = udp.recv_from(&mut buf).expect("recv");
        let query = DnsMessage::parse(&buf[..n]).expect("a query");
        let answer = zone().answer(&query).expect("an answer");
        udp.send_to(&answer.emit_within(wire_dns::UDP_LIMIT), from)
            .expect("send");
    }
}

fn client() {
    let server = match ("pc2", SERVER_PORT.load(Ordering::SeqCst))
        .to_socket_addrs()
        .expect("pc2 resolves")
        .next()
        .expect("pc2 has an address")
    {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => panic!("IPv4 only"),
    };
    let resolver = Resolver::at(server).timeout(Duration::from_millis(500));
    for name in ["www.example.test", "nope.example.test", "example.test"] {
        match resolver.lookup(name) {
            Ok(addrs) => println!("{name}: {addrs:?}"),
            Err(e) => println!("{name}: {e}"),
        }
    }
    // 514 bytes of answer: truncated over UDP, whole over TCP.
    match resolver.lookup("big.example.test") {
        Ok(addrs) => println!(
            "big.example.test: {} addresses, last {}",
            addrs.len(),
            addrs[29]
        ),
        Err(e) => println!("big.example.test: {e}"),
    }
    // Nobody listens on this port any more: refused, so "try again".
    let gone = Resolver::at(SocketAddrV4::new(*server.ip(), 9)).timeout(Duration::from_millis(500));
    match gone.lookup("www.example.test") {
        Ok(addrs) => println!("port 9: {addrs:?}"),
        Err(e) => println!("port 9: {e}"),
    }
}

#[test]
fn the_resolver_gets_the_same_answers_and_errors_on_both_backends() {
    let parts = server_and_client(server, client);
    let expected = [
        "www.example.test: [10.0.2.80]",
        "nope.example.test: failed to lookup address information: Name or service not known",
        "example.test: failed to lookup address information: No address associated with hostname",
        "big.example.test: 30 addresses, last 10.0.3.30",
        "port 9: failed to lookup address information: Temporary failure in name resolution",
    ];
    let sim = on_sim(&parts);
    assert_eq!(sim, expected, "on the simulation");
    let real = on_loopback(&parts);
    assert_eq!(real, expected, "on loopback");
}

fn dns_lookup() -> scenario::Scenario {
    scenario::load_file(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/dns_lookup.toml"),
    )
    .expect("dns_lookup.toml loads")
}

#[test]
fn a_host_with_a_resolver_looks_names_up_through_it_and_others_use_the_table() {
    let outcome = scenario::run(&dns_lookup(), RunOptions::default()).expect("runs");
    assert!(outcome.passed(), "{}", outcome.failures.join("\n"));
    // The run is the same every time, byte for byte.
    let again = scenario::run(&dns_lookup(), RunOptions::default()).expect("runs");
    assert_eq!(outcome.lines, again.lines);
    // Without `dns`, host names come from the scenario, with no DNS at all.
    let text = r#"
        [[host]]
        name = "pc1"
        ip = "10.0.0.1/24"
        [[host]]
        name = "pc2"
        ip = "10.0.0.2/24"
        [[link]]
        a = "pc1"
        b = "pc2"
        [[run]]
        host = "pc1"
        program = "dns-lookup"
        args = ["pc2", "localhost", "www.example.test"]
    "#;
    let s = load_str(text, "table.toml").expect("loads");
    let out = scenario::run(&s, RunOptions::default()).expect("runs");
    let lines: Vec<&String> = out
        .lines
        .iter()
        .filter(|l| l.contains("dns-lookup:"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].ends_with("pc2 has address 10.0.0.2"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with("localhost has address 127.0.0.1"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("www.example.test: failed to lookup address information"),
        "{}",
        lines[2]
    );
    assert!(
        !out.lines.iter().any(|l| l.contains("UDP")),
        "no query leaves pc1"
    );
}

#[test]
fn zone_and_dns_keys_say_what_is_wrong_and_where() {
    let base = r#"
[[host]]
name = "ns"
ip = "10.0.0.53/24"
"#;
    let cases = [
        (
            "dns = \"10.0.0.300\"\n",
            "`10.0.0.300` is not an IPv4 address; `dns` is the address of the DNS server",
        ),
        (
            "[zone]\n\"a..b\" = \"10.0.0.1\"\n[[run]]\nhost = \"ns\"\nprogram = \"dns-server\"\n",
            "`a..b` in [zone] is not a DNS name: a label is empty",
        ),
        (
            "[zone]\n\"www.example.test\" = [\"10.0.0.1\", \"ten\"]\n[[run]]\nhost = \"ns\"\nprogram = \"dns-server\"\n",
            "`ten` (for `www.example.test` in [zone]) is not an IPv4 address",
        ),
        (
            "[zone]\n\"www.example.test\" = \"10.0.0.1\"\n",
            "[zone] is served by a `dns-server` run, and there is none",
        ),
    ];
    for (extra, want) in cases {
        let text = format!("{base}{extra}");
        let err = load_str(&text, "bad.toml").expect_err(extra).to_string();
        assert!(err.contains(want), "{extra}:\n{err}");
        assert!(
            err.contains("bad.toml:"),
            "the error names the file and line:\n{err}"
        );
    }
}

#[test]
fn the_zone_reaches_the_server_as_its_arguments() {
    let s = dns_lookup();
    let ns = s
        .runs
        .iter()
        .find(|r| r.host == "ns")
        .expect("ns runs a server");
    assert_eq!(ns.program, "dns-server");
    assert!(
        ns.args.iter().any(|a| a == "www.example.test=10.0.2.80"),
        "{:?}",
        ns.args
    );
    let zone = Zone::from_entries(&ns.args).expect("the arguments are a zone");
    assert_eq!(
        zone.lookup("big.example.test").map(<[Ipv4Addr]>::len),
        Some(30)
    );
}

#[test]
fn the_dns_lesson_refuses_loopback_and_says_why() {
    let l = lesson::find("dns").expect("a dns lesson");
    let s = l.scenario().expect("loads");
    let err = lesson::run_lesson(
        &s,
        LessonOptions {
            backend: Backend::Loopback,
            ..LessonOptions::default()
        },
    )
    .expect_err("DNS needs the simulation");
    assert!(err.contains("runs on the simulation only"), "{err}");
    assert!(err.contains("dns = \"10.0.2.53\""), "{err}");
}

/// Wireshark reads pc1's capture as DNS: the query, the answer with its
/// address, NXDOMAIN, the truncated answer, and the same question over TCP.
#[test]
fn tshark_decodes_the_dns_in_the_capture() {
    if !tshark::tshark_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("simnet-dns-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = scenario::run(
        &dns_lookup(),
        RunOptions {
            pcap_dir: Some(dir.clone()),
            ..RunOptions::default()
        },
    )
    .expect("runs");
    assert!(outcome.passed(), "{}", outcome.failures.join("\n"));
    let pcap = dir.join("pc1.eth0.pcap");
    let count = |filter: &str| tshark::count(&pcap, filter);
    assert_eq!(
        count("_ws.malformed || _ws.expert.severity >= \"Error\""),
        0
    );
    assert_eq!(
        count("dns.flags.response == 0 && dns.qry.name == \"www.example.test\""),
        1
    );
    assert_eq!(
        count("dns.a == 10.0.2.80 && dns.flags.authoritative == 1"),
        1
    );
    assert_eq!(
        count("dns.flags.rcode == 3 && dns.qry.name == \"nope.example.test\""),
        1
    );
    assert_eq!(count("dns.flags.truncated == 1 && udp"), 1);
    assert_eq!(count("dns.count.answers == 30 && tcp"), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
