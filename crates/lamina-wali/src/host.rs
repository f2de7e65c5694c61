//! Raw host system calls, with the kernel's own `-errno` convention.
//!
//! Most WALI syscalls are the x86-64 syscall of the same name once guest
//! pointers are translated, so handlers issue them by number: the kernel, not
//! a wrapper, decides results and errno.
//!
//! Calls that may block are issued through a small assembly stub that first
//! checks whether a signal for a guest handler is waiting on this thread, and
//! gives up with [`NOT_STARTED`] if so; the native signal handler
//! sends a thread caught between that check and the `syscall` instruction to
//! the same exit ([`cancel_blocking_call`]). So no blocking call starts while
//! a guest handler waits to run (it would run only when the call returned):
//! the runtime runs it and issues the call again, as if the signal had come
//! just before. musl cancels its cancellation points the same way.

use std::sync::atomic::AtomicUsize;

use crate::errno::{Errno, SysResult};

/// What a call reports when it gave up before entering the kernel because a
/// delivery was waiting (the kernel's internal `ERESTARTNOINTR`, which never
/// reaches a program): the runtime runs the handlers and issues it again.
pub const NOT_STARTED: i32 = 513;

core::arch::global_asm!(
    ".pushsection .text.lamina_syscall_cp,\"ax\",@progbits",
    ".p2align 4",
    ".globl lamina_syscall_cp",
    ".hidden lamina_syscall_cp",
    ".type lamina_syscall_cp,@function",
    // rdi = number, rsi = the six arguments, rdx = the waiting word.
    "lamina_syscall_cp:",
    ".globl lamina_cp_begin",
    ".hidden lamina_cp_begin",
    "lamina_cp_begin:",
    "cmp qword ptr [rdx], 0",
    "jne lamina_cp_cancel",
    "mov rax, rdi",
    "mov rdi, qword ptr [rsi]",
    "mov rdx, qword ptr [rsi + 16]",
    "mov r10, qword ptr [rsi + 24]",
    "mov r8, qword ptr [rsi + 32]",
    "mov r9, qword ptr [rsi + 40]",
    "mov rsi, qword ptr [rsi + 8]",
    "syscall",
    ".globl lamina_cp_end",
    ".hidden lamina_cp_end",
    "lamina_cp_end:",
    "ret",
    ".globl lamina_cp_cancel",
    ".hidden lamina_cp_cancel",
    "lamina_cp_cancel:",
    "mov rax, -{not_started}",
    "ret",
    ".size lamina_syscall_cp, . - lamina_syscall_cp",
    ".popsection",
    not_started = const NOT_STARTED,
);

unsafe extern "C" {
    fn lamina_syscall_cp(nr: libc::c_long, args: *const i64, waiting: *const AtomicUsize) -> i64;
    static lamina_cp_begin: u8;
    static lamina_cp_end: u8;
    static lamina_cp_cancel: u8;
}

/// Issues host syscall `nr` with up to six arguments.
///
/// The `syscall` instruction itself rather than libc's `syscall()`: the
/// kernel's `-errno` is what we want, and the C wrapper (variadic, storing
/// `errno` in thread-local storage only for us to read it back) is a
/// measurable part of a cheap call's round trip (`getppid`).
#[inline]
pub fn syscall(nr: libc::c_long, args: &[i64]) -> SysResult {
    let a = six(args);
    let r: i64;
    // SAFETY: the caller has translated every pointer argument to a checked
    // host address inside guest memory (or NULL), or passes the runtime's
    // own buffers; integers are passed as the kernel would receive them from
    // a native program. The x86-64 syscall convention: number in rax,
    // arguments in rdi, rsi, rdx, r10, r8, r9; the kernel clobbers rcx and
    // r11 and may read or write memory through the arguments.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => r,
            in("rdi") a[0],
            in("rsi") a[1],
            in("rdx") a[2],
            in("r10") a[3],
            in("r8") a[4],
            in("r9") a[5],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    result(r)
}

/// Issues host syscall `nr`, which may sleep, unless `waiting` (the calling
/// thread's count of deliveries waiting for guest handlers) is non-zero:
/// then it gives up with [`NOT_STARTED`] before entering the kernel.
pub fn blocking_syscall(nr: libc::c_long, args: &[i64], waiting: *const AtomicUsize) -> SysResult {
    let a = six(args);
    // SAFETY: as for `syscall`; the stub reads the six arguments and the
    // thread's waiting word, both alive for the call.
    result(unsafe { lamina_syscall_cp(nr, a.as_ptr(), waiting) })
}

#[inline]
fn six(args: &[i64]) -> [i64; 6] {
    let mut a = [0i64; 6];
    a[..args.len()].copy_from_slice(args);
    a
}

#[inline]
fn result(r: i64) -> SysResult {
    if (-4095..0).contains(&r) { Err(Errno(-r as i32).into()) } else { Ok(r) }
}

/// Called by the native signal handler once a delivery is waiting: a thread
/// interrupted inside the stub before its `syscall` instruction (or sent back
/// to it by the kernel to restart the call) leaves through the stub's exit
/// instead.
pub(crate) fn cancel_blocking_call(uc: *mut libc::ucontext_t) {
    let begin = (&raw const lamina_cp_begin) as i64;
    let end = (&raw const lamina_cp_end) as i64;
    // SAFETY: the kernel's ucontext of the interrupted thread; the kernel
    // resumes at the instruction pointer stored there.
    let rip = unsafe { &mut (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] };
    if (begin..end).contains(rip) {
        *rip = (&raw const lamina_cp_cancel) as i64;
    }
}

/// Host address as a syscall argument.
pub fn ptr<T>(p: *const T) -> i64 {
    p as usize as i64
}
