//! The UDP lesson programs (seeds 000, 002, 004) run by name on simulated
//! hosts, with exactly what each one prints.

use std::time::Duration;

use simnet::link::switch::DEFAULT_AGING;
use simnet::link::LinkParams;
use simnet::programs;
use simnet::sim::Sim;
use simnet::topo::{presets, TopologyBuilder};

/// pc1 192.168.1.2 and pc2 192.168.2.2 on two subnets joined by gw.
fn two_subnets() -> Sim {
    let link = LinkParams::default();
    presets::two_subnets(1, link, link).unwrap().build()
}

/// pc1 192.168.1.2, pc3 192.168.1.3 and pc4 192.168.1.4 on one switch.
fn one_subnet() -> Sim {
    let mut net = TopologyBuilder::new(1);
    let sw1 = net.add_switch("sw1", DEFAULT_AGING).unwrap();
    for (i, (name, ip)) in [
        ("pc1", "192.168.1.2/24"),
        ("pc3", "192.168.1.3/24"),
        ("pc4", "192.168.1.4/24"),
    ]
    .into_iter()
    .enumerate()
    {
        let pc = net.add_host(name).unwrap();
        net.add_iface(pc, "eth0", ip.parse().unwrap(), None, 1500)
            .unwrap();
        net.link(
            (pc, "eth0"),
            (sw1, format!("eth{i}").as_str()),
            LinkParams::default(),
        )
        .unwrap();
    }
    net.build()
}

/// Starts program `program` as process `name` on `host` at `at_ms`.
fn start(sim: &mut Sim, host: &str, name: &str, program: &str, at_ms: u64, args: &[&str]) {
    let node = sim.node_id(host).unwrap();
    let program = programs::find(program).unwrap();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    sim.spawn(node, name, Duration::from_millis(at_ms), move || {
        (program.main)(&args)
    })
    .unwrap();
}

/// The processes left blocked for good, without the time they blocked.
fn blocked(sim: &Sim) -> Vec<String> {
    let cut = |l: String| l.split(" since ").next().unwrap_or_default().to_string();
    sim.deadlocked().into_iter().map(cut).collect::<Vec<_>>()
}

/// Every process's printed lines, as `name: line`, process by process.
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
fn every_program_is_registered_with_its_usage_line() {
    for name in [
        "udp-server",
        "udp-client",
        "udp-server-forever",
        "feiq-sender",
        "feiq-receiver",
        "udp-echo-server",
        "udp-echo-client",
        "udp-receiver",
        "udp-sender",
    ] {
        let p = programs::find(name).unwrap();
        assert!(p.about.starts_with(&format!("{name} ")), "{}", p.about);
    }
}

#[test]
fn seed_000_udp_server_and_client() {
    let mut sim = two_subnets();
    start(&mut sim, "pc2", "udp-server", "udp-server", 0, &[]);
    start(&mut sim, "pc1", "udp-client", "udp-client", 100, &[]);
    sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    assert_eq!(
        output(&sim),
        [
            "udp-server: received 15 bytes from 192.168.1.2:49152: b'I love jingjing'",
            "udp-server: text: I love jingjing",
            "udp-server: replied to 192.168.1.2:49152",
            "udp-client: sent 15 bytes to pc2:7852",
            "udp-client: reply from 192.168.2.2:7852: Ich hab keine Hunge",
        ]
    );
}

#[test]
fn seed_000_the_server_shows_bytes_that_are_not_ascii() {
    let mut sim = two_subnets();
    start(&mut sim, "pc2", "udp-server", "udp-server", 0, &[]);
    start(
        &mut sim,
        "pc1",
        "udp-client",
        "udp-client",
        100,
        &["192.168.2.2:7852", "我爱晶晶"],
    );
    sim.run();
    assert_eq!(
        output(&sim)[..2],
        [
            r"udp-server: received 12 bytes from 192.168.1.2:49152: b'\xe6\x88\x91\xe7\x88\xb1\xe6\x99\xb6\xe6\x99\xb6'",
            "udp-server: text: 我爱晶晶",
        ]
    );
}

#[test]
fn seed_000_the_permanent_server_retries_its_bind_and_serves_every_client() {
    let mut sim = two_subnets();
    // The one-shot server holds port 7852 until it has answered once.
    start(&mut sim, "pc2", "udp-server", "udp-server", 0, &[]);
    start(
        &mut sim,
        "pc2",
        "udp-server-forever",
        "udp-server-forever",
        10,
        &[],
    );
    start(&mut sim, "pc1", "udp-client", "udp-client", 100, &[]);
    start(
        &mut sim,
        "pc1",
        "udp-client-2",
        "udp-client",
        1500,
        &["pc2:7852", "one"],
    );
    start(
        &mut sim,
        "pc1",
        "udp-client-3",
        "udp-client",
        1600,
        &["pc2:7852", "two"],
    );
    sim.run();
    assert_eq!(
        blocked(&sim),
        ["pc2 udp-server-forever: blocked in recv_from on 0.0.0.0:7852"]
    );
    assert_eq!(
        output(&sim),
        [
            "udp-server: received 15 bytes from 192.168.1.2:49152: b'I love jingjing'",
            "udp-server: text: I love jingjing",
            "udp-server: replied to 192.168.1.2:49152",
            "udp-server-forever: error: bind 0.0.0.0:7852: Address already in use (os error 98)",
            "udp-server-forever: received 3 bytes from 192.168.1.2:49153: b'one'",
            "udp-server-forever: text: one",
            "udp-server-forever: replied to 192.168.1.2:49153",
            "udp-server-forever: received 3 bytes from 192.168.1.2:49154: b'two'",
            "udp-server-forever: text: two",
            "udp-server-forever: replied to 192.168.1.2:49154",
            "udp-client: sent 15 bytes to pc2:7852",
            "udp-client: reply from 192.168.2.2:7852: Ich hab keine Hunge",
            "udp-client-2: sent 3 bytes to pc2:7852",
            "udp-client-2: reply from 192.168.2.2:7852: Ich hab keine Hunge",
            "udp-client-3: sent 3 bytes to pc2:7852",
            "udp-client-3: reply from 192.168.2.2:7852: Ich hab keine Hunge",
        ]
    );
}

#[test]
fn seed_002_feiq_to_every_address_of_the_subnet() {
    let mut sim = one_subnet();
    start(&mut sim, "pc3", "feiq-receiver", "feiq-receiver", 0, &[]);
    start(&mut sim, "pc4", "feiq-receiver-2", "feiq-receiver", 0, &[]);
    start(&mut sim, "pc1", "feiq-sender", "feiq-sender", 100, &[]);
    sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    let fields =
        "version=99 packet=12345 user=lajos host=windows command=32 text=您好，欢迎进入飞秋";
    assert_eq!(
        output(&sim),
        [
            format!("feiq-receiver: from 192.168.1.2:49152: {fields}"),
            format!("feiq-receiver-2: from 192.168.1.2:49152: {fields}"),
            "feiq-sender: sent 44 bytes to 192.168.1.1-254:2425".to_string(),
        ]
    );
}

#[test]
fn seed_002_feiq_broadcast_reaches_the_subnet_in_one_datagram() {
    let mut sim = one_subnet();
    start(&mut sim, "pc3", "feiq-receiver", "feiq-receiver", 0, &[]);
    start(&mut sim, "pc4", "feiq-receiver-2", "feiq-receiver", 0, &[]);
    start(
        &mut sim,
        "pc1",
        "feiq-sender",
        "feiq-sender",
        100,
        &["--broadcast", "192.168.1", "你好"],
    );
    sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    let fields = "version=99 packet=12345 user=lajos host=windows command=32 text=你好";
    assert_eq!(
        output(&sim),
        [
            format!("feiq-receiver: from 192.168.1.2:49152: {fields}"),
            format!("feiq-receiver-2: from 192.168.1.2:49152: {fields}"),
            "feiq-sender: sent 30 bytes to 255.255.255.255:2425".to_string(),
        ]
    );
}

#[test]
fn seed_002_feiq_receiver_rejects_what_is_not_ipmsg() {
    let mut sim = one_subnet();
    start(&mut sim, "pc3", "feiq-receiver", "feiq-receiver", 0, &[]);
    start(
        &mut sim,
        "pc1",
        "udp-sender",
        "udp-sender",
        100,
        &["pc3:2425", "hi:\tthere"],
    );
    sim.run();
    assert_eq!(
        output(&sim),
        [
            r"feiq-receiver: from 192.168.1.2:49152: not an IPMsg packet: b'hi:\tthere'",
            "udp-sender: sent: hi:\tthere",
        ]
    );
}

#[test]
fn seed_002_udp_echo_server_and_client() {
    let mut sim = two_subnets();
    start(
        &mut sim,
        "pc2",
        "udp-echo-server",
        "udp-echo-server",
        0,
        &[],
    );
    start(
        &mut sim,
        "pc1",
        "udp-echo-client",
        "udp-echo-client",
        100,
        &[],
    );
    start(
        &mut sim,
        "pc1",
        "udp-echo-client-2",
        "udp-echo-client",
        200,
        &["--timeout", "0.5", "192.168.2.2:8888", "", "你好"],
    );
    sim.run();
    assert_eq!(
        blocked(&sim),
        ["pc2 udp-echo-server: blocked in recv_from on 0.0.0.0:8888"]
    );
    assert_eq!(
        output(&sim),
        [
            "udp-echo-server: echo 5 bytes to 192.168.1.2:49152: hello",
            "udp-echo-server: echo 11 bytes to 192.168.1.2:49152: how are you",
            "udp-echo-server: echo 6 bytes to 192.168.1.2:49153: 你好",
            "udp-echo-client: sent: hello",
            "udp-echo-client: echo: hello",
            "udp-echo-client: sent: how are you",
            "udp-echo-client: echo: how are you",
            "udp-echo-client: done",
            "udp-echo-client-2: (empty line skipped)",
            "udp-echo-client-2: sent: 你好",
            "udp-echo-client-2: echo: 你好",
            "udp-echo-client-2: done",
        ]
    );
}

#[test]
fn seed_002_the_echo_client_gives_up_on_a_reply_that_never_comes() {
    let mut sim = two_subnets();
    start(
        &mut sim,
        "pc1",
        "udp-echo-client",
        "udp-echo-client",
        100,
        &["--timeout", "1"],
    );
    sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    let timeout = "no reply within 1s: Resource temporarily unavailable (os error 11)";
    assert_eq!(
        output(&sim),
        [
            "udp-echo-client: sent: hello".to_string(),
            format!("udp-echo-client: {timeout}"),
            "udp-echo-client: sent: how are you".to_string(),
            format!("udp-echo-client: {timeout}"),
            "udp-echo-client: done".to_string(),
        ]
    );
}

#[test]
fn seed_004_udp_sender_and_receiver() {
    let mut sim = two_subnets();
    start(&mut sim, "pc2", "udp-receiver", "udp-receiver", 0, &[]);
    start(&mut sim, "pc1", "udp-sender", "udp-sender", 100, &[]);
    sim.run();
    assert!(sim.deadlocked().is_empty(), "{:?}", sim.deadlocked());
    assert_eq!(
        output(&sim),
        [
            "udp-receiver: from 192.168.1.2:49152: Welcome to python world",
            "udp-receiver: replied: Thanks, got it",
            "udp-sender: sent: Welcome to python world",
            "udp-sender: reply: Thanks, got it",
        ]
    );
}

#[test]
fn errors_are_printed_not_panicked() {
    let mut sim = two_subnets();
    start(
        &mut sim,
        "pc1",
        "udp-server",
        "udp-server",
        0,
        &["10.9.9.9:7852"],
    );
    start(
        &mut sim,
        "pc1",
        "udp-client",
        "udp-client",
        0,
        &["nowhere:7852"],
    );
    start(
        &mut sim,
        "pc1",
        "udp-echo-client",
        "udp-echo-client",
        0,
        &["--timeout", "0"],
    );
    start(
        &mut sim,
        "pc1",
        "feiq-sender",
        "feiq-sender",
        0,
        &["--broadcast", "x", "hi"],
    );
    sim.run();
    assert_eq!(
        output(&sim),
        [
            "udp-server: error: bind 10.9.9.9:7852: Cannot assign requested address (os error 99)",
            "udp-client: error: send_to nowhere:7852: failed to lookup address information: \
             no simulated host named `nowhere`",
            "udp-echo-client: error: --timeout: expected a positive number of seconds, got `0`",
            "feiq-sender: sent 28 bytes to 255.255.255.255:2425",
        ]
    );
}
