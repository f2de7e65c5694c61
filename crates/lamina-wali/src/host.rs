//! Raw host system calls, with the kernel's own `-errno` convention.
//!
//! Most WALI syscalls are the x86-64 syscall of the same name once guest
//! pointers are translated, so handlers issue them by number: the kernel, not
//! a wrapper, decides results and errno.
//!
//! Calls that may block are issued through a small assembly stub that first
//! checks whether a signal for a guest handler is waiting on this thread, and
//! gives up with [`signals::NOT_STARTED`] if so; the native signal handler
//! sends a thread caught between that check and the `syscall` instruction to
//! the same exit ([`cancel_blocking_call`]). So no blocking call starts while
//! a guest handler waits to run (it would run only when the call returned):
//! the runtime runs it and issues the call again, as if the signal had come
//! just before. musl cancels its cancellation points the same way.

use std::sync::atomic::AtomicUsize;

use crate::errno::{Errno, SysResult};
use crate::signals;

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
    not_started = const signals::NOT_STARTED,
);

unsafe extern "C" {
    fn lamina_syscall_cp(nr: libc::c_long, args: *const i64, waiting: *const AtomicUsize) -> i64;
    static lamina_cp_begin: u8;
    static lamina_cp_end: u8;
    static lamina_cp_cancel: u8;
}

/// Whether a call may sleep until a signal interrupts it.
fn may_block(nr: libc::c_long) -> bool {
    matches!(
        nr,
        libc::SYS_read
            | libc::SYS_write
            | libc::SYS_readv
            | libc::SYS_writev
            | libc::SYS_pread64
            | libc::SYS_pwrite64
            | libc::SYS_preadv
            | libc::SYS_pwritev
            | libc::SYS_open
            | libc::SYS_openat
            | libc::SYS_ioctl
            | libc::SYS_poll
            | libc::SYS_ppoll
            | libc::SYS_select
            | libc::SYS_pselect6
            | libc::SYS_epoll_wait
            | libc::SYS_epoll_pwait
            | libc::SYS_nanosleep
            | libc::SYS_clock_nanosleep
            | libc::SYS_wait4
            | libc::SYS_waitid
            | libc::SYS_accept
            | libc::SYS_accept4
            | libc::SYS_connect
            | libc::SYS_recvfrom
            | libc::SYS_recvmsg
            | libc::SYS_sendto
            | libc::SYS_sendmsg
            | libc::SYS_flock
            | libc::SYS_fcntl
            | libc::SYS_futex
            | libc::SYS_getrandom
            | libc::SYS_rt_sigsuspend
            | libc::SYS_rt_sigtimedwait
    )
}

/// Issues host syscall `nr` with up to six arguments.
pub fn syscall(nr: libc::c_long, args: &[i64]) -> SysResult {
    let mut a = [0i64; 6];
    a[..args.len()].copy_from_slice(args);
    let r = if may_block(nr) {
        // SAFETY: as below; the stub reads the six arguments and the
        // thread's waiting word, both alive for the call.
        unsafe { lamina_syscall_cp(nr, a.as_ptr(), signals::waiting_word()) }
    } else {
        // SAFETY: the caller has translated every pointer argument to a
        // checked host address inside guest memory (or NULL); integers are
        // passed as the kernel would receive them from a native program.
        let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
        if r == -1 { -(Errno::last().0 as i64) } else { r }
    };
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
