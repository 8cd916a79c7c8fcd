//! Find references: a note's markers and definition; every mention of a person across the
//! corpus; every cross-reference to a message.
use crate::analysis::{Corpus, FileId, PersonIdx};
use crate::syntax::{LinkKind, TextRange};

use super::{block_at, item_at, meta, person_target, Item, Target};

pub fn references(corpus: &Corpus, file: FileId, offset: usize, include_declaration: bool) -> Vec<Target> {
    let Some(item) = item_at(corpus, file, offset) else { return Vec::new() };
    let Some(f) = corpus.file(file) else { return Vec::new() };
    match item {
        Item::Marker { range, label } | Item::NoteHead { range, label } => {
            let Some((_, b, _)) = block_at(f, range.start()) else { return Vec::new() };
            let text = b.text(&f.text);
            let mut out: Vec<Target> = b
                .block
                .markers
                .iter()
                .filter(|m| m.label.slice(text) == label)
                .map(|m| Target { file, range: b.abs(m.range) })
                .collect();
            if include_declaration {
                out.extend(b.block.notes.iter().filter(|n| n.label.slice(text) == label).map(|n| Target { file, range: b.abs(n.head) }));
            }
            sorted(out)
        }
        Item::Mention { persons, .. } => match persons.as_slice() {
            [one] => person_references(corpus, *one, include_declaration),
            _ => Vec::new(),
        },
        Item::PersonEntry { person, .. } => person_references(corpus, person, include_declaration),
        Item::Xref { id, .. } => message_references(corpus, &id, include_declaration),
        Item::MessageHeading { block, .. } => {
            let b = &f.volume.blocks[block];
            match meta(b.text(&f.text), &b.block, "id") {
                Some(id) => message_references(corpus, id, include_declaration),
                None => Vec::new(),
            }
        }
        Item::WordMarker { .. } | Item::TextDate { .. } | Item::MetaDate { .. } => Vec::new(),
    }
}

fn sorted(mut v: Vec<Target>) -> Vec<Target> {
    v.sort_by_key(|t| (t.file, t.range.start));
    v.dedup();
    v
}

/// Every mention of one person, implicit, explicit or in metadata, in every file.
pub fn person_references(corpus: &Corpus, person: PersonIdx, include_declaration: bool) -> Vec<Target> {
    let mut out = Vec::new();
    if include_declaration {
        out.push(person_target(corpus, person));
    }
    for (id, f) in corpus.files() {
        for (b, a) in f.volume.blocks.iter().zip(&f.analyses) {
            out.extend(a.mentions.iter().filter(|m| m.persons.one() == Some(person)).map(|m| Target { file: id, range: b.abs(m.range) }));
        }
    }
    sorted(out)
}

fn message_references(corpus: &Corpus, id: &str, include_declaration: bool) -> Vec<Target> {
    let mut out = Vec::new();
    if include_declaration {
        for loc in corpus.messages_with_id(id) {
            if let Some(b) = corpus.file(loc.file).map(|f| &f.volume.blocks[loc.block as usize]) {
                let range = b.block.heading.as_ref().map_or(b.abs(loc.range), |h| b.abs(h.title));
                out.push(Target { file: loc.file, range });
            }
        }
    }
    for (fid, f) in corpus.files() {
        for b in &f.volume.blocks {
            let text = b.text(&f.text);
            out.extend(
                b.block
                    .links
                    .iter()
                    .filter(|l| l.kind == LinkKind::Message && l.target.slice(text) == id)
                    .map(|l| Target { file: fid, range: b.abs(TextRange::new(l.range.start(), l.range.end())) }),
            );
        }
    }
    sorted(out)
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::fixture::Fixture;
    use crate::ide::test_fixture::{render_targets, PERSONS};

    fn check(fixture: &str, include_declaration: bool, expect: Expect) {
        let f = Fixture::parse(&format!("{PERSONS}{fixture}"));
        let (file, offset) = f.cursor.expect("fixture has a $0 cursor");
        expect.assert_eq(&render_targets(&f, &references(&f.corpus, file, offset, include_declaration)));
    }

    #[test]
    fn note_markers_and_definition() {
        check("//- /v.md\n## A\nid: a\n\nOne.[^1] Two.[^2] Again.[^1$0]\n\n[^1]: One.\n[^2]: Two.\n", true, expect![[r#"
            v.md:"[^1]"
            v.md:"[^1]"
            v.md:"[^1]"
        "#]]);
    }

    #[test]
    fn every_mention_of_a_person_across_the_corpus() {
        check(
            "//- /v.md\n## A\nid: a\nto: truman\n\nPresident Truman$0 and [he](person:truman).\n//- /w.md\n## B\nid: b\n\nH. S. Truman signed. Gusev too.\n",
            true,
            expect![[r#"
                persons.md:"Truman, Harry S."
                v.md:"truman"
                v.md:"President Truman"
                v.md:"he"
                w.md:"H. S. Truman"
            "#]],
        );
        check("//- /v.md\n## A\nid: a\n\nTruman$0.\n", false, expect![[r#"
            v.md:"Truman"
        "#]]);
    }

    #[test]
    fn cross_references_to_a_message() {
        check(
            "//- /v.md\n## The A$0 message\nid: a\n\nText.\n//- /w.md\n## B\nid: b\n\nSee [A](#a) and [again](#a), not [B](#b).\n",
            true,
            expect![[r#"
                v.md:"The A message"
                w.md:"[A](#a)"
                w.md:"[again](#a)"
            "#]],
        );
    }
}
