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
    EntityType, ExportKind, ExportSection, ImportSection, MemorySection, MemoryType, Module, SectionId,
};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};
use wasmtime::{Result, bail};

/// Import module and name under which the rewritten module imports its memory.
pub const MEMORY_IMPORT: (&str, &str) = ("lamina", "memory");
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
                        wasmparser::TypeRef::Table(_) => shape.has_table = true,
                        wasmparser::TypeRef::Global(g) => shape.mutable_i32_globals.push(mutable_i32(g)),
                        _ => {}
                    }
                }
            }
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

/// The interface of the module in the file at `path`, as far as its import
/// section tells before anything is compiled: a precompiled artifact, or a
/// file that cannot be read or parsed (which loading it will report), counts
/// as WALI.
pub fn file_interface(path: &std::path::Path) -> Interface {
    let Ok(bytes) = std::fs::read(path) else { return Interface::Wali };
    if !bytes.starts_with(b"\0asm") {
        return Interface::Wali;
    }
    inspect(&bytes).map_or(Interface::Wali, |shape| shape.interface)
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
pub fn prepare(bytes: &[u8]) -> Result<Vec<u8>> {
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
        export_table: shape.has_table,
        stack_pointer: shape.stack_pointer(),
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
}

impl Rewriter {
    fn add_memory_import(&self, imports: &mut ImportSection) {
        imports.import(MEMORY_IMPORT.0, MEMORY_IMPORT.1, EntityType::Memory(self.memory0));
    }

    fn add_exports(&self, exports: &mut ExportSection) {
        if self.export_table {
            exports.export(TABLE_EXPORT, ExportKind::Table, 0);
        }
        if let Some(global) = self.stack_pointer {
            exports.export(STACK_POINTER_EXPORT, ExportKind::Global, global);
        }
    }

    fn has_exports(&self) -> bool {
        self.export_table || self.stack_pointer.is_some()
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
        self.add_memory_import(imports);
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
            self.add_memory_import(&mut imports);
            module.section(&imports);
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
        let out = prepare(&wat(r#"(module
            (import "wali" "SYS_getpid" (func (result i64)))
            (memory 2 32768 shared)
            (table 3 3 funcref)
            (func $f (i32.store (i32.const 0) (i32.const 1)))
            (export "memory" (memory 0))
            (export "_start" (func $f)))"#))
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
        let out = prepare(&wat(r#"(module
            (global $__stack_pointer (mut i32) (i32.const 65536))
            (global $other (mut i32) (i32.const 0))
            (memory 1 1 shared))"#))
        .unwrap();
        let (_, exports) = imports_and_exports(&out);
        assert_eq!(exports, vec![(STACK_POINTER_EXPORT.to_string(), ExternalKind::Global, 0)]);
        // An immutable or missing `__stack_pointer` is not the C stack.
        let out = prepare(&wat(r#"(module (global $__stack_pointer i32 (i32.const 1)) (memory 1 1 shared))"#)).unwrap();
        assert!(imports_and_exports(&out).1.is_empty());
        let out = prepare(&wat(r#"(module (global $g (mut i32) (i32.const 1)) (memory 1 1 shared))"#)).unwrap();
        assert!(imports_and_exports(&out).1.is_empty());
    }

    #[test]
    fn modules_without_imports_or_exports_get_the_sections_they_need() {
        let out = prepare(&wat(r#"(module (memory 1 1 shared) (table 1 funcref) (func))"#)).unwrap();
        validate(&out).unwrap();
        let (imports, exports) = imports_and_exports(&out);
        assert_eq!(imports.len(), 1);
        assert_eq!(exports, vec![(TABLE_EXPORT.to_string(), ExternalKind::Table, 0)]);
    }

    #[test]
    fn problems_are_reported_plainly() {
        let err = prepare(b"\x7fELF....").unwrap_err().to_string();
        assert!(err.contains("not a WebAssembly module"), "{err}");
        let err = prepare(&wat("(module (memory 1))")).unwrap_err().to_string();
        assert!(err.contains("not shared"), "{err}");
        let err = prepare(&wat("(module)")).unwrap_err().to_string();
        assert!(err.contains("no memory"), "{err}");
        // `wat` does not validate: a body that leaves no result is caught here.
        let err = prepare(&wat("(module (memory 1 1 shared) (func (result i32)))")).unwrap_err().to_string();
        assert!(err.contains("invalid WebAssembly module") && err.contains("offset"), "{err}");
    }
}
