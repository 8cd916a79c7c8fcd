//! An OCR'd printed book (seed 004, Red Star Press "War Telegrams"): title page and preface,
//! then messages under capital-letter headings (one to five lines, sometimes in `**…**`,
//! sometimes split into several paragraphs), a `Sent on <date>` line before the heading of
//! the message it belongs to, a bare date line closing the message before it, superscript
//! note numbers whose notes are lost, stray page numbers, words hyphenated across pages.

use super::{line_day, persons, Imported, Message};
use crate::syntax::dates::{DateLineKind, Ymd};

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Text,
    Caps,
    Date(Ymd),
    Sent(Ymd),
    Page(String),
}

#[derive(Clone, Debug)]
struct Para {
    kind: Kind,
    lines: Vec<String>,
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// A line that is a date alone: `Sent on <date>` (before a heading) or a closing date.
fn date_kind(line: &str) -> Option<Kind> {
    let (kind, day) = line_day(line)?;
    Some(match kind {
        DateLineKind::SentOn => Kind::Sent(day),
        DateLineKind::Bare => Kind::Date(day),
    })
}

fn page_number(line: &str) -> Option<String> {
    let t = line.trim();
    (!t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())).then(|| t.to_string())
}

/// Capitals only (`Mr` aside, as printed in headings): a heading or a signature.
fn is_caps_line(line: &str) -> bool {
    let t = line.trim().trim_matches('*');
    let mut upper = 0;
    for w in t.split_whitespace() {
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        if matches!(core, "Mr" | "Mrs" | "Dr") {
            continue;
        }
        if core.chars().any(|c| c.is_lowercase()) {
            return false;
        }
        upper += core.chars().filter(|c| c.is_uppercase()).count();
    }
    upper >= 2
}

fn words(p: &Para) -> Vec<String> {
    p.lines
        .iter()
        .flat_map(|l| {
            l.split(|c: char| !c.is_alphabetic())
                .map(str::to_uppercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn has_keyword(p: &Para) -> bool {
    words(p)
        .iter()
        .any(|w| matches!(w.as_str(), "FROM" | "TO" | "FOR" | "MESSAGE" | "REPLY"))
}

fn has_recipient(ps: &[&Para]) -> bool {
    ps.iter()
        .any(|p| words(p).iter().any(|w| w == "TO" || w == "FOR"))
}

/// `PERSONAL AND SECRET`, `COPY. SECRET`: a classification line of a heading.
fn classification_only(p: &Para) -> bool {
    let w = words(p);
    !w.is_empty()
        && w.iter().all(|w| {
            matches!(
                w.as_str(),
                "PERSONAL"
                    | "SECRET"
                    | "MOST"
                    | "AND"
                    | "COPY"
                    | "STRICTLY"
                    | "TOP"
                    | "CONFIDENTIAL"
            )
        })
        && w.iter()
            .any(|w| w == "SECRET" || w == "PERSONAL" || w == "CONFIDENTIAL")
}

fn split_paras(text: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let flush = |cur: &mut Vec<String>, out: &mut Vec<Para>| {
        if !cur.is_empty() {
            let kind = if cur.iter().all(|l| is_caps_line(l)) {
                Kind::Caps
            } else {
                Kind::Text
            };
            out.push(Para {
                kind,
                lines: std::mem::take(cur),
            });
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut cur, &mut out);
            continue;
        }
        // Date, `Sent on` and page lines stand alone even without blank lines around them.
        let single = date_kind(line).or_else(|| page_number(line).map(Kind::Page));
        if let Some(kind) = single {
            flush(&mut cur, &mut out);
            out.push(Para {
                kind,
                lines: vec![line.to_string()],
            });
        } else {
            cur.push(line.to_string());
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// `³` → `[^3]`, `¹⁰¹` → `[^101]`.
fn superscripts_to_markers(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut digits = String::new();
    for c in line.chars() {
        if let Some(d) = SUPERSCRIPTS.iter().position(|s| *s == c) {
            digits.push(char::from(b'0' + d as u8));
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("[^{digits}]"));
            digits.clear();
        }
        out.push(c);
    }
    if !digits.is_empty() {
        out.push_str(&format!("[^{digits}]"));
    }
    out
}

pub fn looks_like(text: &str) -> bool {
    let sent = text
        .lines()
        .filter(|l| matches!(date_kind(l), Some(Kind::Sent(_))))
        .count();
    let supers = text.chars().any(|c| SUPERSCRIPTS.contains(&c));
    let paras = split_paras(text);
    let headings = (0..paras.len())
        .filter(|&i| heading_start(&paras, i))
        .count();
    sent >= 1 || headings >= 2 || (supers && headings >= 1)
}

fn heading_start(paras: &[Para], i: usize) -> bool {
    let p = &paras[i];
    if p.kind != Kind::Caps {
        return false;
    }
    if has_keyword(p) {
        return true;
    }
    classification_only(p)
        && paras
            .get(i + 1)
            .is_some_and(|n| n.kind == Kind::Caps && (has_keyword(n) || classification_only(n)))
}

/// The heading paragraphs starting at `i`: classification lines and, while no addressee is
/// named yet, further keyword lines (`PERSONAL AND SECRET MESSAGE` / `FROM …` / `TO …`).
fn heading_end(paras: &[Para], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(p) = paras.get(j) {
        let so_far: Vec<&Para> = paras[i..j].iter().collect();
        if p.kind == Kind::Caps
            && (classification_only(p) || (!has_recipient(&so_far) && has_keyword(p)))
        {
            j += 1;
        } else {
            break;
        }
    }
    j
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '’', '\'', ')', '*', ']'])
}

fn starts_lowercase(line: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase())
}

/// A word broken at the end of a page or line: a letter, then the hyphen.
fn hyphen_broken(line: &str) -> bool {
    let t = line.trim_end();
    let mut cs = t.chars().rev();
    cs.next() == Some('-') && cs.next().is_some_and(|c| c.is_alphabetic())
}

/// Append a text paragraph, joining it to the previous one when a page break split it:
/// `suc-` + `ceed` → `succeed`; `I can` + `say the same` → one paragraph. A page number
/// between the halves becomes an inline `[Page N]`, as in the printed series' web texts.
fn push_text(body: &mut Vec<Para>, p: Para) {
    let mut k = body.len();
    while k > 0 && matches!(body[k - 1].kind, Kind::Page(_)) {
        k -= 1;
    }
    let first = p.lines.first().cloned().unwrap_or_default();
    if k > 0 && body[k - 1].kind == Kind::Text && starts_lowercase(&first) {
        let pages: Vec<String> = body[k..]
            .iter()
            .filter_map(|q| match &q.kind {
                Kind::Page(n) => Some(format!("[Page {n}]")),
                _ => None,
            })
            .collect();
        let prev_last = body[k - 1].lines.last().cloned().unwrap_or_default();
        let joined = if hyphen_broken(&prev_last) {
            let stem = prev_last.trim_end().trim_end_matches('-').to_string();
            let trimmed = first.trim_start();
            let (word, rest) = match trimmed.find(char::is_whitespace) {
                Some(at) => (&trimmed[..at], trimmed[at..].trim_start()),
                None => (trimmed, ""),
            };
            let mut s = format!("{stem}{word}");
            for pg in &pages {
                s.push(' ');
                s.push_str(pg);
            }
            if !rest.is_empty() {
                s.push(' ');
                s.push_str(rest);
            }
            Some(s)
        } else if !ends_sentence(&prev_last) {
            let mut s = prev_last.trim_end().to_string();
            for pg in &pages {
                s.push(' ');
                s.push_str(pg);
            }
            s.push(' ');
            s.push_str(first.trim_start());
            Some(s)
        } else {
            None
        };
        if let Some(j) = joined {
            body.truncate(k);
            let prev = &mut body[k - 1];
            if let Some(l) = prev.lines.last_mut() {
                *l = j;
            }
            prev.lines.extend(p.lines.into_iter().skip(1));
            return;
        }
    }
    body.push(p);
}

struct Draft {
    heading: Vec<String>,
    body: Vec<Para>,
    sent: Option<Ymd>,
    /// Has the message any text yet (a caps paragraph right after the heading is a subtitle)?
    has_text: bool,
}

fn title_and_source(prelude: &[Para]) -> (Option<String>, Option<String>) {
    let title = prelude.first().map(|p| {
        p.lines
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let press = prelude
        .iter()
        .position(|p| p.lines.iter().any(|l| l.to_uppercase().contains("PRESS")));
    let source = press.map(|i| {
        let mut s = prelude[i]
            .lines
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(", ");
        let year = prelude[i + 1..].iter().find_map(|p| {
            let t = p.lines.first()?.trim();
            (t.len() == 4 && t.chars().all(|c| c.is_ascii_digit())).then(|| t.to_string())
        });
        if let Some(y) = year {
            s.push_str(", ");
            s.push_str(&y);
        }
        s
    });
    (title, source)
}

pub fn import(text: &str) -> Imported {
    let paras = split_paras(text);
    // The first message starts at the first heading after the preface (the title page has
    // capital lines of its own).
    let after_preface = paras
        .iter()
        .position(|p| p.lines.len() == 1 && p.lines[0].trim().eq_ignore_ascii_case("preface"))
        .map_or(0, |i| i + 1);
    let mut first = (after_preface..paras.len())
        .find(|&i| heading_start(&paras, i))
        .unwrap_or(paras.len());
    while first > after_preface && matches!(paras[first - 1].kind, Kind::Sent(_)) {
        first -= 1;
    }
    let prelude_paras = &paras[..first];
    let (title, source) = title_and_source(prelude_paras);
    let mut prelude = Vec::new();
    for p in prelude_paras {
        prelude.extend(p.lines.iter().map(|l| superscripts_to_markers(l)));
        prelude.push(String::new());
    }

    let mut drafts: Vec<Draft> = Vec::new();
    let mut pending: Vec<Para> = Vec::new();
    let mut i = first;
    while i < paras.len() {
        let p = &paras[i];
        match &p.kind {
            Kind::Sent(_) => {
                let mut n = i + 1;
                while n < paras.len() && matches!(paras[n].kind, Kind::Sent(_)) {
                    n += 1;
                }
                let before_heading = n < paras.len() && heading_start(&paras, n);
                match drafts.last_mut() {
                    // `FOR PRESIDENT ROOSEVELT` / `Sent on …` / text: it belongs to this one.
                    Some(d) if !before_heading => {
                        if let Kind::Sent(day) = p.kind {
                            d.sent.get_or_insert(day);
                        }
                        d.body.push(p.clone());
                    }
                    _ => pending.push(p.clone()),
                }
                i += 1;
            }
            Kind::Caps
                if heading_start(&paras, i)
                    && (drafts.last().is_none_or(|d| d.has_text) || !pending.is_empty()) =>
            {
                let end = heading_end(&paras, i);
                let heading: Vec<String> = paras[i..end]
                    .iter()
                    .flat_map(|q| {
                        q.lines
                            .iter()
                            .map(|l| superscripts_to_markers(l.trim().trim_matches('*').trim()))
                    })
                    .collect();
                let sent = pending.iter().rev().find_map(|q| match q.kind {
                    Kind::Sent(d) => Some(d),
                    _ => None,
                });
                drafts.push(Draft {
                    heading,
                    body: std::mem::take(&mut pending),
                    sent,
                    has_text: false,
                });
                i = end;
            }
            _ => {
                let mut q = p.clone();
                if matches!(q.kind, Kind::Text | Kind::Caps) {
                    q.lines = q.lines.iter().map(|l| superscripts_to_markers(l)).collect();
                }
                match drafts.last_mut() {
                    Some(d) => {
                        if matches!(q.kind, Kind::Text | Kind::Caps) {
                            d.has_text = true;
                        }
                        if q.kind == Kind::Text {
                            push_text(&mut d.body, q);
                        } else {
                            d.body.push(q);
                        }
                    }
                    None => pending.push(q),
                }
                i += 1;
            }
        }
    }
    // `Sent on` lines after the last message, with no heading to follow.
    if let Some(d) = drafts.last_mut() {
        d.body.append(&mut pending);
    }

    let mut warnings = Vec::new();
    let mut messages = Vec::new();
    let mut group_year: Option<i32> = None;
    for d in drafts {
        let title = d.heading.join(" ");
        let short: String = title.chars().take(60).collect();
        let (from, to) = persons::from_to(&title, true);
        // The book collects Stalin's messages: a heading naming only the addressee
        // (`TO Mr WINSTON CHURCHILL`) is from Stalin.
        let from: Vec<String> = if from.is_empty() && !to.contains(&"stalin") {
            vec!["stalin".to_string()]
        } else {
            from.into_iter().map(String::from).collect()
        };
        // The last closing date; of two date lines in a row, the first closes the text
        // (the second is reported: it may be the next message's date).
        let dated: Vec<(usize, Ymd)> = d
            .body
            .iter()
            .enumerate()
            .filter_map(|(k, q)| match q.kind {
                Kind::Date(day) => Some((k, day)),
                _ => None,
            })
            .collect();
        let mut run = dated.len();
        while run > 1 && dated[run - 2].0 + 1 == dated[run - 1].0 {
            run -= 1;
        }
        let mut date = run.checked_sub(1).and_then(|r| dated.get(r)).map(|&(_, day)| day);
        if dated.len() > run {
            let extra: Vec<String> = dated[run..].iter().map(|(_, x)| x.iso()).collect();
            warnings.push(format!(
                "message \"{short}\" closes with several date lines; `date:` is {}, the later {} may be the date of the next message, printed before its heading",
                date.map(|x| x.iso()).unwrap_or_default(),
                extra.join(", ")
            ));
        }
        if let (Some(dt), Some(s)) = (date, d.sent) {
            if dt > s {
                warnings.push(format!(
                    "message \"{short}\" (sent {}) closes with the date {}, after it was sent: the line may be the date of the next message, or a page is bound in the wrong place; `date:` left out, check the page order",
                    s.iso(),
                    dt.iso()
                ));
                date = None;
            }
        }
        let year = date.or(d.sent).map(|x| x.year);
        if let Some(y) = year {
            match group_year {
                Some(g) if y < g => warnings.push(format!(
                    "message \"{short}\" is dated {y} but comes among the messages of {g}: shuffled pages? it stays in the group {g}"
                )),
                Some(g) if y == g => {}
                _ => group_year = Some(y),
            }
        }
        let mut body = Vec::new();
        for q in d.body {
            match q.kind {
                Kind::Page(n) => body.push(format!("[Page {n}]")),
                _ => body.extend(q.lines),
            }
            body.push(String::new());
        }
        messages.push(Message {
            group: group_year.map(|y| y.to_string()),
            title,
            date: date.map(|x| x.iso()),
            sent: d.sent.map(|x| x.iso()),
            from,
            to: to.into_iter().map(String::from).collect(),
            kind: Some("message".into()),
            body,
            ..Default::default()
        });
    }
    Imported {
        title,
        source,
        prelude,
        messages,
        warnings,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts() {
        assert_eq!(
            superscripts_to_markers("Moscow,³ which ¹⁰¹"),
            "Moscow,[^3] which [^101]"
        );
    }

    #[test]
    fn date_lines() {
        let date = |l: &str| match date_kind(l) {
            Some(Kind::Date(d)) => Some(d.iso()),
            _ => None,
        };
        let sent = |l: &str| match date_kind(l) {
            Some(Kind::Sent(d)) => Some(d.iso()),
            _ => None,
        };
        assert_eq!(date("July 18, 1941"), Some("1941-07-18".into()));
        assert_eq!(date("January 16th, 1945"), Some("1945-01-16".into()));
        assert_eq!(date("**May 25, 1946**  "), Some("1946-05-25".into()));
        assert_eq!(date("Sept. 28, 1945"), Some("1945-09-28".into()));
        assert_eq!(date("September 31, 1944"), None);
        assert_eq!(date("Sent on May 25, 1946"), None);
        assert_eq!(sent("Sent on May 25, 1946"), Some("1946-05-25".into()));
        // A date glued to a heading stays text; a closing full stop is allowed (seed 004).
        assert_eq!(date_kind("May 4, 1943 PERSONAL AND SECRET MESSAGE"), None);
        assert_eq!(date("January 15, 1945."), Some("1945-01-15".into()));
    }

    #[test]
    fn caps() {
        assert!(is_caps_line("**PERSONAL MESSAGE FROM PREMIER STALIN"));
        assert!(is_caps_line("TO THE PRIME MINISTER, Mr CHURCHILL**"));
        assert!(!is_caps_line("Best regards."));
        assert!(!is_caps_line("72"));
    }

    #[test]
    fn hyphen_join_across_page() {
        let mut body = vec![
            Para {
                kind: Kind::Text,
                lines: vec!["pilots will suc-".into()],
            },
            Para {
                kind: Kind::Page("72".into()),
                lines: vec!["72".into()],
            },
        ];
        push_text(
            &mut body,
            Para {
                kind: Kind::Text,
                lines: vec!["ceed in mastering them.".into()],
            },
        );
        assert_eq!(body.len(), 1);
        assert_eq!(
            body[0].lines,
            vec!["pilots will succeed [Page 72] in mastering them.".to_string()]
        );
    }
}
