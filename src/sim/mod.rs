//! The simulation core: virtual time, the event queue, seeded randomness and
//! the world that runs nodes and links.

pub mod time;

pub use time::SimTime;
