//! No text lost: every word of each seed survives in the imported volume, in order, except
//! the transformations listed in `docs/import.md`. The check is written independently of
//! the importer: it finds the moved and removed parts in the seed with its own patterns.
//!
//! - Pass A: the seed's words, without the parts that move or become metadata, are a
//!   subsequence of the output's words (extra output words are markup: markers, metadata,
//!   `[Page N]`, links).
//! - Pass B: each moved part (a `Sent on` line, a Word footnote body, an endnote without its
//!   number, the FRUS record number, a page number) appears in the output as a contiguous run.
//!
//! Words: maximal runs of letters/digits; superscript digits count as digits; a run splits
//! where letters meet digits (a glued note number `Ministers57` is two words, as its
//! marker `Ministers[^57]` is). A word broken by a hyphen at the end of a line may match
//! the joined word (`suc-` + `ceed` = `succeed`).

use apparatus::import::{detect_convention, import_text, Convention};
use regex::Regex;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

#[derive(Debug, Clone)]
struct Tok {
    text: String,
    /// Followed by `-` and the end of the line: a word broken across lines or pages.
    hyphen: bool,
    /// Byte offset in the source text (for messages).
    at: usize,
}

fn sup(c: char) -> char {
    match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        c => c,
    }
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k <= chars.len() {
        let (at, c) = chars.get(k).copied().unwrap_or((s.len(), ' '));
        let c = sup(c);
        let letter_digit_switch = cur
            .chars()
            .last()
            .is_some_and(|p| c.is_alphanumeric() && p.is_alphabetic() && c.is_numeric());
        if c.is_alphanumeric() && !letter_digit_switch {
            if cur.is_empty() {
                start = at;
            }
            cur.push(c);
        } else {
            if !cur.is_empty() {
                // `suc-` at the end of a line.
                let rest = &s[at..];
                let hyphen = rest.starts_with('-')
                    && rest[1..].trim_start_matches([' ', '\t']).starts_with('\n');
                out.push(Tok {
                    text: std::mem::take(&mut cur),
                    hyphen,
                    at: start,
                });
            }
            if c.is_alphanumeric() {
                start = at;
                cur.push(c);
            }
        }
        k += 1;
    }
    out
}

/// Blank out the parts of `seed` matched by `re` (group 1 if any, else all); return them.
fn cut(seed: &mut String, re: &Regex) -> Vec<String> {
    let mut parts = Vec::new();
    let mut ranges = Vec::new();
    for c in re.captures_iter(seed) {
        let all = c.get(0).unwrap();
        parts.push(c.get(1).unwrap_or(all).as_str().to_string());
        ranges.push(all.range());
    }
    for r in ranges.into_iter().rev() {
        seed.replace_range(r, " ");
    }
    parts
}

/// The seed with moved/removed parts blanked out, and the moved parts.
fn prepare(seed: &str, conv: Convention) -> (String, Vec<String>) {
    let mut s = seed.replace("\r\n", "\n");
    let mut moved = Vec::new();
    match conv {
        Convention::OcrBook => {
            moved.extend(cut(&mut s, &Regex::new(r"(?m)^Sent on .*$").unwrap()));
            moved.extend(cut(&mut s, &Regex::new(r"(?m)^\s*(\d{1,3})\s*$").unwrap()));
        }
        Convention::WordExport => {
            // Inline bodies `[1:  text]` (one level of brackets inside), then the marker keyword.
            let body = Regex::new(r"\[\d+:\s+([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]").unwrap();
            moved.extend(cut(&mut s, &body));
            cut(&mut s, &Regex::new(r"footnoteRef").unwrap());
        }
        Convention::FrusWeb => {
            moved.extend(cut(&mut s, &Regex::new(r"(?m)^\s+\d+\.\s+(.*)$").unwrap()));
            moved.extend(cut(
                &mut s,
                &Regex::new(r"\A\s*(\d{3}\.\d+\S*(?: \S+)?)\n").unwrap(),
            ));
        }
        Convention::WebArchive => {
            // Field labels and values that become metadata in another form (`lang: ru`,
            // `date: 1946-05-25`).
            cut(
                &mut s,
                &Regex::new(r"(?m)^\*\*(?:Citation|Summary|Original Language|Contents):\*\*\s*$")
                    .unwrap(),
            );
            cut(
                &mut s,
                &Regex::new(r"(?m)^\*\*[A-Z][a-z]+ \d{1,2}, \d{4}\*\*\s*$").unwrap(),
            );
            cut(
                &mut s,
                &Regex::new(r"(?m)^(?:Russian|English|German|French)\s*$").unwrap(),
            );
        }
        Convention::Plain => {}
    }
    (s, moved)
}

fn context(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[start..end].chars().take(160).collect()
}

/// `Err` names the first seed word that cannot be found in order, with its line.
fn check(seed: &str, conv: Convention, output: &str) -> Result<(), String> {
    let (rest, moved) = prepare(seed, conv);
    let s = tokens(&rest);
    // The target of an explicit link (`[the Secretary](person:byrnes)`) is markup.
    let output = Regex::new(r"\]\(person:[A-Za-z0-9_-]+\)")
        .unwrap()
        .replace_all(output, "]");
    let o = tokens(&output);
    // Pass A.
    let mut j = 0;
    let mut i = 0;
    while i < s.len() {
        let t = &s[i];
        let joined = (t.hyphen && i + 1 < s.len()).then(|| format!("{}{}", t.text, s[i + 1].text));
        let mut found = false;
        while j < o.len() {
            if joined.as_deref() == Some(o[j].text.as_str()) {
                i += 2;
                j += 1;
                found = true;
                break;
            }
            if o[j].text == t.text {
                i += 1;
                j += 1;
                found = true;
                break;
            }
            j += 1;
        }
        if !found {
            return Err(format!(
                "seed word `{}` not found in order; seed line: {}",
                t.text,
                context(&rest, t.at)
            ));
        }
    }
    // Pass B.
    let otexts: Vec<&str> = o.iter().map(|t| t.text.as_str()).collect();
    for m in moved {
        let mt: Vec<String> = tokens(&m).into_iter().map(|t| t.text).collect();
        if mt.is_empty() {
            continue;
        }
        if !otexts
            .windows(mt.len())
            .any(|w| w.iter().zip(&mt).all(|(a, b)| *a == b))
        {
            return Err(format!("moved text not found in the output: {m}"));
        }
    }
    Ok(())
}

fn seed(prefix: &str) -> String {
    let dir = std::fs::read_dir(SEEDS).expect("the seeds folder ../shared/seeds");
    for e in dir.flatten() {
        if e.file_name().to_string_lossy().starts_with(prefix) {
            return std::fs::read_to_string(e.path()).unwrap();
        }
    }
    panic!("no seed {prefix}_*.txt in {SEEDS}");
}

fn roundtrip(prefix: &str, expected: Convention) {
    let text = seed(prefix);
    let conv = detect_convention(&text);
    assert_eq!(conv, expected, "convention of seed {prefix}");
    let out = import_text(&text, conv).markdown;
    if let Err(e) = check(&text, conv, &out) {
        panic!("seed {prefix}: {e}");
    }
}

#[test]
fn seed_000_no_text_lost() {
    roundtrip("000", Convention::WordExport);
}

#[test]
fn seed_001_no_text_lost() {
    roundtrip("001", Convention::WordExport);
}

#[test]
fn seed_002_no_text_lost() {
    roundtrip("002", Convention::FrusWeb);
}

#[test]
fn seed_003_no_text_lost() {
    roundtrip("003", Convention::WebArchive);
}

#[test]
fn seed_004_no_text_lost() {
    roundtrip("004", Convention::OcrBook);
}

/// The check has teeth: dropping one line, or one sentence, of the output makes it fail.
#[test]
fn dropped_line_is_detected() {
    for (prefix, victim) in [
        (
            "004",
            "Thanks for the warning about Baku. We are taking counter measures.",
        ),
        ("000", "I await your reply."),
        ("002", "Stalin agreed to think the whole question over."),
        ("003", "[signed] M. LITVINOV"),
    ] {
        let text = seed(prefix);
        let conv = detect_convention(&text);
        let out = import_text(&text, conv).markdown;
        assert!(check(&text, conv, &out).is_ok());
        assert!(out.contains(victim), "{prefix}: fixture line present");
        let dropped: String = out
            .lines()
            .filter(|l| l.trim() != victim)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(dropped, out);
        assert!(
            check(&text, conv, &dropped).is_err(),
            "{prefix}: dropping `{victim}` must fail the check"
        );
    }
    // One sentence inside a paragraph.
    let text = seed("004");
    let out = import_text(&text, Convention::OcrBook).markdown;
    let cut = out.replacen("Our resolve to smash the enemy is unshakeable.", "", 1);
    assert_ne!(cut, out);
    assert!(check(&text, Convention::OcrBook, &cut).is_err());
    // A footnote body (moved text) dropped.
    let text = seed("001");
    let out = import_text(&text, Convention::WordExport).markdown;
    let cut: String = out
        .lines()
        .filter(|l| !l.starts_with("[^7]:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(check(&text, Convention::WordExport, &cut).is_err());
}

#[test]
fn tokenizer() {
    let t: Vec<String> = tokens("Ministers57 and Moscow,³ suc-\n\nceed")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(t, ["Ministers", "57", "and", "Moscow", "3", "suc", "ceed"]);
    assert!(tokens("suc-\nceed")[0].hyphen);
}
