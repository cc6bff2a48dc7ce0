//! Spare payload buffers shared, on the simulation's thread, by processes
//! and the scheduler: a datagram's bytes cross between a process and its
//! host in a `Vec<u8>` (a send's data, a receive's datagram), and the side
//! that is done with one gives it back here for the other side to reuse, so
//! that a round trip allocates nothing once the pool holds a few buffers.
//!
//! Both sides run on the same thread, one at a time (a process runs only
//! while the scheduler waits in `resume`), so a thread-local list is all
//! the sharing needs.

use std::cell::RefCell;

/// Buffers kept at most; beyond, given buffers are freed.
const KEEP: usize = 32;
/// Buffers with more room than this are freed rather than kept, so that the
/// pool never holds more than `KEEP` of the largest datagrams (64 KiB).
const MAX_CAPACITY: usize = 64 * 1024;

thread_local! {
    static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer: a spare one when there is one, else a new one (which
/// allocates only once bytes are put in it).
pub(crate) fn take() -> Vec<u8> {
    take_spare().unwrap_or_default()
}

/// A spare, empty buffer, if the pool holds one.
pub(crate) fn take_spare() -> Option<Vec<u8>> {
    SPARE.with(|s| s.borrow_mut().pop())
}

/// Gives `buf` back for reuse (it is emptied; one without room, or with too
/// much, is simply dropped).
pub(crate) fn give(mut buf: Vec<u8>) {
    if buf.capacity() == 0 || buf.capacity() > MAX_CAPACITY {
        return;
    }
    buf.clear();
    SPARE.with(|s| {
        let mut spare = s.borrow_mut();
        if spare.len() < KEEP {
            spare.push(buf);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_buffers_come_back_empty_with_their_room() {
        while take_spare().is_some() {}
        let mut buf = take();
        assert_eq!(buf.capacity(), 0, "an empty pool hands out a new buffer");
        buf.extend_from_slice(&[1; 100]);
        let room = buf.capacity();
        give(buf);
        give(Vec::new());
        give(Vec::with_capacity(MAX_CAPACITY + 1));
        let again = take();
        assert!(again.is_empty());
        assert_eq!(again.capacity(), room);
        assert!(take_spare().is_none(), "the unusable ones were dropped");
    }
}
