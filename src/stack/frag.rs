//! IPv4 fragmentation and reassembly (RFC 791 section 3.2, RFC 815).
//!
//! A datagram larger than a link's MTU travels as fragments: each carries a
//! slice of the payload at an offset that is a multiple of 8 bytes, and all
//! but the last have "more fragments" set. The destination gathers the
//! slices of each datagram, keyed by source, destination, protocol and
//! identification, until it has every byte; a datagram still incomplete
//! after [`REASSEMBLY_TIMEOUT`] is dropped.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use crate::sim::SimTime;
use crate::wire::IpProtocol;

/// How long the fragments of one datagram may take to arrive (Linux's
/// `ipfrag_time` default; RFC 791 suggests 15 s as a lower bound).
pub const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30);

/// Datagrams reassembled at once; a new one beyond this evicts the oldest.
pub const MAX_DATAGRAMS: usize = 64;

/// The largest IPv4 payload: 65535 bytes total less a 20-byte header.
pub const MAX_PAYLOAD: usize = 65_515;

/// Which datagram a fragment belongs to (RFC 791: "the identification field
/// together with source, destination and protocol").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FragKey {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol.
    pub protocol: IpProtocol,
    /// Identification.
    pub ident: u16,
}

/// The fragment sizes for sending a `payload_len`-byte payload over a link
/// whose MTU leaves `mtu - header_len` bytes per packet: `(offset, len)`
/// pairs, every offset a multiple of 8.
pub fn fragment_sizes(
    payload_len: usize,
    mtu: usize,
    header_len: usize,
) -> impl Iterator<Item = (usize, usize)> {
    // At least 8 bytes of data per fragment (RFC 791: the minimum MTU is 68).
    let per_fragment = (mtu.saturating_sub(header_len) & !7).max(8);
    (0..payload_len.max(1))
        .step_by(per_fragment)
        .map(move |offset| (offset, per_fragment.min(payload_len - offset)))
}

#[derive(Debug)]
struct Partial {
    started: SimTime,
    data: Vec<u8>,
    /// Byte ranges received, sorted and merged.
    have: Vec<(usize, usize)>,
    /// The payload length, known once the last fragment has arrived.
    total: Option<usize>,
    /// The first fragment's header bytes, for an ICMP error on timeout.
    first_header: Option<Vec<u8>>,
}

impl Partial {
    fn insert_range(&mut self, start: usize, end: usize) {
        self.have.push((start, end));
        self.have.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.have.len());
        for &(s, e) in &self.have {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
    }

    fn complete(&self) -> bool {
        self.total.is_some_and(|total| self.have == [(0, total)])
    }
}

/// What became of a fragment.
#[derive(Debug, PartialEq, Eq)]
pub enum Reassembled {
    /// The datagram is complete: its whole payload.
    Complete(Vec<u8>),
    /// More fragments are needed; if this fragment started a new datagram,
    /// arm a timer for the returned time.
    Waiting(Option<SimTime>),
    /// The fragment contradicts the others or overflows 65535 bytes: the
    /// whole datagram is dropped.
    Invalid,
}

/// The fragments waiting to be reassembled on one node.
#[derive(Debug, Default)]
pub struct Reassembler {
    partial: BTreeMap<FragKey, Partial>,
}

impl Reassembler {
    /// Nothing waiting.
    pub fn new() -> Self {
        Self::default()
    }

    /// Datagrams being reassembled.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    /// Adds the fragment at byte `offset` with `more_frags` and `data`;
    /// `header` is the fragment's IP header (kept from the first fragment).
    pub fn add(
        &mut self,
        now: SimTime,
        key: FragKey,
        offset: usize,
        more_frags: bool,
        data: &[u8],
        header: &[u8],
    ) -> Reassembled {
        let end = offset + data.len();
        if end > MAX_PAYLOAD || (more_frags && data.len() % 8 != 0) {
            self.partial.remove(&key);
            return Reassembled::Invalid;
        }
        let mut timer = None;
        if !self.partial.contains_key(&key) {
            if self.partial.len() >= MAX_DATAGRAMS {
                let oldest = self
                    .partial
                    .iter()
                    .min_by_key(|(_, p)| p.started)
                    .map(|(k, _)| *k);
                if let Some(oldest) = oldest {
                    self.partial.remove(&oldest);
                }
            }
            timer = Some(now + REASSEMBLY_TIMEOUT);
        }
        let p = self.partial.entry(key).or_insert_with(|| Partial {
            started: now,
            data: Vec::new(),
            have: Vec::new(),
            total: None,
            first_header: None,
        });
        if !more_frags {
            if p.total.is_some_and(|t| t != end) || p.have.last().is_some_and(|&(_, e)| e > end) {
                self.partial.remove(&key);
                return Reassembled::Invalid;
            }
            p.total = Some(end);
        } else if p.total.is_some_and(|t| end > t) {
            self.partial.remove(&key);
            return Reassembled::Invalid;
        }
        if offset == 0 {
            p.first_header = Some(header.to_vec());
        }
        if p.data.len() < end {
            p.data.resize(end, 0);
        }
        // Overlaps are resolved in favour of the later copy (RFC 791 allows
        // either; duplicates carry the same bytes anyway).
        p.data[offset..end].copy_from_slice(data);
        p.insert_range(offset, end);
        if p.complete() {
            // Complete means every byte of 0..total arrived and none beyond.
            let done = self
                .partial
                .remove(&key)
                .map(|p| p.data)
                .unwrap_or_default();
            return Reassembled::Complete(done);
        }
        Reassembled::Waiting(timer)
    }

    /// The reassembly timer of `key` fired at `now`: drops the datagram if it
    /// is still incomplete and has waited long enough. Returns the first
    /// fragment's header and leading data (for ICMP "fragment reassembly time
    /// exceeded", RFC 792, sent only if the first fragment arrived), or
    /// `Some(None)` when dropped without one, `None` when nothing was dropped.
    pub fn on_timer(&mut self, now: SimTime, key: FragKey) -> Option<Option<Vec<u8>>> {
        let p = self.partial.get(&key)?;
        if now.saturating_since(p.started) < REASSEMBLY_TIMEOUT {
            return None;
        }
        let p = self.partial.remove(&key)?;
        Some(p.first_header.map(|mut quoted| {
            quoted.extend(p.data.iter().take(8));
            quoted
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: FragKey = FragKey {
        src: Ipv4Addr::new(10, 0, 0, 1),
        dst: Ipv4Addr::new(10, 0, 0, 2),
        protocol: IpProtocol::UDP,
        ident: 7,
    };

    fn payload(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7) as u8).collect()
    }

    #[test]
    fn sizes_are_multiples_of_eight_and_cover_the_payload() {
        let sizes: Vec<_> = fragment_sizes(4008, 1500, 20).collect();
        assert_eq!(sizes, [(0, 1480), (1480, 1480), (2960, 1048)]);
        let odd: Vec<_> = fragment_sizes(100, 68, 20).collect();
        assert_eq!(odd, [(0, 48), (48, 48), (96, 4)]);
        assert_eq!(fragment_sizes(0, 1500, 20).collect::<Vec<_>>(), [(0, 0)]);
    }

    #[test]
    fn reassembles_in_any_order_with_duplicates() {
        let data = payload(4008);
        let frags: Vec<_> = fragment_sizes(data.len(), 1500, 20).collect();
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let mut r = Reassembler::new();
            let t = SimTime::from_secs(1);
            let mut result = None;
            for (n, &i) in order.iter().enumerate() {
                let (off, len) = frags[i];
                let more = i < 2;
                let out = r.add(t, KEY, off, more, &data[off..off + len], &[0x45; 20]);
                if n == 0 {
                    assert_eq!(out, Reassembled::Waiting(Some(t + REASSEMBLY_TIMEOUT)));
                    // A duplicate changes nothing.
                    assert_eq!(
                        r.add(t, KEY, off, more, &data[off..off + len], &[]),
                        Reassembled::Waiting(None)
                    );
                } else if n == 2 {
                    result = Some(out);
                }
            }
            assert_eq!(
                result,
                Some(Reassembled::Complete(data.clone())),
                "order {order:?}"
            );
            assert_eq!(r.pending(), 0);
        }
    }

    #[test]
    fn times_out_and_quotes_the_first_fragment() {
        let mut r = Reassembler::new();
        let t = SimTime::from_secs(1);
        let data = payload(16);
        r.add(t, KEY, 0, true, &data[..8], &[0x45; 20]);
        assert_eq!(r.on_timer(t + Duration::from_secs(29), KEY), None);
        let quoted = r.on_timer(t + REASSEMBLY_TIMEOUT, KEY).unwrap().unwrap();
        assert_eq!(quoted.len(), 28);
        assert_eq!(&quoted[20..], &data[..8]);
        assert_eq!(r.pending(), 0);
        // Without the first fragment there is nothing to quote.
        r.add(t, KEY, 8, false, &data[8..], &[]);
        assert_eq!(r.on_timer(t + REASSEMBLY_TIMEOUT, KEY), Some(None));
    }

    #[test]
    fn rejects_contradictions_and_oversize() {
        let mut r = Reassembler::new();
        let t = SimTime::ZERO;
        // A non-last fragment whose length is not a multiple of 8.
        assert_eq!(r.add(t, KEY, 0, true, &[0; 12], &[]), Reassembled::Invalid);
        // Beyond 65535 bytes in all (the "ping of death").
        assert_eq!(
            r.add(t, KEY, 65_512, false, &[0; 16], &[]),
            Reassembled::Invalid
        );
        // Data beyond the end the last fragment announced.
        r.add(t, KEY, 8, false, &[0; 8], &[]);
        assert_eq!(r.add(t, KEY, 16, true, &[0; 8], &[]), Reassembled::Invalid);
        assert_eq!(r.pending(), 0);
    }
}
