//! Gives the compile cache the identity of the module rewrite: an artifact
//! compiled from what `prepare.rs` produced must not be reused once that code
//! changed, and a development build keeps the same version number (the
//! engine's own settings are in wasmtime's compatibility hash already).

fn main() {
    const SOURCE: &str = "src/prepare.rs";
    println!("cargo:rerun-if-changed={SOURCE}");
    let text = std::fs::read(SOURCE).expect("the module rewrite's source");
    // FNV-1a: stable across compilers and builds, which is all a cache key needs.
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    println!("cargo:rustc-env=LAMINA_PREPARE_HASH={hash:016x}");
}
