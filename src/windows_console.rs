//! Windows: one `mamori.exe` serves both the window and the command line.
//!
//! The binary stays a console-subsystem program, so in cmd, PowerShell or Windows Terminal the
//! shell waits for it, `%ERRORLEVEL%` / `$LASTEXITCODE` carry the exit codes, output goes where
//! it is redirected and the password prompt reads the same console. A GUI-subsystem binary with
//! `AttachConsole` would avoid any console window but loses all of that: the shell prompt
//! returns at once and races the program for input and output.
//!
//! What remains is the window started from Explorer or the Start menu:
//! - Windows 11 24H2 and later honour `consoleAllocationPolicy = detached` in the embedded
//!   manifest (`packaging/windows/mamori.manifest`) and create no console at all.
//! - Older Windows create one; [`hide_own_console`] detaches from it straight away, so it shows
//!   only for a moment.

use windows_sys::Win32::System::Console::{FreeConsole, GetConsoleProcessList};

/// With no arguments (the window), detaches from a console that exists only for this process,
/// which is what Explorer and the Start menu create for a console program on Windows before
/// 11 24H2. A console shared with a shell (started from a terminal) is kept, as are consoles
/// when arguments are given: the command line prints and prompts there.
#[allow(unsafe_code)]
pub fn hide_own_console() {
    if std::env::args_os().nth(1).is_some() {
        return;
    }
    let mut processes = [0u32; 2];
    // SAFETY: the pointer and the length describe `processes`, a live, writable array of two
    // u32 on this stack frame; GetConsoleProcessList writes at most that many entries and
    // returns how many processes share the console (0 when there is none). FreeConsole takes no
    // arguments and only detaches this process; later writes to the old standard handles fail
    // with ERROR_INVALID_HANDLE, which the standard library treats as a closed stream.
    unsafe {
        let count = GetConsoleProcessList(processes.as_mut_ptr(), processes.len() as u32);
        if count == 1 {
            FreeConsole();
        }
    }
}
