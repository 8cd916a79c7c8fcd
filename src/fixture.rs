//! Fixtures for tests: several files in one string, and an optional cursor `$0`.
//!
//! ```text
//! //- /edition.toml
//! title = "T"
//! //- /persons.md
//! ## Byrnes, James F.
//! id: byrnes
//! //- /volume.md
//! ## A message
//! Text with a cursor$0 here.
//! ```
use std::path::{Path, PathBuf};

use crate::analysis::{Corpus, FileId};

pub const ROOT: &str = "/fixture";
pub const CURSOR: &str = "$0";

/// Default settings and register, used when a fixture names no `edition.toml`.
pub const EDITION: &str = "title = \"Fixture edition\"\nperiod = \"1941-06-22/1946-12-31\"\n";

pub struct Fixture {
    pub corpus: Corpus,
    /// The file and byte offset of the `$0` cursor, if the fixture has one.
    pub cursor: Option<(FileId, usize)>,
}

impl Fixture {
    /// Parses a fixture. Without `//- ` headers the whole text is `/fixture/volume.md`, and an
    /// `edition.toml` with the default period is added in any case unless the fixture has one.
    pub fn parse(text: &str) -> Fixture {
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        if text.starts_with("//- ") {
            for chunk in text.split("//- ").filter(|c| !c.is_empty()) {
                let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
                files.push((Path::new(ROOT).join(name.trim().trim_start_matches('/')), body.to_string()));
            }
        } else {
            files.push((Path::new(ROOT).join("volume.md"), text.to_string()));
        }
        if !files.iter().any(|(p, _)| p.ends_with("edition.toml")) {
            files.push((Path::new(ROOT).join("edition.toml"), EDITION.to_string()));
        }
        let mut cursor_at: Option<(PathBuf, usize)> = None;
        for (p, t) in &mut files {
            if let Some(i) = t.find(CURSOR) {
                t.replace_range(i..i + CURSOR.len(), "");
                cursor_at = Some((p.clone(), i));
            }
        }
        let corpus = Corpus::from_texts(Some(Path::new(ROOT)), files);
        let cursor = cursor_at.map(|(p, i)| (corpus.file_id(&p).expect("fixture file"), i));
        Fixture { corpus, cursor }
    }

    pub fn file(&self, name: &str) -> FileId {
        self.corpus.file_id(&Path::new(ROOT).join(name)).expect("no such fixture file")
    }

    /// The diagnostics of every file, one per line: `file:line:col code: message`, the
    /// quoted range after `|`.
    pub fn diagnostics(&self) -> String {
        let mut out = String::new();
        for (id, f) in self.corpus.files() {
            for d in self.corpus.diagnostics(id) {
                let (line, col) = line_col(&f.text, d.range.start());
                let name = f.path.strip_prefix(ROOT).unwrap_or(&f.path).display().to_string();
                out += &format!("{name}:{line}:{col} {}: {} | {:?}\n", d.code.as_str(), d.message, d.range.slice(&f.text));
            }
        }
        out
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
