//! The ARP neighbour cache (RFC 826), as a sans-IO state machine.
//!
//! It maps (interface, IPv4 address) to a MAC address with a lifetime, and
//! holds the frames waiting for an address to be resolved. It never sends
//! anything itself: each call returns what the node must do (send a request,
//! flush frames, report a failure, arm a timer), which is what lets the unit
//! tests drive it with nothing but values.
//!
//! Besides the entries it learns, the cache holds *permanent* (static)
//! entries, which the node's configuration adds, like Linux's
//! `ip neigh replace IP lladdr MAC dev IFACE nud permanent`:
//!
//! - a permanent entry never expires (its expiry is [`SimTime::MAX`]);
//! - ARP packets never change it: when a sender's address has a permanent
//!   entry, RFC 826's merge step leaves it as it is (as Linux does, which
//!   lets only the administrator change a `PERMANENT` entry), even when the
//!   packet claims another MAC address. The node still answers a request
//!   for its own address from that sender, as before;
//! - adding one replaces whatever entry the address had (learned or
//!   permanent) and resolves frames waiting for it, as a reply would.
//!
//! The merge rule for learned (dynamic) entries is unchanged.

use std::collections::{BTreeMap, VecDeque};
use std::net::Ipv4Addr;
use std::time::Duration;

use crate::sim::SimTime;
use crate::wire::MacAddr;

/// How long a learned entry stays valid without being refreshed.
///
/// Linux keeps an entry reachable for 15–45 s and then revalidates it; a
/// fixed minute keeps traces easy to follow.
pub const ENTRY_LIFETIME: Duration = Duration::from_secs(60);
/// Time between two requests for the same address.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(1);
/// Requests sent before giving up (Linux's `mcast_solicit` is 3).
pub const MAX_REQUESTS: u8 = 3;
/// Frames that may wait for one unresolved neighbour; beyond it the oldest
/// is dropped, as Linux does with its `unres_qlen`. Enough for the 45
/// fragments of one maximal datagram at MTU 1500.
pub const PENDING_LIMIT: usize = 64;

/// A neighbour: an address on one interface.
pub type NeighborKey = (usize, Ipv4Addr);

#[derive(Clone, Copy, Debug)]
struct Entry {
    mac: MacAddr,
    /// [`SimTime::MAX`] for a permanent entry.
    expires: SimTime,
    /// Configured, not learned: never expires, never merged into.
    permanent: bool,
}

impl Entry {
    fn learned(mac: MacAddr, expires: SimTime) -> Entry {
        Entry {
            mac,
            expires,
            permanent: false,
        }
    }
}

#[derive(Debug, Default)]
struct Pending {
    requests_sent: u8,
    frames: VecDeque<Vec<u8>>,
}

/// What happened to the cache when a mapping was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learned {
    /// A new entry.
    Added,
    /// An existing entry got a new MAC address.
    Changed {
        /// The address it had.
        old: MacAddr,
    },
    /// An existing entry was confirmed (its lifetime restarted).
    Refreshed,
    /// Nothing: the sender was unknown and the packet was not for us, or
    /// the sender's address has a permanent entry, which ARP never changes.
    Ignored,
}

/// What the node must do after [`Neighbors::enqueue`].
#[derive(Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// The first frame for this neighbour: broadcast a request now and arm
    /// the retry timer for the returned time.
    SendRequest(SimTime),
    /// A request is already out; the frame waits with the others.
    Queued,
    /// The queue was full: the oldest waiting frame was dropped to make room.
    DroppedOldest(Vec<u8>),
}

/// What the node must do when a retry timer fires.
#[derive(Debug, PartialEq, Eq)]
pub enum Retry {
    /// Send request number `attempt` (2-based, out of [`MAX_REQUESTS`]) and
    /// arm the timer again for the returned time.
    Resend {
        /// Which request this is.
        attempt: u8,
        /// When to check again.
        next: SimTime,
    },
    /// No answer after the last request: these frames are dropped.
    Failed(Vec<Vec<u8>>),
    /// The neighbour was resolved meanwhile; nothing to do.
    Nothing,
}

/// Why a permanent entry was refused (see
/// [`crate::stack::IpNode::add_static_neighbor`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticNeighborError {
    /// The node has no interface with this index.
    NoSuchIface(usize),
    /// The address is unspecified or a broadcast address of the interface:
    /// never resolved through the cache.
    NotUnicastIp(Ipv4Addr),
    /// The MAC address is a group (multicast or broadcast) address.
    NotUnicastMac(MacAddr),
}

impl std::fmt::Display for StaticNeighborError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSuchIface(i) => write!(f, "no interface with index {i}"),
            Self::NotUnicastIp(ip) => {
                write!(
                    f,
                    "{ip} is not a neighbour's address (unspecified or broadcast)"
                )
            }
            Self::NotUnicastMac(mac) => write!(f, "{mac} is not a unicast MAC address"),
        }
    }
}

impl std::error::Error for StaticNeighborError {}

/// The neighbour cache of one node, for all its interfaces.
#[derive(Debug, Default)]
pub struct Neighbors {
    entries: BTreeMap<NeighborKey, Entry>,
    pending: BTreeMap<NeighborKey, Pending>,
}

impl Neighbors {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The MAC address of `ip` on `iface`, if known and not expired.
    pub fn lookup(&self, now: SimTime, iface: usize, ip: Ipv4Addr) -> Option<MacAddr> {
        self.entries
            .get(&(iface, ip))
            .filter(|e| e.expires > now)
            .map(|e| e.mac)
    }

    /// Records that `ip` on `iface` is at `mac`, from an ARP packet's sender
    /// fields. Following RFC 826's "merge" rule, an existing entry is always
    /// updated; a new one is added only when `for_us` (the packet was
    /// addressed to one of our addresses). A permanent entry is the
    /// exception: it is left as configured ([`Learned::Ignored`]). Returns
    /// what changed, when the entry now expires (arm an expiry timer for
    /// it), and the frames that were waiting for this neighbour, to be sent
    /// now.
    pub fn learn(
        &mut self,
        now: SimTime,
        iface: usize,
        ip: Ipv4Addr,
        mac: MacAddr,
        for_us: bool,
    ) -> (Learned, SimTime, Vec<Vec<u8>>) {
        let key = (iface, ip);
        let expires = now + ENTRY_LIFETIME;
        let learned = match self.entries.get_mut(&key) {
            Some(entry) if entry.permanent => Learned::Ignored,
            Some(entry) if entry.expires > now => {
                let old = entry.mac;
                *entry = Entry::learned(mac, expires);
                if old == mac {
                    Learned::Refreshed
                } else {
                    Learned::Changed { old }
                }
            }
            _ if for_us || self.pending.contains_key(&key) => {
                self.entries.insert(key, Entry::learned(mac, expires));
                Learned::Added
            }
            _ => Learned::Ignored,
        };
        let waiting = match learned {
            Learned::Ignored => Vec::new(),
            _ => self
                .pending
                .remove(&key)
                .map(|p| p.frames.into())
                .unwrap_or_default(),
        };
        (learned, expires, waiting)
    }

    /// Adds a permanent entry: `ip` on `iface` is at `mac` until the entry
    /// is replaced by another permanent one (see the module's
    /// documentation). Replaces any entry `ip` had. Returns the frames that
    /// were waiting for this neighbour, to be sent now (their retry timer
    /// then has nothing left to do).
    pub fn add_static(&mut self, iface: usize, ip: Ipv4Addr, mac: MacAddr) -> Vec<Vec<u8>> {
        let key = (iface, ip);
        let entry = Entry {
            mac,
            expires: SimTime::MAX,
            permanent: true,
        };
        self.entries.insert(key, entry);
        self.pending
            .remove(&key)
            .map(|p| p.frames.into())
            .unwrap_or_default()
    }

    /// Whether `ip` on `iface` has a permanent entry.
    pub fn is_static(&self, iface: usize, ip: Ipv4Addr) -> bool {
        self.entries.get(&(iface, ip)).is_some_and(|e| e.permanent)
    }

    /// Holds `frame` until `ip` on `iface` is resolved.
    pub fn enqueue(
        &mut self,
        now: SimTime,
        iface: usize,
        ip: Ipv4Addr,
        frame: Vec<u8>,
    ) -> Enqueued {
        let pending = self.pending.entry((iface, ip)).or_default();
        let dropped = if pending.frames.len() >= PENDING_LIMIT {
            pending.frames.pop_front()
        } else {
            None
        };
        pending.frames.push_back(frame);
        if pending.requests_sent == 0 {
            pending.requests_sent = 1;
            return Enqueued::SendRequest(now + RETRY_INTERVAL);
        }
        match dropped {
            Some(old) => Enqueued::DroppedOldest(old),
            None => Enqueued::Queued,
        }
    }

    /// The retry timer for `ip` on `iface` fired.
    pub fn on_retry_timer(&mut self, now: SimTime, iface: usize, ip: Ipv4Addr) -> Retry {
        let key = (iface, ip);
        let Some(pending) = self.pending.get_mut(&key) else {
            return Retry::Nothing;
        };
        if pending.requests_sent < MAX_REQUESTS {
            pending.requests_sent += 1;
            return Retry::Resend {
                attempt: pending.requests_sent,
                next: now + RETRY_INTERVAL,
            };
        }
        let frames = self
            .pending
            .remove(&key)
            .map(|p| p.frames.into())
            .unwrap_or_default();
        Retry::Failed(frames)
    }

    /// The expiry timer armed by [`Neighbors::learn`] fired. Removes the entry
    /// and returns its MAC if it has really expired (a refresh since then
    /// moved its expiry later, and the timer armed then will remove it; a
    /// permanent entry that replaced the learned one never expires).
    pub fn on_expiry_timer(&mut self, now: SimTime, iface: usize, ip: Ipv4Addr) -> Option<MacAddr> {
        let key = (iface, ip);
        let entry = self
            .entries
            .get(&key)
            .filter(|e| !e.permanent && e.expires <= now)?;
        let mac = entry.mac;
        self.entries.remove(&key);
        Some(mac)
    }

    /// Every valid entry, ordered by interface then address: `(iface, ip,
    /// mac, expires)`, where a permanent entry expires at [`SimTime::MAX`].
    pub fn entries(
        &self,
        now: SimTime,
    ) -> impl Iterator<Item = (usize, Ipv4Addr, MacAddr, SimTime)> + '_ {
        self.entries
            .iter()
            .filter(move |(_, e)| e.expires > now)
            .map(|(&(iface, ip), e)| (iface, ip, e.mac, e.expires))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
    const MAC: MacAddr = MacAddr::local(3);

    fn at(ms: u64) -> SimTime {
        SimTime::from_millis(ms)
    }

    #[test]
    fn resolves_and_flushes_waiting_frames_in_order() {
        let mut n = Neighbors::new();
        assert_eq!(n.lookup(at(0), 0, IP), None);
        assert_eq!(
            n.enqueue(at(0), 0, IP, vec![1]),
            Enqueued::SendRequest(at(1000))
        );
        assert_eq!(n.enqueue(at(5), 0, IP, vec![2]), Enqueued::Queued);
        // A reply is not "for us" by address, but we asked: it is accepted.
        let (learned, expires, frames) = n.learn(at(10), 0, IP, MAC, false);
        assert_eq!(learned, Learned::Added);
        assert_eq!(expires, at(10) + ENTRY_LIFETIME);
        assert_eq!(frames, vec![vec![1], vec![2]]);
        assert_eq!(n.lookup(at(11), 0, IP), Some(MAC));
        // The retry timer finds nothing left to do.
        assert_eq!(n.on_retry_timer(at(1000), 0, IP), Retry::Nothing);
    }

    #[test]
    fn gives_up_after_three_requests() {
        let mut n = Neighbors::new();
        n.enqueue(at(0), 0, IP, vec![1]);
        assert_eq!(
            n.on_retry_timer(at(1000), 0, IP),
            Retry::Resend {
                attempt: 2,
                next: at(2000)
            }
        );
        assert_eq!(
            n.on_retry_timer(at(2000), 0, IP),
            Retry::Resend {
                attempt: 3,
                next: at(3000)
            }
        );
        assert_eq!(
            n.on_retry_timer(at(3000), 0, IP),
            Retry::Failed(vec![vec![1]])
        );
        assert_eq!(n.lookup(at(3000), 0, IP), None);
        // A new packet starts over with a fresh request.
        assert_eq!(
            n.enqueue(at(4000), 0, IP, vec![2]),
            Enqueued::SendRequest(at(5000))
        );
    }

    #[test]
    fn bounded_queue_drops_the_oldest() {
        let mut n = Neighbors::new();
        for i in 0..PENDING_LIMIT as u8 {
            n.enqueue(at(0), 0, IP, vec![i]);
        }
        assert_eq!(
            n.enqueue(at(1), 0, IP, vec![99]),
            Enqueued::DroppedOldest(vec![0])
        );
        let (_, _, frames) = n.learn(at(2), 0, IP, MAC, true);
        assert_eq!(frames.len(), PENDING_LIMIT);
        assert_eq!(frames.last(), Some(&vec![99]));
    }

    #[test]
    fn merge_rule_updates_known_senders_only() {
        let mut n = Neighbors::new();
        // Unknown sender, packet not for us: not added (RFC 826).
        assert_eq!(n.learn(at(0), 0, IP, MAC, false).0, Learned::Ignored);
        assert_eq!(n.lookup(at(0), 0, IP), None);
        // Addressed to us: added.
        assert_eq!(n.learn(at(0), 0, IP, MAC, true).0, Learned::Added);
        // Known sender, not for us: updated.
        let other = MacAddr::local(9);
        assert_eq!(
            n.learn(at(1), 0, IP, other, false).0,
            Learned::Changed { old: MAC }
        );
        assert_eq!(n.learn(at(2), 0, IP, other, false).0, Learned::Refreshed);
        // Entries are per interface.
        assert_eq!(n.lookup(at(2), 1, IP), None);
    }

    #[test]
    fn entries_expire_unless_refreshed() {
        let mut n = Neighbors::new();
        let (_, first_expiry, _) = n.learn(at(0), 0, IP, MAC, true);
        let (_, second_expiry, _) = n.learn(at(30_000), 0, IP, MAC, true);
        // The first timer fires but the entry was refreshed since.
        assert_eq!(n.on_expiry_timer(first_expiry, 0, IP), None);
        assert_eq!(n.lookup(first_expiry, 0, IP), Some(MAC));
        assert_eq!(n.on_expiry_timer(second_expiry, 0, IP), Some(MAC));
        assert_eq!(n.lookup(second_expiry, 0, IP), None);
        assert_eq!(n.entries(second_expiry).count(), 0);
    }

    #[test]
    fn a_static_entry_never_expires_and_arp_never_changes_it() {
        let mut n = Neighbors::new();
        assert!(n.add_static(0, IP, MAC).is_empty());
        assert!(n.is_static(0, IP));
        let later = at(0) + ENTRY_LIFETIME * 10;
        assert_eq!(n.lookup(later, 0, IP), Some(MAC));
        assert_eq!(n.on_expiry_timer(later, 0, IP), None);
        // The merge rule leaves it alone, whatever the packet claims.
        let other = MacAddr::local(9);
        assert_eq!(n.learn(at(5), 0, IP, other, true).0, Learned::Ignored);
        assert_eq!(n.learn(at(6), 0, IP, MAC, false).0, Learned::Ignored);
        assert_eq!(n.lookup(later, 0, IP), Some(MAC));
        assert_eq!(
            n.entries(later).collect::<Vec<_>>(),
            [(0, IP, MAC, SimTime::MAX)]
        );
        // Per interface, like every entry; another static one replaces it.
        assert_eq!(n.lookup(at(0), 1, IP), None);
        n.add_static(0, IP, other);
        assert_eq!(n.lookup(later, 0, IP), Some(other));
    }

    #[test]
    fn a_static_entry_replaces_a_learned_one_and_resolves_waiting_frames() {
        let mut n = Neighbors::new();
        let (_, expiry, _) = n.learn(at(0), 0, IP, MacAddr::local(9), true);
        n.add_static(0, IP, MAC);
        assert!(!n.is_static(0, IP2));
        // The learned entry's expiry timer no longer removes anything.
        assert_eq!(n.on_expiry_timer(expiry, 0, IP), None);
        assert_eq!(n.lookup(expiry, 0, IP), Some(MAC));
        // Frames waiting for another address go out once it is configured,
        // and its retry timer then has nothing left to do.
        assert_eq!(
            n.enqueue(at(0), 0, IP2, vec![1]),
            Enqueued::SendRequest(at(1000))
        );
        assert_eq!(n.add_static(0, IP2, MAC), vec![vec![1]]);
        assert_eq!(n.on_retry_timer(at(1000), 0, IP2), Retry::Nothing);
    }

    const IP2: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
}

/// An IP node with a permanent entry, driven with hand-built frames.
#[cfg(test)]
mod static_node_tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use super::{StaticNeighborError, ENTRY_LIFETIME};
    use crate::sim::{Outbox, SimTime};
    use crate::stack::ip_node_tests::ip_frame;
    use crate::stack::{IpIface, IpNode, PingConfig, Timer};
    use crate::trace::event::Note;
    use crate::wire::ethernet::{build_frame, HEADER_LEN};
    use crate::wire::{
        ArpOperation, ArpRepr, EtherType, EthernetFrame, EthernetRepr, IcmpRepr, IpProtocol,
        Ipv4Packet, Ipv4Repr, MacAddr,
    };

    const MY_MAC: MacAddr = MacAddr::local(1);
    const MY_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
    /// The neighbour with the permanent entry.
    const PEER_MAC: MacAddr = MacAddr::local(2);
    const PEER_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
    /// Another station, which claims the peer's address.
    const LIAR_MAC: MacAddr = MacAddr::local(66);
    const T0: SimTime = SimTime::from_secs(1);

    /// A host 10.0.0.1/24 knowing 10.0.0.2 by a permanent entry.
    fn host() -> IpNode {
        let mut node = IpNode::new(false);
        node.add_iface(IpIface {
            name: "eth0".into(),
            mac: MY_MAC,
            cidr: "10.0.0.1/24".parse().unwrap(),
            mtu: 1500,
        });
        let mut out = Outbox::new(true);
        node.add_static_neighbor(0, PEER_IP, PEER_MAC, &mut out)
            .unwrap();
        assert!(out.frames.is_empty() && out.timers.is_empty());
        node
    }

    fn ping(node: &mut IpNode) -> usize {
        node.add_ping(PingConfig {
            dst: PEER_IP,
            count: 1,
            interval: Duration::from_secs(1),
            size: 56,
            ttl: 64,
            wait: Duration::from_secs(5),
        })
    }

    /// The frames sent, each as (destination MAC, ethertype, payload).
    fn sent(out: &mut Outbox) -> Vec<(MacAddr, EtherType, Vec<u8>)> {
        out.frames
            .drain(..)
            .map(|(iface, f)| {
                assert_eq!(iface, 0);
                let eth = EthernetFrame::new_checked(&f[..]).unwrap();
                assert_eq!(eth.src_addr(), MY_MAC);
                (eth.dst_addr(), eth.ethertype(), f[HEADER_LEN..].to_vec())
            })
            .collect()
    }

    /// The ICMP message of an IPv4 packet from us to the peer.
    fn icmp_to_peer(packet: &[u8]) -> IcmpRepr<'_> {
        let ip = Ipv4Packet::new_checked(packet).unwrap();
        let repr = Ipv4Repr::parse(&ip).unwrap();
        assert_eq!((repr.src, repr.dst), (MY_IP, PEER_IP));
        assert_eq!(repr.protocol, IpProtocol::ICMP);
        IcmpRepr::parse(&packet[20..20 + repr.payload_len]).unwrap()
    }

    fn arp_frame(op: ArpOperation, from: MacAddr, to: MacAddr, target_ip: Ipv4Addr) -> Vec<u8> {
        let arp = ArpRepr {
            operation: op,
            sender_mac: from,
            sender_ip: PEER_IP,
            target_mac: if op == ArpOperation::Request {
                MacAddr::ZERO
            } else {
                to
            },
            target_ip,
        };
        let eth = EthernetRepr {
            src: from,
            dst: to,
            ethertype: EtherType::ARP,
        };
        let mut frame = Vec::new();
        build_frame(&mut frame, &eth, 28, |b| arp.emit(b));
        frame
    }

    /// An echo request from the peer to us, sent from `src_mac`.
    fn echo_request_from_peer(src_mac: MacAddr) -> Vec<u8> {
        let icmp = IcmpRepr::EchoRequest {
            ident: 9,
            seq_no: 1,
            data: b"static",
        };
        let (src, dst) = (PEER_IP.to_string(), MY_IP.to_string());
        ip_frame(src_mac, MY_MAC, &src, &dst, 64, &icmp)
    }

    #[test]
    fn the_first_packet_goes_straight_to_the_static_mac() {
        let mut node = host();
        let mut out = Outbox::new(true);
        let index = ping(&mut node);
        node.on_timer(T0, Timer::PingSend(index), &mut out);
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1, "the echo request and no ARP request");
        let (dst, ethertype, packet) = &frames[0];
        assert_eq!((*dst, *ethertype), (PEER_MAC, EtherType::IPV4));
        assert!(matches!(
            icmp_to_peer(packet),
            IcmpRepr::EchoRequest { seq_no: 1, .. }
        ));
        assert!(
            !out.timers
                .iter()
                .any(|(_, t)| matches!(t, Timer::ArpRetry { .. } | Timer::ArpExpire { .. })),
            "no ARP timer armed"
        );
    }

    #[test]
    fn the_static_entry_outlives_the_learned_lifetime() {
        let mut node = host();
        let mut out = Outbox::new(true);
        let late = T0 + ENTRY_LIFETIME + Duration::from_secs(1);
        // An expiry timer for the address, as a once-learned entry leaves.
        node.on_timer(
            late,
            Timer::ArpExpire {
                iface: 0,
                ip: PEER_IP,
            },
            &mut out,
        );
        assert!(
            !out.notes
                .iter()
                .any(|n| matches!(n, Note::ArpExpire { .. })),
            "a permanent entry does not expire"
        );
        // The peer pings us a minute later: the reply needs no ARP either.
        node.on_frame(late, 0, echo_request_from_peer(PEER_MAC), &mut out);
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1, "the echo reply and no ARP request");
        let (dst, ethertype, packet) = &frames[0];
        assert_eq!((*dst, *ethertype), (PEER_MAC, EtherType::IPV4));
        assert!(matches!(
            icmp_to_peer(packet),
            IcmpRepr::EchoReply { seq_no: 1, .. }
        ));
        assert_eq!(node.neighbors().lookup(late, 0, PEER_IP), Some(PEER_MAC));
        assert!(node.neighbors().is_static(0, PEER_IP));
    }

    #[test]
    fn arp_packets_claiming_the_address_do_not_change_it() {
        let mut node = host();
        let mut out = Outbox::new(true);
        // A reply, unasked for, then a request for our address, both
        // saying 10.0.0.2 is at LIAR_MAC.
        let reply = arp_frame(ArpOperation::Reply, LIAR_MAC, MY_MAC, MY_IP);
        node.on_frame(T0, 0, reply, &mut out);
        assert!(sent(&mut out).is_empty());
        let request = arp_frame(ArpOperation::Request, LIAR_MAC, MacAddr::BROADCAST, MY_IP);
        node.on_frame(T0, 0, request, &mut out);
        // The request is still answered, to the MAC that asked.
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1);
        let (dst, ethertype, payload) = &frames[0];
        assert_eq!((*dst, *ethertype), (LIAR_MAC, EtherType::ARP));
        let answer = ArpRepr::parse(payload).unwrap();
        assert_eq!(answer.operation, ArpOperation::Reply);
        assert_eq!((answer.sender_mac, answer.sender_ip), (MY_MAC, MY_IP));
        assert!(
            !out.notes
                .iter()
                .any(|n| matches!(n, Note::ArpAdd { .. } | Note::ArpUpdate { .. })),
            "the cache did not change"
        );
        // Our own traffic still goes to the configured MAC.
        let index = ping(&mut node);
        node.on_timer(T0, Timer::PingSend(index), &mut out);
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].0, PEER_MAC);
    }

    #[test]
    fn configuring_an_address_being_resolved_sends_what_waited() {
        let mut node = host();
        let mut out = Outbox::new(true);
        let other = Ipv4Addr::new(10, 0, 0, 3);
        let other_mac = MacAddr::local(3);
        let index = node.add_ping(PingConfig {
            dst: other,
            count: 1,
            interval: Duration::from_secs(1),
            size: 56,
            ttl: 64,
            wait: Duration::from_secs(5),
        });
        node.on_timer(T0, Timer::PingSend(index), &mut out);
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1, "an ARP request; the echo waits");
        assert_eq!(
            (frames[0].0, frames[0].1),
            (MacAddr::BROADCAST, EtherType::ARP)
        );
        node.add_static_neighbor(0, other, other_mac, &mut out)
            .unwrap();
        let frames = sent(&mut out);
        assert_eq!(frames.len(), 1, "the echo request leaves now");
        assert_eq!((frames[0].0, frames[0].1), (other_mac, EtherType::IPV4));
        assert!(out.cancels.contains(&Timer::ArpRetry {
            iface: 0,
            ip: other
        }));
    }

    #[test]
    fn refuses_entries_that_could_never_be_used() {
        let mut node = host();
        let mut out = Outbox::new(false);
        let mut add = |iface, ip: &str, mac| {
            node.add_static_neighbor(iface, ip.parse().unwrap(), mac, &mut out)
        };
        assert_eq!(
            add(1, "10.0.0.2", PEER_MAC),
            Err(StaticNeighborError::NoSuchIface(1))
        );
        for ip in ["0.0.0.0", "10.0.0.255", "255.255.255.255"] {
            assert_eq!(
                add(0, ip, PEER_MAC),
                Err(StaticNeighborError::NotUnicastIp(ip.parse().unwrap()))
            );
        }
        assert_eq!(
            add(0, "10.0.0.9", MacAddr::BROADCAST),
            Err(StaticNeighborError::NotUnicastMac(MacAddr::BROADCAST))
        );
        assert!(out.frames.is_empty());
    }
}
