//! The corpus: `edition.toml`, its volumes and register files, the index of messages by id,
//! and the checks that need more than one block (duplicate ids, cross-references, page
//! order).
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::syntax::volume::Edit;
use crate::syntax::{BlockKind, LinkKind, TextRange, Volume};

use super::checks::{analyse_block, BlockAnalysis, Context};
use super::config::{self, parse_config, Config};
use super::diagnostic::{Code, Diagnostic, Related};
use super::register::Register;
use super::FileId;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    Volume,
    Register,
    /// `edition.toml`.
    Config,
}

#[derive(Debug)]
pub struct File {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Arc<str>,
    pub volume: Arc<Volume>,
    /// One analysis per block of `volume`, in the same order.
    pub analyses: Vec<Arc<BlockAnalysis>>,
    /// The message ids defined in this file, in block order.
    pub ids: Vec<MessageId>,
    /// The blocks that have something to report or to check across blocks (diagnostics,
    /// page marks, cross-references), in order: assembling a file's diagnostics visits
    /// these, not every block of a volume of thousands of messages.
    pub notable: Vec<u32>,
    /// Problems of the file as a whole (encoding, edition.toml), absolute.
    pub file_diagnostics: Vec<Diagnostic>,
    /// Changes whenever the file's text or analysis does.
    pub revision: u64,
}

/// See [`Corpus::diagnostics_stamp`]: revisions, each unique in the process.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DiagnosticsStamp {
    file: u64,
    index: u64,
    register: u64,
}

/// A new revision number, never given before in this process.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A message id as its file defines it. The range is relative to the block, so that an
/// edit in an earlier message leaves it (and the corpus index) as it is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MessageId {
    pub id: Arc<str>,
    pub block: u32,
    /// The `id:` value, relative to the block.
    pub range: TextRange,
}

/// Where a message is: its file and block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MessageLoc {
    pub file: FileId,
    pub block: u32,
    /// The `id:` value, relative to the block.
    pub range: TextRange,
}

#[derive(Debug)]
pub enum LoadError {
    /// The path does not exist or cannot be read.
    Unreadable(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Unreadable(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The folder holding `edition.toml`; None for files outside any corpus.
    pub root: Option<PathBuf>,
    pub config: Arc<Config>,
    /// Files by id; a removed file leaves `None`, so that ids stay stable.
    files: Vec<Option<Arc<File>>>,
    by_path: Arc<HashMap<PathBuf, FileId>>,
    pub register: Arc<Register>,
    register_fingerprint: u64,
    index: Arc<HashMap<String, Vec<MessageLoc>>>,
    /// The ids that more than one message has.
    duplicated: Arc<Vec<String>>,
    index_revision: u64,
    register_revision: u64,
}

fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// Every `*.md` below `dir`, sorted for a stable order of reports.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            match e.file_type() {
                Ok(t) if t.is_dir() && !is_skipped_dir(&name) => stack.push(p),
                Ok(t) if t.is_file() && name.ends_with(".md") && !name.eq_ignore_ascii_case("README.md") => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Reads a file as UTF-8; a file that is not is kept with an `encoding` diagnostic.
fn read_text(path: &Path) -> Result<(String, Option<Diagnostic>), std::io::Error> {
    let bytes = std::fs::read(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let d = Diagnostic::new(
                Code::Encoding,
                TextRange::empty(0),
                format!("`{name}` is not valid UTF-8 (first bad byte at offset {at}); save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)"),
            );
            (String::new(), Some(d))
        }
    })
}

/// The corpus root that holds `path`: the nearest folder upwards with `edition.toml`.
pub fn find_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start.ancestors().find(|d| d.join(config::FILE_NAME).is_file()).map(Path::to_path_buf)
}

impl Corpus {
    /// Loads the corpus whose root is `root` (a folder with `edition.toml`), or, for a folder
    /// without one, its Markdown files without a register.
    pub fn load(root: &Path) -> Result<Corpus, LoadError> {
        let config_path = root.join(config::FILE_NAME);
        let mut inputs: Vec<(PathBuf, Arc<str>, Option<Diagnostic>)> = Vec::new();
        let has_config = config_path.is_file();
        if has_config {
            let (text, bad) = read_text(&config_path).map_err(|e| LoadError::Unreadable(config_path.clone(), e))?;
            inputs.push((config_path, text.into(), bad));
        }
        let md = markdown_files(root);
        if !has_config && !root.is_dir() {
            return Err(LoadError::Unreadable(root.to_path_buf(), std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder")));
        }
        let read: Vec<_> = md
            .par_iter()
            .map(|p| read_text(p).map(|(t, bad)| (p.clone(), Arc::<str>::from(t), bad)).map_err(|e| LoadError::Unreadable(p.clone(), e)))
            .collect::<Result<_, _>>()?;
        inputs.extend(read);
        Ok(Corpus::from_files(has_config.then(|| root.to_path_buf()), inputs))
    }

    /// A corpus made from texts in memory (tests, and the language server's start-up).
    pub fn from_texts(root: Option<&Path>, files: Vec<(PathBuf, String)>) -> Corpus {
        Corpus::from_files(root.map(Path::to_path_buf), files.into_iter().map(|(p, t)| (p, t.into(), None)).collect())
    }

    fn from_files(root: Option<PathBuf>, inputs: Vec<(PathBuf, Arc<str>, Option<Diagnostic>)>) -> Corpus {
        let config_path = root.as_ref().map(|r| r.join(config::FILE_NAME));
        let (config, config_problems) = match inputs.iter().find(|(p, ..)| Some(p) == config_path.as_ref()) {
            Some((_, text, _)) => parse_config(text),
            None => (Config::default(), Vec::new()),
        };
        let register_paths: Vec<PathBuf> = match &root {
            Some(r) => config.persons.iter().map(|p| r.join(p)).collect(),
            None => Vec::new(),
        };
        let mut corpus = Corpus { root, config: Arc::new(config), ..Corpus::default() };
        let parsed: Vec<File> = inputs
            .into_par_iter()
            .map(|(path, text, bad)| {
                let kind = if Some(&path) == config_path.as_ref() {
                    FileKind::Config
                } else if register_paths.contains(&path) {
                    FileKind::Register
                } else {
                    FileKind::Volume
                };
                let volume = if kind == FileKind::Config { Volume::default() } else { Volume::parse(&text) };
                let mut file_diagnostics: Vec<Diagnostic> = bad.into_iter().collect();
                if kind == FileKind::Config {
                    file_diagnostics.extend(config_problems.iter().cloned());
                }
                File { path, kind, text, volume: Arc::new(volume), analyses: Vec::new(), ids: Vec::new(), notable: Vec::new(), file_diagnostics, revision: next_revision() }
            })
            .collect();
        let mut by_path = HashMap::new();
        for (i, f) in parsed.into_iter().enumerate() {
            by_path.insert(f.path.clone(), FileId(i as u32));
            corpus.files.push(Some(Arc::new(f)));
        }
        corpus.by_path = Arc::new(by_path);
        corpus.report_missing_registers();
        corpus.rebuild_register();
        corpus.analyse_all();
        corpus.rebuild_index();
        corpus
    }

    fn report_missing_registers(&mut self) {
        let Some(root) = self.root.clone() else { return };
        if !self.config.persons_explicit {
            return;
        }
        let Some(config_id) = self.file_id(&root.join(config::FILE_NAME)) else { return };
        let missing: Vec<Diagnostic> = self
            .config
            .persons
            .iter()
            .zip(&self.config.persons_ranges)
            .filter(|(p, _)| self.file_id(&root.join(p)).is_none())
            .map(|(p, &range)| {
                Diagnostic::new(Code::Config, range, format!("the register file `{p}` named in `persons` does not exist; create it or correct the name"))
            })
            .collect();
        if missing.is_empty() {
            return;
        }
        let f = self.files[config_id.0 as usize].as_ref().expect("config file present");
        let mut diagnostics: Vec<Diagnostic> = f.file_diagnostics.iter().filter(|d| !d.message.contains("named in `persons` does not exist")).cloned().collect();
        diagnostics.extend(missing);
        let updated = File { file_diagnostics: diagnostics, path: f.path.clone(), kind: f.kind, text: f.text.clone(), volume: f.volume.clone(), analyses: f.analyses.clone(), ids: f.ids.clone(), notable: f.notable.clone(), revision: next_revision() };
        self.files[config_id.0 as usize] = Some(Arc::new(updated));
    }

    fn rebuild_register(&mut self) {
        let registers: Vec<(FileId, &str, &Volume)> = self
            .files()
            .filter(|(_, f)| f.kind == FileKind::Register)
            .map(|(id, f)| (id, &*f.text, &*f.volume))
            .collect();
        let register = Register::build(&registers);
        self.register_fingerprint = register.fingerprint();
        self.register = Arc::new(register);
        self.register_revision = next_revision();
    }

    fn context<'a>(&'a self, file: &File, volume_has_messages: bool, kind: BlockKind) -> Context<'a> {
        Context {
            register: &self.register,
            period: self.config.period.as_ref(),
            in_register: file.kind == FileKind::Register,
            title_page: volume_has_messages && kind == BlockKind::Preamble,
        }
    }

    fn analyse_file(&self, file: &File, reuse: Option<(&Volume, &[Arc<BlockAnalysis>])>) -> Vec<Arc<BlockAnalysis>> {
        let volume = &file.volume;
        let has_messages = volume.messages().next().is_some();
        let blocks = &volume.blocks;
        let (prefix, suffix) = match reuse {
            Some((old, _)) => shared_prefix_suffix(&old.blocks, blocks),
            None => (0, 0),
        };
        // A title page appears or goes with the first message: then nothing is reused.
        let reuse = reuse.filter(|(old, _)| (old.messages().next().is_some()) == has_messages);
        let analyse = |b: &crate::syntax::BlockRef| {
            let cx = self.context(file, has_messages, b.block.kind);
            Arc::new(analyse_block(b.text(&file.text), &b.block, &cx))
        };
        match reuse {
            Some((old, old_analyses)) if old_analyses.len() == old.blocks.len() => {
                let mut out = Vec::with_capacity(blocks.len());
                out.extend(old_analyses[..prefix].iter().cloned());
                out.extend(blocks[prefix..blocks.len() - suffix].iter().map(analyse));
                out.extend(old_analyses[old_analyses.len() - suffix..].iter().cloned());
                out
            }
            _ => {
                if blocks.len() > 64 {
                    blocks.par_iter().map(analyse).collect()
                } else {
                    blocks.iter().map(analyse).collect()
                }
            }
        }
    }

    fn analyse_all(&mut self) {
        let analysed: Vec<Option<Arc<File>>> = self
            .files
            .par_iter()
            .map(|f| {
                f.as_ref().map(|f| {
                    let analyses = if f.kind == FileKind::Config { Vec::new() } else { self.analyse_file(f, None) };
                    Arc::new(File {
                        path: f.path.clone(),
                        kind: f.kind,
                        text: f.text.clone(),
                        volume: f.volume.clone(),
                        ids: message_ids(f),
                        notable: notable_blocks(&f.volume, &analyses, 0..f.volume.blocks.len()),
                        analyses,
                        file_diagnostics: f.file_diagnostics.clone(),
                        revision: next_revision(),
                    })
                })
            })
            .collect();
        self.files = analysed;
    }

    fn rebuild_index(&mut self) {
        let mut index: HashMap<String, Vec<MessageLoc>> = HashMap::new();
        for (id, f) in self.files() {
            if f.kind != FileKind::Volume {
                continue;
            }
            for m in &f.ids {
                index.entry(m.id.to_string()).or_default().push(MessageLoc { file: id, block: m.block, range: m.range });
            }
        }
        let mut duplicated: Vec<String> = index.iter().filter(|(_, v)| v.len() > 1).map(|(k, _)| k.clone()).collect();
        duplicated.sort();
        self.duplicated = Arc::new(duplicated);
        self.index = Arc::new(index);
        self.index_revision = next_revision();
    }

    /// Replaces a file's text (adding the file if it is new). With `edit`, the text is the
    /// old one with that edit applied, and only the blocks it touches are analysed again.
    pub fn set_file_text(&mut self, path: &Path, text: Arc<str>, edit: Option<Edit>) -> FileId {
        if self.root.as_ref().is_some_and(|r| path == r.join(config::FILE_NAME)) {
            return self.reload_with(path, text);
        }
        let existing = self.file_id(path);
        let old = existing.and_then(|id| self.file(id).cloned());
        let kind = old.as_ref().map_or_else(
            || if self.root.as_ref().is_some_and(|r| self.config.persons.iter().any(|p| r.join(p) == path)) { FileKind::Register } else { FileKind::Volume },
            |f| f.kind,
        );
        let volume = match (&old, edit) {
            (Some(old), Some(edit)) => old.volume.reparse(&text, edit),
            _ => Volume::parse(&text),
        };
        let mut file = File {
            path: path.to_path_buf(),
            kind,
            text,
            volume: Arc::new(volume),
            analyses: Vec::new(),
            ids: Vec::new(),
            notable: Vec::new(),
            file_diagnostics: Vec::new(),
            revision: next_revision(),
        };
        let id = match existing {
            Some(id) => id,
            None => {
                let id = FileId(self.files.len() as u32);
                self.files.push(None);
                Arc::make_mut(&mut self.by_path).insert(path.to_path_buf(), id);
                id
            }
        };
        if kind == FileKind::Register {
            self.files[id.0 as usize] = Some(Arc::new(file));
            let before = self.register_fingerprint;
            self.rebuild_register();
            if before != self.register_fingerprint {
                self.analyse_all();
            } else {
                self.reanalyse(id, old.as_deref());
            }
            return id;
        }
        file.analyses = self.analyse_file(&file, old.as_ref().map(|o| (&*o.volume, &o.analyses[..])));
        // The index changes only if ids of the blocks parsed again differ, or blocks came
        // or went (block numbers after them shift).
        let index_changed = match &old {
            Some(o) => {
                let (prefix, suffix) = shared_prefix_suffix(&o.volume.blocks, &file.volume.blocks);
                let (old_n, new_n) = (o.volume.blocks.len(), file.volume.blocks.len());
                let middle = message_ids_of(&file, prefix..new_n - suffix);
                let old_middle = o.ids.iter().filter(|m| (prefix..old_n - suffix).contains(&(m.block as usize)));
                let changed = old_n != new_n || !old_middle.eq(middle.iter());
                file.ids = o.ids.iter().filter(|m| (m.block as usize) < prefix).cloned().collect();
                file.ids.extend(middle);
                file.ids.extend(o.ids.iter().filter(|m| m.block as usize >= old_n - suffix).map(|m| MessageId {
                    block: (m.block as usize + new_n - old_n) as u32,
                    ..m.clone()
                }));
                file.notable = o.notable.iter().copied().filter(|&b| (b as usize) < prefix).collect();
                file.notable.extend(notable_blocks(&file.volume, &file.analyses, prefix..new_n - suffix));
                file.notable.extend(o.notable.iter().filter(|&&b| b as usize >= old_n - suffix).map(|&b| (b as usize + new_n - old_n) as u32));
                changed
            }
            None => {
                file.ids = message_ids(&file);
                file.notable = notable_blocks(&file.volume, &file.analyses, 0..file.volume.blocks.len());
                true
            }
        };
        self.files[id.0 as usize] = Some(Arc::new(file));
        if index_changed {
            self.rebuild_index();
        }
        id
    }

    fn reanalyse(&mut self, id: FileId, old: Option<&File>) {
        let Some(f) = self.file(id) else { return };
        let reuse = old.map(|o| (&*o.volume, &o.analyses[..]));
        let analyses = self.analyse_file(f, reuse);
        let f = self.files[id.0 as usize].take().expect("file present");
        let mut file = Arc::try_unwrap(f).unwrap_or_else(|f| File {
            path: f.path.clone(),
            kind: f.kind,
            text: f.text.clone(),
            volume: f.volume.clone(),
            analyses: Vec::new(),
            ids: f.ids.clone(),
            notable: Vec::new(),
            file_diagnostics: f.file_diagnostics.clone(),
            revision: 0,
        });
        file.notable = notable_blocks(&file.volume, &analyses, 0..file.volume.blocks.len());
        file.analyses = analyses;
        file.revision = next_revision();
        file.ids = message_ids(&file);
        self.files[id.0 as usize] = Some(Arc::new(file));
    }

    /// edition.toml changed: the period and the register files may differ, so everything is
    /// read again from what the corpus holds.
    fn reload_with(&mut self, config_path: &Path, text: Arc<str>) -> FileId {
        let mut inputs: Vec<(PathBuf, Arc<str>, Option<Diagnostic>)> = self
            .files()
            .filter(|(_, f)| f.kind != FileKind::Config)
            .map(|(_, f)| (f.path.clone(), f.text.clone(), f.file_diagnostics.iter().find(|d| d.code == Code::Encoding).cloned()))
            .collect();
        inputs.push((config_path.to_path_buf(), text, None));
        *self = Corpus::from_files(self.root.clone(), inputs);
        self.file_id(config_path).expect("config just added")
    }

    /// Forgets a file (deleted on disk).
    pub fn remove_file(&mut self, path: &Path) {
        let Some(id) = self.file_id(path) else { return };
        let kind = self.file(id).map(|f| f.kind);
        self.files[id.0 as usize] = None;
        Arc::make_mut(&mut self.by_path).remove(path);
        match kind {
            Some(FileKind::Register) => {
                self.rebuild_register();
                self.analyse_all();
                self.report_missing_registers();
            }
            Some(FileKind::Config) => {
                let inputs = self.files().map(|(_, f)| (f.path.clone(), f.text.clone(), None)).collect();
                *self = Corpus::from_files(None, inputs);
            }
            _ => {}
        }
        self.rebuild_index();
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<File>> {
        self.files.get(id.0 as usize)?.as_ref()
    }

    /// Every file with its id, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &Arc<File>)> {
        self.files.iter().enumerate().filter_map(|(i, f)| f.as_ref().map(|f| (FileId(i as u32), f)))
    }

    /// The messages with this id (more than one: a duplicate).
    pub fn messages_with_id(&self, id: &str) -> &[MessageLoc] {
        self.index.get(id).map_or(&[], Vec::as_slice)
    }

    /// Every message id of the corpus.
    pub fn message_ids(&self) -> impl Iterator<Item = (&str, &[MessageLoc])> {
        self.index.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// What a file's diagnostics depend on: the file, the message index and the register.
    /// Equal stamps mean equal diagnostics, so a caller can skip recomputing them.
    pub fn diagnostics_stamp(&self, id: FileId) -> DiagnosticsStamp {
        DiagnosticsStamp {
            file: self.file(id).map_or(0, |f| f.revision),
            index: self.index_revision,
            register: self.register_revision,
        }
    }

    /// All problems of a file, absolute ranges, in order.
    pub fn diagnostics(&self, id: FileId) -> Vec<Diagnostic> {
        let Some(f) = self.file(id) else { return Vec::new() };
        let mut out: Vec<Diagnostic> = f.file_diagnostics.clone();
        for &i in &f.notable {
            let (b, a) = (&f.volume.blocks[i as usize], &f.analyses[i as usize]);
            for d in &a.diagnostics {
                let mut d = d.shifted(b.start());
                for r in &mut d.related {
                    if r.file == FileId::DETACHED {
                        r.file = id;
                        r.range = r.range.shift(b.start());
                    }
                }
                out.push(d);
            }
        }
        if f.kind == FileKind::Register {
            out.extend(self.register.diagnostics.iter().filter(|(fid, _)| *fid == id).map(|(_, d)| d.clone()));
        }
        if f.kind == FileKind::Volume {
            self.page_order(f, &mut out);
            self.duplicate_ids(id, f, &mut out);
            self.cross_references(f, &mut out);
        }
        out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
        out
    }

    fn page_order(&self, f: &File, out: &mut Vec<Diagnostic>) {
        let mut previous: Option<(u32, TextRange)> = None;
        for b in f.notable.iter().map(|&i| &f.volume.blocks[i as usize]) {
            for p in &b.block.pages {
                let range = b.abs(p.range);
                if let Some((n, _)) = previous {
                    if p.number <= n {
                        out.push(Diagnostic::new(
                            Code::PageOrder,
                            range,
                            format!("`{}` follows `[Page {n}]`: page numbers should increase; check the number against the source", range.slice(&f.text)),
                        ));
                    }
                }
                previous = Some((p.number, range));
            }
        }
    }

    /// The absolute range of a message's `id:` value.
    pub fn id_range(&self, loc: MessageLoc) -> TextRange {
        match self.file(loc.file).and_then(|f| f.volume.blocks.get(loc.block as usize)) {
            Some(b) => b.abs(loc.range),
            None => loc.range,
        }
    }

    fn duplicate_ids(&self, id: FileId, f: &File, out: &mut Vec<Diagnostic>) {
        for mid in self.duplicated.iter() {
            let all = self.messages_with_id(mid);
            let first = all[0];
            for loc in all[1..].iter().filter(|l| l.file == id) {
                let where_ = self.file(first.file).map_or_else(String::new, |ff| ff.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
                let range = f.volume.blocks[loc.block as usize].abs(loc.range);
                out.push(
                    Diagnostic::new(
                        Code::MessageDuplicateId,
                        range,
                        format!("message id `{mid}` is already used by another message (in `{where_}`); ids must be unique in the corpus: add a suffix such as `{mid}-2`"),
                    )
                    .with_related(Related { file: first.file, range: self.id_range(first), message: "first used here".into() }),
                );
            }
        }
    }

    fn cross_references(&self, f: &File, out: &mut Vec<Diagnostic>) {
        for b in f.notable.iter().map(|&i| &f.volume.blocks[i as usize]) {
            let text = b.text(&f.text);
            for l in b.block.links.iter().filter(|l| l.kind == LinkKind::Message) {
                let target = l.target.slice(text);
                if self.messages_with_id(target).is_empty() {
                    let hint = self
                        .index
                        .keys()
                        .map(|k| (super::register::edit_distance(k, target), k))
                        .filter(|&(d, _)| d <= 3)
                        .min()
                        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
                        .unwrap_or_default();
                    out.push(Diagnostic::new(
                        Code::XrefUnknown,
                        b.abs(l.target),
                        format!("`{}` refers to `#{target}`, but no message has that id{hint}; correct the id", l.range.slice(text)),
                    ));
                }
            }
        }
    }
}

/// The message ids of a file.
fn message_ids(f: &File) -> Vec<MessageId> {
    message_ids_of(f, 0..f.volume.blocks.len())
}

/// The message ids of some blocks of a file.
fn message_ids_of(f: &File, blocks: std::ops::Range<usize>) -> Vec<MessageId> {
    if f.kind != FileKind::Volume {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in blocks {
        let b = &f.volume.blocks[i];
        if b.block.kind != BlockKind::Message {
            continue;
        }
        let text = b.text(&f.text);
        if let Some(m) = b.block.metadata.iter().find(|m| m.key.slice(text) == "id") {
            let id = m.value.slice(text);
            if !id.is_empty() {
                out.push(MessageId { id: id.into(), block: i as u32, range: m.value });
            }
        }
    }
    out
}

/// Which of `blocks` are notable (see [`File::notable`]).
fn notable_blocks(volume: &Volume, analyses: &[Arc<BlockAnalysis>], blocks: std::ops::Range<usize>) -> Vec<u32> {
    blocks
        .filter(|&i| {
            let b = &volume.blocks[i].block;
            analyses.get(i).is_some_and(|a| !a.diagnostics.is_empty())
                || !b.pages.is_empty()
                || b.links.iter().any(|l| l.kind == LinkKind::Message)
        })
        .map(|i| i as u32)
        .collect()
}

/// How many blocks at the start and at the end of `new` are the very same (shared) blocks
/// as in `old`.
fn shared_prefix_suffix(old: &[crate::syntax::BlockRef], new: &[crate::syntax::BlockRef]) -> (usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| Arc::ptr_eq(&a.block, &b.block) && a.start == b.start).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(max_suffix).take_while(|(a, b)| Arc::ptr_eq(&a.block, &b.block)).count();
    (prefix, suffix)
}

#[cfg(test)]
mod tests;
