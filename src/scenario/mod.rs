//! Scenario files: a topology, what runs on it and what must be seen.
//!
//! [`load_file`] reads a TOML scenario into a checked [`Scenario`], or a
//! [`ScenarioError`] that points at the mistake; [`check_trace`] checks a
//! run's text trace against the scenario's expectations.

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

pub use build::build;
pub use error::{line_col, ScenarioError};
pub use expect::{check_trace, ExpectFailure};
pub use load::{load_file, load_str};
pub use model::*;
pub use run::{run, Outcome, PingOutcome, ProcessOutcome, RunError, RunOptions};
pub use units::{parse_bandwidth, parse_duration};
