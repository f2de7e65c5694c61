//! The signal state a guest process starts with.

/// Puts this process's signals as an `execve` would leave them, as Lamina
/// expects them when a process starts: every handled signal back to its
/// default action (the shim's and libcontainer's handlers are not the
/// guest's; ignored signals stay ignored, as across an exec) and nothing
/// blocked in this thread, the guest's main thread.
pub fn as_after_exec() {
    // SAFETY: signal numbers up to SIGRTMAX, queried into and set from
    // zero-initialised `sigaction`s; SIGKILL and SIGSTOP cannot be changed
    // and are refused harmlessly. Nothing else runs guest code yet.
    unsafe {
        for signal in 1..=libc::SIGRTMAX() {
            let mut action: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut action) == 0
                && action.sa_sigaction != libc::SIG_DFL
                && action.sa_sigaction != libc::SIG_IGN
            {
                libc::signal(signal, libc::SIG_DFL);
            }
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::pthread_sigmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
}
