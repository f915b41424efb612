//! The `idproof` command line. See ARCHITECTURE.md "CLI contract" for exit codes and JSON.

fn main() {
    std::process::exit(0);
}
