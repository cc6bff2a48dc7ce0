//! Blocking socket calls in a loopback run, cut into short waits.
//!
//! A program blocked in `recv_from`, `accept`, `read` or `write` must notice
//! when its run is stopped, and the run must tell a wait with no time limit
//! (a server waiting for clients) from one with (a read timeout). So the
//! socket's own timeout is set to a short slice for each try, and the
//! program's timeout, if any, is kept by the clock here.

use std::io;
use std::time::{Duration, Instant};

use super::context::{check_stop, wait_untimed, SLICE};

/// `EAGAIN` on Linux: what a socket timeout gives.
const EAGAIN: i32 = 11;

/// Runs `op` until it does something other than time out, as a blocking
/// call with the program's timeout `user` would. `set_timeout` sets the
/// socket's own timeout (`SO_RCVTIMEO` or `SO_SNDTIMEO`), which is left at
/// `user` afterwards.
pub(crate) fn sliced<T>(
    user: Option<Duration>,
    set_timeout: &dyn Fn(Option<Duration>) -> io::Result<()>,
    op: &mut dyn FnMut() -> io::Result<T>,
) -> io::Result<T> {
    let mut attempt = |slice: Duration| -> Option<io::Result<T>> {
        if let Err(e) = set_timeout(Some(slice)) {
            return Some(Err(e));
        }
        match op() {
            Err(e) if is_timeout(&e) => None,
            result => Some(result),
        }
    };
    let result = match user {
        None => wait_untimed(|| attempt(SLICE)),
        Some(limit) => {
            let end = Instant::now() + limit;
            loop {
                check_stop();
                let left = end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    // What SO_RCVTIMEO and SO_SNDTIMEO give on Linux.
                    break Err(io::Error::from_raw_os_error(EAGAIN));
                }
                if let Some(result) = attempt(left.min(SLICE)) {
                    break result;
                }
            }
        }
    };
    set_timeout(user)?;
    result
}

/// Runs the non-blocking `op` (an `accept` on a non-blocking listener)
/// until it stops answering `WouldBlock`, as a wait with no time limit.
pub(crate) fn polled<T>(op: &mut dyn FnMut() -> io::Result<T>) -> io::Result<T> {
    wait_untimed(|| match op() {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            std::thread::sleep(SLICE);
            None
        }
        result => Some(result),
    })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
