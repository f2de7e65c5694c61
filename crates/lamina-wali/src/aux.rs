//! WALI's auxiliary (non-syscall) imports: start-up, arguments, environment,
//! process exit, threads, `__clone`, and the setjmp family of older binaries.

use std::io::Write as _;

use lamina_memory::GuestBuf;

use crate::aux;
use crate::ctx::Ctx;
use crate::entry::SyscallDef;
use crate::errno::{Errno, Exit, SysError, SysResult};
use crate::kinds::{Hex, Int, Ptr, UInt};

pub static FUNCTIONS: &[SyscallDef] = &[
    aux!("__init" => init, [], I32),
    aux!("__deinit" => deinit, [], I32),
    aux!("__proc_exit" => proc_exit, [status: Int], None),
    aux!("__cl_get_argc" => cl_get_argc, [], I32),
    aux!("__cl_get_argv_len" => cl_get_argv_len, [idx: UInt], I32),
    aux!("__cl_copy_argv" => cl_copy_argv, [buf: Ptr, idx: UInt], I32),
    aux!("__get_init_envfile" => get_init_envfile, [pathbuf: Ptr, bufsize: UInt], I32),
    aux!("__wasm_thread_spawn" => wasm_thread_spawn, [start: UInt, arg: Ptr], I32),
    // Not in the WALI specification: musl's `__clone`, which its
    // `posix_spawn` (so `system` and `popen`) imports; the fifth parameter
    // is the wasm32 C ABI's pointer to the variadic arguments.
    aux!("__clone" => clone, [func: UInt, stack: Ptr, flags: Hex, arg: Ptr, varargs: Ptr], I32),
    aux!("setjmp" => setjmp, [env: Ptr], I32),
    aux!("sigsetjmp" => sigsetjmp, [env: Ptr, savesigs: Int], I32),
    aux!("longjmp" => longjmp, [env: Ptr, val: Int], None),
];

/// `int __init(void)`: 0 the first time, 1 if called again.
fn init(ctx: &Ctx<'_>) -> SysResult {
    Ok((ctx.process.count_init() > 1) as i64)
}

/// `int __deinit(void)`: 0 the first time, 1 if called again.
fn deinit(ctx: &Ctx<'_>) -> SysResult {
    Ok((ctx.process.count_deinit() > 1) as i64)
}

/// `void __proc_exit(int status)`: ends the process.
fn proc_exit(_: &Ctx<'_>, status: i32) -> SysResult {
    Err(SysError::Exit(Exit::Process(status)))
}

fn cl_get_argc(ctx: &Ctx<'_>) -> SysResult {
    Ok(ctx.process.argv.len() as i64)
}

/// `strlen(argv[idx])`, or 0 for an index out of range.
fn cl_get_argv_len(ctx: &Ctx<'_>, idx: u32) -> SysResult {
    Ok(ctx.process.argv.get(idx as usize).map_or(0, |s| s.as_bytes().len() as i64))
}

/// Copies `argv[idx]` with its NUL to `buf`; 0 on success, `-EFAULT` if the
/// buffer is outside memory, `-EINVAL` for an index out of range.
fn cl_copy_argv(ctx: &Ctx<'_>, buf: u32, idx: u32) -> SysResult {
    let arg = ctx.process.argv.get(idx as usize).ok_or(Errno::EINVAL)?;
    GuestBuf(buf).write(ctx.mem, arg.as_bytes_with_nul())?;
    Ok(0)
}

/// Reports the environment file: 1 and its path in `pathbuf` when there is
/// one (an empty string if it does not fit, as the reference engine does), 0
/// when the guest's environment is empty.
fn get_init_envfile(ctx: &Ctx<'_>, pathbuf: u32, bufsize: u32) -> SysResult {
    let Some(path) = &ctx.process.env_path else {
        return Ok(0);
    };
    let bytes = path.as_bytes_with_nul();
    let pathbuf = GuestBuf(pathbuf);
    if bytes.len() <= bufsize as usize {
        pathbuf.write(ctx.mem, bytes)?;
    } else if bufsize > 0 {
        pathbuf.write(ctx.mem, b"\0")?;
    }
    Ok(1)
}

/// `int __wasm_thread_spawn(start, arg)`: a new host thread runs a new
/// instance of the module over the same memory and calls `table[start](tid,
/// arg)`; the result is its thread id, or -1 (musl reports `EAGAIN`).
fn wasm_thread_spawn(ctx: &Ctx<'_>, start: u32, arg: u32) -> SysResult {
    Ok(ctx.process.spawn_thread(start, arg) as i64)
}

/// `int __clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)`
/// with fork semantics: a native fork (as `SYS_fork`), whose child calls
/// `table[fn](arg)` on the instance and thread that called `__clone` and
/// exits with its result, as musl's `__clone` does; the parent gets the
/// child's pid, or `-errno`.
///
/// musl's `posix_spawn` asks for `CLONE_VM | CLONE_VFORK | SIGCHLD`. Neither
/// sharing memory nor suspending the parent can be honoured with a fork, and
/// its protocol needs neither: the child reports a failed exec through a
/// close-on-exec pipe, which the parent reads until the exec closes it. So
/// those two flags are accepted and approximated; the exit signal must be
/// `SIGCHLD` (what a fork sends), and any other flag (threads, namespaces,
/// TLS and tid words, which the varargs would carry) is refused with `EINVAL`.
/// The child runs on a copy of the parent's memory with the parent's current
/// stack pointer, below every live frame of the parent, so `stack` (which
/// posix_spawn carves out of its own frame) is not needed and is not used.
fn clone(ctx: &Ctx<'_>, func: u32, _stack: u32, flags: u32, arg: u32, _varargs: u32) -> SysResult {
    const CSIGNAL: u32 = 0xff;
    const APPROXIMATED: u32 = (libc::CLONE_VM | libc::CLONE_VFORK) as u32;
    if flags & CSIGNAL != libc::SIGCHLD as u32 || flags & !(CSIGNAL | APPROXIMATED) != 0 {
        ctx.process.warn_once("__clone", || {
            format!("__clone with flags {flags:#x} is not supported (only a fork, optionally CLONE_VM|CLONE_VFORK, signalling SIGCHLD); the guest gets EINVAL")
        });
        return Err(Errno::EINVAL.into());
    }
    match crate::syscalls::process::fork(ctx)? {
        0 => Err(SysError::Exit(Exit::WithResultOf { func, arg })),
        pid => Ok(pid),
    }
}

/// `setjmp` import of older binaries: the direct return is 0.
fn setjmp(_: &Ctx<'_>, _env: u32) -> SysResult {
    Ok(0)
}

/// `sigsetjmp` import of older binaries: the direct return is 0.
fn sigsetjmp(_: &Ctx<'_>, _env: u32, _savesigs: i32) -> SysResult {
    Ok(0)
}

/// An actual `longjmp` cannot resume a wasm frame through an import: end the
/// process, saying why.
fn longjmp(_: &Ctx<'_>, _env: u32, _val: i32) -> SysResult {
    let _ = writeln!(
        std::io::stderr(),
        "lamina: longjmp through the `wali.longjmp` import is not supported (the module was built \
         without wasm exception handling for setjmp/longjmp); terminating with status 1"
    );
    Err(SysError::Exit(Exit::Process(1)))
}
