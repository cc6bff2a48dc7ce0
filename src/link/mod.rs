//! The link layer: links between interfaces and learning switches.

pub mod channel;
pub mod switch;

pub use channel::{Arrival, BadLinkParam, Channel, Fate, LinkParams};
pub use switch::Switch;
