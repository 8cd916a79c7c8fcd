//! The bridge from the server to the `ide` layer: one function per feature, taking a
//! snapshot and a byte offset and returning byte-offset results.
//!
//! Until `crate::ide` exists these return nothing. When it lands, each body becomes a
//! call such as `crate::ide::hover(corpus, file, offset)`, with
//! `let (corpus, file) = snap.analysis.corpora.locate(&snap.path)?`, and the result is
//! mapped onto the `convert::Byte*` shapes (or those are replaced by the ide types).
//! These functions run on a blocking thread inside `catch_unwind` (see `server::run_guarded`).

use std::ops::Range;

use tower_lsp_server::ls_types::Uri;

use super::convert::{ByteHover, ByteSymbol};
use super::server::{DocSnapshot, WorkspaceSnapshot};

pub fn hover(_snap: &DocSnapshot, _offset: usize) -> Option<ByteHover> {
    None
}

/// Targets of a definition: (document, byte range in that document).
pub fn definition(_snap: &DocSnapshot, _offset: usize) -> Vec<(Uri, Range<usize>)> {
    Vec::new()
}

pub fn references(
    _snap: &DocSnapshot,
    _offset: usize,
    _include_declaration: bool,
) -> Vec<(Uri, Range<usize>)> {
    Vec::new()
}

pub fn document_symbols(_snap: &DocSnapshot) -> Vec<ByteSymbol> {
    Vec::new()
}

pub fn workspace_symbols(_snap: &WorkspaceSnapshot, _query: &str) -> Vec<(Uri, ByteSymbol)> {
    Vec::new()
}
