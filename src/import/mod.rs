//! The importer: raw transcriptions (the conventions of `seeds/`) → corpus volumes.
//!
//! Each convention has its own module; all of them produce [`Message`]s, which
//! [`render_volume`] writes in the corpus format (front matter, `# ` groups, `## ` messages,
//! metadata block, body, footnote definitions). `docs/import.md` lists every transformation.

mod frus;
mod ocr;
mod persons;
mod plain;
mod web;
mod word;

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::syntax::dates::{date_only_line, scan_text_dates, DateLineKind, TextDate, Ymd};

/// A convention of raw transcription, detected or named with `--convention`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// A document exported from Word: title line `Note from X to Y, date`, footnotes as
    /// `[footnoteRef:1]` markers with inline bodies `[1: text]` (or none at all).
    WordExport,
    /// The web text of a printed US series (FRUS): record number, glued note numbers,
    /// endnote list numbered from 1, `[Page N]` markers.
    FrusWeb,
    /// A web-archive page in Markdown (Wilson Center): bold header fields.
    WebArchive,
    /// An OCR'd printed book (Red Star Press): caps headings, `Sent on` lines, closing
    /// date lines, superscript note numbers, stray page numbers, hyphenation.
    OcrBook,
    /// Anything else: the first line is the title, the rest the body, unchanged.
    Plain,
}

impl Convention {
    pub const ALL: [Convention; 5] = [
        Convention::WordExport,
        Convention::FrusWeb,
        Convention::WebArchive,
        Convention::OcrBook,
        Convention::Plain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Convention::WordExport => "word-export",
            Convention::FrusWeb => "frus-web",
            Convention::WebArchive => "web-archive",
            Convention::OcrBook => "ocr-book",
            Convention::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<Convention> {
        Convention::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl std::fmt::Display for Convention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn parse_convention(s: &str) -> Result<Convention, String> {
    Convention::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Convention::ALL.iter().map(|c| c.name()).collect();
        format!("unknown convention `{s}`; use one of: {}", names.join(", "))
    })
}

/// One document of a volume, before ids are assigned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    /// The `# ` group this message belongs to (opened when it changes).
    pub group: Option<String>,
    /// The `## ` heading (one line).
    pub title: String,
    /// An id base chosen by the convention (otherwise built from date, from and to).
    pub id_hint: Option<String>,
    pub date: Option<String>,
    pub sent: Option<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub lang: Option<String>,
    /// Body lines; `""` is a blank line.
    pub body: Vec<String>,
    /// Footnote definitions (label, text); text lines after the first become indented.
    pub notes: Vec<(String, String)>,
}

impl Message {
    /// `YYYY-MM-DD-from-to` from what the message states; without a date, what there is.
    pub fn id_base(&self) -> String {
        if let Some(h) = &self.id_hint {
            return h.clone();
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = self.date.as_ref().or(self.sent.as_ref()) {
            parts.push(d.clone());
        }
        parts.extend(self.from.iter().cloned());
        parts.extend(self.to.iter().cloned());
        if self.from.is_empty() && self.to.is_empty() {
            parts.push(slug(self.kind.as_deref().unwrap_or("message")));
        }
        parts.join("-")
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The result of converting one raw file.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub convention: Option<Convention>,
    /// Front-matter title and source the file itself states (a book's title page).
    pub title: Option<String>,
    pub source: Option<String>,
    /// Text before the first message (title page, preface), kept verbatim.
    pub prelude: Vec<String>,
    pub messages: Vec<Message>,
    /// Things an editor should look at (shuffled pages, impossible dates); never fatal.
    pub warnings: Vec<String>,
    /// This file alone rendered as a volume.
    pub markdown: String,
}

/// The last day `text` names in full (a title such as `Note from …, dated 29 November 1945`).
fn last_day(text: &str) -> Option<Ymd> {
    scan_text_dates(text).iter().rev().find_map(TextDate::ymd)
}

/// The first day `text` names in full (a note such as `Meeting held …, December 19, 1945`).
fn first_day(text: &str) -> Option<Ymd> {
    scan_text_dates(text).iter().find_map(TextDate::ymd)
}

/// The day of a line that is a date alone and names it in full: a closing date line
/// (`July 18, 1941`, `**May 25, 1946**`) or a `Sent on <date>` line.
fn line_day(line: &str) -> Option<(DateLineKind, Ymd)> {
    let (kind, d) = date_only_line(line)?;
    Some((kind, d.ymd()?))
}

/// Line endings to `\n`, no byte-order mark: the conventions work on lines.
fn normalize_newlines(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    t.replace("\r\n", "\n").replace('\r', "\n")
}

/// Which convention a raw file follows, by its telltale marks.
pub fn detect_convention(text: &str) -> Convention {
    let text = normalize_newlines(text);
    if text.contains("[footnoteRef:") {
        return Convention::WordExport;
    }
    if web::looks_like(&text) {
        return Convention::WebArchive;
    }
    if frus::looks_like(&text) {
        return Convention::FrusWeb;
    }
    if ocr::looks_like(&text) {
        return Convention::OcrBook;
    }
    if word::title_line(&text).is_some() {
        return Convention::WordExport;
    }
    Convention::Plain
}

/// Convert one raw file.
pub fn import_text(text: &str, convention: Convention) -> Imported {
    let text = normalize_newlines(text);
    let mut imp = match convention {
        Convention::WordExport => word::import(&text),
        Convention::FrusWeb => frus::import(&text),
        Convention::WebArchive => web::import(&text),
        Convention::OcrBook => ocr::import(&text),
        Convention::Plain => plain::import(&text),
    };
    imp.convention = Some(convention);
    let title = imp
        .title
        .clone()
        .or_else(|| imp.messages.first().map(|m| without_markers(&m.title)));
    imp.markdown = render_volume(title.as_deref(), imp.source.as_deref(), &[&imp]);
    imp
}

/// Options of a volume made of several raw files.
#[derive(Clone, Debug, Default)]
pub struct VolumeOptions<'a> {
    pub title: Option<&'a str>,
    pub source: Option<&'a str>,
    /// Applied to every input; otherwise each input's convention is detected.
    pub convention: Option<Convention>,
}

/// Convert several raw files `(name, text)` into one volume, in the order given.
pub fn import_volume(
    inputs: &[(&str, &str)],
    title: Option<&str>,
    convention: Option<Convention>,
) -> String {
    import_volume_with(
        inputs,
        &VolumeOptions {
            title,
            source: None,
            convention,
        },
    )
    .0
}

/// As [`import_volume`], with a source and the warnings (each prefixed with its input's name).
pub fn import_volume_with(inputs: &[(&str, &str)], opts: &VolumeOptions) -> (String, Vec<String>) {
    let imported: Vec<Imported> = inputs
        .iter()
        .map(|(_, text)| {
            import_text(
                text,
                opts.convention.unwrap_or_else(|| detect_convention(text)),
            )
        })
        .collect();
    let mut warnings = Vec::new();
    for ((name, _), imp) in inputs.iter().zip(&imported) {
        for w in &imp.warnings {
            warnings.push(format!("{name}: {w}"));
        }
    }
    let title = opts
        .title
        .map(str::to_string)
        .or_else(|| imported.iter().find_map(|i| i.title.clone()))
        .or_else(|| {
            imported
                .iter()
                .find_map(|i| i.messages.first().map(|m| without_markers(&m.title)))
        })
        .or_else(|| inputs.first().map(|(n, _)| n.to_string()));
    let source = opts.source.map(str::to_string).or_else(|| {
        if imported.len() == 1 {
            imported[0].source.clone()
        } else {
            None
        }
    });
    let refs: Vec<&Imported> = imported.iter().collect();
    (
        render_volume(title.as_deref(), source.as_deref(), &refs),
        warnings,
    )
}

/// A front-matter value: quoted when YAML would read it otherwise.
fn yaml_scalar(s: &str) -> String {
    let s = one_line(s);
    let plain_ok = !s.is_empty()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.starts_with(|c: char| "!&*-?{}[]|>'\"%@`#,".contains(c))
        && s.trim() == s;
    if plain_ok {
        s
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A title for the front matter: footnote markers belong to the message heading only.
fn without_markers(s: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\[\^[A-Za-z0-9_-]+\]").unwrap());
    re.replace_all(s, "").into_owned()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A body line that would read as Markdown structure of the corpus is escaped; leading
/// indentation goes (4 spaces would make a code block or continue a footnote definition).
fn safe_body_line(line: &str) -> String {
    let line = line.trim_start();
    if line.starts_with('#') {
        format!("\\{line}")
    } else {
        line.to_string()
    }
}

/// Write messages of one or more imports as one volume; ids are made unique with `-2`, `-3`….
pub fn render_volume(title: Option<&str>, source: Option<&str>, imports: &[&Imported]) -> String {
    let mut out = String::new();
    out.push_str("---\n");
    if let Some(t) = title {
        let _ = writeln!(out, "title: {}", yaml_scalar(t));
    }
    if let Some(s) = source {
        let _ = writeln!(out, "source: {}", yaml_scalar(s));
    }
    out.push_str("---\n");
    let mut used: std::collections::HashMap<String, usize> = Default::default();
    let mut group: Option<String> = None;
    let mut any_message = false;
    for imp in imports {
        if !imp.prelude.iter().all(|l| l.trim().is_empty()) {
            if any_message {
                // Text before the first message of a later file would otherwise fall into
                // the previous message: give it a group of its own.
                let name = imp
                    .title
                    .clone()
                    .unwrap_or_else(|| "Front matter".to_string());
                let _ = write!(out, "\n# {}\n", one_line(&name));
                group = None;
            }
            out.push('\n');
            write_lines(&mut out, &imp.prelude);
        }
        for m in &imp.messages {
            if m.group.is_some() && m.group != group {
                group = m.group.clone();
                let _ = write!(
                    out,
                    "\n# {}\n",
                    one_line(group.as_deref().unwrap_or_default())
                );
            }
            let base = m.id_base();
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 { base } else { format!("{base}-{n}") };
            render_message(&mut out, m, &id);
            any_message = true;
        }
    }
    out
}

fn write_lines(out: &mut String, lines: &[String]) {
    let mut blank = true;
    let mut pending_blank = false;
    for l in lines {
        if l.trim().is_empty() {
            pending_blank = !blank;
            continue;
        }
        if pending_blank {
            out.push('\n');
            pending_blank = false;
        }
        out.push_str(&safe_body_line(l));
        out.push('\n');
        blank = false;
    }
}

fn render_message(out: &mut String, m: &Message, id: &str) {
    let title = one_line(&m.title);
    let _ = write!(
        out,
        "\n## {}\n",
        if title.is_empty() { "Untitled" } else { &title }
    );
    let _ = writeln!(out, "id: {id}");
    let mut field = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            let v = one_line(v);
            if !v.is_empty() {
                let _ = writeln!(out, "{k}: {v}");
            }
        }
    };
    field("date", &m.date);
    field("sent", &m.sent);
    let from = (!m.from.is_empty()).then(|| m.from.join(", "));
    let to = (!m.to.is_empty()).then(|| m.to.join(", "));
    field("from", &from);
    field("to", &to);
    field("kind", &m.kind);
    field("source", &m.source);
    field("lang", &m.lang);
    if m.body.iter().any(|l| !l.trim().is_empty()) {
        out.push('\n');
        write_lines(out, &m.body);
    }
    if !m.notes.is_empty() {
        out.push('\n');
        for (label, text) in &m.notes {
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("").trim();
            let _ = writeln!(out, "[^{label}]: {first}");
            for l in lines {
                if l.trim().is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "    {}", l.trim());
                }
            }
        }
    }
}

/// Command-line arguments of `apparatus import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The raw transcription(s), converted in this order and concatenated into one volume.
    #[arg(required = true, value_name = "RAW")]
    pub raw: Vec<PathBuf>,
    /// Write the volume here (refuses to overwrite an existing file without --force);
    /// without it the volume goes to standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT.md")]
    pub output: Option<PathBuf>,
    /// The convention of the raw files (word-export, frus-web, web-archive, ocr-book,
    /// plain); detected per file when not given.
    #[arg(long, value_name = "NAME", value_parser = parse_convention)]
    pub convention: Option<Convention>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// The volume's title in the front matter (default: the first file's own title).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// The volume's source in the front matter.
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
}

/// Run `apparatus import`: 0 done, 1 user error (output exists), 2 an input unreadable.
pub fn run_cli(args: ImportArgs) -> i32 {
    let mut texts = Vec::new();
    for path in &args.raw {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => texts.push((path.display().to_string(), t)),
                Err(e) => {
                    eprintln!(
                        "error: {} is not UTF-8 text (invalid byte at offset {}); convert it to UTF-8 and run the import again",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    );
                    return 2;
                }
            },
            Err(e) => {
                eprintln!("error: cannot read {}: {e}; check the path", path.display());
                return 2;
            }
        }
    }
    if let Some(out) = &args.output {
        if out.exists() && !args.force {
            eprintln!(
                "error: {} already exists; use --force to overwrite it, or choose another -o file",
                out.display()
            );
            return 1;
        }
    }
    let inputs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let opts = VolumeOptions {
        title: args.title.as_deref(),
        source: args.source.as_deref(),
        convention: args.convention,
    };
    let (volume, warnings) = import_volume_with(&inputs, &opts);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    match &args.output {
        Some(out) => {
            if let Err(e) = std::fs::write(out, volume) {
                eprintln!(
                    "error: cannot write {}: {e}; check the folder exists and is writable",
                    out.display()
                );
                return 1;
            }
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(volume.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                // A closed pipe (`| head`) is not an error of the import.
                return 0;
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_day_of_a_title() {
        let last = |t: &str| last_day(t).map(Ymd::iso);
        assert_eq!(
            last("Telegram …, 28 September 1945"),
            Some("1945-09-28".into())
        );
        assert_eq!(
            last("Memorandum from M. Litvinov to Stalin, 25 May 1946, May 25, 1946"),
            Some("1946-05-25".into())
        );
        assert_eq!(last("Note, 31 September 1945"), None);
        assert_eq!(last("Telegram of May 9"), None);
    }
}
