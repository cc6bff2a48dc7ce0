//! Lessons: the seed tutorials' programs, runnable by name on a small
//! network, on the simulation or on real loopback sockets.
//!
//! A lesson is a scenario file with `[[run]]` entries (the server and its
//! clients, from [`crate::programs`]) on a topology chosen to show what the
//! lesson teaches. `simnet lesson NAME` runs those programs and prints what
//! each printed, as `host program: text`; `--on loopback` runs the very same
//! programs as threads on real sockets (see [`crate::net::loopback`]), and
//! the two transcripts compare line for line per program.
//! `simnet run scenarios/FILE` runs the same file with its full trace and
//! checks its expectations.

mod runner;
pub mod transcript;

pub use runner::{run_lesson, Backend, LessonOptions, LessonRun};
pub use transcript::{normalise, per_program, Line};

use crate::scenario::{load_str, Scenario, ScenarioError};

/// A lesson that runs by name.
#[derive(Clone, Copy, Debug)]
pub struct Lesson {
    /// Its name, as `simnet lesson NAME` takes it.
    pub name: &'static str,
    /// The seed tutorial it comes from (`000` to `004`).
    pub seed_lesson: &'static str,
    /// One line on what it shows.
    pub about: &'static str,
    /// Its scenario file, relative to the repository.
    pub file: &'static str,
    text: &'static str,
}

impl Lesson {
    /// The lesson's scenario, loaded from the copy built into simnet.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        load_str(self.text, self.file)
    }
}

macro_rules! lesson {
    ($name:literal, $seed:literal, $file:literal, $about:literal) => {
        Lesson {
            name: $name,
            seed_lesson: $seed,
            about: $about,
            file: concat!("scenarios/", $file),
            text: include_str!(concat!("../../scenarios/", $file)),
        }
    };
}

static LESSONS: [Lesson; 21] = [
    // Seed 000: UDP and TCP, first steps.
    lesson!(
        "udp-first-steps",
        "000",
        "udp_first_steps.toml",
        "a UDP server on port 7852 answers one datagram, then stops"
    ),
    lesson!(
        "udp-server-forever",
        "000",
        "udp_server_forever.toml",
        "the same server in a loop: it answers client after client"
    ),
    lesson!(
        "udp-fragmentation",
        "000",
        "udp_fragmentation.toml",
        "a 4000-byte datagram crosses the gateway in three IP fragments"
    ),
    lesson!(
        "tcp-first-steps",
        "000",
        "tcp_first_steps.toml",
        "a TCP server on port 8998 in an accept loop answers one client, then the next"
    ),
    lesson!(
        "tcp-refused",
        "000",
        "tcp_refused.toml",
        "connecting where nothing listens: the RST and Connection refused"
    ),
    // Seed 001: the upper-case server, the layers.
    lesson!(
        "tcp-handshake",
        "001",
        "tcp_handshake.toml",
        "the upper-case server: handshake, data, FIN and ACK each way, TIME-WAIT"
    ),
    lesson!(
        "upper-loop",
        "001",
        "upper_loop.toml",
        "the homework: a communication loop, every line answered in capitals on one connection"
    ),
    lesson!(
        "dns",
        "001",
        "dns_lookup.toml",
        "DNS across a gateway: a query to port 53, the A record, NXDOMAIN, NODATA, a truncated answer asked again over TCP, a server that never answers (simulation only)"
    ),
    lesson!(
        "dhcp",
        "001",
        "dhcp.toml",
        "DHCP: four hosts boot with no address; DISCOVER, OFFER, REQUEST, ACK from 0.0.0.0 to 255.255.255.255; a pool of three runs out; renewal at T1; a cut cable lets a lease expire (simulation only)"
    ),
    // Seed 002: TCP by hand, threads, broadcast.
    lesson!(
        "http-by-hand",
        "002",
        "http_by_hand.toml",
        "an HTTP/1.1 request written by hand to a small web server, across a gateway"
    ),
    lesson!(
        "threaded-server",
        "002",
        "threaded_server.toml",
        "a thread per client, and the seed's bug that serves one at a time"
    ),
    lesson!(
        "udp-broadcast-feiq",
        "002",
        "udp_broadcast_feiq.toml",
        "a FeiQ/IPMsg message in GBK to every address .1-.254 of the subnet"
    ),
    lesson!(
        "udp-echo",
        "002",
        "udp_echo.toml",
        "a UDP echo server and its client on different subnets"
    ),
    // Seed 003: the socket calls, send vs sendall, loops.
    lesson!(
        "send-vs-sendall",
        "003",
        "send_vs_sendall.toml",
        "one non-blocking write takes only part of 8 MiB; write_all sends the rest"
    ),
    lesson!(
        "upper-server-loops",
        "003",
        "upper_server_loops.toml",
        "SO_REUSEADDR (8079), a communication loop (8070), a connection loop around it (8071)"
    ),
    lesson!(
        "upper-server-closes-listener",
        "003",
        "upper_server_closes_listener.toml",
        "the seed's bug: the listener closed inside the loop, so the second client is refused"
    ),
    lesson!(
        "upper-server-spins",
        "003",
        "upper_server_spins.toml",
        "the seed's bug on Linux: after the client leaves, recv returns 0 bytes and the loop spins"
    ),
    lesson!(
        "tcp-sticky",
        "003",
        "tcp_sticky.toml",
        "a byte stream, not messages: writes glued together, and framing"
    ),
    lesson!(
        "io-models",
        "003",
        "io_models.toml",
        "three ways to serve three clients: a thread each, non-blocking calls asked in turn, one poll (mio's API)"
    ),
    // Seed 004: the same, once more.
    lesson!(
        "one-message",
        "004",
        "one_message.toml",
        "a TCP server on port 8888 receives one message and prints it"
    ),
    lesson!(
        "udp-reply",
        "004",
        "udp_reply.toml",
        "a UDP sender and a receiver that replies"
    ),
];

/// Every lesson, in seed order.
pub fn all() -> &'static [Lesson] {
    &LESSONS
}

/// The lesson called `name`.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}
