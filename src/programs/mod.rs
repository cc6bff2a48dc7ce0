//! The lesson programs: ordinary std-style socket programs, written against
//! `simnet::net`, `simnet::thread` and `simnet::println!`, that run by name
//! on a simulated host (a scenario's `[[run]]` entry, `simnet lesson`) and
//! on real loopback sockets alike (DESIGN.md, principle 5).
//!
//! Each program is a `main` that takes its arguments as strings, as a
//! command-line program would; the registry below names them.

mod args;
mod async_echo;
mod backlog;
mod basics;
pub mod bulk;
mod dhcp;
mod dns;
mod feiq;
mod http_by_hand;
mod one_message;
mod poll_echo;
mod send_vs_sendall;
mod spin_echo;
mod sticky;
mod tcp_first_steps;
mod threaded_echo;
mod udp_big;
mod udp_echo;
mod udp_first_steps;
mod udp_limits;
mod udp_reply;
mod upper_server;

/// A program that runs by name.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// Its name, as a scenario's `[[run]]` entry and `simnet lesson` use it.
    pub name: &'static str,
    /// One line on what it does and what arguments it takes.
    pub about: &'static str,
    /// Its entry point; `args` are the program's arguments (no program name).
    pub main: fn(&[String]),
}

/// Every program, in the order `simnet lessons` shows them.
pub fn all() -> &'static [Program] {
    &PROGRAMS
}

/// The program called `name`.
pub fn find(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}

static PROGRAMS: [Program; 47] = [
    Program {
        name: "echo",
        about: "echo [WORD…]: prints its arguments on one line",
        main: basics::echo,
    },
    // Seed 000: UDP and TCP, first steps.
    Program {
        name: "udp-server",
        about: "udp-server [BIND]: receives one datagram on BIND (0.0.0.0:7852), \
                shows it and replies \"Ich hab keine Hunge\" (seed 000)",
        main: udp_first_steps::udp_server,
    },
    Program {
        name: "udp-client",
        about: "udp-client [SERVER] [MESSAGE]: sends MESSAGE (\"I love jingjing\") \
                to SERVER (pc2:7852) and prints the reply (seed 000)",
        main: udp_first_steps::udp_client,
    },
    Program {
        name: "udp-server-forever",
        about: "udp-server-forever [BIND]: udp-server in a loop that never ends \
                and waits 1 s after an error (seed 000)",
        main: udp_first_steps::udp_server_forever,
    },
    Program {
        name: "tcp-server",
        about: "tcp-server [--count N] [BIND]: answers each client on BIND \
                (0.0.0.0:8998) with \"Received msg: {msg} from {addr}\", \
                forever or for N connections (seed 000)",
        main: tcp_first_steps::tcp_server,
    },
    Program {
        name: "tcp-client",
        about: "tcp-client [SERVER] [MSG]: connects to SERVER (pc2:8998), sends \
                MSG (\"I love wangxiaojing\") and prints the reply (seed 000)",
        main: tcp_first_steps::tcp_client,
    },
    // Seed 001: the upper-case server, and its homework loop.
    Program {
        name: "upper-server",
        about: "upper-server [BIND]: accepts one client on BIND (0.0.0.0:8080) \
                and sends its message back upper-cased (seed 001)",
        main: upper_server::upper_server,
    },
    Program {
        name: "upper-client",
        about: "upper-client [SERVER] [WORD…]: sends the words (\"hello\") to \
                SERVER (pc2:8080) and prints the answer (seed 001)",
        main: upper_server::upper_client,
    },
    Program {
        name: "upper-loop-server",
        about: "upper-loop-server [BIND]: one client on BIND (0.0.0.0:8080), each \
                message answered in capitals until it leaves (seed 001 homework)",
        main: upper_server::upper_loop_server,
    },
    Program {
        name: "upper-loop-client",
        about: "upper-loop-client [SERVER] [LINE…]: sends each LINE (\"hello\", \
                \"\", \"how are you\") to SERVER (pc2:8080) and prints each \
                answer; empty lines are skipped (seeds 001, 003)",
        main: upper_server::upper_loop_client,
    },
    // Seed 002: HTTP by hand, threaded echo, FeiQ and the UDP echo pair.
    Program {
        name: "http-client",
        about: "http-client [SERVER] [PATH]: sends `GET PATH` (/) written by \
                hand to SERVER (pc2:80), reads until the server closes, prints \
                the status line, the headers and the body's size (seed 002)",
        main: http_by_hand::http_client,
    },
    Program {
        name: "web-server",
        about: "web-server [--count N] [BIND]: a tiny HTTP/1.1 server on BIND \
                (0.0.0.0:80): a small page at /, 404 elsewhere, one client at a \
                time, forever or for N connections (seed 002)",
        main: http_by_hand::web_server,
    },
    Program {
        name: "echo-server-threaded",
        about: "echo-server-threaded [BIND]: echoes each client on BIND \
                (0.0.0.0:8888) in a thread of its own, forever (seed 002)",
        main: threaded_echo::echo_server_threaded,
    },
    Program {
        name: "echo-server-joined",
        about: "echo-server-joined [BIND]: the seed's bug: joins each client's \
                thread at once, so clients on BIND (0.0.0.0:8888) are served \
                one at a time (seed 002)",
        main: threaded_echo::echo_server_joined,
    },
    Program {
        name: "echo-client",
        about: "echo-client [--pause-ms N] [SERVER] [LINE…]: sends each LINE \
                (\"hello\", \"how are you\") to SERVER (pc2:8888) and prints \
                its echo, N ms (0) apart (seed 002)",
        main: threaded_echo::echo_client,
    },
    Program {
        name: "echo-server-poll",
        about: "echo-server-poll [--clients N] [BIND]: an echo server on BIND \
                (0.0.0.0:8888) in one thread: non-blocking sockets and one \
                simnet::io::Poll (mio's API); stops after N clients (seed 003)",
        main: poll_echo::echo_server_poll,
    },
    Program {
        name: "echo-server-async",
        about: "echo-server-async [--clients N] [BIND]: an echo server on BIND \
                (0.0.0.0:8888) with async fn and .await, a task per client on one \
                thread (simnet::io::runtime); stops after N clients (seed 003)",
        main: async_echo::echo_server_async,
    },
    Program {
        name: "backlog-server",
        about: "backlog-server [--backlog N] [--wait S] [--clients K] [BIND]: \
                listens on BIND (0.0.0.0:8800) with listen(N) (1), sleeps S s (3) \
                before accepting, then echoes one message from each of K (4) clients",
        main: backlog::backlog_server,
    },
    Program {
        name: "echo-server-spin",
        about: "echo-server-spin [--clients N] [BIND]: an echo server on BIND \
                (0.0.0.0:8888) in one thread that asks every non-blocking \
                socket in turn, napping 1 ms when none had anything; stops \
                after N clients (seed 003)",
        main: spin_echo::echo_server_spin,
    },
    Program {
        name: "feiq-sender",
        about: "feiq-sender [--broadcast] [SUBNET] [TEXT]: sends one GBK IPMsg \
                message to SUBNET.1-254 (192.168.1) port 2425, or once to \
                255.255.255.255 (seed 002)",
        main: feiq::feiq_sender,
    },
    Program {
        name: "feiq-receiver",
        about: "feiq-receiver [COUNT]: receives COUNT (1) IPMsg datagrams on \
                port 2425 and shows their fields (seed 002)",
        main: feiq::feiq_receiver,
    },
    Program {
        name: "udp-echo-server",
        about: "udp-echo-server [BIND]: sends every datagram back to its sender, \
                forever (BIND 0.0.0.0:8888; seed 002)",
        main: udp_echo::udp_echo_server,
    },
    Program {
        name: "udp-echo-client",
        about: "udp-echo-client [--timeout SECS] [SERVER] [LINE…]: sends each LINE \
                to SERVER (pc2:8888) and prints the echo, waiting SECS (2) at most \
                (seed 002)",
        main: udp_echo::udp_echo_client,
    },
    // Seed 003: the upper-case server with loops (and the bugs), send vs sendall.
    Program {
        name: "upper-server-reuse",
        about: "upper-server-reuse [BIND]: upper-server on BIND (0.0.0.0:8079) \
                with SO_REUSEADDR, which std sets already (seed 003)",
        main: upper_server::upper_server_reuse,
    },
    Program {
        name: "upper-server-loop",
        about: "upper-server-loop [BIND]: one client on BIND (0.0.0.0:8070), \
                answered until it leaves: a communication loop (seed 003)",
        main: upper_server::upper_server_loop,
    },
    Program {
        name: "upper-server-forever",
        about: "upper-server-forever [BIND]: a connection loop around the \
                communication loop on BIND (0.0.0.0:8071): one client after \
                another, forever (seed 003)",
        main: upper_server::upper_server_forever,
    },
    Program {
        name: "upper-server-closes-listener",
        about: "upper-server-closes-listener [BIND]: the seed's bug: closes its \
                listening socket (0.0.0.0:8071) inside the loop, so the next \
                client is refused (seed 003)",
        main: upper_server::upper_server_closes_listener,
    },
    Program {
        name: "upper-server-spins",
        about: "upper-server-spins [BIND]: the seed's bug: never checks for the \
                0-byte read of a client gone (0.0.0.0:8071), so it spins; stops \
                itself after 5 rounds (seed 003)",
        main: upper_server::upper_server_spins,
    },
    Program {
        name: "partial-write-sender",
        about: "partial-write-sender [SERVER] [BYTES]: one non-blocking write of \
                BYTES (8388608) to SERVER (pc2:7000) takes only part; write_all \
                sends the rest (seed 003)",
        main: send_vs_sendall::partial_write_sender,
    },
    Program {
        name: "slow-reader",
        about: "slow-reader [BIND]: reads one connection on BIND (0.0.0.0:7000) \
                slowly to its end and prints the total (seed 003)",
        main: send_vs_sendall::slow_reader,
    },
    // Seed 004: one message over TCP, the UDP sender and receiver.
    Program {
        name: "one-message-server",
        about: "one-message-server [BIND]: receives one message from one client \
                on BIND (0.0.0.0:8888) and prints it (seed 004)",
        main: one_message::one_message_server,
    },
    Program {
        name: "one-message-client",
        about: "one-message-client [SERVER] [MSG]: sends MSG (\"Welcome to python \
                world\") to SERVER (pc2:8888) and closes (seed 004)",
        main: one_message::one_message_client,
    },
    Program {
        name: "udp-receiver",
        about: "udp-receiver [BIND] [REPLY]: receives one message on BIND \
                (0.0.0.0:8888) and answers REPLY (seed 004)",
        main: udp_reply::udp_receiver,
    },
    Program {
        name: "udp-sender",
        about: "udp-sender [SERVER] [MESSAGE]: sends MESSAGE (\"Welcome to python \
                world\") to SERVER (pc2:8888) and prints the reply (seed 004)",
        main: udp_reply::udp_sender,
    },
    // Beyond the seeds: a datagram bigger than a frame; a stream, not messages.
    Program {
        name: "udp-big-sender",
        about: "udp-big-sender [SERVER] [SIZE]: sends one SIZE-byte (4000) datagram \
                to SERVER (pc2:9000), bigger than a frame, and prints the answer",
        main: udp_big::udp_big_sender,
    },
    Program {
        name: "udp-size-server",
        about: "udp-size-server [BIND]: receives one datagram of any size on BIND \
                (0.0.0.0:9000), checks it arrived intact, answers `got N bytes`",
        main: udp_big::udp_size_server,
    },
    Program {
        name: "udp-burst",
        about: "udp-burst [SERVER] [COUNT]: sends COUNT (10) numbered datagrams \
                to SERVER (pc2:9100) back to back (seed 000)",
        main: udp_limits::udp_burst,
    },
    Program {
        name: "udp-collect",
        about: "udp-collect [--expect N] [BIND]: prints each datagram received \
                on BIND (0.0.0.0:9100) until 1 s of silence, whether they came \
                in order, and which of 1..N never came (seed 000)",
        main: udp_limits::udp_collect,
    },
    Program {
        name: "sticky-sender",
        about: "sticky-sender [SERVER]: three quick writes of three short \
                messages to SERVER (pc2:7001)",
        main: sticky::sticky_sender,
    },
    Program {
        name: "sticky-receiver",
        about: "sticky-receiver [BIND]: one read, after a moment, on BIND \
                (0.0.0.0:7001): the messages come glued together",
        main: sticky::sticky_receiver,
    },
    Program {
        name: "framed-sender",
        about: "framed-sender [SERVER]: the same three messages to SERVER \
                (pc2:7001), each after a 4-byte big-endian length",
        main: sticky::framed_sender,
    },
    Program {
        name: "framed-receiver",
        about: "framed-receiver [BIND]: reads length-prefixed messages on BIND \
                (0.0.0.0:7001) one by one with read_exact",
        main: sticky::framed_receiver,
    },
    // TCP's reliability property (tests/tcp_reliability.rs).
    Program {
        name: "bulk-writer",
        about: "bulk-writer SERVER BYTES [--seed S] [--writes A,B,…] [--attempts N]: \
                writes BYTES of the seed's pattern to SERVER in write_all chunks \
                (cycled), shuts down writing and waits for the reader's close",
        main: bulk::bulk_writer,
    },
    Program {
        name: "bulk-reader",
        about: "bulk-reader BIND BYTES [--seed S] [--reads A,B,…]: reads one \
                connection to EOF in reads of A, B, … bytes and checks every \
                byte against the seed's pattern",
        main: bulk::bulk_reader,
    },
    // Seed 001's services: DNS.
    Program {
        name: "dns-server",
        about: "dns-server [--port P] [--mute] [NAME=ADDR[,ADDR…]…]: an \
                authoritative DNS server for the names given (a scenario's [zone]) \
                on UDP and TCP port P (53), forever; --mute never answers (seed 001)",
        main: dns::dns_server,
    },
    Program {
        name: "dns-lookup",
        about: "dns-lookup [--server ADDR[:PORT]] NAME…: prints each NAME's \
                addresses as `host` does, asking the host's resolver or ADDR \
                (seed 001)",
        main: dns::dns_lookup,
    },
    Program {
        name: "dhcp-server",
        about: "dhcp-server --pool FIRST-LAST [--mask M] [--router R] [--dns D] \
                [--lease SECS]: hands out addresses to hosts with ip = \"dhcp\" on \
                UDP port 67, forever (seed 001)",
        main: dhcp::dhcp_server,
    },
];
