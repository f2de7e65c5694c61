//! The `lamina` binary: the command line of [`lamina::main`].

fn main() -> std::process::ExitCode {
    lamina::main(std::env::args_os().collect())
}
