//! FRUS web text (seed 002): a record number line (`740.00119 Council/12–2645`), the
//! title, the text with note numbers glued to words (`Foreign Ministers57`), `[Page N]`
//! markers, an `[Enclosure]`, and at the end the endnote list numbered from 1
//! (`  1. Meeting held …`) whose offset to the glued numbers has to be inferred.

use super::{first_day, persons, Imported, Message};
use crate::syntax::dates::Ymd;
use regex::Regex;
use std::sync::OnceLock;

fn endnote_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*(\d{1,3})\.\s+(\S.*)$").unwrap())
}

fn record_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\d{3}\.\d+\S*(?: \S+){0,3}$").unwrap())
}

fn glued_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A letter, perhaps one closing punctuation mark, then the note number.
    RE.get_or_init(|| Regex::new(r#"\p{L}[.,;:’”'")]?(\d{1,3})"#).unwrap())
}

/// The endnote list at the end: (first line index, texts in order 1..=N).
fn endnotes(lines: &[&str]) -> Option<(usize, Vec<String>)> {
    let mut end = lines.len();
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    let mut start = end;
    let mut expected: Option<usize> = None;
    while start > 0 {
        let Some(c) = endnote_re().captures(lines[start - 1]) else {
            break;
        };
        let n: usize = c.get(1).and_then(|m| m.as_str().parse().ok())?;
        if let Some(e) = expected {
            if n != e {
                break;
            }
        }
        start -= 1;
        if n == 1 {
            let texts = lines[start..end]
                .iter()
                .filter_map(|l| {
                    endnote_re()
                        .captures(l)
                        .and_then(|c| c.get(2))
                        .map(|m| m.as_str().trim().to_string())
                })
                .collect();
            return Some((start, texts));
        }
        expected = Some(n - 1);
    }
    None
}

/// Glued note numbers in a line: (byte range of the digits, value).
fn glued_numbers(line: &str) -> Vec<(std::ops::Range<usize>, usize)> {
    let mut out = Vec::new();
    for c in glued_re().captures_iter(line) {
        let Some(d) = c.get(1) else { continue };
        // A longer number (`Iran1921`) or a word going on is not a note number.
        if line[d.end()..]
            .chars()
            .next()
            .is_some_and(|ch| ch.is_alphanumeric())
        {
            continue;
        }
        if let Ok(v) = d.as_str().parse() {
            out.push((d.range(), v));
        }
    }
    out
}

/// The offset between the list (1..=n) and the glued numbers that covers most of them.
fn infer_offset(candidates: &[usize], n: usize) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    let mut starts: Vec<usize> = candidates
        .iter()
        .filter(|&&v| v >= 1)
        .map(|v| v - 1)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    for k in starts {
        let hits = (k + 1..=k + n).filter(|v| candidates.contains(v)).count();
        if best.is_none_or(|(_, h)| hits > h) {
            best = Some((k, hits));
        }
    }
    best.filter(|&(_, h)| h * 2 >= n).map(|(k, _)| k)
}

pub fn looks_like(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some((start, notes)) = endnotes(&lines) else {
        return false;
    };
    let candidates: Vec<usize> = lines[..start]
        .iter()
        .flat_map(|l| glued_numbers(l))
        .map(|(_, v)| v)
        .collect();
    infer_offset(&candidates, notes.len()).is_some()
        || lines.iter().any(|l| l.trim_start().starts_with("[Page "))
}

/// Link the generic forms of this record explicitly: in a FRUS record of these years `the
/// Secretary` is the Secretary of State (Byrnes), `the Generalissimo` Stalin and `the President`
/// Truman. Not `the Secretary of State`, `Secretary Byrnes`, `the First Secretary`, nor a form
/// followed by a name or title (`the President Roosevelt`).
pub(crate) fn link_generic_forms(line: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re =
        RE.get_or_init(|| Regex::new(r"\b([Tt]he (Secretary|Generalissimo|President))\b").unwrap());
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    for c in re.captures_iter(line) {
        let (Some(all), Some(which)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let rest = &line[all.end()..];
        if rest.starts_with(" of ")
            || rest.starts_with(' ') && rest[1..].starts_with(|ch: char| ch.is_uppercase())
        {
            continue;
        }
        // Already a link text (`[the Secretary](person:…)`).
        if line[..all.start()].ends_with('[') {
            continue;
        }
        let id = match which.as_str() {
            "Secretary" => "byrnes",
            "Generalissimo" => "stalin",
            _ => "truman",
        };
        out.push_str(&line[last..all.start()]);
        out.push_str(&format!("[{}](person:{id})", all.as_str()));
        last = all.end();
    }
    out.push_str(&line[last..]);
    out
}

fn kind_of(title: &str) -> Option<String> {
    let t = title.to_lowercase();
    let k =
        if t.starts_with("memorandum of conversation") || t.starts_with("record of conversation") {
            "record of conversation"
        } else if t.starts_with("memorandum") {
            "memorandum"
        } else if t.starts_with("telegram") {
            "telegram"
        } else if t.starts_with("letter") {
            "letter"
        } else {
            return None;
        };
    Some(k.to_string())
}

/// The index of the first non-blank line from `i` on (`lines.len()` if none).
fn next_nonblank(lines: &[String], i: usize) -> usize {
    lines[i.min(lines.len())..]
        .iter()
        .position(|l| !l.trim().is_empty())
        .map_or(lines.len(), |k| i + k)
}

/// Line `i` trimmed; empty past the end.
fn trimmed_line(lines: &[String], i: usize) -> String {
    lines
        .get(i)
        .map(|l| l.trim().to_string())
        .unwrap_or_default()
}

pub fn import(text: &str) -> Imported {
    let lines: Vec<&str> = text.lines().collect();
    let (note_start, note_texts) = endnotes(&lines).unwrap_or((lines.len(), Vec::new()));
    let body_lines = &lines[..note_start];
    let candidates: Vec<usize> = body_lines
        .iter()
        .flat_map(|l| glued_numbers(l))
        .map(|(_, v)| v)
        .collect();
    let offset = if note_texts.is_empty() {
        None
    } else {
        infer_offset(&candidates, note_texts.len())
    };

    // Glued numbers → markers, first occurrence of each label only.
    let mut seen = std::collections::HashSet::new();
    let mut converted: Vec<String> = Vec::with_capacity(body_lines.len());
    for line in body_lines {
        let mut out = String::new();
        let mut last = 0;
        if let Some(k) = offset {
            for (r, v) in glued_numbers(line) {
                if v > k && v <= k + note_texts.len() && seen.insert(v) {
                    out.push_str(&line[last..r.start]);
                    out.push_str(&format!("[^{v}]"));
                    last = r.end;
                }
            }
        }
        out.push_str(&line[last..]);
        converted.push(out);
    }

    let mut i = next_nonblank(&converted, 0);
    let mut record = None;
    if i < converted.len() && record_re().is_match(converted[i].trim()) {
        record = Some(converted[i].trim().to_string());
        i = next_nonblank(&converted, i + 1);
    }
    let title = trimmed_line(&converted, i);
    let mut first = Message {
        kind: kind_of(&title),
        title,
        source: record,
        ..Default::default()
    };
    let mut messages: Vec<Message> = Vec::new();
    let mut enclosures: Vec<Message> = Vec::new();
    let mut j = i + 1;
    while j < converted.len() {
        let line = &converted[j];
        let current = match enclosures.last_mut() {
            Some(e) => e,
            None => &mut first,
        };
        if line.trim() == "[Enclosure]" {
            // The bracketed line closes the covering document; what follows is its own
            // message, titled by its next line.
            current.body.push(line.clone());
            let t = next_nonblank(&converted, j + 1);
            let etitle = trimmed_line(&converted, t);
            let (from, to) = persons::from_to(&etitle, false);
            enclosures.push(Message {
                title: etitle,
                from: from.into_iter().map(String::from).collect(),
                to: to.into_iter().map(String::from).collect(),
                ..Default::default()
            });
            j = t + 1;
            continue;
        }
        current.body.push(link_generic_forms(line));
        j += 1;
    }
    for e in &mut enclosures {
        let opening = e
            .body
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim_start().to_lowercase());
        if opening.is_some_and(|o| o.starts_with("dear ") || o.starts_with("my dear ")) {
            e.kind = Some("letter".into());
        }
    }
    messages.push(first);
    messages.extend(enclosures);

    // Notes go to the message that holds their marker (the first one if none does).
    let k = offset.unwrap_or(0);
    for (n, text) in note_texts.iter().enumerate() {
        let label = (n + 1 + k).to_string();
        let marker = format!("[^{label}]");
        let at = messages
            .iter()
            .position(|m| m.title.contains(&marker) || m.body.iter().any(|l| l.contains(&marker)))
            .unwrap_or(0);
        messages[at].notes.push((label, link_generic_forms(text)));
    }
    // The date of the record is the date of the meeting, stated by the note on its title.
    if let Some(first) = messages.first_mut() {
        let title_note = first
            .notes
            .iter()
            .find(|(l, _)| first.title.contains(&format!("[^{l}]")))
            .map(|(_, t)| t.clone());
        first.date = title_note.and_then(|t| first_day(&t)).map(Ymd::iso);
    }
    let base = messages.first().map(|m| m.id_base());
    for m in messages.iter_mut().skip(1) {
        if m.date.is_none() {
            m.id_hint = base.as_ref().map(|b| format!("{b}-enclosure"));
        }
    }
    Imported {
        messages,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_inferred() {
        let c = [57, 58, 59, 1500, 60, 61, 62];
        assert_eq!(infer_offset(&c, 6), Some(56));
        assert_eq!(infer_offset(&[3], 6), None);
    }

    #[test]
    fn glued() {
        let v: Vec<usize> =
            glued_numbers("Ministers57 and President.58 but 1,500 and Iran1921 and Iran60")
                .into_iter()
                .map(|(_, v)| v)
                .collect();
        assert_eq!(v, vec![57, 58, 60]);
    }

    #[test]
    fn generic_forms() {
        assert_eq!(
            link_generic_forms("The Secretary said the Secretary of State and Secretary Byrnes told the Generalissimo’s aide"),
            "[The Secretary](person:byrnes) said the Secretary of State and Secretary Byrnes told [the Generalissimo](person:stalin)’s aide"
        );
        assert_eq!(
            link_generic_forms("the First Secretary of Embassy"),
            "the First Secretary of Embassy"
        );
        assert_eq!(
            link_generic_forms("the President Roosevelt"),
            "the President Roosevelt"
        );
    }

    #[test]
    fn endnote_list() {
        let lines = ["Text58", "Sincerely,", "  1. One.", "  2. Two."];
        let (s, n) = endnotes(&lines).unwrap();
        assert_eq!(s, 2);
        assert_eq!(n, vec!["One.".to_string(), "Two.".to_string()]);
    }
}
