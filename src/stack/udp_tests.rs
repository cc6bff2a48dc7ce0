//! Unit tests of the UDP socket table: each rule with the errno Linux gives.

use super::*;

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const A2: Ipv4Addr = Ipv4Addr::new(192, 168, 7, 1);
const SUBNET_BCAST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 255);
const ANY: Ipv4Addr = Ipv4Addr::UNSPECIFIED;
const BCAST: Ipv4Addr = Ipv4Addr::BROADCAST;

fn sa(ip: Ipv4Addr, port: u16) -> SocketAddrV4 {
    SocketAddrV4::new(ip, port)
}

fn peer() -> SocketAddrV4 {
    sa(Ipv4Addr::new(10, 0, 0, 2), 4000)
}

fn other() -> SocketAddrV4 {
    sa(Ipv4Addr::new(10, 0, 0, 3), 4000)
}

fn table() -> UdpTable {
    UdpTable::new(vec![A, A2])
}

#[test]
fn overlapping_binds_are_in_use() {
    let mut t = table();
    t.bind(sa(ANY, 5000), false).unwrap();
    assert_eq!(t.bind(sa(ANY, 5000), false), Err(EADDRINUSE));
    assert_eq!(t.bind(sa(A, 5000), false), Err(EADDRINUSE));
    t.bind(sa(A, 5001), false).unwrap();
    assert_eq!(t.bind(sa(A, 5001), false), Err(EADDRINUSE));
    assert_eq!(t.bind(sa(ANY, 5001), false), Err(EADDRINUSE));
    // Two different addresses of the host do not overlap.
    t.bind(sa(A2, 5001), false).unwrap();
    t.bind(sa(BCAST, 5001), false).unwrap();
}

#[test]
fn reuse_addr_shares_only_if_both_set_it() {
    let mut t = table();
    t.bind(sa(ANY, 5000), true).unwrap();
    assert_eq!(t.bind(sa(ANY, 5000), false), Err(EADDRINUSE));
    t.bind(sa(ANY, 5000), true).unwrap();
    t.bind(sa(A, 5001), false).unwrap();
    assert_eq!(t.bind(sa(ANY, 5001), true), Err(EADDRINUSE));
}

#[test]
fn only_the_hosts_addresses_can_be_bound() {
    let mut t = table();
    let foreign = Ipv4Addr::new(10, 9, 9, 9);
    assert_eq!(t.bind(sa(foreign, 5000), false), Err(EADDRNOTAVAIL));
    assert_eq!(t.bind(sa(SUBNET_BCAST, 0), false), Err(EADDRNOTAVAIL));
    for ip in [ANY, A, A2, BCAST] {
        let id = t.bind(sa(ip, 0), false).unwrap();
        assert_eq!(t.local_addr(id).map(|a| *a.ip()), Ok(ip));
    }
}

#[test]
fn a_host_with_lo_binds_all_of_127_slash_8() {
    let lo = Ipv4Addr::LOCALHOST;
    let other_lo = Ipv4Addr::new(127, 1, 2, 3);
    assert_eq!(table().bind(sa(lo, 0), false), Err(EADDRNOTAVAIL));
    let mut t = UdpTable::new(vec![A, lo]);
    let exact = t.bind(sa(lo, 5000), false).unwrap();
    t.bind(sa(other_lo, 5000), false).unwrap();
    assert_eq!(t.bind(sa(ANY, 5000), false), Err(EADDRINUSE));
    let wildcard = t.bind(sa(ANY, 5001), false).unwrap();
    // What is sent to 127.0.0.1 reaches its socket, or one on 0.0.0.0.
    let from = sa(lo, 49152);
    assert_eq!(
        t.deliver(from, sa(lo, 5000), b"x", false),
        Delivery::Queued(exact)
    );
    assert_eq!(
        t.deliver(from, sa(lo, 5001), b"x", false),
        Delivery::Queued(wildcard)
    );
    assert_eq!(
        t.deliver(from, sa(A, 5000), b"x", false),
        Delivery::NoSocket
    );
}

#[test]
fn ephemeral_ports_count_up_skip_used_and_wrap() {
    let mut t = table();
    t.bind(sa(A, 49153), false).unwrap();
    let port = |t: &mut UdpTable| t.bind(sa(ANY, 0), false).map(|id| t.local_addr(id));
    assert_eq!(port(&mut t), Ok(Ok(sa(ANY, 49152))));
    assert_eq!(port(&mut t), Ok(Ok(sa(ANY, 49154))));
    let first = SocketId(1);
    t.close(first); // 49152 is free again, but the cursor has moved on
    assert_eq!(port(&mut t), Ok(Ok(sa(ANY, 49155))));
    // 49153..=49155 are held and 49152 is free: take 49156..=65535.
    for _ in 3..EPHEMERAL.len() - 1 {
        t.bind(sa(ANY, 0), false).unwrap();
    }
    let last = t.sockets().last().map(|(_, a)| a.port());
    assert_eq!(last, Some(65535));
    assert_eq!(port(&mut t), Ok(Ok(sa(ANY, 49152)))); // wrapped
    assert_eq!(t.bind(sa(A, 0), false), Err(EADDRINUSE)); // all taken
    assert_eq!(EPHEMERAL.len(), 16384);
}

#[test]
fn port_zero_binds_are_deterministic() {
    let ports = || {
        let mut t = table();
        let mut out = Vec::new();
        for i in 0..50u16 {
            if i % 7 == 0 {
                t.bind(sa(A, 49152 + 3 * i), false).unwrap();
            }
            let id = t.bind(sa(ANY, 0), i % 2 == 0).unwrap();
            out.push(t.local_addr(id).unwrap().port());
            if i % 5 == 0 {
                t.close(id);
            }
        }
        out
    };
    assert_eq!(ports(), ports());
}

#[test]
fn connected_beats_exact_beats_wildcard() {
    let mut t = table();
    // Bound from most to least specific: the last bound would win a tie.
    let connected = t.bind(sa(ANY, 7000), true).unwrap();
    t.connect(connected, peer()).unwrap();
    let exact = t.bind(sa(A, 7000), true).unwrap();
    let wildcard = t.bind(sa(ANY, 7000), true).unwrap();
    assert_eq!(
        t.deliver(peer(), sa(A, 7000), b"p", false),
        Delivery::Queued(connected)
    );
    assert_eq!(
        t.deliver(other(), sa(A, 7000), b"o", false),
        Delivery::Queued(exact)
    );
    assert_eq!(
        t.deliver(other(), sa(A2, 7000), b"w", false),
        Delivery::Queued(wildcard)
    );
    assert_eq!(
        t.deliver(other(), sa(A, 7001), b"x", false),
        Delivery::NoSocket
    );
    // Among equals, the last bound wins, as on Linux.
    let later = t.bind(sa(A, 7000), true).unwrap();
    assert_eq!(
        t.deliver(other(), sa(A, 7000), b"o", false),
        Delivery::Queued(later)
    );
}

#[test]
fn a_connected_socket_hears_only_its_peer() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    assert_eq!(t.peer_addr(id), Err(ENOTCONN));
    t.connect(id, peer()).unwrap();
    assert_eq!(t.peer_addr(id), Ok(peer()));
    assert_eq!(t.local_addr(id), Ok(sa(ANY, 7000)));
    assert_eq!(
        t.deliver(other(), sa(A, 7000), b"x", false),
        Delivery::NoSocket
    );
    let wrong_port = sa(*peer().ip(), 4001);
    assert_eq!(
        t.deliver(wrong_port, sa(A, 7000), b"x", false),
        Delivery::NoSocket
    );
    assert_eq!(
        t.deliver(peer(), sa(A, 7000), b"y", false),
        Delivery::Queued(id)
    );
    // Port 0: allowed, matches any port, and getpeername says ENOTCONN.
    t.connect(id, sa(*peer().ip(), 0)).unwrap();
    assert_eq!(t.peer_addr(id), Err(ENOTCONN));
    assert_eq!(
        t.deliver(wrong_port, sa(A, 7000), b"z", false),
        Delivery::Queued(id)
    );
    assert_eq!(
        t.deliver(other(), sa(A, 7000), b"x", false),
        Delivery::NoSocket
    );
    // A routed connect fixes a wildcard address to the route's source.
    t.connect_via(id, peer(), A, &[]).unwrap();
    assert_eq!(t.local_addr(id), Ok(sa(A, 7000)));
    assert_eq!(
        t.deliver(peer(), sa(A2, 7000), b"x", false),
        Delivery::NoSocket
    );
}

#[test]
fn full_receive_buffer_drops_and_counts() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    // 13 of these fill the buffer exactly; like Linux, one more is taken
    // because the bytes already queued do not exceed it.
    let data = vec![7u8; DEFAULT_RECV_BUFFER / 13];
    for _ in 0..14 {
        assert_eq!(
            t.deliver(peer(), sa(A, 7000), &data, false),
            Delivery::Queued(id)
        );
    }
    for _ in 0..2 {
        assert_eq!(
            t.deliver(peer(), sa(A, 7000), b"", false),
            Delivery::BufferFull(id)
        );
    }
    assert_eq!(t.dropped(id), 2);
    let taken = t.recv(id, false).unwrap();
    t.recycle(taken.data);
    assert_eq!(
        t.deliver(peer(), sa(A, 7000), &data, false),
        Delivery::Queued(id)
    );
    assert_eq!(t.dropped(id), 2);
    assert_eq!(
        t.deliver(peer(), sa(A, 7000), b"", false),
        Delivery::BufferFull(id)
    );
}

#[test]
fn recv_is_oldest_first_whole_and_peek_leaves_it() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    assert!(!t.readable(id));
    assert_eq!(t.recv(id, false), None);
    let big = vec![1u8; 2000];
    t.deliver(peer(), sa(A, 7000), &big, false);
    t.deliver(other(), sa(A2, 7000), b"second", false);
    assert!(t.readable(id));
    let first = Datagram {
        from: peer(),
        to: A,
        data: big,
    };
    assert_eq!(t.recv(id, true).as_ref(), Some(&first));
    // Whole: truncating to the reader's buffer is the socket layer's job.
    assert_eq!(t.recv(id, false), Some(first));
    let second = t.recv(id, false).unwrap();
    assert_eq!(
        (second.from, second.to, &second.data[..]),
        (other(), A2, &b"second"[..])
    );
    assert!(!t.readable(id));
}

#[test]
fn send_errors_in_linux_order() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    let to = Some(peer());
    assert_eq!(t.prepare_send(id, None, 10, &[]), Err(EDESTADDRREQ));
    assert_eq!(t.prepare_send(id, None, 70_000, &[]), Err(EMSGSIZE));
    assert_eq!(t.prepare_send(id, None, 65_508, &[]), Err(EDESTADDRREQ));
    assert_eq!(t.prepare_send(id, to, MAX_PAYLOAD + 1, &[]), Err(EMSGSIZE));
    assert_eq!(t.prepare_send(id, Some(sa(A, 0)), 1, &[]), Err(EINVAL));
    let plan = t.prepare_send(id, to, MAX_PAYLOAD, &[]).unwrap();
    let expected = SendPlan {
        src: ANY,
        src_port: 7000,
        dst: peer(),
        ttl: 64,
    };
    assert_eq!(plan, expected);
    t.connect(id, other()).unwrap();
    let plan = t.prepare_send(id, None, 0, &[]).unwrap();
    assert_eq!(plan.dst, other());
    // Connected, an explicit destination still wins.
    assert_eq!(t.prepare_send(id, to, 0, &[]).map(|p| p.dst), Ok(peer()));
    let bound = t.bind(sa(A, 7001), false).unwrap();
    assert_eq!(t.prepare_send(bound, to, 0, &[]).map(|p| p.src), Ok(A));
}

#[test]
fn broadcast_needs_so_broadcast() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    let subnet = [SUBNET_BCAST];
    for dst in [BCAST, SUBNET_BCAST] {
        let to = Some(sa(dst, 67));
        assert_eq!(t.prepare_send(id, to, 1, &subnet), Err(EACCES));
        // Checked before the payload limit, as Linux.
        assert_eq!(t.prepare_send(id, to, 65_508, &subnet), Err(EACCES));
    }
    assert_eq!(t.connect(id, sa(BCAST, 67)), Err(EACCES));
    assert_eq!(
        t.connect_via(id, sa(SUBNET_BCAST, 67), A, &subnet),
        Err(EACCES)
    );
    assert!(!t.broadcast(id));
    t.set_broadcast(id, true);
    assert!(t.broadcast(id));
    for dst in [BCAST, SUBNET_BCAST] {
        let plan = t.prepare_send(id, Some(sa(dst, 67)), 1, &subnet).unwrap();
        assert_eq!(plan.dst, sa(dst, 67));
    }
    t.connect(id, sa(BCAST, 67)).unwrap();
    // A socket bound to the broadcast address sends from the interface's.
    let b = t.bind(sa(BCAST, 68), false).unwrap();
    assert_eq!(
        t.prepare_send(b, Some(peer()), 1, &[]).map(|p| p.src),
        Ok(ANY)
    );
}

#[test]
fn broadcast_reaches_every_matching_socket() {
    let mut t = table();
    let w1 = t.bind(sa(ANY, 67), true).unwrap();
    let w2 = t.bind(sa(ANY, 67), true).unwrap();
    let on_bcast = t.bind(sa(BCAST, 67), true).unwrap();
    let on_unicast = t.bind(sa(A, 67), true).unwrap();
    let elsewhere = t.bind(sa(ANY, 68), false).unwrap();
    let connected = t.bind(sa(ANY, 67), true).unwrap();
    t.connect(connected, other()).unwrap();
    assert_eq!(
        t.deliver(peer(), sa(BCAST, 67), b"hi", true),
        Delivery::Broadcast {
            queued: vec![w1, w2, on_bcast],
            full: vec![]
        }
    );
    for id in [w1, w2, on_bcast] {
        assert_eq!(
            t.recv(id, false).map(|d| (d.to, d.data)),
            Some((BCAST, b"hi".to_vec()))
        );
    }
    for id in [on_unicast, elsewhere, connected] {
        assert!(!t.readable(id), "{id:?}");
    }
    // A subnet broadcast reaches only the wildcard sockets.
    match t.deliver(peer(), sa(SUBNET_BCAST, 67), b"", true) {
        Delivery::Broadcast { queued, .. } => assert_eq!(queued, vec![w1, w2]),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.deliver(peer(), sa(BCAST, 69), b"", true),
        Delivery::NoSocket
    );
    // Unicast to the host's address: the exact socket, not the broadcast one.
    assert_eq!(
        t.deliver(peer(), sa(A, 67), b"", false),
        Delivery::Queued(on_unicast)
    );
}

#[test]
fn broadcast_to_a_full_socket_is_reported() {
    let mut t = table();
    let full = t.bind(sa(ANY, 67), true).unwrap();
    let data = vec![0u8; 60_000];
    while t.deliver(peer(), sa(A, 67), &data, false) == Delivery::Queued(full) {}
    let fresh = t.bind(sa(ANY, 67), true).unwrap();
    assert_eq!(
        t.deliver(peer(), sa(BCAST, 67), b"x", true),
        Delivery::Broadcast {
            queued: vec![fresh],
            full: vec![full]
        }
    );
    assert_eq!(t.dropped(full), 2);
}

#[test]
fn port_unreachable_errs_connected_sockets_once() {
    let mut t = table();
    let unconnected = t.bind(sa(ANY, 7000), false).unwrap();
    assert_eq!(
        t.on_icmp_unreachable(sa(A, 7000), peer(), ECONNREFUSED),
        None
    );
    assert_eq!(t.take_error(unconnected), None);
    assert!(!t.readable(unconnected));

    let id = t.bind(sa(ANY, 7001), false).unwrap();
    t.connect(id, peer()).unwrap();
    assert_eq!(
        t.on_icmp_unreachable(sa(A, 7001), other(), ECONNREFUSED),
        None
    );
    assert_eq!(
        t.on_icmp_unreachable(sa(A, 7001), peer(), ECONNREFUSED),
        Some(id)
    );
    assert!(t.readable(id));
    // Earlier checks leave it pending; reconnecting does not clear it.
    assert_eq!(t.prepare_send(id, None, 70_000, &[]), Err(EMSGSIZE));
    assert_eq!(t.prepare_send(id, Some(sa(BCAST, 9)), 1, &[]), Err(EACCES));
    t.connect(id, peer()).unwrap();
    assert_eq!(t.prepare_send(id, Some(other()), 1, &[]), Err(ECONNREFUSED));
    assert!(t.prepare_send(id, None, 1, &[]).is_ok());
    assert!(!t.readable(id));

    t.on_icmp_unreachable(sa(A, 7001), peer(), ECONNREFUSED);
    assert_eq!(t.take_error(id), Some(ECONNREFUSED));
    assert_eq!(t.take_error(id), None);
    assert!(t.prepare_send(id, None, 1, &[]).is_ok());
}

#[test]
fn only_hard_icmp_errors_reach_udp() {
    let cases = [
        (DstUnreachable::NetUnreachable, None),
        (DstUnreachable::HostUnreachable, None),
        (DstUnreachable::ProtoUnreachable, Some(ENOPROTOOPT)),
        (DstUnreachable::PortUnreachable, Some(ECONNREFUSED)),
        (DstUnreachable::FragRequired, None),
        (DstUnreachable::Other(6), Some(ENETUNREACH)),
        (DstUnreachable::HostProhibited, Some(EHOSTUNREACH)),
        (DstUnreachable::AdminProhibited, Some(EHOSTUNREACH)),
        (DstUnreachable::Other(16), None),
    ];
    for (reason, errno) in cases {
        assert_eq!(unreachable_errno(reason), errno, "{reason:?}");
    }
}

#[test]
fn ttl_limits_and_default() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    assert_eq!(t.ttl(id), 64);
    for bad in [0, 256, 1 << 31] {
        assert_eq!(t.set_ttl(id, bad), Err(EINVAL));
    }
    t.set_ttl(id, 1).unwrap();
    assert_eq!(
        t.prepare_send(id, Some(peer()), 0, &[]).map(|p| p.ttl),
        Ok(1)
    );
    t.set_ttl(id, 255).unwrap();
    assert_eq!(t.ttl(id), 255);
    t.set_ttl(id, u32::MAX).unwrap();
    assert_eq!(t.ttl(id), 64);
}

#[test]
fn closed_sockets_are_ebadf_and_free_their_port() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7000), false).unwrap();
    let keep = t.bind(sa(A, 7001), false).unwrap();
    t.deliver(peer(), sa(A, 7000), b"x", false);
    t.close(id);
    t.close(id);
    assert_eq!(t.local_addr(id), Err(EBADF));
    assert_eq!(t.peer_addr(id), Err(EBADF));
    assert_eq!(t.connect(id, peer()), Err(EBADF));
    assert_eq!(t.set_ttl(id, 5), Err(EBADF));
    assert_eq!(t.prepare_send(id, Some(peer()), 1, &[]), Err(EBADF));
    assert_eq!(
        (t.recv(id, false), t.readable(id), t.dropped(id)),
        (None, false, 0)
    );
    assert_eq!(
        (t.take_error(id), t.broadcast(id), t.ttl(id)),
        (None, false, 64)
    );
    t.set_broadcast(id, true);
    assert_eq!(
        t.deliver(peer(), sa(A, 7000), b"x", false),
        Delivery::NoSocket
    );
    let again = t.bind(sa(ANY, 7000), false).unwrap();
    assert_ne!(again, id);
    let all: Vec<_> = t.sockets().collect();
    assert_eq!(all, vec![(keep, sa(A, 7001)), (again, sa(ANY, 7000))]);
}

/// A process's receive: the pending error first and once (a peek takes it
/// too, as Linux's `sock_error` does before it looks at the queue), then
/// the datagrams, as plain `recv`/`recv_into` give them, which leave the
/// error pending; a receive that takes a datagram out keeps its buffer for
/// later deliveries, a peek does not take it.
#[test]
fn a_receive_takes_the_pending_error_before_the_datagrams() {
    let mut t = table();
    let id = t.bind(sa(ANY, 7001), false).unwrap();
    t.connect(id, peer()).unwrap();
    t.deliver(peer(), sa(A, 7001), b"first", false);
    t.deliver(peer(), sa(A, 7001), b"second!", false);
    t.deliver(peer(), sa(A, 7001), b"third", false);
    t.on_icmp_unreachable(sa(A, 7001), peer(), ECONNREFUSED);
    let mut buf = [0u8; 16];
    assert_eq!(t.recv_into(id, &mut buf, true), Some((5, peer())));
    assert_eq!(t.recv(id, true).map(|d| d.data.len()), Some(5));
    assert!(t.has_error(id), "recv and recv_into leave it");
    assert_eq!(
        t.take_error_or_recv_into(id, &mut buf, true),
        Err(ECONNREFUSED)
    );
    assert!(!t.has_error(id), "taken, by a peek too");
    let spare = t.spare.len();
    assert_eq!(
        t.take_error_or_recv_into(id, &mut buf, true),
        Ok(Some((5, peer())))
    );
    assert_eq!(t.spare.len(), spare, "a peek leaves the datagram");
    assert_eq!(
        t.take_error_or_recv_into(id, &mut buf, false),
        Ok(Some((5, peer())))
    );
    assert_eq!(&buf[..5], b"first");
    assert_eq!(t.spare.len(), spare + 1, "its buffer kept for reuse");
    t.on_icmp_unreachable(sa(A, 7001), peer(), ECONNREFUSED);
    assert_eq!(t.take_error_or_recv(id, true), Err(ECONNREFUSED));
    let peeked = t.take_error_or_recv(id, true).unwrap().unwrap();
    assert_eq!(&peeked.data[..], b"second!");
    let second = t.take_error_or_recv(id, false).unwrap().unwrap();
    assert_eq!(&second.data[..], b"second!");
    assert_eq!(
        t.take_error_or_recv_into(id, &mut buf, false),
        Ok(Some((5, peer())))
    );
    assert_eq!(&buf[..5], b"third");
    assert_eq!(t.take_error_or_recv(id, false), Ok(None));
    assert_eq!(t.take_error_or_recv_into(id, &mut buf, false), Ok(None));
    t.close(id);
    assert_eq!(t.take_error_or_recv(id, false), Ok(None), "no socket");
}
