//! Linux and the other Unixes: `/etc/mamori/policy.json`, trusted only when the file and its
//! folder are owned by root and writable by no one else. A file a user could have written is
//! not a policy: it is reported ([`Warning::NotTrusted`]) and ignored.

use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use super::{Loaded, TrustProblem, Warning};

/// The policy file. Fixed: no variable or flag points elsewhere.
pub const POLICY_FILE: &str = "/etc/mamori/policy.json";

/// The largest policy file read.
pub const MAX_POLICY_FILE: u64 = 64 * 1024;

/// Reads the policy at `path` (always [`POLICY_FILE`] outside tests).
pub fn load(path: &Path) -> Loaded {
    let shown = path.display().to_string();
    let untrusted = |why| Loaded {
        warnings: vec![Warning::NotTrusted {
            path: shown.clone(),
            why,
        }],
        ..Loaded::default()
    };
    let unreadable = |detail: String| Loaded {
        warnings: vec![Warning::Unreadable {
            path: shown.clone(),
            detail,
        }],
        ..Loaded::default()
    };
    // Opened first, then checked: the checks are about the file actually read.
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => return unreadable(e.to_string()),
    };
    let meta = match file.metadata() {
        Ok(meta) => meta,
        Err(e) => return unreadable(e.to_string()),
    };
    if let Some(why) = trust_problem(&meta, path.parent().and_then(|d| d.metadata().ok())) {
        return untrusted(why);
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_POLICY_FILE + 1).read_to_end(&mut bytes) {
        return unreadable(e.to_string());
    }
    if bytes.len() as u64 > MAX_POLICY_FILE {
        return unreadable(format!("larger than {MAX_POLICY_FILE} bytes"));
    }
    match super::json_values(&bytes) {
        Ok(values) => super::loaded(shown, values),
        Err(detail) => unreadable(detail),
    }
}

/// Why a file with `meta` in a folder with `folder` is not trusted, if it is not.
fn trust_problem(
    meta: &std::fs::Metadata,
    folder: Option<std::fs::Metadata>,
) -> Option<TrustProblem> {
    if !meta.is_file() {
        return Some(TrustProblem::NotAFile);
    }
    if meta.uid() != 0 {
        return Some(TrustProblem::FileOwner);
    }
    if meta.mode() & 0o022 != 0 {
        return Some(TrustProblem::FileWritable);
    }
    match folder {
        Some(dir) if dir.uid() == 0 && dir.mode() & 0o022 == 0 => None,
        _ => Some(TrustProblem::Folder),
    }
}
