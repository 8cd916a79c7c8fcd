//! Workspace discovery: which folders are corpus roots (hold an `edition.toml`).
//!
//! Pure file-system reads, no LSP types; called off the async runtime.

use std::path::{Path, PathBuf};

/// The file that marks a corpus root.
pub const EDITION_FILE: &str = "edition.toml";

/// Folders never descended into.
const SKIPPED: &[&str] = &["target", "node_modules", ".git"];

/// Deepest folder level walked below a workspace folder (guards against huge trees).
const MAX_DEPTH: usize = 32;

/// Every folder at or below `base` that contains `edition.toml`, sorted.
/// Skips `target`, `node_modules` and `.git`; symbolic links to folders are not
/// followed (no cycles). Unreadable folders are skipped silently.
pub fn find_corpus_roots(base: &Path) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let mut stack = vec![(base.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if dir.join(EDITION_FILE).is_file() {
            roots.push(dir.clone());
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            if !ft.is_dir() {
                continue; // symlinks report as symlinks here, so they are not followed
            }
            let name = entry.file_name();
            if SKIPPED.iter().any(|s| name == *s) {
                continue;
            }
            stack.push((entry.path(), depth + 1));
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

/// The nearest folder at or above `file`'s folder that contains `edition.toml`.
pub fn find_enclosing_root(file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d.join(EDITION_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Of the known `roots`, the deepest one that contains `file`.
pub fn root_of<'a>(roots: &'a [PathBuf], file: &Path) -> Option<&'a PathBuf> {
    roots.iter().filter(|r| file.starts_with(r)).max_by_key(|r| r.components().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn discovery_skips_build_folders_and_finds_nested_roots() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        for dir in ["ed1", "ed1/vols", "group/ed2", "target/ed3", "node_modules/x", ".git/y", "plain"] {
            fs::create_dir_all(base.join(dir)).unwrap();
        }
        for root in ["ed1", "group/ed2", "target/ed3", "node_modules/x", ".git/y"] {
            fs::write(base.join(root).join(EDITION_FILE), "title = \"t\"\n").unwrap();
        }
        fs::write(base.join("ed1/vols/v1.md"), "# v\n").unwrap();
        let roots = find_corpus_roots(base);
        assert_eq!(roots, vec![base.join("ed1"), base.join("group/ed2")]);

        assert_eq!(find_enclosing_root(&base.join("ed1/vols/v1.md")), Some(base.join("ed1")));
        assert_eq!(find_enclosing_root(&base.join("plain/x.md")), None);
        assert_eq!(root_of(&roots, &base.join("group/ed2/a.md")), Some(&base.join("group/ed2")));
        assert_eq!(root_of(&roots, &base.join("plain/a.md")), None);
    }

    #[test]
    fn missing_base_is_empty() {
        assert!(find_corpus_roots(Path::new("/nonexistent/apparatus/base")).is_empty());
    }
}
