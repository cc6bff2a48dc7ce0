//! `std::thread`'s `spawn` and `sleep`, on both backends.
//!
//! Inside a simulated process, [`spawn`] starts another process on the same
//! host and [`sleep`] waits in virtual time; anywhere else they are
//! `std::thread::spawn` and `std::thread::sleep`. The signatures are std's,
//! so a program needs only its `use` lines changed.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::net::loopback;
use crate::sim::process::{in_simulation, syscall, Reply, Syscall};
use crate::sim::ProcessId;

/// Puts the current thread (or simulated process) to sleep for `dur`.
pub fn sleep(dur: Duration) {
    if syscall(Syscall::Sleep(dur)).is_none() && !loopback::sleep(dur) {
        std::thread::sleep(dur);
    }
}

/// An owned permission to join a thread or process, as `std::thread::JoinHandle`.
#[derive(Debug)]
pub struct JoinHandle<T> {
    inner: Inner<T>,
}

#[derive(Debug)]
enum Inner<T> {
    Os(std::thread::JoinHandle<T>),
    Sim {
        pid: ProcessId,
        result: Arc<Mutex<Option<T>>>,
    },
}

/// Spawns a new thread, or inside a simulation a new process on the same
/// host (named after its parent: `server-1`, `server-2`, …).
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    if !in_simulation() {
        return JoinHandle {
            inner: Inner::Os(loopback::spawn_child(f)),
        };
    }
    let result = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&result);
    let body = Box::new(move || {
        let value = f();
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
    });
    // An empty name asks the scheduler for `{parent}-{n}`.
    match syscall(Syscall::Spawn {
        name: String::new(),
        body,
    }) {
        Some(Reply::Spawned(pid)) => JoinHandle {
            inner: Inner::Sim { pid, result },
        },
        // Like std, which panics when the OS cannot create a thread.
        other => panic!("failed to spawn a simulated process: {other:?}"),
    }
}

impl<T> JoinHandle<T> {
    /// Waits for the thread (or process) to finish; `Err` carries its panic.
    pub fn join(self) -> std::thread::Result<T> {
        match self.inner {
            Inner::Os(handle) => {
                // In a loopback run, joining a thread that never ends must
                // not keep the run from ending.
                if loopback::current().is_some() {
                    loopback::wait_untimed(|| {
                        let done = handle.is_finished();
                        if !done {
                            std::thread::sleep(loopback::SLICE);
                        }
                        done.then_some(())
                    });
                }
                handle.join()
            }
            Inner::Sim { pid, result } => match syscall(Syscall::Join(pid)) {
                Some(Reply::Joined(Ok(()))) => {
                    let value = result.lock().unwrap_or_else(PoisonError::into_inner).take();
                    value.ok_or_else(|| Box::new("the process left no result".to_string()) as _)
                }
                Some(Reply::Joined(Err(message))) => Err(Box::new(message)),
                _ => Err(Box::new(
                    "a simulated thread can only be joined from inside its simulation".to_string(),
                )),
            },
        }
    }

    /// Whether the thread (or process) has finished.
    pub fn is_finished(&self) -> bool {
        match &self.inner {
            Inner::Os(handle) => handle.is_finished(),
            Inner::Sim { result, .. } => result.lock().map(|r| r.is_some()).unwrap_or(true),
        }
    }
}
