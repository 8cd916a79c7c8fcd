//! The bridge from the server to the `ide` layer: one function per feature, taking a
//! snapshot and a byte offset and returning byte-offset results with the document each
//! points into. These run on a blocking thread inside `catch_unwind`
//! (see `server::run_guarded`).

use std::ops::Range;

use tower_lsp_server::ls_types::{SymbolKind, Uri};

use crate::analysis::{Corpus, FileId};
use crate::ide::{self, Symbol, Target};

use super::convert::{self, ByteHover, ByteSymbol};
use super::server::{DocSnapshot, WorkspaceSnapshot};

/// The most workspace symbols answered at once: clients re-ask as the user types.
const WORKSPACE_SYMBOLS: usize = 256;

fn locate(snap: &DocSnapshot) -> Option<(&Corpus, FileId)> {
    snap.analysis.corpora.locate(&snap.path)
}

fn targets(corpus: &Corpus, targets: Vec<Target>) -> Vec<(Uri, Range<usize>)> {
    targets
        .into_iter()
        .filter_map(|t| {
            let f = corpus.file(t.file)?;
            Some((convert::path_to_uri(&f.path)?, t.range.as_range()))
        })
        .collect()
}

pub fn hover(snap: &DocSnapshot, offset: usize) -> Option<ByteHover> {
    let (corpus, file) = locate(snap)?;
    let h = ide::hover(corpus, file, offset)?;
    Some(ByteHover { range: h.range.as_range(), markdown: h.markdown })
}

/// ISO forms of the dates in a byte range: (offset after the date, label).
pub fn iso_date_hints(snap: &DocSnapshot, range: Range<usize>) -> Vec<(usize, String)> {
    let Some((corpus, file)) = locate(snap) else { return Vec::new() };
    ide::iso_date_hints(corpus, file, crate::syntax::TextRange::from(range)).into_iter().map(|h| (h.offset, h.label)).collect()
}

/// Targets of a definition: (document, byte range in that document).
pub fn definition(snap: &DocSnapshot, offset: usize) -> Vec<(Uri, Range<usize>)> {
    let Some((corpus, file)) = locate(snap) else { return Vec::new() };
    targets(corpus, ide::definition(corpus, file, offset))
}

pub fn references(snap: &DocSnapshot, offset: usize, include_declaration: bool) -> Vec<(Uri, Range<usize>)> {
    let Some((corpus, file)) = locate(snap) else { return Vec::new() };
    targets(corpus, ide::references(corpus, file, offset, include_declaration))
}

fn symbol_kind(kind: ide::SymbolKind) -> SymbolKind {
    match kind {
        ide::SymbolKind::Group => SymbolKind::NAMESPACE,
        ide::SymbolKind::Message => SymbolKind::EVENT,
        ide::SymbolKind::Note => SymbolKind::STRING,
        ide::SymbolKind::Person => SymbolKind::OBJECT,
    }
}

fn byte_symbol(s: &Symbol) -> ByteSymbol {
    ByteSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        range: s.range.as_range(),
        selection_range: s.selection.as_range(),
        children: s.children.iter().map(byte_symbol).collect(),
    }
}

pub fn document_symbols(snap: &DocSnapshot) -> Vec<ByteSymbol> {
    let Some((corpus, file)) = locate(snap) else { return Vec::new() };
    ide::document_symbols(corpus, file).iter().map(byte_symbol).collect()
}

/// Messages and persons of every loaded corpus (and of loose open files).
pub fn workspace_symbols(snap: &WorkspaceSnapshot, query: &str) -> Vec<(Uri, ByteSymbol)> {
    let corpora = &snap.analysis.corpora;
    let mut out = Vec::new();
    for corpus in corpora.by_root.values().chain(corpora.loose.values()) {
        for s in ide::workspace_symbols(corpus, query, WORKSPACE_SYMBOLS) {
            let Some(uri) = corpus.file(s.file).and_then(|f| convert::path_to_uri(&f.path)) else { continue };
            out.push((uri, byte_symbol(&s)));
        }
    }
    out.truncate(WORKSPACE_SYMBOLS);
    out
}
