use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use super::{LoopHost, LoopbackNet, Target};

/// pc1 and pc3 on 192.168.1.0/24, pc2 on 192.168.2.0/24.
fn net() -> LoopbackNet {
    let host = |name: &str, cidr: &str| LoopHost {
        name: name.to_string(),
        ifaces: vec![cidr.parse().expect("test address")],
    };
    let hosts = vec![
        host("pc1", "192.168.1.2/24"),
        host("pc2", "192.168.2.2/24"),
        host("pc3", "192.168.1.3/24"),
    ];
    LoopbackNet::new(hosts, false).expect("three hosts fit")
}

fn v4(s: &str) -> SocketAddrV4 {
    s.parse().expect("test address")
}

#[test]
fn each_host_has_its_own_loopback_address_in_one_block() {
    let net = net();
    let [a, x, y, n] = net.lo_addr(0).octets();
    assert_eq!((a, n), (127, 1));
    assert_ne!(x, 0, "127.0.0.x is left to the system");
    assert_eq!(net.lo_addr(2), Ipv4Addr::new(127, x, y, 3));
    assert_eq!(net.nowhere(), Ipv4Addr::new(127, x, y, 255));
}

#[test]
fn two_runs_take_different_blocks() {
    assert_ne!(net().lo_addr(0), net().lo_addr(0));
}

#[test]
fn a_host_binds_only_its_own_addresses() {
    let net = net();
    let own = Some(net.lo_addr(0));
    assert_eq!(net.bind_addr(0, Ipv4Addr::UNSPECIFIED), own);
    assert_eq!(net.bind_addr(0, Ipv4Addr::LOCALHOST), own);
    assert_eq!(net.bind_addr(0, "192.168.1.2".parse().unwrap()), own);
    assert_eq!(net.bind_addr(0, "192.168.2.2".parse().unwrap()), None);
    assert_eq!(net.bind_addr(0, "10.0.0.1".parse().unwrap()), None);
}

#[test]
fn scenario_addresses_map_to_their_hosts_and_back() {
    let net = net();
    let to_pc2 = net.target(0, v4("192.168.2.2:7852"));
    assert_eq!(to_pc2, Target::One(SocketAddrV4::new(net.lo_addr(1), 7852)));
    let seen = net.unmap(SocketAddr::from((net.lo_addr(0), 40000)));
    assert_eq!(seen, "192.168.1.2:40000".parse::<SocketAddr>().unwrap());
    // Addresses outside the block are not ours to translate.
    let other: SocketAddr = "127.0.0.1:53".parse().unwrap();
    assert_eq!(net.unmap(other), other);
    let loopback = net.target(1, v4("127.0.0.1:9"));
    assert_eq!(loopback, Target::One(SocketAddrV4::new(net.lo_addr(1), 9)));
}

#[test]
fn an_address_no_host_owns_goes_nowhere() {
    let net = net();
    let target = net.target(0, v4("192.168.1.77:2425"));
    assert_eq!(target, Target::One(SocketAddrV4::new(net.nowhere(), 2425)));
}

#[test]
fn a_broadcast_reaches_the_other_hosts_of_the_subnet() {
    let net = net();
    let pc3 = SocketAddrV4::new(net.lo_addr(2), 2425);
    for dst in ["255.255.255.255:2425", "192.168.1.255:2425"] {
        assert_eq!(
            net.target(0, v4(dst)),
            Target::Broadcast(vec![pc3]),
            "{dst}"
        );
    }
    // pc2's subnet has nobody else; pc1 cannot direct a broadcast there.
    assert_eq!(
        net.target(1, v4("255.255.255.255:1")),
        Target::Broadcast(vec![])
    );
    let elsewhere = net.target(0, v4("192.168.2.255:1"));
    assert_eq!(elsewhere, Target::One(SocketAddrV4::new(net.nowhere(), 1)));
}

#[test]
fn names_resolve_to_scenario_addresses() {
    let net = net();
    assert_eq!(
        net.resolve("pc3"),
        Some(vec!["192.168.1.3".parse().unwrap()])
    );
    assert_eq!(net.resolve("pc9"), None);
}
