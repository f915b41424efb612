//! `cargo run -p uniffi-bindgen -- generate <libidproof_ffi.so|.a|.dylib> -l kotlin -l swift -o OUT`
//!
//! Library mode: the bindings are generated from the metadata compiled into the built library,
//! so they always match its scaffolding. One host build serves both platforms.

fn main() {
    uniffi::uniffi_bindgen_main();
}
