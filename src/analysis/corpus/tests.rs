use std::path::Path;
use std::sync::Arc;

use crate::fixture::{Fixture, ROOT};
use crate::syntax::volume::Edit;

use super::*;

const FIXTURE: &str = "//- /persons.md
## Byrnes, James Francis
id: byrnes
names: Byrnes

//- /volume.md
## A
id: a

Byrnes said.[^1]

## B
id: b

See [A](#a).
";

fn edit(corpus: &mut Corpus, name: &str, find: &str, replace: &str) {
    let path = Path::new(ROOT).join(name);
    let id = corpus.file_id(&path).unwrap();
    let old = corpus.file(id).unwrap().text.clone();
    let start = old.find(find).unwrap();
    let new = format!("{}{}{}", &old[..start], replace, &old[start + find.len()..]);
    corpus.set_file_text(&path, Arc::from(new), Some(Edit { start, old_end: start + find.len(), new_len: replace.len() }));
}

#[test]
fn an_edit_reanalyses_only_its_block() {
    let mut corpus = Fixture::parse(FIXTURE).corpus;
    let vol = corpus.file_id(&Path::new(ROOT).join("volume.md")).unwrap();
    let before = corpus.file(vol).unwrap().clone();
    edit(&mut corpus, "volume.md", "See", "Look at");
    let after = corpus.file(vol).unwrap();
    assert!(Arc::ptr_eq(&before.analyses[0], &after.analyses[0]));
    assert!(!Arc::ptr_eq(&before.analyses[1], &after.analyses[1]));
    let full = Corpus::from_texts(Some(Path::new(ROOT)), corpus.files().map(|(_, f)| (f.path.clone(), f.text.to_string())).collect());
    let fid = full.file_id(&Path::new(ROOT).join("volume.md")).unwrap();
    assert_eq!(corpus.diagnostics(vol), full.diagnostics(fid));
}

#[test]
fn ids_and_cross_references_follow_edits() {
    let mut corpus = Fixture::parse(FIXTURE).corpus;
    let vol = corpus.file_id(&Path::new(ROOT).join("volume.md")).unwrap();
    assert!(corpus.diagnostics(vol).iter().all(|d| d.code != Code::XrefUnknown));
    edit(&mut corpus, "volume.md", "id: a", "id: aa");
    let codes: Vec<_> = corpus.diagnostics(vol).iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::XrefUnknown), "{codes:?}");
    edit(&mut corpus, "volume.md", "id: aa", "id: b");
    let codes: Vec<_> = corpus.diagnostics(vol).iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::MessageDuplicateId), "{codes:?}");
}

#[test]
fn a_register_edit_changes_mentions_everywhere() {
    let mut corpus = Fixture::parse(FIXTURE).corpus;
    let vol = corpus.file_id(&Path::new(ROOT).join("volume.md")).unwrap();
    assert_eq!(corpus.file(vol).unwrap().analyses[0].mentions.len(), 1);
    edit(&mut corpus, "persons.md", "names: Byrnes", "names: Byrnes; said");
    assert_eq!(corpus.file(vol).unwrap().analyses[0].mentions.len(), 2);
    // A biography edit leaves the volumes' analyses as they are.
    let before = corpus.file(vol).unwrap().analyses[0].clone();
    edit(&mut corpus, "persons.md", "names: Byrnes; said", "names: Byrnes; said\n\nSecretary of State.");
    assert!(Arc::ptr_eq(&before, &corpus.file(vol).unwrap().analyses[0]));
}

#[test]
fn files_outside_a_corpus_get_what_needs_no_register() {
    let corpus = Corpus::from_texts(None, vec![("/x/raw.md".into(), "## A\nfrom: nobody\n\nText.[^1] Ministers57\n".into())]);
    let id = corpus.file_id(Path::new("/x/raw.md")).unwrap();
    let codes: Vec<_> = corpus.diagnostics(id).iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::FootnoteUndefined, Code::LegacyFootnote]);
}

#[test]
fn non_utf8_is_an_encoding_error_on_line_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edition.toml"), "title = \"T\"\n").unwrap();
    std::fs::write(dir.path().join("persons.md"), "").unwrap();
    std::fs::write(dir.path().join("bad.md"), b"## A\n\xff\xfe caf\xe9\n").unwrap();
    let corpus = Corpus::load(dir.path()).unwrap();
    let id = corpus.file_id(&dir.path().join("bad.md")).unwrap();
    let d = corpus.diagnostics(id);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::Encoding);
    assert_eq!(d[0].range.start, 0);
    assert!(d[0].message.contains("not valid UTF-8 (first bad byte at offset 5)"), "{}", d[0].message);
}

#[test]
fn the_message_index_is_rebuilt_only_when_ids_or_blocks_change() {
    let mut corpus = Fixture::parse(FIXTURE).corpus;
    let vol = corpus.file_id(&Path::new(ROOT).join("volume.md")).unwrap();
    let stamp = |c: &Corpus| c.diagnostics_stamp(vol).index;
    let before = stamp(&corpus);
    edit(&mut corpus, "volume.md", "Byrnes said.", "Byrnes said it.");
    assert_eq!(stamp(&corpus), before, "typing in a body leaves the index");
    edit(&mut corpus, "volume.md", "Byrnes said it.", "Byrnes said it.\n\n## New\nid: new\n");
    assert_ne!(stamp(&corpus), before, "a new message changes it");
    assert_eq!(corpus.messages_with_id("new").len(), 1);
    // Block numbers after the new message moved; the index follows.
    let b = corpus.messages_with_id("b")[0];
    let f = corpus.file(vol).unwrap();
    assert_eq!(corpus.id_range(b).slice(&f.text), "b");
    assert_eq!(f.volume.blocks[b.block as usize].block.heading.as_ref().unwrap().title.slice(f.volume.blocks[b.block as usize].text(&f.text)), "B");
}
