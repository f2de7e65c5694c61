//! Binding a module's imports, each with exactly the type the module declares.
//!
//! Real WALI binaries declare syscalls Lamina does not implement, and some
//! declare known ones with nonstandard types (`SYS_exit` without a result).
//! Wasmtime refuses to instantiate on any missing import or type mismatch, so
//! instead of a fixed set of typed host functions every `wali` import gets a
//! host function built from its own declared type: arguments are read as raw
//! integers, the table entry's handler runs, and the result is written back
//! in whatever integer type the import declares. Imports Lamina does not know
//! return `-ENOSYS` and warn once.
//!
//! A handler cannot enter the guest itself; the one that must (`__clone`,
//! whose forked child runs a guest function) asks for the call with
//! [`Exit::WithResultOf`], which is made here, where the caller is at hand.
//!
//! Every import is also a signal safe point: waiting guest handlers run
//! before the call and before it returns to wasm (`delivery.rs`). A call that
//! gave up to let them run first (`NOT_STARTED`), or one a handler with
//! `SA_RESTART` interrupted and that the kernel would restart, is issued
//! again.

use std::mem::MaybeUninit;
use std::sync::Arc;

use lamina_wali::{Args, Ctx, Errno, Exit, NOT_STARTED, SyscallDef};
use wasmtime::{Caller, ExternType, FuncType, Linker, Module, SharedMemory, Store, Trap, ValRaw, ValType};
use wasmtime::{Result, bail};

use crate::delivery;
use crate::prepare::{MEMORY_IMPORT, TABLE_EXPORT};
use crate::store::Host;

/// How one import was bound (for `-v` and the conformance test).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Bound to the WALI table entry of the same name.
    Implemented,
    /// Not in the table: returns `-ENOSYS` and warns once.
    Unimplemented,
    /// The shared memory.
    Memory,
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

/// Builds a linker that satisfies every import of `module`.
pub fn link(store: &Store<Host>, module: &Module, memory: &SharedMemory) -> Result<(Linker<Host>, Vec<ImportReport>)> {
    let mut linker = Linker::new(module.engine());
    let mut report = Vec::new();
    for import in module.imports() {
        let (m, name) = (import.module(), import.name());
        if (m, name) == MEMORY_IMPORT {
            linker.define(&store, m, name, memory.clone())?;
            report.push(ImportReport {
                module: m.into(),
                name: name.into(),
                params: vec![],
                results: vec![],
                binding: Binding::Memory,
            });
            continue;
        }
        if m != "wali" {
            bail!(
                "the module imports `{m}.{name}`, which Lamina does not provide (WALI modules import only from `wali`)"
            );
        }
        let ExternType::Func(ty) = import.ty() else {
            bail!("the module imports `wali.{name}` as a {}; WALI provides only functions", kind(&import.ty()));
        };
        check_integer_type(name, &ty)?;
        let def = lamina_wali::lookup(name);
        let binding = if def.is_some() { Binding::Implemented } else { Binding::Unimplemented };
        report.push(ImportReport {
            module: m.into(),
            name: name.into(),
            params: ty.params().collect(),
            results: ty.results().collect(),
            binding,
        });
        bind(&mut linker, name, ty, def)?;
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
fn check_integer_type(name: &str, ty: &FuncType) -> Result<()> {
    let int = |t: &ValType| matches!(t, ValType::I32 | ValType::I64);
    if !ty.params().all(|t| int(&t))
        || !ty.results().all(|t| int(&t))
        || ty.results().len() > 1
        || ty.params().len() > 6
    {
        bail!("the module declares `wali.{name}` with type {ty}, which no WALI import can have");
    }
    Ok(())
}

fn bind(linker: &mut Linker<Host>, name: &str, ty: FuncType, def: Option<&'static SyscallDef>) -> Result<()> {
    let params: Vec<ValType> = ty.params().collect();
    let result = ty.results().next();
    let import_name: Arc<str> = name.into();
    let func = move |mut caller: Caller<'_, Host>, vals: &mut [MaybeUninit<ValRaw>]| -> Result<()> {
        let mut args = Args::default();
        for (i, t) in params.iter().enumerate() {
            // SAFETY: wasmtime initialises every parameter slot with a value
            // of the declared type.
            let raw = unsafe { vals[i].assume_init() };
            args.0[i] = match t {
                ValType::I64 => raw.get_i64() as u64,
                _ => raw.get_i32() as u32 as u64,
            };
        }
        // Signals that arrived while wasm ran are handled before the call,
        // as they would have been natively.
        delivery::deliver(&mut caller)?;
        let ret = loop {
            let host = caller.data();
            let ret = match def {
                Some(def) => {
                    let ctx = Ctx::new(&host.memory, &host.process, &host.thread);
                    match lamina_wali::dispatch(def, &ctx, &args) {
                        Ok(ret) => ret,
                        Err(Exit::WithResultOf { func, arg }) => return exit_with_result_of(&mut caller, func, arg),
                        Err(exit) => return Err(wasmtime::Error::new(exit)),
                    }
                }
                None => {
                    lamina_wali::warn_unimplemented(&host.process, &import_name);
                    Errno::ENOSYS.ret()
                }
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
    unsafe { linker.func_new_unchecked("wali", name, ty, func)? };
    Ok(())
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
