//! Go to definition: marker to note and back, mention to register entry, cross-reference to
//! message, Word export marker to its body.
use crate::analysis::{Corpus, FileId};
use crate::syntax::LegacyKind;

use super::{block_at, item_at, person_target, Item, Target};

pub fn definition(corpus: &Corpus, file: FileId, offset: usize) -> Vec<Target> {
    let Some(item) = item_at(corpus, file, offset) else { return Vec::new() };
    let Some(f) = corpus.file(file) else { return Vec::new() };
    match item {
        Item::Marker { range, label } => {
            let Some((_, b, _)) = block_at(f, range.start()) else { return Vec::new() };
            let text = b.text(&f.text);
            b.block
                .notes
                .iter()
                .find(|n| n.label.slice(text) == label)
                .map(|n| Target { file, range: b.abs(n.head) })
                .into_iter()
                .collect()
        }
        Item::NoteHead { range, label } => {
            let Some((_, b, _)) = block_at(f, range.start()) else { return Vec::new() };
            let text = b.text(&f.text);
            // The first marker that stands outside the note itself.
            let own = b.block.notes.iter().position(|n| b.abs(n.head) == range).map(|i| i as u32);
            b.block
                .markers
                .iter()
                .find(|m| m.label.slice(text) == label && m.in_note != own)
                .map(|m| Target { file, range: b.abs(m.range) })
                .into_iter()
                .collect()
        }
        Item::WordMarker { range, label } => {
            let Some((_, b, _)) = block_at(f, range.start()) else { return Vec::new() };
            b.block
                .legacy
                .iter()
                .find(|l| l.kind == LegacyKind::WordNote && l.label == label)
                .map(|l| Target { file, range: b.abs(l.range) })
                .into_iter()
                .collect()
        }
        Item::Mention { persons, .. } => persons.iter().map(|&p| person_target(corpus, p)).collect(),
        Item::PersonEntry { person, .. } => vec![person_target(corpus, person)],
        Item::Xref { id, .. } => corpus
            .messages_with_id(&id)
            .iter()
            .filter_map(|loc| {
                let tf = corpus.file(loc.file)?;
                let b = &tf.volume.blocks[loc.block as usize];
                let h = b.block.heading.as_ref()?;
                Some(Target { file: loc.file, range: b.abs(h.title) })
            })
            .collect(),
        Item::MessageHeading { range, .. } => vec![Target { file, range }],
        Item::TextDate { .. } | Item::MetaDate { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::fixture::Fixture;
    use crate::ide::test_fixture::{render_targets, PERSONS};

    /// Each target as `file:"text of the range"`.
    fn check(volume: &str, expect: Expect) {
        let f = Fixture::parse(&format!("{PERSONS}{volume}"));
        let (file, offset) = f.cursor.expect("fixture has a $0 cursor");
        expect.assert_eq(&render_targets(&f, &definition(&f.corpus, file, offset)));
    }

    #[test]
    fn marker_to_note_and_back() {
        check("//- /v.md\n## A\nid: a\n\nText.[^1$0] More.[^1]\n\n[^1]: The note.\n", expect![[r#"
            v.md:"[^1]"
        "#]]);
        let f = Fixture::parse(&format!("{PERSONS}//- /v.md\n## A\nid: a\n\nText.[^1] More.[^1]\n\n[^$01]: The note, cf. [^1].\n"));
        let (file, offset) = f.cursor.unwrap();
        let t = definition(&f.corpus, file, offset);
        let text = &f.corpus.file(file).unwrap().text;
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].range.start(), text.find("[^1]").unwrap(), "the first marker in the text, not the one inside the note");
    }

    #[test]
    fn marker_in_heading_belongs_to_its_message() {
        check("//- /v.md\n## A record[^5$07]\nid: a\n\nText.\n\n[^57]: Meeting held at the Kremlin.\n", expect![[r#"
            v.md:"[^57]"
        "#]]);
    }

    #[test]
    fn word_export_marker_to_body() {
        check("//- /v.md\n## A\nid: a\n\nText[footnote$0Ref:2] more [2:  The body.] end.\n", expect![[r#"
            v.md:"[2:  The body.]"
        "#]]);
    }

    #[test]
    fn mention_to_register_entry() {
        check("//- /v.md\n## A\nid: a\nto: truman\n\nV.M. Molo$0tov said.\n", expect![[r#"
            persons.md:"Molotov, Vyacheslav Mikhailovich"
        "#]]);
        check("//- /v.md\n## A\nid: a\nto: tru$0man\n\nText.\n", expect![[r#"
            persons.md:"Truman, Harry S."
        "#]]);
        check("//- /v.md\n## A\nid: a\n\n[The Secretary$0](person:byrnes) said.\n", expect![[r#"
            persons.md:"Byrnes, James Francis"
        "#]]);
        check("//- /v.md\n## A\nid: a\n\nGusev$0 said.\n", expect![[r#"
            persons.md:"Gusev, Fedor Tarasovich"
            persons.md:"Gusev, Another"
        "#]]);
    }

    #[test]
    fn cross_reference_to_message() {
        check("//- /v.md\n## A\nid: a\n\nSee [B](#b$0).\n//- /w.md\n## The B message\nid: b\n", expect![[r#"
            w.md:"The B message"
        "#]]);
        check("//- /v.md\n## A\nid: a\n\nPlain$0 text.\n", expect![[r#""#]]);
    }
}
