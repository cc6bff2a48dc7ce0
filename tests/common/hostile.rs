//! The harness of the hostile-bytes test (issue 9, section 4): the seeded
//! random stream, the case count, and a guard that turns a panic into a
//! report naming the target and the input's bytes in hex, so that it can be
//! replayed. The inputs themselves come from `samples.rs` (valid frames
//! built with simnet's own emitters) and `mutate.rs` (what is done to them).
//!
//! The number of cases per target comes from `SIMNET_FUZZ_CASES` (default
//! [`DEFAULT_CASES`]), the seed from `SIMNET_FUZZ_SEED` (default 9).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::panic::{self, AssertUnwindSafe};

use simnet::sim::rng::RngStream;
use simnet::wire::{MacAddr, WireError};

/// Cases per target when `SIMNET_FUZZ_CASES` is not set: small enough for CI.
pub const DEFAULT_CASES: usize = 20_000;

/// Cases per target: `SIMNET_FUZZ_CASES`, or [`DEFAULT_CASES`].
pub fn cases() -> usize {
    env_number("SIMNET_FUZZ_CASES").map_or(DEFAULT_CASES, |n| n as usize)
}

/// The run's seed: `SIMNET_FUZZ_SEED`, or 9 (the number).
pub fn seed() -> u64 {
    env_number("SIMNET_FUZZ_SEED").unwrap_or(9)
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim().replace('_', "");
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
    )
}

/// The MAC of the host under test (see `hostile_bytes.rs`).
pub const HOST_MAC: MacAddr = MacAddr::local(1);
/// The MAC of the router's first interface.
pub const ROUTER_MAC0: MacAddr = MacAddr::local(3);
/// The MAC of the router's second interface.
pub const ROUTER_MAC1: MacAddr = MacAddr::local(4);

/// Addresses the frames use: the nodes under test, their neighbours, the
/// broadcasts, and the bogus ones (loopback, unspecified, multicast).
const ADDRS: [Ipv4Addr; 10] = [
    Ipv4Addr::new(192, 168, 1, 2),
    Ipv4Addr::new(192, 168, 1, 1),
    Ipv4Addr::new(192, 168, 2, 1),
    Ipv4Addr::new(192, 168, 2, 2),
    Ipv4Addr::new(192, 168, 1, 255),
    Ipv4Addr::BROADCAST,
    Ipv4Addr::new(10, 9, 9, 9),
    Ipv4Addr::LOCALHOST,
    Ipv4Addr::UNSPECIFIED,
    Ipv4Addr::new(224, 0, 0, 1),
];

/// The ports the nodes under test listen on (UDP 7, TCP 80), and others.
const PORTS: [u16; 6] = [7, 80, 0, 33434, 49152, 65535];

/// A seeded random stream with the draws the generators need.
pub struct Dice(RngStream);

impl Dice {
    /// The stream of `target` in the run's seed.
    pub fn new(target: &str) -> Dice {
        Dice(RngStream::new(seed(), &format!("hostile {target}")))
    }

    /// A stream drawn from the bytes of `input`, for choices a target makes
    /// itself (so that they replay with the input).
    pub fn for_input(input: &[u8]) -> Dice {
        // FNV-1a over the bytes, as `stable_hash` over a name.
        let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Dice(RngStream::new(
            seed(),
            &format!("hostile input {hash:016x}"),
        ))
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.0.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `num` times in `den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        self.0.next_u32() as u8
    }

    /// A random 16-bit word.
    pub fn word(&mut self) -> u16 {
        self.0.next_u32() as u16
    }

    /// A random 32-bit word.
    pub fn dword(&mut self) -> u32 {
        self.0.next_u32()
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.byte()).collect()
    }

    /// A length for random input: mostly up to a full frame, sometimes up
    /// to the largest IPv4 datagram (`big`), sometimes tiny.
    pub fn length(&mut self, big: bool) -> usize {
        match self.below(16) {
            0..=3 => self.below(64),
            4 if big => self.range(1515, 65_535),
            _ => self.below(1600),
        }
    }

    /// An address from [`ADDRS`], or now and then a random one.
    pub fn addr(&mut self) -> Ipv4Addr {
        if self.chance(1, 8) {
            return Ipv4Addr::from(self.dword());
        }
        self.pick(&ADDRS)
    }

    /// A port from [`PORTS`], or a random one.
    pub fn port(&mut self) -> u16 {
        if self.chance(1, 4) {
            return self.word();
        }
        self.pick(&PORTS)
    }
}

/// The payload of the IPv4 packet at the start of `ip` as a parser beyond
/// IPv4 sees it: from the header's end to Total Length, both clamped to
/// the bytes there are (so a broken header still yields some bytes).
pub fn ipv4_payload(ip: &[u8]) -> &[u8] {
    let Some(&first) = ip.first() else {
        return ip;
    };
    let header_len = (usize::from(first & 0x0f) * 4).min(ip.len());
    let total = match ip.get(2..4) {
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => ip.len(),
    };
    let total = total.clamp(header_len, ip.len());
    &ip[header_len..total]
}

/// The source and destination addresses of the IPv4 header at the start of
/// `ip`, or fixed ones when it is too short.
pub fn ipv4_addrs(ip: &[u8]) -> (Ipv4Addr, Ipv4Addr) {
    match ip.get(12..20) {
        Some(&[a, b, c, e, f, g, h, i]) => (Ipv4Addr::new(a, b, c, e), Ipv4Addr::new(f, g, h, i)),
        _ => (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)),
    }
}

/// Bytes as lower-case hex, for a report that can be replayed.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The bytes of a [`hex`] string (whitespace ignored).
pub fn from_hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).expect("hex digits");
            u8::from_str_radix(s, 16).unwrap_or_else(|_| panic!("{s:?} is not hex"))
        })
        .collect()
}

/// A panic of a target on one input, with what is needed to replay it.
#[derive(Debug)]
pub struct Failure {
    /// The target that panicked, e.g. `"TcpRepr::parse"`.
    pub target: String,
    /// The input's bytes.
    pub input: Vec<u8>,
    /// The panic message.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} panicked: {}\n  input ({} bytes), replay with SIMNET_FUZZ_REPLAY=<hex> \
             SIMNET_FUZZ_TARGET={}:\n  {}",
            self.target,
            self.message,
            self.input.len(),
            self.target,
            hex(&self.input)
        )
    }
}

/// Runs `f`, turning a panic into a [`Failure`] that names `target` and
/// holds `input`.
pub fn guard<R>(target: &str, input: &[u8], f: impl FnOnce() -> R) -> Result<R, Failure> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(not a string)".into());
        Failure {
            target: target.into(),
            input: input.to_vec(),
            message,
        }
    })
}

/// Feeds `cases` inputs from `next` to `drive` under [`guard`], and panics
/// with the report of the first input that made `drive` panic (`case` and
/// the seed included, so that the whole run can be repeated too).
///
/// `drive` names what became of each input (`"ok"`, `"checksum"`, …); the
/// tally is printed at the end (`-- --nocapture` shows it), and each of
/// `required` must be the outcome of at least 0.5% of the inputs, so that a
/// generator that stopped reaching a parser's deeper code fails the test
/// instead of passing it vacuously.
pub fn run_cases(
    target: &str,
    cases: usize,
    required: &[&str],
    mut next: impl FnMut(&mut Dice) -> Vec<u8>,
    mut drive: impl FnMut(&[u8]) -> &'static str,
) {
    let mut dice = Dice::new(target);
    let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
    for case in 0..cases {
        let input = next(&mut dice);
        match guard(target, &input, || drive(&input)) {
            Ok(outcome) => *tally.entry(outcome).or_default() += 1,
            Err(failure) => panic!(
                "case {case} of {cases} (SIMNET_FUZZ_SEED={}): {failure}",
                seed()
            ),
        }
    }
    let share = |n: usize| 100.0 * n as f64 / cases.max(1) as f64;
    let summary: Vec<String> = tally
        .iter()
        .map(|(outcome, &n)| format!("{outcome} {:.1}%", share(n)))
        .collect();
    eprintln!("{target}: {cases} inputs: {}", summary.join(", "));
    if cases >= 2000 {
        for outcome in required {
            let n = tally.get(outcome).copied().unwrap_or(0);
            assert!(
                share(n) >= 0.5,
                "{target}: only {n} of {cases} inputs came out {outcome:?} ({})",
                summary.join(", ")
            );
        }
    }
}

/// A parse result as an outcome for [`run_cases`]: `"ok"`, or the kind of
/// error.
pub fn outcome<T>(result: &simnet::wire::Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(WireError::Truncated { .. }) => "truncated",
        Err(WireError::Checksum { .. }) => "checksum",
        Err(WireError::Malformed { .. }) => "malformed",
    }
}
