//! idproof-ffi: the uniffi surface of idproof-core (Kotlin and Swift).
//!
//! Holds no logic: it converts types and catches panics at the boundary. The exports arrive
//! with the Mobile issue; until then this crate only proves the dependency direction builds.

/// The version of the core these bindings wrap.
pub fn core_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
