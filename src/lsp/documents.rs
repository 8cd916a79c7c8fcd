//! The open-document store: one rope and version per open URI.
//!
//! Changes are applied synchronously, in the order the notifications arrive, by the
//! server while it holds the state lock (see `server.rs`); this module is plain data.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{range_from_lsp, Encoding};

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

    /// Applies one content change: a range edit, or the whole text when `range` is absent.
    pub fn apply_change(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => self.text = Rope::from_str(&change.text),
            Some(range) => {
                let bytes = range_from_lsp(&self.text, range, enc);
                // Clamped offsets are char boundaries, so these conversions are exact.
                let start = self.text.byte_to_char(bytes.start);
                let end = self.text.byte_to_char(bytes.end);
                self.text.remove(start..end);
                self.text.insert(start, &change.text);
            }
        }
    }

    /// Applies the changes of one `didChange` in order and takes the new version.
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        enc: Encoding,
    ) {
        for change in changes {
            self.apply_change(change, enc);
        }
        self.version = version;
    }
}

/// What a `didChange` did to the store.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    Applied,
    /// The document is not open: the change is ignored (and logged by the caller).
    NotOpen,
    /// Applied, but the version did not increase (a client bug, logged by the caller).
    VersionNotIncreasing { previous: i32 },
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
        doc.apply_changes(changes, version, enc);
        if version <= previous {
            ChangeOutcome::VersionNotIncreasing { previous }
        } else {
            ChangeOutcome::Applied
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
        assert_eq!(out, ChangeOutcome::Applied);
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
        docs.change(
            &uri(),
            2,
            &[edit(0, 6, 0, 14, ""), edit(0, 6, 0, 6, " И.М.")],
            Encoding::Utf8,
        );
        assert_eq!(docs.get(&uri()).unwrap().text.to_string(), "Май И.М.");
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
        assert_eq!(out, ChangeOutcome::VersionNotIncreasing { previous: 3 });
        let other: Uri = "file:///c/other.md".parse().unwrap();
        assert_eq!(docs.change(&other, 1, &[full("x")], Encoding::Utf16), ChangeOutcome::NotOpen);
    }
}
