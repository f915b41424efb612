#!/usr/bin/env bash
# The test command of the README: every Rust test in the workspace.
# Suites that need pcscd, a JVM or the Swift chroot are driven by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cargo-select.sh
. "$(dirname "$0")/cargo-select.sh"
cargo test "${CARGO_SELECT[@]}" "$@"
