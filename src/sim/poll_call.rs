//! The calls behind `simnet::io::Poll` inside a simulated process: a poll
//! set is the simulation's `epoll` instance, registered sockets are its
//! interest list, and waiting on it suspends the process in virtual time.

use std::time::Duration;

use super::process::SockRef;

/// An `epoll` instance of a simulated host, as a process holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PollRef {
    /// The simulation it belongs to.
    pub run: u64,
    /// Its number in that simulation.
    pub id: u32,
}

/// Readable interest (`EPOLLIN | EPOLLRDHUP`).
pub const INTEREST_READ: u8 = 1;
/// Writable interest (`EPOLLOUT`).
pub const INTEREST_WRITE: u8 = 2;

/// A call on a poll set, as `epoll_create1`, `epoll_ctl` and `epoll_wait`.
#[derive(Clone, Debug)]
pub enum PollCall {
    /// `epoll_create1`: a new, empty poll set.
    Create,
    /// `EPOLL_CTL_ADD` (edge-triggered, as mio registers).
    Register {
        /// The poll set.
        poll: PollRef,
        /// The socket.
        sock: SockRef,
        /// The token events carry.
        token: usize,
        /// [`INTEREST_READ`], [`INTEREST_WRITE`] or both.
        interest: u8,
    },
    /// `EPOLL_CTL_MOD`.
    Reregister {
        /// The poll set.
        poll: PollRef,
        /// The socket.
        sock: SockRef,
        /// The new token.
        token: usize,
        /// The new interest.
        interest: u8,
    },
    /// `EPOLL_CTL_DEL`.
    Deregister {
        /// The poll set.
        poll: PollRef,
        /// The socket.
        sock: SockRef,
    },
    /// `epoll_wait`: the events ready, at most `max`, waiting up to
    /// `timeout` (`None`: for ever) when none is.
    Wait {
        /// The poll set.
        poll: PollRef,
        /// The most events to return.
        max: usize,
        /// How long to wait for the first.
        timeout: Option<Duration>,
    },
    /// The poll set was dropped.
    Close {
        /// The poll set.
        poll: PollRef,
    },
}

/// What a poll call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollOk {
    /// A new poll set.
    Created(PollRef),
    /// Done.
    Done,
    /// Ready events: `(token, epoll mask)`, in the order they became ready.
    Events(Vec<(usize, u32)>),
}
