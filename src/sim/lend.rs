//! The world lent to the running process: a socket call answered where it
//! is made, without a coroutine switch.
//!
//! While a process takes its turn, the scheduler holds no borrow of the
//! world: [`take_turn`] moves it into a thread-local slot before resuming
//! the coroutine and takes it back when the coroutine suspends. A call the
//! process makes meanwhile ([`super::process::syscall`]) borrows the world
//! from the slot and is answered on the spot by the same code that would
//! answer it after a switch ([`Sim::answer`]), in the same order, so the run
//! is the same event for event. Only a call that blocks suspends the
//! process; a send, or a read that finds data, costs no switch at all.
//!
//! A call made while no world is lent here (none is, or the slot is busy)
//! is handed back to the caller, which suspends with it as a
//! [`Suspend::Call`] for the scheduler to answer after the switch.
//!
//! A read or a write answered in place also works on the caller's own
//! buffer ([`tcp_read`], [`tcp_write`], [`udp_recv`], [`udp_send`]): the
//! bytes go straight between it and the socket, with no copy into a call of
//! their own. Such a call,
//! when it blocks, is not kept for the scheduler to retry; the process is
//! woken with [`Reply::Retry`] and makes it again itself, at the same
//! instant and in the same order as the scheduler would have.

use std::cell::RefCell;
use std::net::SocketAddrV4;

use corosensei::CoroutineResult;

use super::process::{self, ProcessId, Reply, SockRef, Suspend, Syscall};
use super::world::Sim;

thread_local! {
    /// The world of the process running on this thread, while it runs.
    static LENT: RefCell<Option<Box<Sim>>> = const { RefCell::new(None) };
}

/// A process's turn: resume `pid` with `reply`.
#[derive(Debug)]
pub(super) struct Turn {
    /// Who runs.
    pub(super) pid: ProcessId,
    /// What its pending call returns.
    pub(super) reply: Reply,
}

/// Runs the process of `turn` until it blocks or ends, with `world` lent to
/// it, and gives the world back.
#[inline]
pub(super) fn take_turn(mut world: Box<Sim>, turn: Turn) -> Box<Sim> {
    let Turn { pid, mut reply } = turn;
    let Some(mut co) = world.procs.get_mut(pid.0).and_then(|p| p.coroutine.take()) else {
        return world;
    };
    world.running = Some(pid);
    loop {
        world.procs[pid.0].turns += 1;
        // A run inside a process of another run lends its world over the
        // outer one, which gets its slot back when this turn ends.
        let outer = LENT.with(|slot| slot.replace(Some(world)));
        let result = process::resume(&mut co, reply);
        world = LENT
            .with(|slot| slot.replace(outer))
            .expect("the world lent to a process is still in its slot when the process suspends");
        match result {
            // Its call, taken in place, closed what it had dropped.
            CoroutineResult::Yield(Suspend::Blocked) => break,
            CoroutineResult::Yield(Suspend::Call(call)) => {
                world.close_dropped_sockets();
                match world.answer_call(pid, call) {
                    Some(next) => reply = next,
                    None => break,
                }
            }
            CoroutineResult::Return(exit) => {
                world.close_dropped_sockets();
                world.running = None;
                world.exit_process(pid, exit);
                return world;
            }
        }
    }
    world.running = None;
    world.procs[pid.0].coroutine = Some(co);
    world
}

/// Answers `call` of the running process with the world lent to it: `Ok`
/// with the reply, or `Ok(None)` when the process is now blocked and must
/// suspend; `Err` gives the call back when no world is lent on this thread.
#[inline]
pub(crate) fn answer_in_place(call: Syscall) -> Result<Option<Reply>, Syscall> {
    LENT.with(|slot| {
        let Ok(mut lent) = slot.try_borrow_mut() else {
            return Err(call);
        };
        let Some(world) = lent.as_mut() else {
            return Err(call);
        };
        let Some(pid) = world.running else {
            return Err(call);
        };
        // What the scheduler does first when a process suspends: close
        // the sockets it dropped since its last call.
        world.close_dropped_sockets();
        Ok(world.answer_call(pid, call))
    })
}

/// Carries out a call of the running process with its own buffers, on the
/// world lent to it: `carry` does the call as [`Sim::answer`] would, and
/// `None` from it means the process is blocked. A blocked call suspends
/// the process and runs again when it is woken with [`Reply::Retry`];
/// another reply (the event cap, say) ends it. Returns `None` when no world
/// is lent on this thread, for the caller to make the call the owned way.
fn with_buffers(mut carry: impl FnMut(&mut Sim, ProcessId) -> Option<Reply>) -> Option<Reply> {
    let mut first = true;
    loop {
        let answered = LENT.with(|slot| {
            let mut lent = slot.try_borrow_mut().ok()?;
            let world = lent.as_mut()?;
            let pid = world.running?;
            if first {
                world.close_dropped_sockets();
                world.procs[pid.0].socket_calls += 1;
            }
            Some(world.answer_with(pid, |world| carry(world, pid)))
        })?;
        match answered {
            Some(reply) => return Some(reply),
            None => match process::suspend_with(Suspend::Blocked)? {
                Reply::Retry => first = false,
                reply => return Some(reply),
            },
        }
    }
}

/// `read` (or `peek`) on TCP socket `sock` straight into `buf`: the reply
/// to [`crate::sim::tcp_call::TcpCall::Read`], with
/// [`crate::sim::tcp_call::TcpOk::Copied`] for the bytes; `None` when no
/// world is lent.
#[inline]
pub(crate) fn tcp_read(sock: SockRef, buf: &mut [u8], peek: bool) -> Option<Reply> {
    with_buffers(|world, pid| world.tcp_read_borrowed(pid, sock, buf, peek))
}

/// `write` of `data` on TCP socket `sock`, taken straight from the
/// caller's bytes: the reply to
/// [`crate::sim::tcp_call::TcpCall::Write`]; `None` when no world is lent.
#[inline]
pub(crate) fn tcp_write(sock: SockRef, data: &[u8]) -> Option<Reply> {
    with_buffers(|world, pid| world.tcp_write_borrowed(pid, sock, data))
}

/// A receive (or peek) on UDP socket `sock` straight into `buf`: the reply
/// to [`crate::sim::process::UdpCall::Recv`], with
/// [`crate::sim::process::UdpOk::Copied`] for the datagram; `None` when no
/// world is lent.
#[inline]
pub(crate) fn udp_recv(sock: SockRef, buf: &mut [u8], peek: bool) -> Option<Reply> {
    with_buffers(|world, pid| world.udp_recv_borrowed(pid, sock, buf, peek))
}

/// A send of `data` from UDP socket `sock` to `dst` (its peer if `None`),
/// taken straight from the caller's bytes: the reply to
/// [`crate::sim::process::UdpCall::Send`]; `None` when no world is lent.
#[inline]
pub(crate) fn udp_send(sock: SockRef, data: &[u8], dst: Option<SocketAddrV4>) -> Option<Reply> {
    with_buffers(|world, pid| world.udp_send_borrowed(pid, sock, data, dst))
}
