//! Word export (seeds 000, 001): a title line `Note from X to Y, dated 29 November 1945`,
//! then the text; Word footnotes as `[footnoteRef:1]` with the body inline `[1:  text]`.

use super::{last_day, persons, Imported, Message};
use crate::syntax::dates::Ymd;
use regex::Regex;
use std::sync::OnceLock;

fn title_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*(telegram|note|letter|memorandum|report|message|cable|record of conversation|minutes)\b.*\bfrom\b.+\bto\b").unwrap()
    })
}

/// The index of the title line if the first non-blank line is one (`Telegram from … to …`).
pub fn title_line(text: &str) -> Option<usize> {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())?;
    title_re().is_match(line).then_some(i)
}

fn marker_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[footnoteRef:\s*([A-Za-z0-9_-]+)\]").unwrap())
}

/// Cut the inline bodies `[1:  text]` out of the text (only for labels that have a
/// `[footnoteRef:1]` marker, so that other bracketed text is never taken for a note).
/// Brackets inside a body (`[illegible]`) are balanced.
pub(crate) fn cut_inline_bodies(text: &str) -> (String, Vec<(String, String)>) {
    let labels: Vec<String> = marker_re()
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut notes = Vec::new();
    let mut rest = text;
    'scan: while let Some(pos) = rest.find('[') {
        let after = &rest[pos + 1..];
        for label in &labels {
            if let Some(tail) = after
                .strip_prefix(label.as_str())
                .and_then(|t| t.strip_prefix(':'))
            {
                if notes.iter().any(|(l, _): &(String, String)| l == label) {
                    continue;
                }
                let mut depth = 1usize;
                let mut end = None;
                for (i, c) in tail.char_indices() {
                    match c {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(i);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(end) = end {
                    out.push_str(&rest[..pos]);
                    notes.push((label.clone(), tail[..end].trim().to_string()));
                    rest = &tail[end + 1..];
                    continue 'scan;
                }
            }
        }
        out.push_str(&rest[..pos + 1]);
        rest = after;
    }
    out.push_str(rest);
    let out = marker_re().replace_all(&out, "[^$1]").into_owned();
    (out, notes)
}

pub fn import(text: &str) -> Imported {
    let (converted, notes) = cut_inline_bodies(text);
    let lines: Vec<String> = converted
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    let Some(t) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Imported::default();
    };
    let title = lines[t].trim().to_string();
    let plain_title = title.replace("[^", " [^");
    let (from, to) = persons::from_to(&plain_title, false);
    let kind = title_re()
        .captures(&title)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_lowercase());
    let mut m = Message {
        title,
        date: last_day(&plain_title).map(Ymd::iso),
        from: from.into_iter().map(String::from).collect(),
        to: to.into_iter().map(String::from).collect(),
        kind: kind.filter(|_| title_line(text).is_some()),
        // Word ends each paragraph with one line break; Markdown needs a blank line.
        body: lines[t + 1..]
            .iter()
            .flat_map(|l| [l.clone(), String::new()])
            .collect(),
        notes,
        ..Default::default()
    };
    if title_line(text).is_none() {
        m.from.clear();
        m.to.clear();
    }
    Imported {
        messages: vec![m],
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_cut_and_markers_renamed() {
        let (t, n) = cut_inline_bodies(
            "Title[footnoteRef:1] [1:  A note [sic].] \nText[footnoteRef:2]. More. [2:  Two.] ",
        );
        assert_eq!(t, "Title[^1]  \nText[^2]. More.  ");
        assert_eq!(
            n,
            vec![
                ("1".into(), "A note [sic].".into()),
                ("2".into(), "Two.".into())
            ]
        );
    }

    #[test]
    fn brackets_without_marker_are_text() {
        let (t, n) = cut_inline_bodies("See [1: not a note] here.");
        assert_eq!(t, "See [1: not a note] here.");
        assert!(n.is_empty());
    }
}
