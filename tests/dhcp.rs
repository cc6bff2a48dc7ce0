//! DHCP end to end: four hosts boot with no address and three get one
//! (RFC 2131's four messages, from 0.0.0.0 to 255.255.255.255); the fourth
//! finds the pool exhausted and has no route; leases are renewed at T1 by
//! unicast. Wireshark decodes every message as DHCP; the scenario keys'
//! errors say what is wrong; the lesson refuses loopback.

mod common {
    #[allow(dead_code)]
    pub mod tshark;
}

use std::path::PathBuf;

use common::tshark;
use simnet::lesson::{self, Backend, LessonOptions};
use simnet::scenario::{self, build, load_str, RunOptions};
use simnet::stack::dhcp_client::DhcpState;

fn dhcp() -> scenario::Scenario {
    scenario::load_file(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/dhcp.toml"))
        .expect("dhcp.toml loads")
}

#[test]
fn three_hosts_get_addresses_and_the_fourth_does_not() {
    let outcome = scenario::run(&dhcp(), RunOptions::default()).expect("runs");
    assert!(outcome.passed(), "{}", outcome.failures.join("\n"));
    let again = scenario::run(&dhcp(), RunOptions::default()).expect("runs");
    assert_eq!(outcome.lines, again.lines, "the same seed, the same run");

    let s = dhcp();
    let mut sim = build(&s, s.seed).expect("builds");
    sim.run();
    let state = |host: &str| {
        let node = sim.node_id(host).expect("a host");
        let ip = sim.ip_node(node).expect("an IP node");
        let client = ip.dhcp_client(0).expect("a DHCP client on eth0");
        (client.state(), ip.ifaces()[0].addr(), ip.resolver())
    };
    for (host, addr) in [
        ("pc1", [192, 168, 1, 100]),
        ("pc2", [192, 168, 1, 101]),
        ("pc3", [192, 168, 1, 102]),
    ] {
        assert_eq!(
            state(host),
            (DhcpState::Bound, addr.into(), Some([192, 168, 1, 2].into())),
            "{host}"
        );
    }
    assert_eq!(
        state("pc4"),
        (DhcpState::Selecting, [0, 0, 0, 0].into(), None)
    );
}

#[test]
fn a_program_on_a_dhcp_host_fails_as_on_linux_before_the_lease() {
    let text = r#"
time_limit = "5s"
[[host]]
name = "dhcpd"
ip = "10.0.0.2/24"
[[host]]
name = "pc1"
ip = "dhcp"
[[switch]]
name = "sw1"
[[link]]
a = "dhcpd"
b = "sw1"
[[link]]
a = "pc1"
b = "sw1"
[[run]]
host = "dhcpd"
program = "dhcp-server"
args = ["--pool", "10.0.0.100-10.0.0.100", "--lease", "60"]
[[run]]
host = "pc1"
program = "udp-client"
args = ["10.0.0.2:7852", "too early"]
[[run]]
host = "pc1"
program = "udp-client"
args = ["10.0.0.2:7852", "in time"]
at = "1s"
"#;
    let s = load_str(text, "early.toml").expect("loads");
    let out = scenario::run(&s, RunOptions::default()).expect("runs");
    let said: Vec<&String> = out
        .lines
        .iter()
        .filter(|l| l.contains("udp-client:"))
        .collect();
    assert!(
        said[0].contains("Network is unreachable"),
        "before the lease: {said:#?}"
    );
    assert!(
        out.lines
            .iter()
            .any(|l| l.contains("IP 10.0.0.100 > 10.0.0.2") && l.contains("UDP")),
        "after it, the datagram leaves from the leased address"
    );
}

#[test]
fn dhcp_keys_say_what_is_wrong_and_where() {
    let cases = [
        (
            "[[router]]\nname = \"gw\"\nip = \"dhcp\"\n",
            "`ip = \"dhcp\"` is for hosts; router `gw` needs fixed addresses",
        ),
        (
            "[[host]]\nname = \"pc1\"\nip = \"dhcp\"\ngateway = \"10.0.0.1\"\n",
            "its gateway comes with the lease",
        ),
        (
            "[[host]]\nname = \"pc1\"\nip = \"dhcp\"\n[[host]]\nname = \"pc2\"\nip = \"10.0.0.2/24\"\n[[ping]]\nfrom = \"pc2\"\nto = \"pc1\"\n",
            "`pc1` gets its address by DHCP, so the file cannot know it",
        ),
    ];
    for (text, want) in cases {
        let err = load_str(text, "bad.toml").expect_err(text).to_string();
        assert!(err.contains(want), "{text}:\n{err}");
        assert!(err.contains("bad.toml:"), "{err}");
    }
    let link = "[[host]]\nname = \"a\"\nip = \"10.0.0.1/24\"\n[[host]]\nname = \"b\"\nip = \"10.0.0.2/24\"\n[[link]]\na = \"a\"\nb = \"b\"\n";
    for (down, want) in [
        ("down = [\"5s\"]", "`down` takes two durations"),
        (
            "down = [\"5s\", \"2s\"]",
            "the cable comes back at 2s, not after it is cut at 5s",
        ),
        ("down = [\"5s\", \"soon\"]", "invalid down"),
    ] {
        let err = load_str(&format!("{link}{down}\n"), "cut.toml")
            .expect_err(down)
            .to_string();
        assert!(err.contains(want), "{down}:\n{err}");
    }
    // Two DHCP hosts share 0.0.0.0 until they have leases: not a duplicate.
    load_str(
        "[[host]]\nname = \"a\"\nip = \"dhcp\"\n[[host]]\nname = \"b\"\nip = \"dhcp\"\n",
        "two.toml",
    )
    .expect("two DHCP hosts load");
}

#[test]
fn the_dhcp_lesson_refuses_loopback_and_says_why() {
    let s = lesson::find("dhcp")
        .expect("a dhcp lesson")
        .scenario()
        .expect("loads");
    let err = lesson::run_lesson(
        &s,
        LessonOptions {
            backend: Backend::Loopback,
            ..LessonOptions::default()
        },
    )
    .expect_err("DHCP needs the simulation");
    assert!(err.contains("gets its address by DHCP"), "{err}");
    assert!(err.contains("simulated only"), "{err}");
}

/// Wireshark reads each message as DHCP, with the options simnet meant.
#[test]
fn tshark_decodes_the_dhcp_in_the_capture() {
    if !tshark::tshark_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("simnet-dhcp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = scenario::run(
        &dhcp(),
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
        count(
            "_ws.malformed || _ws.expert.severity >= \"Error\" || udp.checksum.status == \"Bad\""
        ),
        0
    );
    let ours = "dhcp.hw.mac_addr == 02:00:00:00:00:02";
    // Discover (1); Request (3) to select, then at 30, 60 and 90 s to renew.
    assert_eq!(
        count(&format!(
            "{ours} && dhcp.option.dhcp == 1 && ip.src == 0.0.0.0"
        )),
        1
    );
    assert_eq!(count(&format!("{ours} && dhcp.option.dhcp == 3")), 4);
    assert_eq!(
        count(&format!(
            "{ours} && dhcp.option.dhcp == 3 && ip.src == 192.168.1.100"
        )),
        3
    );
    // Offer (2) and the four ACKs (5) with the lease's options.
    assert_eq!(
        count("dhcp.option.dhcp == 2 && dhcp.ip.your == 192.168.1.100 && dhcp.flags.bc == 1"),
        1
    );
    assert_eq!(
        count("dhcp.option.dhcp == 5 && dhcp.ip.your == 192.168.1.100 && dhcp.option.router == 192.168.1.1 && dhcp.option.ip_address_lease_time == 60"),
        4
    );
    // pc1 also hears the ACKs broadcast to pc2 and pc3, and pc3's second
    // one once its cable is back.
    assert_eq!(count("dhcp.option.dhcp == 5 && dhcp.flags.bc == 1"), 4);
    assert_eq!(
        count("dhcp.option.dhcp == 5 && dhcp.ip.your == 192.168.1.102"),
        2
    );
    let _ = std::fs::remove_dir_all(&dir);
}
