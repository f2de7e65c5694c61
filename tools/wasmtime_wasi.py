#!/usr/bin/env python3
"""Runs a WASI preview 1 module under wasmtime's own WASI (PyPI `wasmtime`):
the reference that Lamina's layered WASI is compared against.

    tools/wasmtime_wasi.py [--dir|--ro-dir HOST[::GUEST]]... [--env NAME=VALUE]... MODULE [ARGS...]

The spellings are Lamina's (and, for --dir, wasmtime's CLI ones): `--dir HOST`
preopens HOST under the guest path HOST, `--dir HOST::GUEST` under GUEST;
`--ro-dir` preopens it read-only (wasmtime's `fs_mutable` off). The program
sees only the variables given with --env, argv[0] is MODULE as given, stdio
is inherited. The exit status is the program's (`proc_exit` or a return from
`main`); a trap is printed on stderr and ends with status 134 (128+SIGABRT),
which is what the wasmtime CLI does on Unix.
"""

import sys

import wasmtime

TRAP_STATUS = 128 + 6


def usage(message):
    sys.stderr.write(f"wasmtime_wasi.py: {message}\n"
                     "usage: wasmtime_wasi.py [--dir|--ro-dir HOST[::GUEST]]... [--env NAME=VALUE]... MODULE [ARGS...]\n")
    sys.exit(2)


def parse(argv):
    """Options end at the first argument that is not one: the module."""
    dirs, env = [], []
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        option, _, value = argv[i].partition("=")
        if option not in ("--dir", "--ro-dir", "--env"):
            usage(f"unknown option {argv[i]}")
        if not value:
            i += 1
            if i == len(argv):
                usage(f"{option} needs a value")
            value = argv[i]
        if option in ("--dir", "--ro-dir"):
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host, option == "--dir"))
        else:
            name, equals, setting = value.partition("=")
            if not equals:
                usage(f"--env {value}: expected NAME=VALUE")
            env.append((name, setting))
        i += 1
    if i == len(argv):
        usage("no module given")
    return dirs, env, argv[i], argv[i:]


def main():
    dirs, env, module_path, args = parse(sys.argv[1:])
    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, module_path)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)

    wasi = wasmtime.WasiConfig()
    wasi.argv = args
    wasi.env = env
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    for host, guest, mutable in dirs:
        wasi.preopen_dir(host, guest, fs_mutable=mutable)
    store.set_wasi(wasi)

    instance = linker.instantiate(store, module)
    start = instance.exports(store).get("_start")
    if start is None:
        usage(f"{module_path} exports no _start: not a WASI command")
    try:
        start(store)
    except wasmtime.ExitTrap as exit:
        sys.exit(exit.code)
    except (wasmtime.Trap, wasmtime.WasmtimeError) as trap:
        sys.stderr.write(f"wasmtime_wasi.py: {module_path}: {trap}\n")
        sys.exit(TRAP_STATUS)
    sys.exit(0)


if __name__ == "__main__":
    main()
