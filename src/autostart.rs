//! Start at login, hidden (`mamori gui --hidden`): the XDG autostart `.desktop` file on Linux,
//! a LaunchAgent plist on macOS, the `Run` key of the user's registry on Windows. Each entry
//! names the running executable (and the vault, when it is not the default one); turning the
//! setting off removes it. Whether it is on is read from the system, never remembered apart.

use std::path::{Path, PathBuf};

use crate::fsio::{IoAction, IoFailure};

/// The entries' name: the app id the desktop entry and the macOS bundle use.
pub const APP_ID: &str = "io.github.mamori.Mamori";
/// The value name under `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`.
pub const RUN_VALUE: &str = "Mamori";
/// The user's `Run` key.
pub const RUN_KEY: &str = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run";

/// Where this system keeps what starts at login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Autostart {
    /// A `.desktop` file in this folder (`~/.config/autostart`).
    XdgDir(PathBuf),
    /// A plist in this folder (`~/Library/LaunchAgents`).
    LaunchAgentsDir(PathBuf),
    /// The `Run` key, through `reg.exe`.
    WindowsRunKey,
}

/// What starts: the executable and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    /// The executable.
    pub exe: PathBuf,
    /// The vault, when it is not the default one.
    pub vault: Option<PathBuf>,
}

impl Launch {
    /// The arguments after the executable.
    pub fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(vault) = &self.vault {
            args.push("--vault".to_string());
            args.push(vault.display().to_string());
        }
        args.push("gui".to_string());
        args.push("--hidden".to_string());
        args
    }
}

impl Autostart {
    /// This system's place, if it has one Mamori knows.
    pub fn system() -> Option<Autostart> {
        if cfg!(windows) {
            Some(Autostart::WindowsRunKey)
        } else if cfg!(target_os = "macos") {
            let home = directories::BaseDirs::new()?.home_dir().to_path_buf();
            Some(Autostart::LaunchAgentsDir(
                home.join("Library/LaunchAgents"),
            ))
        } else {
            let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
            Some(Autostart::XdgDir(config.join("autostart")))
        }
    }

    /// The file the entry lives in (none for the registry).
    pub fn file(&self) -> Option<PathBuf> {
        match self {
            Autostart::XdgDir(dir) => Some(dir.join(format!("{APP_ID}.desktop"))),
            Autostart::LaunchAgentsDir(dir) => Some(dir.join(format!("{APP_ID}.plist"))),
            Autostart::WindowsRunKey => None,
        }
    }

    /// Whether Mamori starts at login now.
    pub fn is_enabled(&self) -> bool {
        match self {
            Autostart::WindowsRunKey => run_key_value().is_some(),
            _ => self.file().is_some_and(|f| f.is_file()),
        }
    }

    /// Writes (or, with `launch` `None`, removes) the entry.
    pub fn set(&self, launch: Option<&Launch>) -> Result<(), IoFailure> {
        match (self, launch) {
            (Autostart::WindowsRunKey, Some(launch)) => reg(&[
                "add",
                RUN_KEY,
                "/v",
                RUN_VALUE,
                "/t",
                "REG_SZ",
                "/d",
                &windows_command_line(launch),
                "/f",
            ]),
            (Autostart::WindowsRunKey, None) => {
                if run_key_value().is_none() {
                    return Ok(());
                }
                reg(&["delete", RUN_KEY, "/v", RUN_VALUE, "/f"])
            }
            (_, Some(launch)) => {
                let file = self.file().unwrap_or_default();
                let text = match self {
                    Autostart::LaunchAgentsDir(_) => launch_agent(launch),
                    _ => desktop_entry(launch),
                };
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| IoFailure::new(IoAction::CreateDir, dir, e))?;
                }
                crate::fsio::write_private(&file, ".mamori-autostart-", text.as_bytes())
            }
            (_, None) => {
                let file = self.file().unwrap_or_default();
                match std::fs::remove_file(&file) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        Err(IoFailure::new(IoAction::List, &file, e))
                    }
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Quotes one argument of a desktop entry's `Exec` key (Desktop Entry spec, "The Exec key").
fn exec_quote(arg: &str) -> String {
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    // Then the string-value escaping every key's value gets (a backslash is written twice).
    quoted.replace('\\', "\\\\").replace('%', "%%")
}

/// The XDG autostart entry (`~/.config/autostart/io.github.mamori.Mamori.desktop`).
pub fn desktop_entry(launch: &Launch) -> String {
    let mut exec = exec_quote(&launch.exe.display().to_string());
    for arg in launch.args() {
        exec.push(' ');
        exec.push_str(&exec_quote(&arg));
    }
    format!(
        "[Desktop Entry]\nType=Application\nName=Mamori\nComment=Two-factor codes, hidden until \
         the shortcut or the tray shows them\nExec={exec}\nIcon={APP_ID}\nTerminal=false\n\
         X-GNOME-Autostart-enabled=true\n"
    )
}

/// Escapes text for an XML element.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The macOS LaunchAgent (`~/Library/LaunchAgents/io.github.mamori.Mamori.plist`).
pub fn launch_agent(launch: &Launch) -> String {
    let mut args = format!(
        "    <string>{}</string>\n",
        xml_escape(&launch.exe.display().to_string())
    );
    for arg in launch.args() {
        args.push_str(&format!("    <string>{}</string>\n", xml_escape(&arg)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST \
         1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n\
         <dict>\n  <key>Label</key>\n  <string>{APP_ID}</string>\n  <key>ProgramArguments</key>\n\
         \x20 <array>\n{args}  </array>\n  <key>RunAtLoad</key>\n  <true/>\n</dict>\n</plist>\n"
    )
}

/// The `Run` value: the executable quoted, then the arguments (the vault path quoted).
pub fn windows_command_line(launch: &Launch) -> String {
    let mut line = format!("\"{}\"", launch.exe.display());
    for arg in launch.args() {
        if arg.contains(' ') || arg.contains('\\') {
            line.push_str(&format!(" \"{arg}\""));
        } else {
            line.push(' ');
            line.push_str(&arg);
        }
    }
    line
}

/// Runs `reg.exe` with `args`; its failure as an [`IoFailure`] on the key.
fn reg(args: &[&str]) -> Result<(), IoFailure> {
    let key = Path::new(RUN_KEY);
    let output = std::process::Command::new("reg")
        .args(args)
        .output()
        .map_err(|e| IoFailure::new(IoAction::Write, key, e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(IoFailure::new(
            IoAction::Write,
            key,
            std::io::Error::other(String::from_utf8_lossy(&output.stderr).trim().to_string()),
        ))
    }
}

/// The `Run` value Mamori wrote, if there is one.
pub fn run_key_value() -> Option<String> {
    if !cfg!(windows) {
        return None;
    }
    let output = std::process::Command::new("reg")
        .args(["query", RUN_KEY, "/v", RUN_VALUE])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    text.lines()
        .find_map(|l| l.split_once("REG_SZ").map(|(_, v)| v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch() -> Launch {
        Launch {
            exe: PathBuf::from("/opt/My Apps/mamori"),
            vault: Some(PathBuf::from("/home/a/50% \"work\"/$v.mamori")),
        }
    }

    #[test]
    fn the_desktop_entry_quotes_the_command_as_the_spec_says() {
        let text = desktop_entry(&launch());
        let exec = text.lines().find_map(|l| l.strip_prefix("Exec=")).unwrap();
        assert_eq!(
            exec,
            r#""/opt/My Apps/mamori" "--vault" "/home/a/50%% \\"work\\"/\\$v.mamori" "gui" "--hidden""#
        );
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"));
    }

    #[test]
    fn the_launch_agent_lists_each_argument() {
        let text = launch_agent(&Launch {
            exe: PathBuf::from("/Applications/Mamori.app/Contents/MacOS/mamori"),
            vault: None,
        });
        assert!(text.contains(
            "  <array>\n    <string>/Applications/Mamori.app/Contents/MacOS/mamori</string>\n    \
             <string>gui</string>\n    <string>--hidden</string>\n  </array>\n"
        ));
        assert!(text.contains("<key>RunAtLoad</key>\n  <true/>"));
        assert!(launch_agent(&launch()).contains("&quot;work&quot;"));
    }

    #[test]
    fn the_run_value_quotes_paths() {
        let line = windows_command_line(&Launch {
            exe: PathBuf::from(r"C:\Program Files\Mamori\mamori.exe"),
            vault: Some(PathBuf::from(r"D:\keys\vault.mamori")),
        });
        assert_eq!(
            line,
            r#""C:\Program Files\Mamori\mamori.exe" --vault "D:\keys\vault.mamori" gui --hidden"#
        );
    }

    #[test]
    fn turning_it_on_writes_the_file_and_off_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let place = Autostart::XdgDir(dir.path().join("autostart"));
        assert!(!place.is_enabled());
        place.set(Some(&launch())).unwrap();
        assert!(place.is_enabled());
        let written = std::fs::read_to_string(place.file().unwrap()).unwrap();
        assert_eq!(written, desktop_entry(&launch()));
        place.set(None).unwrap();
        assert!(!place.is_enabled());
        // Off when already off is not an error.
        place.set(None).unwrap();
    }
}
