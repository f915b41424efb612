# shellcheck shell=bash
# The one package + feature selection that the test command and every CI step build with.
# Cargo compiles a crate once per distinct feature set, so a `cargo build -p idproof-ffi
# --features simulator` after `cargo test --workspace` rebuilt the whole crypto stack and the
# core (4 variants of each in one CI run, ~6 minutes on 2 cores). With one selection the later
# steps find everything built. `--tests` on a build keeps the dev-dependencies' features in the
# set, exactly as `cargo test` has them. Sourced, not run.
CARGO_SELECT=(--workspace --locked --features idproof-ffi/simulator)
