//! The lesson programs: ordinary std-style socket programs, written against
//! `simnet::net`, `simnet::thread` and `simnet::println!`, that run by name
//! on a simulated host (a scenario's `[[run]]` entry, `simnet lesson`) and
//! on real loopback sockets alike (DESIGN.md, principle 5).
//!
//! Each program is a `main` that takes its arguments as strings, as a
//! command-line program would; the registry below names them.

mod basics;

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

static PROGRAMS: [Program; 1] = [Program {
    name: "echo",
    about: "echo [WORD…]: prints its arguments on one line",
    main: basics::echo,
}];
