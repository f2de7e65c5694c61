//! The C ABIs `lamina cc` builds for. Both run over the same WALI imports;
//! they differ in the size of `long` (docs/toolchain.md):
//!
//! - `wali`: WALI's own, clang's `wasm32-linux-muslwali`: 64-bit `long`
//!   with 32-bit pointers;
//! - `ilp32`: `int`, `long` and pointers 32-bit, as C programs assume when
//!   they keep a `long` in a pointer; the C library gives the kernel
//!   structures WALI's 64-bit layouts.

use std::ffi::OsString;

/// A C ABI of the toolchain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abi {
    Wali,
    Ilp32,
}

/// The ABI of a command that does not choose one: the data model C
/// programs are written for.
pub const DEFAULT: Abi = Abi::Ilp32;

/// What a command says about the ABI, and the arguments to hand clang.
#[derive(Debug, PartialEq, Eq)]
pub struct Selection {
    pub abi: Abi,
    /// The command's arguments less those that chose the ABI: clang has no
    /// `-mabi=` for wasm32, and the driver sets the target itself.
    pub args: Vec<OsString>,
}

impl Abi {
    fn named(name: &str) -> Option<Abi> {
        match name {
            "wali" => Some(Abi::Wali),
            "ilp32" => Some(Abi::Ilp32),
            _ => None,
        }
    }

    /// The ABI a `--target` triple names: WALI's own triple, or the one whose
    /// `long` clang makes 32-bit.
    fn of_triple(triple: &str) -> Option<Abi> {
        match triple {
            "wasm32-linux-muslwali" | "wasm32-unknown-linux-muslwali" => Some(Abi::Wali),
            "wasm32-linux-musl" | "wasm32-unknown-linux-musl" => Some(Abi::Ilp32),
            _ => None,
        }
    }

    /// The ABI's name, as `-mabi=` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Abi::Wali => "wali",
            Abi::Ilp32 => "ilp32",
        }
    }

    /// The triple clang compiles C for (the last word of `-triple`), and
    /// the name of the sysroot's library directory for the ABI.
    pub fn triple(self) -> &'static str {
        match self {
            Abi::Wali => "wasm32-linux-muslwali",
            Abi::Ilp32 => "wasm32-unknown-linux-musl",
        }
    }

    /// The ABI `args` select, the last choice winning as in gcc: `-mabi=NAME`,
    /// or `--target=TRIPLE` / `-target TRIPLE` naming one of the ABIs'
    /// triples. Other targets are left to clang.
    pub fn select(args: &[OsString]) -> Result<Selection, String> {
        let mut abi = DEFAULT;
        let mut kept = Vec::with_capacity(args.len());
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].to_str().unwrap_or("");
            if let Some(name) = arg.strip_prefix("-mabi=") {
                abi = Abi::named(name)
                    .ok_or_else(|| format!("unknown C ABI in {arg} (wali or ilp32; see docs/toolchain.md)"))?;
            } else if let Some(chosen) = arg.strip_prefix("--target=").and_then(Abi::of_triple) {
                abi = chosen;
            } else if let Some(chosen) = (arg == "-target" || arg == "--target")
                .then(|| args.get(i + 1).and_then(|t| t.to_str()).and_then(Abi::of_triple))
                .flatten()
            {
                abi = chosen;
                i += 1;
            } else {
                kept.push(args[i].clone());
            }
            i += 1;
        }
        Ok(Selection { abi, args: kept })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(args: &[&str]) -> Result<(Abi, Vec<String>), String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        Abi::select(&args).map(|s| (s.abi, s.args.into_iter().map(|a| a.into_string().unwrap()).collect()))
    }

    #[test]
    fn mabi_and_the_triples_select_the_abi_and_leave_clang() {
        assert_eq!(select(&["-c", "a.c"]).unwrap(), (DEFAULT, vec!["-c".into(), "a.c".into()]));
        assert_eq!(select(&["-mabi=ilp32", "a.c"]).unwrap(), (Abi::Ilp32, vec!["a.c".into()]));
        assert_eq!(select(&["-mabi=ilp32", "-mabi=wali"]).unwrap().0, Abi::Wali, "the last one wins");
        assert_eq!(select(&["--target=wasm32-linux-muslwali"]).unwrap(), (Abi::Wali, vec![]));
        assert_eq!(
            select(&["-mabi=ilp32", "-target", "wasm32-linux-muslwali", "x.o"]).unwrap(),
            (Abi::Wali, vec!["x.o".into()])
        );
        assert_eq!(select(&["--target=wasm32-unknown-linux-musl"]).unwrap().0, Abi::Ilp32);
        let other = select(&["--target=x86_64-linux-gnu"]).unwrap();
        assert_eq!(other, (DEFAULT, vec!["--target=x86_64-linux-gnu".into()]), "not ours: clang's to refuse");
        assert!(select(&["-mabi=lp64"]).unwrap_err().contains("-mabi=lp64"));
    }
}
