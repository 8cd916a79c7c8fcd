//! Web-archive pages in Markdown (Wilson Center, seed 003): a bold date and a bold title,
//! then bold field labels (`**Citation:**`, `**Summary:**`, `**Original Language:**`,
//! `**Contents:**`) each followed by its value.

use super::{last_day, line_day, persons, Imported, Message};
use crate::syntax::dates::{DateLineKind, Ymd};
use regex::Regex;
use std::sync::OnceLock;

fn label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\*\*([^*]{1,40}):\*\*$").unwrap())
}

fn bold_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\*\*(.+?)\*\*").unwrap())
}

const KNOWN: [&str; 4] = ["Citation", "Summary", "Original Language", "Contents"];

pub fn looks_like(text: &str) -> bool {
    let labels = text
        .lines()
        .filter_map(|l| label_re().captures(l.trim()))
        .filter(|c| c.get(1).is_some_and(|m| KNOWN.contains(&m.as_str())))
        .count();
    labels >= 2
}

fn lang_code(name: &str) -> String {
    let n = name.trim();
    let code = match n.to_lowercase().as_str() {
        "russian" => "ru",
        "english" => "en",
        "german" => "de",
        "french" => "fr",
        "polish" => "pl",
        "chinese" => "zh",
        "japanese" => "ja",
        "italian" => "it",
        _ => return n.to_string(),
    };
    code.to_string()
}

fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for l in text.lines() {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(l.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn joined(p: &[String]) -> String {
    p.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

pub fn import(text: &str) -> Imported {
    let paras = paragraphs(text);
    let is_label = |p: &Vec<String>| p.len() == 1 && label_re().is_match(p[0].trim());
    let first_label = paras.iter().position(is_label).unwrap_or(paras.len());
    let mut m = Message::default();
    let mut body: Vec<String> = Vec::new();
    // The header: bold segments, the date and the title.
    let header = joined(&paras[..first_label].concat());
    let mut header_rest = Vec::new();
    let bolds: Vec<String> = bold_re()
        .captures_iter(&header)
        .filter_map(|c| {
            c.get(1)
                .map(|s| s.as_str().split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    for b in &bolds {
        let day = line_day(b).filter(|(k, _)| *k == DateLineKind::Bare);
        match day.map(|(_, d)| d) {
            Some(d) if m.date.is_none() => m.date = Some(d.iso()),
            _ if m.title.is_empty() => m.title = b.clone(),
            _ => header_rest.push(b.clone()),
        }
    }
    let unbolded = bold_re().replace_all(&header, "").trim().to_string();
    if m.title.is_empty() {
        m.title = unbolded;
    } else if !unbolded.is_empty() {
        header_rest.push(unbolded);
    }
    for h in header_rest {
        body.push(h);
        body.push(String::new());
    }
    let mut i = first_label;
    let mut summary = Vec::new();
    let mut contents = Vec::new();
    while i < paras.len() {
        let label = label_re()
            .captures(paras[i][0].trim())
            .and_then(|c| c.get(1))
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        let mut j = i + 1;
        while j < paras.len() && !is_label(&paras[j]) {
            j += 1;
        }
        let value = &paras[i + 1..j];
        match label.as_str() {
            "Citation" => m.source = Some(joined(&value.concat())),
            "Original Language" => m.lang = Some(lang_code(&joined(&value.concat()))),
            "Summary" => summary.extend(
                value
                    .iter()
                    .flat_map(|p| p.iter().cloned().chain([String::new()])),
            ),
            "Contents" => contents.extend(
                value
                    .iter()
                    .flat_map(|p| p.iter().cloned().chain([String::new()])),
            ),
            _ => {
                // A field the importer does not know stays in the text with its label.
                contents.push(format!("{label}:"));
                contents.extend(
                    value
                        .iter()
                        .flat_map(|p| p.iter().cloned().chain([String::new()])),
                );
            }
        }
        i = j;
    }
    body.extend(summary);
    body.extend(contents);
    m.body = body;
    let (from, to) = persons::from_to(&m.title, false);
    m.from = from.into_iter().map(String::from).collect();
    m.to = to.into_iter().map(String::from).collect();
    let first_word = m
        .title
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase();
    if [
        "memorandum",
        "telegram",
        "letter",
        "note",
        "report",
        "message",
    ]
    .contains(&first_word.as_str())
    {
        m.kind = Some(first_word);
    }
    if m.date.is_none() {
        m.date = last_day(&m.title).map(Ymd::iso);
    }
    Imported {
        messages: vec![m],
        ..Default::default()
    }
}
