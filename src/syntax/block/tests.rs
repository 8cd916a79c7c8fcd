use expect_test::{expect, Expect};

use super::*;

/// A readable dump of what the parser found, each item with its text.
fn dump(text: &str) -> String {
    let b = parse_block(text);
    let t = |r: TextRange| format!("{:?}", r.slice(text));
    let mut out = format!("{:?}\n", b.kind);
    if let Some(h) = &b.heading {
        out += &format!("heading {} {}\n", h.level, t(h.title));
    }
    for m in &b.metadata {
        out += &format!("meta {} = {}\n", t(m.key), t(m.value));
    }
    for m in &b.markers {
        out += &format!("marker {} in_note={:?}\n", t(m.range), m.in_note);
    }
    for n in &b.notes {
        out += &format!("note {} text={}\n", t(n.label), t(n.text));
    }
    for l in &b.links {
        out += &format!("link {:?} {} -> {}\n", l.kind, t(l.text), t(l.target));
    }
    for p in &b.pages {
        out += &format!("page {}\n", p.number);
    }
    for e in &b.editorial {
        out += &format!("editorial {}\n", t(*e));
    }
    for l in &b.legacy {
        out += &format!("legacy {:?} {} label={}\n", l.kind, t(l.range), l.label);
    }
    for s in &b.stray_pages {
        out += &format!("stray page {}\n", s.number);
    }
    for h in &b.hyphenations {
        out += &format!("hyphenation {} + {}\n", t(h.first), t(h.second));
    }
    for h in &b.homoglyphs {
        let letters: Vec<_> = h.letters.iter().map(|&l| l.slice(text)).collect();
        out += &format!("homoglyph {} letters={:?} expected={:?}\n", t(h.word), letters, h.expected);
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&dump(text));
}

#[test]
fn message_with_metadata_markers_and_notes() {
    check(
        "## Personal message[^0]\nid: 1941-07-18-stalin-churchill\ndate: 1941-07-18\nfrom: stalin\n\nBody.[^1] More[^2].\n\n[^1]: First note,\n    continued.\n\n    Second paragraph.\n[^2]: Second, see [^1].\n\n[^0]: Source.\n",
        expect![[r#"
            Message
            heading 2 "Personal message[^0]"
            meta "id" = "1941-07-18-stalin-churchill"
            meta "date" = "1941-07-18"
            meta "from" = "stalin"
            marker "[^0]" in_note=None
            marker "[^1]" in_note=None
            marker "[^2]" in_note=None
            marker "[^1]" in_note=Some(1)
            note "1" text="First note,\n    continued.\n\n    Second paragraph."
            note "2" text="Second, see [^1]."
            note "0" text="Source."
        "#]],
    );
}

#[test]
fn metadata_ends_at_first_other_line() {
    check(
        "## T\nid: x\nNot: metadata\nkey: not metadata either\n",
        expect![[r#"
            Message
            heading 2 "T"
            meta "id" = "x"
        "#]],
    );
}

#[test]
fn links_pages_and_editorial_brackets() {
    check(
        "# Part one #\n[The Secretary](person:byrnes) said [see](#1945-12-19-record) [Page 681] [illegible] [sic] [handwritten: From Comrade Maisky] <https://example.org/a1> [x](http://a.b/c57)\n",
        expect![[r#"
            Group
            heading 1 "Part one"
            link Person "The Secretary" -> "byrnes"
            link Message "see" -> "1945-12-19-record"
            link Other "x" -> "http://a.b/c57"
            page 681
            editorial "[illegible]"
            editorial "[sic]"
            editorial "[handwritten: From Comrade Maisky]"
        "#]],
    );
}

#[test]
fn legacy_note_numbers() {
    check(
        "Conference in Moscow,³ which Foreign Ministers57 and the President.58 Iran60\nWord[footnoteRef:1] then [1:  A note.] ends. ¹⁰¹ at line start\n",
        expect![[r#"
            Preamble
            legacy Superscript "³" label=3
            legacy Glued "57" label=57
            legacy Glued "58" label=58
            legacy Glued "60" label=60
            legacy WordMarker "[footnoteRef:1]" label=1
            legacy WordNote "[1:  A note.]" label=1
        "#]],
    );
}

#[test]
fn legacy_near_misses() {
    // Codes, ranges, citations and numbers after spaces are not note numbers.
    check(
        "CAB 80/97, C.O.S. (45) 565, S. 60–61, №1, Point D-2, 30-34 divisions, 1.5, B29, telegram 4262, 12–2645, vol. ix, p. 383. ² after a space\n",
        expect![[r#"
            Preamble
        "#]],
    );
}

#[test]
fn stray_pages_and_hyphenation() {
    check(
        "## M\n\nI have no doubt that Soviet pilots will suc-\n\nceed in mastering them.\n\n72\n\nNow con-\n\n9\n\nvinced of it. Anti-\nGerman stays.\n1. Preparation\n",
        expect![[r#"
            Message
            heading 2 "M"
            stray page 72
            stray page 9
            hyphenation "suc-" + "ceed"
            hyphenation "con-" + "vinced"
        "#]],
    );
}

#[test]
fn homoglyphs() {
    check(
        "Otv. red. М.М. Narinskii. М., 2008. See I.М. Maiskii and Mоlotov. (1943 – 1945 гг.) №1 обꞌединение Сталин\n",
        expect![[r#"
            Preamble
            homoglyph "М.М." letters=["М", "М"] expected=Latin
            homoglyph "М." letters=["М"] expected=Latin
            homoglyph "I.М." letters=["М"] expected=Latin
            homoglyph "Mоlotov." letters=["о"] expected=Latin
        "#]],
    );
}

#[test]
fn never_panics_on_odd_input() {
    for s in ["[", "[^", "[^]", "[^1]:", "[a](", "[a](b", "##", "# ", "\r\n", "x²", "http://", ":", "[1: ]", "a-\n", "¹", "\u{2070}"] {
        parse_block(s);
        parse_block(&format!("## {s}"));
    }
}
