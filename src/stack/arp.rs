//! The ARP neighbour cache (RFC 826), as a sans-IO state machine.
//!
//! It maps (interface, IPv4 address) to a MAC address with a lifetime, and
//! holds the frames waiting for an address to be resolved. It never sends
//! anything itself: each call returns what the node must do (send a request,
//! flush frames, report a failure, arm a timer), which is what lets the unit
//! tests drive it with nothing but values.

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
    expires: SimTime,
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
    /// Nothing: the sender was unknown and the packet was not for us.
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
    /// addressed to one of our addresses). Returns what changed, when the
    /// entry now expires (arm an expiry timer for it), and the frames that
    /// were waiting for this neighbour, to be sent now.
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
            Some(entry) if entry.expires > now => {
                let old = entry.mac;
                *entry = Entry { mac, expires };
                if old == mac {
                    Learned::Refreshed
                } else {
                    Learned::Changed { old }
                }
            }
            _ if for_us || self.pending.contains_key(&key) => {
                self.entries.insert(key, Entry { mac, expires });
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
    /// moved its expiry later, and the timer armed then will remove it).
    pub fn on_expiry_timer(&mut self, now: SimTime, iface: usize, ip: Ipv4Addr) -> Option<MacAddr> {
        let key = (iface, ip);
        let entry = self.entries.get(&key).filter(|e| e.expires <= now)?;
        let mac = entry.mac;
        self.entries.remove(&key);
        Some(mac)
    }

    /// Every valid entry, ordered by interface then address: `(iface, ip, mac, expires)`.
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
}
