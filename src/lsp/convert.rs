//! Conversions between the byte-offset world below and LSP types: URIs and paths,
//! positions and ranges, and the result shapes of the editor features.
//!
//! Diagnostics come from `crate::analysis`. The `ide` layer will return byte-offset
//! results; until its types exist, the `Byte*` structs below stand in for them with the
//! same shape. When `crate::ide` lands, replace each stand-in with the ide type (or a
//! `From` impl) and keep the functions.

use std::ops::Range as ByteRange;
use std::path::{Path, PathBuf};

use ropey::Rope;
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintTooltip,
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, NumberOrString, Position, SymbolInformation, SymbolKind, Uri,
};

use crate::analysis;
use crate::syntax::TextRange;

use super::position::{self, Encoding};

/// The `source` field of every diagnostic the server publishes.
pub const DIAGNOSTIC_SOURCE: &str = "apparatus";

/// The file-system path of a `file:` URI; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let scheme = uri.scheme().as_str();
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// Converts positions of one document version in the negotiated encoding.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub rope: &'a Rope,
    pub enc: Encoding,
}

impl<'a> Converter<'a> {
    pub fn new(rope: &'a Rope, enc: Encoding) -> Self {
        Converter { rope, enc }
    }
    pub fn offset(&self, pos: Position) -> usize {
        position::position_to_offset(self.rope, pos, self.enc)
    }
    pub fn position(&self, offset: usize) -> Position {
        position::offset_to_position(self.rope, offset, self.enc)
    }
    pub fn range(&self, range: ByteRange<usize>) -> lsp::Range {
        position::range_to_lsp(self.rope, range, self.enc)
    }
}

pub fn severity(s: analysis::Severity) -> DiagnosticSeverity {
    match s {
        analysis::Severity::Error => DiagnosticSeverity::ERROR,
        analysis::Severity::Warning => DiagnosticSeverity::WARNING,
        analysis::Severity::Information => DiagnosticSeverity::INFORMATION,
        analysis::Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn byte_range(r: TextRange) -> ByteRange<usize> {
    r.start()..r.end()
}

/// An analysis diagnostic (absolute byte ranges in the document `conv` converts) as an
/// LSP diagnostic. `related` are its related places, already converted by the caller
/// (they may lie in other files).
pub fn diagnostic(
    conv: Converter<'_>,
    d: &analysis::Diagnostic,
    related: Vec<DiagnosticRelatedInformation>,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: conv.range(byte_range(d.range)),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some(DIAGNOSTIC_SOURCE.to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// A hover card (stand-in for the ide's hover result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteHover {
    pub range: ByteRange<usize>,
    pub markdown: String,
}

pub fn hover(conv: Converter<'_>, h: &ByteHover) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(conv.range(h.range.clone())),
    }
}

/// An inlay hint after a date: its ISO form, set off by a space.
pub fn inlay_hint(conv: Converter<'_>, offset: usize, label: String) -> InlayHint {
    InlayHint {
        position: conv.position(offset),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String("ISO 8601 form of the date".into())),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// A location in some document. Converting it needs that document's text (an open
/// document's rope, or the file as the analysis read it).
pub fn location(uri: Uri, conv: Converter<'_>, range: ByteRange<usize>) -> Location {
    Location { uri, range: conv.range(range) }
}

/// An outline entry (stand-in for the ide's document symbol).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole extent (e.g. a message from its heading to the next heading).
    pub range: ByteRange<usize>,
    /// What to select (e.g. the heading text).
    pub selection_range: ByteRange<usize>,
    pub children: Vec<ByteSymbol>,
}

/// Hierarchical symbols, for clients with `hierarchicalDocumentSymbolSupport`.
pub fn document_symbol(conv: Converter<'_>, s: &ByteSymbol) -> DocumentSymbol {
    #[allow(deprecated)] // `deprecated` is a required field of the struct
    DocumentSymbol {
        name: if s.name.is_empty() { " ".to_string() } else { s.name.clone() },
        detail: s.detail.clone(),
        kind: s.kind,
        tags: None,
        deprecated: None,
        range: conv.range(s.range.clone()),
        selection_range: conv.range(s.selection_range.clone()),
        children: if s.children.is_empty() {
            None
        } else {
            Some(s.children.iter().map(|c| document_symbol(conv, c)).collect())
        },
    }
}

/// Flat symbols with container names, for clients without hierarchical support.
pub fn flat_symbols(uri: &Uri, conv: Converter<'_>, symbols: &[ByteSymbol]) -> Vec<SymbolInformation> {
    fn walk(
        uri: &Uri,
        conv: Converter<'_>,
        s: &ByteSymbol,
        container: Option<&str>,
        out: &mut Vec<SymbolInformation>,
    ) {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: s.kind,
            tags: None,
            deprecated: None,
            location: location(uri.clone(), conv, s.range.clone()),
            container_name: container.map(str::to_string),
        });
        for c in &s.children {
            walk(uri, conv, c, Some(&s.name), out);
        }
    }
    let mut out = Vec::new();
    for s in symbols {
        walk(uri, conv, s, None, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let uri: Uri = "file:///home/ed/vol%201.md".parse().unwrap();
        assert_eq!(uri_to_path(&uri), Some(PathBuf::from("/home/ed/vol 1.md")));
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
        let back = path_to_uri(Path::new("/home/ed/vol 1.md")).unwrap();
        assert_eq!(uri_to_path(&back), Some(PathBuf::from("/home/ed/vol 1.md")));
    }

    #[test]
    fn diagnostic_and_symbols_use_the_encoding() {
        let rope = Rope::from_str("## Письмо 😀\nbody[^1]\n");
        let conv = Converter::new(&rope, Encoding::Utf16);
        let d = analysis::Diagnostic::new(
            analysis::Code::FootnoteUndefined,
            TextRange::new(25, 29),
            "no definition for [^1]",
        );
        let l = diagnostic(conv, &d, Vec::new());
        assert_eq!(l.related_information, None);
        assert_eq!(l.range, lsp::Range::new(Position::new(1, 4), Position::new(1, 8)));
        assert_eq!(l.code, Some(NumberOrString::String("footnote-undefined".into())));
        assert_eq!(l.severity, Some(DiagnosticSeverity::ERROR));

        let sym = ByteSymbol {
            name: "Письмо 😀".into(),
            detail: None,
            kind: SymbolKind::STRING,
            range: 0..rope.len_bytes(),
            selection_range: 3..rope.line_to_byte(1) - 1,
            children: vec![ByteSymbol {
                name: "[^1]".into(),
                detail: None,
                kind: SymbolKind::KEY,
                range: 25..29,
                selection_range: 25..29,
                children: vec![],
            }],
        };
        let ds = document_symbol(conv, &sym);
        assert_eq!(ds.selection_range, lsp::Range::new(Position::new(0, 3), Position::new(0, 12)));
        assert_eq!(ds.children.as_ref().unwrap().len(), 1);
        let uri: Uri = "file:///v.md".parse().unwrap();
        let flat = flat_symbols(&uri, conv, &[sym]);
        assert_eq!(flat.len(), 2);
        assert_eq!(flat[1].container_name.as_deref(), Some("Письмо 😀"));
    }
}
