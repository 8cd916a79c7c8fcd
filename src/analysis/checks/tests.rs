//! One fixture per check: a true positive, and a near miss that must not fire.
use expect_test::{expect, Expect};

use crate::fixture::Fixture;

const PERSONS: &str = "//- /persons.md
## Byrnes, James Francis
id: byrnes
names: Byrnes; Mr. Byrnes; James F. Byrnes

## Molotov, Vyacheslav Mikhailovich
id: molotov
names: Molotov; V.M. Molotov

## Gusev, Fedor Tarasovich
id: gusev
names: Gusev; F. T. Gusev

## Gusev, Another
id: gusev-another
names: Gusev
";

fn check(fixture: &str, expect: Expect) {
    let text = if fixture.starts_with("//- ") { format!("{PERSONS}{fixture}") } else { format!("{PERSONS}//- /volume.md\n{fixture}") };
    let f = Fixture::parse(&text);
    let all = f.diagnostics();
    // The shared register's own ambiguity is reported in every test; leave it out.
    let own: String = all.lines().filter(|l| !l.starts_with("persons.md")).map(|l| format!("{l}\n")).collect();
    expect.assert_eq(&own);
}

#[test]
fn footnote_undefined_unused_duplicate_order_and_self_reference() {
    check(
        "## A\nid: a\n\nOne.[^1] Three.[^3] Two.[^2]\n\n[^1]: Note one.\n[^2]: Note two, see [^2].\n[^2]: Again.\n[^4]: Nobody points here.\n",
        expect![[r#"
            volume.md:4:16 footnote-undefined: marker `[^3]` has no note in this message; add a definition `[^3]: …` below the message's text, or remove the marker | "[^3]"
            volume.md:4:25 footnote-order: note `[^2]` first appears after `[^3]`; number the notes in the order of the text | "[^2]"
            volume.md:7:21 footnote-undefined: marker `[^2]` stands inside the definition of note `[^2]` itself; a note cannot refer to itself: remove the marker or point it to another note | "[^2]"
            volume.md:8:1 footnote-duplicate: note `[^2]` is defined twice in this message; merge the two definitions or renumber one of them | "[^2]"
            volume.md:9:1 footnote-unused: note `[^4]` is defined but no marker refers to it; add `[^4]` where it belongs in the text, or remove the note | "[^4]"
        "#]],
    );
}

#[test]
fn footnotes_near_miss_scope_per_message_and_heading_marker() {
    // Numbering restarts in every message; a marker in the heading belongs to its message;
    // a multi-paragraph note is one definition.
    check(
        "Preamble.[^1]\n\n[^1]: Preamble note.\n\n## A[^1]\nid: a\n\nText.[^2]\n\n[^1]: Source of A.\n[^2]: Two\n    paragraphs,\n\n    really.\n\n## B\nid: b\n\nText.[^1]\n\n[^1]: B's own note.\n",
        expect![[r#""#]],
    );
}

#[test]
fn dates_in_text() {
    check(
        "## A\nid: a\n\nOn 31 September 1944 and 29 February 1943. At the meeting on 27 September 27, I said so.\nMonday, September 12, 1944. Also 28.IX.38 and December 19, 1954.\nIn a note a treaty of 1921 is fine.[^1]\n\n[^1]: Signed at Moscow, February 26, 1921.\n",
        expect![[r#"
            volume.md:4:4 date-invalid: `31 September 1944` is impossible: September has 30 days; check the day and month against the source | "31 September 1944"
            volume.md:4:26 date-invalid: `29 February 1943` is impossible: 1943 is not a leap year: February has 28 days; check the day and month against the source | "29 February 1943"
            volume.md:4:62 date-repeated: `27 September 27` repeats `27` where the year should be; delete the repetition or write the year | "27 September 27"
            volume.md:5:1 date-weekday: `Monday, September 12, 1944`: 12 September 1944 was a Tuesday, not a Monday; check the weekday and the date against the source | "Monday, September 12, 1944"
            volume.md:5:34 date-out-of-period: `28.IX.38` reads as 1938-09-28, outside the edition's period 1941-06-22/1946-12-31; write the year in full | "28.IX.38"
            volume.md:5:47 date-out-of-period: `December 19, 1954` (1954-12-19) is outside the edition's period 1941-06-22/1946-12-31; check the year against the source | "December 19, 1954"
        "#]],
    );
}

#[test]
fn dates_near_misses() {
    check(
        "## A\nid: a\ndate: 1945-09-28\n\nMonday, September 11, 1944. On 28 September 1945 and 28.IX.45; it may be May 9. June 28-30.\n\n28.IX.45   MOLOTOV\n",
        expect![[r#""#]],
    );
}

#[test]
fn metadata_dates_keys_and_persons() {
    check(
        "## A\nid: a\ndate: 28/09/1945\nsent: 1939-09-01\nfrom: molotov, stalinn\nto: byrnes\nsubject: x\n\nText.\n",
        expect![[r#"
            volume.md:3:7 date-invalid: `date: 28/09/1945` is not a valid EDTF date: `28/09/1945` is not EDTF: write 1945-09-28 | "28/09/1945"
            volume.md:4:7 date-out-of-period: `sent: 1939-09-01` is outside the edition's period 1941-06-22/1946-12-31; check the year | "1939-09-01"
            volume.md:5:16 person-unknown: `from: stalinn` names no person of the register; use a register id or add the person to the register | "stalinn"
            volume.md:7:1 metadata-unknown-key: unknown metadata key `subject`; the keys are id, date, sent, received, from, to, place, kind, source, lang, status (a typo? otherwise it is kept but not used) | "subject"
        "#]],
    );
}

#[test]
fn metadata_near_misses() {
    check(
        "## A\nid: a\ndate: 1945-09-2X\nsent: 1945-11-28/1945-11-29\nreceived: 1945-09~\nfrom: molotov\nto: byrnes, molotov\nkind: telegram\nplace: Moscow\nsource: AVP RF\nlang: ru\nstatus: checked\n\nText.\n",
        expect![[r#""#]],
    );
}

#[test]
fn date_mismatch_with_closing_line() {
    check(
        "## A\nid: a\ndate: 1941-07-19\n\nText.\n\nJuly 18, 1941\n\n## B\nid: b\ndate: 1941-07\n\nText.\n\nJuly 18, 1941\n",
        expect![[r#"
            volume.md:3:7 date-mismatch: `date: 1941-07-19` disagrees with the closing line `July 18, 1941` (1941-07-18); correct whichever is wrong | "1941-07-19"
        "#]],
    );
}

#[test]
fn persons_explicit_unknown_and_ambiguous() {
    check(
        "## A\nid: a\n\n[The Secretary](person:byrnes) and [Mr Byrns](person:byrns) met Gusev, F. T. Gusev and V.M. Molotov.\n",
        expect![[r#"
            volume.md:4:54 person-unknown: `[Mr Byrns](person:byrns)` links to `byrns`, which is not in the register (did you mean `byrnes`?); use a register id or add the person to the register | "byrns"
            volume.md:4:65 person-ambiguous: `Gusev` may name several persons of the register; link it explicitly: `[Gusev](person:gusev)` for Gusev, Fedor Tarasovich, or `[Gusev](person:gusev-another)` for Gusev, Another | "Gusev"
        "#]],
    );
}

#[test]
fn cross_references_and_duplicate_ids() {
    check(
        "//- /a.md\n## A\nid: a\n\nSee [B](#b) and [nowhere](#bb-missing).\n//- /b.md\n## B\nid: b\n\n## B again\nid: b\n\nText.\n",
        expect![[r#"
            a.md:4:28 xref-unknown: `[nowhere](#bb-missing)` refers to `#bb-missing`, but no message has that id; correct the id | "bb-missing"
            b.md:5:5 message-duplicate-id: message id `b` is already used by another message (in `b.md`); ids must be unique in the corpus: add a suffix such as `b-2` | "b"
        "#]],
    );
}

#[test]
fn legacy_notes_pages_hyphenation_and_homoglyphs() {
    check(
        "## A\nid: a\n\nIn Moscow,³ the Ministers57 and a Word[footnoteRef:1] with [1:  its body.]\n\n72\n\nSoviet pilots will suc-\n\nceed. See М.М. Narinskii.\n\n[Page 12]\n\n[Page 9]\n",
        expect![[r#"
            volume.md:4:11 legacy-footnote: OCR superscript note number `³` left in the text; write it as a marker `[^3]` and give it a note `[^3]: …` | "³"
            volume.md:4:26 legacy-footnote: note number `57` glued to the word in `Ministers57`; write it as a marker `[^57]`, or separate it if it belongs to the text | "57"
            volume.md:4:39 legacy-footnote: Word export footnote marker `[footnoteRef:1]` left in the text; write it as `[^1]` (`apparatus import` converts whole files) | "[footnoteRef:1]"
            volume.md:4:60 legacy-footnote: Word export note body `[1:  its body.]` left in the running text; move it to a definition `[^1]: …` below the message's text | "[1:  its body.]"
            volume.md:6:1 page-number-stray: bare number `72` on a line of its own, probably a page number of the printed source; write it as `[Page 72]`, or delete it | "72"
            volume.md:8:20 hyphenation: `suc-` … `ceed` is one word split at a line break; join it as `succeed` | "suc-\n\nceed"
            volume.md:10:11 homoglyph: `М.М.` has Cyrillic letters `М` (U+041C), `М` (U+041C) among Latin letters; retype it as `M.M.` | "М.М."
            volume.md:14:1 page-order: `[Page 9]` follows `[Page 12]`: page numbers should increase; check the number against the source | "[Page 9]"
        "#]],
    );
}

#[test]
fn marks_near_misses() {
    // A title page's bare numbers, a numbered list, a real compound, genuine Cyrillic.
    check(
        "J. V. STALIN\n\n17\n\n1986\n\n## A\nid: a\n\n1. Preparation of Peace Treaties\n\nanti-\nGerman. (1943 – 1945 гг.) №1. CAB 80/97.\n\n[Page 681]\n\n[Page 682]\n",
        expect![[r#""#]],
    );
}

#[test]
fn config_errors() {
    check(
        "//- /edition.toml\ntitle = \"T\"\nperiod = \"1941\"\npersons = [\"persons.md\", \"missing.md\"]\nextra = 1\n//- /volume.md\n## A\n",
        expect![[r#"
            edition.toml:2:11 config: `period = "1941"` is a single date; write an EDTF interval such as `1941-06-22/1946-12-31` | "1941"
            edition.toml:3:27 config: the register file `missing.md` named in `persons` does not exist; create it or correct the name | "missing.md"
            edition.toml:4:1 config: unknown key `extra` in edition.toml; the keys are `title`, `period` and `persons` | "extra"
        "#]],
    );
}
