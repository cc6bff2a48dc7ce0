//! The simulation core: virtual time, the event queue, seeded randomness and
//! the world that runs nodes and links.

pub(crate) mod bufpool;
pub(crate) mod fxhash;
pub(crate) mod lend;
pub mod outbox;
pub mod poll_call;
mod poll_calls;
pub mod process;
pub mod queue;
pub mod rng;
mod scheduler;
pub mod tcp_call;
mod tcp_calls;
pub mod time;
mod timer_handles;
mod udp_calls;
#[cfg(test)]
mod wake_order_tests;
pub mod world;

pub use outbox::{FramePool, Outbox};
pub use process::{BlockedCall, Exit, ProcState, Process, ProcessId};
pub use time::SimTime;
pub use world::{RunSummary, Sim, StopReason};
