//! Windows builds only: embeds the app icon (`assets/icons/mamori.ico`), the application
//! manifest (`packaging/windows/mamori.manifest`: per-monitor v2 DPI awareness, common controls
//! v6, UTF-8 code page, asInvoker, no console when started from Explorer on Windows 11 24H2+)
//! and the version information into `mamori.exe`.
//!
//! On every other target this does nothing but tell cargo that only a change to this file makes
//! it run again, so Linux and macOS builds stay as fast as without it.
//!
//! The target is read from `CARGO_CFG_TARGET_OS` at run time, not with `cfg(windows)`: a build
//! script runs on the host, so a Linux host cross-checking for Windows must take this path too.

use std::env;
use std::path::Path;
use std::process::ExitCode;

/// The resources, relative to the package root.
const ICON: &str = "assets/icons/mamori.ico";
const MANIFEST: &str = "packaging/windows/mamori.manifest";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return ExitCode::SUCCESS;
    }
    println!("cargo:rerun-if-changed={ICON}");
    println!("cargo:rerun-if-changed={MANIFEST}");
    match embed_resources() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Usually a missing resource compiler: windres from mingw-w64 for the -gnu targets,
            // rc.exe from the Windows SDK (or llvm-rc when cross-building) for -msvc.
            eprintln!("mamori build.rs: could not embed the Windows resources: {error}");
            ExitCode::FAILURE
        }
    }
}

fn embed_resources() -> std::io::Result<()> {
    let root = env::var("CARGO_MANIFEST_DIR").map_err(std::io::Error::other)?;
    let path = |relative: &str| Path::new(&root).join(relative).display().to_string();
    let version = env::var("CARGO_PKG_VERSION").map_err(std::io::Error::other)?;

    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon(&path(ICON))
        .set_manifest_file(&path(MANIFEST))
        // 0x0409: US English, the language of the strings below.
        .set_language(0x0409)
        .set("ProductName", "Mamori")
        .set("FileDescription", "Mamori")
        .set("InternalName", "mamori")
        .set("OriginalFilename", "mamori.exe")
        .set("CompanyName", "The Mamori developers")
        .set(
            "LegalCopyright",
            "© The Mamori developers. MIT OR Apache-2.0",
        )
        .set("ProductVersion", &version)
        .set("FileVersion", &version);
    // Only the `mamori` binary: test and bench executables need no icon or manifest.
    resource.compile_for("mamori")
}
