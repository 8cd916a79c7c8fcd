//! Editor features, one module each, as pure functions of a corpus snapshot and a position.
//! Positions and results are byte offsets; the `lsp` layer converts them.
pub mod definition;
pub mod hover;
pub mod inlay;
pub mod references;
pub mod symbols;

use crate::analysis::{BlockAnalysis, Corpus, File, FileId, FileKind, Mention, PersonIdx};
use crate::syntax::{Block, BlockRef, LegacyKind, LinkKind, TextRange};

pub use definition::definition;
pub use hover::{hover, Hover};
pub use inlay::{iso_date_hints, InlayHint};
pub use references::references;
pub use symbols::{document_symbols, workspace_symbols, Symbol, SymbolKind};

/// A place to go to: a file and a range in it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Target {
    pub file: FileId,
    pub range: TextRange,
}

/// What stands at a position, in the edition's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A footnote marker `[^label]` (absolute range), with its label.
    Marker { range: TextRange, label: String },
    /// The `[^label]` head of a note definition.
    NoteHead { range: TextRange, label: String },
    /// A Word export marker `[footnoteRef:N]`.
    WordMarker { range: TextRange, label: String },
    /// A mention of one or several persons (several: an ambiguous form).
    Mention { range: TextRange, persons: Vec<PersonIdx> },
    /// The heading of a register entry.
    PersonEntry { range: TextRange, person: PersonIdx },
    /// A cross-reference `[text](#id)`: the id.
    Xref { range: TextRange, id: String },
    /// The heading of a message, or its `id:` value.
    MessageHeading { range: TextRange, block: usize },
    /// A date in running text (index into the block's dates).
    TextDate { range: TextRange, block: usize, date: usize },
    /// A date in metadata: its value.
    MetaDate { range: TextRange, block: usize, value: String },
}

/// The block holding `offset`, with its analysis.
pub(crate) fn block_at(file: &File, offset: usize) -> Option<(usize, &BlockRef, &BlockAnalysis)> {
    let i = file.volume.block_at(offset)?;
    Some((i, &file.volume.blocks[i], file.analyses.get(i)?))
}

fn note_label<'t>(text: &'t str, block: &Block, range_rel: TextRange) -> Option<&'t str> {
    block.markers.iter().find(|m| m.range == range_rel).map(|m| m.label.slice(text))
}

/// What stands at `offset` in `file`: the innermost item whose range touches it.
pub(crate) fn item_at(corpus: &Corpus, file: FileId, offset: usize) -> Option<Item> {
    let f = corpus.file(file)?;
    let (bi, b, analysis) = block_at(f, offset)?;
    let text = b.text(&f.text);
    let rel = offset.checked_sub(b.start())?;
    let block = &b.block;
    for m in &block.markers {
        if m.range.touches(rel) {
            let label = note_label(text, block, m.range)?.to_string();
            return Some(Item::Marker { range: b.abs(m.range), label });
        }
    }
    for n in &block.notes {
        if n.head.touches(rel) {
            return Some(Item::NoteHead { range: b.abs(n.head), label: n.label.slice(text).to_string() });
        }
    }
    for l in &block.legacy {
        if l.kind == LegacyKind::WordMarker && l.range.touches(rel) {
            return Some(Item::WordMarker { range: b.abs(l.range), label: l.label.clone() });
        }
    }
    for l in &block.links {
        if l.kind == LinkKind::Message && l.range.touches(rel) {
            return Some(Item::Xref { range: b.abs(l.target), id: l.target.slice(text).to_string() });
        }
    }
    if let Some(m) = mention_at(analysis, rel) {
        if !m.persons.as_slice().is_empty() {
            return Some(Item::Mention { range: b.abs(m.range), persons: m.persons.as_slice().to_vec() });
        }
    }
    if f.kind == FileKind::Register {
        if let Some(h) = &block.heading {
            let id_value = block.metadata.iter().find(|m| m.key.slice(text) == "id").map(|m| m.value);
            let on_entry = h.line.touches(rel) || id_value.is_some_and(|v| v.touches(rel));
            if on_entry {
                let id = id_value?.slice(text);
                let person = corpus.register.get(id)?;
                return Some(Item::PersonEntry { range: b.abs(h.title), person });
            }
        }
        return None;
    }
    for (di, d) in block.dates.iter().enumerate() {
        if d.range.touches(rel) {
            return Some(Item::TextDate { range: b.abs(d.range), block: bi, date: di });
        }
    }
    for m in &block.metadata {
        let key = m.key.slice(text);
        if matches!(key, "date" | "sent" | "received") && m.value.touches(rel) && !m.value.is_empty() {
            return Some(Item::MetaDate { range: b.abs(m.value), block: bi, value: m.value.slice(text).to_string() });
        }
    }
    if block.kind == crate::syntax::BlockKind::Message {
        let on_heading = block.heading.as_ref().is_some_and(|h| h.line.touches(rel));
        let on_id = block.metadata.iter().any(|m| m.key.slice(text) == "id" && m.value.touches(rel));
        if on_heading || on_id {
            let range = block.heading.as_ref().map_or(TextRange::empty(0), |h| b.abs(h.title));
            return Some(Item::MessageHeading { range, block: bi });
        }
    }
    None
}

fn mention_at(analysis: &BlockAnalysis, rel: usize) -> Option<&Mention> {
    let i = analysis.mentions.partition_point(|m| m.range.end() < rel);
    analysis.mentions[i..].iter().take_while(|m| m.range.start() <= rel).find(|m| m.range.touches(rel))
}

/// The register entry of a person: its file and heading.
pub(crate) fn person_target(corpus: &Corpus, person: PersonIdx) -> Target {
    let p = corpus.register.person(person);
    Target { file: p.file, range: p.heading }
}

/// The value of a metadata key in a block.
pub(crate) fn meta<'t>(text: &'t str, block: &Block, key: &str) -> Option<&'t str> {
    block.metadata.iter().find(|m| m.key.slice(text) == key).map(|m| m.value.slice(text))
}

#[cfg(test)]
pub(crate) mod test_fixture {
    //! A shared register and volume for the feature tests.
    use super::Target;
    use crate::fixture::{Fixture, ROOT};

    /// Each target as `file:"text of the range"`, one a line.
    pub fn render_targets(f: &Fixture, targets: &[Target]) -> String {
        targets
            .iter()
            .map(|t| {
                let tf = f.corpus.file(t.file).expect("target file");
                format!("{}:{:?}\n", tf.path.strip_prefix(ROOT).unwrap_or(&tf.path).display(), t.range.slice(&tf.text))
            })
            .collect()
    }

    pub const PERSONS: &str = "//- /persons.md
## Byrnes, James Francis
id: byrnes
names: Byrnes; Mr. Byrnes
born: 1882-05-02
died: 1972-04-09
role: United States Secretary of State, 1945–1947

American politician. Secretary of State under Truman.

He led the US delegation at the Moscow Conference.

## Truman, Harry S.
id: truman
names: Truman; President Truman; H. S. Truman
born: 1884-05-08
died: 1972-12-26
role: President of the United States, 1945–1953
wikidata: Q11613

Thirty-third President of the United States.

## Molotov, Vyacheslav Mikhailovich
id: molotov
names: Molotov; V.M. Molotov
role: People's Commissar for Foreign Affairs

Soviet foreign minister.

## Gusev, Fedor Tarasovich
id: gusev
names: Gusev

## Gusev, Another
id: gusev-another
names: Gusev
";
}
