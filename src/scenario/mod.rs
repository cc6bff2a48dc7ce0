//! Scenario files: a topology, what runs on it and what must be seen.

pub mod model;

pub use model::*;
