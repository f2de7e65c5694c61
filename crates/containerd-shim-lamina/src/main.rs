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
//! The sandbox runs the module there as `lamina run` does
//! ([`lamina::run_in_this_process`]), with the container's argv, environment
//! and module: same exit status, a trap kills the process with the signal a
//! native crash would (containerd reports 128 + that signal), SIGKILL is 137.
//! Not by executing a `lamina` binary: the container's root has neither one
//! nor the host's shared libraries this binary needs to be executed again.
//! The process is made to look like a fresh one first (signal handlers and
//! mask), since Lamina's process model takes it over: the guest's main thread
//! is the process's, process-directed signals reach it, `fork` copies it.

mod command;
mod signals;

use std::io::Write as _;

use containerd_shim_wasm::sandbox::Sandbox;
use containerd_shim_wasm::sandbox::context::RuntimeContext;
use containerd_shim_wasm::shim::{Cli as _, Shim, Version, version};

fn main() {
    LaminaShim::run(None);
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
    /// ends it as the guest ends; returns only if the guest could not be run,
    /// with `lamina run`'s status for that (its reason on the container's
    /// stderr), which the library exits with.
    async fn run_wasi(&self, ctx: &impl RuntimeContext) -> anyhow::Result<i32> {
        let args = match command::lamina_args(ctx) {
            Ok(args) => args,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "lamina: error: {e:#}");
                return Ok(1);
            }
        };
        signals::as_after_exec();
        Ok(i32::from(lamina::run_in_this_process(args)))
    }
}
