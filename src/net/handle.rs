//! What a readiness poller needs of a socket: which simulated socket it is,
//! or which real descriptor (see `simnet::io`).

use std::os::fd::RawFd;

use crate::sim::process::SockRef;

/// A socket as a poller registers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handle {
    /// A socket of a simulated host.
    Sim(SockRef),
    /// A real socket's descriptor.
    Os(RawFd),
}
