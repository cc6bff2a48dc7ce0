//! UDP sockets on simulated hosts: the std::net API over the simulated stack.

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use simnet::link::LinkParams;
use simnet::net::UdpSocket;
use simnet::println;
use simnet::sim::Sim;
use simnet::topo::presets;
use simnet::trace::{TextLines, TextSink};

/// pc1 192.168.1.2 and pc2 192.168.2.2 on two subnets joined by gw.
fn two_subnets(loss: f64) -> (Sim, TextLines) {
    let link = LinkParams::default();
    let net = presets::two_subnets(1, link, LinkParams { loss, ..link }).unwrap();
    let mut sim = net.build();
    let lines = TextLines::default();
    sim.add_sink(Box::new(TextSink::new(lines.clone())));
    (sim, lines)
}

fn output(sim: &Sim) -> Vec<String> {
    sim.processes()
        .iter()
        .flat_map(|p| {
            p.output
                .iter()
                .map(move |(_, l)| format!("{}: {l}", p.name))
        })
        .collect()
}

#[test]
fn lesson_000_udp_server_and_client() {
    let (mut sim, lines) = two_subnets(0.0);
    let (pc1, pc2) = (sim.node_id("pc1").unwrap(), sim.node_id("pc2").unwrap());
    sim.spawn(pc2, "udp-server", Duration::ZERO, || {
        let sock = UdpSocket::bind("0.0.0.0:7852").unwrap();
        let mut buf = [0u8; 500];
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        println!("{:?}", &buf[..n]);
        println!("{} from {}", String::from_utf8_lossy(&buf[..n]), from);
        sock.send_to("Ich hab keine Hunge".as_bytes(), from)
            .unwrap();
    })
    .unwrap();
    sim.spawn(pc1, "udp-client", Duration::from_millis(100), || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        sock.send_to("I love jingjing".as_bytes(), "pc2:7852")
            .unwrap();
        let mut buf = [0u8; 500];
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        println!("{} from {}", String::from_utf8_lossy(&buf[..n]), from);
    })
    .unwrap();
    let summary = sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    assert_eq!(
        output(&sim),
        [
            "udp-server: [73, 32, 108, 111, 118, 101, 32, 106, 105, 110, 103, 106, 105, 110, 103]",
            "udp-server: I love jingjing from 192.168.1.2:49152",
            "udp-client: Ich hab keine Hunge from 192.168.2.2:7852",
        ],
        "{summary}\n{}",
        lines.borrow().join("\n")
    );
    let trace = lines.borrow().join("\n");
    assert!(
        trace.contains("IP 192.168.1.2 > 192.168.2.2 ttl 64 id 1 DF: UDP 49152 > 7852 len 15"),
        "{trace}"
    );
}

#[test]
fn a_read_timeout_fires_when_the_reply_is_lost() {
    let (mut sim, _) = two_subnets(1.0);
    let pc1 = sim.node_id("pc1").unwrap();
    let seen = Arc::new(Mutex::new(None));
    let out = Arc::clone(&seen);
    sim.spawn(pc1, "client", Duration::ZERO, move || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        sock.send_to(b"hello?", "192.168.2.2:7852").unwrap();
        let start = simnet::time::Instant::now();
        let err = sock.recv_from(&mut [0; 64]).unwrap_err();
        *out.lock().unwrap() = Some((err.kind(), start.elapsed()));
    })
    .unwrap();
    sim.run();
    assert_eq!(
        *seen.lock().unwrap(),
        Some((ErrorKind::WouldBlock, Duration::from_secs(2)))
    );
}

#[test]
fn a_connected_socket_sees_port_unreachable_as_connection_refused() {
    let (mut sim, lines) = two_subnets(0.0);
    let pc1 = sim.node_id("pc1").unwrap();
    let seen = Arc::new(Mutex::new(None));
    let out = Arc::clone(&seen);
    sim.spawn(pc1, "client", Duration::ZERO, move || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        sock.connect("192.168.2.2:9").unwrap();
        assert_eq!(
            sock.local_addr().unwrap().to_string(),
            "192.168.1.2:49152",
            "connect fixes the address"
        );
        assert_eq!(sock.peer_addr().unwrap().to_string(), "192.168.2.2:9");
        sock.send(b"anyone?").unwrap();
        *out.lock().unwrap() = Some(sock.recv(&mut [0; 64]).unwrap_err().kind());
    })
    .unwrap();
    sim.run();
    assert_eq!(*seen.lock().unwrap(), Some(ErrorKind::ConnectionRefused));
    let trace = lines.borrow().join("\n");
    assert!(trace.contains("pc2.eth0 drop no-socket"), "{trace}");
    assert!(
        trace.contains("ICMP port unreachable for 192.168.1.2 > 192.168.2.2 UDP port 9"),
        "{trace}"
    );
}

#[test]
fn binding_a_port_twice_and_a_foreign_address_fail_as_on_linux() {
    let (mut sim, _) = two_subnets(0.0);
    let pc1 = sim.node_id("pc1").unwrap();
    let kinds = Arc::new(Mutex::new(Vec::new()));
    let out = Arc::clone(&kinds);
    sim.spawn(pc1, "binder", Duration::ZERO, move || {
        let _a = UdpSocket::bind("0.0.0.0:7852").unwrap();
        let mut k = out.lock().unwrap();
        k.push(UdpSocket::bind("0.0.0.0:7852").unwrap_err().kind());
        k.push(UdpSocket::bind("10.9.9.9:0").unwrap_err().kind());
        let s = UdpSocket::bind("0.0.0.0:0").unwrap();
        s.set_nonblocking(true).unwrap();
        k.push(s.recv(&mut [0; 8]).unwrap_err().kind());
        k.push(
            s.send_to(&[0; 65508], "192.168.2.2:9")
                .unwrap_err()
                .raw_os_error()
                .map_or(ErrorKind::Other, |_| ErrorKind::InvalidData),
        );
        k.push(s.send_to(b"x", "255.255.255.255:9").unwrap_err().kind());
    })
    .unwrap();
    sim.run();
    assert_eq!(
        *kinds.lock().unwrap(),
        [
            ErrorKind::AddrInUse,
            ErrorKind::AddrNotAvailable,
            ErrorKind::WouldBlock,
            ErrorKind::InvalidData, // EMSGSIZE has no kind of its own: checked by errno
            ErrorKind::PermissionDenied,
        ]
    );
}

#[test]
fn a_server_and_client_on_one_host_talk_over_127_0_0_1() {
    let (mut sim, lines) = two_subnets(0.0);
    let pc1 = sim.node_id("pc1").unwrap();
    sim.spawn(pc1, "server", Duration::ZERO, || {
        let sock = UdpSocket::bind("127.0.0.1:7852").unwrap();
        let mut buf = [0u8; 64];
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        println!("{} from {from}", String::from_utf8_lossy(&buf[..n]));
        sock.send_to(b"hi yourself", from).unwrap();
    })
    .unwrap();
    sim.spawn(pc1, "client", Duration::from_millis(1), || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        sock.connect("127.0.0.1:7852").unwrap();
        println!("local {}", sock.local_addr().unwrap());
        sock.send(b"hello").unwrap();
        let mut buf = [0u8; 64];
        let n = sock.recv(&mut buf).unwrap();
        println!("{}", String::from_utf8_lossy(&buf[..n]));
        // Nobody on port 9: refused, through an ICMP error that stays in pc1.
        sock.connect("127.0.0.1:9").unwrap();
        sock.send(b"anyone?").unwrap();
        println!("{:?}", sock.recv(&mut buf).unwrap_err().kind());
    })
    .unwrap();
    let summary = sim.run();
    let trace = lines.borrow().join("\n");
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    assert_eq!(
        output(&sim),
        [
            "server: hello from 127.0.0.1:49152",
            "client: local 127.0.0.1:49152",
            "client: hi yourself",
            "client: ConnectionRefused",
        ],
        "{trace}"
    );
    assert_eq!(summary.frames, 0, "nothing on a link:\n{trace}");
    assert!(
        trace.contains(
            "0.001000 pc1.lo > IP 127.0.0.1 > 127.0.0.1 ttl 64 id 1 DF: UDP 49152 > 7852 len 5, length 33"
        ),
        "{trace}"
    );
    assert!(
        trace.contains("pc1.lo > IP 127.0.0.1 > 127.0.0.1 ttl 64 id 4: ICMP port unreachable for 127.0.0.1 > 127.0.0.1 UDP port 9"),
        "{trace}"
    );
}
