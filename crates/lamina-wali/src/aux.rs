//! WALI's auxiliary (non-syscall) imports: start-up, arguments, environment,
//! process exit, threads, `__clone`, and the setjmp family of older binaries.

use crate::ctx::{Ctx, Exit};
use crate::errno::{SysError, SysResult};
use crate::table::{Args, Kind, Param, ResultType, SyscallDef};

const fn aux(
    name: &'static str,
    params: &'static [Param],
    result: ResultType,
    handler: crate::table::Handler,
) -> SyscallDef {
    SyscallDef { name, params, result, handler }
}

const fn p(name: &'static str, kind: Kind) -> Param {
    Param { name, kind }
}

pub static FUNCTIONS: &[SyscallDef] = &[
    aux("__init", &[], ResultType::I32, init),
    aux("__deinit", &[], ResultType::I32, deinit),
    aux("__proc_exit", &[p("status", Kind::Int)], ResultType::None, proc_exit),
    aux("__cl_get_argc", &[], ResultType::I32, cl_get_argc),
    aux("__cl_get_argv_len", &[p("idx", Kind::UInt)], ResultType::I32, cl_get_argv_len),
    aux("__cl_copy_argv", &[p("buf", Kind::Ptr), p("idx", Kind::UInt)], ResultType::I32, cl_copy_argv),
    aux("__get_init_envfile", &[p("pathbuf", Kind::Ptr), p("bufsize", Kind::UInt)], ResultType::I32, get_init_envfile),
    aux("__wasm_thread_spawn", &[p("start", Kind::UInt), p("arg", Kind::Ptr)], ResultType::I32, wasm_thread_spawn),
    // Not in the WALI specification: musl's `__clone`, which its
    // `posix_spawn` (so `system` and `popen`) imports; the fifth parameter
    // is the wasm32 C ABI's pointer to the variadic arguments.
    aux(
        "__clone",
        &[
            p("fn", Kind::UInt),
            p("stack", Kind::Ptr),
            p("flags", Kind::Hex),
            p("arg", Kind::Ptr),
            p("varargs", Kind::Ptr),
        ],
        ResultType::I32,
        clone,
    ),
    aux("setjmp", &[p("env", Kind::Ptr)], ResultType::I32, setjmp),
    aux("sigsetjmp", &[p("env", Kind::Ptr), p("savesigs", Kind::Int)], ResultType::I32, setjmp),
    aux("longjmp", &[p("env", Kind::Ptr), p("val", Kind::Int)], ResultType::None, longjmp),
];

/// `int __init(void)`: 0 the first time, 1 if called again.
fn init(ctx: &Ctx<'_>, _: &Args) -> SysResult {
    Ok((ctx.process.count_init() > 1) as i64)
}

/// `int __deinit(void)`: 0 the first time, 1 if called again.
fn deinit(ctx: &Ctx<'_>, _: &Args) -> SysResult {
    Ok((ctx.process.count_deinit() > 1) as i64)
}

/// `void __proc_exit(int status)`: ends the process.
fn proc_exit(_: &Ctx<'_>, a: &Args) -> SysResult {
    Err(SysError::Exit(Exit::Process(a.int(0))))
}

fn cl_get_argc(ctx: &Ctx<'_>, _: &Args) -> SysResult {
    Ok(ctx.process.argv.len() as i64)
}

/// `strlen(argv[idx])`, or 0 for an index out of range.
fn cl_get_argv_len(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    Ok(ctx.process.argv.get(a.len(0)).map_or(0, |s| s.as_bytes().len() as i64))
}

/// Copies `argv[idx]` with its NUL to `buf`; 0 on success, `-EFAULT` if the
/// buffer is outside memory, `-EINVAL` for an index out of range.
fn cl_copy_argv(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let arg = ctx.process.argv.get(a.len(1)).ok_or(crate::Errno::EINVAL)?;
    ctx.mem.write_bytes(a.ptr(0), arg.as_bytes_with_nul())?;
    Ok(0)
}

/// Reports the environment file: 1 and its path in `pathbuf` when there is
/// one (an empty string if it does not fit, as the reference engine does), 0
/// when the guest's environment is empty.
fn get_init_envfile(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    let Some(path) = &ctx.process.env_path else {
        return Ok(0);
    };
    let bytes = path.as_bytes_with_nul();
    let size = a.len(1);
    if bytes.len() <= size {
        ctx.mem.write_bytes(a.ptr(0), bytes)?;
    } else if size > 0 {
        ctx.mem.write_bytes(a.ptr(0), b"\0")?;
    }
    Ok(1)
}

/// `int __wasm_thread_spawn(start, arg)`: a new host thread runs a new
/// instance of the module over the same memory and calls `table[start](tid,
/// arg)`; the result is its thread id, or -1 (musl reports `EAGAIN`).
fn wasm_thread_spawn(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    Ok(ctx.process.spawn_thread(a.uint(0), a.ptr(1)) as i64)
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
fn clone(ctx: &Ctx<'_>, a: &Args) -> SysResult {
    const CSIGNAL: u32 = 0xff;
    const APPROXIMATED: u32 = (libc::CLONE_VM | libc::CLONE_VFORK) as u32;
    let flags = a.uint(2);
    if flags & CSIGNAL != libc::SIGCHLD as u32 || flags & !(CSIGNAL | APPROXIMATED) != 0 {
        ctx.process.warn_once("__clone", || {
            format!("__clone with flags {flags:#x} is not supported (only a fork, optionally CLONE_VM|CLONE_VFORK, signalling SIGCHLD); the guest gets EINVAL")
        });
        return Err(crate::Errno::EINVAL.into());
    }
    match crate::syscalls::process::fork(ctx, a)? {
        0 => Err(SysError::Exit(Exit::WithResultOf { func: a.uint(0), arg: a.ptr(3) })),
        pid => Ok(pid),
    }
}

/// `setjmp`/`sigsetjmp` imports of older binaries: the direct return is 0.
fn setjmp(_: &Ctx<'_>, _: &Args) -> SysResult {
    Ok(0)
}

/// An actual `longjmp` cannot resume a wasm frame through an import: end the
/// process, saying why.
fn longjmp(_: &Ctx<'_>, _: &Args) -> SysResult {
    eprintln!(
        "lamina: longjmp through the `wali.longjmp` import is not supported (the module was built \
         without wasm exception handling for setjmp/longjmp); terminating with status 1"
    );
    Err(SysError::Exit(Exit::Process(1)))
}
