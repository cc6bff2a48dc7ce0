//! proptest strategies: links, chunkings, payload sizes, whole transfers.

use std::time::Duration;

use proptest::prelude::*;

use super::Transfer;
use crate::link::LinkParams;
use crate::stack::tcp::{TcpConfig, DEFAULT_BUFFER};

/// A probability in `[0, max)`; zero a quarter of the time, so that cases
/// without the impairment are common too.
pub fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 3 => 0.0..max]
}

/// A link with every impairment: latency 10 µs–20 ms, 1 Mbit/s–1 Gbit/s,
/// loss 0–30 %, duplication 0–10 %, reordering 0–30 % by up to 0.1–20 ms,
/// corruption 0–5 %, and a 100-frame queue.
///
/// Corruption is kept lower than loss because a corrupted frame is a lost
/// one to the layers above (its checksum fails), so the two add up.
pub fn impaired_link() -> impl Strategy<Value = LinkParams> {
    (
        10_000u64..=20_000_000,
        1_000_000u64..=1_000_000_000,
        probability(0.3),
        probability(0.1),
        probability(0.3),
        100_000u64..=20_000_000,
        probability(0.05),
    )
        .prop_map(
            |(latency_ns, bandwidth_bps, loss, duplicate, reorder, delay_ns, corrupt)| LinkParams {
                latency: Duration::from_nanos(latency_ns),
                bandwidth_bps,
                loss,
                duplicate,
                reorder,
                reorder_delay: Duration::from_nanos(delay_ns),
                corrupt,
                ..LinkParams::DEFAULT
            },
        )
}

/// The size of one `write` or `read`: tiny, up to a segment, or up to 64 KiB.
pub fn chunk_size() -> impl Strategy<Value = usize> {
    prop_oneof![1usize..=64, 1usize..=1460, 1usize..=65536]
}

/// One to three chunk sizes, used in turn.
pub fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(chunk_size(), 1..4)
}

/// A payload of 0 to 1 MiB, mostly small so that a case is quick.
pub fn payload_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0usize..=4096,
        3 => 0usize..=65536,
        1 => 0usize..=1 << 20,
    ]
}

/// A TCP configuration with each option on or off ([`TcpConfig`]'s
/// `window_scaling`, `sack` and `timestamps`, as Linux's sysctls), and
/// buffers of 4 KiB, 64 KiB or the default 1 MiB, the same on both hosts.
pub fn tcp_config() -> impl Strategy<Value = TcpConfig> {
    let buffer = prop_oneof![Just(4096usize), Just(65536), Just(DEFAULT_BUFFER)];
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        buffer.clone(),
        buffer,
    )
        .prop_map(
            |(window_scaling, sack, timestamps, recv_buffer, send_buffer)| TcpConfig {
                window_scaling,
                sack,
                timestamps,
                recv_buffer,
                send_buffer,
                ..TcpConfig::default()
            },
        )
}

/// A whole transfer: any seed, an [`impaired_link`], a [`payload_len`],
/// [`chunk_sizes`] for both sides and a [`tcp_config`] for both hosts.
pub fn transfer() -> impl Strategy<Value = Transfer> {
    (
        any::<u64>(),
        impaired_link(),
        payload_len(),
        chunk_sizes(),
        chunk_sizes(),
        tcp_config(),
    )
        .prop_map(|(seed, link, len, writes, reads, tcp)| Transfer {
            seed,
            link,
            len,
            writes,
            reads,
            tcp,
        })
}
