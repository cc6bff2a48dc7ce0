//! Seed 001's DHCP: a server that hands out addresses from a pool. The
//! client is in the host stack (a host with `ip = "dhcp"`); this program is
//! the other side, on UDP port 67, logging as ISC's dhcpd logs.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use super::args::{seconds, take_option};
use crate::dhcp::{Pool, PoolConfig, PoolEvent, ReplyTo};
use crate::net::UdpSocket;
use crate::println;
use crate::time::Instant;
use crate::wire::dhcp::{DhcpMessage, CLIENT_PORT, SERVER_PORT};

/// The configuration from the command line, or what is wrong with it.
fn config(args: &[String]) -> Result<PoolConfig, String> {
    let mut rest = args.to_vec();
    let mut take = |name: &str| -> Result<Option<String>, String> {
        let (value, left) = take_option(&rest, name)?;
        rest = left;
        Ok(value)
    };
    let addr = |name: &str, text: Option<String>| -> Result<Option<Ipv4Addr>, String> {
        text.map(|t| {
            t.parse::<Ipv4Addr>()
                .map_err(|_| format!("{name}: `{t}` is not an IPv4 address"))
        })
        .transpose()
    };
    let pool = take("--pool")?.ok_or("give the addresses to hand out: --pool FIRST-LAST")?;
    let (first, last) = pool.split_once('-').ok_or(format!(
        "--pool: write FIRST-LAST, like 192.168.1.100-192.168.1.150, not `{pool}`"
    ))?;
    let first = addr("--pool", Some(first.to_string()))?.unwrap_or(Ipv4Addr::UNSPECIFIED);
    let last = addr("--pool", Some(last.to_string()))?.unwrap_or(Ipv4Addr::UNSPECIFIED);
    if last < first {
        return Err(format!("--pool: {last} comes before {first}"));
    }
    let mask = addr("--mask", take("--mask")?)?.unwrap_or(Ipv4Addr::new(255, 255, 255, 0));
    if u32::from(mask).leading_ones() + u32::from(mask).trailing_zeros() != 32 {
        return Err(format!(
            "--mask: {mask} is not a subnet mask (ones, then zeros)"
        ));
    }
    let router = addr("--router", take("--router")?)?;
    let dns = addr("--dns", take("--dns")?)?;
    let lease = match take("--lease")? {
        Some(text) => seconds(text.trim_end_matches('s')).map_err(|e| format!("--lease: {e}"))?,
        None => std::time::Duration::from_secs(3600),
    };
    if let Some(stray) = rest.first() {
        return Err(format!("unknown argument `{stray}`"));
    }
    Ok(PoolConfig {
        first,
        last,
        mask,
        router,
        dns,
        lease,
        server_id: Ipv4Addr::UNSPECIFIED,
    })
}

/// The address this host sends from towards `peer`: the address of the
/// interface its route leaves by (a connected UDP socket's local address).
fn own_address(peer: Ipv4Addr) -> Option<Ipv4Addr> {
    let probe = UdpSocket::bind("0.0.0.0:0").ok()?;
    probe.connect(SocketAddrV4::new(peer, SERVER_PORT)).ok()?;
    match probe.local_addr().ok()? {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(_) => None,
    }
}

/// `dhcp-server --pool FIRST-LAST [--mask M] [--router R] [--dns D]
/// [--lease SECS]`: hands out addresses from the pool on UDP port 67,
/// forever (RFC 2131). The mask defaults to 255.255.255.0 and the lease to
/// 3600 s.
pub fn dhcp_server(args: &[String]) {
    let mut config = match config(args) {
        Ok(config) => config,
        Err(e) => return println!("error: {e}"),
    };
    config.server_id = match own_address(config.first) {
        Some(addr) => addr,
        None => return println!("error: this host has no address on the pool's network"),
    };
    let sock = match UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, SERVER_PORT)) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:{SERVER_PORT}: {e}"),
    };
    if let Err(e) = sock.set_broadcast(true) {
        return println!("error: set_broadcast: {e}");
    }
    let mut pool = Pool::new(config);
    println!(
        "serving {} addresses, {}-{}, lease {}s, as {}",
        pool.size(),
        pool.config().first,
        pool.config().last,
        pool.config().lease.as_secs(),
        pool.config().server_id
    );
    let began = Instant::now();
    let mut buf = [0u8; 1500];
    loop {
        let (n, _) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => {
                println!("error: recv_from: {e}");
                continue;
            }
        };
        let Ok(message) = DhcpMessage::parse(&buf[..n]) else {
            continue; // not DHCP: dhcpd ignores it too
        };
        let (reply, event) = pool.handle(&message, began.elapsed());
        log(&message, &event);
        let Some(reply) = reply else {
            continue;
        };
        let to = match reply.to {
            ReplyTo::Broadcast => SocketAddrV4::new(Ipv4Addr::BROADCAST, CLIENT_PORT),
            ReplyTo::Unicast(addr, port) => SocketAddrV4::new(addr, port),
        };
        if let Err(e) = sock.send_to(&reply.message.emit(), to) {
            println!("error: send_to {to}: {e}");
        }
    }
}

/// One line per message, in dhcpd's words.
fn log(m: &DhcpMessage, event: &PoolEvent) {
    let kind = m
        .message_type
        .map_or("BOOTREQUEST", |k| k.name())
        .to_uppercase();
    let mac = m.chaddr;
    match event {
        PoolEvent::Offered(addr, mac) => println!("DHCPDISCOVER from {mac}: DHCPOFFER on {addr}"),
        PoolEvent::Acked(addr, mac) => println!("DHCP{kind} for {addr} from {mac}: DHCPACK"),
        PoolEvent::Refused(addr, mac) => println!("DHCP{kind} for {addr} from {mac}: DHCPNAK"),
        PoolEvent::Exhausted(mac) => println!("DHCPDISCOVER from {mac}: no free leases"),
        PoolEvent::OtherServer(mac) => {
            println!("DHCP{kind} from {mac}: for another server, offer withdrawn")
        }
        PoolEvent::Released(addr, mac) => println!("DHCPRELEASE of {addr} from {mac}"),
        PoolEvent::Declined(addr, mac) => {
            println!("DHCPDECLINE of {addr} from {mac}: abandoned")
        }
        PoolEvent::Ignored => println!("DHCP{kind} from {mac}: ignored"),
    }
}
