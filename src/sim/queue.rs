//! The event queue: earliest time first, then insertion order.
//!
//! The heap holds small keys (time, sequence number, slot); the events
//! themselves wait in a slab whose slots are reused, so a long run does not
//! allocate per event once the slab has grown to its working size.
//!
//! Most events are frames arriving off a link, and a link delivers in the
//! order it was sent: each direction of a link is a *lane*, a FIFO of keys
//! whose times never decrease. Only the head of each lane is in the heap,
//! so a link with a thousand frames in flight costs the heap one entry, not
//! a thousand (the idea of ns-3's and OMNeT++'s per-channel queues). An
//! event that would arrive before its lane's last one (a reordered frame)
//! goes into the heap on its own. The order is exactly (time, sequence),
//! with or without lanes.
//!
//! Events in no lane due 10 ms or more ahead (retransmission and
//! delayed-ACK timers, TIME-WAIT's minute, ARP and switch aging) wait in a
//! heap of their own, so that the near heap every frame goes through stays
//! small: a connection leaves its retransmission timer pending when it
//! closes (it is re-armed only when it fires), and a thousand such timers
//! would make each pop sift through ten levels. The earliest event is the
//! earlier of the two heads, so which heap a key is in changes only the
//! cost, never the order (the near and far tiers of a calendar queue).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

use super::SimTime;

/// Ordering key of one pending event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    time: SimTime,
    seq: u64,
    slot: u32,
}

/// Names one pushed event, so that it can be cancelled without a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle {
    slot: u32,
    seq: u64,
}

/// The lane of an event that is in no lane.
const NO_LANE: u32 = u32::MAX;

/// An event in no lane this far or further ahead of the last event out
/// waits in the far heap.
const FAR_AHEAD: Duration = Duration::from_millis(10);

/// A FIFO of events whose times never decrease; its head is in the heap.
#[derive(Debug, Default)]
struct Lane {
    /// The keys behind the head, in order.
    behind: VecDeque<Key>,
    /// Whether the lane's head is in the heap (else the lane is empty).
    head_in_heap: bool,
    /// The time of the lane's last event.
    last: SimTime,
}

/// A priority queue of events ordered by (time, insertion sequence).
///
/// Two events at the same instant come out in the order they were pushed,
/// which is what makes a run deterministic.
#[derive(Debug)]
pub struct EventQueue<E> {
    /// Keys of events due within [`FAR_AHEAD`] of `now` when pushed, and
    /// the heads of lanes.
    heap: BinaryHeap<Reverse<Key>>,
    /// Keys of events in no lane due [`FAR_AHEAD`] or more after `now`
    /// when pushed.
    far: BinaryHeap<Reverse<Key>>,
    /// The time of the last key taken out: the run's present.
    now: SimTime,
    lanes: Vec<Lane>,
    slots: Vec<Option<E>>,
    /// The sequence number of the event each slot holds (or last held).
    slot_seq: Vec<u64>,
    /// The lane of the event each slot holds, or [`NO_LANE`].
    slot_lane: Vec<u32>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
    /// Keys in either heap, in no lane, whose events were cancelled: a TCP
    /// connection re-arms its timer earlier every other segment, and the
    /// keys it leaves behind would otherwise fill the heap.
    dead: usize,
}

/// The heaps are swept of cancelled keys once they hold at least this many
/// and they are half of their keys.
const SWEEP_AT: usize = 16;

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            far: BinaryHeap::new(),
            now: SimTime::ZERO,
            lanes: Vec::new(),
            slots: Vec::new(),
            slot_seq: Vec::new(),
            slot_lane: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            live: 0,
            dead: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `time`; the handle can cancel it.
    pub fn push(&mut self, time: SimTime, event: E) -> Handle {
        let (key, handle) = self.store(time, event, NO_LANE);
        self.push_alone(key);
        handle
    }

    /// Puts the key of an event in no lane in the heap for its time.
    #[inline]
    fn push_alone(&mut self, key: Key) {
        if key.time >= self.now.saturating_add(FAR_AHEAD) {
            self.far.push(Reverse(key));
        } else {
            self.heap.push(Reverse(key));
        }
    }

    /// Schedules `event` at `time` in lane `lane` (a small number: lanes
    /// are kept in a `Vec`). Lanes only make the queue faster; the order
    /// events come out in is the same as with [`EventQueue::push`].
    #[inline]
    pub fn push_in_lane(&mut self, time: SimTime, event: E, lane: u32) -> Handle {
        let index = lane as usize;
        if index >= self.lanes.len() {
            self.lanes.resize_with(index + 1, Lane::default);
        }
        let l = &self.lanes[index];
        let lane = if !l.head_in_heap || time >= l.last {
            lane
        } else {
            NO_LANE
        };
        let (key, handle) = self.store(time, event, lane);
        if lane == NO_LANE {
            self.push_alone(key);
            return handle;
        }
        let l = &mut self.lanes[index];
        l.last = time;
        if l.head_in_heap {
            l.behind.push_back(key);
        } else {
            l.head_in_heap = true;
            self.heap.push(Reverse(key));
        }
        handle
    }

    /// Takes the sequence number the next push would get, for an event
    /// held outside the queue that may yet go in with
    /// [`EventQueue::push_reserved`]: it then comes out exactly where it
    /// would have had it been pushed now.
    pub fn reserve_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Schedules `event` at `time` with a sequence number taken earlier by
    /// [`EventQueue::reserve_seq`] (in no lane: a lane's order is its push
    /// order, which this push would break).
    pub fn push_reserved(&mut self, time: SimTime, seq: u64, event: E) -> Handle {
        let (key, handle) = self.store_as(time, seq, event, NO_LANE);
        self.push_alone(key);
        handle
    }

    /// Puts `event` in a slot; returns its key and handle.
    #[inline(always)]
    fn store(&mut self, time: SimTime, event: E, lane: u32) -> (Key, Handle) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.store_as(time, seq, event, lane)
    }

    /// [`EventQueue::store`] with sequence number `seq`.
    #[inline(always)]
    fn store_as(&mut self, time: SimTime, seq: u64, event: E, lane: u32) -> (Key, Handle) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                self.slot_seq[slot as usize] = seq;
                self.slot_lane[slot as usize] = lane;
                slot
            }
            None => {
                self.slots.push(Some(event));
                self.slot_seq.push(seq);
                self.slot_lane.push(lane);
                // A run holding four billion pending events has exhausted
                // memory long before this conversion could fail.
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.live += 1;
        (Key { time, seq, slot }, Handle { slot, seq })
    }

    /// Takes the earliest key out of the heap, puts the next key of its
    /// lane in, and frees its slot (a slot is freed only when its key
    /// leaves the heap, so a cancelled event's slot cannot have been reused
    /// meanwhile).
    #[inline]
    fn pop_key(&mut self) -> Option<Key> {
        let far_first = match (self.heap.peek(), self.far.peek()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(Reverse(near)), Some(Reverse(far))) => far < near,
        };
        let Reverse(key) = if far_first {
            self.far.pop()?
        } else {
            self.heap.pop()?
        };
        self.now = key.time;
        let lane = self
            .slot_lane
            .get(key.slot as usize)
            .copied()
            .unwrap_or(NO_LANE);
        if let Some(l) = self.lanes.get_mut(lane as usize) {
            match l.behind.pop_front() {
                Some(next) => self.heap.push(Reverse(next)),
                None => l.head_in_heap = false,
            }
        } else if self
            .slots
            .get(key.slot as usize)
            .is_some_and(Option::is_none)
        {
            self.dead -= 1;
        }
        self.free.push(key.slot);
        Some(key)
    }

    /// Whether every key in the queue is due after `time`, so that an event
    /// pushed now for `time` would be the next out. Cancelled keys count:
    /// the answer may be a needless `false`, never a wrong `true`.
    #[inline]
    pub fn none_due_by(&self, time: SimTime) -> bool {
        let after = |top: Option<&Reverse<Key>>| top.is_none_or(|Reverse(k)| k.time > time);
        after(self.heap.peek()) && after(self.far.peek())
    }

    /// Whether the event `handle` names is still pending.
    pub fn is_pending(&self, handle: Handle) -> bool {
        let i = handle.slot as usize;
        self.slot_seq.get(i) == Some(&handle.seq) && self.slots.get(i).is_some_and(Option::is_some)
    }

    /// Cancels the event `handle` names, if it is still pending, without a
    /// search.
    pub fn cancel(&mut self, handle: Handle) -> Option<E> {
        if !self.is_pending(handle) {
            return None;
        }
        let event = self.slots.get_mut(handle.slot as usize)?.take();
        if event.is_some() {
            self.live -= 1;
            self.note_dead(handle.slot);
        }
        event
    }

    /// The event in `slot` was cancelled: counts its key if it is in the
    /// heap on its own, and sweeps the heap when half of it is dead.
    fn note_dead(&mut self, slot: u32) {
        if self.slot_lane.get(slot as usize) != Some(&NO_LANE) {
            return;
        }
        self.dead += 1;
        if self.dead >= SWEEP_AT && 2 * self.dead >= self.heap.len() + self.far.len() {
            let (slots, lanes, free) = (&self.slots, &self.slot_lane, &mut self.free);
            let mut live = |Reverse(key): &Reverse<Key>| {
                let i = key.slot as usize;
                let keep = slots[i].is_some() || lanes[i] != NO_LANE;
                if !keep {
                    free.push(key.slot);
                }
                keep
            };
            self.heap.retain(&mut live);
            self.far.retain(live);
            self.dead = 0;
        }
    }

    /// Removes and returns the earliest event with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        loop {
            let key = self.pop_key()?;
            if let Some(event) = self.slots.get_mut(key.slot as usize).and_then(Option::take) {
                self.live -= 1;
                return Some((key.time, event));
            }
        }
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let key = match (self.heap.peek(), self.far.peek()) {
                (None, None) => return None,
                (Some(Reverse(k)), None) | (None, Some(Reverse(k))) => k,
                (Some(Reverse(near)), Some(Reverse(far))) => near.min(far),
            };
            if self
                .slots
                .get(key.slot as usize)
                .is_some_and(Option::is_some)
            {
                return Some(key.time);
            }
            self.pop_key();
        }
    }

    /// Cancels every pending event for which `pred` holds and returns them.
    /// This scans all pending events: it is meant for rare cancellations.
    pub fn cancel_where(&mut self, mut pred: impl FnMut(&E) -> bool) -> Vec<E> {
        let mut cancelled = Vec::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(&mut pred) {
                cancelled.extend(slot.take());
                self.dead += usize::from(self.slot_lane[i] == NO_LANE);
            }
        }
        self.live -= cancelled.len();
        cancelled
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut q = EventQueue::new();
        q.push(SimTime::from_nanos(30), "c");
        q.push(SimTime::from_nanos(10), "a1");
        q.push(SimTime::from_nanos(20), "b");
        q.push(SimTime::from_nanos(10), "a2");
        q.push(SimTime::from_nanos(10), "a3");
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(10)));
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a1", "a2", "a3", "b", "c"]);
        assert!(q.is_empty());
    }

    #[test]
    fn cancelled_events_never_come_out() {
        let mut q = EventQueue::new();
        for (t, e) in [
            (10, "a"),
            (20, "cancel-me"),
            (30, "b"),
            (5, "cancel-me-too"),
        ] {
            q.push(SimTime::from_nanos(t), e);
        }
        let gone = q.cancel_where(|e| e.starts_with("cancel"));
        assert_eq!(gone, ["cancel-me", "cancel-me-too"]);
        assert_eq!(q.len(), 2);
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(10)));
        q.push(SimTime::from_nanos(15), "c");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "c", "b"]);
        assert_eq!(q.peek_time(), None);
        assert!(q.is_empty());
    }

    #[test]
    fn events_for_the_current_instant_keep_their_order() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        q.push(t(10), "a");
        q.push(t(10), "b");
        q.push(t(20), "later");
        assert_eq!(q.pop(), Some((t(10), "a")));
        // Pushed at the current instant: after "b", pushed before it came.
        q.push(t(10), "c");
        let cancelled = q.push(t(10), "cancelled");
        q.push(t(10), "d");
        assert_eq!(q.cancel(cancelled), Some("cancelled"));
        assert_eq!(q.peek_time(), Some(t(10)));
        assert_eq!(q.pop(), Some((t(10), "b")));
        assert_eq!(q.pop(), Some((t(10), "c")));
        q.push(t(15), "sooner");
        assert_eq!(q.pop(), Some((t(10), "d")));
        assert_eq!(q.pop(), Some((t(15), "sooner")));
        q.push(t(15), "now again");
        assert_eq!(q.pop(), Some((t(15), "now again")));
        assert_eq!(q.pop(), Some((t(20), "later")));
        assert_eq!(q.pop(), None);
        assert!(q.is_empty());
    }

    #[test]
    fn an_event_in_the_past_does_not_disturb_the_order() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        q.push(t(10), "first");
        assert_eq!(q.pop(), Some((t(10), "first")));
        q.push(t(10), "fifo 1");
        q.push(t(5), "past");
        q.push(t(10), "fifo 2");
        assert_eq!(q.pop(), Some((t(5), "past")));
        // Pushed now for 10, while the last event out was at 5: after the
        // two pushed before it, though it waits in the heap.
        q.push(t(10), "heap");
        q.push(t(5), "now");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            [
                (t(5), "now"),
                (t(10), "fifo 1"),
                (t(10), "fifo 2"),
                (t(10), "heap")
            ]
        );
    }

    /// Random pushes (often at the current instant, sometimes in the past;
    /// in lanes or not), cancels and pops come out exactly as from a plain
    /// sorted list.
    #[test]
    fn agrees_with_a_sorted_list() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut q = EventQueue::new();
        // The model: (time, seq, handle) of pending events.
        let mut model: Vec<(u64, u64, Handle)> = Vec::new();
        let (mut now, mut seq) = (0u64, 0u64);
        for _ in 0..20_000 {
            match next(10) {
                0..=4 => {
                    let far = FAR_AHEAD.as_nanos() as u64;
                    let time = match next(5) {
                        0 | 1 => now,
                        2 => now + 1 + next(50),
                        // Around the far heap's threshold, and beyond it.
                        3 => now + far - 25 + next(50) + far * next(2),
                        _ => now.saturating_sub(next(3)),
                    };
                    // A third in no lane, the rest in one of three lanes.
                    let t = SimTime::from_nanos(time);
                    let h = match next(3) {
                        0 => q.push(t, seq),
                        _ => q.push_in_lane(t, seq, next(3) as u32),
                    };
                    model.push((time, seq, h));
                    seq += 1;
                }
                5 if !model.is_empty() => {
                    let (_, s, h) = model.remove(next(model.len() as u64) as usize);
                    assert_eq!(q.cancel(h), Some(s));
                }
                _ => {
                    model.sort_by_key(|&(time, seq, _)| (time, seq));
                    let want = (!model.is_empty()).then(|| model.remove(0));
                    assert_eq!(q.peek_time().map(|t| t.as_nanos()), want.map(|w| w.0));
                    let got = q.pop();
                    assert_eq!(
                        got.map(|(t, e)| (t.as_nanos(), e)),
                        want.map(|w| (w.0, w.1))
                    );
                    if let Some((t, _, _)) = want {
                        now = t;
                    }
                }
            }
            assert_eq!(q.len(), model.len());
            let dead = q.heap.iter().chain(q.far.iter()).filter(|Reverse(k)| {
                let i = k.slot as usize;
                q.slots[i].is_none() && q.slot_lane[i] == NO_LANE
            });
            assert_eq!(q.dead, dead.count());
        }
    }

    #[test]
    fn cancelled_keys_are_swept_from_the_heap() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        let handles: Vec<Handle> = (0..1000).map(|i| q.push(t(i % 97), i)).collect();
        q.push_in_lane(t(50), 5000, 2);
        for (i, h) in handles.iter().enumerate() {
            if i % 3 != 0 {
                assert_eq!(q.cancel(*h), Some(i as u64));
            }
        }
        // Swept whenever half the heap was dead: far fewer keys than 1001.
        assert!(q.heap.len() < 700, "{} keys left", q.heap.len());
        let mut want: Vec<(u64, u64)> = (0..1000)
            .filter(|i| i % 3 == 0)
            .map(|i| (i % 97, i))
            .collect();
        want.push((50, 5000));
        want.sort();
        let got: Vec<(u64, u64)> =
            std::iter::from_fn(|| q.pop().map(|(time, e)| (time.as_nanos(), e))).collect();
        assert_eq!(got, want);
        assert_eq!((q.dead, q.heap.len()), (0, 0));
        // Every slot was freed once: the next pushes reuse them.
        assert_eq!(q.free.len(), q.slots.len());
    }

    /// Timers far ahead wait in the far heap, out of the way of the near
    /// events, and still come out in (time, sequence) order among them,
    /// cancelled ones swept from both heaps.
    #[test]
    fn far_timers_wait_in_their_own_heap() {
        let t = SimTime::from_nanos;
        let minute = 60_000_000_000;
        let mut q = EventQueue::new();
        let far: Vec<Handle> = (0..1000).map(|i| q.push(t(minute + i % 7), i)).collect();
        q.push(t(10), 2000);
        q.push_in_lane(t(20), 2001, 0);
        assert_eq!((q.heap.len(), q.far.len()), (2, 1000));
        assert_eq!(q.pop(), Some((t(10), 2000)));
        assert_eq!(q.pop(), Some((t(20), 2001)));
        // Pushed at 20 ns: just under FAR_AHEAD later is near, FAR_AHEAD is far.
        q.push(t(20) + (FAR_AHEAD - Duration::from_nanos(1)), 3000);
        q.push(t(20) + FAR_AHEAD, 3001);
        assert_eq!((q.heap.len(), q.far.len()), (1, 1001));
        for (i, h) in far.iter().enumerate() {
            if i % 3 != 0 {
                assert_eq!(q.cancel(*h), Some(i as u64));
            }
        }
        assert!(q.far.len() < 700, "swept: {} keys left", q.far.len());
        let got: Vec<(u64, u64)> =
            std::iter::from_fn(|| q.pop().map(|(time, e)| (time.as_nanos(), e))).collect();
        let mut want: Vec<(u64, u64)> = (0..1000)
            .filter(|i| i % 3 == 0)
            .map(|i| (minute + i % 7, i))
            .collect();
        want.sort();
        let ahead = FAR_AHEAD.as_nanos() as u64;
        want.insert(0, (20 + ahead - 1, 3000));
        want.insert(1, (20 + ahead, 3001));
        assert_eq!(got, want);
        assert_eq!((q.dead, q.heap.len(), q.far.len()), (0, 0, 0));
    }

    #[test]
    fn a_lane_keeps_only_its_head_in_the_heap() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        for i in 0..100 {
            q.push_in_lane(t(1000 + i), i, 1);
        }
        q.push(t(1050), 500);
        assert_eq!(q.heap.len(), 2);
        // Earlier than the lane's last event: it goes into the heap alone.
        q.push_in_lane(t(1020), 600, 1);
        assert_eq!(q.heap.len(), 3);
        let order: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        let mut want: Vec<u64> = (0..100).collect();
        want.insert(21, 600);
        want.insert(52, 500);
        assert_eq!(order, want);
        assert!(q.lanes[1].behind.is_empty() && !q.lanes[1].head_in_heap);
    }

    #[test]
    fn a_cancelled_lane_head_lets_the_next_one_in() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        let first = q.push_in_lane(t(10), "first", 0);
        q.push_in_lane(t(20), "second", 0);
        q.push(t(15), "other");
        assert_eq!(q.cancel(first), Some("first"));
        assert_eq!(q.peek_time(), Some(t(15)));
        assert_eq!(q.pop(), Some((t(15), "other")));
        assert_eq!(q.pop(), Some((t(20), "second")));
        assert_eq!(q.pop(), None);
    }

    /// An event pushed later with a sequence number reserved earlier comes
    /// out where a push at the reservation would have put it: after the
    /// events pushed before it for the same time, before those pushed after.
    #[test]
    fn a_reserved_sequence_number_keeps_its_place() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        q.push_in_lane(t(10), "before", 0);
        let seq = q.reserve_seq();
        q.push_in_lane(t(10), "after", 0);
        q.push(t(5), "earlier");
        q.push_reserved(t(10), seq, "reserved");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["earlier", "before", "reserved", "after"]);
    }

    #[test]
    fn none_due_by_looks_at_both_heaps_and_counts_cancelled_keys() {
        let t = SimTime::from_nanos;
        let mut q = EventQueue::new();
        assert!(q.none_due_by(t(0)), "empty");
        let near = q.push_in_lane(t(10), "near", 0);
        assert!(q.none_due_by(t(9)) && !q.none_due_by(t(10)));
        assert_eq!(q.cancel(near), Some("near"));
        // Its key is still in the heap: a needless no, never a wrong yes.
        assert!(!q.none_due_by(t(10)));
        assert_eq!(q.peek_time(), None);
        assert!(q.none_due_by(t(10)), "the key went with peek_time");
        let far = FAR_AHEAD.as_nanos() as u64 * 2;
        q.push(t(far), "far");
        assert_eq!((q.heap.len(), q.far.len()), (0, 1));
        assert!(q.none_due_by(t(far - 1)) && !q.none_due_by(t(far)));
    }

    #[test]
    fn reuses_slots() {
        let mut q = EventQueue::new();
        for round in 0..100u64 {
            q.push(SimTime::from_nanos(round), round);
            q.push(SimTime::from_nanos(round), round + 1000);
            assert_eq!(q.pop(), Some((SimTime::from_nanos(round), round)));
            assert_eq!(q.pop(), Some((SimTime::from_nanos(round), round + 1000)));
        }
        assert_eq!(q.slots.len(), 2);
        assert_eq!(q.len(), 0);
    }
}
