#!/usr/bin/env python3
"""Prints the wasm type of every WALI import the wali-linux spec defines
(or, with --numbers, every x86-64 system call the spec lists, as `<number> <name>
<implemented by WALI: 1 or 0>`; with --structs, the size of every structure in the spec's ABI; with
--layouts, every structure's size and alignment and each field's offset and
size, as `<struct> - <size> <align>` and `<struct> <field> <offset> <size>`).

One line per import: `<import name> <param types, comma-separated or -> <result or ->`,
derived with the spec's own rule (pointers and types of at most 4 bytes are i32,
8-byte integer types are i64, syscalls return i64; auxiliary functions return
their C result type). Used by the conformance test.
"""
import sys

from wali.spec import AUX_SYSCALLS, SYSCALLS, TypeRegistry


def wasm_type(c_type: str) -> str:
    c_type = str(c_type)
    if c_type.endswith("*") or c_type.startswith("fn("):
        return "i32"
    size = TypeRegistry.resolve_size(c_type)
    return "i64" if size == 8 else "i32"


def line(name, args, result):
    params = ",".join(wasm_type(a) for a in args) or "-"
    return f"{name} {params} {result or '-'}"


def main():
    if sys.argv[1:] == ["--layouts"]:
        for name, struct in TypeRegistry.struct_defs.items():
            offsets, sizes, size, align = TypeRegistry.compute_struct_layout(struct.fields, struct.packed)
            key = name.replace(" ", "_")
            print(f"{key} - {size} {align}")
            for f, offset, f_size in zip(struct.fields, offsets, sizes):
                print(f"{key} {f.name} {offset} {f_size}")
        return
    if sys.argv[1:] == ["--numbers"]:
        for s in sorted(SYSCALLS.values(), key=lambda s: s.nr):
            print(f"{s.nr} {s.name} {int(bool(s.implemented))}")
        return
    if sys.argv[1:] == ["--structs"]:
        for name in TypeRegistry.struct_defs:
            print(f"{name.replace(' ', '_')} {TypeRegistry.resolve_size(name)}")
        return
    for s in SYSCALLS.values():
        if s.implemented:
            print(line(f"SYS_{s.name}", s.args, "i64"))
    for a in AUX_SYSCALLS.values():
        print(line(a.name, a.args, a.result and wasm_type(a.result)))


if __name__ == "__main__":
    main()
