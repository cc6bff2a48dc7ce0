//! Unit tests of the TCP state machine: two `Tcb`s driven against each
//! other through a tiny in-test wire ([`harness::Net`]), and single `Tcb`s
//! fed hand-built segments. These are the specification: each test names
//! the rule it checks, with exact times and sequence numbers.

mod bulk;
mod close;
mod data;
mod events;
mod handshake;
mod harness;
mod loss;
mod options;
mod reset;
mod time_wait;
mod window;
