//! Binding a module's imports, each with exactly the type the module declares.
//!
//! Real WALI binaries declare syscalls Lamina does not implement, and some
//! declare known ones with nonstandard types (`SYS_exit` without a result).
//! Wasmtime refuses to instantiate on any missing import or type mismatch, so
//! instead of a fixed set of typed host functions every `wali` import gets a
//! host function built from its own declared type: arguments are read as raw
//! integers, the table entry's handler runs, and the result is written back
//! in whatever integer type the import declares. Imports Lamina refuses
//! return their errno, and imports it does not know `-ENOSYS`; either warns
//! once.
//!
//! A handler cannot enter the guest itself; the one that must (`__clone`,
//! whose forked child runs a guest function) asks for the call with
//! [`Exit::WithResultOf`], which is made here, where the caller is at hand.
//!
//! Lamina's WASI layer (a WALI module serving a WASI program, `wasi.rs`)
//! also imports from [`PROGRAM_MODULE`]: every WALI syscall again, with its
//! pointers in the program's memory instead of its own (the zero-copy data
//! path: `fd_read` is a `readv` on the program's iovecs), copies between
//! the two memories, the program's `_start` and its preopened directories
//! (`wasi/layer/lamina_program.h`). The program's own imports are the
//! layer's exports ([`link_wasi_program`]).
//!
//! Every import is also a signal safe point: waiting guest handlers run
//! before the call and before it returns to wasm (`delivery.rs`). A call that
//! gave up to let them run first (`NOT_STARTED`), or one a handler with
//! `SA_RESTART` interrupted and that the kernel would restart, is issued
//! again.

use std::mem::MaybeUninit;
use std::sync::Arc;

use lamina_memory::GuestMemory;
use lamina_wali::{Args, Ctx, Errno, Exit, NOT_STARTED, SyscallDef};
use wasmtime::{Caller, ExternType, FuncType, Instance, Linker, Module, SharedMemory, Store, Trap, ValRaw, ValType};
use wasmtime::{Result, bail};

use crate::delivery;
use crate::prepare::{MEMORY_IMPORT, SAFE_POINT_IMPORT, TABLE_EXPORT, WASI_PREVIEW1};
use crate::store::{Host, Program};

/// The import module of the WASI layer's calls on the program it serves.
pub const PROGRAM_MODULE: &str = "lamina_program";

/// How one import was bound (for `-v` and the conformance test).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Bound to the WALI table entry of the same name.
    Implemented,
    /// Not in the table: returns its refusal's errno, else `-ENOSYS`, and
    /// warns once.
    Unimplemented,
    /// The shared memory.
    Memory,
    /// The signal safe point (`prepare.rs`).
    SafePoint,
    /// One of the WASI layer's functions on the program it serves.
    Program,
    /// The WASI layer's export of the same name.
    WasiLayer,
}

/// An import's name, declared type and binding.
#[derive(Clone, Debug)]
pub struct ImportReport {
    pub module: String,
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    pub binding: Binding,
}

impl ImportReport {
    fn new(module: &str, name: &str, ty: Option<&FuncType>, binding: Binding) -> ImportReport {
        ImportReport {
            module: module.into(),
            name: name.into(),
            params: ty.map_or_else(Vec::new, |t| t.params().collect()),
            results: ty.map_or_else(Vec::new, |t| t.results().collect()),
            binding,
        }
    }
}

/// Binds the imports the rewrite (`prepare.rs`) adds to every module, if
/// `(module, name)` is one of them.
fn bind_runtime_import(
    linker: &mut Linker<Host>,
    store: &Store<Host>,
    memory: &SharedMemory,
    (module, name): (&str, &str),
) -> Result<Option<ImportReport>> {
    let binding = if (module, name) == MEMORY_IMPORT {
        linker.define(store, module, name, memory.clone())?;
        Binding::Memory
    } else if (module, name) == SAFE_POINT_IMPORT {
        delivery::define_safe_point(linker)?;
        Binding::SafePoint
    } else {
        return Ok(None);
    };
    Ok(Some(ImportReport::new(module, name, None, binding)))
}

/// Builds a linker that satisfies every import of `module`.
pub fn link(store: &Store<Host>, module: &Module, memory: &SharedMemory) -> Result<(Linker<Host>, Vec<ImportReport>)> {
    let mut linker = Linker::new(module.engine());
    let mut report = Vec::new();
    for import in module.imports() {
        let (m, name) = (import.module(), import.name());
        if let Some(bound) = bind_runtime_import(&mut linker, store, memory, (m, name))? {
            report.push(bound);
            continue;
        }
        let memory = match m {
            "wali" => SyscallMemory::Own,
            PROGRAM_MODULE if !name.starts_with("SYS_") => {
                let ty = program_function_type(&import.ty(), name)?;
                report.push(ImportReport::new(m, name, Some(&ty), Binding::Program));
                bind_program_function(&mut linker, name)?;
                continue;
            }
            PROGRAM_MODULE => SyscallMemory::Program,
            _ => bail!(
                "the module imports `{m}.{name}`, which Lamina does not provide (WALI modules import only from `wali`)"
            ),
        };
        let ExternType::Func(ty) = import.ty() else {
            bail!("the module imports `{m}.{name}` as a {}; WALI provides only functions", kind(&import.ty()));
        };
        check_integer_type(m, name, &ty)?;
        let def = lamina_wali::lookup(name);
        let binding = if def.is_some() { Binding::Implemented } else { Binding::Unimplemented };
        report.push(ImportReport::new(m, name, Some(&ty), binding));
        bind(&mut linker, m, name, ty, def, memory)?;
    }
    Ok((linker, report))
}

fn kind(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "function",
        ExternType::Global(_) => "global",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Tag(_) => "tag",
    }
}

/// WALI imports take and return integers only.
fn check_integer_type(module: &str, name: &str, ty: &FuncType) -> Result<()> {
    let int = |t: &ValType| matches!(t, ValType::I32 | ValType::I64);
    if !ty.params().all(|t| int(&t))
        || !ty.results().all(|t| int(&t))
        || ty.results().len() > 1
        || ty.params().len() > 6
    {
        bail!("the module declares `{module}.{name}` with type {ty}, which no WALI import can have");
    }
    Ok(())
}

/// Which memory a syscall's pointer arguments address.
#[derive(Clone, Copy)]
enum SyscallMemory {
    /// The calling instance's own (every `wali` import).
    Own,
    /// The WASI program's, for the layer that serves it.
    Program,
}

impl SyscallMemory {
    fn of(self, host: &Host) -> Result<&GuestMemory> {
        match self {
            SyscallMemory::Own => Ok(&host.memory),
            SyscallMemory::Program => Ok(&serving(host)?.memory),
        }
    }
}

/// The program the calling instance serves.
fn serving(host: &Host) -> Result<&Program> {
    host.program.as_ref().ok_or_else(|| {
        wasmtime::format_err!("`{PROGRAM_MODULE}` imports serve a WASI program, and this instance serves none")
    })
}

fn bind(
    linker: &mut Linker<Host>,
    module: &str,
    name: &str,
    ty: FuncType,
    def: Option<&'static SyscallDef>,
    memory: SyscallMemory,
) -> Result<()> {
    // Decided once here, not per call: how many parameters there are and
    // which are i64 (the rest are i32, checked by `check_integer_type`).
    let count = ty.params().len();
    let wide = ty.params().enumerate().fold(0u8, |m, (i, t)| m | (u8::from(matches!(t, ValType::I64)) << i));
    let result = ty.results().next();
    let import_name: Arc<str> = name.into();
    let func = move |mut caller: Caller<'_, Host>, vals: &mut [MaybeUninit<ValRaw>]| -> Result<()> {
        let mut args = Args::default();
        for (i, (arg, val)) in args.0.iter_mut().zip(&vals[..count]).enumerate() {
            // SAFETY: wasmtime initialises every parameter slot with a value
            // of the declared type.
            let raw = unsafe { val.assume_init() };
            *arg = if wide & (1 << i) != 0 { raw.get_i64() as u64 } else { u64::from(raw.get_i32() as u32) };
        }
        // Signals that arrived while wasm ran are handled before the call,
        // as they would have been natively.
        delivery::deliver(&mut caller)?;
        let ret = loop {
            let host = caller.data();
            let ret = match def {
                Some(def) => {
                    let ctx = Ctx::new(memory.of(host)?, &host.process, &host.thread);
                    match lamina_wali::dispatch(def, &ctx, &args) {
                        Ok(ret) => ret,
                        Err(Exit::WithResultOf { func, arg }) => return exit_with_result_of(&mut caller, func, arg),
                        Err(Exit::Process(status)) if host.process.is_forked_child() => {
                            crate::outcome::end_forked_child(&host.process, status)
                        }
                        Err(exit) => return Err(wasmtime::Error::new(exit)),
                    }
                }
                None => lamina_wali::answer_unimplemented(&host.process, &import_name),
            };
            let Some(restart) = delivery::deliver(&mut caller)? else { break ret };
            let interrupted_restartable =
                ret == Errno::EINTR.ret() && restart && def.is_some_and(|def| def.restarts(&args));
            if ret != Errno(NOT_STARTED).ret() && !interrupted_restartable {
                break ret;
            }
        };
        match result {
            Some(ValType::I64) => vals[0] = MaybeUninit::new(ValRaw::i64(ret)),
            Some(_) => vals[0] = MaybeUninit::new(ValRaw::i32(ret as i32)),
            None => {}
        }
        Ok(())
    };
    // SAFETY: the closure reads exactly the parameters of `ty` with their
    // declared types and writes one result of the declared type (checked to be
    // an integer by `check_integer_type`).
    unsafe { linker.func_new_unchecked(module, name, ty, func)? };
    Ok(())
}

/// The declared type of `lamina_program.NAME`, checked against the one
/// Lamina gives it.
fn program_function_type(ty: &ExternType, name: &str) -> Result<FuncType> {
    use ValType::I32;
    let expected: (&[ValType], &[ValType]) = match name {
        "copy_from" | "copy_to" | "preopen" => (&[I32, I32, I32], &[I32]),
        "preopen_fd" | "preopen_writable" => (&[I32], &[I32]),
        "start" => (&[], &[]),
        _ => bail!("the module imports `{PROGRAM_MODULE}.{name}`, which Lamina does not provide"),
    };
    let declared = match ty {
        ExternType::Func(f) => f.clone(),
        other => bail!("the module imports `{PROGRAM_MODULE}.{name}` as a {}; it is a function", kind(other)),
    };
    let same = |a: &mut dyn ExactSizeIterator<Item = ValType>, b: &[ValType]| {
        a.len() == b.len() && a.zip(b).all(|(x, y)| ValType::eq(&x, y))
    };
    if !same(&mut declared.params(), expected.0) || !same(&mut declared.results(), expected.1) {
        bail!("the module declares `{PROGRAM_MODULE}.{name}` with type {declared}, not the one Lamina gives it");
    }
    Ok(declared)
}

/// Binds one of the WASI layer's functions on its program (see
/// `wasi/layer/lamina_program.h` for what each does).
fn bind_program_function(linker: &mut Linker<Host>, name: &str) -> Result<()> {
    let fault = Errno::EFAULT.ret() as i32;
    let no_entry = Errno::ENOENT.ret() as i32;
    match name {
        "copy_from" => {
            linker.func_wrap(PROGRAM_MODULE, name, move |caller: Caller<'_, Host>, dst: u32, src: u32, len: u32| {
                let host = caller.data();
                let copied = serving(host)?.memory.copy_to_memory(src, &host.memory, dst, len as usize);
                Ok(if copied.is_ok() { 0 } else { fault })
            })?
        }
        "copy_to" => {
            linker.func_wrap(PROGRAM_MODULE, name, move |caller: Caller<'_, Host>, dst: u32, src: u32, len: u32| {
                let host = caller.data();
                let copied = host.memory.copy_to_memory(src, &serving(host)?.memory, dst, len as usize);
                Ok(if copied.is_ok() { 0 } else { fault })
            })?
        }
        "start" => linker.func_wrap(PROGRAM_MODULE, name, |mut caller: Caller<'_, Host>| {
            let start = serving(caller.data())?
                .start
                .ok_or_else(|| wasmtime::format_err!("the WASI program is not instantiated yet"))?;
            start.typed::<(), ()>(&caller)?.call(&mut caller, ())
        })?,
        "preopen" => linker.func_wrap(
            PROGRAM_MODULE,
            name,
            move |caller: Caller<'_, Host>, index: u32, buf: u32, cap: u32| {
                let host = caller.data();
                let Some(preopen) = serving(host)?.preopens.get(index as usize) else { return Ok(no_entry) };
                let name = preopen.name.as_bytes();
                if name.len() <= cap as usize && host.memory.write_bytes(buf, name).is_err() {
                    return Ok(fault);
                }
                Ok(name.len() as i32)
            },
        )?,
        "preopen_fd" => linker.func_wrap(PROGRAM_MODULE, name, move |caller: Caller<'_, Host>, index: u32| {
            Ok(serving(caller.data())?.preopens.get(index as usize).map_or(no_entry, |p| p.fd))
        })?,
        "preopen_writable" => linker.func_wrap(PROGRAM_MODULE, name, move |caller: Caller<'_, Host>, index: u32| {
            Ok(serving(caller.data())?.preopens.get(index as usize).map_or(no_entry, |p| i32::from(p.writable)))
        })?,
        _ => unreachable!("program_function_type admits only the functions above"),
    };
    Ok(())
}

/// Builds the linker of a WASI program served by `layer`: its memory, and
/// each `wasi_snapshot_preview1` import bound to the layer's export of the
/// same name, which must have the same type.
pub fn link_wasi_program(
    store: &mut Store<Host>,
    module: &Module,
    memory: &SharedMemory,
    layer: &Instance,
) -> Result<(Linker<Host>, Vec<ImportReport>)> {
    let mut linker = Linker::new(module.engine());
    let mut report = Vec::new();
    for import in module.imports() {
        let (m, name) = (import.module(), import.name());
        if let Some(bound) = bind_runtime_import(&mut linker, &*store, memory, (m, name))? {
            report.push(bound);
            continue;
        }
        if m != WASI_PREVIEW1 {
            bail!(
                "the WASI program imports `{m}.{name}`, which Lamina does not provide (it runs WASI preview 1 programs: `{WASI_PREVIEW1}` imports only)"
            );
        }
        let Some(func) = layer.get_func(&mut *store, name) else {
            bail!(
                "the WASI program imports `{m}.{name}`, which is not a WASI preview 1 function Lamina's layer provides"
            );
        };
        let (declared, provided) = (import.ty(), func.ty(&*store));
        if !matches!(&declared, ExternType::Func(f) if FuncType::eq(f, &provided)) {
            bail!(
                "the WASI program declares `{m}.{name}` with type {declared:?}; WASI preview 1 gives it type {provided}"
            );
        }
        linker.define(&*store, m, name, func)?;
        report.push(ImportReport::new(m, name, Some(&provided), Binding::WasiLayer));
    }
    Ok((linker, report))
}

/// Calls `table[func](arg)` (C type `int (*)(void *)`) on the caller's
/// instance, then ends the process with its result. A bad index or type is
/// the trap a native indirect call through such a pointer would be.
fn exit_with_result_of(caller: &mut Caller<'_, Host>, func: u32, arg: u32) -> Result<()> {
    let table = caller
        .get_export(TABLE_EXPORT)
        .and_then(|e| e.into_table())
        .ok_or_else(|| wasmtime::format_err!("the module has no function table for __clone's function"))?;
    let entry = table.get(&mut *caller, u64::from(func)).ok_or(Trap::TableOutOfBounds)?;
    let f = entry.as_func().flatten().copied().ok_or(Trap::IndirectCallToNull)?;
    let f = f.typed::<i32, i32>(&*caller).map_err(|_| Trap::BadSignature)?;
    let status = f.call(&mut *caller, arg as i32)?;
    Err(wasmtime::Error::new(Exit::Process(status)))
}
