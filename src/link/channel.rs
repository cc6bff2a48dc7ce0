//! A link between two interfaces: full duplex, each direction a channel with
//! latency, bandwidth, a bounded transmit queue, and the impairments of a
//! real path: loss, duplication, reordering and corruption.
//!
//! A frame handed to a channel waits for the frames ahead of it, is
//! serialized at the link's bit rate, then propagates for the latency. Rather
//! than schedule an event when each transmission ends, a channel computes
//! every frame's start at hand-over (frames leave in order, one at a time),
//! so a frame costs one event: its arrival. The queue holds the frames whose
//! transmission has not started; when it is full the new frame is dropped
//! (tail drop).
//!
//! Once a frame is on the wire, the channel draws its fate, in this order,
//! each draw only when its probability is above zero (so a link without an
//! impairment leaves its random stream exactly as a link that never had
//! the parameter):
//! 1. `loss`: the frame never arrives.
//! 2. `duplicate`: a second copy arrives too, right behind the first (a
//!    duplicate costs no wire time: it is made past the transmitter).
//! 3. For each copy that arrives, independently:
//!    - `corrupt`: one bit of the frame, chosen uniformly, is flipped. The
//!      frames simnet carries have no Ethernet FCS, so nothing at the link
//!      layer notices; the IPv4, ICMP, UDP and TCP checksums must (the
//!      Internet checksum detects every single-bit error, RFC 1071). This
//!      models corruption where no link CRC protects the bytes (a router's
//!      memory, a faulty NIC): the end-to-end argument made visible.
//!    - `reorder`: the copy is held back for an extra delay drawn uniformly
//!      from (0, `reorder_delay`], without holding up the frames behind it,
//!      which may then overtake it.
//!
//! These are the impairments Linux's `netem` queueing discipline offers
//! (`loss`, `duplicate`, `corrupt`, `reorder` with a `delay`).

use std::collections::VecDeque;
use std::time::Duration;

use crate::sim::rng::RngStream;
use crate::sim::SimTime;

/// Bytes on the wire around each frame that the frame bytes do not show:
/// preamble and start delimiter (8), frame check sequence (4) and the
/// minimum inter-frame gap (12), as IEEE 802.3 puts them.
pub const WIRE_OVERHEAD_BYTES: usize = 8 + 4 + 12;

/// The parameters of a link, the same in both directions.
///
/// Every probability is per frame and per direction, in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkParams {
    /// One-way propagation delay.
    pub latency: Duration,
    /// Bits per second; 0 means infinitely fast.
    pub bandwidth_bps: u64,
    /// Frames that may wait for transmission in each direction.
    pub queue_frames: usize,
    /// Probability that a frame is lost in transit.
    pub loss: f64,
    /// Probability that a frame arrives twice.
    pub duplicate: f64,
    /// Probability that a frame is held back by up to `reorder_delay`, so
    /// that frames sent after it may arrive before it.
    pub reorder: f64,
    /// The longest a reordered frame is held back.
    pub reorder_delay: Duration,
    /// Probability that one bit of a frame is flipped in transit.
    pub corrupt: f64,
    /// A time the cable is cut, from the first instant until (not
    /// including) the second, in both directions: every frame sent then is
    /// lost. `None`: never.
    pub down: Option<(Duration, Duration)>,
}

impl LinkParams {
    /// 1 ms, 100 Mbit/s, 100 frames of queue, no impairments: the
    /// [`Default`], usable in `const` items
    /// (`LinkParams { loss: 0.01, ..LinkParams::DEFAULT }`).
    pub const DEFAULT: LinkParams = LinkParams {
        latency: Duration::from_millis(1),
        bandwidth_bps: 100_000_000,
        queue_frames: 100,
        loss: 0.0,
        duplicate: 0.0,
        reorder: 0.0,
        reorder_delay: Duration::from_millis(1),
        corrupt: 0.0,
        down: None,
    };

    /// How long `frame_len` bytes take to serialize at this bandwidth.
    pub fn serialization(&self, frame_len: usize) -> Duration {
        if self.bandwidth_bps == 0 {
            return Duration::ZERO;
        }
        // In u64 whenever it fits (any real frame: a 128-bit division is a
        // library call, once per frame); in u128 otherwise.
        let bits = (frame_len as u64)
            .saturating_add(WIRE_OVERHEAD_BYTES as u64)
            .saturating_mul(8);
        let nanos = match bits.checked_mul(1_000_000_000) {
            Some(scaled) => scaled.div_ceil(self.bandwidth_bps),
            None => {
                let wide =
                    (u128::from(bits) * 1_000_000_000).div_ceil(u128::from(self.bandwidth_bps));
                u64::try_from(wide).unwrap_or(u64::MAX)
            }
        };
        Duration::from_nanos(nanos)
    }

    /// The first parameter that is out of range.
    pub fn check(&self) -> Result<(), BadLinkParam> {
        let bad = |key, message: String| Err(BadLinkParam { key, message });
        let probabilities = [
            ("loss", self.loss),
            ("duplicate", self.duplicate),
            ("reorder", self.reorder),
            ("corrupt", self.corrupt),
        ];
        for (key, p) in probabilities {
            if !(0.0..=1.0).contains(&p) {
                let message =
                    format!("{key} must be a probability between 0 and 1 (0.01 is 1%), got {p}");
                return bad(key, message);
            }
        }
        if self.queue_frames == 0 {
            return bad("queue", "queue must hold at least 1 frame".to_string());
        }
        if self.reorder > 0.0 && self.reorder_delay.is_zero() {
            let message = "reorder needs a reorder_delay above zero".to_string();
            return bad("reorder_delay", message);
        }
        Ok(())
    }

    /// Whether any impairment beyond loss is on: such a link needs the
    /// per-copy draws of [`Channel::transmit`].
    fn mangles(&self) -> bool {
        self.duplicate > 0.0 || self.reorder > 0.0 || self.corrupt > 0.0
    }
}

/// A link parameter out of range: which one (its scenario-file key) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLinkParam {
    /// The parameter's key in a scenario file: `loss`, `queue`, ….
    pub key: &'static str,
    /// What is wrong, naming the key.
    pub message: String,
}

impl std::fmt::Display for BadLinkParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BadLinkParam {}

impl Default for LinkParams {
    /// [`LinkParams::DEFAULT`].
    fn default() -> Self {
        LinkParams::DEFAULT
    }
}

/// One copy of a frame that reaches the far end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// When it arrives.
    pub at: SimTime,
    /// The bit flipped on the way (bit `i` is bit `i % 8`, counting from the
    /// least significant, of byte `i / 8`), if it was corrupted.
    pub flipped_bit: Option<usize>,
    /// How long it was held back beyond its normal arrival (reordering);
    /// zero if it was not.
    pub held: Duration,
}

impl Arrival {
    /// An unharmed copy arriving at `at`.
    pub fn clean(at: SimTime) -> Arrival {
        Arrival {
            at,
            flipped_bit: None,
            held: Duration::ZERO,
        }
    }
}

/// What became of a frame handed to a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It arrives; with a second copy if the link duplicated it.
    Arrives {
        /// The frame.
        first: Arrival,
        /// Its duplicate, if any.
        copy: Option<Arrival>,
    },
    /// It was lost in transit (it still used the wire).
    Lost,
    /// The cable was cut when it was sent ([`LinkParams::down`]).
    Down,
    /// The transmit queue was full; it never left.
    QueueFull,
}

impl Fate {
    /// One clean copy arriving at `at`.
    pub fn arrives(at: SimTime) -> Fate {
        Fate::Arrives {
            first: Arrival::clean(at),
            copy: None,
        }
    }
}

/// One direction of a link.
#[derive(Debug)]
pub struct Channel {
    params: LinkParams,
    rng: RngStream,
    /// When the transmitter finishes the last frame accepted so far.
    busy_until: SimTime,
    /// Start times of accepted frames still waiting to be transmitted.
    waiting: VecDeque<SimTime>,
    /// Nanoseconds per byte on the wire when the bandwidth divides 8
    /// Gbit/s (1 Gbit/s: 8, 100 Mbit/s: 80, unlimited: 0), so that a frame's
    /// serialization is one multiplication rather than a division; `None`
    /// for other bandwidths, which take [`LinkParams::serialization`].
    ns_per_byte: Option<u64>,
}

impl Channel {
    /// A channel with `params`, drawing its impairments from `rng`.
    pub fn new(params: LinkParams, rng: RngStream) -> Channel {
        let bps = params.bandwidth_bps;
        let ns_per_byte = match bps {
            0 => Some(0),
            _ => (8_000_000_000 % bps == 0).then(|| 8_000_000_000 / bps),
        };
        Channel {
            params,
            rng,
            busy_until: SimTime::ZERO,
            waiting: VecDeque::new(),
            ns_per_byte,
        }
    }

    /// How long `frame_len` bytes take to serialize: exactly
    /// [`LinkParams::serialization`], by one multiplication when the
    /// bandwidth allows.
    #[inline]
    fn serialization(&self, frame_len: usize) -> Duration {
        // A frame is at most 64 KiB: no multiplication here can overflow
        // for any bandwidth of 1 bit/s or more, but saturate all the same.
        match self.ns_per_byte {
            Some(ns) => Duration::from_nanos(
                (frame_len as u64)
                    .saturating_add(WIRE_OVERHEAD_BYTES as u64)
                    .saturating_mul(ns),
            ),
            None => self.params.serialization(frame_len),
        }
    }

    /// The channel's parameters.
    pub fn params(&self) -> &LinkParams {
        &self.params
    }

    /// Frames accepted at or before `now` whose transmission has not begun.
    pub fn queued(&mut self, now: SimTime) -> usize {
        while self.waiting.front().is_some_and(|&start| start <= now) {
            self.waiting.pop_front();
        }
        self.waiting.len()
    }

    /// Hands over a frame of `frame_len` bytes at `now`.
    pub fn transmit(&mut self, now: SimTime, frame_len: usize) -> Fate {
        if let Some((from, until)) = self.params.down {
            if (SimTime::ZERO + from..SimTime::ZERO + until).contains(&now) {
                return Fate::Down;
            }
        }
        let start = self.busy_until.max(now);
        if start > now {
            if self.queued(now) >= self.params.queue_frames {
                return Fate::QueueFull;
            }
            self.waiting.push_back(start);
        }
        self.busy_until = start + self.serialization(frame_len);
        if self.rng.chance(self.params.loss) {
            return Fate::Lost;
        }
        let at = self.busy_until + self.params.latency;
        if !self.params.mangles() {
            return Fate::arrives(at);
        }
        let duplicated = self.rng.chance(self.params.duplicate);
        let first = self.mangle(at, frame_len);
        let copy = duplicated.then(|| self.mangle(at, frame_len));
        Fate::Arrives { first, copy }
    }

    /// The corruption and reordering of one copy arriving at `at`.
    fn mangle(&mut self, at: SimTime, frame_len: usize) -> Arrival {
        let mut arrival = Arrival::clean(at);
        if frame_len > 0 && self.rng.chance(self.params.corrupt) {
            arrival.flipped_bit = Some(self.below(frame_len as u64 * 8) as usize);
        }
        if self.rng.chance(self.params.reorder) {
            let max = u64::try_from(self.params.reorder_delay.as_nanos()).unwrap_or(u64::MAX);
            arrival.held = Duration::from_nanos(1 + self.below(max));
            arrival.at = at + arrival.held;
        }
        arrival
    }

    /// A uniform draw from `0..n` (`n` > 0), by multiply-shift: the bias is
    /// below `n / 2^64`, far under anything a run could show.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.rng.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_cable_loses_every_frame_sent_while_it_is_cut() {
        let mut ch = channel(LinkParams {
            down: Some((Duration::from_secs(2), Duration::from_secs(5))),
            ..LinkParams::DEFAULT
        });
        let at = |ms| SimTime::from_millis(ms);
        assert!(matches!(ch.transmit(at(1999), 100), Fate::Arrives { .. }));
        assert_eq!(ch.transmit(at(2000), 100), Fate::Down);
        assert_eq!(ch.transmit(at(4999), 100), Fate::Down);
        assert!(matches!(ch.transmit(at(5000), 100), Fate::Arrives { .. }));
    }

    fn channel(params: LinkParams) -> Channel {
        Channel::new(params, RngStream::new(1, "test"))
    }

    fn us(n: u64) -> SimTime {
        SimTime::from_nanos(n * 1000)
    }

    /// The channel's one-multiplication serialization is the division's,
    /// for bandwidths that divide 8 Gbit/s and those that do not.
    #[test]
    fn channel_serialization_equals_the_division() {
        for bps in [
            0,
            1,
            3,
            7,
            1_000,
            9_600,
            1_000_000,
            10_000_000,
            64_000_000,
            100_000_000,
            155_520_000,
            1_000_000_000,
            2_500_000_000,
            8_000_000_000,
            10_000_000_000,
            u64::MAX,
        ] {
            let params = LinkParams {
                bandwidth_bps: bps,
                ..LinkParams::default()
            };
            let ch = channel(params);
            for len in [0, 1, 60, 64, 1514, 9000, 65_535, usize::MAX / 16] {
                assert_eq!(
                    ch.serialization(len),
                    params.serialization(len),
                    "{bps} bit/s, {len} bytes"
                );
            }
        }
    }

    #[test]
    fn serialization_counts_preamble_fcs_and_gap() {
        let p = LinkParams {
            bandwidth_bps: 1_000_000_000,
            ..LinkParams::default()
        };
        // (1514 + 24) bytes * 8 bits at 1 Gbit/s = 12.304 us.
        assert_eq!(p.serialization(1514), Duration::from_nanos(12_304));
        let unlimited = LinkParams {
            bandwidth_bps: 0,
            ..p
        };
        assert_eq!(unlimited.serialization(1514), Duration::ZERO);
        // Past u64's reach the sum is done in u128: 2^61 bits at 1 bit/s.
        let slow = LinkParams {
            bandwidth_bps: 1,
            ..p
        };
        let huge = (1usize << 58) - 24;
        let want = (1u128 << 61) * 1_000_000_000;
        assert_eq!(
            slow.serialization(huge),
            Duration::from_nanos(u64::try_from(want).unwrap_or(u64::MAX))
        );
        // Rounded up to the next nanosecond, as before: 1 byte + 24 at 3 bit/s.
        let odd = LinkParams {
            bandwidth_bps: 3,
            ..p
        };
        assert_eq!(odd.serialization(1), Duration::from_nanos(66_666_666_667));
    }

    #[test]
    fn frames_queue_behind_each_other() {
        // 10 Mbit/s: a 101-byte frame (+24) takes 100 us.
        let mut ch = channel(LinkParams {
            latency: Duration::from_micros(50),
            bandwidth_bps: 10_000_000,
            queue_frames: 2,
            ..LinkParams::DEFAULT
        });
        assert_eq!(ch.transmit(us(0), 101), Fate::arrives(us(150)));
        assert_eq!(ch.transmit(us(0), 101), Fate::arrives(us(250)));
        assert_eq!(ch.transmit(us(0), 101), Fate::arrives(us(350)));
        assert_eq!(ch.queued(us(0)), 2);
        assert_eq!(ch.transmit(us(0), 101), Fate::QueueFull, "tail drop");
        // Once the second frame has started, there is room again.
        assert_eq!(ch.queued(us(100)), 1);
        assert_eq!(ch.transmit(us(100), 101), Fate::arrives(us(450)));
        // An idle link sends at once.
        assert_eq!(ch.transmit(us(1000), 101), Fate::arrives(us(1150)));
    }

    #[test]
    fn loss_follows_the_probability_and_the_seed() {
        let params = LinkParams {
            loss: 0.25,
            ..LinkParams::default()
        };
        let run = |seed| {
            let mut ch = Channel::new(params, RngStream::new(seed, "loss"));
            (0..4000)
                .map(|i| ch.transmit(SimTime::from_secs(i), 100) == Fate::Lost)
                .collect::<Vec<bool>>()
        };
        let a = run(1);
        assert_eq!(a, run(1), "same seed, same losses");
        assert_ne!(a, run(2), "another seed, other losses");
        let lost = a.iter().filter(|&&l| l).count();
        assert!((850..1150).contains(&lost), "{lost} of 4000 lost at 25%");
    }
    /// What `n` frames sent 1 ms apart become on a channel with `params`.
    fn fates(params: LinkParams, seed: u64, n: u64) -> Vec<Fate> {
        let mut ch = Channel::new(params, RngStream::new(seed, "impair"));
        (0..n)
            .map(|i| ch.transmit(SimTime::from_millis(i), 100))
            .collect()
    }

    #[test]
    fn without_impairments_every_frame_arrives_clean_and_in_order() {
        let params = LinkParams {
            latency: Duration::from_micros(10),
            ..LinkParams::DEFAULT
        };
        for (i, fate) in fates(params, 1, 100).into_iter().enumerate() {
            let sent = SimTime::from_millis(i as u64);
            // 124 bytes at 100 Mbit/s: 9.92 us, then 10 us of latency.
            assert_eq!(fate, Fate::arrives(sent + Duration::from_nanos(19_920)));
        }
    }

    #[test]
    fn duplication_sends_a_second_clean_copy_at_the_same_time() {
        let params = LinkParams {
            duplicate: 0.5,
            ..LinkParams::DEFAULT
        };
        let all = fates(params, 3, 2000);
        let copies = all
            .iter()
            .filter(|f| match f {
                Fate::Arrives {
                    first,
                    copy: Some(copy),
                } => {
                    assert_eq!(first, copy, "no other impairment: an exact twin");
                    true
                }
                _ => false,
            })
            .count();
        assert!((900..1100).contains(&copies), "{copies} of 2000 at 50%");
    }

    #[test]
    fn corruption_flips_one_bit_inside_the_frame() {
        let params = LinkParams {
            corrupt: 1.0,
            ..LinkParams::DEFAULT
        };
        let mut bits = std::collections::BTreeSet::new();
        for fate in fates(params, 4, 6000) {
            let Fate::Arrives { first, copy: None } = fate else {
                panic!("{fate:?}: nothing but corruption is on");
            };
            assert!(first.held.is_zero());
            let bit = first.flipped_bit.expect("every frame corrupted");
            assert!(bit < 800, "bit {bit} of a 100-byte frame");
            bits.insert(bit);
        }
        assert!(bits.len() > 790, "all bits are drawn: {} seen", bits.len());
    }

    #[test]
    fn reordering_holds_frames_back_so_later_ones_overtake() {
        let params = LinkParams {
            latency: Duration::from_micros(10),
            reorder: 0.3,
            reorder_delay: Duration::from_millis(5),
            ..LinkParams::DEFAULT
        };
        let all = fates(params, 5, 2000);
        let mut held = 0;
        let mut last = SimTime::ZERO;
        let mut overtaken = 0;
        for fate in all {
            let Fate::Arrives { first, copy: None } = fate else {
                panic!("{fate:?}");
            };
            assert!(first.held <= Duration::from_millis(5));
            held += usize::from(!first.held.is_zero());
            overtaken += usize::from(first.at < last);
            last = last.max(first.at);
        }
        assert!((500..700).contains(&held), "{held} of 2000 held at 30%");
        assert!(
            overtaken > 100,
            "only {overtaken} frames arrived out of order"
        );
    }

    #[test]
    fn impairments_are_deterministic_and_leave_loss_draws_alone() {
        let lossy = LinkParams {
            loss: 0.2,
            ..LinkParams::DEFAULT
        };
        let mangled = LinkParams {
            duplicate: 0.1,
            reorder: 0.1,
            corrupt: 0.1,
            ..lossy
        };
        let a = fates(mangled, 9, 1000);
        assert_eq!(a, fates(mangled, 9, 1000), "same seed, same fates");
        // The first frame's loss draw comes before any impairment draw, so
        // the first loss happens at the same frame on both links.
        let first_loss = |fs: &[Fate]| fs.iter().position(|f| *f == Fate::Lost);
        assert_eq!(first_loss(&a), first_loss(&fates(lossy, 9, 1000)));
    }

    #[test]
    fn check_names_the_parameter_out_of_range() {
        let bad = LinkParams {
            corrupt: 1.5,
            ..LinkParams::DEFAULT
        };
        let err = bad.check().unwrap_err();
        assert_eq!(err.key, "corrupt");
        assert!(
            err.message.starts_with("corrupt must be a probability"),
            "{err}"
        );
        let no_delay = LinkParams {
            reorder: 0.1,
            reorder_delay: Duration::ZERO,
            ..LinkParams::DEFAULT
        };
        assert_eq!(no_delay.check().unwrap_err().key, "reorder_delay");
        assert!(LinkParams::DEFAULT.check().is_ok());
    }
}
