//! `hosts N [RUNS]` and `hosts-arp N [RUNS]`: N UDP clients and one echo
//! server on one switch, all clients starting at once; `hosts` with the
//! neighbours known in advance (permanent ARP entries), `hosts-arp` with
//! every client resolving the server by ARP.

use std::cell::Cell;
use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use simnet::link::LinkParams;
use simnet::net::UdpSocket;
use simnet::sim::{Exit, ProcState, StopReason};
use simnet::topo::presets::{lan, lan_hub_known};
use simnet::topo::{NodeId, NodeLogic};

use super::common::{repeat, udp_echo_server, Measure, Run, ECHO_PORT, LINK, PAYLOAD};

/// How the hosts find each other's MAC addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arp {
    /// Permanent ARP entries between the server and each client, and a
    /// static entry for the server in the switch (the `hosts` workload).
    Static,
    /// Every client broadcasts an ARP request for the server at time 0
    /// (the `hosts-arp` workload).
    Dynamic,
}

impl Arp {
    fn workload(self) -> &'static str {
        match self {
            Arp::Static => "hosts",
            Arp::Dynamic => "hosts-arp",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Arp::Static => "static",
            Arp::Dynamic => "dynamic",
        }
    }
}

/// The `hosts` or `hosts-arp` workload, `runs` times with `n` clients.
pub fn run(n: usize, arp: Arp, runs: usize) -> Result<bool, Box<dyn Error>> {
    let head = format!("workload={} param={n}", arp.workload());
    repeat(&head, &[("median_frames_per_s", 0)], runs, || {
        let (m, check) = hosts(n, arp)?;
        let rate = m.frames as f64 / m.wall.as_secs_f64();
        let fields = format!(
            "arp={} frames={} frames_per_s={rate:.0} echoes={} server_neigh={} mac_table={}",
            arp.field(),
            m.frames,
            check.echoes,
            check.server_neigh,
            check.mac_table
        );
        Ok(Run {
            m,
            fields,
            rates: vec![rate],
        })
    })
}

/// What one run of the `hosts` workload verified, besides `Measure::ok`.
struct HostsCheck {
    /// Clients that got their own datagram back.
    echoes: usize,
    /// Clients whose MAC the server's ARP cache holds.
    server_neigh: usize,
    /// Hosts the switch's MAC table maps to their own port.
    mac_table: usize,
}

/// One run of the `hosts` or `hosts-arp` workload with `n` clients.
fn hosts(n: usize, arp: Arp) -> Result<(Measure, HostsCheck), Box<dyn Error>> {
    let mut sim = match arp {
        // Every client's datagram reaches the switch at the same instant,
        // so the server's port must queue them all: `hosts` measures N
        // round trips, not tail drop at an incast.
        Arp::Static => {
            let link = LinkParams {
                queue_frames: LINK.queue_frames.max(n),
                ..LINK
            };
            lan_hub_known(1, n + 1, link, 1)?
        }
        Arp::Dynamic => lan(1, n + 1, LINK)?,
    }
    .build();
    // Host pck is nodes[k - 1]: pc1 the server, the others clients. (One
    // pass over the graph: `Sim::node_id` scans it for each name.)
    let graph = sim.graph();
    let mut numbered: Vec<_> = graph
        .node_indices()
        .filter_map(|i| Some((graph[i].name.strip_prefix("pc")?.parse().ok()?, i)))
        .collect();
    numbered.sort_unstable_by_key(|&(k, _): &(usize, _)| k);
    let nodes: Vec<NodeId> = numbered.into_iter().map(|(_, i)| i).collect();
    if nodes.len() != n + 1 {
        return Err(format!("the LAN has {} hosts, not {}", nodes.len(), n + 1).into());
    }
    let server_node = nodes[0];
    let sw = sim.node_id("sw1").ok_or("no sw1")?;
    let server: SocketAddr = ([10, 0, 0, 1], ECHO_PORT).into();
    sim.spawn(
        server_node,
        "udp-echo-server",
        Duration::ZERO,
        udp_echo_server,
    )?;
    let done = Rc::new(Cell::new(0usize));
    let mut clients = Vec::with_capacity(n);
    for (i, &node) in nodes[1..].iter().enumerate() {
        let verified = Rc::clone(&done);
        let pid = sim.spawn(node, "udp-client", Duration::ZERO, move || {
            let sock = UdpSocket::bind("0.0.0.0:0").expect("bind the client");
            // A payload of this client's own, so that an echo sent to the
            // wrong client would not pass.
            let mut payload = [0u8; PAYLOAD];
            for (j, b) in payload.iter_mut().enumerate() {
                *b = i.wrapping_mul(131).wrapping_add(j * 7) as u8;
            }
            payload[..8].copy_from_slice(&(i as u64).to_be_bytes());
            sock.send_to(&payload, server).expect("client send_to");
            let mut buf = [0u8; 2048];
            let (len, from) = sock.recv_from(&mut buf).expect("client recv_from");
            if from == server && buf[..len] == payload {
                verified.set(verified.get() + 1);
            }
        })?;
        clients.push(pid);
    }
    let start = Instant::now();
    let summary = sim.run();
    let wall = start.elapsed();
    let echoes = done.get();
    let returned = clients
        .iter()
        .filter(|pid| {
            matches!(
                sim.processes()[pid.0].state,
                ProcState::Exited(Exit::Returned)
            )
        })
        .count();
    let left_blocked = sim.deadlocked();
    let only_server_blocked = left_blocked.len() == 1
        && left_blocked[0].starts_with("pc1 udp-echo-server: blocked in recv_from");
    // The server must know every client's MAC (learned from its ARP
    // request, or configured), and the switch every host's MAC on the port
    // it hangs off.
    let graph = sim.graph();
    let mac = |node: NodeId| graph[node].ports[0].mac;
    let now = sim.now();
    let server_neigh = sim
        .ip_node(server_node)
        .ok_or("pc1 is not a host")?
        .neighbors()
        .entries(now)
        .filter(|&(_, ip, m, _)| {
            let k = (u32::from(ip) - u32::from(Ipv4Addr::new(10, 0, 0, 0))) as usize;
            (2..=n + 1).contains(&k) && m == mac(nodes[k - 1])
        })
        .count();
    let NodeLogic::Switch(switch) = &graph[sw].logic else {
        return Err("sw1 is not a switch".into());
    };
    let mac_table = nodes
        .iter()
        .filter(|&&node| {
            let (link, side) = graph[node].ports[0].link.expect("a linked host");
            let (far, port) = graph[link].ends[1 - side];
            far == sw && switch.port_of(now, mac(node)) == Some(port)
        })
        .count();
    // With the neighbours known, a round trip is four frames (client to
    // switch to server and back): no ARP, no flooding.
    let frames_ok = arp == Arp::Dynamic || summary.frames == 4 * n as u64;
    let ok = echoes == n
        && frames_ok
        && returned == n
        && summary.reason == StopReason::Deadlock
        && only_server_blocked
        && server_neigh == n
        && mac_table == n + 1;
    if !ok {
        let shown: Vec<_> = left_blocked.iter().take(5).collect();
        eprintln!(
            "hosts run not verified: {summary}; {echoes}/{n} echoes verified, {returned}/{n} clients returned, {server_neigh}/{n} clients in the server's ARP cache, {mac_table}/{} hosts in the MAC table, {} frames; {} left blocked, the first: {shown:?}",
            n + 1,
            summary.frames,
            left_blocked.len()
        );
    }
    Ok((
        Measure {
            wall,
            sim_s: summary.end.as_secs_f64(),
            frames: summary.frames,
            ok,
        },
        HostsCheck {
            echoes,
            server_neigh,
            mac_table,
        },
    ))
}
