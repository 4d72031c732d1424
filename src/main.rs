//! The `policylint` command. All work happens in the library; this file only
//! maps the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    policylint::cli::main()
}
