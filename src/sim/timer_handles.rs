//! The handles of one cancellable timer's pending events (see
//! [`super::queue::Handle`]), kept so that a node's cancel needs no search
//! of the queue. A timer almost always has one event pending, so the first
//! handle is held inline: arming a timer allocates nothing.

use super::queue::{EventQueue, Handle};

/// The pending events of one `(node, timer)`.
#[derive(Debug, Default)]
pub(super) struct TimerHandles {
    first: Option<Handle>,
    more: Vec<Handle>,
}

impl TimerHandles {
    /// Adds the handle of an event just pushed, forgetting those that have
    /// fired or been cancelled meanwhile.
    pub(super) fn push<E>(&mut self, handle: Handle, queue: &EventQueue<E>) {
        self.retain_pending(queue);
        match self.first {
            None => self.first = Some(handle),
            Some(_) => self.more.push(handle),
        }
    }

    /// Forgets the handles whose events are no longer pending.
    pub(super) fn retain_pending<E>(&mut self, queue: &EventQueue<E>) {
        self.more.retain(|h| queue.is_pending(*h));
        if self.first.is_some_and(|h| !queue.is_pending(h)) {
            self.first = self.more.pop();
        }
    }

    /// Whether no handle is left.
    pub(super) fn is_empty(&self) -> bool {
        self.first.is_none() && self.more.is_empty()
    }

    /// Every handle held.
    pub(super) fn into_handles(self) -> impl Iterator<Item = Handle> {
        self.first.into_iter().chain(self.more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;

    #[test]
    fn keeps_the_pending_handles_and_only_those() {
        let mut q = EventQueue::new();
        let mut handles = TimerHandles::default();
        let a = q.push(SimTime::from_nanos(10), "a");
        handles.push(a, &q);
        let b = q.push(SimTime::from_nanos(20), "b");
        handles.push(b, &q);
        assert_eq!(q.cancel(a), Some("a"));
        handles.retain_pending(&q);
        assert!(!handles.is_empty());
        assert_eq!(q.pop(), Some((SimTime::from_nanos(20), "b")));
        let c = q.push(SimTime::from_nanos(30), "c");
        handles.push(c, &q);
        let left: Vec<Handle> = handles.into_handles().collect();
        assert_eq!(left, [c], "a was cancelled and b fired");
        let mut empty = TimerHandles::default();
        empty.retain_pending(&q);
        assert!(empty.is_empty());
    }
}
