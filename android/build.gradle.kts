// Android library: Kotlin API (org.idproof.nfc.IdProofReader over IsoDep), the platform-free
// driver loop (org.idproof.driver) and the uniffi bindings (org.idproof.ffi, generated at build
// time from the Rust library, never committed).
//
// Needs on the developer machine: Android SDK + NDK r28 or newer (16 KB-aligned .so by default),
// rustup targets aarch64-linux-android armv7-linux-androideabi x86_64-linux-android, and
// `cargo install cargo-ndk --version 4.1.2`. See README.md.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library") version "8.13.2"
    id("org.jetbrains.kotlin.android") version "2.4.20"
}

val repoRoot: File = rootDir.parentFile
val simulator = providers.gradleProperty("idproof.simulator").map { it.toBoolean() }.getOrElse(false)
val cargoFeatures = if (simulator) listOf("--features", "simulator") else emptyList()
val hostLibDir = repoRoot.resolve("target/debug")
val uniffiOut = layout.buildDirectory.dir("generated/uniffi/kotlin")
val jniLibsOut = layout.buildDirectory.dir("generated/jniLibs")

android {
    namespace = "org.idproof"
    compileSdk = 36
    ndkVersion = "28.2.13676358"

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    buildTypes {
        release {
            isMinifyEnabled = false // a library: apps minify, with consumer-rules.pro applied
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets {
        getByName("main") {
            kotlin.srcDir(uniffiOut)
            jniLibs.srcDir(jniLibsOut)
        }
    }
    packaging {
        // Keep the .so uncompressed and page-aligned in the APK (required for 16 KB devices).
        jniLibs.useLegacyPackaging = false
    }
    testOptions {
        unitTests.all {
            // JVM unit tests load the host build of the Rust library through JNA.
            it.systemProperty("jna.library.path", hostLibDir.absolutePath)
        }
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    // JNA as an AAR: it carries libjnidispatch.so for every Android ABI.
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")

    // Unit tests on the JVM: the jar flavour of JNA (desktop libjnidispatch).
    testImplementation("net.java.dev.jna:jna:5.17.0")
    testImplementation("junit:junit:4.13.2")
    testImplementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
}

// 1. Host library + Kotlin bindings (library mode: generated from the built library's metadata).
val cargoHostBuild by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine(listOf("cargo", "build", "--locked", "-p", "idproof-ffi", "-p", "uniffi-bindgen") + cargoFeatures)
}
val generateUniffiBindings by tasks.registering(Exec::class) {
    dependsOn(cargoHostBuild)
    workingDir = repoRoot
    outputs.dir(uniffiOut)
    commandLine(
        repoRoot.resolve("target/debug/uniffi-bindgen").absolutePath, "generate",
        hostLibDir.resolve("libidproof_ffi.so").absolutePath,
        "-l", "kotlin", "--no-format", "-o", uniffiOut.get().asFile.absolutePath,
    )
}

// 2. The Android .so files, one per ABI, in the jniLibs/<abi>/ layout (cargo-ndk 4.x).
//    NDK r28+ links with 16 KB page alignment by default; the explicit flag keeps older NDKs honest.
val cargoNdkBuild by tasks.registering(Exec::class) {
    workingDir = repoRoot
    outputs.dir(jniLibsOut)
    environment("RUSTFLAGS", "-C link-arg=-Wl,-z,max-page-size=16384")
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "24",
        "-o", jniLibsOut.get().asFile.absolutePath,
        "build", "--locked", "--release", "-p", "idproof-ffi",
    )
}

tasks.named("preBuild") { dependsOn(generateUniffiBindings, cargoNdkBuild) }
