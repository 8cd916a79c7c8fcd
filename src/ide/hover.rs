//! Hover: a person's card, a note's text, a date's ISO form and weekday, a message's metadata.
use crate::analysis::{Corpus, FileId, FileKind, PersonIdx};
use crate::syntax::dates::{parse_edtf, DateForm, TextDate, Ymd};
use crate::syntax::{BlockRef, LegacyKind, TextRange};

use super::{item_at, meta, Item};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (absolute in the hovered file).
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

/// The length of biography shown on a card: the start of it, cut at a sentence.
const BIOGRAPHY_CHARS: usize = 400;

pub fn hover(corpus: &Corpus, file: FileId, offset: usize) -> Option<Hover> {
    let item = item_at(corpus, file, offset)?;
    let f = corpus.file(file)?;
    let (range, markdown) = match item {
        Item::Mention { range, persons } => (range, persons_card(corpus, file, &persons)),
        Item::PersonEntry { range, person } => (range, person_card(corpus, file, person)),
        Item::Marker { range, label } | Item::NoteHead { range, label } => {
            let (_, b, _) = super::block_at(f, range.start())?;
            (range, note_card(&f.text, b, &label))
        }
        Item::WordMarker { range, label } => {
            let (_, b, _) = super::block_at(f, range.start())?;
            let text = b.text(&f.text);
            let body = b.block.legacy.iter().find(|l| l.kind == LegacyKind::WordNote && l.label == label);
            let md = match body {
                Some(l) => format!("**Note {label}** (Word export)\n\n{}", word_note_text(l.range.slice(text))),
                None => format!("**Note {label}** (Word export): its body `[{label}: …]` is not in this message"),
            };
            (range, md)
        }
        Item::Xref { range, id } => {
            let md = match corpus.messages_with_id(&id).first() {
                Some(loc) => {
                    let tf = corpus.file(loc.file)?;
                    message_card(&tf.text, &tf.volume.blocks[loc.block as usize])
                }
                None => format!("No message has the id `{id}`."),
            };
            (range, md)
        }
        Item::MessageHeading { range, block } => (range, message_card(&f.text, &f.volume.blocks[block])),
        Item::TextDate { range, block, date } => {
            let b = &f.volume.blocks[block];
            let message_year = meta(b.text(&f.text), &b.block, "date").and_then(|d| parse_edtf(d).ok()).and_then(|e| e.earliest()).map(|y| y.year);
            (range, date_card(&b.block.dates[date].date, message_year))
        }
        Item::MetaDate { range, value, .. } => {
            let md = match parse_edtf(&value) {
                Ok(e) => format!("`{value}`: {}", e.describe()),
                Err(e) => format!("`{value}` is not a valid EDTF date: {}", e.message),
            };
            (range, md)
        }
    };
    Some(Hover { range, markdown })
}

fn persons_card(corpus: &Corpus, file: FileId, persons: &[PersonIdx]) -> String {
    if let [one] = persons {
        return person_card(corpus, file, *one);
    }
    let mut md = String::from("**Ambiguous name**: it may name any of\n\n");
    for &p in persons {
        let person = corpus.register.person(p);
        md += &format!("- **{}** (`{}`){}\n", person.display, person.id, person.role.as_ref().map(|r| format!(": {r}")).unwrap_or_default());
    }
    md += "\nLink it explicitly as `[name](person:id)`.";
    md
}

/// The start of a biography: whole sentences up to about [`BIOGRAPHY_CHARS`].
fn biography_start(bio: &str) -> String {
    let first = bio.split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    if first.chars().count() <= BIOGRAPHY_CHARS {
        return first;
    }
    let cut: String = first.chars().take(BIOGRAPHY_CHARS).collect();
    match cut.rfind(". ") {
        Some(i) if i > BIOGRAPHY_CHARS / 3 => cut[..=i].to_string(),
        _ => format!("{}…", cut.trim_end()),
    }
}

pub(crate) fn person_card(corpus: &Corpus, file: FileId, person: PersonIdx) -> String {
    let p = corpus.register.person(person);
    let mut md = format!("**{}**", p.display);
    if let Some(d) = p.life_dates() {
        md += &format!(" ({d})");
    }
    md += "\n\n";
    if let Some(role) = &p.role {
        md += &format!("{role}\n\n");
    }
    let mut ids = Vec::new();
    if let Some(q) = &p.wikidata {
        ids.push(format!("Wikidata [{q}](https://www.wikidata.org/wiki/{q})"));
    }
    if let Some(v) = &p.viaf {
        ids.push(format!("VIAF [{v}](https://viaf.org/viaf/{v})"));
    }
    if let Some(g) = &p.gnd {
        ids.push(format!("GND [{g}](https://d-nb.info/gnd/{g})"));
    }
    if !ids.is_empty() {
        md += &format!("{}\n\n", ids.join(" · "));
    }
    let bio = biography_start(&p.biography);
    if !bio.is_empty() {
        md += &format!("{bio}\n\n");
    }
    let (here, all) = mention_counts(corpus, file, person);
    let here_text = match corpus.file(file).map(|f| f.kind) {
        Some(FileKind::Volume) => format!("{here} in this volume, "),
        _ => String::new(),
    };
    md += &format!("Mentions: {here_text}{all} in the corpus · id `{}`", p.id);
    md
}

/// Mentions of a person in `file` and in the whole corpus.
pub(crate) fn mention_counts(corpus: &Corpus, file: FileId, person: PersonIdx) -> (usize, usize) {
    let mut here = 0;
    let mut all = 0;
    for (id, f) in corpus.files() {
        let n: usize = f.analyses.iter().map(|a| a.mentions.iter().filter(|m| m.persons.one() == Some(person)).count()).sum();
        all += n;
        if id == file {
            here += n;
        }
    }
    (here, all)
}

fn note_card(text_of_file: &str, b: &BlockRef, label: &str) -> String {
    let text = b.text(text_of_file);
    match b.block.notes.iter().find(|n| n.label.slice(text) == label) {
        Some(n) => {
            let body: Vec<&str> = n.text.slice(text).lines().map(str::trim).collect();
            format!("**Note {label}**\n\n{}", body.join("\n").trim())
        }
        None => format!("**Note {label}**: no definition `[^{label}]: …` in this message"),
    }
}

fn word_note_text(body: &str) -> String {
    let inner = body.trim_start_matches('[').trim_end_matches(']');
    inner.split_once(':').map_or(inner, |(_, t)| t).trim().to_string()
}

fn message_card(volume_text: &str, b: &BlockRef) -> String {
    let text = b.text(volume_text);
    let title = b.block.heading.as_ref().map_or("", |h| h.title.slice(text));
    let mut md = format!("**{title}**\n");
    for m in &b.block.metadata {
        let key = m.key.slice(text);
        let value = m.value.slice(text);
        let shown = match key {
            "date" | "sent" | "received" => match parse_edtf(value) {
                Ok(e) => format!("{value} ({})", e.describe()),
                Err(_) => value.to_string(),
            },
            _ => value.to_string(),
        };
        md += &format!("\n- {key}: {shown}");
    }
    md
}

fn date_card(d: &TextDate, message_year: Option<i32>) -> String {
    if let Some(ymd) = d.ymd() {
        let mut md = format!("**{}**, {}", ymd.iso(), ymd.weekday().name());
        if let Some((h, m)) = d.time {
            md += &format!(", {h:02}:{m:02}");
        }
        if d.two_digit_year {
            md += &format!("\n\nThe two-digit year is read as {}.", ymd.year);
        }
        return md;
    }
    if d.problem.is_some() {
        return "This date is impossible or malformed; see the diagnostic.".into();
    }
    let partial = format!("--{:02}-{:02}", d.month, d.day);
    match (matches!(d.form, DateForm::MonthDay | DateForm::DayMonth), message_year.and_then(|y| Ymd::new(y, d.month, d.day))) {
        (true, Some(ymd)) => format!(
            "**{partial}** (no year written)\n\nIn {}, the year of this message's `date`: **{}**, {}",
            ymd.year,
            ymd.iso(),
            ymd.weekday().name()
        ),
        _ => format!("**{partial}** (no year written)"),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;
    use crate::fixture::Fixture;
    use crate::ide::test_fixture::PERSONS;

    fn check(volume: &str, expect: Expect) {
        let f = Fixture::parse(&format!("{PERSONS}//- /volume.md\n{volume}"));
        let (file, offset) = f.cursor.expect("fixture has a $0 cursor");
        let h = hover(&f.corpus, file, offset);
        let text = &f.corpus.file(file).unwrap().text;
        let out = match h {
            Some(h) => format!("{:?}\n{}\n", h.range.slice(text), h.markdown),
            None => "no hover\n".into(),
        };
        expect.assert_eq(&out);
    }

    #[test]
    fn person_card() {
        check(
            "## A\nid: a\n\nPresident Tru$0man wrote; Truman again. [The President](person:truman).\n",
            expect![[r#"
                "President Truman"
                **Truman, Harry S.** (1884-05-08 – 1972-12-26)

                President of the United States, 1945–1953

                Wikidata [Q11613](https://www.wikidata.org/wiki/Q11613)

                Thirty-third President of the United States.

                Mentions: 3 in this volume, 3 in the corpus · id `truman`
            "#]],
        );
    }

    #[test]
    fn explicit_and_metadata_mentions() {
        check(
            "## A\nid: a\nfrom: byr$0nes\n\nText.\n",
            expect![[r#"
                "byrnes"
                **Byrnes, James Francis** (1882-05-02 – 1972-04-09)

                United States Secretary of State, 1945–1947

                American politician. Secretary of State under Truman.

                Mentions: 1 in this volume, 1 in the corpus · id `byrnes`
            "#]],
        );
    }

    #[test]
    fn ambiguous_mention() {
        check(
            "## A\nid: a\n\nGu$0sev said.\n",
            expect![[r#"
                "Gusev"
                **Ambiguous name**: it may name any of

                - **Gusev, Fedor Tarasovich** (`gusev`)
                - **Gusev, Another** (`gusev-another`)

                Link it explicitly as `[name](person:id)`.
            "#]],
        );
    }

    #[test]
    fn note_marker_shows_the_note() {
        check(
            "## A\nid: a\n\nText.[^$01]\n\n[^1]: A note that\n    runs on.\n",
            expect![[r#"
                "[^1]"
                **Note 1**

                A note that
                runs on.
            "#]],
        );
    }

    #[test]
    fn dates_show_iso_and_weekday() {
        check(
            "## A\nid: a\n\nMeeting held at the Kremlin, December 19, 1945, 8:30 p.$0m.\n",
            expect![[r#"
                "December 19, 1945, 8:30 p.m."
                **1945-12-19**, Wednesday, 20:30
            "#]],
        );
        check(
            "## A\nid: a\ndate: 1942-05-24\n\nYour message of May $09.\n",
            expect![[r#"
                "May 9"
                **--05-09** (no year written)

                In 1942, the year of this message's `date`: **1942-05-09**, Saturday
            "#]],
        );
        check(
            "## A\nid: a\ndate: 1945-09-2$0X\n\nText.\n",
            expect![[r#"
                "1945-09-2X"
                `1945-09-2X`: 20–29 September 1945, day unspecified
            "#]],
        );
    }

    #[test]
    fn message_heading_and_cross_reference() {
        check(
            "## Telegram from Molotov$0 to Stalin\nid: a\ndate: 1945-09-28\nkind: telegram\n\nSee [the telegram](#a).\n",
            expect![[r#"
                "Molotov"
                **Molotov, Vyacheslav Mikhailovich**

                People's Commissar for Foreign Affairs

                Soviet foreign minister.

                Mentions: 1 in this volume, 1 in the corpus · id `molotov`
            "#]],
        );
        check(
            "## Telegram to Stalin$0\nid: a\ndate: 1945-09-28\nkind: telegram\n\nSee [the telegram](#a).\n",
            expect![[r#"
                "Telegram to Stalin"
                **Telegram to Stalin**

                - id: a
                - date: 1945-09-28 (28 September 1945 (Friday))
                - kind: telegram
            "#]],
        );
        check(
            "## Telegram to Stalin\nid: a\n\nSee [the telegram](#$0a).\n",
            expect![[r#"
                "a"
                **Telegram to Stalin**

                - id: a
            "#]],
        );
    }

    #[test]
    fn nothing_on_plain_text() {
        check("## A\nid: a\n\nPlain te$0xt.\n", expect![[r#"
            no hover
        "#]]);
    }
}
