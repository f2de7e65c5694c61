//! `containerd-shim-lamina-v1`: containerd's runtime `io.containerd.lamina.v1`,
//! which runs an image's WALI module with Lamina inside a container.
//!
//! runwasi's library (`containerd-shim-wasm`) does everything container-like:
//! it talks to containerd, and has youki's libcontainer create the container
//! (namespaces, cgroups, root file system, working directory, stdio). In the
//! container's first process it asks the [`Sandbox`] to run the entrypoint,
//! or runs it as a normal container when it is a native program (ELF or
//! `#!` script).
//!
//! The sandbox executes this very binary there as `lamina run`, with the
//! container's argv, environment and module, as a native container's process
//! executes its entrypoint: same exit status, a trap kills the process with
//! the signal a native crash would (containerd reports 128 + that signal),
//! SIGKILL is 137. The binary is static, so the container's root needs no
//! loader or libraries for it, and it is executed through a descriptor the
//! server opened on the host ([`host`]), with the host's files Lamina needs
//! (the compile cache, the policy, the WASI layer) handed down to it. The
//! exec leaves the process as a fresh one: none of the library's threads
//! and descriptors (its sockets to containerd among them) reach the guest.
//! A guest's `execve` of a module executes the binary Lamina runs in the
//! same way (`ARGV0 run FLAGS... MODULE ARGS...`).

mod command;
mod host;
mod signals;

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;

use containerd_shim_wasm::sandbox::Sandbox;
use containerd_shim_wasm::sandbox::context::RuntimeContext;
use containerd_shim_wasm::shim::{Cli as _, Shim, Version, version};

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    // containerd starts a shim with flags first (`-namespace N ... start`),
    // never with `run`.
    if argv.get(1).is_some_and(|arg| arg == "run") {
        return lamina::main(argv);
    }
    if let Err(e) = host::open() {
        eprintln!("containerd-shim-lamina-v1: {e:#}");
        return ExitCode::FAILURE;
    }
    LaminaShim::run(None);
    ExitCode::SUCCESS
}

struct LaminaShim;

impl Shim for LaminaShim {
    /// containerd finds the shim of runtime `io.containerd.lamina.v1` as
    /// `containerd-shim-lamina-v1` on its PATH.
    fn name() -> &'static str {
        "lamina"
    }

    fn version() -> Version {
        version!()
    }

    type Sandbox = LaminaSandbox;
}

#[derive(Default)]
struct LaminaSandbox;

impl Sandbox for LaminaSandbox {
    /// Runs in the container's first process, inside the container, and
    /// executes Lamina there; returns only if it could not, with `lamina
    /// run`'s status for a failed run (the reason on the container's
    /// stderr), which the library exits with.
    async fn run_wasi(&self, ctx: &impl RuntimeContext) -> anyhow::Result<i32> {
        let error = match command::lamina_args(ctx) {
            Ok(args) => {
                signals::as_at_container_start();
                host::files().execute_lamina(&args)
            }
            Err(e) => e,
        };
        let _ = writeln!(std::io::stderr(), "lamina: error: {error:#}");
        Ok(1)
    }
}
