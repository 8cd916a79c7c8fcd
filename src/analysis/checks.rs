//! The checks of one block: everything that can be said from the block's text, the register
//! and the edition's period. Corpus-wide checks (duplicate ids, cross-references, page
//! order) are in [`super::corpus`].
use std::collections::HashMap;
use std::sync::Arc;

use crate::syntax::dates::{parse_edtf, DateProblem, Edtf};
use crate::syntax::scripts::{self, Script};
use crate::syntax::{Block, BlockKind, LegacyKind, LinkKind, TextRange};

use super::config::Period;
use super::diagnostic::{Code, Diagnostic};
use super::register::{PersonIdx, Register};

pub const MESSAGE_KEYS: &[&str] =
    &["id", "date", "sent", "received", "from", "to", "place", "kind", "source", "lang", "status"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MentionKind {
    /// A name form found in the text through the register.
    Implicit,
    /// `[text](person:id)`.
    Explicit,
    /// An id in `from:` or `to:`.
    Metadata,
}

/// Whom a mention names. One person needs no allocation: a volume has thousands of
/// mentions, and nearly all name one person.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Persons {
    /// An unknown id.
    Nobody,
    One(PersonIdx),
    /// An ambiguous form: shared with the register's list for that form.
    Several(Arc<[PersonIdx]>),
}

impl Persons {
    pub fn as_slice(&self) -> &[PersonIdx] {
        match self {
            Persons::Nobody => &[],
            Persons::One(p) => std::slice::from_ref(p),
            Persons::Several(v) => v,
        }
    }
    /// The person, when the mention names exactly one.
    pub fn one(&self) -> Option<PersonIdx> {
        match self {
            Persons::One(p) => Some(*p),
            _ => None,
        }
    }
}

/// A place in the text that names a person.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mention {
    /// Block-relative.
    pub range: TextRange,
    pub kind: MentionKind,
    pub persons: Persons,
}

/// What the checks found in one block; ranges are block-relative.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BlockAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    pub mentions: Vec<Mention>,
}

#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub register: &'a Register,
    pub period: Option<&'a Period>,
    /// A register file: persons, not messages; no mentions are looked for in it.
    pub in_register: bool,
    /// The preamble of a volume that has messages: its title page carries bare numbers
    /// (a volume number, a year) that are not stray page numbers.
    pub title_page: bool,
}

pub fn analyse_block(text: &str, block: &Block, cx: &Context) -> BlockAnalysis {
    let mut a = BlockAnalysis::default();
    footnotes(text, block, &mut a.diagnostics);
    legacy(text, block, &mut a.diagnostics);
    marks(text, block, cx, &mut a.diagnostics);
    dates(text, block, cx, &mut a.diagnostics);
    if block.kind == BlockKind::Message && !cx.in_register {
        metadata(text, block, cx, &mut a);
    }
    if !cx.in_register {
        mentions(text, block, cx, &mut a);
    }
    a.diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    a
}

fn quote(text: &str, r: TextRange) -> &str {
    r.slice(text)
}

fn footnotes(text: &str, block: &Block, out: &mut Vec<Diagnostic>) {
    let mut defined: HashMap<&str, usize> = HashMap::new();
    for (i, note) in block.notes.iter().enumerate() {
        let label = note.label.slice(text);
        match defined.get(label) {
            Some(&first) => out.push(
                Diagnostic::new(
                    Code::FootnoteDuplicate,
                    note.head,
                    format!("note `[^{label}]` is defined twice in this message; merge the two definitions or renumber one of them"),
                )
                .with_related(super::diagnostic::Related {
                    file: super::FileId::DETACHED,
                    range: block.notes[first].head,
                    message: "first definition".into(),
                }),
            ),
            None => {
                defined.insert(label, i);
            }
        }
    }
    let mut used: HashMap<&str, ()> = HashMap::new();
    let mut order: Vec<(u64, TextRange, &str)> = Vec::new();
    for m in &block.markers {
        let label = m.label.slice(text);
        let own_note = m.in_note.map(|n| block.notes[n as usize].label.slice(text));
        if own_note == Some(label) {
            out.push(Diagnostic::new(
                Code::FootnoteUndefined,
                m.range,
                format!("marker `[^{label}]` stands inside the definition of note `[^{label}]` itself; a note cannot refer to itself: remove the marker or point it to another note"),
            ));
            continue;
        }
        if !defined.contains_key(label) {
            out.push(Diagnostic::new(
                Code::FootnoteUndefined,
                m.range,
                format!("marker `[^{label}]` has no note in this message; add a definition `[^{label}]: …` below the message's text, or remove the marker"),
            ));
        }
        if used.insert(label, ()).is_none() && m.in_note.is_none() {
            if let Ok(n) = label.parse::<u64>() {
                order.push((n, m.range, label));
            }
        }
    }
    for note in &block.notes {
        let label = note.label.slice(text);
        if !used.contains_key(label) && defined.get(label).is_some_and(|&i| block.notes[i].head == note.head) {
            out.push(Diagnostic::new(
                Code::FootnoteUnused,
                note.head,
                format!("note `[^{label}]` is defined but no marker refers to it; add `[^{label}]` where it belongs in the text, or remove the note"),
            ));
        }
    }
    let mut highest: Option<(u64, &str)> = None;
    for &(n, range, label) in &order {
        match highest {
            Some((h, hl)) if n < h => out.push(Diagnostic::new(
                Code::FootnoteOrder,
                range,
                format!("note `[^{label}]` first appears after `[^{hl}]`; number the notes in the order of the text"),
            )),
            _ => highest = Some((n, label)),
        }
    }
}

fn legacy(text: &str, block: &Block, out: &mut Vec<Diagnostic>) {
    for l in &block.legacy {
        let q = quote(text, l.range);
        let n = &l.label;
        let message = match l.kind {
            LegacyKind::WordMarker => format!("Word export footnote marker `{q}` left in the text; write it as `[^{n}]` (`apparatus import` converts whole files)"),
            LegacyKind::WordNote => {
                let short: String = q.chars().take(40).collect();
                let ellipsis = if short.len() < q.len() { "…" } else { "" };
                format!("Word export note body `{short}{ellipsis}` left in the running text; move it to a definition `[^{n}]: …` below the message's text")
            }
            LegacyKind::Superscript => format!("OCR superscript note number `{q}` left in the text; write it as a marker `[^{n}]` and give it a note `[^{n}]: …`"),
            LegacyKind::Glued => {
                let word_start = text[..l.range.start()].rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
                let word = &text[word_start..l.range.end()];
                format!("note number `{n}` glued to the word in `{word}`; write it as a marker `[^{n}]`, or separate it if it belongs to the text")
            }
        };
        out.push(Diagnostic::new(Code::LegacyFootnote, l.range, message));
    }
}

fn marks(text: &str, block: &Block, cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.title_page {
        for s in &block.stray_pages {
            let q = quote(text, s.range);
            out.push(Diagnostic::new(
                Code::PageNumberStray,
                s.range,
                format!("bare number `{q}` on a line of its own, probably a page number of the printed source; write it as `[Page {q}]`, or delete it"),
            ));
        }
    }
    for h in &block.hyphenations {
        let first = quote(text, h.first);
        let second = quote(text, h.second);
        let joined = format!("{}{}", first.trim_end_matches('-'), second);
        out.push(Diagnostic::new(
            Code::Hyphenation,
            TextRange::new(h.first.start(), h.second.end()),
            format!("`{first}` … `{second}` is one word split at a line break; join it as `{joined}`"),
        ));
    }
    for h in &block.homoglyphs {
        let word = quote(text, h.word);
        // The letters look like their twins, so the message names their code points.
        let letters: Vec<String> = h
            .letters
            .iter()
            .map(|&l| {
                let q = quote(text, l);
                format!("{q}` (U+{:04X}", q.chars().next().map_or(0, u32::from))
            })
            .collect();
        let fixed: String = word
            .char_indices()
            .map(|(i, c)| {
                let inside = h.letters.iter().any(|l| l.start() == h.word.start() + i);
                if inside { scripts::lookalike(c).unwrap_or(c) } else { c }
            })
            .collect();
        let from = if h.expected == Script::Latin { Script::Cyrillic } else { Script::Latin };
        out.push(Diagnostic::new(
            Code::Homoglyph,
            h.word,
            format!(
                "`{word}` has {} {} `{}) among {} letters; retype it as `{fixed}`",
                from.name(),
                if letters.len() == 1 { "letter" } else { "letters" },
                letters.join("), `"),
                h.expected.name(),
            ),
        ));
    }
}

fn dates(text: &str, block: &Block, cx: &Context, out: &mut Vec<Diagnostic>) {
    for bd in &block.dates {
        let d = &bd.date;
        let q = quote(text, bd.range);
        if let Some(problem) = &d.problem {
            let code = match problem {
                DateProblem::Impossible { .. } => Code::DateInvalid,
                DateProblem::Repeated { .. } => Code::DateRepeated,
                DateProblem::WeekdayMismatch { .. } => Code::DateWeekday,
            };
            let what = d.message(text).unwrap_or_default();
            let fix = match problem {
                DateProblem::Impossible { .. } => "; check the day and month against the source",
                DateProblem::Repeated { .. } => "; delete the repetition or write the year",
                DateProblem::WeekdayMismatch { .. } => "; check the weekday and the date against the source",
            };
            out.push(Diagnostic::new(code, bd.range, format!("{what}{fix}")));
            continue;
        }
        // Historical references (a 1921 treaty in a note) are outside the period by nature;
        // a date in a message's own text, or any two-digit year, should not be.
        let checked = cx.period.is_some() && !cx.in_register && block.kind == BlockKind::Message && (!bd.in_note || d.two_digit_year);
        if let (true, Some(period), Some(ymd)) = (checked, cx.period, d.ymd()) {
            if period.excludes(ymd, ymd) {
                let message = if d.two_digit_year {
                    format!("`{q}` reads as {}, outside the edition's period {}; write the year in full", ymd.iso(), period)
                } else {
                    format!("`{q}` ({}) is outside the edition's period {}; check the year against the source", ymd.iso(), period)
                };
                out.push(Diagnostic::new(Code::DateOutOfPeriod, bd.range, message));
            }
        }
    }
}

fn metadata(text: &str, block: &Block, cx: &Context, a: &mut BlockAnalysis) {
    let mut date: Option<(Edtf, TextRange)> = None;
    for field in &block.metadata {
        let key = quote(text, field.key);
        let value = quote(text, field.value);
        match key {
            "date" | "sent" | "received" => match parse_edtf(value) {
                Err(e) => a.diagnostics.push(Diagnostic::new(
                    Code::DateInvalid,
                    if field.value.is_empty() { field.key } else { field.value },
                    format!("`{key}: {value}` is not a valid EDTF date: {}", e.message),
                )),
                Ok(edtf) => {
                    if let (Some(period), Some(e), Some(l)) = (cx.period, edtf.earliest(), edtf.latest()) {
                        if period.excludes(e, l) {
                            a.diagnostics.push(Diagnostic::new(
                                Code::DateOutOfPeriod,
                                field.value,
                                format!("`{key}: {value}` is outside the edition's period {}; check the year", period),
                            ));
                        }
                    }
                    if key == "date" {
                        date = Some((edtf, field.value));
                    }
                }
            },
            "from" | "to" => {
                let mut offset = field.value.start();
                for part in value.split(',') {
                    let id = part.trim();
                    let lead = part.len() - part.trim_start().len();
                    let range = TextRange::new(offset + lead, offset + lead + id.len());
                    offset += part.len() + 1;
                    if id.is_empty() || cx.register.is_empty() {
                        continue;
                    }
                    match cx.register.get(id) {
                        Some(p) => a.mentions.push(Mention { range, kind: MentionKind::Metadata, persons: Persons::One(p) }),
                        None => {
                            let hint = match cx.register.closest_id(id) {
                                Some(c) => format!(" (did you mean `{c}`?)"),
                                None => String::new(),
                            };
                            a.diagnostics.push(Diagnostic::new(
                                Code::PersonUnknown,
                                range,
                                format!("`{key}: {id}` names no person of the register{hint}; use a register id or add the person to the register"),
                            ));
                            a.mentions.push(Mention { range, kind: MentionKind::Metadata, persons: Persons::Nobody });
                        }
                    }
                }
            }
            k if MESSAGE_KEYS.contains(&k) => {}
            _ => a.diagnostics.push(Diagnostic::new(
                Code::MetadataUnknownKey,
                field.key,
                format!("unknown metadata key `{key}`; the keys are {} (a typo? otherwise it is kept but not used)", MESSAGE_KEYS.join(", ")),
            )),
        }
    }
    // The body's closing line dates the message too; the two must agree.
    if let (Some((edtf, value_range)), Some(i)) = (date, block.closing_date) {
        let closing = &block.dates[i as usize];
        if let (Some(day), Some(e), Some(l)) = (closing.date.ymd(), edtf.earliest(), edtf.latest()) {
            if day < e || day > l {
                a.diagnostics.push(Diagnostic::new(
                    Code::DateMismatch,
                    value_range,
                    format!(
                        "`date: {}` disagrees with the closing line `{}` ({}); correct whichever is wrong",
                        quote(text, value_range),
                        quote(text, closing.range),
                        day.iso()
                    ),
                ));
            }
        }
    }
}

fn mentions(text: &str, block: &Block, cx: &Context, a: &mut BlockAnalysis) {
    let mut person_link_texts: Vec<TextRange> = Vec::new();
    for link in &block.links {
        if link.kind != LinkKind::Person {
            continue;
        }
        person_link_texts.push(link.text);
        let id = quote(text, link.target);
        if cx.register.is_empty() {
            continue;
        }
        match cx.register.get(id) {
            Some(p) => a.mentions.push(Mention { range: link.text, kind: MentionKind::Explicit, persons: Persons::One(p) }),
            None => {
                let hint = cx.register.closest_id(id).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
                a.diagnostics.push(Diagnostic::new(
                    Code::PersonUnknown,
                    link.target,
                    format!("`{}` links to `{id}`, which is not in the register{hint}; use a register id or add the person to the register", quote(text, link.range)),
                ));
                a.mentions.push(Mention { range: link.text, kind: MentionKind::Explicit, persons: Persons::Nobody });
            }
        }
    }
    let heading_line = block.heading.as_ref().map(|h| h.line);
    let mut o = 0;
    let opaque = &block.opaque;
    for m in cx.register.find_forms(text) {
        // Only the heading's title and the body are running text.
        if heading_line.is_some_and(|l| l.contains(m.range.start())) && !block.heading.as_ref().is_some_and(|h| h.title.contains_range(m.range)) {
            continue;
        }
        while o < opaque.len() && opaque[o].end <= m.range.start {
            o += 1;
        }
        if opaque.get(o).is_some_and(|r| r.intersects(m.range)) || person_link_texts.iter().any(|r| r.intersects(m.range)) {
            continue;
        }
        if m.persons.len() > 1 {
            let form = quote(text, m.range);
            let candidates: Vec<String> = m
                .persons
                .iter()
                .map(|&p| {
                    let p = cx.register.person(p);
                    format!("`[{form}](person:{})` for {}", p.id, p.display)
                })
                .collect();
            a.diagnostics.push(Diagnostic::new(
                Code::PersonAmbiguous,
                m.range,
                format!("`{form}` may name several persons of the register; link it explicitly: {}", candidates.join(", or ")),
            ));
        }
        let persons = match **m.persons {
            [one] => Persons::One(one),
            _ => Persons::Several(m.persons.clone()),
        };
        a.mentions.push(Mention { range: m.range, kind: MentionKind::Implicit, persons });
    }
    a.mentions.sort_by_key(|m| m.range.start);
}

#[cfg(test)]
mod tests;
