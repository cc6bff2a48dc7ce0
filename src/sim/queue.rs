//! The event queue: earliest time first, then insertion order.
//!
//! The heap holds small keys (time, sequence number, slot); the events
//! themselves wait in a slab whose slots are reused, so a long run does not
//! allocate per event once the slab has grown to its working size.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// A priority queue of events ordered by (time, insertion sequence).
///
/// Two events at the same instant come out in the order they were pushed,
/// which is what makes a run deterministic.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Key>>,
    slots: Vec<Option<E>>,
    /// The sequence number of the event each slot holds (or last held).
    slot_seq: Vec<u64>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            slot_seq: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            live: 0,
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
        let seq = self.next_seq;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                self.slot_seq[slot as usize] = seq;
                slot
            }
            None => {
                self.slots.push(Some(event));
                self.slot_seq.push(seq);
                // A run holding four billion pending events has exhausted
                // memory long before this conversion could fail.
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.next_seq += 1;
        self.live += 1;
        self.heap.push(Reverse(Key { time, seq, slot }));
        Handle { slot, seq }
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
        }
        event
    }

    /// Removes and returns the earliest event with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        loop {
            let Reverse(key) = self.heap.pop()?;
            // A slot is freed only when its key leaves the heap, so a
            // cancelled event's slot cannot have been reused meanwhile.
            self.free.push(key.slot);
            if let Some(event) = self.slots.get_mut(key.slot as usize).and_then(Option::take) {
                self.live -= 1;
                return Some((key.time, event));
            }
        }
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        while let Some(Reverse(key)) = self.heap.peek() {
            if self
                .slots
                .get(key.slot as usize)
                .is_some_and(Option::is_some)
            {
                return Some(key.time);
            }
            let slot = key.slot;
            self.heap.pop();
            self.free.push(slot);
        }
        None
    }

    /// Cancels every pending event for which `pred` holds and returns them.
    /// This scans all pending events: it is meant for rare cancellations.
    pub fn cancel_where(&mut self, mut pred: impl FnMut(&E) -> bool) -> Vec<E> {
        let mut cancelled = Vec::new();
        for slot in &mut self.slots {
            if slot.as_ref().is_some_and(&mut pred) {
                cancelled.extend(slot.take());
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

    /// Random pushes (often at the current instant, sometimes in the past),
    /// cancels and pops come out exactly as from a plain sorted list.
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
                    let time = match next(4) {
                        0 | 1 => now,
                        2 => now + 1 + next(50),
                        _ => now.saturating_sub(next(3)),
                    };
                    let h = q.push(SimTime::from_nanos(time), seq);
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
        }
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
