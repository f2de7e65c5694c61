//! The signal state a container's process starts with.

/// Puts this process's signals as a container's process starts with them
/// (as runc leaves them): every signal's action the default one and nothing
/// blocked. An `execve` keeps ignored signals ignored and the mask, and the
/// shim's server ignores SIGPIPE (as Rust programs do) and runs its threads
/// with signals blocked; a guest must not inherit either.
pub fn as_at_container_start() {
    // SAFETY: setting standard dispositions and an empty mask in the process
    // about to execute Lamina; SIGKILL and SIGSTOP cannot be changed and are
    // refused harmlessly.
    unsafe {
        for signal in 1..=libc::SIGRTMAX() {
            libc::signal(signal, libc::SIG_DFL);
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::pthread_sigmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
}
