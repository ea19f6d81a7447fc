//! The command line as `docs/cli.md` specifies it: clap definitions only, no behaviour.
//!
//! Help texts here are the English defaults; [`localized_command`] replaces them with the
//! catalogue's text (`help-<command>` and `help-<command>-<argument>`) in the user's language.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};

use mamori::i18n::{Lang, catalogue};

/// Mamori: one-time codes for two-factor login, from an encrypted vault.
#[derive(Debug, Parser)]
#[command(name = "mamori", version, about, max_term_width = 100)]
pub struct Cli {
    /// The vault file (default: vault.mamori in the per-user data folder).
    #[arg(long, global = true, env = "MAMORI_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Read the vault password from the first line of this file.
    #[arg(long, global = true, env = "MAMORI_PASSWORD_FILE", value_name = "PATH")]
    pub password_file: Option<PathBuf>,

    /// Language of messages: en or ja (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_name = "en|ja")]
    pub lang: Option<String>,

    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the vault, with a password or explicitly without one.
    Init(InitArgs),
    /// Print current codes, for a key URI or for accounts in the vault.
    Code(CodeArgs),
    /// List the accounts (no secrets), pinned ones first.
    List(ListArgs),
    /// Add an account from a key URI or a typed key.
    Add(AddArgs),
    /// Show the vault's activity log, newest first: created, unlocked, password changes,
    /// accounts added and removed, imports, exports, keys shown, restores.
    Log,
    /// Move one account to the trash (kept 30 days).
    Remove(RemoveArgs),
    /// Add or remove an account's tags.
    Tag(TagArgs),
    /// Pin an account (listed first) or unpin it.
    Pin(PinArgs),
    /// List the trash, restore an account from it, or empty it.
    Trash(TrashArgs),
    /// Change an account's issuer, name or note.
    Rename(RenameArgs),
    /// Set, change or remove the vault password.
    Passwd(PasswdArgs),
    /// Keep an account's one-time backup (recovery) codes.
    BackupCodes(BackupCodesArgs),
    /// List the vault's backups or make one of them the vault again.
    Restore(RestoreArgs),
    /// Find the QR codes in image files, on every screen, or in the clipboard.
    Scan(ScanArgs),
    /// Open the desktop window (also what `mamori` with no arguments does).
    Gui(GuiArgs),
    /// Import another authenticator's export or backup.
    Import(ImportArgs),
    /// Export the accounts (encrypted backup, Aegis, key URIs, QR codes).
    Export(ExportArgs),
    /// Check what makes codes fail or scans miss: the clock (against time servers), the
    /// vault file, screen capture and the clipboard. Exit 1 when the clock is more than 10 s
    /// off or the vault is unreadable or readable by other users; time servers that do not
    /// answer, no display or no clipboard are warnings only (exit 0).
    Doctor(DoctorArgs),
}

/// `mamori gui`.
#[derive(Debug, Default, Args)]
pub struct GuiArgs {
    /// Start with no window shown (the global hotkey, the tray or a second start shows it).
    #[arg(long)]
    pub hidden: bool,
    /// Show the quick pick of the running window (starting one, hidden, if none runs).
    #[arg(long)]
    pub quick_pick: bool,
}

/// `mamori init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Store the accounts without a password (anyone who copies the file can read them).
    #[arg(long)]
    pub no_password: bool,
}

/// `mamori code`.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Part of an issuer or account name (case-insensitive); all accounts when absent.
    #[arg(conflicts_with = "uri")]
    pub query: Option<String>,
    /// Compute the code for this otpauth:// URI without touching any vault.
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// Use this Unix time instead of the clock.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
}

/// Code types for `add --type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// Time-based.
    Totp,
    /// Counter-based.
    Hotp,
}

/// Algorithms for `add --algorithm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// HMAC-SHA-1.
    #[value(name = "SHA1", alias = "sha1")]
    Sha1,
    /// HMAC-SHA-256.
    #[value(name = "SHA256", alias = "sha256")]
    Sha256,
    /// HMAC-SHA-512.
    #[value(name = "SHA512", alias = "sha512")]
    Sha512,
}

/// `mamori add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The otpauth:// URI the service showed (as text or from its QR code).
    #[arg(long, value_name = "URI", conflicts_with_all = ["secret", "name", "issuer", "algorithm", "digits", "period", "kind", "counter"])]
    pub uri: Option<String>,
    /// The key in Base32; case, spaces, hyphens and padding are ignored, and so are a leading
    /// `secret=` and a trailing `&…` (the text between `secret=` and `&` copied from a setup
    /// page, with either end still attached).
    #[arg(
        long,
        value_name = "KEY",
        required_unless_present = "uri",
        requires = "name"
    )]
    pub secret: Option<String>,
    /// Account name at the service.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Service name.
    #[arg(long, value_name = "ISSUER")]
    pub issuer: Option<String>,
    /// HMAC algorithm.
    #[arg(long, value_enum, value_name = "SHA1|SHA256|SHA512")]
    pub algorithm: Option<AlgorithmArg>,
    /// Code length.
    #[arg(long, value_parser = clap::value_parser!(u8).range(6..=10), value_name = "6..10")]
    pub digits: Option<u8>,
    /// Seconds per code (TOTP).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), value_name = "SECONDS")]
    pub period: Option<u32>,
    /// totp (time-based, the default) or hotp (counter-based).
    #[arg(long = "type", value_enum, value_name = "totp|hotp")]
    pub kind: Option<TypeArg>,
    /// HOTP: the counter of the next code.
    #[arg(long, value_name = "N")]
    pub counter: Option<u64>,
    /// Add even if the same key is already in the vault.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// Use this Unix time for the code shown after adding.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
}

/// `mamori list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Part of an issuer, account name or tag (case-insensitive); all accounts when absent.
    pub query: Option<String>,
    /// Only the accounts with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

/// `mamori tag`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["add", "remove"])))]
pub struct TagArgs {
    /// Part of the issuer or account name, or the account id.
    pub query: String,
    /// Tags to add (several allowed).
    #[arg(long, value_name = "TAG", num_args = 1..)]
    pub add: Vec<String>,
    /// Tags to remove (several allowed).
    #[arg(long, value_name = "TAG", num_args = 1..)]
    pub remove: Vec<String>,
}

/// `mamori pin`.
#[derive(Debug, Args)]
pub struct PinArgs {
    /// Part of the issuer or account name, or the account id.
    pub query: String,
    /// Unpin instead.
    #[arg(long)]
    pub off: bool,
}

/// `mamori trash`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("action").args(["restore", "empty"])))]
pub struct TrashArgs {
    /// Put the account in the trash that matches back in the list.
    #[arg(long, value_name = "QUERY")]
    pub restore: Option<String>,
    /// Delete everything in the trash for good.
    #[arg(long)]
    pub empty: bool,
    /// Do not ask for confirmation when emptying.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `mamori remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Part of the issuer or account name, or the account id.
    pub query: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `mamori rename`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "issuer", "note"])))]
pub struct RenameArgs {
    /// Part of the issuer or account name, or the account id.
    pub query: String,
    /// New account name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// New issuer.
    #[arg(long, value_name = "ISSUER")]
    pub issuer: Option<String>,
    /// New note.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `mamori passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Read the new password from the first line of this file.
    #[arg(long, value_name = "PATH", conflicts_with = "remove")]
    pub new_password_file: Option<PathBuf>,
    /// Remove the password (the vault is then stored unencrypted).
    #[arg(long)]
    pub remove: bool,
    /// Do not ask for confirmation when removing the password.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Delete the backups made before this change (they open with the old password).
    #[arg(long)]
    pub purge_backups: bool,
}

/// `mamori backup-codes`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("action").args(["add_file", "use_code", "list"])))]
pub struct BackupCodesArgs {
    /// Part of the issuer or account name, or the account id.
    pub query: String,
    /// Add the codes in this file, one a line (- reads standard input).
    #[arg(long, value_name = "PATH")]
    pub add_file: Option<PathBuf>,
    /// Mark this code used.
    #[arg(long = "use", value_name = "CODE")]
    pub use_code: Option<String>,
    /// List every code with its used/unused state (default: only unused codes).
    #[arg(long)]
    pub list: bool,
}

/// `mamori restore`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["list", "from"])))]
pub struct RestoreArgs {
    /// List the backups, newest first.
    #[arg(long)]
    pub list: bool,
    /// Make this backup the vault (the current file is kept as …-replaced.mamori).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

/// `mamori scan`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("from").required(true).args(["images", "screen", "clipboard"])))]
pub struct ScanArgs {
    /// Image files to scan (PNG, JPEG, WebP, BMP, GIF).
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// Scan every screen.
    #[arg(long, conflicts_with_all = ["images", "clipboard"])]
    pub screen: bool,
    /// Scan the image (or the otpauth:// text) in the clipboard.
    #[arg(long, conflicts_with = "images")]
    pub clipboard: bool,
    /// Add the accounts found to the vault (skipping exact duplicates).
    #[arg(long)]
    pub add: bool,
}

/// `mamori import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export or backup file (or a QR code picture); - reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format; auto detects it from the content.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub format: String,
    /// Read the file's password from the first line of this file.
    #[arg(long, value_name = "PATH")]
    pub source_password_file: Option<PathBuf>,
    /// Show what would be imported without changing the vault.
    #[arg(long)]
    pub dry_run: bool,
}

/// Formats `mamori export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// A Mamori vault file under a password you choose.
    Mamori,
    /// otpauth:// key URIs, one a line (plain).
    Otpauth,
    /// Aegis JSON, encrypted (or plain with --plain).
    Aegis,
    /// One PNG QR code per account, into a folder (plain).
    Qr,
    /// Google Authenticator transfer QR codes (PNG), into a folder (plain).
    MigrationQr,
}

/// `mamori export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ExportFormatArg,
    /// The file to write (a folder for qr and migration-qr; - for standard output).
    #[arg(long, short = 'o', value_name = "PATH|-")]
    pub output: PathBuf,
    /// Replace an existing file (or write into an existing, non-empty folder).
    #[arg(long)]
    pub force: bool,
    /// Allow writing keys without encryption (otpauth, qr, migration-qr, aegis without password).
    #[arg(long)]
    pub plain: bool,
    /// Read the export's new password from the first line of this file.
    #[arg(long, value_name = "PATH")]
    pub target_password_file: Option<PathBuf>,
    /// Export only accounts with this tag; repeat for several (any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Export only accounts matching QUERY as `list QUERY` does (issuer, name, tag or id);
    /// repeat for several (any of them). With --tag, an account must match both.
    #[arg(long = "account", value_name = "QUERY")]
    pub accounts: Vec<String>,
}

/// `mamori doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Ask this time server (HOST or HOST:PORT, port 123 by default) instead of the ones in
    /// settings.json; repeat for several.
    #[arg(long = "time-server", value_name = "HOST[:PORT]")]
    pub time_servers: Vec<String>,
}

/// The clap command with every help text from the catalogue of `lang`.
pub fn localized_command(lang: Lang) -> clap::Command {
    let texts = catalogue(lang);
    let text = |key: String| texts.get(&key);
    let mut command = Cli::command();
    if let Some(about) = text("help-mamori".into()) {
        command = command.about(about);
    }
    command = command.mut_args(|arg| match text(format!("help-mamori-{}", arg.get_id())) {
        Some(help) => arg.help(help),
        None => arg,
    });
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            let mut sub = match text(format!("help-{name}")) {
                Some(about) => sub.about(about),
                None => sub,
            };
            sub = sub.mut_args(|arg| match text(format!("help-{name}-{}", arg.get_id())) {
                Some(help) => arg.help(help),
                None => arg,
            });
            sub
        });
    }
    command
}

/// Every (command, argument id) pair that has help text, for the catalogue test.
#[cfg(test)]
pub fn help_keys() -> Vec<String> {
    let command = Cli::command();
    let mut keys = vec!["help-mamori".to_string()];
    keys.extend(
        command
            .get_arguments()
            .filter(|a| a.get_id() != "help" && a.get_id() != "version")
            .map(|a| format!("help-mamori-{}", a.get_id())),
    );
    for sub in command.get_subcommands() {
        keys.push(format!("help-{}", sub.get_name()));
        keys.extend(
            sub.get_arguments()
                .filter(|a| a.get_id() != "help" && !a.is_global_set())
                .map(|a| format!("help-{}-{}", sub.get_name(), a.get_id())),
        );
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_has_help_in_both_languages() {
        for lang in [Lang::En, Lang::Ja] {
            let texts = catalogue(lang);
            let missing: Vec<String> = help_keys()
                .into_iter()
                .filter(|key| !texts.contains_key(key))
                .collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn japanese_help_is_used() {
        let help = localized_command(Lang::Ja).render_long_help().to_string();
        assert!(help.contains("保管庫"), "{help}");
        let mut command = localized_command(Lang::Ja);
        let add = command.find_subcommand_mut("add").unwrap();
        let help = add.render_long_help().to_string();
        assert!(help.contains("サービス名"), "{help}");
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
