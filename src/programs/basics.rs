//! Small programs that are not socket lessons but help in scenarios.

use crate::println;

/// `echo [WORD…]`: prints its arguments on one line, as `/bin/echo`.
pub fn echo(args: &[String]) {
    println!("{}", args.join(" "));
}
