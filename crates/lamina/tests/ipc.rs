//! System V message queues, semaphores and shared memory, POSIX message
//! queues: the same
//! guests natively and on WALI, hostile arguments, and what a sandbox lets a
//! guest reach.

mod support;

#[test]
fn system_v_queues_and_semaphores_match_native() {
    let out = support::same_as_native("ipc_sysv", &[]);
    assert!(out.contains("ok two messages queued\n"), "{out}");
    assert!(out.contains("ok cut text\n"), "{out}");
    assert!(out.contains("ok GETALL values\n"), "{out}");
    assert!(out.contains("ok semtimedop waited its timeout\n"), "{out}");
    assert!(out.contains("ok msgsnd removed queue\n"), "{out}");
}

#[test]
fn system_v_shared_memory_is_attached_inside_linear_memory_as_natively() {
    let out = support::same_as_native("ipc_shm", &[]);
    assert!(out.contains("ok the same memory\n"), "{out}");
    assert!(out.contains("ok child wrote through it\n"), "{out}");
    assert!(out.contains("ok shmdt of a shared mmap\n"), "{out}");
    assert!(out.contains("ok SHM_RND|SHM_REMAP rounds down\n"), "{out}");
    assert!(out.contains("ok munmap detached it\n"), "{out}");
    assert!(out.contains("ok gone after the last detach\n"), "{out}");
}

#[test]
fn posix_message_queues_match_native() {
    let out = support::same_as_native("ipc_mqueue", &[]);
    assert!(out.contains("ok high text and priority\n"), "{out}");
    assert!(out.contains("ok receive timed out\n"), "{out}");
    assert!(out.contains("ok si_value\n"), "{out}");
    assert!(out.contains("ok mq_unlink\n"), "{out}");
}

#[test]
fn hostile_ipc_arguments_get_the_kernels_errno() {
    let out = support::wasm_passes("hostile_ipc", &[]);
    assert!(out.contains("ok msgsnd text past the end, too long\n"), "{out}");
    assert!(out.contains("ok msgrcv empty queue, wild buffer\n"), "{out}");
    assert!(out.contains("ok SETALL past the end\n"), "{out}");
    assert!(out.contains("ok semop wild, too many\n"), "{out}");
    assert!(out.contains("ok notify thread, not a netlink socket\n"), "{out}");
    assert!(out.contains("ok applied despite the wild old\n"), "{out}");
    assert!(out.contains("ok shmat over the guest's data\n"), "{out}");
    assert!(out.contains("ok shmdt the guest's data\n"), "{out}");
    assert!(out.contains("ok runtime survived\n"), "{out}");
}

/// A System V object made here, natively, for the guest to try to reach;
/// removed when dropped.
struct Foreign {
    queue: i32,
    set: i32,
    segment: i32,
}

impl Foreign {
    fn new() -> Foreign {
        // SAFETY: plain System V calls with integer arguments.
        let (queue, set, segment) = unsafe {
            (
                libc::msgget(libc::IPC_PRIVATE, 0o600),
                libc::semget(libc::IPC_PRIVATE, 1, 0o600),
                libc::shmget(libc::IPC_PRIVATE, 4096, 0o600),
            )
        };
        assert!(queue >= 0 && set >= 0 && segment >= 0, "cannot make the foreign objects");
        Foreign { queue, set, segment }
    }

    /// Messages in the queue, the semaphore's value, and the segment's
    /// attachments.
    fn state(&self) -> (u64, i32, u64) {
        // SAFETY: zeroed msqid_ds and shmid_ds are valid; the kernel fills them in.
        let (mut msq, mut shm): (libc::msqid_ds, libc::shmid_ds) = unsafe { std::mem::zeroed() };
        // SAFETY: the objects are ours; `msq` and `shm` are live structures.
        let (stat, value, shm_stat) = unsafe {
            (
                libc::msgctl(self.queue, libc::IPC_STAT, &mut msq),
                libc::semctl(self.set, 0, libc::GETVAL),
                libc::shmctl(self.segment, libc::IPC_STAT, &mut shm),
            )
        };
        assert!(stat == 0 && value >= 0 && shm_stat == 0, "a foreign object was removed");
        (msq.msg_qnum, value, shm.shm_nattch)
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        // SAFETY: removing the objects this test made.
        unsafe {
            libc::msgctl(self.queue, libc::IPC_RMID, std::ptr::null_mut());
            libc::semctl(self.set, 0, libc::IPC_RMID);
            libc::shmctl(self.segment, libc::IPC_RMID, std::ptr::null_mut());
        }
    }
}

/// IPC objects outlive the process and are shared by the user's programs:
/// a sandboxed guest makes and uses private ones only; keys, other
/// programs' ids, listing indices and queue names are `EACCES`.
#[test]
fn a_sandboxed_guest_reaches_only_its_own_ipc_objects() {
    const EACCES: &str = "-13";
    let foreign = Foreign::new();
    let module = support::wasm("ipc_sandbox");
    let dir = support::scratch("ipc_sandbox");
    let (q, s, m) = (foreign.queue.to_string(), foreign.set.to_string(), foreign.segment.to_string());
    let out = support::lamina()
        .args(["run", "--sandbox"])
        .arg(&module)
        .args([&q, &s, &m])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = support::text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", support::text(&out.stderr));
    let want = [
        ("own queue", "0"),
        ("own msgsnd", "0"),
        ("own msgrcv", "2"),
        ("own IPC_STAT", "0"),
        ("own IPC_RMID", "0"),
        ("own set", "0"),
        ("own semop", "0"),
        ("own GETVAL", "1"),
        ("own set IPC_RMID", "0"),
        ("own segment", "0"),
        ("own shmat", "0"),
        ("own shmdt", "0"),
        ("own segment IPC_RMID", "0"),
        ("IPC_INFO", "0"),
        ("removed queue", EACCES),
        ("msgget key", EACCES),
        ("semget key", EACCES),
        ("foreign msgsnd", EACCES),
        ("foreign msgrcv", EACCES),
        ("foreign IPC_STAT", EACCES),
        ("foreign IPC_RMID", EACCES),
        ("MSG_STAT_ANY", EACCES),
        ("foreign semop", EACCES),
        ("foreign SETVAL", EACCES),
        ("foreign set IPC_RMID", EACCES),
        ("SEM_STAT_ANY", EACCES),
        ("shmget key", EACCES),
        ("foreign shmat", EACCES),
        ("foreign shmctl IPC_STAT", EACCES),
        ("foreign shmctl IPC_RMID", EACCES),
        ("SHM_STAT_ANY", EACCES),
        ("mq_open", EACCES),
        ("mq_unlink", EACCES),
    ];
    for (label, value) in want {
        assert!(text.contains(&format!("{label}: {value}\n")), "{label} should be {value}:\n{text}");
    }
    assert_eq!(foreign.state(), (0, 0, 0), "the foreign objects changed");
}
