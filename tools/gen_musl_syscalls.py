#!/usr/bin/env python3
"""Generates toolchain/musl/arch/wasm32/wali_syscalls.h from the wali-linux spec.

musl asks for a system call by number (`__syscall(SYS_read, fd, buf, n)`, with
every argument widened to `long`). WALI has no numbered entry point: each
system call is its own typed import `wali.SYS_<name>`. The header declares
those imports and one dispatcher from number to import. The dispatcher is
always inlined, so a call with a constant number (almost every call in musl)
folds into the single import call; `syscall()` and cancellation points, whose
number is only known at run time, keep the whole switch.

Wasm types follow the ABI rule: pointers and C types of at most 4 bytes are
i32, 8-byte integers are i64, the result is i64. The spec gives the types of
the syscalls WALI implements; for the others musl calls, the table below gives
the Linux parameter types (x86-64 prototypes), so their imports have the
types any WALI engine derives by the same rule.

With the argument `numbers` it prints the port's bits/syscall.h.in instead:
the syscall numbers a WALI guest sees (`SYS_read` and so on), the x86-64
ones for every syscall the spec lists.

Run: .venv/bin/python tools/gen_musl_syscalls.py > toolchain/musl/arch/wasm32/wali_syscalls.h
     .venv/bin/python tools/gen_musl_syscalls.py numbers > toolchain/musl/arch/wasm32/bits/syscall.h.in
"""
import sys

from wali.spec import SYSCALLS

# Parameter kinds: i = 4-byte integer, l = 8-byte integer, p = pointer.
EXTRA = {
    "acct": "p", "adjtimex": "p", "arch_prctl": "il", "capget": "pp", "capset": "pp",
    "clock_adjtime": "ip", "clock_settime": "ip", "clone": "lpppl", "copy_file_range": "ipipii",
    "delete_module": "pi", "epoll_create": "i", "epoll_wait": "ipii", "execveat": "ipppi",
    "fallocate": "iill", "fanotify_init": "ii", "fanotify_mark": "iilip", "fgetxattr": "ippi",
    "flistxattr": "ipi", "fremovexattr": "ip", "fsetxattr": "ippii", "futimesat": "ipp",
    "get_robust_list": "ipp", "getcpu": "ppp", "getdents": "ipi", "getitimer": "ip",
    "getpriority": "ii", "getresgid": "ppp", "getresuid": "ppp", "getxattr": "pppi",
    "init_module": "plp", "inotify_add_watch": "ipi", "inotify_init": "", "inotify_init1": "i",
    "inotify_rm_watch": "ii", "ioperm": "lli", "iopl": "i", "lchown": "pii", "lgetxattr": "pppi",
    "listxattr": "ppi", "llistxattr": "ppi", "lremovexattr": "pp", "lsetxattr": "pppii",
    "membarrier": "iii", "memfd_create": "pi", "mincore": "pip", "mknod": "pii", "mknodat": "ipii",
    "mlock": "pi", "mlock2": "pii", "mlockall": "i", "mount": "ppplp", "mq_getsetattr": "ipp",
    "mq_notify": "ip", "mq_open": "piip", "mq_timedreceive": "ipipp", "mq_timedsend": "ipiip",
    "mq_unlink": "p", "msgctl": "iip", "msgget": "ii", "msgrcv": "ipili", "msgsnd": "ipii",
    "munlock": "pi", "munlockall": "", "name_to_handle_at": "ipppi", "open_by_handle_at": "ipi",
    "pause": "", "personality": "i", "pivot_root": "pp", "preadv": "ipill", "pwritev": "ipill",
    "process_vm_readv": "iplpll", "process_vm_writev": "iplpll", "ptrace": "llll",
    "quotactl": "ipip", "readahead": "ili", "reboot": "iiip", "recvmmsg": "ipiip",
    "remap_file_pages": "piiii", "removexattr": "pp", "renameat": "ipip", "rt_sigqueueinfo": "iip",
    "rt_sigtimedwait": "pppi", "sched_get_priority_max": "i", "sched_get_priority_min": "i",
    "sched_getparam": "ip", "sched_getscheduler": "i", "sched_rr_get_interval": "ip",
    "sched_setaffinity": "iip", "sched_setparam": "ip", "sched_setscheduler": "iip",
    "semctl": "iiil", "semget": "iii", "semop": "ipi", "semtimedop": "ipip", "sendfile": "iipi",
    "sendmmsg": "ipii", "set_robust_list": "pi", "set_thread_area": "p", "setdomainname": "pi",
    "setfsgid": "i", "setfsuid": "i", "sethostname": "pi", "setns": "ii", "setpriority": "iii",
    "settimeofday": "pp", "setxattr": "pppii", "shmat": "ipi", "shmctl": "iip", "shmdt": "p",
    "shmget": "iii", "signalfd": "ipi", "signalfd4": "ipii", "splice": "ipipii", "swapoff": "p",
    "swapon": "pi", "sync": "", "sync_file_range": "illi", "syncfs": "i", "syslog": "ipi",
    "tee": "iiii", "timer_create": "ipp", "timer_delete": "i", "timer_getoverrun": "i",
    "timer_gettime": "ip", "timer_settime": "iipp", "timerfd_create": "ii", "timerfd_gettime": "ip",
    "timerfd_settime": "iipp", "times": "p", "truncate": "pl", "umount2": "pi", "unshare": "i",
    "utimes": "pp", "vfork": "", "vhangup": "", "vmsplice": "ipii", "waitid": "iipip",
}

C_TYPE = {"i": "int", "l": "long", "p": "void *"}


def kind(spec_type) -> str:
    t = str(spec_type)
    if t.endswith("*") or t.startswith("fn("):
        return "p"
    return "l" if t.endswith("long") else "i"


def signatures():
    """(number, name, parameter kinds) of every syscall musl can reach."""
    out = []
    for s in SYSCALLS.values():
        if s.implemented:
            out.append((s.nr, s.name, "".join(kind(t) for t in s.args_reduce())))
        elif s.name in EXTRA:
            out.append((s.nr, s.name, EXTRA[s.name]))
    missing = set(EXTRA) - {name for _, name, _ in out}
    assert not missing, f"not in the spec's syscall list: {sorted(missing)}"
    return sorted(out)


def argument(k, i):
    arg = "abcdef"[i]
    return f"(void *)(unsigned long){arg}" if k == "p" else f"({C_TYPE[k]}){arg}"


def numbers():
    for s in sorted(SYSCALLS.values(), key=lambda s: s.nr):
        print(f"#define __NR_{s.name} {s.nr}")
    # The kernel's own name for the syscall the spec calls fadvise.
    print(f"#define __NR_fadvise64 {SYSCALLS['fadvise'].nr}")


def main():
    if sys.argv[1:] == ["numbers"]:
        numbers()
        return
    print("/* Generated by tools/gen_musl_syscalls.py from the wali-linux spec. Do not edit. */")
    print()
    print("#define __WALI_IMPORT(name) __attribute__((__import_module__(\"wali\"), __import_name__(name)))")
    print()
    sigs = signatures()
    for _, name, kinds in sigs:
        params = ", ".join(C_TYPE[k] for k in kinds) or "void"
        print(f"__WALI_IMPORT(\"SYS_{name}\") long __wali_SYS_{name}({params});")
    print()
    print("static __inline __attribute__((__always_inline__))")
    print("long __wali_syscall(long n, long a, long b, long c, long d, long e, long f)")
    print("{")
    print("\t(void)a; (void)b; (void)c; (void)d; (void)e; (void)f;")
    print("\tswitch (n) {")
    for nr, name, kinds in sigs:
        args = ", ".join(argument(k, i) for i, k in enumerate(kinds))
        print(f"\tcase {nr}: return __wali_SYS_{name}({args});")
    print("\tdefault: return -38; /* ENOSYS: not a system call WALI or musl knows */")
    print("\t}")
    print("}")


if __name__ == "__main__":
    main()
