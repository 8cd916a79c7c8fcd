//! The open-document store: one rope and version per open URI.
//!
//! Changes are applied synchronously, in the order the notifications arrive, by the
//! server while it holds the state lock (see `server.rs`); this module is plain data.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::syntax::volume::Edit;

use super::position::{range_from_lsp, Encoding};

/// One edit with the same effect as `first` followed by `second` (which is in the
/// coordinates of the text after `first`): the smallest envelope of both.
pub fn compose(first: Edit, second: Edit) -> Edit {
    let first_new_end = first.start + first.new_len;
    let start = first.start.min(second.start);
    // The changed region in the intermediate text, mapped to the old and to the new text.
    let mid_end = first_new_end.max(second.old_end);
    let old_end = mid_end + (first.old_end - first.start) - first.new_len;
    let new_end = mid_end + second.new_len - (second.old_end - second.start);
    Edit { start, old_end, new_len: new_end - start }
}

/// An open document. Cloning is cheap (the rope shares its nodes).
#[derive(Debug, Clone)]
pub struct Document {
    pub text: Rope,
    pub version: i32,
    pub language_id: String,
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: String) -> Document {
        Document { text: Rope::from_str(text), version, language_id }
    }

    /// Applies one content change: a range edit, or the whole text when `range` is
    /// absent. Returns the byte edit (`None` for a full-text change).
    pub fn apply_change(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) -> Option<Edit> {
        match change.range {
            None => {
                self.text = Rope::from_str(&change.text);
                None
            }
            Some(range) => {
                let bytes = range_from_lsp(&self.text, range, enc);
                // Clamped offsets are char boundaries, so these conversions are exact.
                let start = self.text.byte_to_char(bytes.start);
                let end = self.text.byte_to_char(bytes.end);
                self.text.remove(start..end);
                self.text.insert(start, &change.text);
                Some(Edit { start: bytes.start, old_end: bytes.end, new_len: change.text.len() })
            }
        }
    }

    /// Applies the changes of one `didChange` in order and takes the new version.
    /// Returns one byte edit covering them all (`None` if one was a full-text change).
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        enc: Encoding,
    ) -> Option<Edit> {
        let mut total: Option<Option<Edit>> = None;
        for change in changes {
            let edit = self.apply_change(change, enc);
            total = Some(match (total, edit) {
                (None, e) => e,
                (Some(Some(a)), Some(b)) => Some(compose(a, b)),
                _ => None,
            });
        }
        self.version = version;
        // No change at all: an empty edit.
        total.unwrap_or(Some(Edit { start: 0, old_end: 0, new_len: 0 }))
    }
}

/// What a `didChange` did to the store.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// Applied; the byte edit from the previous text (`None`: replaced in full).
    Applied { edit: Option<Edit> },
    /// The document is not open: the change is ignored (and logged by the caller).
    NotOpen,
    /// Applied, but the version did not increase (a client bug, logged by the caller).
    VersionNotIncreasing { previous: i32, edit: Option<Edit> },
}

#[derive(Debug, Default, Clone)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, doc: Document) {
        self.docs.insert(uri, doc);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.get(uri).map(|d| d.version)
    }

    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> ChangeOutcome {
        let Some(doc) = self.docs.get_mut(uri) else {
            return ChangeOutcome::NotOpen;
        };
        let previous = doc.version;
        let edit = doc.apply_changes(changes, version, enc);
        if version <= previous {
            ChangeOutcome::VersionNotIncreasing { previous, edit }
        } else {
            ChangeOutcome::Applied { edit }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Uri, &Document)> {
        self.docs.iter()
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        }
    }

    fn full(text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent { range: None, range_length: None, text: text.to_string() }
    }

    fn uri() -> Uri {
        "file:///c/vol.md".parse().unwrap()
    }

    #[test]
    fn incremental_edits_utf16() {
        let mut docs = Documents::default();
        docs.open(uri(), Document::new("Stalin 😀 to\r\nChurchill", 1, "markdown".into()));
        // Replace "to" (after the emoji: columns 10..12 in UTF-16) with "an".
        let out = docs.change(&uri(), 2, &[edit(0, 10, 0, 12, "an")], Encoding::Utf16);
        assert_eq!(out, ChangeOutcome::Applied { edit: Some(Edit { start: 12, old_end: 14, new_len: 2 }) });
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "Stalin 😀 an\r\nChurchill");
        // Join the lines: delete the CRLF.
        docs.change(&uri(), 3, &[edit(0, 12, 1, 0, " ")], Encoding::Utf16);
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "Stalin 😀 an Churchill");
        assert_eq!(docs.version(&uri()), Some(3));
    }

    #[test]
    fn incremental_edits_utf8_and_several_changes_in_order() {
        let mut docs = Documents::default();
        docs.open(uri(), Document::new("Майский", 1, "markdown".into()));
        // In UTF-8, "Май" is 6 bytes. Two changes in one notification apply in order.
        let out = docs.change(
            &uri(),
            2,
            &[edit(0, 6, 0, 14, ""), edit(0, 6, 0, 6, " И.М.")],
            Encoding::Utf8,
        );
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "Май И.М.");
        let envelope = Edit { start: 6, old_end: 14, new_len: " И.М.".len() };
        assert_eq!(out, ChangeOutcome::Applied { edit: Some(envelope) });
    }

    #[test]
    fn full_change_and_out_of_range_edits() {
        let mut docs = Documents::default();
        docs.open(uri(), Document::new("abc", 1, "markdown".into()));
        docs.change(&uri(), 2, &[full("new\ntext")], Encoding::Utf16);
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "new\ntext");
        // An insertion far past the end lands at the end; no panic.
        docs.change(&uri(), 3, &[edit(40, 2, 50, 9, "!")], Encoding::Utf16);
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "new\ntext!");
        let out = docs.change(&uri(), 3, &[], Encoding::Utf16);
        assert_eq!(out, ChangeOutcome::VersionNotIncreasing { previous: 3, edit: Some(Edit { start: 0, old_end: 0, new_len: 0 }) });
        assert_eq!(
            docs.change(&uri(), 4, &[edit(0, 0, 0, 1, "N"), full("whole")], Encoding::Utf16),
            ChangeOutcome::Applied { edit: None }
        );
        let other: Uri = "file:///c/other.md".parse().unwrap();
        assert_eq!(docs.change(&other, 1, &[full("x")], Encoding::Utf16), ChangeOutcome::NotOpen);
    }
}
