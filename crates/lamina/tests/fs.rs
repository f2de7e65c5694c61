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
        "ok renameat replaced\n",
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
    for line in [
        "ok fchmodat read back\n",
        "ok utimensat mtime\n",
        "ok utimes atime\n",
        "ok flock conflicting exclusive\n",
        "ok lchown does not follow it\n",
        "ok creat keeps the first mode\n",
        "ok utime times\n",
        "ok syncfs\n",
        "ok readahead past 4 GiB\n",
        "ok readahead a pipe\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn working_directory_chroot_and_statfs_match_native() {
    let out = support::same_as_native("fs_dirs", &[]);
    for line in ["ok cwd ends in /a/b\n", "ok chroot missing\n", "ok statfs f_bsize\n", "ok getdents names\n"] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn copy_file_range_memfd_and_inotify_match_native() {
    let out = support::same_as_native("fs_extra", &[]);
    for line in [
        "ok input offset advanced\n",
        "ok copied bytes\n",
        "ok its name in /proc\n",
        "ok sealed against writes\n",
        "ok 250-byte name\n",
        "ok first watch\n",
        // Events are read with read(2): one line per record, as parsed.
        "event wd 1 mask 0x100 len 16 name file\n",
        "event wd 1 mask 0x8 len 32 name a-longer-file-name\n",
        "event wd 1 mask 0x200 len 16 name file\n",
        "event wd 1 mask 0x8000 len 0 name -\n",
        "ok the link and its target are two watches\n",
    ] {
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
        "ok inotify_add_watch\n",
        "ok memfd_create long name\n",
        "ok copy_file_range offset past the end\n",
        "ok copy_file_range nothing moved\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}
