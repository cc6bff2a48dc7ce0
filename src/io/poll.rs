//! `Poll` and `Registry`, as mio's: inside a simulated process a poll set
//! of the simulation, suspended in virtual time; anywhere else the real
//! mio (`epoll` on Linux).

use std::io;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use mio::unix::SourceFd;

use super::event::{Event, Events, Source};
use super::{Interest, Token};
use crate::net::handle::Handle;
use crate::net::loopback;
use crate::sim::poll_call::{PollCall, PollOk, PollRef, INTEREST_READ, INTEREST_WRITE};
use crate::sim::process::{in_simulation, syscall, Reply, Syscall};

/// Makes a poll call to the simulation (a blocked wait is tried again by
/// the scheduler whenever its sockets change or it times out).
fn call(call: PollCall) -> io::Result<PollOk> {
    match syscall(Syscall::Poll(call)) {
        Some(Reply::Poll(Ok(ok))) => Ok(ok),
        Some(Reply::Poll(Err(errno))) => Err(io::Error::from_raw_os_error(errno)),
        Some(other) => Err(io::Error::other(format!("unexpected reply {other:?}"))),
        None => Err(io::Error::other(
            "a simulated poll can only be used inside its simulation's processes",
        )),
    }
}

fn mismatch() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a simulated socket can only be registered with a poll made in the simulation, \
         and a real one with a real poll",
    )
}

/// Registers sources with a `Poll`, as `mio::Registry`.
#[derive(Debug)]
pub struct Registry {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Sim(PollRef),
    Os(mio::Registry),
}

fn sim_interest(interests: Interest) -> u8 {
    let mut bits = 0;
    if interests.is_readable() {
        bits |= INTEREST_READ;
    }
    if interests.is_writable() {
        bits |= INTEREST_WRITE;
    }
    bits
}

impl Registry {
    /// Registers `source` to report readiness for `interests` with
    /// `token`. Registering one source twice is an error (`EEXIST`, "File
    /// exists"), as with epoll.
    pub fn register<S: Source + ?Sized>(
        &self,
        source: &mut S,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        source.register(self, token, interests)
    }

    /// Changes a registered source's token or interests (`ENOENT`, "No
    /// such file or directory", if it is not registered).
    pub fn reregister<S: Source + ?Sized>(
        &self,
        source: &mut S,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        source.reregister(self, token, interests)
    }

    /// Stops watching `source` (`ENOENT` if it is not registered). Its
    /// events not yet returned are forgotten.
    pub fn deregister<S: Source + ?Sized>(&self, source: &mut S) -> io::Result<()> {
        source.deregister(self)
    }

    /// Another handle to the same registry.
    pub fn try_clone(&self) -> io::Result<Registry> {
        let inner = match &self.inner {
            Inner::Sim(poll) => Inner::Sim(*poll),
            Inner::Os(registry) => Inner::Os(registry.try_clone()?),
        };
        Ok(Registry { inner })
    }

    /// Registers a socket by its handle (for the [`Source`]s of `io::net`).
    pub(crate) fn add(
        &self,
        handle: Handle,
        token: Token,
        interests: Interest,
        again: bool,
    ) -> io::Result<()> {
        match (&self.inner, handle) {
            (Inner::Sim(poll), Handle::Sim(sock)) => {
                let (poll, token, interest) = (*poll, token.0, sim_interest(interests));
                let c = if again {
                    PollCall::Reregister {
                        poll,
                        sock,
                        token,
                        interest,
                    }
                } else {
                    PollCall::Register {
                        poll,
                        sock,
                        token,
                        interest,
                    }
                };
                call(c).map(drop)
            }
            (Inner::Os(registry), Handle::Os(fd)) => {
                let fd: RawFd = fd;
                if again {
                    registry.reregister(&mut SourceFd(&fd), token, interests)
                } else {
                    registry.register(&mut SourceFd(&fd), token, interests)
                }
            }
            _ => Err(mismatch()),
        }
    }

    /// Deregisters a socket by its handle.
    pub(crate) fn remove(&self, handle: Handle) -> io::Result<()> {
        match (&self.inner, handle) {
            (Inner::Sim(poll), Handle::Sim(sock)) => {
                call(PollCall::Deregister { poll: *poll, sock }).map(drop)
            }
            (Inner::Os(registry), Handle::Os(fd)) => registry.deregister(&mut SourceFd(&fd)),
            _ => Err(mismatch()),
        }
    }
}

/// Waits for readiness events, as `mio::Poll`.
#[derive(Debug)]
pub struct Poll {
    registry: Registry,
    os: Option<mio::Poll>,
}

impl Poll {
    /// A new poll: a poll set of the simulation inside a simulated
    /// process, a real `epoll` instance anywhere else.
    pub fn new() -> io::Result<Poll> {
        if in_simulation() {
            let PollOk::Created(poll) = call(PollCall::Create)? else {
                return Err(io::Error::other("unexpected reply to a poll's creation"));
            };
            return Ok(Poll {
                registry: Registry {
                    inner: Inner::Sim(poll),
                },
                os: None,
            });
        }
        let os = mio::Poll::new()?;
        let registry = Registry {
            inner: Inner::Os(os.registry().try_clone()?),
        };
        Ok(Poll {
            registry,
            os: Some(os),
        })
    }

    /// The registry sources are registered with.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Waits until a registered source is ready or `timeout` passes
    /// (`None`: for ever; zero: just look), and fills `events` with what
    /// is ready, at most its capacity. Edge-triggered, as mio: a source is
    /// reported when its readiness changes, so read or write until
    /// `WouldBlock` before polling again. An empty `events` means the
    /// timeout passed. Like mio's, a wake-up may be spurious: a readable
    /// event whose read then gives `WouldBlock` is allowed.
    pub fn poll(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        events.list.clear();
        let Some(os) = &mut self.os else {
            let Inner::Sim(poll) = self.registry.inner else {
                return Err(mismatch());
            };
            let ready = call(PollCall::Wait {
                poll,
                max: events.capacity,
                timeout,
            })?;
            if let PollOk::Events(ready) = ready {
                events.list.extend(
                    ready
                        .into_iter()
                        .map(|(t, mask)| Event::from_mask(Token(t), mask)),
                );
            }
            return Ok(());
        };
        let capacity = events.capacity;
        let buffer = events
            .os
            .get_or_insert_with(|| mio::Events::with_capacity(capacity));
        if loopback::current().is_none() {
            os.poll(buffer, timeout)?;
        } else {
            // A loopback run can be stopped: wait in slices, looking.
            let deadline = timeout.map(|t| Instant::now() + t);
            loop {
                loopback::check_stop();
                let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                let slice = left.map_or(loopback::SLICE, |l| l.min(loopback::SLICE));
                os.poll(buffer, Some(slice))?;
                if !buffer.is_empty() || left.is_some_and(|l| l <= slice) {
                    break;
                }
            }
        }
        events.list.extend(buffer.iter().map(Event::from_mio));
        Ok(())
    }
}

impl Drop for Poll {
    fn drop(&mut self) {
        if let Inner::Sim(poll) = self.registry.inner {
            // The simulation forgets the set; outside it (or unwinding from
            // a panic) there is nobody to tell, and the run's end frees it.
            if in_simulation() && !std::thread::panicking() {
                let _ = call(PollCall::Close { poll });
            }
        }
    }
}
