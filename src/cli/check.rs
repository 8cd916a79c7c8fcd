//! `apparatus check [PATH]`: every problem of a corpus, as rustc and ruff print them, as
//! JSON, or as GitHub workflow annotations.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::{corpus::find_root, Corpus, Diagnostic, FileId, Severity};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, the source line and a caret, a summary.
    Human,
    /// An array of objects: path, range (0-based lines, UTF-16 characters), severity, code, message.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The corpus root (a folder with edition.toml), a folder inside it, or one volume.
    #[arg(default_value = "corpus")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: CheckArgs) -> i32 {
    let (corpus, only) = match load(&args.path) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let base = std::env::current_dir().unwrap_or_default();
    let report = Report::new(&corpus, only, &base);
    let out = match args.format {
        Format::Human => report.human(),
        Format::Json => report.json(),
        Format::Github => report.github(),
    };
    print!("{out}");
    report.exit_code()
}

/// Loads the corpus that `path` names or lies in; for a single file, also its id.
pub fn load(path: &Path) -> Result<(Corpus, Option<PathBuf>), String> {
    if !path.exists() {
        return Err(format!("`{}` does not exist; give the corpus folder (the one with edition.toml) or a volume", path.display()));
    }
    let path = path.canonicalize().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let root = find_root(&path).unwrap_or_else(|| if path.is_dir() { path.clone() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() });
    if path.is_file() && find_root(&path).is_none() {
        let text = std::fs::read(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&text).into_owned();
        return Ok((Corpus::from_texts(None, vec![(path.clone(), text)]), Some(path)));
    }
    let corpus = Corpus::load(&root).map_err(|e| e.to_string())?;
    let only = path.is_file().then_some(path.clone());
    if let Some(p) = &only {
        if corpus.file_id(p).is_none() {
            return Err(format!("`{}` is not a volume of the corpus at `{}` (only `*.md` files are)", p.display(), root.display()));
        }
    }
    // A folder inside the corpus: report the files below it.
    let only = only.or_else(|| (path != root).then(|| path.clone()));
    Ok((corpus, only))
}

struct Located {
    path: String,
    diagnostic: Diagnostic,
    /// 0-based line, and column in characters (human) and UTF-16 units (JSON).
    start: (usize, usize, usize),
    end: (usize, usize, usize),
    line_text: String,
}

pub struct Report {
    items: Vec<Located>,
    files: usize,
}

/// Line starts of a text, for turning byte offsets into lines and columns.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }
    /// 0-based line, column in characters, column in UTF-16 units.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let prefix = text.get(self.starts[line]..offset).unwrap_or("");
        (line, prefix.chars().count(), prefix.encode_utf16().count())
    }
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}

impl Report {
    pub fn new(corpus: &Corpus, only: Option<PathBuf>, base: &Path) -> Report {
        let files: Vec<(FileId, &std::sync::Arc<crate::analysis::File>)> = corpus
            .files()
            .filter(|(_, f)| only.as_ref().is_none_or(|o| f.path.starts_with(o)))
            .collect();
        let mut per_file: Vec<(String, Vec<Located>)> = files
            .par_iter()
            .map(|&(id, f)| {
                let shown = f.path.strip_prefix(base).unwrap_or(&f.path).display().to_string();
                let index = LineIndex::new(&f.text);
                let items = corpus
                    .diagnostics(id)
                    .into_iter()
                    .map(|d| {
                        let start = index.locate(&f.text, d.range.start());
                        let end = index.locate(&f.text, d.range.end());
                        Located { path: shown.clone(), line_text: index.line(&f.text, start.0).to_string(), diagnostic: d, start, end }
                    })
                    .collect();
                (shown, items)
            })
            .collect();
        per_file.sort_by(|a, b| a.0.cmp(&b.0));
        Report { files: per_file.len(), items: per_file.into_iter().flat_map(|(_, v)| v).collect() }
    }

    pub fn exit_code(&self) -> i32 {
        i32::from(self.items.iter().any(|l| l.diagnostic.severity == Severity::Error))
    }

    pub fn human(&self) -> String {
        let mut out = String::new();
        for l in &self.items {
            let d = &l.diagnostic;
            let _ = writeln!(out, "{}:{}:{}: {}[{}]: {}", l.path, l.start.0 + 1, l.start.1 + 1, d.severity.as_str(), d.code.as_str(), d.message);
            let number = (l.start.0 + 1).to_string();
            let pad = " ".repeat(number.len());
            let (shown, caret_at, caret_len) = excerpt(&l.line_text, l.start.1, if l.end.0 == l.start.0 { l.end.1 } else { l.line_text.chars().count() });
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {shown}");
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(caret_len.max(1)));
            out.push('\n');
        }
        out += &self.summary();
        out
    }

    fn summary(&self) -> String {
        let mut by_code: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
        let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
        for l in &self.items {
            *by_code.entry((l.diagnostic.severity, l.diagnostic.code.as_str())).or_default() += 1;
            *by_severity.entry(l.diagnostic.severity).or_default() += 1;
        }
        let files = if self.files == 1 { "1 file".to_string() } else { format!("{} files", self.files) };
        if self.items.is_empty() {
            return format!("Checked {files}: no problems found.\n");
        }
        let counts: Vec<String> = by_severity
            .iter()
            .map(|(s, n)| {
                let name = match s {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Information => "info",
                    Severity::Hint => "hint",
                };
                format!("{n} {name}{}", if *n == 1 || name == "info" { "" } else { "s" })
            })
            .collect();
        let mut out = format!("Checked {files}: {}.\n", counts.join(", "));
        for ((severity, code), n) in by_code {
            let _ = writeln!(out, "  {n:>5}  {code} ({})", severity.as_str());
        }
        out
    }

    pub fn json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|l| {
                serde_json::json!({
                    "path": l.path,
                    "range": {
                        "start": {"line": l.start.0, "character": l.start.2},
                        "end": {"line": l.end.0, "character": l.end.2},
                    },
                    "severity": l.diagnostic.severity.as_str(),
                    "code": l.diagnostic.code.as_str(),
                    "message": l.diagnostic.message,
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        s
    }

    pub fn github(&self) -> String {
        let mut out = String::new();
        for l in &self.items {
            let d = &l.diagnostic;
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "notice",
            };
            let _ = writeln!(
                out,
                "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&l.path),
                l.start.0 + 1,
                l.start.1 + 1,
                l.end.0 + 1,
                l.end.1 + 1,
                escape_property(d.code.as_str()),
                escape_data(&d.message)
            );
        }
        out
    }
}

/// The part of a long line around a range (paragraphs of a volume are single lines of
/// thousands of characters): the shown text, where the caret starts and how long it is.
fn excerpt(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    const BEFORE: usize = 40;
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    let end = end.clamp(start, chars.len());
    let from = start.saturating_sub(BEFORE);
    let to = (end.max(from + WIDTH)).min(chars.len()).min(end.max(start + 1) + WIDTH);
    let to = to.max(end);
    let mut shown = String::new();
    let mut caret_at = start - from;
    if from > 0 {
        shown.push('…');
        caret_at += 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    // Tabs would misplace the caret.
    let shown = shown.replace('\t', " ");
    (shown, caret_at, end - start)
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Fixture, ROOT};

    fn report(fixture: &str) -> Report {
        let f = Fixture::parse(fixture);
        Report::new(&f.corpus, None, Path::new(ROOT))
    }

    const FIXTURE: &str = "//- /persons.md\n## Byrnes, James\nid: byrnes\nnames: Byrnes\n//- /volume.md\n## A 🎉\nid: a\n\n🎉 Пример, Moscow,³ then.[^2]\n";

    #[test]
    fn human_output() {
        expect_test::expect![[r#"
            volume.md:4:18: warning[legacy-footnote]: OCR superscript note number `³` left in the text; write it as a marker `[^3]` and give it a note `[^3]: …`
              |
            4 | 🎉 Пример, Moscow,³ then.[^2]
              |                  ^

            volume.md:4:25: error[footnote-undefined]: marker `[^2]` has no note in this message; add a definition `[^2]: …` below the message's text, or remove the marker
              |
            4 | 🎉 Пример, Moscow,³ then.[^2]
              |                         ^^^^

            Checked 3 files: 1 error, 1 warning.
                  1  footnote-undefined (error)
                  1  legacy-footnote (warning)
        "#]]
        .assert_eq(&report(FIXTURE).human());
        assert_eq!(report(FIXTURE).exit_code(), 1);
    }

    #[test]
    fn json_output_counts_utf16() {
        let json: serde_json::Value = serde_json::from_str(&report(FIXTURE).json()).unwrap();
        // 🎉 is two UTF-16 units: the marker starts at character 25 in UTF-16, 24 in chars.
        assert_eq!(json[1]["range"]["start"], serde_json::json!({"line": 3, "character": 25}));
        assert_eq!(json[1]["range"]["end"], serde_json::json!({"line": 3, "character": 29}));
        assert_eq!(json[1]["code"], "footnote-undefined");
        assert_eq!(json[1]["severity"], "error");
        assert_eq!(json[1]["path"], "volume.md");
    }

    #[test]
    fn github_output_escapes() {
        let out = report("## A\nid: a\n\nText,[^1]\n").github();
        assert_eq!(out, "::error file=volume.md,line=4,col=6,endLine=4,endColumn=10,title=footnote-undefined::marker `[^1]` has no note in this message; add a definition `[^1]: …` below the message's text, or remove the marker\n");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
    }

    #[test]
    fn long_lines_are_cut_around_the_range() {
        let line = format!("{}target{}", "a".repeat(300), "b".repeat(300));
        let (shown, at, len) = excerpt(&line, 300, 306);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().skip(at).take(len).collect::<String>(), "target");
        let clean = report("## A\nid: a\n\nNo problems here.\n");
        assert_eq!(clean.human(), "Checked 2 files: no problems found.\n");
        assert_eq!(clean.exit_code(), 0);
    }
}
