//! Scenario files: a topology, what runs on it and what must be seen.
//!
//! [`load_file`] reads a TOML scenario into a checked [`Scenario`], or a
//! [`ScenarioError`] that points at the mistake; [`check_trace`] checks a
//! run's text trace against the scenario's expectations.
//!
//! A file describes the topology with `[[host]]`, `[[router]]`, `[[switch]]`
//! and `[[link]]` tables; what happens on it with `[[ping]]` tables and
//! `[[run]]` tables; and what must be seen with `[[expect]]` tables. A
//! `[[run]]` starts a program from [`crate::programs`] on a host, as a
//! process named after the program, so its output reaches the trace as
//! `TIME HOST PROGRAM: LINE`:
//!
//! ```toml
//! [[run]]
//! host = "pc2"                  # a [[host]], not a router or switch
//! program = "udp-echo-server"   # a name crate::programs::find knows
//! args = ["0.0.0.0:7852"]       # optional, [] by default
//! at = "100ms"                  # optional, 0s by default; before time_limit
//! ```
//!
//! The README's "Writing a scenario" describes every table and key.

pub mod model;

mod build;
mod error;
mod expect;
mod file;
mod links;
mod load;
mod nodes;
mod pattern;
mod run;
mod runs;
mod units;
mod zone;

pub use build::build;
pub use error::{line_col, ScenarioError};
pub use expect::{check_trace, ExpectFailure};
pub use load::{load_file, load_str};
pub use model::*;
pub use run::{run, Outcome, PingOutcome, ProcessOutcome, RunError, RunOptions};
pub use units::{parse_bandwidth, parse_duration};
