//! TCP socket calls on simulated hosts.

use super::process::{ProcessId, Reply};
use super::tcp_call::TcpCall;
use super::world::Sim;

/// `EOPNOTSUPP` on Linux.
const EOPNOTSUPP: i32 = 95;

impl Sim {
    /// Carries out a TCP call for `pid`: the answer now, or `None` when the
    /// process waits.
    pub(super) fn tcp_call(&mut self, _pid: ProcessId, _call: TcpCall) -> Option<Reply> {
        // The simulated hosts' TCP is being wired in (issue 4); until then
        // every call fails plainly rather than pretending.
        Some(Reply::Tcp(Err(EOPNOTSUPP)))
    }
}
