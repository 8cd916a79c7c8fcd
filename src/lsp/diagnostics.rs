//! Diagnostics of a file as LSP diagnostics: the analysis's problems, converted with the
//! text the analysis holds (so ranges match the version they were computed for).

use std::collections::HashMap;
use std::path::Path;

use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, DiagnosticRelatedInformation, Location, Uri};

use crate::analysis::FileId;

use super::convert::{self, byte_range, Converter};
use super::host::Corpora;
use super::position::Encoding;

/// The diagnostics of the file at `path` (shown as `uri`), whose text is `rope`; empty
/// when no corpus holds the file.
pub fn file_diagnostics(
    corpora: &Corpora,
    uri: &Uri,
    path: &Path,
    rope: &Rope,
    enc: Encoding,
) -> Vec<lsp::Diagnostic> {
    let Some((corpus, id)) = corpora.locate(path) else { return Vec::new() };
    let conv = Converter::new(rope, enc);
    let mut other_texts: HashMap<FileId, Rope> = HashMap::new();
    corpus
        .diagnostics(id)
        .iter()
        .map(|d| {
            let related = d
                .related
                .iter()
                .filter_map(|r| {
                    let location = if r.file == id || r.file == FileId::DETACHED {
                        Location { uri: uri.clone(), range: conv.range(byte_range(r.range)) }
                    } else {
                        let file = corpus.file(r.file)?;
                        let text = other_texts.entry(r.file).or_insert_with(|| Rope::from_str(&file.text));
                        Location {
                            uri: convert::path_to_uri(&file.path)?,
                            range: Converter::new(text, enc).range(byte_range(r.range)),
                        }
                    };
                    Some(DiagnosticRelatedInformation { location, message: r.message.clone() })
                })
                .collect();
            convert::diagnostic(conv, d, related)
        })
        .collect()
}

/// The diagnostics of a file no editor has open, from the text the corpus read.
pub fn closed_file_diagnostics(corpora: &Corpora, uri: &Uri, path: &Path, enc: Encoding) -> Vec<lsp::Diagnostic> {
    let Some((corpus, id)) = corpora.locate(path) else { return Vec::new() };
    let Some(file) = corpus.file(id) else { return Vec::new() };
    let rope = Rope::from_str(&file.text);
    file_diagnostics(corpora, uri, path, &rope, enc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Corpus;
    use std::path::PathBuf;
    use std::sync::Arc;

    #[test]
    fn loose_file_diagnostics_are_converted_in_the_encoding() {
        let path = PathBuf::from("/loose/v.md");
        let text = "## Письмо 😀\nid: m1\n\nBody.[^1]\n";
        let mut corpora = Corpora::default();
        let mut corpus = Corpus::default();
        corpus.set_file_text(&path, Arc::from(text), None);
        corpora.loose.insert(path.clone(), corpus);
        let uri: Uri = "file:///loose/v.md".parse().unwrap();
        let rope = Rope::from_str(text);
        let diags = file_diagnostics(&corpora, &uri, &path, &rope, Encoding::Utf16);
        let undefined = diags
            .iter()
            .find(|d| d.code == Some(lsp::NumberOrString::String("footnote-undefined".into())))
            .unwrap_or_else(|| panic!("no footnote-undefined in {diags:?}"));
        assert_eq!(undefined.range.start, lsp::Position::new(3, 5));
        assert_eq!(undefined.source.as_deref(), Some("apparatus"));
        assert!(file_diagnostics(&corpora, &uri, Path::new("/elsewhere.md"), &rope, Encoding::Utf16).is_empty());
    }
}
