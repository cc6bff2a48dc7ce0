//! The lesson programs: ordinary std-style socket programs, written against
//! `simnet::net`, `simnet::thread` and `simnet::println!`, that run by name
//! on a simulated host (a scenario's `[[run]]` entry, `simnet lesson`) and
//! on real loopback sockets alike (DESIGN.md, principle 5).
//!
//! Each program is a `main` that takes its arguments as strings, as a
//! command-line program would; the registry below names them.

mod args;
mod basics;
mod feiq;
mod udp_big;
mod udp_echo;
mod udp_first_steps;
mod udp_reply;

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

static PROGRAMS: [Program; 12] = [
    Program {
        name: "echo",
        about: "echo [WORD…]: prints its arguments on one line",
        main: basics::echo,
    },
    // Seed 000: UDP, first steps.
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
    // Seed 002: FeiQ over UDP, and the UDP echo pair.
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
    // Seed 004: the UDP sender and receiver.
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
];
