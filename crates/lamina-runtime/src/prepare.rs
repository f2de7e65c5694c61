//! Module preparation: the load-time rewrite that lets wasmtime run WALI
//! modules as WALI expects.
//!
//! * WALI modules *define* their shared memory, but every thread of a guest
//!   process is a separate instance that must see the same memory. Wasmtime
//!   gives each instance of a defining module a fresh memory, so memory 0 is
//!   turned into an import (`lamina.memory`) with the same limits, and the
//!   runtime passes one `SharedMemory` to every instance.
//! * Signal handlers and thread entry points arrive as indices into function
//!   table 0, which toolchains do not export. Wasmtime can only reach exported
//!   tables, so table 0 is exported as [`TABLE_EXPORT`].
//! * Signal handlers run on the guest's stack in linear memory, whose top is
//!   the `__stack_pointer` global: the runtime lowers it to place a handler's
//!   `siginfo_t` and `ucontext_t`, and moves it to the alternate stack for
//!   `SA_ONSTACK` handlers. Toolchains name it in the name section, which
//!   `strip` removes, and rarely export it under its name (`lamina-cc`
//!   does), so it is exported as [`STACK_POINTER_EXPORT`].
//!
//! * Signal handlers must interrupt wasm that makes no calls (`for (;;);`).
//!   With [`SafePoints::Instrumented`], every path that repeats code (a
//!   branch back to a loop, a tail call, a throw) first tests a flag: word 0
//!   of a one-page memory the rewrite adds, exported as
//!   [`SIGNAL_FLAG_EXPORT`] and so one per instance, that is one per thread.
//!   The native signal handler sets the receiving thread's flag, and a set
//!   flag calls [`SAFE_POINT_IMPORT`], which runs the thread's handlers.
//!   Function entries need no test (a computation without loops or tail
//!   calls ends, or exhausts the stack), and the test is one load from a
//!   memory whose base Cranelift keeps out of the loop: on call-heavy code it
//!   costs a fraction of wasmtime's epoch checks.
//! * A WASI preview 1 program (imports from `wasi_snapshot_preview1`, none
//!   from `wali`) defines an ordinary, unshared memory. It becomes the same
//!   import, shared, with the declared limits (the wasm32 maximum if none):
//!   the runtime creates it and keeps a view of it for the WASI layer's
//!   calls on the program's memory (`link.rs`), which needs a memory that
//!   never moves and whose size can be read without the store.
//!
//! The module is validated first so that a broken file is reported in plain
//! words rather than as a compiler error.

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, BranchHint, BranchHints, CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    ImportSection, Instruction, MemArg, MemorySection, MemoryType, Module, SectionId, TypeSection,
};
use wasmparser::{Operator, Parser, Payload, Validator, WasmFeatures};
use wasmtime::{Result, bail};

pub use crate::engine::SafePoints;

/// Import module and name under which the rewritten module imports its memory.
pub const MEMORY_IMPORT: (&str, &str) = ("lamina", "memory");
/// The custom section of the branch-hinting proposal.
const BRANCH_HINTS_SECTION: &str = "metadata.code.branch_hint";

/// Export name of the memory whose first word is the instance's signal flag.
pub const SIGNAL_FLAG_EXPORT: &str = "__lamina_signal_flag";
/// The host function an instrumented safe point calls when the flag is set.
pub const SAFE_POINT_IMPORT: (&str, &str) = ("lamina", "safe_point");

/// Export name under which table 0 is made reachable.
pub const TABLE_EXPORT: &str = "__lamina_table0";
/// Export name under which the `__stack_pointer` global is made reachable.
pub const STACK_POINTER_EXPORT: &str = "__lamina_stack_pointer";

/// The features Lamina accepts, matching the engine's configuration.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::THREADS
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::GC_TYPES
        | WasmFeatures::CALL_INDIRECT_OVERLONG
        | WasmFeatures::BULK_MEMORY_OPT
}

/// The import module of WASI preview 1.
pub const WASI_PREVIEW1: &str = "wasi_snapshot_preview1";

/// The interface a module is written against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interface {
    Wali,
    /// Imports from `wasi_snapshot_preview1` and none from `wali`: run
    /// through Lamina's WASI layer.
    WasiPreview1,
}

/// What the first pass learned about a module.
struct Shape {
    interface: Interface,
    has_import_section: bool,
    has_export_section: bool,
    imported_memories: u32,
    defined_memories: u32,
    imported_functions: u32,
    /// Types in the type section (rec groups flattened).
    types: u32,
    defined_functions: u32,
    memory0: Option<wasmparser::MemoryType>,
    has_table: bool,
    /// Whether each global (imported ones first) is a mutable `i32`.
    mutable_i32_globals: Vec<bool>,
    /// The global the name section calls `__stack_pointer`, or the one
    /// exported under that name.
    named_stack_pointer: Option<u32>,
    exported_stack_pointer: Option<u32>,
}

impl Shape {
    /// The stack pointer global, if the module names one and it is a mutable
    /// `i32` as the C ABI's is.
    fn stack_pointer(&self) -> Option<u32> {
        self.exported_stack_pointer
            .or(self.named_stack_pointer)
            .filter(|&i| self.mutable_i32_globals.get(i as usize) == Some(&true))
    }
}

fn mutable_i32(ty: wasmparser::GlobalType) -> bool {
    ty.mutable && ty.content_type == wasmparser::ValType::I32
}

fn inspect(bytes: &[u8]) -> Result<Shape> {
    let (mut imports_wali, mut imports_wasi) = (false, false);
    let mut shape = Shape {
        interface: Interface::Wali,
        has_import_section: false,
        has_export_section: false,
        imported_memories: 0,
        defined_memories: 0,
        imported_functions: 0,
        types: 0,
        defined_functions: 0,
        memory0: None,
        has_table: false,
        mutable_i32_globals: Vec::new(),
        named_stack_pointer: None,
        exported_stack_pointer: None,
    };
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ImportSection(s) => {
                shape.has_import_section = true;
                for import in s.into_imports() {
                    let import = import?;
                    imports_wali |= import.module == "wali";
                    imports_wasi |= import.module == WASI_PREVIEW1;
                    match import.ty {
                        wasmparser::TypeRef::Memory(_) => shape.imported_memories += 1,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_) => {
                            shape.imported_functions += 1
                        }
                        wasmparser::TypeRef::Table(_) => shape.has_table = true,
                        wasmparser::TypeRef::Global(g) => shape.mutable_i32_globals.push(mutable_i32(g)),
                        _ => {}
                    }
                }
            }
            Payload::TypeSection(s) => {
                for group in s {
                    shape.types += group?.types().len() as u32;
                }
            }
            Payload::FunctionSection(s) => shape.defined_functions = s.count(),
            Payload::GlobalSection(s) => {
                for global in s {
                    shape.mutable_i32_globals.push(mutable_i32(global?.ty));
                }
            }
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    for name in names {
                        // A malformed name section is only a lost name.
                        let Ok(wasmparser::Name::Global(map)) = name else { continue };
                        for naming in map.into_iter().flatten() {
                            if naming.name == "__stack_pointer" {
                                shape.named_stack_pointer = Some(naming.index);
                            }
                        }
                    }
                }
            }
            Payload::MemorySection(s) => {
                shape.defined_memories = s.count();
                if let Some(m) = s.into_iter().next() {
                    shape.memory0.get_or_insert(m?);
                }
            }
            Payload::TableSection(s) => shape.has_table |= s.count() > 0,
            Payload::ExportSection(s) => {
                shape.has_export_section = true;
                for export in s {
                    let export = export?;
                    if export.kind == wasmparser::ExternalKind::Global && export.name == "__stack_pointer" {
                        shape.exported_stack_pointer = Some(export.index);
                    }
                }
            }
            _ => {}
        }
    }
    if imports_wasi && !imports_wali {
        shape.interface = Interface::WasiPreview1;
    }
    Ok(shape)
}

/// The interface of the module in `bytes` (a file's content), as far as its
/// import section tells before anything is compiled: a precompiled artifact,
/// or a file that cannot be parsed (which loading it will report), counts as
/// WALI.
pub fn file_interface(bytes: &[u8]) -> Interface {
    if !bytes.starts_with(b"\0asm") {
        return Interface::Wali;
    }
    inspect(bytes).map_or(Interface::Wali, |shape| shape.interface)
}

/// Checks that `bytes` is a valid module, describing any problem plainly.
pub fn validate(bytes: &[u8]) -> Result<()> {
    if !bytes.starts_with(b"\0asm") {
        bail!("not a WebAssembly module (it does not start with the `\\0asm` magic bytes)");
    }
    if let Err(e) = Validator::new_with_features(features()).validate_all(bytes) {
        bail!("invalid WebAssembly module: {} (at byte offset {:#x})", e.message(), e.offset());
    }
    Ok(())
}

/// Validates and rewrites a WALI module or a WASI program (see the module
/// documentation).
pub fn prepare(bytes: &[u8], safe_points: SafePoints) -> Result<Vec<u8>> {
    validate(bytes)?;
    let shape = inspect(bytes)?;
    let memory0 = match shape.interface {
        Interface::Wali => wali_memory(&shape)?,
        Interface::WasiPreview1 => wasi_memory(&shape)?,
    };
    let mut rewriter = Rewriter {
        memory0: RoundtripReencoder.memory_type(memory0)?,
        needs_import_section: !shape.has_import_section,
        needs_export_section: !shape.has_export_section,
        next_function: shape.imported_functions,
        branch_hints: BranchHints::new(),
        export_table: shape.has_table,
        stack_pointer: shape.stack_pointer(),
        safe_points: (safe_points == SafePoints::Instrumented && shape.defined_functions > 0).then(|| {
            Instrumentation {
                check_type: shape.types,
                safe_point: shape.imported_functions,
                slow_path: shape.imported_functions + 1 + shape.defined_functions,
                // Memory 0 became an import: the defined ones keep their
                // indices, and the flag's memory comes after them.
                flag_memory: shape.defined_memories,
            }
        }),
    };
    let mut module = Module::new();
    rewriter.parse_core_module(&mut module, Parser::new(0), bytes)?;
    Ok(module.finish())
}

fn wali_memory(shape: &Shape) -> Result<wasmparser::MemoryType> {
    if shape.imported_memories > 0 {
        bail!("the module imports its memory; WALI modules define their own (linked with --export-memory)");
    }
    let Some(memory0) = shape.memory0 else {
        bail!("the module has no memory; WALI modules define one shared memory");
    };
    if !memory0.shared {
        bail!("memory 0 is not shared; WALI modules are linked with --shared-memory (and -matomics -mbulk-memory)");
    }
    Ok(memory0)
}

/// A WASI program's memory 0, made shared (which a shared memory's
/// maximum requires) without changing what the program can do with it.
fn wasi_memory(shape: &Shape) -> Result<wasmparser::MemoryType> {
    if shape.imported_memories > 0 {
        bail!("the WASI program imports its memory; Lamina runs WASI programs that define their own");
    }
    let Some(memory0) = shape.memory0 else {
        bail!("the WASI program has no memory");
    };
    if memory0.memory64 {
        bail!("the WASI program has a 64-bit memory; WASI preview 1 programs are wasm32");
    }
    const WASM32_PAGES: u64 = 1 << 16;
    Ok(wasmparser::MemoryType { shared: true, maximum: Some(memory0.maximum.unwrap_or(WASM32_PAGES)), ..memory0 })
}

struct Rewriter {
    memory0: MemoryType,
    needs_import_section: bool,
    needs_export_section: bool,
    export_table: bool,
    stack_pointer: Option<u32>,
    safe_points: Option<Instrumentation>,
    /// The original index of the next function body to re-encode.
    next_function: u32,
    /// The safe points' hints (`metadata.code.branch_hint`), written at the
    /// end of the module.
    branch_hints: BranchHints,
}

/// Where the safe points' parts sit in the rewritten module's index spaces.
#[derive(Clone, Copy)]
struct Instrumentation {
    /// `(func)`, appended to the type section.
    check_type: u32,
    /// The imported [`SAFE_POINT_IMPORT`], after the module's own imported
    /// functions: defined functions move up by one.
    safe_point: u32,
    /// A function appended to the module's that records the count and calls
    /// the safe point. A check calls it rather than the import because
    /// Cranelift keeps an import's address and context in registers across
    /// the loop, for a call that almost never happens: a direct call needs
    /// neither, which leaves the loop's own values in registers.
    slow_path: u32,
    /// The signal flag's memory, after the module's own.
    flag_memory: u32,
}

/// The labels in scope at a point of a function body, innermost last: which
/// of them are loops, whose branches repeat code.
#[derive(Default)]
struct Labels(Vec<Label>);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    /// A loop taking no values, whose conditional branches can become `if`s.
    Loop,
    /// A loop with parameters (values the branch carries).
    LoopWithParams,
    Other,
}

/// Whether an instruction can start the same code again.
enum Repeats {
    No,
    Always,
    /// A `br_if` to a parameterless loop, at this depth: only when taken.
    IfTaken(u32),
}

impl Labels {
    fn target(&self, depth: u32) -> Label {
        // Beyond the blocks is the function's own label (a return).
        let index = self.0.len().checked_sub(1 + depth as usize);
        index.map_or(Label::Other, |i| self.0[i])
    }

    fn is_loop(&self, depth: u32) -> bool {
        self.target(depth) != Label::Other
    }

    fn repeats(&self, op: &Operator<'_>) -> Repeats {
        match *op {
            Operator::Br { relative_depth } if self.is_loop(relative_depth) => Repeats::Always,
            Operator::BrIf { relative_depth } => match self.target(relative_depth) {
                Label::Loop => Repeats::IfTaken(relative_depth),
                Label::LoopWithParams => Repeats::Always,
                Label::Other => Repeats::No,
            },
            Operator::BrTable { ref targets }
                if self.is_loop(targets.default())
                    || targets.targets().any(|t| t.is_ok_and(|depth| self.is_loop(depth))) =>
            {
                Repeats::Always
            }
            Operator::BrOnNull { relative_depth }
            | Operator::BrOnNonNull { relative_depth }
            | Operator::BrOnCast { relative_depth, .. }
            | Operator::BrOnCastFail { relative_depth, .. }
                if self.is_loop(relative_depth) =>
            {
                Repeats::Always
            }
            Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::Rethrow { .. } => Repeats::Always,
            _ => Repeats::No,
        }
    }

    /// Opens or closes the labels `op` does.
    fn follow(&mut self, op: &Operator<'_>) {
        match op {
            Operator::Loop { blockty: wasmparser::BlockType::FuncType(_) } => self.0.push(Label::LoopWithParams),
            Operator::Loop { .. } => self.0.push(Label::Loop),
            Operator::Block { .. } | Operator::If { .. } | Operator::Try { .. } | Operator::TryTable { .. } => {
                self.0.push(Label::Other)
            }
            Operator::End | Operator::Delegate { .. } => {
                self.0.pop();
            }
            _ => {}
        }
    }
}

impl Instrumentation {
    /// `if (signal_flag[0]) slow_path();`, leaving the operand stack as it
    /// found it. Atomic, so that no load is ever merged with an earlier one.
    /// The `if` is hinted as not taken: Cranelift then treats the call as
    /// cold, instead of keeping the loop's values in the few registers a
    /// call preserves (a tight loop's values would be spilled otherwise).
    fn check(&self, f: &mut Function, hints: &mut Vec<BranchHint>) {
        let flag = MemArg { offset: 0, align: 2, memory_index: self.flag_memory };
        f.instruction(&Instruction::I32Const(0)).instruction(&Instruction::I32AtomicLoad(flag));
        hints.push(BranchHint { branch_func_offset: f.byte_len() as u32, branch_hint_value: 0 });
        f.instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::Call(self.slow_path))
            .instruction(&Instruction::End);
    }

    fn slow_path_body(&self) -> Function {
        let mut f = Function::new([]);
        f.instruction(&Instruction::Call(self.safe_point)).instruction(&Instruction::End);
        f
    }
}

impl Rewriter {
    fn add_imports(&self, imports: &mut ImportSection) {
        imports.import(MEMORY_IMPORT.0, MEMORY_IMPORT.1, EntityType::Memory(self.memory0));
        if let Some(safe_points) = self.safe_points {
            imports.import(SAFE_POINT_IMPORT.0, SAFE_POINT_IMPORT.1, EntityType::Function(safe_points.check_type));
        }
    }

    fn add_exports(&self, exports: &mut ExportSection) {
        if self.export_table {
            exports.export(TABLE_EXPORT, ExportKind::Table, 0);
        }
        if let Some(global) = self.stack_pointer {
            exports.export(STACK_POINTER_EXPORT, ExportKind::Global, global);
        }
        if let Some(safe_points) = self.safe_points {
            exports.export(SIGNAL_FLAG_EXPORT, ExportKind::Memory, safe_points.flag_memory);
        }
    }

    fn has_exports(&self) -> bool {
        self.export_table || self.stack_pointer.is_some() || self.safe_points.is_some()
    }
}

/// Position of a section in the binary format's required order.
fn section_order(id: SectionId) -> u8 {
    match id {
        SectionId::Custom => 0,
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
    }
}

/// Whether a section with order `missing` belongs between `after` and `before`.
fn belongs_here(missing: SectionId, after: Option<SectionId>, before: Option<SectionId>) -> bool {
    let m = section_order(missing);
    after.is_none_or(|a| section_order(a) < m) && before.is_none_or(|b| section_order(b) > m)
}

impl Reencode for Rewriter {
    type Error = std::convert::Infallible;

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_import_section(self, imports, section)?;
        // Imported memories come first in the index space, so with no other
        // imported memory this one becomes memory 0, as the defined one was.
        self.add_imports(imports);
        Ok(())
    }

    /// Branch hints of the original code no longer match its offsets once
    /// checks are inserted (and the rewrite writes its own section).
    fn parse_custom_section(
        &mut self,
        module: &mut Module,
        section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        if self.safe_points.is_some() && section.name() == BRANCH_HINTS_SECTION {
            return Ok(());
        }
        reencode::utils::parse_custom_section(self, module, section)
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_type_section(self, types, section)?;
        if self.safe_points.is_some() {
            types.ty().function([], []);
        }
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_function_section(self, functions, section)?;
        if let Some(safe_points) = self.safe_points {
            functions.function(safe_points.check_type);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_code_section(self, code, section)?;
        if let Some(safe_points) = self.safe_points {
            code.function(&safe_points.slow_path_body());
        }
        Ok(())
    }

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<Self::Error>> {
        Ok(match self.safe_points {
            Some(s) if func >= s.safe_point => func + 1,
            _ => func,
        })
    }

    /// A check on every path that repeats: each branch back to a loop's
    /// start (not its header: C loops left on their first pass, such as a
    /// `goto retry`, then cost nothing), each tail call (a tail-recursive
    /// function loops without a `loop`) and each throw (a `catch` can branch
    /// back to a loop).
    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let Some(safe_points) = self.safe_points else {
            return reencode::utils::parse_function_body(self, code, func);
        };
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        let mut labels = Labels::default();
        let mut hints = Vec::new();
        while !reader.eof() {
            let op = reader.read()?;
            match labels.repeats(&op) {
                Repeats::No => {}
                Repeats::Always => safe_points.check(&mut f, &mut hints),
                Repeats::IfTaken(depth) => {
                    // `br_if L` as `if (then check; br L) end`: the `if` adds a
                    // label, so L is one further out.
                    f.instruction(&Instruction::If(BlockType::Empty));
                    safe_points.check(&mut f, &mut hints);
                    f.instruction(&Instruction::Br(depth + 1)).instruction(&Instruction::End);
                    labels.follow(&op);
                    continue;
                }
            }
            labels.follow(&op);
            f.instruction(&self.instruction(op)?);
        }
        code.function(&f);
        let index = self.function_index(self.next_function)?;
        self.next_function += 1;
        if !hints.is_empty() {
            self.branch_hints.function_hints(index, hints);
        }
        Ok(())
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        for memory in section.into_iter().skip(1) {
            memories.memory(self.memory_type(memory?)?);
        }
        if self.safe_points.is_some() {
            let page =
                MemoryType { minimum: 1, maximum: Some(1), memory64: false, shared: false, page_size_log2: None };
            memories.memory(page);
        }
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        if self.needs_import_section && belongs_here(SectionId::Import, after, before) {
            self.needs_import_section = false;
            let mut imports = ImportSection::new();
            self.add_imports(&mut imports);
            module.section(&imports);
        }
        if before.is_none() && !self.branch_hints.is_empty() {
            module.section(&std::mem::take(&mut self.branch_hints));
        }
        if self.needs_export_section && self.has_exports() && belongs_here(SectionId::Export, after, before) {
            self.needs_export_section = false;
            let mut exports = ExportSection::new();
            self.add_exports(&mut exports);
            module.section(&exports);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{ExternalKind, TypeRef};

    fn wat(src: &str) -> Vec<u8> {
        wat::parse_str(src).unwrap()
    }

    type Imports = Vec<(String, String, TypeRef)>;
    type Exports = Vec<(String, ExternalKind, u32)>;

    fn imports_and_exports(bytes: &[u8]) -> (Imports, Exports) {
        let (mut imports, mut exports) = (vec![], vec![]);
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.unwrap() {
                Payload::ImportSection(s) => {
                    for i in s.into_imports() {
                        let i = i.unwrap();
                        imports.push((i.module.to_string(), i.name.to_string(), i.ty));
                    }
                }
                Payload::ExportSection(s) => {
                    for e in s {
                        let e = e.unwrap();
                        exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                _ => {}
            }
        }
        (imports, exports)
    }

    #[test]
    fn defined_shared_memory_becomes_an_import_and_table_is_exported() {
        let out = prepare(
            &wat(r#"(module
            (import "wali" "SYS_getpid" (func (result i64)))
            (memory 2 32768 shared)
            (table 3 3 funcref)
            (func $f (i32.store (i32.const 0) (i32.const 1)))
            (export "memory" (memory 0))
            (export "_start" (func $f)))"#),
            SafePoints::Omitted,
        )
        .unwrap();
        validate(&out).unwrap();
        let (imports, exports) = imports_and_exports(&out);
        assert_eq!(imports.len(), 2);
        let (m, n, ty) = &imports[1];
        assert_eq!((m.as_str(), n.as_str()), MEMORY_IMPORT);
        let TypeRef::Memory(mt) = ty else { panic!("{ty:?}") };
        assert!(mt.shared);
        assert_eq!((mt.initial, mt.maximum), (2, Some(32768)));
        assert!(exports.contains(&("memory".into(), ExternalKind::Memory, 0)));
        assert!(exports.contains(&(TABLE_EXPORT.into(), ExternalKind::Table, 0)));
    }

    #[test]
    fn the_stack_pointer_is_exported_by_its_name() {
        let out = prepare(
            &wat(r#"(module
            (global $__stack_pointer (mut i32) (i32.const 65536))
            (global $other (mut i32) (i32.const 0))
            (memory 1 1 shared))"#),
            SafePoints::Omitted,
        )
        .unwrap();
        let (_, exports) = imports_and_exports(&out);
        assert_eq!(exports, vec![(STACK_POINTER_EXPORT.to_string(), ExternalKind::Global, 0)]);
        // An immutable or missing `__stack_pointer` is not the C stack.
        let out = prepare(
            &wat(r#"(module (global $__stack_pointer i32 (i32.const 1)) (memory 1 1 shared))"#),
            SafePoints::Omitted,
        )
        .unwrap();
        assert!(imports_and_exports(&out).1.is_empty());
        let out =
            prepare(&wat(r#"(module (global $g (mut i32) (i32.const 1)) (memory 1 1 shared))"#), SafePoints::Omitted)
                .unwrap();
        assert!(imports_and_exports(&out).1.is_empty());
    }

    #[test]
    fn modules_without_imports_or_exports_get_the_sections_they_need() {
        let out =
            prepare(&wat(r#"(module (memory 1 1 shared) (table 1 funcref) (func))"#), SafePoints::Omitted).unwrap();
        validate(&out).unwrap();
        let (imports, exports) = imports_and_exports(&out);
        assert_eq!(imports.len(), 1);
        assert_eq!(exports, vec![(TABLE_EXPORT.to_string(), ExternalKind::Table, 0)]);
    }

    #[test]
    fn problems_are_reported_plainly() {
        let err = prepare(b"\x7fELF....", SafePoints::Omitted).unwrap_err().to_string();
        assert!(err.contains("not a WebAssembly module"), "{err}");
        let err = prepare(&wat("(module (memory 1))"), SafePoints::Omitted).unwrap_err().to_string();
        assert!(err.contains("not shared"), "{err}");
        let err = prepare(&wat("(module)"), SafePoints::Omitted).unwrap_err().to_string();
        assert!(err.contains("no memory"), "{err}");
        // `wat` does not validate: a body that leaves no result is caught here.
        let err = prepare(&wat("(module (memory 1 1 shared) (func (result i32)))"), SafePoints::Omitted)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid WebAssembly module") && err.contains("offset"), "{err}");
    }

    /// Instantiates `src` prepared with safe points, `n` times in one store;
    /// the safe point counts its calls in the store and lowers the caller's
    /// flag, as Lamina's lowers its thread's.
    fn instrumented(src: &str, n: usize) -> (wasmtime::Store<u32>, Vec<wasmtime::Instance>) {
        let engine = crate::engine::new_engine(&Default::default()).unwrap();
        let module = wasmtime::Module::new(&engine, prepare(&wat(src), SafePoints::Instrumented).unwrap()).unwrap();
        let mut store = wasmtime::Store::new(&engine, 0u32);
        let mut linker = wasmtime::Linker::new(&engine);
        let memory = wasmtime::SharedMemory::new(&engine, wasmtime::MemoryType::shared(1, 1)).unwrap();
        linker.define(&store, MEMORY_IMPORT.0, MEMORY_IMPORT.1, memory).unwrap();
        linker.func_wrap("wali", "SYS_getpid", || 42i64).unwrap();
        linker
            .func_wrap(SAFE_POINT_IMPORT.0, SAFE_POINT_IMPORT.1, |mut caller: wasmtime::Caller<'_, u32>| {
                *caller.data_mut() += 1;
                let flag = caller.get_export(SIGNAL_FLAG_EXPORT).unwrap().into_memory().unwrap();
                flag.write(&mut caller, 0, &[0; 4]).unwrap();
            })
            .unwrap();
        let instances = (0..n).map(|_| linker.instantiate(&mut store, &module).unwrap()).collect();
        (store, instances)
    }

    fn raise_flag(store: &mut wasmtime::Store<u32>, instance: &wasmtime::Instance) {
        let flag = instance.get_memory(&mut *store, SIGNAL_FLAG_EXPORT).unwrap();
        flag.write(&mut *store, 0, &1u32.to_le_bytes()).unwrap();
    }

    /// Calls `name(arg)` once with the flag lowered and once raised: the
    /// results, and how many safe points ran the second time.
    fn call_both_ways(src: &str, name: &str, arg: i32) -> (i32, i32, u32) {
        let (mut store, instances) = instrumented(src, 1);
        let instance = &instances[0];
        let f = instance.get_typed_func::<i32, i32>(&mut store, name).unwrap();
        let quiet = f.call(&mut store, arg).unwrap();
        assert_eq!(*store.data(), 0, "{name}: a safe point ran with the flag lowered");
        raise_flag(&mut store, instance);
        let flagged = f.call(&mut store, arg).unwrap();
        (quiet, flagged, *store.data())
    }

    const LOOPS: &str = r#"(module
        (import "wali" "SYS_getpid" (func $getpid (result i64)))
        (memory 1 1 shared)
        (memory $second 1)
        (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
            (loop $l
                (local.set $acc (i32.add (local.get $acc) (local.get $n)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $l (local.get $n)))
            (local.get $acc))
        (func (export "sum_twice") (param $n i32) (result i32)
            (i32.add (call $sum (local.get $n)) (call $sum (local.get $n))))
        (func $count_down (export "count_down") (param $n i32) (result i32)
            (if (result i32) (local.get $n)
                (then (return_call $count_down (i32.sub (local.get $n) (i32.const 1))))
                (else (i32.wrap_i64 (call $getpid)))))
        (func (export "table_loop") (param $n i32) (result i32)
            (block $done
                (loop $l
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br_table $l $done (i32.eqz (local.get $n)))))
            (i32.store $second (i32.const 8) (i32.const 5))
            (i32.load $second (i32.const 8)))
        (func (export "once") (param $n i32) (result i32)
            (loop $retry (result i32)
                (br_if $retry (i32.const 0))
                (local.get $n))))"#;

    #[test]
    fn safe_points_run_on_every_repeating_path_and_change_nothing_else() {
        // A branch back to a loop; the same function reached through a call
        // (function indices moved up by one for the import).
        assert_eq!(call_both_ways(LOOPS, "sum", 5), (15, 15, 1));
        assert_eq!(call_both_ways(LOOPS, "sum_twice", 5), (30, 30, 1));
        // A tail call, and a call to an import (whose index did not move).
        assert_eq!(call_both_ways(LOOPS, "count_down", 3), (42, 42, 1));
        // A br_table back to a loop; a memory of the module's own beside
        // the flag's.
        assert_eq!(call_both_ways(LOOPS, "table_loop", 4), (5, 5, 1));
        // A loop left on its first pass has no safe point to reach.
        assert_eq!(call_both_ways(LOOPS, "once", 9), (9, 9, 0));
    }

    #[test]
    fn each_instance_has_its_own_signal_flag() {
        // Lamina runs each thread as an instance: a signal for one thread
        // must not stop the others.
        let (mut store, instances) = instrumented(LOOPS, 2);
        raise_flag(&mut store, &instances[0]);
        let sum = instances[1].get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
        assert_eq!((sum.call(&mut store, 5).unwrap(), *store.data()), (15, 0));
        let sum = instances[0].get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
        assert_eq!((sum.call(&mut store, 5).unwrap(), *store.data()), (15, 1));
    }

    #[test]
    fn every_check_is_hinted_not_taken_at_its_if() {
        let out = prepare(&wat(LOOPS), SafePoints::Instrumented).unwrap();
        let (mut bodies, mut hinted) = (Vec::new(), Vec::new());
        let mut imported = 0;
        for payload in Parser::new(0).parse_all(&out) {
            match payload.unwrap() {
                Payload::ImportSection(s) => {
                    imported = s.into_imports().filter(|i| matches!(i.as_ref().unwrap().ty, TypeRef::Func(_))).count()
                }
                Payload::CodeSectionEntry(body) => {
                    let range = body.range();
                    bodies.push(out[range.start..range.end].to_vec());
                }
                Payload::CustomSection(c) if c.name() == BRANCH_HINTS_SECTION => {
                    let wasmparser::KnownCustom::BranchHints(reader) = c.as_known() else { panic!() };
                    for function in reader {
                        let function = function.unwrap();
                        for hint in function.hints {
                            let hint = hint.unwrap();
                            hinted.push((function.func, hint.func_offset, hint.taken));
                        }
                    }
                }
                _ => {}
            }
        }
        // One check in each function with a loop or tail call (in `once`, on
        // the branch back that is never taken).
        assert_eq!(hinted.len(), 4, "{hinted:?}");
        for (func, offset, taken) in hinted {
            assert!(!taken);
            let body = &bodies[func as usize - imported];
            assert_eq!(body[offset as usize], 0x04, "function {func}: no `if` at offset {offset}");
        }
    }

    #[test]
    fn without_safe_points_nothing_is_added() {
        let out = prepare(&wat(LOOPS), SafePoints::Omitted).unwrap();
        let (imports, exports) = imports_and_exports(&out);
        assert!(imports.iter().all(|(m, n, _)| (m.as_str(), n.as_str()) != SAFE_POINT_IMPORT));
        assert!(exports.iter().all(|(n, _, _)| n != SIGNAL_FLAG_EXPORT));
    }
}
