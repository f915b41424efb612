//! idproof-pcsc: a `Transport` over PC/SC for desktop USB readers.
//!
//! Arrives with the Desktop issue. It is kept out of the mobile crates because the `pcsc`
//! crate's build script needs libpcsclite, which Android and iOS do not have.
