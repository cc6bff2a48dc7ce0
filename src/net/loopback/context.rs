//! The threads of a loopback run: which host and program each is, what
//! they print, and when the run is over.
//!
//! A simulated run ends when every process waits for something that can no
//! longer happen (a server blocked in `recv_from` after its clients left).
//! A loopback run has no event queue to tell, so it watches: each thread
//! says when it enters and leaves a wait with no time limit, and when every
//! live thread has been in one for a while with nothing changing (and each
//! has looked again, in vain, at least twice meanwhile), the run is over. Then the stop flag is raised and every thread unwinds from its
//! next call (with a private [`Stopped`] payload, which the panic hook does
//! not report); blocking calls wait in short slices so that they notice.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use super::{Line, LoopbackNet};

/// How often a waiting call looks at the stop flag.
pub(crate) const SLICE: Duration = Duration::from_millis(10);

/// How a loopback run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every thread returned (or panicked).
    AllEnded,
    /// This many threads were left waiting with nothing to wait for (a
    /// server after its clients left), and were stopped.
    Quiet(usize),
    /// The time limit passed first.
    TimeLimit,
}

/// The payload a thread unwinds with when its run is stopped.
#[derive(Debug)]
pub struct Stopped;

/// Counts the run's threads and their waits.
#[derive(Debug, Default)]
pub(super) struct Activity {
    /// Threads started and not yet ended.
    live: usize,
    /// Of those, the ones in a wait with no time limit.
    waiting: usize,
    /// Bumped on every change, so a watcher can tell a quiet spell.
    changes: u64,
    /// Each wait with no time limit (numbered as it began) and how many
    /// times it has looked in vain: a quiet spell counts only once every
    /// waiting thread has looked again, so that a thread the OS has not
    /// scheduled for a while (on a loaded machine) is not taken for one
    /// with nothing to wait for.
    looks: BTreeMap<u64, u64>,
    /// The number of the next wait.
    next_wait: u64,
}

/// How many times every waiting thread must look again, in vain, during a
/// quiet spell before the run is taken to be over: two, so that at least
/// one of those looks began after the spell did.
const LOOKS_IN_A_QUIET_SPELL: u64 = 2;

/// Who the current thread is in a loopback run.
struct ThreadCtx {
    net: Arc<LoopbackNet>,
    host: usize,
    program: String,
    children: usize,
    partial: String,
}

thread_local! {
    static CURRENT: RefCell<Option<ThreadCtx>> = const { RefCell::new(None) };
}

/// The loopback run and host of the current thread, if it is in one.
pub(crate) fn current() -> Option<(Arc<LoopbackNet>, usize)> {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .map(|ctx| (Arc::clone(&ctx.net), ctx.host))
    })
}

/// Whether the current thread's run has been stopped.
pub(crate) fn is_stopped() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|ctx| ctx.net.stop.load(Ordering::Relaxed))
    })
}

/// Unwinds the current thread if its run has been stopped.
pub(crate) fn check_stop() {
    if is_stopped() {
        panic::resume_unwind(Box::new(Stopped));
    }
}

/// Sleeps in a loopback run (checking for a stop); `false` outside one.
pub(crate) fn sleep(dur: Duration) -> bool {
    if current().is_none() {
        return false;
    }
    let end = Instant::now() + dur;
    loop {
        check_stop();
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(SLICE));
    }
}

/// Runs `attempt` until it gives an answer, as a wait with no time limit:
/// the run may end while every thread is in one. `attempt` should itself
/// wait at most about [`SLICE`]. Outside a loopback run, `attempt` is
/// simply called until it answers.
pub(crate) fn wait_untimed<T>(mut attempt: impl FnMut() -> Option<T>) -> T {
    let Some((net, _)) = current() else {
        loop {
            if let Some(value) = attempt() {
                return value;
            }
        }
    };
    let mut wait = 0;
    net.note(|a| {
        a.waiting += 1;
        wait = a.next_wait;
        a.next_wait += 1;
        a.looks.insert(wait, 0);
    });
    // Leaves the wait however the thread leaves this function (a stop
    // unwinds through here).
    struct Leave(Arc<LoopbackNet>, u64);
    impl Drop for Leave {
        fn drop(&mut self) {
            let wait = self.1;
            self.0.note(|a| {
                a.waiting = a.waiting.saturating_sub(1);
                a.looks.remove(&wait);
            });
        }
    }
    let leave = Leave(net, wait);
    loop {
        check_stop();
        if let Some(value) = attempt() {
            return value;
        }
        // A look in vain is not a change: it is what a quiet spell is made of.
        let mut a = leave
            .0
            .activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = a.looks.get_mut(&wait) {
            *n += 1;
        }
    }
}

/// Takes text a program printed; `false` outside a loopback run.
pub(crate) fn print(text: &str) -> bool {
    CURRENT.with(|c| {
        let mut slot = c.borrow_mut();
        let Some(ctx) = slot.as_mut() else {
            return false;
        };
        ctx.partial.push_str(text);
        while let Some(end) = ctx.partial.find('\n') {
            let line: String = ctx.partial.drain(..=end).collect();
            ctx.net.push_line(Line {
                host: ctx.net.hosts[ctx.host].name.clone(),
                program: ctx.program.clone(),
                text: line.trim_end_matches('\n').to_string(),
            });
        }
        true
    })
}

/// Ends the current thread's last unfinished line, as a process's output is
/// when it exits.
pub(crate) fn finish_print() {
    let pending = CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|ctx| !ctx.partial.is_empty())
    });
    if pending {
        print("\n");
    }
}

impl LoopbackNet {
    fn note(&self, change: impl FnOnce(&mut Activity)) {
        let mut activity = self.activity.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut activity);
        activity.changes += 1;
    }

    /// Stops every thread of the run at its next call.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Waits until the run is over: every thread has ended, or every live
    /// thread has waited with no time limit for `grace` with nothing
    /// changing (each looking again, in vain, meanwhile), or `limit` has
    /// passed. Then stops the run and waits for
    /// the threads to unwind.
    pub fn wait_until_quiet(&self, grace: Duration, limit: Duration) -> Ending {
        let start = Instant::now();
        // When the quiet spell began, the change count then, and how many
        // times each wait had looked by then.
        let mut quiet_since: Option<(Instant, u64, BTreeMap<u64, u64>)> = None;
        let ending = loop {
            let (live, waiting, changes, looks) = {
                let a = self.activity.lock().unwrap_or_else(PoisonError::into_inner);
                (a.live, a.waiting, a.changes, a.looks.clone())
            };
            if live == 0 {
                break Ending::AllEnded;
            }
            let now = Instant::now();
            if now.duration_since(start) >= limit {
                break Ending::TimeLimit;
            }
            if waiting < live {
                quiet_since = None;
            } else {
                match &quiet_since {
                    Some((since, seen, before)) if *seen == changes => {
                        let all_looked = looks.iter().all(|(wait, n)| {
                            let then = before.get(wait).copied().unwrap_or(0);
                            *n >= then + LOOKS_IN_A_QUIET_SPELL
                        });
                        if now.duration_since(*since) >= grace && all_looked {
                            break Ending::Quiet(live);
                        }
                    }
                    _ => quiet_since = Some((now, changes, looks)),
                }
            }
            std::thread::sleep(SLICE);
        };
        self.stop();
        // Threads notice the stop within a slice or so; a thread stuck in a
        // call that never looks (a std primitive) is left behind.
        let unwind_by = Instant::now() + Duration::from_secs(5);
        while Instant::now() < unwind_by {
            let live = self.activity.lock().map_or(0, |a| a.live);
            if live == 0 {
                break;
            }
            std::thread::sleep(SLICE);
        }
        ending
    }
}

/// Starts a thread running `body` as `program` on host `host` of `net`,
/// after `delay`. A panic is reported as a line `panicked: …`.
pub fn run_thread(
    net: &Arc<LoopbackNet>,
    host: usize,
    program: &str,
    delay: Duration,
    body: Box<dyn FnOnce() + Send>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let ctx = ThreadCtx {
        net: Arc::clone(net),
        host,
        program: program.to_string(),
        children: 0,
        partial: String::new(),
    };
    start(ctx, move || {
        sleep(delay);
        body();
    })
}

/// Starts `f` on a new thread: in a loopback run, a thread of the run named
/// as a child of the current program (`{program}-{n}`); else a plain one.
pub(crate) fn spawn_child<F, T>(f: F) -> std::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let ctx = CURRENT.with(|c| {
        let mut slot = c.borrow_mut();
        let parent = slot.as_mut()?;
        parent.children += 1;
        Some(ThreadCtx {
            net: Arc::clone(&parent.net),
            host: parent.host,
            program: format!("{}-{}", parent.program, parent.children),
            children: 0,
            partial: String::new(),
        })
    });
    let Some(ctx) = ctx else {
        return std::thread::spawn(f);
    };
    // As std::thread::spawn, which panics when the OS cannot make a thread.
    start(ctx, f).unwrap_or_else(|e| panic!("failed to spawn thread: {e}"))
}

fn start<F, T>(ctx: ThreadCtx, f: F) -> std::io::Result<std::thread::JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    crate::sim::process::install_panic_hook();
    let net = Arc::clone(&ctx.net);
    net.note(|a| a.live += 1);
    let started = std::thread::Builder::new().spawn(move || {
        struct End(Arc<LoopbackNet>);
        impl Drop for End {
            fn drop(&mut self) {
                self.0.note(|a| a.live = a.live.saturating_sub(1));
            }
        }
        let _end = End(Arc::clone(&ctx.net));
        CURRENT.with(|c| *c.borrow_mut() = Some(ctx));
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        finish_print();
        if let Err(payload) = &result {
            if !payload.is::<Stopped>() {
                let message = crate::sim::process::panic_message(payload.as_ref());
                print(&format!("panicked: {message}\n"));
            }
        }
        CURRENT.with(|c| *c.borrow_mut() = None);
        result.unwrap_or_else(|payload| panic::resume_unwind(payload))
    });
    if started.is_err() {
        net.note(|a| a.live = a.live.saturating_sub(1));
    }
    started
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of one live thread in a wait whose looks `look` bumps (or
    /// not); the thread "unwinds" when the run is stopped.
    fn watch(look: bool) -> Ending {
        let net = Arc::new(LoopbackNet::new(Vec::new(), false).expect("no hosts fit"));
        net.note(|a| {
            a.live = 1;
            a.waiting = 1;
            a.looks.insert(0, 0);
        });
        let thread = {
            let net = Arc::clone(&net);
            std::thread::spawn(move || {
                while !net.stop.load(Ordering::Relaxed) {
                    if look {
                        let mut a = net.activity.lock().unwrap_or_else(PoisonError::into_inner);
                        *a.looks.entry(0).or_default() += 1;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
                net.note(|a| a.live = 0);
            })
        };
        let ending = net.wait_until_quiet(Duration::from_millis(30), Duration::from_millis(400));
        thread.join().expect("the test thread ends");
        ending
    }

    #[test]
    fn waits_that_look_again_in_vain_end_the_run_as_quiet() {
        assert_eq!(watch(true), Ending::Quiet(1));
    }

    /// A thread the OS has not scheduled since the spell began (it has not
    /// looked again) may have something to read: the run goes on.
    #[test]
    fn a_wait_that_has_not_looked_again_keeps_the_run_going() {
        assert_eq!(watch(false), Ending::TimeLimit);
    }
}
