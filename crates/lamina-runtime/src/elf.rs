//! What running a native program takes, read from its ELF headers: the
//! dynamic loader the kernel executes with it and the shared libraries the
//! loader then reads. The sandbox grants exactly these files for each
//! `--allow-exec` program, and refuses to execute a shared library (the
//! loader is one: it runs any ELF file named on its command line, past the
//! sandbox's list).
//!
//! Only the host's format is read (64-bit little-endian, x86-64); any other
//! file is taken as having no dependencies. Every read is bounded: the file
//! a guest executes is the guest's choice.

use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_SONAME: u64 = 14;
const DT_RPATH: u64 = 15;
const DT_RUNPATH: u64 = 29;

/// Longest path, program header table and dynamic section read.
const MAX_READ: usize = 64 * 1024;

/// The dynamic linking facts of one ELF file.
#[derive(Debug, Default, PartialEq)]
struct Dynamic {
    /// `PT_INTERP`: the loader the kernel starts the program with.
    interpreter: Option<PathBuf>,
    /// `DT_NEEDED` names, in order.
    needed: Vec<String>,
    /// `DT_RUNPATH`, else `DT_RPATH`: directories searched first.
    search: Vec<String>,
    /// Whether it names itself (`DT_SONAME`): a shared library.
    soname: bool,
}

fn read_at(file: &File, offset: u64, len: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0; len.min(MAX_READ)];
    file.read_exact_at(&mut buf, offset).ok()?;
    Some(buf)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// A NUL-terminated string at `offset` in the file.
fn string_at(file: &File, offset: u64) -> Option<String> {
    let mut buf = vec![0; 4096];
    let n = file.read_at(&mut buf, offset).ok()?;
    let end = buf[..n].iter().position(|&c| c == 0)?;
    String::from_utf8(buf[..end].to_vec()).ok()
}

/// One program header: type, file offset, virtual address, size in the file.
struct Segment {
    kind: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
}

fn dynamic_of(file: &File) -> Option<Dynamic> {
    let header = read_at(file, 0, 64)?;
    // 64-bit, little-endian ELF.
    if !header.starts_with(b"\x7fELF\x02\x01") {
        return None;
    }
    let (phoff, phentsize, phnum) = (u64_at(&header, 0x20)?, u16_at(&header, 0x36)? as usize, u16_at(&header, 0x38)?);
    if phentsize < 56 {
        return None;
    }
    let table = read_at(file, phoff, phentsize * phnum as usize)?;
    let segments: Vec<Segment> = table
        .chunks_exact(phentsize)
        .map(|p| {
            Some(Segment { kind: u32_at(p, 0)?, offset: u64_at(p, 8)?, vaddr: u64_at(p, 16)?, filesz: u64_at(p, 32)? })
        })
        .collect::<Option<_>>()?;
    let mut found = Dynamic::default();
    if let Some(interp) = segments.iter().find(|s| s.kind == PT_INTERP) {
        found.interpreter = Some(string_at(file, interp.offset)?.into());
    }
    let Some(dynamic) = segments.iter().find(|s| s.kind == PT_DYNAMIC) else { return Some(found) };
    let entries = read_at(file, dynamic.offset, usize::try_from(dynamic.filesz).ok()?)?;
    let entries: Vec<(u64, u64)> = entries
        .chunks_exact(16)
        .map(|e| (u64_at(e, 0).unwrap_or(DT_NULL), u64_at(e, 8).unwrap_or(0)))
        .take_while(|&(tag, _)| tag != DT_NULL)
        .collect();
    // The string table's address, as a file offset through the segment
    // loading it.
    let strtab = entries.iter().find(|(tag, _)| *tag == DT_STRTAB).and_then(|&(_, addr)| {
        segments
            .iter()
            .find(|s| s.kind == PT_LOAD && s.vaddr <= addr && addr - s.vaddr < s.filesz)
            .map(|s| addr - s.vaddr + s.offset)
    });
    let string = |offset: u64| strtab.and_then(|base| string_at(file, base.checked_add(offset)?));
    let mut rpath = vec![];
    for &(tag, value) in &entries {
        match tag {
            DT_NEEDED => found.needed.extend(string(value)),
            DT_SONAME => found.soname = true,
            DT_RUNPATH => found.search = string(value).map(|s| split_path(&s)).unwrap_or_default(),
            DT_RPATH => rpath = string(value).map(|s| split_path(&s)).unwrap_or_default(),
            _ => {}
        }
    }
    if found.search.is_empty() {
        found.search = rpath;
    }
    Some(found)
}

fn split_path(list: &str) -> Vec<String> {
    list.split(':').filter(|d| !d.is_empty()).map(String::from).collect()
}

/// Whether the open file is a shared library (it has a `DT_SONAME`), not a
/// program.
pub(crate) fn is_shared_library(file: &File) -> bool {
    dynamic_of(file).is_some_and(|d| d.soname)
}

/// The files the kernel and the dynamic loader open to run `program`
/// besides the program itself: its loader (which the kernel executes) and
/// every shared library it needs, found as the loader finds them (the
/// object's run path, the directories of `/etc/ld.so.conf`, the default
/// ones). Libraries not found are left out: the loader reports them when
/// the program runs.
pub(crate) fn program_dependencies(program: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
    let Some(dynamic) = File::open(program).ok().and_then(|f| dynamic_of(&f)) else { return (None, vec![]) };
    let interpreter = dynamic.interpreter.clone();
    let system = system_library_dirs();
    let mut libraries: Vec<PathBuf> = vec![];
    let mut seen = BTreeSet::new();
    let mut pending = vec![(program.to_path_buf(), dynamic)];
    while let Some((object, dynamic)) = pending.pop() {
        let dirs = search_dirs(&object, &dynamic.search, &system);
        for name in &dynamic.needed {
            let found = if name.contains('/') {
                Some(PathBuf::from(name))
            } else {
                dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
            };
            let Some(library) = found else { continue };
            if !seen.insert(library.clone()) {
                continue;
            }
            if let Some(next) = File::open(&library).ok().and_then(|f| dynamic_of(&f)) {
                pending.push((library.clone(), next));
            }
            libraries.push(library);
        }
    }
    (interpreter, libraries)
}

/// Where the loader looks for the libraries `object` needs: its own run
/// path (`$ORIGIN` being the object's directory), then the system's.
fn search_dirs(object: &Path, run_path: &[String], system: &[PathBuf]) -> Vec<PathBuf> {
    let origin = object.parent().unwrap_or(Path::new("/")).to_string_lossy().into_owned();
    run_path
        .iter()
        .map(|d| PathBuf::from(d.replace("${ORIGIN}", &origin).replace("$ORIGIN", &origin)))
        .chain(system.iter().cloned())
        .collect()
}

/// The directories `/etc/ld.so.conf` names (following its `include`s),
/// then the loader's built-in ones.
fn system_library_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![];
    read_ld_so_conf(Path::new("/etc/ld.so.conf"), &mut dirs, 0);
    for d in ["/lib64", "/usr/lib64", "/lib", "/usr/lib"] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

fn read_ld_so_conf(conf: &Path, dirs: &mut Vec<PathBuf>, depth: usize) {
    let Ok(text) = std::fs::read_to_string(conf) else { return };
    for line in text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
        let Some(pattern) = line.strip_prefix("include").map(str::trim) else {
            dirs.push(PathBuf::from(line));
            continue;
        };
        // The one pattern shape ld.so.conf uses: DIR/*SUFFIX.
        let pattern = Path::new(pattern);
        let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name().and_then(|n| n.to_str())) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut included: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let file = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                match name.split_once('*') {
                    Some((prefix, suffix)) => file.starts_with(prefix) && file.ends_with(suffix),
                    None => file == name,
                }
            })
            .collect();
        included.sort();
        if depth < 8 {
            for conf in included {
                read_ld_so_conf(&conf, dirs, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dynamic_program_needs_its_loader_and_the_c_library() {
        let (interpreter, libraries) = program_dependencies(Path::new("/bin/true"));
        let interpreter = interpreter.expect("/bin/true is dynamically linked");
        assert!(interpreter.is_file(), "{interpreter:?}");
        assert!(libraries.iter().any(|l| l.ends_with("libc.so.6") && l.is_file()), "{libraries:?}");
        // The loader and libc are libraries; the program is not.
        assert!(is_shared_library(&File::open(&interpreter).unwrap()));
        assert!(!is_shared_library(&File::open("/bin/true").unwrap()));
    }

    #[test]
    fn libraries_are_found_through_the_run_path_and_the_libraries_they_need() {
        // ls needs libselinux, which needs libpcre2: every library a found
        // library needs is found as well.
        let (_, libraries) = program_dependencies(Path::new("/bin/ls"));
        assert!(libraries.iter().any(|l| l.ends_with("libpcre2-8.so.0")), "{libraries:?}");
        for library in &libraries {
            let (_, needed) = program_dependencies(library);
            for n in needed {
                assert!(libraries.contains(&n), "{n:?} (needed by {library:?}) is missing from {libraries:?}");
            }
        }
        let run_path = ["$ORIGIN/../lib".to_string(), "${ORIGIN}".into(), "/opt/x".into()];
        assert_eq!(
            search_dirs(Path::new("/opt/app/bin/tool"), &run_path, &[PathBuf::from("/lib")]),
            ["/opt/app/bin/../lib", "/opt/app/bin", "/opt/x", "/lib"].map(PathBuf::from)
        );
    }

    #[test]
    fn files_that_are_not_elf_or_are_truncated_have_no_dependencies() {
        let dir = std::env::temp_dir().join(format!("lamina-elf-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let whole = std::fs::read("/bin/true").unwrap();
        for (name, bytes) in [("script", b"#!/bin/sh\n".to_vec()), ("short", whole[..100].to_vec()), ("empty", vec![])]
        {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(program_dependencies(&path), (None, vec![]), "{name}");
            assert!(!is_shared_library(&File::open(&path).unwrap()), "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
