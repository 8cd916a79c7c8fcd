//! The analysis host: the corpora of the workspace, kept in step with the editor.
//!
//! The handlers change the ropes of open documents synchronously and, in the same
//! critical section, queue a [`Job`] here, so jobs are in arrival order. One worker
//! thread applies them to the corpora (off the async runtime: a register edit re-analyses
//! the whole corpus), coalescing consecutive edits of one file into one
//! [`Edit`](crate::syntax::volume::Edit) so that only the touched messages are analysed
//! again. After each batch it publishes an immutable [`Analysis`] into the server state
//! with the document versions it reflects, and bumps a generation counter (a
//! `tokio::sync::watch`) that the diagnostics loop and waiting requests listen to.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use ropey::Rope;
use tower_lsp_server::ls_types::Uri;
use tracing::{debug, error, info, warn};

use crate::analysis::{Corpus, FileId};
use crate::syntax::volume::Edit;

use super::documents::compose;
use super::server::{panic_message, ServerState};
use super::workspace::EDITION_FILE;

/// Work for the analysis worker, queued in the order the editor sent it.
pub enum Job {
    /// A document was opened (full text).
    Open { uri: Uri, path: PathBuf, version: i32, text: Rope },
    /// A document changed: its new text, and the byte edit from the previous version
    /// (`None`: a full-text change).
    Change { uri: Uri, path: PathBuf, version: i32, text: Rope, edit: Option<Edit> },
    /// A document was closed: the file on disk is the truth again.
    Close { uri: Uri, path: PathBuf },
    /// Load (or reload) the corpus at this root; signal `done` when loaded.
    LoadRoot { root: PathBuf, done: Option<tokio::sync::oneshot::Sender<()>> },
    /// Forget the corpus at this root (its workspace folder was removed).
    UnloadRoot { root: PathBuf },
    /// A watched file changed on disk (created, changed or deleted).
    DiskChanged { path: PathBuf },
}

/// The corpora of the workspace. Cloning is cheap (each `Corpus` shares its files).
#[derive(Clone, Default, Debug)]
pub struct Corpora {
    /// Corpora by root folder (the folder holding `edition.toml`).
    pub by_root: HashMap<PathBuf, Corpus>,
    /// Open files outside any corpus: each its own corpus, without a register.
    pub loose: HashMap<PathBuf, Corpus>,
}

impl Corpora {
    /// The root of the deepest loaded corpus that contains `path`.
    pub fn root_of(&self, path: &Path) -> Option<&PathBuf> {
        self.by_root.keys().filter(|r| path.starts_with(r)).max_by_key(|r| r.components().count())
    }

    /// The corpus that holds `path` and the file's id in it.
    pub fn locate(&self, path: &Path) -> Option<(&Corpus, FileId)> {
        let corpus = match self.root_of(path) {
            Some(root) => self.by_root.get(root)?,
            None => self.loose.get(path)?,
        };
        Some((corpus, corpus.file_id(path)?))
    }

    fn corpus_mut(&mut self, path: &Path) -> &mut Corpus {
        match self.root_of(path).cloned() {
            Some(root) => self.by_root.get_mut(&root).expect("root present"),
            None => self.loose.entry(path.to_path_buf()).or_default(),
        }
    }
}

/// What the requests and the diagnostics loop see: the corpora after some batch of
/// jobs, and for each open document the version they reflect.
#[derive(Clone, Default, Debug)]
pub struct Analysis {
    pub corpora: Arc<Corpora>,
    pub versions: Arc<HashMap<Uri, i32>>,
    /// Increases with every published batch.
    pub generation: u64,
    /// How many jobs the corpora reflect: a request waits until every job sent before it
    /// is in (an edit of the register changes the hover of another document).
    pub jobs_done: u64,
}

/// The file-system path standing for a document: its path for `file:` URIs, else the
/// URI text (such a document is always loose).
pub fn document_path(uri: &Uri) -> PathBuf {
    super::convert::uri_to_path(uri).unwrap_or_else(|| PathBuf::from(uri.as_str()))
}

/// Runs the worker until every sender is gone, publishing each new analysis into `state`.
pub fn run_worker(
    jobs: Receiver<Job>,
    state: Arc<Mutex<ServerState>>,
    generation_tx: tokio::sync::watch::Sender<u64>,
) {
    let mut worker = Worker::default();
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter());
        worker.jobs_done += batch.len() as u64;
        let mut signals = Vec::new();
        worker.apply_batch(batch, &state, &mut signals);
        worker.generation += 1;
        let analysis = Analysis {
            corpora: Arc::new(worker.corpora.clone()),
            versions: Arc::new(worker.applied.clone()),
            generation: worker.generation,
            jobs_done: worker.jobs_done,
        };
        state.lock().unwrap_or_else(|e| e.into_inner()).analysis = analysis;
        generation_tx.send_replace(worker.generation);
        for done in signals {
            let _ = done.send(());
        }
    }
    debug!("analysis worker stopped");
}

#[derive(Default)]
struct Worker {
    corpora: Corpora,
    /// Version of each open document that the corpora hold.
    applied: HashMap<Uri, i32>,
    open_paths: HashSet<PathBuf>,
    /// Documents whose next change must be parsed in full (after a failure).
    full_next: HashSet<Uri>,
    generation: u64,
    jobs_done: u64,
}

/// Consecutive changes of one document, merged.
struct PendingChange {
    uri: Uri,
    path: PathBuf,
    version: i32,
    text: Rope,
    edit: Option<Edit>,
}

impl Worker {
    fn apply_batch(
        &mut self,
        batch: Vec<Job>,
        state: &Arc<Mutex<ServerState>>,
        signals: &mut Vec<tokio::sync::oneshot::Sender<()>>,
    ) {
        let mut pending: Option<PendingChange> = None;
        for job in batch {
            match job {
                Job::Change { uri, path, version, text, edit } => {
                    if self.applied.get(&uri).is_some_and(|&v| version <= v) {
                        continue; // already in the corpora (taken in by a load)
                    }
                    match &mut pending {
                        Some(p) if p.uri == uri => {
                            p.edit = match (p.edit, edit) {
                                (Some(a), Some(b)) => Some(compose(a, b)),
                                _ => None,
                            };
                            p.version = version;
                            p.text = text;
                        }
                        _ => {
                            if let Some(p) = pending.take() {
                                self.guarded("change", |w| w.apply_change(p));
                            }
                            pending = Some(PendingChange { uri, path, version, text, edit });
                        }
                    }
                }
                other => {
                    if let Some(p) = pending.take() {
                        self.guarded("change", |w| w.apply_change(p));
                    }
                    match other {
                        Job::Open { uri, path, version, text } => self.guarded("open", |w| {
                            w.open_paths.insert(path.clone());
                            w.full_next.remove(&uri);
                            w.corpora.corpus_mut(&path).set_file_text(&path, Arc::from(text.to_string()), None);
                            w.applied.insert(uri, version);
                        }),
                        Job::Close { uri, path } => self.guarded("close", |w| w.close(&uri, &path)),
                        Job::LoadRoot { root, done } => {
                            self.guarded("load", |w| w.load_root(&root, state));
                            signals.extend(done);
                        }
                        Job::UnloadRoot { root } => self.guarded("unload", |w| w.unload_root(&root, state)),
                        Job::DiskChanged { path } => self.guarded("disk change", |w| w.disk_changed(&path, state)),
                        Job::Change { .. } => unreachable!("handled above"),
                    }
                }
            }
        }
        if let Some(p) = pending.take() {
            self.guarded("change", |w| w.apply_change(p));
        }
    }

    /// Runs `f`; if it panics, the corpora are put back as they were and the panic logged.
    fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Worker)) {
        let backup = self.corpora.clone();
        if let Err(payload) = std::panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
            error!(job = what, panic = %panic_message(payload.as_ref()), "analysis job panicked");
            self.corpora = backup;
        }
    }

    fn apply_change(&mut self, p: PendingChange) {
        let corpus = self.corpora.corpus_mut(&p.path);
        // An edit is only meaningful against the text the corpus holds.
        let edit = if corpus.file_id(&p.path).is_some() && !self.full_next.contains(&p.uri) {
            p.edit
        } else {
            None
        };
        let text: Arc<str> = Arc::from(p.text.to_string());
        // Mark first: if the analysis panics, the next change is parsed in full.
        self.full_next.insert(p.uri.clone());
        corpus.set_file_text(&p.path, text, edit);
        self.full_next.remove(&p.uri);
        self.applied.insert(p.uri, p.version);
    }

    fn close(&mut self, uri: &Uri, path: &Path) {
        self.applied.remove(uri);
        self.full_next.remove(uri);
        self.open_paths.remove(path);
        if self.corpora.root_of(path).is_none() {
            self.corpora.loose.remove(path);
            return;
        }
        self.reread(path);
    }

    /// Puts the file's text on disk into its corpus (or removes the file if it is gone).
    fn reread(&mut self, path: &Path) {
        let corpus = self.corpora.corpus_mut(path);
        match std::fs::read(path) {
            Ok(bytes) => {
                // Invalid UTF-8 is reported by the corpus loader; here keep what is valid.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                corpus.set_file_text(path, Arc::from(text), None);
            }
            Err(_) => corpus.remove_file(path),
        }
    }

    fn load_root(&mut self, root: &Path, state: &Arc<Mutex<ServerState>>) {
        let corpus = match Corpus::load(root) {
            Ok(c) => c,
            Err(e) => {
                warn!(root = %root.display(), error = %e, "cannot load corpus");
                return;
            }
        };
        info!(root = %root.display(), files = corpus.files().count(), "corpus loaded");
        self.corpora.by_root.insert(root.to_path_buf(), corpus);
        // Open documents under this root: the editor's text wins over the disk's.
        let open: Vec<(Uri, i32, Rope)> = {
            let st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.docs.iter().map(|(u, d)| (u.clone(), d.version, d.text.clone())).collect()
        };
        for (uri, version, text) in open {
            let path = document_path(&uri);
            if self.corpora.root_of(&path).map(PathBuf::as_path) != Some(root) {
                continue;
            }
            self.corpora.loose.remove(&path);
            self.open_paths.insert(path.clone());
            self.corpora.corpus_mut(&path).set_file_text(&path, Arc::from(text.to_string()), None);
            self.applied.insert(uri, version);
        }
    }

    fn unload_root(&mut self, root: &Path, state: &Arc<Mutex<ServerState>>) {
        if self.corpora.by_root.remove(root).is_none() {
            return;
        }
        info!(root = %root.display(), "corpus removed");
        // Its open documents go to an enclosing corpus, or become loose.
        let open: Vec<(Uri, i32, Rope)> = {
            let st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.docs.iter().map(|(u, d)| (u.clone(), d.version, d.text.clone())).collect()
        };
        for (uri, version, text) in open {
            let path = document_path(&uri);
            if path.starts_with(root) {
                self.corpora.corpus_mut(&path).set_file_text(&path, Arc::from(text.to_string()), None);
                self.applied.insert(uri, version);
            }
        }
    }

    fn disk_changed(&mut self, path: &Path, state: &Arc<Mutex<ServerState>>) {
        if path.file_name().is_some_and(|n| n == EDITION_FILE) {
            let Some(root) = path.parent() else { return };
            if path.is_file() {
                self.load_root(root, state);
            } else {
                self.unload_root(root, state);
            }
            return;
        }
        if self.open_paths.contains(path) || self.corpora.root_of(path).is_none() {
            return; // the editor's text is the truth; loose files are only the open ones
        }
        self.reread(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, e: Edit, insert: &str) -> String {
        assert_eq!(insert.len(), e.new_len);
        format!("{}{}{}", &text[..e.start], insert, &text[e.old_end..])
    }

    /// The composed envelope, applied to the old text with the final text's bytes in it,
    /// gives the final text.
    #[test]
    fn compose_is_an_envelope_of_both_edits() {
        let old = "abcdefghijklmnopqrstuvwxyz";
        let cases = [
            ((2, 5, 1), (10, 12, 4)),
            ((10, 12, 4), (2, 5, 1)),
            ((3, 8, 0), (3, 3, 6)),
            ((0, 0, 3), (1, 20, 2)),
            ((5, 9, 7), (6, 8, 0)),
            ((20, 26, 0), (19, 20, 1)),
        ];
        for ((s1, o1, n1), (s2, o2, n2)) in cases {
            let a = Edit { start: s1, old_end: o1, new_len: n1 };
            let mid = apply(old, a, &"X".repeat(n1));
            let b = Edit { start: s2, old_end: o2, new_len: n2 };
            let new = apply(&mid, b, &"Y".repeat(n2));
            let c = compose(a, b);
            let replaced = &new[c.start..c.start + c.new_len];
            assert_eq!(apply(old, c, replaced), new, "{a:?} then {b:?} -> {c:?}");
            // Outside the envelope, old and new agree.
            assert_eq!(old[..c.start], new[..c.start]);
            assert_eq!(old[c.old_end..], new[c.start + c.new_len..]);
        }
    }

    #[test]
    fn corpora_route_files_to_the_deepest_root_or_loose() {
        let mut c = Corpora::default();
        c.by_root.insert(PathBuf::from("/ed"), Corpus::default());
        c.by_root.insert(PathBuf::from("/ed/inner"), Corpus::default());
        assert_eq!(c.root_of(Path::new("/ed/inner/v.md")), Some(&PathBuf::from("/ed/inner")));
        assert_eq!(c.root_of(Path::new("/ed/v.md")), Some(&PathBuf::from("/ed")));
        assert_eq!(c.root_of(Path::new("/other/v.md")), None);
        c.corpus_mut(Path::new("/other/v.md"));
        assert!(c.loose.contains_key(Path::new("/other/v.md")));
    }
}
