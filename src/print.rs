//! `println!` and `print!` that a simulated process's output goes through.
//!
//! `use simnet::println;` shadows the standard macro: inside a simulated
//! process each line is captured with its host and virtual time (and shows in
//! the trace); anywhere else it is printed as std would.

use std::fmt::Arguments;
use std::io::Write;

use crate::sim::process::{syscall, Syscall};

/// Prints a line: to the simulation from a process, else to stdout.
#[macro_export]
macro_rules! println {
    () => { $crate::print::print_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::print::print_line(format_args!($($arg)*)) };
}

/// Prints text; inside a simulation, a line is complete at its newline.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::print::print_text(format_args!($($arg)*)) };
}

/// What `println!` expands to.
pub fn print_line(args: Arguments<'_>) {
    print_text(format_args!("{args}\n"));
}

/// What `print!` expands to.
pub fn print_text(args: Arguments<'_>) {
    if !crate::sim::process::in_simulation() {
        if crate::net::loopback::print(&args.to_string()) {
            return;
        }
        let mut out = std::io::stdout().lock();
        // As std's print!, but a closed stdout is not worth a panic.
        let _ = out.write_fmt(args);
        return;
    }
    // The scheduler cuts the text into lines, per process.
    let _ = syscall(Syscall::Print(args.to_string()));
}
