//! Guest signal handlers on the wasm side: safe points, the call of a
//! handler, and wasm traps delivered as signals.
//!
//! The host half (dispositions, masks, the native handler that records a
//! signal for the receiving thread) is `lamina_wali::signals`. Handlers run
//! at safe points of the thread that received the signal:
//! - on entry to and return from every WALI import (`link.rs`), so a signal
//!   that interrupted a blocking call is handled before the call returns to
//!   wasm, and the call is issued again when `SA_RESTART` says so;
//! - inside running wasm: the native handler sets the signal flag of the
//!   instances its thread runs (see [`arm_safe_points`]), which the checks
//!   `prepare.rs` puts on every path that repeats code test, calling
//!   `lamina.safe_point`, which runs the handlers. `for (;;);` is interrupted
//!   by `alarm`, and `SIGINT` reaches a busy loop.
//!
//! A handler is `table[index]` of the thread's own instance, called with the
//! signal number, and, if its type takes them, the addresses of a `siginfo_t`
//! and a `ucontext_t` written below the guest's stack pointer (moved to the
//! alternate stack for `SA_ONSTACK` handlers), with the mask the kernel would
//! give it; when it returns, the mask in its `ucontext_t` is restored, as
//! `rt_sigreturn` would.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use lamina_wali::signals::{self, AltStack, Delivery, SA_ONSTACK, SA_RESTART};
use wasmtime::{AsContextMut, Caller, Instance, Linker, Store, StoreContextMut, Trap, Val, ValType};
use wasmtime::{Result, format_err};

use crate::prepare::{SAFE_POINT_IMPORT, SIGNAL_FLAG_EXPORT};
use crate::store::Host;

/// Most instances one thread runs: a WASI program and the layer serving it.
const INSTANCES_PER_THREAD: usize = 2;

thread_local! {
    /// The signal flags of the instances this thread runs (null: none).
    static SIGNAL_FLAGS: Cell<[*const AtomicU32; INSTANCES_PER_THREAD]> =
        const { Cell::new([std::ptr::null(); INSTANCES_PER_THREAD]) };
}

/// Called by the native signal handler of the thread that received a signal
/// for a guest handler: raises the flags its running wasm tests.
fn wake() {
    store_flags(1);
}

/// Sets every flag of this thread: a plain thread-local read and atomic
/// stores, async-signal-safe.
fn store_flags(value: u32) {
    for flag in SIGNAL_FLAGS.get() {
        if !flag.is_null() {
            // SAFETY: a flag stays set here only while its store lives
            // (`SafePointFlags`), and flags are four-byte aligned page starts.
            unsafe { (*flag).store(value, Ordering::Release) };
        }
    }
}

/// Makes `instance`'s signal flag (if `prepare.rs` gave it one) this
/// thread's, for the lifetime of `_guard`, which must be dropped before the
/// store: the flag is the instance's memory.
pub(crate) fn arm_safe_points(_guard: &SafePointFlags, store: &mut Store<Host>, instance: &Instance) {
    let Some(memory) = instance.get_memory(&mut *store, SIGNAL_FLAG_EXPORT) else { return };
    let flag = memory.data_ptr(&*store).cast::<AtomicU32>().cast_const();
    let mut flags = SIGNAL_FLAGS.get();
    let free = flags.iter_mut().find(|f| f.is_null());
    debug_assert!(free.is_some(), "more than {INSTANCES_PER_THREAD} instances on one thread");
    if let Some(free) = free {
        *free = flag;
        SIGNAL_FLAGS.set(flags);
    }
}

/// While it lives, this thread's signal flags may be armed; dropping it
/// disarms them (before their store goes).
pub(crate) struct SafePointFlags(());

impl SafePointFlags {
    /// Made once on each thread that runs guest code, which from then on
    /// takes the guest's signals (`become_guest_thread`).
    pub(crate) fn new() -> SafePointFlags {
        signals::become_guest_thread();
        SafePointFlags(())
    }
}

impl Drop for SafePointFlags {
    fn drop(&mut self) {
        SIGNAL_FLAGS.set([std::ptr::null(); INSTANCES_PER_THREAD]);
    }
}

/// Sets up the process's signals; before the engine is created, so that
/// wasmtime's trap handlers pass on to Lamina's what is not a wasm trap.
pub(crate) fn init() {
    signals::init(wake);
}

/// Defines `lamina.safe_point`, which an instrumented module (`prepare.rs`)
/// calls when the signal counter moved: it runs the thread's waiting
/// handlers.
pub(crate) fn define_safe_point(linker: &mut Linker<Host>) -> Result<()> {
    linker.func_wrap(SAFE_POINT_IMPORT.0, SAFE_POINT_IMPORT.1, |mut caller: Caller<'_, Host>| {
        // Lowered first: a signal arriving meanwhile raises them again.
        store_flags(0);
        deliver(&mut caller).map(drop)
    })?;
    Ok(())
}

/// Runs this thread's waiting handlers, latest signal first (they nest in
/// the order they arrived). Returns `None` if there were none, else whether
/// the earliest (the one that interrupted a blocking call) has `SA_RESTART`.
#[inline]
pub(crate) fn deliver(cx: &mut impl AsContextMut<Data = Host>) -> Result<Option<bool>> {
    if !signals::has_deliveries() {
        return Ok(None);
    }
    let mut earliest = None;
    while let Some(d) = signals::take_delivery() {
        earliest = Some(d.action.flags & SA_RESTART != 0);
        run(cx, d)?;
    }
    Ok(earliest)
}

/// A wasm trap in a thread whose process has a handler for the signal a
/// native program would have received (`crash_signal`) runs that handler
/// first, in the trapping thread, with the wasm stack unwound. If it returns
/// the thread's error stays the trap (re-running the faulting instruction
/// would fault again, so the process dies of the signal, as a native program
/// whose handler returns into the fault would in the end); if it exits, or
/// traps in turn, that is what ends the thread.
pub(crate) fn after_trap(store: &mut Store<Host>, error: wasmtime::Error) -> wasmtime::Error {
    let Some(trap) = error.downcast_ref::<Trap>().copied() else { return error };
    let sig = crash_signal(trap);
    // SEGV_MAPERR, ILL_ILLOPN, FPE_INTDIV: what the same fault raises natively.
    let code = match sig {
        libc::SIGILL => 2,
        _ => 1,
    };
    let Some(d) = signals::trap_delivery(sig, code) else { return error };
    match run(store, d) {
        Ok(()) => error,
        Err(e) => e,
    }
}

/// `ucontext_t` of wasm32 musl: `uc_flags` u64 @0, `uc_link` @8, `uc_stack`
/// (12 bytes) @12, `uc_mcontext` (256 bytes) @24, `uc_sigmask` (128 bytes)
/// @280, then 512 bytes of floating-point state.
const UCONTEXT_SIZE: u32 = 920;
const UC_STACK: u32 = 12;
const UC_SIGMASK: u32 = 280;
const SIGINFO_SIZE: u32 = signals::SIGINFO_SIZE as u32;
/// Room below the stack pointer for a handler's context and `siginfo_t`.
const FRAME_SIZE: u32 = UCONTEXT_SIZE + SIGINFO_SIZE;

/// Calls one handler and ends its delivery.
fn run(cx: &mut impl AsContextMut<Data = Host>, d: Delivery) -> Result<()> {
    let mut cx = cx.as_context_mut();
    if let Some(tracer) = &cx.data().process.strace {
        tracer.signal(d.signo, d.code(), d.sender());
    }
    let func = handler(&mut cx, d.action.handler)?;
    let ty = func.ty(&cx);
    if ty.params().len() > 3 || !ty.params().all(|t| matches!(t, ValType::I32)) {
        return Err(Trap::BadSignature.into());
    }
    let mut results =
        ty.results().map(|t| Val::default_for_ty(&t)).collect::<Option<Vec<_>>>().ok_or(Trap::BadSignature)?;
    let stack_pointer = cx.data().stack_pointer;
    let saved_alt = signals::alt_stack();
    // As the kernel does, the frame is written whatever the handler takes.
    let frame = match stack_pointer {
        Some(global) => {
            let sp = global.get(&mut cx).unwrap_i32() as u32;
            let frame = Frame::new(sp, saved_alt, d.action.flags & SA_ONSTACK != 0)?;
            frame.write(&cx.data().memory, &d, saved_alt)?;
            global.set(&mut cx, Val::I32(frame.sp as i32))?;
            Some((global, sp, frame))
        }
        None => {
            cx.data().process.warn_once("signal-frame", || {
                "the module neither exports nor names its __stack_pointer (stripped of its name section?): \
                 signal handlers run on the normal stack, and SA_SIGINFO handlers get NULL siginfo and \
                 ucontext pointers"
                    .into()
            });
            None
        }
    };
    let outer_sp = signals::enter_handler(frame.as_ref().map_or(0, |(_, _, f)| f.sp));
    signals::disarm_alt_stack();
    let (info, context) = frame.as_ref().map_or((0, 0), |(_, _, f)| (f.info, f.context));
    let params = [Val::I32(d.signo), Val::I32(info as i32), Val::I32(context as i32)];
    func.call(&mut cx, &params[..ty.params().len()], &mut results)?;
    // What the handler left in its context is what `rt_sigreturn` restores.
    let (mask, alt) = match &frame {
        Some((_, _, f)) => f.read_back(&cx.data().memory)?,
        None => (d.restore_mask, saved_alt),
    };
    // Signals that arrived since interrupt the handler's last instruction.
    loop {
        deliver(&mut cx)?;
        if signals::finish_delivery(&d, mask) {
            break;
        }
    }
    // The kernel ignores a saved alternate stack it cannot restore (one
    // still in use).
    let _ = signals::set_alt_stack(alt);
    signals::leave_handler(outer_sp);
    if let Some((global, sp, _)) = frame {
        global.set(&mut cx, Val::I32(sp as i32))?;
    }
    Ok(())
}

/// `table[index]` of the thread's instance; a bad index is the trap a native
/// jump through a bad handler address would be.
fn handler(cx: &mut StoreContextMut<'_, Host>, index: u32) -> Result<wasmtime::Func> {
    let table = cx.data().table.ok_or_else(|| format_err!("the module has no function table for signal handlers"))?;
    let entry = table.get(&mut *cx, u64::from(index)).ok_or(Trap::TableOutOfBounds)?;
    Ok(entry.as_func().flatten().copied().ok_or(Trap::IndirectCallToNull)?)
}

/// Where a handler runs on the guest stack.
struct Frame {
    /// The handler's stack pointer.
    sp: u32,
    /// The addresses of its `siginfo_t` and `ucontext_t` (if written).
    info: u32,
    context: u32,
}

impl Frame {
    /// Below the current stack pointer, or at the top of the alternate stack
    /// for an `SA_ONSTACK` handler when the thread is not already on it (the
    /// kernel's choice), 16-byte aligned as the C ABI wants. A frame that
    /// does not fit is the fault the kernel turns into `SIGSEGV`.
    fn new(sp: u32, alt: AltStack, on_stack: bool) -> Result<Frame> {
        let top = if on_stack && alt.size != 0 && !alt.contains(sp) {
            alt.sp.checked_add(alt.size).ok_or(Trap::MemoryOutOfBounds)?
        } else {
            sp
        };
        let sp = (top.checked_sub(FRAME_SIZE).ok_or(Trap::MemoryOutOfBounds)?) & !15;
        Ok(Frame { sp, context: sp, info: sp + UCONTEXT_SIZE })
    }

    /// The kernel's `rt_sigframe` contents that a guest can read: the
    /// `siginfo_t` (signo, errno, code and the sender's fields; the rest
    /// zero), and a `ucontext_t` with the alternate stack settings and the
    /// mask to restore (machine state has no meaning in wasm: zero).
    fn write(&self, memory: &lamina_memory::GuestMemory, d: &Delivery, alt: AltStack) -> Result<()> {
        let info = signals::siginfo_bytes(d.info);
        let mut context = [0u8; UCONTEXT_SIZE as usize];
        let stack = [alt.sp.to_le_bytes(), alt.flags.to_le_bytes(), alt.size.to_le_bytes()].concat();
        context[UC_STACK as usize..][..12].copy_from_slice(&stack);
        context[UC_SIGMASK as usize..][..8].copy_from_slice(&d.restore_mask.to_le_bytes());
        let fault = |_| wasmtime::Error::from(Trap::MemoryOutOfBounds);
        memory.write_bytes(self.info, &info).map_err(fault)?;
        memory.write_bytes(self.context, &context).map_err(fault)
    }

    /// The mask and alternate stack the handler's context now holds.
    fn read_back(&self, memory: &lamina_memory::GuestMemory) -> Result<(u64, AltStack)> {
        let fault = |_| wasmtime::Error::from(Trap::MemoryOutOfBounds);
        let mask = memory.read::<u64>(self.context + UC_SIGMASK).map_err(fault)?;
        let [sp, flags, size] = memory.read::<[u32; 3]>(self.context + UC_STACK).map_err(fault)?;
        Ok((mask, AltStack { sp, flags: flags as i32, size }))
    }
}

/// The signal a native program would have died of for the same fault.
pub fn crash_signal(trap: Trap) -> i32 {
    match trap {
        // `__builtin_trap()` / `abort()` paths: `ud2` natively.
        Trap::UnreachableCodeReached => libc::SIGILL,
        Trap::IntegerDivisionByZero | Trap::IntegerOverflow | Trap::BadConversionToInteger => libc::SIGFPE,
        // Out-of-bounds accesses, null or mistyped indirect calls, stack
        // exhaustion and the rest are memory faults natively.
        _ => libc::SIGSEGV,
    }
}
