//! A link between two interfaces: full duplex, each direction a channel with
//! latency, bandwidth, a bounded transmit queue and a loss probability.
//!
//! A frame handed to a channel waits for the frames ahead of it, is
//! serialized at the link's bit rate, then propagates for the latency. Rather
//! than schedule an event when each transmission ends, a channel computes
//! every frame's start at hand-over (frames leave in order, one at a time),
//! so a frame costs one event: its arrival. The queue holds the frames whose
//! transmission has not started; when it is full the new frame is dropped
//! (tail drop).

use std::collections::VecDeque;
use std::time::Duration;

use crate::sim::rng::RngStream;
use crate::sim::SimTime;

/// Bytes on the wire around each frame that the frame bytes do not show:
/// preamble and start delimiter (8), frame check sequence (4) and the
/// minimum inter-frame gap (12), as IEEE 802.3 puts them.
pub const WIRE_OVERHEAD_BYTES: usize = 8 + 4 + 12;

/// The parameters of a link, the same in both directions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkParams {
    /// One-way propagation delay.
    pub latency: Duration,
    /// Bits per second; 0 means infinitely fast.
    pub bandwidth_bps: u64,
    /// Frames that may wait for transmission in each direction.
    pub queue_frames: usize,
    /// Probability that a frame is lost in transit, per frame.
    pub loss: f64,
}

impl Default for LinkParams {
    /// 1 ms, 100 Mbit/s, 100 frames of queue, no loss.
    fn default() -> Self {
        LinkParams {
            latency: Duration::from_millis(1),
            bandwidth_bps: 100_000_000,
            queue_frames: 100,
            loss: 0.0,
        }
    }
}

impl LinkParams {
    /// How long `frame_len` bytes take to serialize at this bandwidth.
    pub fn serialization(&self, frame_len: usize) -> Duration {
        if self.bandwidth_bps == 0 {
            return Duration::ZERO;
        }
        let bits = (frame_len + WIRE_OVERHEAD_BYTES) as u128 * 8;
        let nanos = (bits * 1_000_000_000).div_ceil(u128::from(self.bandwidth_bps));
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// What became of a frame handed to a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It arrives at the far end at this time.
    Arrives(SimTime),
    /// It was lost in transit (it still used the wire).
    Lost,
    /// The transmit queue was full; it never left.
    QueueFull,
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
}

impl Channel {
    /// A channel with `params`, drawing its losses from `rng`.
    pub fn new(params: LinkParams, rng: RngStream) -> Channel {
        Channel {
            params,
            rng,
            busy_until: SimTime::ZERO,
            waiting: VecDeque::new(),
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
        let start = self.busy_until.max(now);
        if start > now {
            if self.queued(now) >= self.params.queue_frames {
                return Fate::QueueFull;
            }
            self.waiting.push_back(start);
        }
        self.busy_until = start + self.params.serialization(frame_len);
        if self.rng.chance(self.params.loss) {
            return Fate::Lost;
        }
        Fate::Arrives(self.busy_until + self.params.latency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(params: LinkParams) -> Channel {
        Channel::new(params, RngStream::new(1, "test"))
    }

    fn us(n: u64) -> SimTime {
        SimTime::from_nanos(n * 1000)
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
    }

    #[test]
    fn frames_queue_behind_each_other() {
        // 10 Mbit/s: a 101-byte frame (+24) takes 100 us.
        let mut ch = channel(LinkParams {
            latency: Duration::from_micros(50),
            bandwidth_bps: 10_000_000,
            queue_frames: 2,
            loss: 0.0,
        });
        assert_eq!(ch.transmit(us(0), 101), Fate::Arrives(us(150)));
        assert_eq!(ch.transmit(us(0), 101), Fate::Arrives(us(250)));
        assert_eq!(ch.transmit(us(0), 101), Fate::Arrives(us(350)));
        assert_eq!(ch.queued(us(0)), 2);
        assert_eq!(ch.transmit(us(0), 101), Fate::QueueFull, "tail drop");
        // Once the second frame has started, there is room again.
        assert_eq!(ch.queued(us(100)), 1);
        assert_eq!(ch.transmit(us(100), 101), Fate::Arrives(us(450)));
        // An idle link sends at once.
        assert_eq!(ch.transmit(us(1000), 101), Fate::Arrives(us(1150)));
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
}
