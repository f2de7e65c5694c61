mod support;

#[test]
fn poll_ppoll_select_and_pselect6_match_native() {
    let out = support::same_as_native("poll_select", &[]);
    assert!(out.contains("ok select used the whole timeout\n"), "{out}");
    assert!(out.contains("ok pselect6 read bit\n"), "{out}");
}

#[test]
fn epoll_matches_native() {
    let out = support::same_as_native("poll_epoll", &[]);
    assert!(out.contains("ok data round trip\n"), "{out}");
    assert!(out.contains("ok edge consumed\n"), "{out}");
    assert!(out.contains("ok pwait2 waited its timeout\n"), "{out}");
    assert!(out.contains("ok pwait2 bad nsec\n"), "{out}");
}

#[test]
fn eventfd_counters_match_native() {
    let out = support::same_as_native("poll_eventfd", &[]);
    assert!(out.contains("sum: 12\n"), "{out}");
}

#[test]
fn timerfd_expirations_match_native() {
    let out = support::same_as_native("poll_timerfd", &[]);
    assert!(out.contains("ok one expiration\n"), "{out}");
    assert!(out.contains("ok gettime value left\n"), "{out}");
}

#[test]
fn hostile_poll_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_poll", &[]);
    assert!(out.contains("ok poll nfds too large, wild array\n"), "{out}");
    assert!(out.contains("ok armed despite the wild old value\n"), "{out}");
    assert!(out.contains("ok pwait2 timeout past the end\n"), "{out}");
    assert!(out.contains("ok gettime bad fd beats a wild pointer\n"), "{out}");
    assert!(out.contains("ok runtime survived\n"), "{out}");
}
