#!/usr/bin/env python3
"""Generates the C headers that declare WALI's syscall imports, from the
wali-linux spec and one list of the syscalls beyond it (EXTRA below).

    gen_syscall_headers.py musl     > toolchain/musl/arch/wasm32/wali_syscalls.h
    gen_syscall_headers.py numbers  > toolchain/musl/arch/wasm32/bits/syscall.h.in
    gen_syscall_headers.py guest    > tests/guests/include/wali_syscalls.h
    gen_syscall_headers.py imports    (the wasm type of each EXTRA import)

musl: musl asks for a system call by number (`__syscall(SYS_read, fd, buf, n)`,
with every argument widened to `syscall_arg_t`, a `long long`). WALI has no numbered entry point: each
system call is its own typed import `wali.SYS_<name>`. The header declares
those imports and one dispatcher from number to import. The dispatcher is
always inlined, so a call with a constant number (almost every call in musl)
folds into the single import call; `syscall()` and cancellation points, whose
number is only known at run time, keep the whole switch.

numbers: the port's bits/syscall.h.in, the syscall numbers a WALI guest sees
(`SYS_read` and so on), the x86-64 ones for every syscall the spec lists.

guest: the test guests' header. Each syscall becomes `wali_<name>(...)`:
on wasm an import of `wali.SYS_<name>`, natively an inline call of the x86-64
syscall of the same number (returning -errno like the raw kernel interface),
so one test source builds both ways.

imports: `SYS_<name> <params> i64` for each EXTRA syscall, in the format of
tools/wali_spec_types.py: the conformance test checks that Lamina's table
declares the syscalls it implements beyond the spec with these types.

The C types of i64 values are `long long`, never `long`: the headers serve
both C ABIs of the toolchain, and `long` is 32-bit in the ILP32 one.

Wasm types follow the ABI rule: pointers and C types of at most 4 bytes are
i32, 8-byte integers are i64, the result is i64. The spec gives the types of
the syscalls WALI implements; for the others, EXTRA gives the Linux parameter
types (x86-64 prototypes), so their imports have the types any WALI engine
derives by the same rule.

Run with the Python that has wali-linux (the set-up's .venv).
"""
import sys

from wali.spec import SYSCALLS

# Parameter kinds: i = 4-byte integer, l = 8-byte integer, p = pointer.
EXTRA = {
    "acct": "p", "adjtimex": "p", "alarm": "i", "arch_prctl": "il", "capget": "pp", "capset": "pp",
    "clock_adjtime": "ip", "clock_settime": "ip", "clone": "lpppl", "close_range": "iii", "creat": "pi",
    "copy_file_range": "ipipii", "delete_module": "pi", "epoll_create": "i", "epoll_pwait2": "ipippi",
    "epoll_wait": "ipii", "execveat": "ipppi",
    "fallocate": "iill", "fanotify_init": "ii", "fanotify_mark": "iilip", "fgetxattr": "ippi",
    "flistxattr": "ipi", "fremovexattr": "ip", "fsetxattr": "ippii", "futex_waitv": "piipi", "futimesat": "ipp",
    "get_robust_list": "ipp", "getcpu": "ppp", "getdents": "ipi", "getitimer": "ip", "getpgrp": "",
    "getpriority": "ii", "getresgid": "ppp", "getresuid": "ppp", "getxattr": "pppi",
    "init_module": "plp", "inotify_add_watch": "ipi", "inotify_init": "", "inotify_init1": "i",
    "inotify_rm_watch": "ii", "ioperm": "lli", "iopl": "i", "ioprio_get": "ii", "ioprio_set": "iii", "lchown": "pii", "lgetxattr": "pppi",
    "listxattr": "ppi", "llistxattr": "ppi", "lremovexattr": "pp", "lsetxattr": "pppii",
    "membarrier": "iii", "memfd_create": "pi", "mincore": "pip", "mknod": "pii", "mknodat": "ipii",
    "mlock": "pi", "mlock2": "pii", "mlockall": "i", "mount": "ppplp", "mq_getsetattr": "ipp",
    "mq_notify": "ip", "mq_open": "piip", "mq_timedreceive": "ipipp", "mq_timedsend": "ipiip",
    "mq_unlink": "p", "msgctl": "iip", "msgget": "ii", "msgrcv": "ipili", "msgsnd": "ipii",
    "munlock": "pi", "munlockall": "", "name_to_handle_at": "ipppi", "open_by_handle_at": "ipi", "openat2": "ippi",
    "pause": "", "personality": "i", "pidfd_getfd": "iii", "pidfd_open": "ii",
    "pidfd_send_signal": "iipi", "pivot_root": "pp", "preadv": "ipill", "preadv2": "ipilli",
    "pwritev": "ipill", "pwritev2": "ipilli",
    "process_vm_readv": "iplpll", "process_vm_writev": "iplpll", "ptrace": "llll",
    "quotactl": "ipip", "readahead": "ili", "reboot": "iiip", "recvmmsg": "ipiip",
    "remap_file_pages": "piiii", "removexattr": "pp", "renameat": "ipip", "rt_sigqueueinfo": "iip", "rt_tgsigqueueinfo": "iiip",
    "rt_sigtimedwait": "pppi", "sched_get_priority_max": "i", "sched_getattr": "ipii", "sched_get_priority_min": "i",
    "sched_getparam": "ip", "sched_getscheduler": "i", "sched_rr_get_interval": "ip",
    "sched_setaffinity": "iip", "sched_setattr": "ipi", "sched_setparam": "ip", "sched_setscheduler": "iip",
    "semctl": "iiil", "semget": "iii", "semop": "ipi", "semtimedop": "ipip", "sendfile": "iipi",
    "sendmmsg": "ipii", "set_robust_list": "pi", "set_thread_area": "p", "setdomainname": "pi",
    "setfsgid": "i", "setfsuid": "i", "sethostname": "pi", "setns": "ii", "setpriority": "iii",
    "settimeofday": "pp", "setxattr": "pppii", "shmat": "ipi", "shmctl": "iip", "shmdt": "p",
    "shmget": "iii", "signalfd": "ipi", "signalfd4": "ipii", "splice": "ipipii", "swapoff": "p",
    "swapon": "pi", "sync": "", "sync_file_range": "illi", "syncfs": "i", "syslog": "ipi",
    "tee": "iiii", "tgkill": "iii", "time": "p", "timer_create": "ipp", "timer_delete": "i", "timer_getoverrun": "i",
    "timer_gettime": "ip", "timer_settime": "iipp", "timerfd_create": "ii", "timerfd_gettime": "ip",
    "timerfd_settime": "iipp", "times": "p", "truncate": "pl", "umount2": "pi", "unshare": "i",
    "utime": "pp", "utimes": "pp", "vfork": "", "vhangup": "", "vmsplice": "ipii", "waitid": "iipip",
}

C_TYPE = {"i": "int", "l": "long long", "p": "void *"}


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
    return f"(void *)(__SIZE_TYPE__){arg}" if k == "p" else f"({C_TYPE[k]}){arg}"


def numbers():
    for s in sorted(SYSCALLS.values(), key=lambda s: s.nr):
        print(f"#define __NR_{s.name} {s.nr}")
    # The kernel's own name for the syscall the spec calls fadvise.
    print(f"#define __NR_fadvise64 {SYSCALLS['fadvise'].nr}")


def musl():
    print("/* Generated by tools/gen_syscall_headers.py from the wali-linux spec. Do not edit. */")
    print()
    print("#define __WALI_IMPORT(name) __attribute__((__import_module__(\"wali\"), __import_name__(name)))")
    print()
    sigs = signatures()
    for _, name, kinds in sigs:
        params = ", ".join(C_TYPE[k] for k in kinds) or "void"
        print(f"__WALI_IMPORT(\"SYS_{name}\") long long __wali_SYS_{name}({params});")
    print()
    print("static __inline __attribute__((__always_inline__))")
    print("long long __wali_syscall(long long n, long long a, long long b, long long c, long long d,")
    print("\tlong long e, long long f)")
    print("{")
    print("\t(void)a; (void)b; (void)c; (void)d; (void)e; (void)f;")
    print("\tswitch (n) {")
    for nr, name, kinds in sigs:
        args = ", ".join(argument(k, i) for i, k in enumerate(kinds))
        print(f"\tcase {nr}: return __wali_SYS_{name}({args});")
    print("\tdefault: return -38; /* ENOSYS: not a system call WALI or musl knows */")
    print("\t}")
    print("}")


def guest_decl(nr, name, params, count):
    args = "".join(f", (long)a{i}" for i in range(count)) + ", 0" * (6 - count)
    print("#ifdef __wasm__")
    print(f"WALI_IMPORT(\"SYS_{name}\") long long wali_{name}({params});")
    print("#else")
    print(f"static inline long wali_{name}({params}) {{ return lt_raw_syscall({nr}{args}); }}")
    print("#endif")
    print()


def guest_type(spec_type: str) -> str:
    """The C type of a spec type in the guests' header: its i64 types are
    long long, as a guest built with 32-bit long must see them too."""
    if spec_type.endswith("*") or spec_type.startswith("fn("):
        return "void*"
    return {"long": "long long", "unsigned long": "unsigned long long"}.get(spec_type, spec_type)


def guest():
    """The spec's syscalls with the spec's C types (so a guest passes what a C
    caller passes), then the EXTRA ones with the types of their kinds."""
    print("/* Generated by tools/gen_syscall_headers.py from the wali-linux spec. Do not edit. */")
    print("#pragma once")
    for s in SYSCALLS.values():
        if s.implemented:
            types = [guest_type(str(t)) for t in s.args_reduce()]
            params = ", ".join(f"{t} a{i}" for i, t in enumerate(types)) or "void"
            guest_decl(s.nr, s.name, params, len(types))
    for nr, name, kinds in signatures():
        if name in EXTRA:
            params = ", ".join(f"{C_TYPE[k]}{'' if k == 'p' else ' '}a{i}" for i, k in enumerate(kinds)) or "void"
            guest_decl(nr, name, params, len(kinds))


def imports():
    wasm = {"i": "i32", "p": "i32", "l": "i64"}
    for name, kinds in sorted(EXTRA.items()):
        print(f"SYS_{name} {','.join(wasm[k] for k in kinds) or '-'} i64")


def main():
    commands = {"musl": musl, "numbers": numbers, "guest": guest, "imports": imports}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(commands)}")
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
