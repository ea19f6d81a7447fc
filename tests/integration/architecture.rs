//! The arrows of `docs/architecture.md` §2, enforced: every `crate::` and `mamori::` path in
//! `src/` is checked against the list there, so a new dependency between parts is a change to
//! the document first. (The compile-time check that the library needs no shell crate is
//! `cargo check --lib --no-default-features` in `.ci/test`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `part → a, b, c` lines of the ```arrows block.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let block = doc
        .split("```arrows\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/architecture.md has an ```arrows block");
    block
        .lines()
        .filter_map(|line| line.split_once('→'))
        .map(|(from, to)| {
            let to = to
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty() && t != "(nothing)")
                .collect();
            (from.trim().to_string(), to)
        })
        .collect()
}

/// The part a source file belongs to: its first path component under `src/`.
fn part(relative: &Path) -> String {
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_use_between_parts_is_an_arrow_of_the_architecture() {
    let allowed = allowed();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let from = part(relative);
        if from == "lib" || from == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // A module's own unit tests may use any part (a test of `uri` checks codes with `otp`).
        let text = text
            .split("\n#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for prefix in ["crate::", "mamori::"] {
                for (at, _) in line.match_indices(prefix) {
                    let before = line[..at].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let to: String = line[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::localized_error!` is the i18n macro; `crate::` in the binary is
                    // the binary's own tree (main, cli, gui).
                    let to = if to == "localized_error" {
                        "i18n".into()
                    } else {
                        to
                    };
                    if to.is_empty() || to == from {
                        continue;
                    }
                    let ok = allowed.get(&from).is_some_and(|set| set.contains(&to));
                    if !ok {
                        wrong.push(format!("{} uses {to}", relative.display()));
                    }
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "uses that docs/architecture.md §2 does not allow (add the arrow there, or remove the \
         use):\n  {}",
        wrong.join("\n  ")
    );
    // Every part named in the document exists, so the list cannot drift from the tree.
    for part in allowed.keys() {
        let exists = src.join(format!("{part}.rs")).is_file() || src.join(part).is_dir();
        assert!(
            exists,
            "docs/architecture.md names a part `{part}` that src/ does not have"
        );
    }
}
