//! Files and directories: differential guests (WALI under Lamina vs native)
//! and a hostile guest for the fs syscalls.
mod support;

#[test]
fn files_links_renames_and_directories_match_native() {
    let out = support::same_as_native("fs_files", &[]);
    for line in [
        "ok stat size\n",
        "ok readlink content\n",
        "ok entries seen\n",
        "ok renameat2 noreplace onto existing\n",
        "ok mknod fifo type\n",
        "ok fifo content\n",
        "ok mknodat regular type\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn modes_owners_times_sizes_and_locks_match_native() {
    let out = support::same_as_native("fs_attrs", &[]);
    for line in
        ["ok fchmodat read back\n", "ok utimensat mtime\n", "ok utimes atime\n", "ok flock conflicting exclusive\n"]
    {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn working_directory_chroot_and_statfs_match_native() {
    let out = support::same_as_native("fs_dirs", &[]);
    for line in ["ok cwd ends in /a/b\n", "ok chroot missing\n", "ok statfs f_bsize\n"] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn hostile_fs_inputs_get_the_kernels_errors_and_proc_mem_is_refused() {
    let out = support::wasm_passes("hostile_fs", &[]);
    for line in [
        "ok open\n",
        "ok stat 1 byte short\n",
        "ok getdents64 count wraps\n",
        "ok mknod NULL\n",
        "ok /proc/self/mem O_RDWR\n",
        "ok through a symlink\n",
        "ok openat(/proc/self fd, mem)\n",
        "ok /proc/self/maps opens\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}
