//! What the user can do next about a core error, named by the core and worded by each shell.
//!
//! Core messages say what happened and stop there; the command line words the way out with its
//! commands and flags (`mamori init`, `--format`), the window with its buttons and menus. Keeping
//! the advice apart from the message is what lets one error read right in both places.

use std::path::PathBuf;

/// A way out of an error, for a shell to put in its own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advice {
    /// There is no vault yet: create one (or use another path).
    CreateVault,
    /// A vault is already where one was to be created: move it or pick another path.
    ChooseAnotherPath,
    /// The vault is damaged and this backup of it opens: restore it.
    RestoreBackup(PathBuf),
    /// An empty password was given: a vault without a password is made another way.
    NoPasswordVault,
    /// The vault has a password and none was given.
    GiveVaultPassword,
    /// A Google Authenticator transfer code was given where one key was expected: import it.
    ImportTransferCode,
    /// The file's format could not be told: name it.
    NameTheFormat,
    /// The file to import is encrypted and no password was given.
    GiveFilePassword,
    /// The screens cannot be captured here: read the QR code from a screenshot or a file.
    ScanScreenshotInstead,
}

/// Errors that know a way out.
pub trait Advise {
    /// The way out of this error, if there is one.
    fn advice(&self) -> Option<Advice>;
}
