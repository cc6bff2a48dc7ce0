//! Property testing of network code: proptest strategies for links with
//! every impairment simnet models, for chunkings of writes and reads, and a
//! self-checking TCP transfer that runs on them.
//!
//! TCP's own reliability property (`tests/tcp_reliability.rs`) is built
//! from these pieces; a test of your own program can reuse them. Draw a
//! link with [`impaired_link`], put it into a scenario or a
//! [`crate::topo::TopologyBuilder`], run your program on it, and check what
//! it printed:
//!
//! ```no_run
//! use proptest::prelude::*;
//! use simnet::testing::{impaired_link, Transfer};
//!
//! proptest! {
//!     #[test]
//!     fn my_transfer_survives_the_link(link in impaired_link(), seed in any::<u64>()) {
//!         let case = Transfer { seed, link, len: 10_000, writes: vec![1000], reads: vec![512] };
//!         let (mut sim, _) = case.sim().unwrap();
//!         let summary = sim.run();
//!         prop_assert!(case.check(&sim, &summary).is_ok());
//!     }
//! }
//! ```
//!
//! A [`Transfer`] prints as a one-line case and as a scenario file: a
//! failing case is replayed with `simnet run` on the file it prints.

mod strategy;
mod transfer;

pub use strategy::{
    chunk_size, chunk_sizes, impaired_link, payload_len, probability, tcp_config, transfer,
};
pub use transfer::{Transfer, TransferOutcome, GIVE_UP_LOSS, PORT};
