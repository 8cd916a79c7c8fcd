//! The language server: state, negotiation, and thin handlers over `features`.
//!
//! Concurrency rules (tower-lsp-server runs up to N handlers at once, notifications
//! included, each future first polled in arrival order):
//! - text changes (`didOpen`, `didChange`, `didClose`) are applied synchronously at the
//!   top of their handler under the `std::sync::Mutex` of the state, before any `.await`,
//!   so they take effect in arrival order; the lock is never held across an `.await`
//!   (the guard is not `Send`, so the compiler enforces it);
//! - requests take a snapshot (cheap clones of ropes) and compute on a blocking thread
//!   inside `catch_unwind`; a panic becomes an LSP error and the server keeps serving;
//! - each text change also queues a job for the analysis worker (`host.rs`) in the same
//!   critical section, so the analysis sees the changes in arrival order; the worker
//!   publishes snapshots (with the document versions they reflect) and bumps a generation;
//! - one diagnostics loop follows the generations: diagnostics computed for version N
//!   are published only if the document is still at version N and nothing newer (by
//!   version, then generation) was published;
//! - requests that need the analysis wait (bounded) until it has caught up with the
//!   document version they were asked about.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};
use tracing::{debug, error, info, warn};

use super::convert::{self, Converter};
use super::diagnostics;
use super::documents::{ChangeOutcome, Document, Documents};
use super::features;
use super::host::{self, document_path, Analysis, Job};
use super::position::Encoding;
use super::workspace;

/// How long a request to the client may take before the server gives up on it.
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Quiet time after an analysis update before diagnostics are computed.
const DIAGNOSTICS_DEBOUNCE: Duration = Duration::from_millis(30);
/// How long a request waits for the analysis to catch up with the document.
const ANALYSIS_WAIT: Duration = Duration::from_secs(10);
/// Id of the dynamic file-watcher registration.
const WATCHER_REGISTRATION_ID: &str = "apparatus/watchedFiles";
/// Progress token of the start-up indexing.
const INDEXING_TOKEN: &str = "apparatus/indexing";
/// The env var that enables the `apparatus/panic` test request.
pub const TEST_PANIC_ENV: &str = "APPARATUS_TEST_PANIC";

/// What was negotiated in `initialize`; fixed for the session.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub encoding: Encoding,
    /// The client accepts `window/workDoneProgress/create`.
    pub work_done_progress: bool,
    /// The client accepts dynamic registration of `workspace/didChangeWatchedFiles`.
    pub watch_dynamic: bool,
    pub hierarchical_symbols: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): then open documents get
    /// theirs by pull only, never also by push, or the client would show each twice.
    pub pull_diagnostics: bool,
    /// The client accepts `workspace/diagnostic/refresh` (re-pull after a change
    /// elsewhere, such as the register).
    pub diagnostic_refresh: bool,
    /// Inlay hints with the ISO form of dates (`initializationOptions.inlayHints.isoDates`,
    /// on unless the client turns it off).
    pub iso_date_hints: bool,
    /// Workspace folders (or the root URI) as paths.
    pub bases: Vec<PathBuf>,
}

impl Session {
    pub fn negotiate(params: &InitializeParams) -> Session {
        let caps = &params.capabilities;
        let encoding = Encoding::negotiate(
            caps.general.as_ref().and_then(|g| g.position_encodings.as_deref()),
        );
        let work_done_progress =
            caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        let watch_dynamic = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let hierarchical_symbols = caps
            .text_document
            .as_ref()
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false);
        let pull_diagnostics = caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
        let diagnostic_refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let mut bases: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::uri_to_path(&f.uri))
            .collect();
        if bases.is_empty() {
            #[allow(deprecated)] // older clients send only rootUri
            if let Some(path) = params.root_uri.as_ref().and_then(convert::uri_to_path) {
                bases.push(path);
            }
        }
        let iso_date_hints = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.pointer("/inlayHints/isoDates"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Session { encoding, work_done_progress, watch_dynamic, hierarchical_symbols, pull_diagnostics, diagnostic_refresh, iso_date_hints, bases }
    }
}

/// The mutable state of the server. Guarded by a `std::sync::Mutex`; never held
/// across an `.await`.
#[derive(Debug, Default)]
pub struct ServerState {
    pub docs: Documents,
    /// Known corpus roots (folders with `edition.toml`), sorted; each has been sent to
    /// the analysis worker to load.
    pub roots: Vec<PathBuf>,
    /// The latest analysis the worker published.
    pub analysis: Analysis,
    /// The analysis worker's queue. Send while holding the lock, so that jobs are in the
    /// same order as the changes to `docs`.
    jobs: Option<Sender<Job>>,
    /// How many jobs were sent to the worker.
    jobs_sent: u64,
}

impl ServerState {
    fn send(&mut self, job: Job) {
        self.jobs_sent += 1;
        if let Some(tx) = &self.jobs {
            if tx.send(job).is_err() {
                error!("the analysis worker has stopped");
            }
        }
    }

    /// Records a new corpus root and has it loaded; false if it was known.
    fn add_root(&mut self, root: PathBuf, done: Option<tokio::sync::oneshot::Sender<()>>) -> bool {
        if self.roots.contains(&root) {
            return false;
        }
        self.roots.push(root.clone());
        self.roots.sort();
        self.send(Job::LoadRoot { root, done });
        true
    }
}

/// An immutable view of one open document for a request.
#[derive(Debug, Clone)]
pub struct DocSnapshot {
    pub uri: Uri,
    /// The document's path (for a non-`file:` URI, the URI text).
    pub path: PathBuf,
    pub doc: Document,
    pub encoding: Encoding,
    /// The corpus root the document belongs to; `None` outside any corpus (then only
    /// what can be said without a register is served).
    pub root: Option<PathBuf>,
    /// Every open document, to convert results that point into other documents.
    pub open: Documents,
    pub analysis: Analysis,
    /// The version of this document the analysis holds (`None`: not yet analysed).
    pub analysed: Option<i32>,
}

impl DocSnapshot {
    pub fn conv(&self) -> Converter<'_> {
        Converter::new(&self.doc.text, self.encoding)
    }

    /// The text of another document: as the editor has it, else as the analysis read it,
    /// else as on disk.
    pub fn rope_of(&self, uri: &Uri) -> Option<ropey::Rope> {
        if let Some(d) = self.open.get(uri) {
            return Some(d.text.clone());
        }
        let path = convert::uri_to_path(uri)?;
        if let Some((corpus, id)) = self.analysis.corpora.locate(&path) {
            if let Some(file) = corpus.file(id) {
                return Some(ropey::Rope::from_str(&file.text));
            }
        }
        std::fs::read_to_string(path).ok().map(|s| ropey::Rope::from_str(&s))
    }

    /// Locations in any document; each other document's text is read once, however many
    /// targets point into it (find references returns hundreds in one volume).
    fn locations(&self, targets: Vec<(Uri, std::ops::Range<usize>)>) -> Vec<Location> {
        let mut ropes: HashMap<Uri, Option<ropey::Rope>> = HashMap::new();
        let mut out = Vec::with_capacity(targets.len());
        for (uri, range) in targets {
            if uri == self.uri {
                out.push(convert::location(uri, self.conv(), range));
                continue;
            }
            let rope = ropes.entry(uri.clone()).or_insert_with(|| self.rope_of(&uri));
            if let Some(rope) = rope {
                out.push(convert::location(uri, Converter::new(rope, self.encoding), range));
            }
        }
        out
    }
}

/// An immutable view of the workspace for workspace-wide requests.
#[derive(Debug, Clone)]
pub struct WorkspaceSnapshot {
    pub open: Documents,
    pub roots: Vec<PathBuf>,
    pub encoding: Encoding,
    pub analysis: Analysis,
}

/// A diagnostics computation: for this document version, from this analysis generation.
pub type Stamp = (i32, u64);

/// Whether diagnostics computed at `computed` may be published, given the document's
/// current version (`None`: closed) and the stamp last published for it.
pub fn should_publish(current: Option<i32>, computed: Stamp, last_published: Option<Stamp>) -> bool {
    current == Some(computed.0) && last_published.is_none_or(|p| p < computed)
}

/// Runs `f` on a blocking thread, catching a panic: it is logged and answered with an
/// internal error, and the server keeps serving.
pub async fn run_guarded<T, F>(what: &'static str, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let joined = tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(f))).await;
    match joined {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => {
            let msg = panic_message(payload.as_ref());
            error!(handler = what, panic = %msg, "handler panicked");
            Err(Error {
                code: ErrorCode::InternalError,
                message: format!("internal error in {what}: {msg}").into(),
                data: None,
            })
        }
        Err(join) => {
            error!(handler = what, error = %join, "handler task failed");
            Err(Error {
                code: ErrorCode::InternalError,
                message: format!("internal error in {what}").into(),
                data: None,
            })
        }
    }
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentTextParams {
    pub uri: Uri,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentTextResult {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
}

struct Inner {
    client: Client,
    state: Arc<Mutex<ServerState>>,
    session: OnceLock<Session>,
    /// What was last published per URI; the async lock orders publications.
    published: tokio::sync::Mutex<HashMap<Uri, (Stamp, Vec<Diagnostic>)>>,
    /// For corpus files no editor has open: what their published diagnostics were
    /// computed from (see `Corpus::diagnostics_stamp`).
    closed_published: tokio::sync::Mutex<HashMap<Uri, crate::analysis::corpus::DiagnosticsStamp>>,
    /// The analysis generation, bumped by the worker after each batch.
    generation: tokio::sync::watch::Receiver<u64>,
    diagnostics_loop_started: AtomicBool,
    shutdown_requested: Arc<AtomicBool>,
}

#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl Backend {
    fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Backend {
        let (jobs_tx, jobs_rx) = std::sync::mpsc::channel();
        let (generation_tx, generation_rx) = tokio::sync::watch::channel(0u64);
        let state = Arc::new(Mutex::new(ServerState { jobs: Some(jobs_tx), ..Default::default() }));
        let worker_state = state.clone();
        if let Err(e) = std::thread::Builder::new()
            .name("apparatus-analysis".into())
            .spawn(move || host::run_worker(jobs_rx, worker_state, generation_tx))
        {
            error!(error = %e, "cannot start the analysis worker; serving without analysis");
        }
        Backend {
            inner: Arc::new(Inner {
                client,
                state,
                session: OnceLock::new(),
                published: tokio::sync::Mutex::new(HashMap::new()),
                closed_published: tokio::sync::Mutex::new(HashMap::new()),
                generation: generation_rx,
                diagnostics_loop_started: AtomicBool::new(false),
                shutdown_requested,
            }),
        }
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Locks the state; a poisoned lock (a panic while held) is recovered, since every
    /// mutation leaves the store consistent between statements.
    fn lock(&self) -> MutexGuard<'_, ServerState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn session(&self) -> Session {
        self.inner.session.get().cloned().unwrap_or_default()
    }

    fn encoding(&self) -> Encoding {
        self.inner.session.get().map(|s| s.encoding).unwrap_or_default()
    }

    fn snapshot(&self, uri: &Uri) -> Option<DocSnapshot> {
        let encoding = self.encoding();
        let st = self.lock();
        let doc = st.docs.get(uri)?.clone();
        let path = document_path(uri);
        let root = workspace::root_of(&st.roots, &path).cloned();
        let analysed = st.analysis.versions.get(uri).copied();
        Some(DocSnapshot {
            uri: uri.clone(),
            path,
            doc,
            encoding,
            root,
            open: st.docs.clone(),
            analysis: st.analysis.clone(),
            analysed,
        })
    }

    /// A snapshot whose analysis holds the document's current version and every change
    /// sent before the request (of any document); waits for the worker (bounded by `ANALYSIS_WAIT`). After the wait, the latest snapshot anyway.
    async fn analysed_snapshot(&self, uri: &Uri) -> Option<DocSnapshot> {
        let mut generation = self.inner.generation.clone();
        let deadline = tokio::time::Instant::now() + ANALYSIS_WAIT;
        let sent = self.lock().jobs_sent;
        loop {
            let snap = self.snapshot(uri)?;
            if snap.analysed == Some(snap.doc.version) && snap.analysis.jobs_done >= sent {
                return Some(snap);
            }
            match tokio::time::timeout_at(deadline, generation.changed()).await {
                Ok(Ok(())) => continue,
                _ => {
                    warn!(uri = uri.as_str(), "analysis did not catch up in time");
                    return Some(snap);
                }
            }
        }
    }

    fn workspace_snapshot(&self) -> WorkspaceSnapshot {
        let encoding = self.encoding();
        let st = self.lock();
        WorkspaceSnapshot {
            open: st.docs.clone(),
            roots: st.roots.clone(),
            encoding,
            analysis: st.analysis.clone(),
        }
    }

    // ---- diagnostics -------------------------------------------------------------

    /// Follows the analysis generations: after each (debounced), computes the diagnostics
    /// of every open document the analysis is up to date with, and publishes them.
    async fn diagnostics_loop(self) {
        let mut generation = self.inner.generation.clone();
        loop {
            if generation.changed().await.is_err() {
                return; // the worker stopped
            }
            tokio::time::sleep(DIAGNOSTICS_DEBOUNCE).await;
            generation.borrow_and_update();
            let snaps: Vec<DocSnapshot> = {
                let uris: Vec<Uri> = self.lock().docs.iter().map(|(u, _)| u.clone()).collect();
                uris.iter()
                    .filter_map(|u| self.snapshot(u))
                    .filter(|s| s.analysed == Some(s.doc.version))
                    .collect()
            };
            self.publish_closed_files().await;
            let session = self.session();
            if session.pull_diagnostics {
                // The client pulls the open documents' diagnostics itself; a change may
                // have touched them through another file, so it is asked to pull again.
                if session.diagnostic_refresh && !snaps.is_empty() {
                    let refresh = self.client().workspace_diagnostic_refresh();
                    if tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, refresh).await.is_err() {
                        warn!("workspace/diagnostic/refresh timed out");
                    }
                }
                continue;
            }
            if snaps.is_empty() {
                continue;
            }
            let computed = run_guarded("diagnostics", move || {
                snaps
                    .into_iter()
                    .filter_map(|s| {
                        let diags = std::panic::catch_unwind(AssertUnwindSafe(|| compute_diagnostics(&s)));
                        match diags {
                            Ok(d) => Some((s.uri, (s.doc.version, s.analysis.generation), d)),
                            Err(payload) => {
                                error!(uri = s.uri.as_str(), panic = %panic_message(payload.as_ref()), "diagnostics panicked");
                                None
                            }
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            for (uri, stamp, diags) in computed {
                self.publish_diagnostics(uri, stamp, diags).await;
            }
        }
    }

    async fn publish_diagnostics(&self, uri: Uri, stamp: Stamp, diags: Vec<Diagnostic>) {
        let mut published = self.inner.published.lock().await;
        let current = self.lock().docs.version(&uri);
        let last = published.get(&uri);
        if !should_publish(current, stamp, last.map(|(s, _)| *s)) {
            debug!(uri = uri.as_str(), ?stamp, ?current, "dropping stale diagnostics");
            return;
        }
        // Same version, same problems (another file changed): nothing to tell.
        if last.is_some_and(|((v, _), d)| *v == stamp.0 && *d == diags) {
            return;
        }
        self.client().publish_diagnostics(uri.clone(), diags.clone(), Some(stamp.0)).await;
        published.insert(uri, (stamp, diags));
    }

    /// Diagnostics of the corpus files no editor has open, from the text the corpus read:
    /// published at start-up, and again only for files whose diagnostics may have changed
    /// (the file itself, the message index or the register), so that an edit costs no
    /// more than the files it affects.
    async fn publish_closed_files(&self) {
        let snap = self.workspace_snapshot();
        let open: std::collections::HashSet<Uri> = self.lock().docs.iter().map(|(u, _)| u.clone()).collect();
        let mut stamps = self.inner.closed_published.lock().await;
        let mut work = Vec::new();
        for corpus in snap.analysis.corpora.by_root.values() {
            for (id, f) in corpus.files() {
                let Some(uri) = convert::path_to_uri(&f.path) else { continue };
                let stamp = corpus.diagnostics_stamp(id);
                if open.contains(&uri) || stamps.get(&uri) == Some(&stamp) {
                    continue;
                }
                work.push((uri, stamp, f.path.clone()));
            }
        }
        if work.is_empty() {
            return;
        }
        let corpora = snap.analysis.corpora.clone();
        let enc = snap.encoding;
        let computed = run_guarded("closed-file diagnostics", move || {
            work.into_iter()
                .map(|(uri, stamp, path)| {
                    let d = diagnostics::closed_file_diagnostics(&corpora, &uri, &path, enc);
                    (uri, stamp, d)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for (uri, stamp, diags) in computed {
            // Opened meanwhile: the open document's own diagnostics take over.
            if self.lock().docs.version(&uri).is_some() {
                continue;
            }
            self.client().publish_diagnostics(uri.clone(), diags, None).await;
            stamps.insert(uri, stamp);
        }
    }

    async fn clear_diagnostics(&self, uri: Uri) {
        // A corpus file goes back to its on-disk diagnostics at the next analysis.
        self.inner.closed_published.lock().await.remove(&uri);
        let mut published = self.inner.published.lock().await;
        published.remove(&uri);
        self.client().publish_diagnostics(uri, Vec::new(), None).await;
    }

    // ---- workspace ---------------------------------------------------------------

    /// Start-up indexing: find corpus roots under the workspace folders, with progress.
    async fn index_workspace(self, with_progress: bool) {
        let session = self.session();
        let progress = if with_progress && session.work_done_progress {
            let token = NumberOrString::String(INDEXING_TOKEN.to_string());
            let created = tokio::time::timeout(
                CLIENT_REQUEST_TIMEOUT,
                self.client().create_work_done_progress(token.clone()),
            )
            .await;
            match created {
                Ok(Ok(())) => Some(
                    self.client()
                        .progress(token, "apparatus")
                        .with_message("Looking for corpora")
                        .with_percentage(0)
                        .begin()
                        .await,
                ),
                Ok(Err(e)) => {
                    warn!(error = %e, "client refused the progress token");
                    None
                }
                Err(_) => {
                    warn!("window/workDoneProgress/create timed out");
                    None
                }
            }
        } else {
            None
        };

        let bases = session.bases.clone();
        let found = tokio::task::spawn_blocking(move || {
            let mut roots: Vec<PathBuf> =
                bases.iter().flat_map(|b| workspace::find_corpus_roots(b)).collect();
            roots.sort();
            roots.dedup();
            roots
        })
        .await
        .unwrap_or_default();
        info!(roots = ?found, "corpus roots");

        // The worker loads the corpora one by one; wait for each to report progress.
        let total = found.len().max(1);
        for (i, root) in found.into_iter().enumerate() {
            if let Some(p) = &progress {
                let pct = u32::try_from(i * 100 / total).unwrap_or(100);
                p.report_with_message(format!("Loading {}", root.display()), pct).await;
            }
            let (done_tx, done_rx) = tokio::sync::oneshot::channel();
            if self.lock().add_root(root, Some(done_tx)) {
                let _ = done_rx.await;
            }
        }
        if let Some(p) = progress {
            p.finish_with_message("Corpora loaded").await;
        }
    }

    /// A file opened outside the known roots: look upwards for its `edition.toml`.
    fn discover_root_of(&self, uri: &Uri) {
        let Some(path) = convert::uri_to_path(uri) else { return };
        if workspace::root_of(&self.lock().roots, &path).is_some() {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let found = tokio::task::spawn_blocking(move || workspace::find_enclosing_root(&path))
                .await
                .ok()
                .flatten();
            if let Some(root) = found {
                if this.lock().add_root(root.clone(), None) {
                    info!(root = %root.display(), "corpus root of an opened file");
                }
            }
        });
    }

    async fn register_file_watchers(&self) {
        let watchers = ["**/*.md", "**/edition.toml"]
            .iter()
            .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String((*g).to_string()), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: WATCHER_REGISTRATION_ID.to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        match tokio::time::timeout(
            CLIENT_REQUEST_TIMEOUT,
            self.client().register_capability(vec![registration]),
        )
        .await
        {
            Ok(Ok(())) => debug!("file watchers registered"),
            Ok(Err(e)) => warn!(error = %e, "client refused the file watchers"),
            Err(_) => warn!("client/registerCapability timed out"),
        }
    }

    // ---- custom requests ---------------------------------------------------------

    /// `apparatus/documentText`: the server's text of an open document (for tests and
    /// debugging).
    pub async fn document_text(&self, params: DocumentTextParams) -> Result<DocumentTextResult> {
        let snap = self.snapshot(&params.uri).ok_or_else(|| not_open(&params.uri))?;
        Ok(DocumentTextResult { uri: snap.uri, version: snap.doc.version, text: snap.doc.text.to_string() })
    }

    /// `apparatus/panic`: panics inside a guarded handler. Registered only when
    /// `APPARATUS_TEST_PANIC=1`.
    pub async fn test_panic(&self, _params: Value) -> Result<Value> {
        run_guarded("apparatus/panic", || -> Value { panic!("deliberate panic for a test") }).await
    }
}

fn not_open(uri: &Uri) -> Error {
    Error::invalid_params(format!("document not open: {}", uri.as_str()))
}

fn compute_diagnostics(snap: &DocSnapshot) -> Vec<Diagnostic> {
    diagnostics::file_diagnostics(&snap.analysis.corpora, &snap.uri, &snap.path, &snap.doc.text, snap.encoding)
}

fn server_capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(session.encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: session.iso_date_hints.then_some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        // Offered only to clients that pull: the others get every diagnostic pushed.
        diagnostic_provider: session.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("apparatus".to_string()),
                // A register or another volume can change a file's diagnostics.
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Session::negotiate(&params);
        info!(encoding = ?session.encoding, bases = ?session.bases, "initialize");
        let capabilities = server_capabilities(&session);
        let _ = self.inner.session.set(session);
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "apparatus".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.inner.diagnostics_loop_started.swap(true, Ordering::SeqCst) {
            tokio::spawn(self.clone().diagnostics_loop());
        }
        let this = self.clone();
        tokio::spawn(async move {
            if this.session().watch_dynamic {
                this.register_file_watchers().await;
            }
            this.index_workspace(true).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.inner.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let version = td.version;
        {
            let mut st = self.lock();
            let doc = Document::new(&td.text, version, td.language_id);
            let text = doc.text.clone();
            st.docs.open(td.uri.clone(), doc);
            st.send(Job::Open { uri: td.uri.clone(), path: document_path(&td.uri), version, text });
        }
        self.discover_root_of(&td.uri);
        // A pulling client gets the open document's diagnostics by pull: the ones pushed
        // while it was closed are withdrawn, or they would show twice.
        if self.session().pull_diagnostics {
            self.clear_diagnostics(td.uri).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Synchronously, before any await: edits take effect in arrival order.
        let enc = self.encoding();
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let mut st = self.lock();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            st.docs.change(&uri, version, &params.content_changes, enc)
        }));
        let edit = match outcome {
            Ok(ChangeOutcome::Applied { edit }) => edit,
            Ok(ChangeOutcome::NotOpen) => {
                warn!(uri = uri.as_str(), "didChange for a document that is not open");
                return;
            }
            Ok(ChangeOutcome::VersionNotIncreasing { previous, edit }) => {
                warn!(uri = uri.as_str(), previous, version, "document version did not increase");
                edit
            }
            Err(payload) => {
                error!(uri = uri.as_str(), panic = %panic_message(payload.as_ref()), "applying a change panicked");
                None // the analysis re-reads the document's text in full
            }
        };
        let Some(text) = st.docs.get(&uri).map(|d| d.text.clone()) else { return };
        st.send(Job::Change { path: document_path(&uri), uri, version, text, edit });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut st = self.lock();
            st.docs.close(&uri);
            st.send(Job::Close { path: document_path(&uri), uri: uri.clone() });
        }
        self.clear_diagnostics(uri).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut st = self.lock();
        for change in params.changes {
            debug!(uri = change.uri.as_str(), kind = ?change.typ, "watched file changed");
            let Some(path) = convert::uri_to_path(&change.uri) else { continue };
            if path.file_name().is_some_and(|n| n == workspace::EDITION_FILE) {
                if let Some(root) = path.parent() {
                    if change.typ == FileChangeType::DELETED {
                        st.roots.retain(|r| r != root);
                    } else if !st.roots.iter().any(|r| r == root) {
                        st.roots.push(root.to_path_buf());
                        st.roots.sort();
                    }
                }
            }
            // The worker re-reads (or drops) files the editor does not hold open.
            st.send(Job::DiskChanged { path });
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> =
            params.event.removed.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
        let added: Vec<PathBuf> =
            params.event.added.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
        {
            let mut st = self.lock();
            let gone: Vec<PathBuf> =
                st.roots.iter().filter(|r| removed.iter().any(|base| r.starts_with(base))).cloned().collect();
            st.roots.retain(|r| !gone.contains(r));
            for root in gone {
                st.send(Job::UnloadRoot { root });
            }
        }
        if !added.is_empty() {
            let this = self.clone();
            tokio::spawn(async move {
                let found = tokio::task::spawn_blocking(move || {
                    added.iter().flat_map(|b| workspace::find_corpus_roots(b)).collect::<Vec<_>>()
                })
                .await
                .unwrap_or_default();
                let mut st = this.lock();
                for root in found {
                    st.add_root(root, None);
                }
            });
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let tdp = params.text_document_position_params;
        let Some(snap) = self.analysed_snapshot(&tdp.text_document.uri).await else { return Ok(None) };
        let offset = snap.conv().offset(tdp.position);
        run_guarded("hover", move || {
            features::hover(&snap, offset).map(|h| convert::hover(snap.conv(), &h))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.session().iso_date_hints {
            return Ok(None);
        }
        let Some(snap) = self.analysed_snapshot(&params.text_document.uri).await else { return Ok(None) };
        let conv = snap.conv();
        let range = conv.offset(params.range.start)..conv.offset(params.range.end);
        run_guarded("inlayHint", move || {
            let hints = features::iso_date_hints(&snap, range);
            let conv = snap.conv();
            Some(hints.into_iter().map(|(offset, label)| convert::inlay_hint(conv, offset, label)).collect())
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let tdp = params.text_document_position_params;
        let Some(snap) = self.analysed_snapshot(&tdp.text_document.uri).await else { return Ok(None) };
        let offset = snap.conv().offset(tdp.position);
        run_guarded("definition", move || {
            let locations = snap.locations(features::definition(&snap, offset));
            (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let tdp = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        let Some(snap) = self.analysed_snapshot(&tdp.text_document.uri).await else { return Ok(None) };
        let offset = snap.conv().offset(tdp.position);
        run_guarded("references", move || {
            Some(snap.locations(features::references(&snap, offset, include_declaration)))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.analysed_snapshot(&params.text_document.uri).await else { return Ok(None) };
        let hierarchical = self.session().hierarchical_symbols;
        run_guarded("documentSymbol", move || {
            let symbols = features::document_symbols(&snap);
            let conv = snap.conv();
            Some(if hierarchical {
                DocumentSymbolResponse::Nested(
                    symbols.iter().map(|s| convert::document_symbol(conv, s)).collect(),
                )
            } else {
                DocumentSymbolResponse::Flat(convert::flat_symbols(&snap.uri, conv, &symbols))
            })
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let snap = self.workspace_snapshot();
        run_guarded("workspaceSymbol", move || {
            let mut out = Vec::new();
            let mut ropes: HashMap<Uri, Option<ropey::Rope>> = HashMap::new();
            for (uri, sym) in features::workspace_symbols(&snap, &params.query) {
                let rope = ropes.entry(uri.clone()).or_insert_with(|| match snap.open.get(&uri) {
                    Some(d) => Some(d.text.clone()),
                    None => snap
                        .analysis
                        .corpora
                        .locate(&document_path(&uri))
                        .and_then(|(c, id)| c.file(id))
                        .map(|f| ropey::Rope::from_str(&f.text)),
                });
                if let Some(rope) = rope {
                    let conv = Converter::new(rope, snap.encoding);
                    out.extend(convert::flat_symbols(&uri, conv, std::slice::from_ref(&sym)));
                }
            }
            Some(WorkspaceSymbolResponse::Flat(out))
        })
        .await
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let (result_id, items) = match self.analysed_snapshot(&uri).await {
            Some(snap) if snap.analysed == Some(snap.doc.version) => {
                let id = format!("v{}g{}", snap.doc.version, snap.analysis.generation);
                (Some(id), run_guarded("diagnostic", move || compute_diagnostics(&snap)).await?)
            }
            Some(_) => {
                return Err(Error {
                    code: ErrorCode::ContentModified,
                    message: "the analysis has not caught up with the document yet".into(),
                    data: None,
                })
            }
            // Not open: what the corpus read from disk, if a corpus holds the file.
            None => {
                let (analysis, enc) = (self.lock().analysis.clone(), self.encoding());
                let id = format!("g{}", analysis.generation);
                let path = document_path(&uri);
                let items = run_guarded("diagnostic", move || {
                    diagnostics::closed_file_diagnostics(&analysis.corpora, &uri, &path, enc)
                })
                .await?;
                (Some(id), items)
            }
        };
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
            },
        )))
    }
}

/// Serves LSP on stdin/stdout until `exit` (or end of input). Returns the exit status:
/// 0 when `shutdown` came before, 1 otherwise (as the protocol asks).
pub async fn serve() -> i32 {
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    let mut builder = LspService::build(move |client| Backend::new(client, flag))
        .custom_method("apparatus/documentText", Backend::document_text);
    if std::env::var(TEST_PANIC_ENV).is_ok_and(|v| v == "1") {
        builder = builder.custom_method("apparatus/panic", Backend::test_panic);
    }
    let (service, socket) = builder.finish();
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    if shutdown_requested.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_diagnostics_are_dropped() {
        assert!(should_publish(Some(3), (3, 1), None));
        assert!(should_publish(Some(3), (3, 1), Some((2, 9))));
        assert!(should_publish(Some(3), (3, 5), Some((3, 4)))); // another file changed
        assert!(!should_publish(Some(4), (3, 1), None)); // document moved on
        assert!(!should_publish(None, (3, 1), None)); // closed
        assert!(!should_publish(Some(3), (3, 4), Some((3, 4)))); // already published
        assert!(!should_publish(Some(3), (3, 4), Some((3, 5)))); // a newer one was
    }

    #[test]
    fn negotiation_of_session() {
        let params: InitializeParams = serde_json::from_value(serde_json::json!({
            "capabilities": {
                "general": {"positionEncodings": ["utf-16", "utf-8"]},
                "window": {"workDoneProgress": true},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}
            },
            "rootUri": "file:///tmp/ws",
        }))
        .unwrap();
        let s = Session::negotiate(&params);
        assert_eq!(s.encoding, Encoding::Utf8);
        assert!(s.work_done_progress && s.watch_dynamic && s.hierarchical_symbols);
        assert_eq!(s.bases, vec![PathBuf::from("/tmp/ws")]);

        let bare: InitializeParams =
            serde_json::from_value(serde_json::json!({"capabilities": {}})).unwrap();
        let s = Session::negotiate(&bare);
        assert_eq!(s.encoding, Encoding::Utf16);
        assert!(!s.work_done_progress && !s.watch_dynamic && s.bases.is_empty());
    }

    #[tokio::test]
    async fn guarded_panics_become_errors() {
        let err = run_guarded("t", || -> i32 { panic!("boom") }).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
        assert!(err.message.contains("boom"));
        assert_eq!(run_guarded("t", || 7).await.unwrap(), 7);
    }
}
