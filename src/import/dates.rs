//! Dates as the seeds write them (`July 18, 1941`, `28 September 1945`, `January 16th, 1945`),
//! turned into ISO/EDTF day dates for metadata.

use regex::Regex;
use std::sync::OnceLock;

/// A calendar day. Ordered, so that `date` and `sent` can be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_lowercase();
    if lower.len() < 3 {
        return None;
    }
    // Full names and the usual abbreviations (`Sept.`, `Dec.`).
    MONTHS
        .iter()
        .position(|m| *m == lower || (m.starts_with(&lower) && lower.len() >= 3))
        .map(|i| i as u32 + 1)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A day only if it exists: an impossible date never becomes metadata (the checker reports
/// it in the text instead).
pub fn make_day(year: i32, month: u32, day: u32) -> Option<Day> {
    if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
        Some(Day { year, month, day })
    } else {
        None
    }
}

const MONTH_RE: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)";

fn mdy() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,\s*(\d{{4}})\b"
        ))
        .unwrap()
    })
}

fn dmy() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE}),?\s+(\d{{4}})\b"
        ))
        .unwrap()
    })
}

/// Every English day date in `text`, in order of appearance, with its byte range.
pub fn find_days(text: &str) -> Vec<(std::ops::Range<usize>, Day)> {
    let mut out = Vec::new();
    for c in mdy().captures_iter(text) {
        let (Some(all), Some(m), Some(d), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        if let (Some(m), Ok(d), Ok(y)) = (
            month_number(m.as_str()),
            d.as_str().parse(),
            y.as_str().parse(),
        ) {
            if let Some(day) = make_day(y, m, d) {
                out.push((all.range(), day));
            }
        }
    }
    for c in dmy().captures_iter(text) {
        let (Some(all), Some(d), Some(m), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        if let (Some(m), Ok(d), Ok(y)) = (
            month_number(m.as_str()),
            d.as_str().parse(),
            y.as_str().parse(),
        ) {
            if let Some(day) = make_day(y, m, d) {
                out.push((all.range(), day));
            }
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// The date if `line` is nothing but one date (a closing date line such as `July 18, 1941`).
pub fn whole_line_day(line: &str) -> Option<Day> {
    let t = line.trim().trim_matches('*').trim();
    let found = find_days(t);
    match found.as_slice() {
        [(r, d)] if r.start == 0 && r.end == t.len() => Some(*d),
        _ => None,
    }
}

/// The last date in `text` (a title such as `Note from …, dated 29 November 1945`).
pub fn last_day(text: &str) -> Option<Day> {
    find_days(text).last().map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            whole_line_day("July 18, 1941").map(|d| d.iso()),
            Some("1941-07-18".into())
        );
        assert_eq!(
            whole_line_day("January 16th, 1945").map(|d| d.iso()),
            Some("1945-01-16".into())
        );
        assert_eq!(
            whole_line_day("**May 25, 1946**  ").map(|d| d.iso()),
            Some("1946-05-25".into())
        );
        assert_eq!(whole_line_day("Sent on May 25, 1946"), None);
        assert_eq!(
            last_day("Telegram …, 28 September 1945").map(|d| d.iso()),
            Some("1945-09-28".into())
        );
        assert_eq!(whole_line_day("September 31, 1944"), None);
        assert_eq!(
            whole_line_day("Sept. 28, 1945").map(|d| d.iso()),
            Some("1945-09-28".into())
        );
    }
}
