// swift-tools-version:5.9
// IdProof: read and verify ICAO 9303 eMRTDs (passports, ID cards) over CoreNFC, with the Rust
// idproof core behind uniffi-generated Swift bindings. Build the binary target first:
// `./build-xcframework.sh` (macOS, Xcode). See README.md.
import PackageDescription

#if os(Linux)
// Linux (CI's Swift tests): the Rust library is a system library; .ci/test-swift generates the
// header next to module.modulemap and passes the library directory to the linker.
let ffi: Target = .systemLibrary(name: "IdProofFFI", path: "Sources/IdProofFFI")
#else
// Apple platforms: the static library + header of each platform, from build-xcframework.sh.
let ffi: Target = .binaryTarget(name: "IdProofFFI", path: "IdProofFFI.xcframework")
#endif

let package = Package(
    name: "IdProof",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "IdProof", targets: ["IdProof"]),
    ],
    targets: [
        ffi,
        // The hand-written reader (Sources/IdProof/*.swift) and the generated bindings
        // (Sources/IdProof/Generated/IdProof.swift, written by build-xcframework.sh; not committed).
        .target(name: "IdProof", dependencies: ["IdProofFFI"], path: "Sources/IdProof"),
        // Needs bindings generated from a build with the `simulator` feature (VirtualPassport).
        .testTarget(name: "IdProofTests", dependencies: ["IdProof"], path: "Tests/IdProofTests"),
    ]
)
