//! The `simnet` command line.

fn main() {
    println!("simnet");
}
