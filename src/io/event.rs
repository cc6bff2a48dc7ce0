//! Readiness events, as `mio::event`: what `Poll::poll` fills `Events`
//! with, and the `Source` trait of everything that can be registered.

use std::io;

use super::{Interest, Registry, Token};
use crate::stack::readiness::{EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP};

/// One readiness event, as `mio::event::Event`: a token and what its
/// source became ready for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    token: Token,
    readable: bool,
    writable: bool,
    error: bool,
    read_closed: bool,
    write_closed: bool,
    priority: bool,
}

impl Event {
    /// The event of an `epoll` mask, read as mio reads it on Linux
    /// (`mio/src/sys/unix/selector/epoll.rs`).
    pub(crate) fn from_mask(token: Token, mask: u32) -> Event {
        let has = |bit: u32| mask & bit != 0;
        Event {
            token,
            readable: has(EPOLLIN) || has(EPOLLPRI),
            writable: has(EPOLLOUT),
            error: has(EPOLLERR),
            read_closed: has(EPOLLHUP) || (has(EPOLLIN) && has(EPOLLRDHUP)),
            write_closed: has(EPOLLHUP) || (has(EPOLLOUT) && has(EPOLLERR)) || mask == EPOLLERR,
            priority: has(EPOLLPRI),
        }
    }

    /// The same event from the real mio.
    pub(crate) fn from_mio(event: &mio::event::Event) -> Event {
        Event {
            token: event.token(),
            readable: event.is_readable(),
            writable: event.is_writable(),
            error: event.is_error(),
            read_closed: event.is_read_closed(),
            write_closed: event.is_write_closed(),
            priority: event.is_priority(),
        }
    }

    /// The token the source was registered with.
    pub fn token(&self) -> Token {
        self.token
    }

    /// Reading would not block (data, a connection to accept, end of
    /// stream, or an error to read).
    pub fn is_readable(&self) -> bool {
        self.readable
    }

    /// Writing would not block (and a non-blocking connect is over).
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// An error waits: `take_error` tells which.
    pub fn is_error(&self) -> bool {
        self.error
    }

    /// The peer will send nothing more (its FIN arrived), or the
    /// connection is over.
    pub fn is_read_closed(&self) -> bool {
        self.read_closed
    }

    /// Nothing more can be written: the connection is over or failed.
    pub fn is_write_closed(&self) -> bool {
        self.write_closed
    }

    /// Urgent data (never, in the simulation).
    pub fn is_priority(&self) -> bool {
        self.priority
    }

    /// AIO completion (never on Linux).
    pub fn is_aio(&self) -> bool {
        false
    }

    /// LIO completion (never on Linux).
    pub fn is_lio(&self) -> bool {
        false
    }

    /// `readable`, `writable`, `error`, `read-closed`, `write-closed`,
    /// joined by `+`, for traces and lessons.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (on, name) in [
            (self.readable, "readable"),
            (self.writable, "writable"),
            (self.error, "error"),
            (self.read_closed, "read-closed"),
            (self.write_closed, "write-closed"),
        ] {
            if on {
                parts.push(name);
            }
        }
        parts.join("+")
    }
}

/// Storage for the events one `Poll::poll` returns, as `mio::Events`.
#[derive(Debug)]
pub struct Events {
    pub(crate) list: Vec<Event>,
    pub(crate) capacity: usize,
    /// The real mio's buffer, made on first use by a real poll.
    pub(crate) os: Option<mio::Events>,
}

impl Events {
    /// Room for up to `capacity` events per poll (at least one).
    pub fn with_capacity(capacity: usize) -> Events {
        Events {
            list: Vec::with_capacity(capacity.min(1024)),
            capacity: capacity.max(1),
            os: None,
        }
    }

    /// How many events one poll may return.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether the last poll returned nothing (it timed out).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The events, in the order they became ready.
    pub fn iter(&self) -> std::slice::Iter<'_, Event> {
        self.list.iter()
    }

    /// Forgets the events.
    pub fn clear(&mut self) {
        self.list.clear();
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Something a `Registry` can watch, as `mio::event::Source`: the socket
/// types of [`crate::io::net`].
pub trait Source {
    /// Registers with `registry` (called by [`Registry::register`]).
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;
    /// Changes the token or interests (called by [`Registry::reregister`]).
    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;
    /// Stops watching (called by [`Registry::deregister`]).
    fn deregister(&mut self, registry: &Registry) -> io::Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_read_as_mio_reads_them() {
        let t = Token(7);
        let data = Event::from_mask(t, EPOLLIN);
        assert!(data.is_readable() && !data.is_read_closed() && !data.is_writable());
        let fin = Event::from_mask(t, EPOLLIN | EPOLLRDHUP | EPOLLOUT);
        assert!(fin.is_readable() && fin.is_read_closed() && fin.is_writable());
        // A refused connect: RST, so HUP and ERR (and IN|RDHUP, the read
        // side being shut too).
        let refused = Event::from_mask(t, EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP);
        assert!(refused.is_error() && refused.is_write_closed() && refused.is_read_closed());
        assert!(!refused.is_writable());
        assert!(Event::from_mask(t, EPOLLERR).is_write_closed());
        assert_eq!(fin.describe(), "readable+writable+read-closed");
        assert_eq!(fin.token(), t);
    }
}
