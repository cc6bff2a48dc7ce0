//! Readiness-based I/O with the API of [mio](https://docs.rs/mio), on both
//! backends: one thread serving many sockets, the way Rust programs (and
//! tokio underneath) do it.
//!
//! A program written against mio runs here by changing its `use` lines:
//!
//! ```text
//! use mio::{Events, Interest, Poll, Token};      // before
//! use mio::net::{TcpListener, TcpStream};
//! use simnet::io::{Events, Interest, Poll, Token}; // after
//! use simnet::io::net::{TcpListener, TcpStream};
//! ```
//!
//! Inside a simulated process, [`Poll`] is a poll set of the simulation:
//! `Poll::poll` suspends the process in virtual time until a registered
//! socket becomes ready or the timeout passes, and the trace shows each
//! wake-up with the tokens that are ready. Anywhere else (a loopback run,
//! a plain program) it is the real mio, on `epoll`.
//!
//! The semantics are mio's on Linux: edge-triggered (a source is reported
//! when its readiness changes, so read or write until `WouldBlock`), a
//! source ready when registered is reported at once, spurious events are
//! allowed, `Token` and `Interest` are mio's own types.

pub mod event;
pub mod net;
mod poll;
pub mod runtime;

pub use event::{Event, Events};
pub use mio::{Interest, Token};
pub use poll::{Poll, Registry};
