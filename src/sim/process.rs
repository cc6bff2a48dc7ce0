//! Processes: programs running on simulated hosts as stackful coroutines.
//!
//! A process is a closure run on a [`corosensei`] coroutine on the
//! simulation's own thread. When it makes a call that needs the simulation
//! (sleep, a socket call, printing), it *suspends* with a [`Syscall`]; the
//! scheduler carries the call out with full access to the world and resumes
//! the process with a [`Reply`]: either at once, or later when what it waits
//! for has happened. Only one process runs at a time and the scheduler picks
//! them in event order, so runs are deterministic (DESIGN.md, principle 4).
//!
//! A call deep inside user code finds its coroutine's [`Yielder`] through a
//! thread-local pointer; that is the crate's one `unsafe` block, in
//! [`syscall`], with its safety argument beside it.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::Duration;

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};

use super::poll_call::{PollCall, PollOk};
use super::tcp_call::{TcpCall, TcpOk};
use super::SimTime;
use crate::stack::udp::SocketId;
use crate::topo::NodeId;
use std::net::SocketAddrV4;

/// Identifies a process within one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId(pub usize);

/// The default stack of a process: 1 MiB of reserved address space, touched
/// lazily, with a guard page below it (learners put 64 KiB buffers on the
/// stack; recursion needs room too). The simulator's handling of each call
/// the process makes runs on it too (see `lend`): under 32 KiB in every
/// shipped scenario, traced to text, JSON and pcap.
pub const DEFAULT_STACK_SIZE: usize = 1024 * 1024;

/// The smallest stack a process is given: room for the simulator's handling
/// of its calls, with some left for the program.
pub const MIN_STACK_SIZE: usize = 64 * 1024;

/// A request from a process to the simulation.
pub enum Syscall {
    /// Suspend for this long in virtual time.
    Sleep(Duration),
    /// The current virtual time.
    Now,
    /// Text the process printed (lines end at `\n`).
    Print(String),
    /// Start another process on the same host.
    Spawn {
        /// Its name; empty means `{parent}-{n}` for the parent's n-th child.
        name: String,
        /// What it runs.
        body: Box<dyn FnOnce()>,
    },
    /// Wait for a process to end.
    Join(ProcessId),
    /// The calling process's own id, host and name.
    WhoAmI,
    /// The addresses of the simulated host with this name, or the DNS
    /// server to ask if the caller's host has one.
    Resolve(String),
    /// A UDP socket call.
    Udp(UdpCall),
    /// A TCP socket call.
    Tcp(TcpCall),
    /// A call on a poll set (`simnet::io::Poll`).
    Poll(PollCall),
}

/// A socket of a simulated host, as a process holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SockRef {
    /// The simulation it belongs to (see [`crate::sim::Sim::run_id`]).
    pub run: u64,
    /// The host it lives on.
    pub host: NodeId,
    /// Its number in that host's socket table.
    pub id: SocketId,
}

/// A UDP socket call, as `std::net::UdpSocket`'s methods.
#[derive(Clone, Debug)]
pub enum UdpCall {
    /// Create a socket bound to `addr`.
    Bind {
        /// The address (port 0: ephemeral).
        addr: SocketAddrV4,
    },
    /// Set the default peer.
    Connect {
        /// The socket.
        sock: SockRef,
        /// The peer.
        peer: SocketAddrV4,
    },
    /// Send a datagram (to the peer when `dst` is `None`).
    Send {
        /// The socket.
        sock: SockRef,
        /// The payload.
        data: Vec<u8>,
        /// The destination.
        dst: Option<SocketAddrV4>,
    },
    /// Receive (or peek at) a datagram, blocking as the socket says.
    Recv {
        /// The socket.
        sock: SockRef,
        /// The caller's buffer size.
        max: usize,
        /// Leave the datagram queued.
        peek: bool,
    },
    /// The bound address.
    LocalAddr {
        /// The socket.
        sock: SockRef,
    },
    /// The peer's address.
    PeerAddr {
        /// The socket.
        sock: SockRef,
    },
    /// Another handle to the socket.
    Clone {
        /// The socket.
        sock: SockRef,
    },
    /// `SO_RCVTIMEO`.
    SetReadTimeout {
        /// The socket.
        sock: SockRef,
        /// The timeout.
        dur: Option<Duration>,
    },
    /// `SO_SNDTIMEO`.
    SetWriteTimeout {
        /// The socket.
        sock: SockRef,
        /// The timeout.
        dur: Option<Duration>,
    },
    /// The receive timeout.
    ReadTimeout {
        /// The socket.
        sock: SockRef,
    },
    /// The send timeout.
    WriteTimeout {
        /// The socket.
        sock: SockRef,
    },
    /// `O_NONBLOCK`.
    SetNonblocking {
        /// The socket.
        sock: SockRef,
        /// On or off.
        on: bool,
    },
    /// `SO_BROADCAST`.
    SetBroadcast {
        /// The socket.
        sock: SockRef,
        /// On or off.
        on: bool,
    },
    /// Whether `SO_BROADCAST` is set.
    Broadcast {
        /// The socket.
        sock: SockRef,
    },
    /// `IP_TTL`.
    SetTtl {
        /// The socket.
        sock: SockRef,
        /// The TTL.
        ttl: u32,
    },
    /// The TTL.
    Ttl {
        /// The socket.
        sock: SockRef,
    },
    /// `SO_ERROR`.
    TakeError {
        /// The socket.
        sock: SockRef,
    },
}

/// A successful UDP call's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UdpOk {
    /// A new socket.
    Socket(SockRef),
    /// Nothing to return.
    Done,
    /// Bytes sent.
    Sent(usize),
    /// A datagram (already cut to the caller's buffer) and its sender.
    Received {
        /// The bytes.
        data: Vec<u8>,
        /// Who sent it.
        from: SocketAddrV4,
    },
    /// A datagram copied straight into the caller's buffer (a receive
    /// answered in place): the bytes copied and its sender.
    Copied {
        /// Bytes copied (the datagram cut to the buffer).
        len: usize,
        /// Who sent it.
        from: SocketAddrV4,
    },
    /// An address.
    Addr(SocketAddrV4),
    /// A timeout setting.
    Timeout(Option<Duration>),
    /// A flag.
    Flag(bool),
    /// A number.
    Number(u32),
    /// A pending error's errno.
    Error(Option<i32>),
}

impl Syscall {
    /// A copy of a call that can block and be woken to try again: a UDP
    /// receive, a TCP accept, connect, read or write, a poll wait. The
    /// scheduler keeps it while the process is blocked, and when what the
    /// process waits for may have happened it makes the call again itself,
    /// without resuming the process just to have it ask again.
    pub(crate) fn retry_copy(&self) -> Option<Syscall> {
        match self {
            Syscall::Udp(call @ UdpCall::Recv { .. }) => Some(Syscall::Udp(call.clone())),
            Syscall::Tcp(
                call @ (TcpCall::Accept { .. }
                | TcpCall::Connect { .. }
                | TcpCall::Read { .. }
                | TcpCall::Write { .. }),
            ) => Some(Syscall::Tcp(call.clone())),
            Syscall::Poll(call @ PollCall::Wait { .. }) => Some(Syscall::Poll(call.clone())),
            _ => None,
        }
    }
}

impl fmt::Debug for Syscall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Syscall::Sleep(d) => write!(f, "Sleep({d:?})"),
            Syscall::Now => f.write_str("Now"),
            Syscall::Print(s) => write!(f, "Print({s:?})"),
            Syscall::Spawn { name, .. } => write!(f, "Spawn({name:?})"),
            Syscall::Join(p) => write!(f, "Join({p:?})"),
            Syscall::WhoAmI => f.write_str("WhoAmI"),
            Syscall::Resolve(name) => write!(f, "Resolve({name:?})"),
            Syscall::Tcp(call) => write!(f, "Tcp({call:?})"),
            Syscall::Poll(call) => write!(f, "Poll({call:?})"),
            Syscall::Udp(call) => write!(f, "Udp({call:?})"),
        }
    }
}

/// The simulation's answer to a [`Syscall`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done; nothing to return.
    Done,
    /// The current virtual time.
    Time(SimTime),
    /// The new process's id.
    Spawned(ProcessId),
    /// The joined process ended: `Ok` if it returned, `Err(message)` if it
    /// panicked.
    Joined(Result<(), String>),
    /// The caller's id, host and name.
    Me(ProcessId, NodeId, String),
    /// A host's addresses.
    Addrs(Vec<std::net::Ipv4Addr>),
    /// The caller's host resolves names through this DNS server.
    Nameserver(std::net::Ipv4Addr),
    /// A UDP call's result, or the errno Linux would give.
    Udp(Result<UdpOk, i32>),
    /// The answer to a TCP call: its result or a Linux errno.
    Tcp(Result<TcpOk, i32>),
    /// The answer to a poll call: its result or a Linux errno.
    Poll(Result<PollOk, i32>),
    /// What the process waited for may have happened: the scheduler makes
    /// the call again on the process's behalf (see `Syscall::retry_copy`).
    /// A process never receives it.
    Retry,
}

impl Reply {
    /// Whether this answers a socket call with `EAGAIN` (`WouldBlock`).
    pub fn is_would_block(&self) -> bool {
        const EAGAIN: i32 = 11;
        matches!(
            self,
            Reply::Udp(Err(EAGAIN)) | Reply::Tcp(Err(EAGAIN)) | Reply::Poll(Err(EAGAIN))
        )
    }
}

/// How a process ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It returned.
    Returned,
    /// It panicked, with this message (and location, when known).
    Panicked(String),
}

/// The call a process is blocked in. Kept as data and only formatted when
/// shown: a busy server blocks in `recv_from` hundreds of thousands of times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockedCall {
    /// `thread::sleep`.
    Sleep(Duration),
    /// `JoinHandle::join` of the named process.
    Join(String),
    /// A receive (or peek) on a UDP socket bound to this address.
    Recv {
        /// `peek`/`peek_from` rather than `recv`/`recv_from`.
        peek: bool,
        /// The socket's address, if it still has one.
        local: Option<SocketAddrV4>,
    },
    /// A TCP call (`accept`, `connect`, `read`, `write`) on a socket with
    /// this address.
    Tcp {
        /// The call.
        what: &'static str,
        /// The socket's address, or the peer's for `connect`.
        on: Option<SocketAddrV4>,
    },
    /// `Poll::poll` (`epoll_wait`) on a set of this many sockets.
    Poll {
        /// Sockets registered.
        registered: usize,
    },
    /// Stopped at the run's event limit.
    EventLimit,
}

impl fmt::Display for BlockedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockedCall::Sleep(d) => write!(f, "sleep({d:?})"),
            BlockedCall::Join(name) => write!(f, "join({name})"),
            BlockedCall::Recv { peek, local } => {
                f.write_str(if *peek { "peek" } else { "recv_from" })?;
                match local {
                    Some(addr) => write!(f, " on {addr}"),
                    None => f.write_str(" on ?"),
                }
            }
            BlockedCall::Tcp { what, on } => match on {
                Some(addr) => write!(f, "{what} on {addr}"),
                None => f.write_str(what),
            },
            BlockedCall::Poll { registered } => write!(f, "poll on {registered} socket(s)"),
            BlockedCall::EventLimit => f.write_str("(stopped at the event limit)"),
        }
    }
}

/// Where a process is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// Created, waiting for its first turn.
    Starting,
    /// Suspended in a call, since a time.
    Blocked {
        /// The call (shown as a person would read it: `sleep(1s)`,
        /// `recv_from on 0.0.0.0:7852`).
        call: BlockedCall,
        /// When it blocked.
        since: SimTime,
        /// Whether a timer will wake it (sleep, timeouts): such a process is
        /// not deadlocked.
        timed: bool,
    },
    /// Ended.
    Exited(Exit),
}

/// Why a process's coroutine suspends.
pub(crate) enum Suspend {
    /// To have this call answered by the scheduler: no world was lent to
    /// answer it in place (see [`super::lend`]).
    Call(Syscall),
    /// Its call was taken in place and blocks it; the scheduler wakes it
    /// with the reply.
    Blocked,
}

/// The coroutine type of a process.
pub(crate) type ProcCoroutine = Coroutine<Reply, Suspend, Exit, DefaultStack>;

/// One process.
pub struct Process {
    /// Its id.
    pub id: ProcessId,
    /// The host it runs on.
    pub host: NodeId,
    /// Its name, such as `udp-echo-server`.
    pub name: String,
    /// Where it is.
    pub state: ProcState,
    pub(crate) coroutine: Option<ProcCoroutine>,
    /// Bumped whenever the process is woken, so that stale wake-ups (a
    /// timeout after the data came) are ignored.
    pub(crate) wake_token: u64,
    /// The reply it gets when next resumed.
    pub(crate) reply: Reply,
    /// The call it is blocked in, when a wake with [`Reply::Retry`] makes
    /// the scheduler try it again (see [`Syscall::retry_copy`]).
    pub(crate) again: Option<Syscall>,
    /// Processes waiting in `join` for this one.
    pub(crate) joiners: Vec<ProcessId>,
    /// Every line it printed, with the time.
    pub output: Vec<(SimTime, String)>,
    /// Printed text not yet ended by a newline.
    pub(crate) partial: String,
    /// How many processes it has spawned.
    pub(crate) children: usize,
    /// The socket it is blocked reading, if any.
    pub(crate) waiting_on: Option<(NodeId, SocketId)>,
    /// When the timeout of the call it is blocked in fires, if it has one
    /// (so that an early wake can cancel it).
    pub(crate) timeout_at: Option<SimTime>,
    /// What its blocked TCP call has done so far (see `tcp_calls`).
    pub(crate) tcp_pending: Option<super::tcp_calls::Pending>,
    /// Socket and poll calls it made (a blocked call retried counts once).
    pub socket_calls: u64,
    /// How many of them returned `WouldBlock` (`EAGAIN`).
    pub would_block: u64,
    /// How many turns it took: times its coroutine was resumed. A call
    /// that does not block is answered within the turn (see `lend`).
    pub turns: u64,
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Process")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("state", &self.state)
            .finish()
    }
}

thread_local! {
    /// The yielder of the coroutine running on this thread, or null when no
    /// simulated process is running here.
    static CURRENT: Cell<*const Yielder<Reply, Suspend>> = const { Cell::new(std::ptr::null()) };
    /// The location and message of the last panic inside a process.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Sockets dropped by processes, for the scheduler to close.
    static CLOSED: RefCell<Vec<SockRef>> = const { RefCell::new(Vec::new()) };
}

/// Asks the scheduler to close `sock` once the running process yields.
/// Closing never blocks, so a `Drop` can call this without suspending.
pub(crate) fn defer_close(sock: SockRef) {
    CLOSED.with(|c| c.borrow_mut().push(sock));
}

/// Puts the sockets dropped since the last call in `spare` (which must be
/// empty) and keeps its room for the next drops; `false`, leaving both
/// alone, when none were dropped (most calls follow no drop).
#[inline]
pub(crate) fn take_closed(spare: &mut Vec<SockRef>) -> bool {
    // Swapped with the caller's emptied list, so that neither allocates
    // again: a program that opens and drops a socket per connection would
    // otherwise allocate once per drop.
    CLOSED.with(|c| {
        let mut closed = c.borrow_mut();
        if closed.is_empty() {
            return false;
        }
        std::mem::swap(&mut *closed, spare);
        true
    })
}

/// Whether the calling code runs inside a simulated process.
pub fn in_simulation() -> bool {
    CURRENT.with(|c| !c.get().is_null())
}

/// Makes a call to the simulation from inside a process. The call is
/// answered in place when the running process has the world lent to it (as
/// it has during its turn; see `src/sim/lend.rs`), and the process suspends
/// only if the call blocks, until the scheduler wakes it with the reply.
/// Returns `None` when not inside a simulated process.
#[inline]
pub fn syscall(call: Syscall) -> Option<Reply> {
    let ptr = CURRENT.with(Cell::get);
    if ptr.is_null() {
        return None;
    }
    let suspend = match super::lend::answer_in_place(call) {
        Ok(Some(reply)) => return Some(reply),
        Ok(None) => Suspend::Blocked,
        Err(call) => Suspend::Call(call),
    };
    suspend_with(suspend)
}

/// Suspends the running process with `why` until the scheduler resumes it;
/// returns the reply it is resumed with, or `None` when not inside a
/// simulated process.
#[inline]
pub(crate) fn suspend_with(why: Suspend) -> Option<Reply> {
    let ptr = CURRENT.with(Cell::get);
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `CURRENT` is non-null only while a process's coroutine runs on
    // this thread, and then points to that coroutine's own `Yielder`: the
    // coroutine's body stores its yielder there when it starts and again
    // after every `suspend` returns (below), and `resume` puts back, as soon
    // as the coroutine suspends or ends, the value from before it resumed:
    // null on the scheduler's own stack, or, when a process runs a
    // simulation of its own, that process's yielder, whose coroutine is the
    // one running again. A `Yielder` lives on its coroutine's stack for the
    // coroutine's whole life, and only code running on that coroutine can
    // read `CURRENT` while it points there (one thread, one running
    // coroutine at a time). So the pointer is valid. `Yielder` is neither
    // `Send` nor `Sync`, and the pointer never leaves this thread.
    #[allow(unsafe_code)]
    let yielder = unsafe { &*ptr };
    let reply = yielder.suspend(why);
    // Other coroutines ran meanwhile and pointed CURRENT at themselves.
    CURRENT.with(|c| c.set(ptr));
    Some(reply)
}

/// Installs (once) a panic hook that keeps panics inside simulated processes
/// quiet and remembers their message and location for the report; other
/// panics go to the hook that was there before.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if in_simulation() {
                let message = panic_message(info.payload());
                let text = match info.location() {
                    Some(loc) => format!("panicked at {}:{}: {message}", loc.file(), loc.line()),
                    None => format!("panicked: {message}"),
                };
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
            } else if crate::net::loopback::current().is_some() {
                // A loopback run reports it as the program's last line.
            } else {
                previous(info);
            }
        }));
    });
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Why a process could not be created.
#[derive(Debug)]
pub struct SpawnError(pub std::io::Error);

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot allocate a process stack: {}", self.0)
    }
}

impl std::error::Error for SpawnError {}

/// A coroutine that runs `body`, catching its panic.
pub(crate) fn make_coroutine(
    body: Box<dyn FnOnce()>,
    stack_size: usize,
) -> Result<ProcCoroutine, SpawnError> {
    install_panic_hook();
    let stack = DefaultStack::new(stack_size).map_err(SpawnError)?;
    Ok(Coroutine::with_stack(
        stack,
        move |yielder: &Yielder<Reply, Suspend>, _first: Reply| {
            CURRENT.with(|c| c.set(yielder as *const _));
            match panic::catch_unwind(AssertUnwindSafe(body)) {
                Ok(()) => Exit::Returned,
                Err(payload) => {
                    let text = LAST_PANIC
                        .with(|p| p.borrow_mut().take())
                        .unwrap_or_else(|| {
                            format!("panicked: {}", panic_message(payload.as_ref()))
                        });
                    Exit::Panicked(text)
                }
            }
        },
    ))
}

/// Resumes `co` with `reply`; returns what it yielded or how it ended.
///
/// `CURRENT` goes back to what it was: null when the scheduler runs on the
/// thread's own stack, or the yielder of the process that runs a
/// simulation of its own, which is still the running coroutine.
#[inline]
pub(crate) fn resume(co: &mut ProcCoroutine, reply: Reply) -> CoroutineResult<Suspend, Exit> {
    let outer = CURRENT.with(Cell::get);
    let result = co.resume(reply);
    CURRENT.with(|c| c.set(outer));
    result
}
