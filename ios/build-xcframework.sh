#!/usr/bin/env bash
# Builds IdProofFFI.xcframework and the generated Swift bindings for the IdProof package.
# macOS with Xcode and rustup only (xcodebuild, lipo). Run from anywhere:
#   ios/build-xcframework.sh              release build for apps
#   IDPROOF_SIMULATOR=1 ios/build-xcframework.sh   with the virtual passport (to run the package's tests)
# Produces (both git-ignored, regenerate after every change to bindings/):
#   ios/IdProofFFI.xcframework            ios-arm64 (device), ios-arm64_x86_64-simulator (lipo of the two sims)
#   ios/Sources/IdProof/Generated/IdProof.swift
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PROFILE=release
FEATURES=()
[ "${IDPROOF_SIMULATOR:-0}" = 1 ] && FEATURES=(--features simulator)
export IPHONEOS_DEPLOYMENT_TARGET=${IPHONEOS_DEPLOYMENT_TARGET:-15.0}

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios-sim)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
  # Static library only: the crate's cdylib would need a linker setup per target for nothing.
  cargo rustc --locked -p idproof-ffi --profile "$PROFILE" --target "$t" --lib --crate-type staticlib "${FEATURES[@]}"
done

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Bindings from the device library (uniffi metadata is the same for every target).
cargo run --locked -q -p uniffi-bindgen -- generate "$TARGET/aarch64-apple-ios/$PROFILE/libidproof_ffi.a" \
  -l swift --no-format -o "$OUT/gen"
mkdir -p "$OUT/headers" ios/Sources/IdProof/Generated
cp "$OUT/gen/IdProofFFI.h" "$OUT/headers/"
# An xcframework's headers need a module.modulemap named so (uniffi writes IdProofFFI.modulemap).
cp "$OUT/gen/IdProofFFI.modulemap" "$OUT/headers/module.modulemap"
cp "$OUT/gen/IdProof.swift" ios/Sources/IdProof/Generated/IdProof.swift

mkdir -p "$OUT/sim"
lipo -create \
  "$TARGET/aarch64-apple-ios-sim/$PROFILE/libidproof_ffi.a" \
  "$TARGET/x86_64-apple-ios-sim/$PROFILE/libidproof_ffi.a" \
  -output "$OUT/sim/libidproof_ffi.a"

rm -rf ios/IdProofFFI.xcframework
xcodebuild -create-xcframework \
  -library "$TARGET/aarch64-apple-ios/$PROFILE/libidproof_ffi.a" -headers "$OUT/headers" \
  -library "$OUT/sim/libidproof_ffi.a" -headers "$OUT/headers" \
  -output ios/IdProofFFI.xcframework
echo "built ios/IdProofFFI.xcframework and ios/Sources/IdProof/Generated/IdProof.swift"
