mod support;

#[test]
fn tcp_over_ipv4_and_ipv6_loopback_matches_native() {
    let out = support::same_as_native("net_tcp", &[]);
    assert!(out.contains("ok accepted peer is the client\n"), "{out}");
    assert!(out.contains("ok stream source length\n"), "{out}");
    assert!(out.contains("ok accept4 nonblock\n"), "{out}");
    assert!(out.contains("ok SO_LINGER round trip\n"), "{out}");
    assert!(out.contains("== ipv6\n"), "{out}");
}

#[test]
fn udp_datagrams_and_message_headers_match_native() {
    let out = support::same_as_native("net_udp", &[]);
    assert!(out.contains("ok source is the sender\n"), "{out}");
    assert!(out.contains("ok msg_namelen written back\n"), "{out}");
    assert!(out.contains("ok MSG_TRUNC reported\n"), "{out}");
}

#[test]
fn unix_sockets_and_descriptor_passing_match_native() {
    let out = support::same_as_native("net_unix", &[]);
    assert!(out.contains("ok read it back from the pipe\n"), "{out}");
    assert!(out.contains("ok msg_controllen\n"), "{out}");
    assert!(out.contains("ok MSG_CTRUNC\n"), "{out}");
    assert!(out.contains("ok bind relative path\n"), "{out}");
}

#[test]
fn message_batches_match_native() {
    let out = support::same_as_native("net_mmsg", &[]);
    assert!(out.contains("ok msg_len of each received\n"), "{out}");
    assert!(out.contains("ok namelen written back\n"), "{out}");
    assert!(out.contains("ok MSG_TRUNC reported\n"), "{out}");
    assert!(out.contains("ok batch ends at a bad entry\n"), "{out}");
    assert!(out.contains("ok sendmmsg bad fd, bad entry\n"), "{out}");
}

#[test]
fn socket_errors_match_native() {
    let out = support::same_as_native("net_errors", &[]);
    assert!(out.contains("ok connect to a closed port\n"), "{out}");
    assert!(out.contains("ok bind port in use\n"), "{out}");
    assert!(out.contains("ok recvmsg pipe\n"), "{out}");
}

#[test]
fn hostile_socket_arguments_get_exact_errnos() {
    let out = support::wasm_passes("hostile_net", &[]);
    assert!(out.contains("ok recvmsg header in the last bytes\n"), "{out}");
    assert!(out.contains("ok accept ignores the length without a buffer\n"), "{out}");
    assert!(out.contains("ok SO_ATTACH_FILTER\n"), "{out}");
    assert!(out.contains("ok get TCP_ZEROCOPY_RECEIVE\n"), "{out}");
    assert!(out.contains("ok sendmmsg second entry past the end\n"), "{out}");
    assert!(out.contains("ok recvmmsg wild vector, bad fd\n"), "{out}");
    assert!(out.contains("ok recvmmsg buffer past the end\n"), "{out}");
}
