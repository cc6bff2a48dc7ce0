//! The scheduler's side of `simnet::io::Poll`: poll sets that behave as
//! Linux's edge-triggered `epoll` (`EPOLLET`, which mio uses).
//!
//! A registered socket's readiness is checked when it is registered and
//! each time the socket changes (the stack reports every change: data,
//! an ACK that frees room, a FIN, an error, a connection to accept). If the
//! socket is then ready for what it was registered for, its token joins the
//! poll set's ready list (once, with its latest mask), and a process waiting
//! on the set wakes. `epoll_wait` empties the list; a socket is not reported
//! again until it changes again, which is what edge-triggered means, and why
//! mio asks programs to read or write until `WouldBlock`.

use std::collections::BTreeMap;

use super::poll_call::{PollCall, PollOk, PollRef, INTEREST_READ, INTEREST_WRITE};
use super::process::{BlockedCall, ProcessId, Reply, SockRef};
use super::world::{Event, Sim};
use super::SimTime;
use crate::io::{Event as Readiness, Token};
use crate::stack::readiness::{
    PollState, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP,
};
use crate::stack::udp::{errno, SocketId};
use crate::topo::NodeId;
use crate::trace::Note;

/// `EEXIST`: the socket is registered already.
const EEXIST: i32 = 17;
/// `ENOENT`: the socket is not registered.
const ENOENT: i32 = 2;

type PollResult = Result<PollOk, i32>;

/// One registered socket.
#[derive(Clone, Copy, Debug)]
struct Registration {
    token: usize,
    interest: u8,
    /// What the socket looked like at the last check: an event needs a
    /// change since (a bit rising, or more to read).
    last: PollState,
}

/// One poll set.
#[derive(Debug, Default)]
struct PollSet {
    /// Registered sockets.
    interest: BTreeMap<(NodeId, SocketId), Registration>,
    /// Ready sockets, in the order they became ready, with their mask.
    ready: Vec<((NodeId, SocketId), u32)>,
    /// The process waiting in `epoll_wait`, if one is.
    waiter: Option<ProcessId>,
    /// When that wait times out.
    deadline: Option<SimTime>,
}

/// Every poll set of a run, and which sets watch each socket.
#[derive(Debug, Default)]
pub(crate) struct Polls {
    sets: BTreeMap<u32, PollSet>,
    watchers: BTreeMap<(NodeId, SocketId), Vec<u32>>,
    next: u32,
}

/// The bits of `mask` that matter to `interest`: errors and hang-ups
/// always (epoll reports them whatever was asked, `epoll_ctl(2)`).
fn relevant(mask: u32, interest: u8) -> u32 {
    let mut wanted = EPOLLERR | EPOLLHUP;
    if interest & INTEREST_READ != 0 {
        wanted |= EPOLLIN | EPOLLRDHUP | EPOLLPRI;
    }
    if interest & INTEREST_WRITE != 0 {
        wanted |= EPOLLOUT;
    }
    mask & wanted
}

impl Sim {
    /// Carries out a poll call for `pid`: the answer now, or `None` when
    /// the process waits.
    pub(super) fn poll_call(&mut self, pid: ProcessId, call: PollCall) -> Option<Reply> {
        let host = self.procs[pid.0].host;
        let result = match call {
            PollCall::Create => {
                let id = self.polls.next;
                self.polls.next += 1;
                self.polls.sets.insert(id, PollSet::default());
                Ok(PollOk::Created(PollRef {
                    run: self.run_id(),
                    id,
                }))
            }
            PollCall::Register {
                poll,
                sock,
                token,
                interest,
            } => self.poll_register(host, poll, sock, token, interest, false),
            PollCall::Reregister {
                poll,
                sock,
                token,
                interest,
            } => self.poll_register(host, poll, sock, token, interest, true),
            PollCall::Deregister { poll, sock } => self.poll_deregister(host, poll, sock),
            PollCall::Wait { poll, max, timeout } => {
                return self.poll_wait(pid, poll, max, timeout);
            }
            PollCall::Close { poll } => {
                if poll.run == self.run_id() {
                    if let Some(set) = self.polls.sets.remove(&poll.id) {
                        for key in set.interest.keys() {
                            self.unwatch(*key, poll.id);
                        }
                    }
                }
                Ok(PollOk::Done)
            }
        };
        Some(Reply::Poll(result))
    }

    fn poll_set(&mut self, poll: PollRef) -> Result<&mut PollSet, i32> {
        if poll.run != self.run_id() {
            return Err(errno::EBADF);
        }
        self.polls.sets.get_mut(&poll.id).ok_or(errno::EBADF)
    }

    fn poll_register(
        &mut self,
        host: NodeId,
        poll: PollRef,
        sock: SockRef,
        token: usize,
        interest: u8,
        again: bool,
    ) -> PollResult {
        let id = self.own(host, sock)?;
        let key = (host, id);
        let set = self.poll_set(poll)?;
        match (set.interest.contains_key(&key), again) {
            (true, false) => return Err(EEXIST),
            (false, true) => return Err(ENOENT),
            _ => {}
        }
        // Seen as never ready, so that whatever is ready now is an edge.
        let last = PollState::default();
        set.interest.insert(
            key,
            Registration {
                token,
                interest,
                last,
            },
        );
        // A reregistration forgets what was ready under the old interest.
        set.ready.retain(|(k, _)| *k != key);
        if !again {
            self.polls.watchers.entry(key).or_default().push(poll.id);
        }
        // `epoll_ctl` checks readiness at once: a socket that is ready when
        // registered gives an event without waiting for a change.
        self.poll_check(key, poll.id);
        Ok(PollOk::Done)
    }

    fn poll_deregister(&mut self, host: NodeId, poll: PollRef, sock: SockRef) -> PollResult {
        let id = self.own(host, sock)?;
        let key = (host, id);
        let set = self.poll_set(poll)?;
        if set.interest.remove(&key).is_none() {
            return Err(ENOENT);
        }
        set.ready.retain(|(k, _)| *k != key);
        self.unwatch(key, poll.id);
        Ok(PollOk::Done)
    }

    fn unwatch(&mut self, key: (NodeId, SocketId), poll: u32) {
        if let Some(list) = self.polls.watchers.get_mut(&key) {
            list.retain(|&p| p != poll);
            if list.is_empty() {
                self.polls.watchers.remove(&key);
            }
        }
    }

    fn poll_wait(
        &mut self,
        pid: ProcessId,
        poll: PollRef,
        max: usize,
        timeout: Option<std::time::Duration>,
    ) -> Option<Reply> {
        let now = self.now;
        let set = match self.poll_set(poll) {
            Ok(set) => set,
            Err(e) => return Some(Reply::Poll(Err(e))),
        };
        set.waiter = None;
        self.poll_refresh(poll.id);
        let Some(set) = self.polls.sets.get_mut(&poll.id) else {
            return Some(Reply::Poll(Err(errno::EBADF)));
        };
        if !set.ready.is_empty() {
            set.deadline = None;
            let n = set.ready.len().min(max.max(1));
            let taken: Vec<_> = set.ready.drain(..n).collect();
            let events: Vec<(usize, u32)> = taken
                .into_iter()
                .filter_map(|(key, mask)| set.interest.get(&key).map(|r| (r.token, mask)))
                .collect();
            self.trace_wake(pid, &events);
            return Some(Reply::Poll(Ok(PollOk::Events(events))));
        }
        let deadline = match (set.deadline, timeout) {
            (Some(d), _) => Some(d),
            (None, Some(t)) => Some(now + t),
            (None, None) => None,
        };
        if deadline.is_some_and(|d| d <= now) {
            set.deadline = None;
            self.trace_wake(pid, &[]);
            return Some(Reply::Poll(Ok(PollOk::Events(Vec::new()))));
        }
        set.deadline = deadline;
        set.waiter = Some(pid);
        let registered = set.interest.len();
        let token = self.block(pid, BlockedCall::Poll { registered }, deadline.is_some());
        self.procs[pid.0].reply = Reply::Retry;
        if let Some(at) = deadline {
            self.push(at, Event::Wake { pid, token });
            self.procs[pid.0].timeout_at = Some(at);
        }
        None
    }

    /// Notes how each registered socket of poll set `poll` looks now, before
    /// the program waits: what its own calls did since (a read that
    /// drained the socket, an accept that emptied the queue) is not an
    /// edge, but the next arrival after them is. Sockets already in the
    /// ready list keep their event.
    fn poll_refresh(&mut self, poll: u32) {
        let Some(set) = self.polls.sets.get(&poll) else {
            return;
        };
        let keys: Vec<(NodeId, SocketId)> = set
            .interest
            .keys()
            .filter(|k| !set.ready.iter().any(|(r, _)| r == *k))
            .copied()
            .collect();
        for key in keys {
            let Some(state) = self.ip_of(key.0).map(|ip| ip.poll_state(key.1)) else {
                continue;
            };
            if let Some(reg) = self
                .polls
                .sets
                .get_mut(&poll)
                .and_then(|set| set.interest.get_mut(&key))
            {
                reg.last = state;
            }
        }
    }

    /// Traces what a `poll` returns.
    fn trace_wake(&mut self, pid: ProcessId, events: &[(usize, u32)]) {
        self.note_process(pid, |name| Note::PollWake {
            name,
            ready: events
                .iter()
                .map(|&(token, mask)| (token, Readiness::from_mask(Token(token), mask).describe()))
                .collect(),
        });
    }

    /// Socket `key` changed: every poll set watching it checks it again.
    pub(super) fn poll_notify(&mut self, key: (NodeId, SocketId)) {
        let Some(list) = self.polls.watchers.get(&key) else {
            return;
        };
        // Usually one set; the list is short and copied to free `self`.
        let sets: Vec<u32> = list.clone();
        for poll in sets {
            self.poll_check(key, poll);
        }
    }

    /// Adds socket `key` to poll set `poll`'s ready list if it became
    /// ready for what it was registered for since the last check, and
    /// wakes the set's waiter.
    ///
    /// Linux wakes an edge-triggered poller when data, a connection, a FIN
    /// or an error arrives, when a connect completes, and when room frees
    /// up in a send buffer a writer had filled (`SOCK_NOSPACE`); not on the
    /// program's own reads and writes. Here: when a relevant bit rises, or
    /// more waits to be read than at the last check.
    fn poll_check(&mut self, key: (NodeId, SocketId), poll: u32) {
        let state = match self.ip_of(key.0) {
            Some(ip) => ip.poll_state(key.1),
            None => PollState {
                mask: EPOLLHUP | EPOLLERR,
                waiting: 0,
            },
        };
        let Some(set) = self.polls.sets.get_mut(&poll) else {
            return;
        };
        let Some(reg) = set.interest.get_mut(&key) else {
            return;
        };
        let last = std::mem::replace(&mut reg.last, state);
        let mask = relevant(state.mask, reg.interest);
        let rose = mask & !relevant(last.mask, reg.interest) != 0;
        let more = mask & EPOLLIN != 0 && state.waiting > last.waiting;
        if !(rose || more) {
            return;
        }
        match set.ready.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = mask,
            None => set.ready.push((key, mask)),
        }
        if let Some(pid) = set.waiter.take() {
            self.wake_with(pid, Reply::Retry);
        }
    }

    /// A socket was closed for good: Linux removes it from every epoll
    /// set (the last reference to its file is gone).
    pub(super) fn poll_forget(&mut self, key: (NodeId, SocketId)) {
        let Some(list) = self.polls.watchers.remove(&key) else {
            return;
        };
        for poll in list {
            if let Some(set) = self.polls.sets.get_mut(&poll) {
                set.interest.remove(&key);
                set.ready.retain(|(k, _)| *k != key);
            }
        }
    }
}
