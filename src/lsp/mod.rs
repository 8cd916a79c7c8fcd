//! The language server (`apparatus lsp`): the only layer that sees LSP types,
//! positions and encodings.
//!
//! - [`position`]: byte offsets <-> LSP positions in the negotiated encoding (UTF-8 or UTF-16).
//! - [`documents`]: the open-document store (ropes, versions, incremental changes).
//! - [`convert`]: every conversion between byte-offset results and LSP types.
//! - [`workspace`]: discovery of corpus roots (folders with `edition.toml`).
//! - [`host`]: the analysis worker: corpora kept in step with the editor, off the runtime.
//! - [`diagnostics`]: a file's analysis diagnostics as LSP diagnostics.
//! - [`features`]: the bridge to the `ide` layer, one function per feature.
//! - [`server`]: state, negotiation, handlers, diagnostics publication.
//!
//! Logs go to stderr (filter in `APPARATUS_LOG`, e.g. `APPARATUS_LOG=apparatus=debug`);
//! stdout carries only the protocol. The server writes no file.

pub mod convert;
pub mod diagnostics;
pub mod documents;
pub mod features;
pub mod host;
pub mod position;
pub mod server;
pub mod workspace;

use std::time::Duration;

/// Runs the server on stdin/stdout; returns the process exit status.
pub fn run() -> i32 {
    init_logging();
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panic");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("apparatus lsp: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let status = runtime.block_on(server::serve());
    // The stdin reader may still be blocked in a read; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(500));
    status
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("APPARATUS_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
