//! Dates: the calendar, EDTF (level 0 and 1) for metadata, and dates in running text.
//!
//! Pure and total: nothing here panics, whatever the input. Offsets are bytes into the
//! text given; every range returned starts and ends on a char boundary.

use std::fmt;
use std::ops::Range;

// ---------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------

/// A calendar day, proleptic Gregorian, astronomical year numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ymd {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

impl Weekday {
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of a month 1..=12; "" for anything else.
pub fn month_name(month: u8) -> &'static str {
    match month {
        1..=12 => MONTH_NAMES[usize::from(month - 1)],
        _ => "",
    }
}

pub fn is_leap_year(year: i32) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// Days in a month; 0 for a month outside 1..=12.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Why a day of a month is impossible, in the edition's words; `None` if it is possible.
/// `year` is `None` when the text gives none (then 29 February is possible).
fn impossibility(year: Option<i32>, month: u8, day: u8) -> Option<String> {
    if !(1..=12).contains(&month) {
        return Some(format!("month {month} does not exist"));
    }
    if day == 0 {
        return Some("day 0 does not exist".to_string());
    }
    let name = month_name(month);
    if month == 2 {
        if day > 29 {
            return Some("February has at most 29 days".to_string());
        }
        if day == 29 {
            if let Some(y) = year.filter(|&y| !is_leap_year(y)) {
                return Some(format!("{y} is not a leap year: February has 28 days"));
            }
        }
        return None;
    }
    let n = days_in_month(2000, month);
    (day > n).then(|| format!("{name} has {n} days"))
}

impl Ymd {
    /// `None` if no such day exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Ymd> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Ymd { year, month, day })
    }

    /// Days since 1970-01-01 (negative before). Fields are taken as given, so this is
    /// total even for a `Ymd` built by hand with impossible values.
    fn days_since_epoch(self) -> i64 {
        // Count from 1 March so the leap day falls at the end of the counted year.
        let m = i64::from(self.month.clamp(1, 12));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y.rem_euclid(400);
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day of the week, proleptic Gregorian.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3 from Monday).
        WEEKDAYS[(self.days_since_epoch() + 3).rem_euclid(7) as usize]
    }

    pub fn iso(self) -> String {
        self.to_string()
    }

    /// "28 September 1945", the edition's form for hovers and messages.
    pub fn long(self) -> String {
        format!("{} {} {}", self.day, month_name(self.month), self.year)
    }
}

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(
                f,
                "-{:04}-{:02}-{:02}",
                self.year.unsigned_abs(),
                self.month,
                self.day
            )
        } else {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

// ---------------------------------------------------------------------------------------
// EDTF (Library of Congress), level 0 and level 1 as the edition uses it
// ---------------------------------------------------------------------------------------

/// EDTF level 1 seasons, written as month 21–24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    fn from_code(code: u8) -> Option<Season> {
        match code {
            21 => Some(Season::Spring),
            22 => Some(Season::Summer),
            23 => Some(Season::Autumn),
            24 => Some(Season::Winter),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Season::Spring => "spring",
            Season::Summer => "summer",
            Season::Autumn => "autumn",
            Season::Winter => "winter",
        }
    }

    /// Northern-hemisphere meteorological seasons (the correspondence is European and
    /// American); winter runs from December into the next year's February.
    fn bounds(self, year: i32) -> (Ymd, Ymd) {
        let (m1, m2, y2) = match self {
            Season::Spring => (3, 5, year),
            Season::Summer => (6, 8, year),
            Season::Autumn => (9, 11, year),
            Season::Winter => (12, 2, year.saturating_add(1)),
        };
        (
            Ymd {
                year,
                month: m1,
                day: 1,
            },
            Ymd {
                year: y2,
                month: m2,
                day: days_in_month(y2, m2),
            },
        )
    }
}

/// Which digits were written `X`: bit 0 is the last digit of the component.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct XDigits {
    pub year: u8,
    pub month: u8,
    pub day: u8,
}

/// One EDTF date. Digits written `X` are read as 0 in `year`, `month` and `day`, and
/// marked in `x_digits`; `earliest`/`latest` give the range they leave open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdtfDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// X digits, e.g. 1945-09-2X, 194X, 1945-XX.
    pub unspecified: bool,
    /// `?` (or `%`).
    pub uncertain: bool,
    /// `~` (or `%`).
    pub approximate: bool,
    pub x_digits: XDigits,
    /// `1945-23`: autumn 1945 (then `month` and `day` are `None`).
    pub season: Option<Season>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precision {
    Year,
    Month,
    Day,
}

/// Does the two-digit value `v` agree with `written` (X digits read as 0) outside `mask`?
fn digits_fit(v: u32, written: u32, mask: u8, places: u32) -> bool {
    (0..places).all(|i| {
        let p = 10u32.pow(i);
        mask & (1 << i) != 0 || (v / p) % 10 == (written / p) % 10
    })
}

impl EdtfDate {
    fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (_, Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            (None, None) => Precision::Year,
        }
    }

    /// The years the year digits allow, lowest first.
    fn year_range(&self) -> (i32, i32) {
        let mask = self.x_digits.year;
        if mask == 0 {
            return (self.year, self.year);
        }
        let abs = self.year.unsigned_abs();
        let mut hi = abs;
        for i in 0..4 {
            if mask & (1 << i) != 0 {
                hi = hi.saturating_add(9 * 10u32.pow(i));
            }
        }
        let lo = i32::try_from(abs).unwrap_or(i32::MAX);
        let hi = i32::try_from(hi).unwrap_or(i32::MAX);
        if self.year < 0 {
            (-hi, -lo)
        } else {
            (lo, hi)
        }
    }

    fn year_fits(&self, y: i32) -> bool {
        if (self.year < 0) != (y < 0) && y != 0 {
            return false;
        }
        digits_fit(
            y.unsigned_abs(),
            self.year.unsigned_abs(),
            self.x_digits.year,
            4,
        )
    }

    /// First (or last) day the date allows within year `y`.
    fn bound_in_year(&self, y: i32, last: bool) -> Option<Ymd> {
        let months: Vec<u8> = match self.month {
            None => (1..=12).collect(),
            Some(m) => (1..=12)
                .filter(|&c| digits_fit(u32::from(c), u32::from(m), self.x_digits.month, 2))
                .collect(),
        };
        let pick = |m: u8| {
            let mut days = (1..=days_in_month(y, m)).filter(|&c| match self.day {
                None => true,
                Some(d) => digits_fit(u32::from(c), u32::from(d), self.x_digits.day, 2),
            });
            if last { days.next_back() } else { days.next() }.map(|d| Ymd {
                year: y,
                month: m,
                day: d,
            })
        };
        if last {
            months.into_iter().rev().find_map(pick)
        } else {
            months.into_iter().find_map(pick)
        }
    }

    /// Earliest and latest day; `None` if no real day fits.
    fn bounds(&self) -> Option<(Ymd, Ymd)> {
        if let Some(season) = self.season {
            return Some(season.bounds(self.year));
        }
        // Without `X` digits the bounds are read off directly; every metadata date of
        // the corpus takes this way.
        if self.x_digits == XDigits::default() {
            let y = self.year;
            let (m1, m2) = self.month.map_or((1, 12), |m| (m, m));
            let first = Ymd::new(y, m1, self.day.unwrap_or(1))?;
            let last = Ymd::new(y, m2, self.day.unwrap_or_else(|| days_in_month(y, m2)))?;
            return Some((first, last));
        }
        let (lo, hi) = self.year_range();
        // At most 10 000 candidate years; in practice the first fits.
        let first = (lo..=hi)
            .filter(|&y| self.year_fits(y))
            .find_map(|y| self.bound_in_year(y, false))?;
        let last = (lo..=hi)
            .rev()
            .filter(|&y| self.year_fits(y))
            .find_map(|y| self.bound_in_year(y, true))?;
        Some((first, last))
    }

    pub fn earliest(&self) -> Ymd {
        self.bounds().map(|b| b.0).unwrap_or(Ymd {
            year: self.year,
            month: 1,
            day: 1,
        })
    }

    pub fn latest(&self) -> Ymd {
        self.bounds().map(|b| b.1).unwrap_or(Ymd {
            year: self.year,
            month: 12,
            day: 31,
        })
    }

    fn is_plain(&self) -> bool {
        !self.unspecified && !self.uncertain && !self.approximate && self.season.is_none()
    }

    fn qualifier_text(&self) -> &'static str {
        match (self.uncertain, self.approximate) {
            (true, true) => ", uncertain and approximate",
            (true, false) => ", uncertain",
            (false, true) => ", approximate",
            (false, false) => "",
        }
    }

    pub fn describe(&self) -> String {
        let mut out = if let Some(season) = self.season {
            format!("{} {}", season.name(), self.year)
        } else if !self.unspecified {
            match (self.month, self.day) {
                (Some(m), Some(d)) => {
                    let ymd = Ymd {
                        year: self.year,
                        month: m,
                        day: d,
                    };
                    format!("{} ({})", ymd.long(), ymd.weekday())
                }
                (Some(m), None) => format!("{} {}", month_name(m), self.year),
                _ => self.year.to_string(),
            }
        } else {
            let (a, b) = (self.earliest(), self.latest());
            let which = if self.x_digits.day != 0 {
                "day"
            } else if self.x_digits.month != 0 {
                "month"
            } else {
                "year"
            };
            format!(
                "{}, {which} unspecified",
                describe_range(a, b, self.precision())
            )
        };
        out.push_str(self.qualifier_text());
        out
    }
}

/// "19–20 November 1945", "30 November – 2 December 1945", "October–December 1945",
/// "1940–1949"; a whole month or year collapses to it.
fn describe_range(a: Ymd, b: Ymd, precision: Precision) -> String {
    let mut precision = precision;
    if precision == Precision::Day
        && a.year == b.year
        && a.month == b.month
        && a.day == 1
        && b.day == days_in_month(b.year, b.month)
    {
        precision = Precision::Month;
    }
    if precision == Precision::Month && a.year == b.year && a.month == 1 && b.month == 12 {
        precision = Precision::Year;
    }
    let (ma, mb) = (month_name(a.month), month_name(b.month));
    match precision {
        Precision::Day if a == b => a.long(),
        Precision::Day if a.year == b.year && a.month == b.month => {
            format!("{}–{} {ma} {}", a.day, b.day, a.year)
        }
        Precision::Day if a.year == b.year => {
            format!("{} {ma} – {} {mb} {}", a.day, b.day, b.year)
        }
        Precision::Day => format!("{} – {}", a.long(), b.long()),
        Precision::Month if a.year == b.year && a.month == b.month => format!("{ma} {}", a.year),
        Precision::Month if a.year == b.year => format!("{ma}–{mb} {}", a.year),
        Precision::Month => format!("{ma} {} – {mb} {}", a.year, b.year),
        Precision::Year if a.year == b.year => a.year.to_string(),
        Precision::Year => format!("{}–{}", a.year, b.year),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edtf {
    Date(EdtfDate),
    /// `None`: an open (`..`) or unknown (empty) end.
    Interval {
        start: Option<EdtfDate>,
        end: Option<EdtfDate>,
    },
}

impl Edtf {
    pub fn earliest(&self) -> Option<Ymd> {
        match self {
            Edtf::Date(d) => Some(d.earliest()),
            Edtf::Interval { start, .. } => start.as_ref().map(EdtfDate::earliest),
        }
    }

    pub fn latest(&self) -> Option<Ymd> {
        match self {
            Edtf::Date(d) => Some(d.latest()),
            Edtf::Interval { end, .. } => end.as_ref().map(EdtfDate::latest),
        }
    }

    /// Human text for hovers: "28 September 1945 (Friday)", "September 1945, approximate",
    /// "19–20 November 1945".
    pub fn describe(&self) -> String {
        match self {
            Edtf::Date(d) => d.describe(),
            Edtf::Interval {
                start: Some(a),
                end: Some(b),
            } => {
                if a.is_plain() && b.is_plain() && a.precision() == b.precision() {
                    describe_range(a.earliest(), b.latest(), a.precision())
                } else {
                    format!("{} to {}", a.describe(), b.describe())
                }
            }
            Edtf::Interval {
                start: Some(a),
                end: None,
            } => format!("from {}", a.describe()),
            Edtf::Interval {
                start: None,
                end: Some(b),
            } => format!("until {}", b.describe()),
            Edtf::Interval {
                start: None,
                end: None,
            } => "an interval with no known end".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdtfError {
    pub message: String,
}

fn edtf_error(message: String) -> EdtfError {
    EdtfError { message }
}

/// Parses a metadata date: EDTF level 0 and 1 (X digits allowed in any digit of the
/// month and day as well, as the edition writes `1945-09-2X`).
pub fn parse_edtf(s: &str) -> Result<Edtf, EdtfError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(edtf_error("the date is empty".into()));
    }
    if let Some(e) = not_edtf(t) {
        return Err(e);
    }
    match t.split_once('/') {
        None => parse_edtf_date(t, t).map(Edtf::Date),
        Some((a, b)) => {
            if b.contains('/') {
                return Err(edtf_error(format!(
                    "`{t}`: an interval has one `/` between its start and its end"
                )));
            }
            let side = |x: &str| -> Result<Option<EdtfDate>, EdtfError> {
                match x {
                    "" | ".." => Ok(None),
                    _ => parse_edtf_date(x, t).map(Some),
                }
            };
            let (start, end) = (side(a)?, side(b)?);
            match (&start, &end) {
                (None, None) => Err(edtf_error(format!(
                    "`{t}`: an interval needs at least one known end"
                ))),
                (Some(x), Some(y)) if x.earliest() > y.latest() => Err(edtf_error(format!(
                    "`{t}`: the interval ends before it starts"
                ))),
                _ => Ok(Edtf::Interval { start, end }),
            }
        }
    }
}

/// Common ways of writing a date that are not EDTF, with the EDTF to write instead.
fn not_edtf(t: &str) -> Option<EdtfError> {
    // A date in words or with a Roman month: suggest its ISO form.
    let found = scan_text_dates(t);
    if let [d] = found.as_slice() {
        if d.span == (0..t.len()) {
            return Some(edtf_error(match d.ymd() {
                Some(ymd) => format!("`{t}` is not EDTF: write {ymd}"),
                None => format!("`{t}` is not EDTF: write the date as YYYY-MM-DD"),
            }));
        }
    }
    // d.m.yyyy, d/m/yyyy, d-m-yyyy and yyyy/mm/dd, yyyy.mm.dd.
    let parts: Vec<&str> = t.split(['.', '/', '-']).collect();
    let numeric = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (a, b, c) = (parts[0], parts[1], parts[2]);
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 && t.contains(['.', '/']) {
        let suggestion = u8::try_from(n(b))
            .ok()
            .zip(u8::try_from(n(c)).ok())
            .and_then(|(m, d)| Ymd::new(n(a) as i32, m, d));
        return Some(edtf_error(match suggestion {
            Some(ymd) => format!("`{t}` is not EDTF: write {ymd}"),
            None => format!("`{t}` is not EDTF: write the date as YYYY-MM-DD"),
        }));
    }
    if c.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year = n(c) as i32;
    let as_date = |d: u32, m: u32| {
        u8::try_from(m)
            .ok()
            .zip(u8::try_from(d).ok())
            .and_then(|(m, d)| Ymd::new(year, m, d))
    };
    let day_first = as_date(n(a), n(b));
    let month_first = as_date(n(b), n(a));
    Some(edtf_error(match (day_first, month_first) {
        (Some(x), Some(y)) if x != y => format!(
            "`{t}` is not EDTF: write {x} ({} {}) or {y} ({} {})",
            x.day,
            month_name(x.month),
            y.day,
            month_name(y.month)
        ),
        (Some(x), _) | (None, Some(x)) => format!("`{t}` is not EDTF: write {x}"),
        (None, None) => format!("`{t}` is not EDTF: write the date as YYYY-MM-DD"),
    }))
}

/// One date of an EDTF string (`whole` is the full value, quoted in messages).
fn parse_edtf_date(s: &str, whole: &str) -> Result<EdtfDate, EdtfError> {
    let err = |m: String| Err(edtf_error(m));
    if let Some((date, _)) = s.split_once('T') {
        return err(format!(
            "`{whole}`: metadata dates carry no time: write {date}"
        ));
    }
    let (body, uncertain, approximate) = match s.as_bytes().last() {
        Some(b'?') => (&s[..s.len() - 1], true, false),
        Some(b'~') => (&s[..s.len() - 1], false, true),
        Some(b'%') => (&s[..s.len() - 1], true, true),
        _ => (s, false, false),
    };
    if body.ends_with(['?', '~', '%']) {
        return err(format!(
            "`{whole}`: one qualifier at the end: `?` uncertain, `~` approximate, `%` both"
        ));
    }
    if body.starts_with(['?', '~', '%']) {
        return err(format!(
            "`{whole}`: the qualifier goes at the end, as in 1945-09-28?"
        ));
    }
    let mut date = EdtfDate {
        year: 0,
        month: None,
        day: None,
        unspecified: false,
        uncertain,
        approximate,
        x_digits: XDigits::default(),
        season: None,
    };
    // Level 1 long years: Y followed by more than four digits, no month or day.
    if let Some(rest) = body.strip_prefix('Y') {
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return err(format!(
                "`{whole}`: a `Y` year is written Y followed by digits only"
            ));
        }
        let Ok(v) = digits.parse::<i32>() else {
            return err(format!("`{whole}`: the year is too large"));
        };
        date.year = if rest.starts_with('-') { -v } else { v };
        return Ok(date);
    }
    let (negative, unsigned) = match body.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, body),
    };
    let mut parts = unsigned.split('-');
    let year_text = parts.next().unwrap_or("");
    let month_text = parts.next();
    let day_text = parts.next();
    if let Some(extra) = parts.next() {
        return err(format!("`{whole}`: unexpected `-{extra}` after the day"));
    }
    // Reads a component of `places` characters, digits or X.
    let component = |text: &str, places: usize, what: &str| -> Result<(u32, u8), EdtfError> {
        if let Some(c) = text.chars().find(|c| !c.is_ascii_digit() && *c != 'X') {
            if c != 'x' && c.is_alphabetic() {
                return Err(edtf_error(format!(
                    "`{whole}` is not EDTF: write YYYY, YYYY-MM or YYYY-MM-DD"
                )));
            }
            let hint = if c == 'x' {
                ": unspecified digits are a capital X"
            } else {
                ""
            };
            return Err(edtf_error(format!(
                "`{whole}`: unexpected `{c}` in the {what}{hint}"
            )));
        }
        if text.len() != places {
            return Err(edtf_error(format!(
                "`{whole}`: the {what} needs {} digits{}",
                if places == 4 { "four" } else { "two" },
                suggestion(whole)
                    .map(|s| format!(": write {s}"))
                    .unwrap_or_default()
            )));
        }
        let mut value = 0u32;
        let mut mask = 0u8;
        for (i, b) in text.bytes().enumerate() {
            value *= 10;
            if b == b'X' {
                mask |= 1 << (places - 1 - i);
            } else {
                value += u32::from(b - b'0');
            }
        }
        Ok((value, mask))
    };
    let (y, ymask) = component(year_text, 4, "year")?;
    date.year = if negative { -(y as i32) } else { y as i32 };
    date.x_digits.year = ymask;
    if let Some(mt) = month_text {
        let (m, mmask) = component(mt, 2, "month")?;
        let m = m as u8;
        if mmask == 0 {
            if let Some(season) = Season::from_code(m) {
                if day_text.is_some() {
                    return err(format!("`{whole}`: a season ({m}) has no day"));
                }
                date.season = Some(season);
                return Ok(date);
            }
            if !(1..=12).contains(&m) {
                return err(format!("`{whole}`: month {mt} does not exist"));
            }
        }
        date.month = Some(m);
        date.x_digits.month = mmask;
    }
    if let Some(dt) = day_text {
        let (d, dmask) = component(dt, 2, "day")?;
        let d = d as u8;
        if dmask == 0 && !(1..=31).contains(&d) {
            return err(format!("`{whole}`: day {dt} does not exist"));
        }
        date.day = Some(d);
        date.x_digits.day = dmask;
    }
    date.unspecified = date.x_digits != XDigits::default();
    if !date.unspecified {
        if let (Some(m), Some(d)) = (date.month, date.day) {
            if let Some(reason) = impossibility(Some(date.year), m, d) {
                return err(format!(
                    "`{whole}`: {d} {} {} is impossible: {reason}",
                    month_name(m),
                    date.year
                ));
            }
        }
    } else if date.bounds().is_none() {
        return err(format!("`{whole}`: no real date fits these digits"));
    }
    Ok(date)
}

/// `1945-9-28` → `1945-09-28`: pads one-digit months and days, if that gives a real date.
fn suggestion(whole: &str) -> Option<String> {
    let mut parts = whole.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: Option<u8> = match parts.next() {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    if parts.next().is_some() || !(1000..=9999).contains(&y) {
        return None;
    }
    match d {
        Some(d) => Ymd::new(y, m, d).map(|x| x.iso()),
        None => (1..=12).contains(&m).then(|| format!("{y:04}-{m:02}")),
    }
}

// ---------------------------------------------------------------------------------------
// Dates in running text
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// `28 September 1945`
    DayMonthYear,
    /// `September 28, 1945`, `Sept. 28, 1945`
    MonthDayYear,
    /// `28.IX.45`, `28.IX.1945`
    RomanMonth,
    /// `28.9.1945` (four-digit year only)
    Numeric,
    /// `November 2`, no year
    MonthDay,
    /// `2 November`, no year
    DayMonth,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDate {
    /// The whole date as written, weekday and time included.
    pub span: Range<usize>,
    pub form: DateForm,
    /// Full year; two-digit years are read as 19YY; `None` for a date without year.
    pub year: Option<i32>,
    pub two_digit_year: bool,
    /// 1..=12.
    pub month: u8,
    /// As written, 1..=31; may be impossible for its month.
    pub day: u8,
    pub weekday: Option<Weekday>,
    /// 24-hour.
    pub time: Option<(u8, u8)>,
    pub problem: Option<DateProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// "September has 30 days", "1943 is not a leap year: February has 28 days".
    Impossible {
        reason: String,
    },
    /// The repeated element, e.g. the second "27" in "27 September 27".
    Repeated {
        element: Range<usize>,
    },
    WeekdayMismatch {
        written: Weekday,
        actual: Weekday,
    },
}

impl DateProblem {
    /// The diagnostic code (FORMAT.md).
    pub fn code(&self) -> &'static str {
        match self {
            DateProblem::Impossible { .. } => "date-invalid",
            DateProblem::Repeated { .. } => "date-repeated",
            DateProblem::WeekdayMismatch { .. } => "date-weekday",
        }
    }
}

impl TextDate {
    /// The day meant; `Some` only if the year is known and the date possible.
    pub fn ymd(&self) -> Option<Ymd> {
        Ymd::new(self.year?, self.month, self.day)
    }

    /// The message for this date's problem, quoting `text` (the text that was scanned).
    pub fn message(&self, text: &str) -> Option<String> {
        let quoted = text.get(self.span.clone()).unwrap_or("");
        Some(match self.problem.as_ref()? {
            DateProblem::Impossible { reason } => format!("`{quoted}` is impossible: {reason}"),
            DateProblem::Repeated { element } => format!(
                "`{quoted}` repeats `{}` where the year should be",
                text.get(element.clone()).unwrap_or("")
            ),
            DateProblem::WeekdayMismatch { written, actual } => format!(
                "`{quoted}`: {} was a {actual}, not a {written}",
                self.ymd().map(Ymd::long).unwrap_or_default()
            ),
        })
    }
}

/// Finds the dates in `text`, in order of position, non-overlapping.
///
/// Driven by digit positions: most bytes are skipped 32 at a time, and only a one- or
/// two-digit number (a possible day) makes us look around it for a month, year,
/// weekday and time.
pub fn scan_text_dates(text: &str) -> Vec<TextDate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Dates may not reach back before the end of the previous one.
    let mut floor = 0;
    let mut i = 0;
    while let Some(s) = find_digit(b, i) {
        let e = digits_end(b, s);
        match date_at(text, s, e, floor) {
            Some(d) => {
                floor = d.span.end;
                i = d.span.end.max(e);
                out.push(d);
            }
            None => i = e,
        }
    }
    out
}

fn find_digit(b: &[u8], from: usize) -> Option<usize> {
    const CHUNK: usize = 32;
    let mut i = from;
    // Branch-free test of a whole chunk, which the compiler vectorises.
    while let Some(chunk) = b.get(i..i + CHUNK) {
        let any = chunk
            .iter()
            .fold(0u8, |acc, &c| acc | u8::from(c.wrapping_sub(b'0') < 10));
        if any != 0 {
            break;
        }
        i += CHUNK;
    }
    b.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

fn digits_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn number(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |n, &c| {
        n.saturating_mul(10).saturating_add(u32::from(c - b'0'))
    })
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Skips spaces, tabs and no-break spaces forward; never a line break.
fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b' ' | b'\t') => i += 1,
            Some(0xC2) if b.get(i + 1) == Some(&0xA0) => i += 2,
            _ => return i,
        }
    }
}

/// Skips spaces backward from `i`, not below `floor`.
fn skip_spaces_back(b: &[u8], mut i: usize, floor: usize) -> usize {
    while i > floor {
        match b[i - 1] {
            b' ' | b'\t' => i -= 1,
            0xA0 if i >= floor + 2 && b[i - 2] == 0xC2 => i -= 2,
            _ => break,
        }
    }
    i
}

/// Skips white space forward, with at most one line break (markdown breaks long titles).
fn skip_space_and_one_break(b: &[u8], i: usize) -> usize {
    let mut j = skip_spaces(b, i);
    if b.get(j) == Some(&b'\r') {
        j += 1;
    }
    if b.get(j) == Some(&b'\n') {
        j = skip_spaces(b, j + 1);
    }
    j
}

/// A month name as written: capitalised or in capitals; abbreviations with or without
/// their dot, full names never with one (`in September. 28 divisions` is no date).
fn month_word(word: &[u8], dotted: bool) -> Option<u8> {
    const NAMES: [(&str, u8, bool); 24] = [
        ("january", 1, true),
        ("february", 2, true),
        ("march", 3, true),
        ("april", 4, true),
        ("may", 5, true),
        ("june", 6, true),
        ("july", 7, true),
        ("august", 8, true),
        ("september", 9, true),
        ("october", 10, true),
        ("november", 11, true),
        ("december", 12, true),
        ("jan", 1, false),
        ("feb", 2, false),
        ("mar", 3, false),
        ("apr", 4, false),
        ("jun", 6, false),
        ("jul", 7, false),
        ("aug", 8, false),
        ("sep", 9, false),
        ("sept", 9, false),
        ("oct", 10, false),
        ("nov", 11, false),
        ("dec", 12, false),
    ];
    let lower = name_case(word)?;
    NAMES
        .iter()
        .find(|(n, _, full)| n.as_bytes() == lower.as_slice() && !(*full && dotted))
        .map(|&(_, m, _)| m)
}

fn weekday_word(word: &[u8]) -> Option<Weekday> {
    let lower = name_case(word)?;
    WEEKDAYS
        .iter()
        .copied()
        .find(|w| w.name().as_bytes().eq_ignore_ascii_case(&lower))
}

/// The word in lower case if it is written `Capitalised` or `CAPITALS`; `may` is a verb.
fn name_case(word: &[u8]) -> Option<Vec<u8>> {
    let (first, rest) = word.split_first()?;
    let capitalised = first.is_ascii_uppercase()
        && (rest.iter().all(u8::is_ascii_lowercase) || rest.iter().all(u8::is_ascii_uppercase));
    (capitalised && word.len() <= 9).then(|| word.to_ascii_lowercase())
}

/// A month name ending just before the day at `s`: `September 28`, `Sept. 28`, `Sept.28`.
fn month_before(text: &str, s: usize, floor: usize) -> Option<(usize, u8)> {
    let b = text.as_bytes();
    let mut q = skip_spaces_back(b, s, floor);
    let spaced = q < s;
    let dotted = q > floor && b[q - 1] == b'.';
    if dotted {
        q -= 1;
    }
    if !spaced && !dotted {
        return None;
    }
    let word_end = q;
    while q > floor && b[q - 1].is_ascii_alphabetic() {
        q -= 1;
    }
    if is_word_char(char_before(text, q)) {
        return None;
    }
    month_word(&b[q..word_end], dotted).map(|m| (q, m))
}

/// A month name after the day ending at `e`: `28 September`, `28 Sept.`, `28th of May`.
fn month_after(text: &str, e: usize) -> Option<(usize, u8)> {
    let b = text.as_bytes();
    let mut p = skip_spaces(b, e);
    if p == e {
        return None;
    }
    if b.get(p..p + 3) == Some(b"of ") {
        p = skip_spaces(b, p + 3);
    }
    let start = p;
    while b.get(p).is_some_and(u8::is_ascii_alphabetic) {
        p += 1;
    }
    if is_word_char(char_at(text, p)) {
        return None;
    }
    let word = &b[start..p];
    if b.get(p) == Some(&b'.') {
        if let Some(m) = month_word(word, true) {
            return Some((p + 1, m));
        }
    }
    month_word(word, false).map(|m| (p, m))
}

/// A four-digit year after `e`: `, 1945` or ` 1945`, possibly on the next line.
fn year_after(text: &str, e: usize) -> Option<(usize, i32)> {
    let b = text.as_bytes();
    let mut p = e;
    if b.get(p) == Some(&b',') {
        p += 1;
    }
    p = skip_space_and_one_break(b, p);
    if p == e {
        return None;
    }
    let ye = digits_end(b, p);
    if ye - p != 4 || !number_ends(text, ye) {
        return None;
    }
    // Outside these, a four-digit number after a day is a quantity: `June 5, 1500 aircraft`.
    let year = number(&b[p..ye]) as i32;
    (1700..=2199).contains(&year).then_some((ye, year))
}

/// Does a number end at `e` (not glued to a letter, nor `1,000` or `1.5`)?
fn number_ends(text: &str, e: usize) -> bool {
    let b = text.as_bytes();
    if is_word_char(char_at(text, e)) {
        return false;
    }
    !(matches!(b.get(e), Some(b'.' | b',' | b':' | b'/'))
        && b.get(e + 1).is_some_and(u8::is_ascii_digit))
}

/// A time after the date ending at `e`: `, 8:30 p.m.`, `, 7 p.m.`, ` at 8.30 a.m.`,
/// `, 20:30`. Without a.m./p.m. only the `H:MM` form is taken.
fn time_after(text: &str, e: usize) -> Option<(usize, (u8, u8))> {
    let b = text.as_bytes();
    let mut p = e;
    let comma = b.get(p) == Some(&b',');
    if comma {
        p += 1;
    }
    let q = skip_spaces(b, p);
    if q == p {
        return None;
    }
    p = q;
    let at = b.get(p..p + 3) == Some(b"at ");
    if at {
        p = skip_spaces(b, p + 3);
    }
    if !comma && !at {
        return None;
    }
    let he = digits_end(b, p);
    if he == p || he - p > 2 {
        return None;
    }
    let hour = number(&b[p..he]);
    let mut end = he;
    let mut minute = 0;
    let mut colon = false;
    if let Some(&sep @ (b':' | b'.')) = b.get(he) {
        let me = digits_end(b, he + 1);
        if me - (he + 1) == 2 {
            minute = number(&b[he + 1..me]);
            colon = sep == b':';
            end = me;
        }
    }
    let a = skip_spaces(b, end);
    let meridiem = [
        ("a.m.", false),
        ("p.m.", true),
        ("A.M.", false),
        ("P.M.", true),
        ("am", false),
        ("pm", true),
        ("AM", false),
        ("PM", true),
    ]
    .iter()
    .find(|(w, _)| {
        b.get(a..a + w.len()) == Some(w.as_bytes())
            && (w.ends_with('.') || !is_word_char(char_at(text, a + w.len())))
    });
    if minute > 59 {
        return None;
    }
    match meridiem {
        Some(&(w, pm)) if (1..=12).contains(&hour) => {
            let h = hour % 12 + if pm { 12 } else { 0 };
            Some((a + w.len(), (h as u8, minute as u8)))
        }
        None if colon && hour <= 23 && number_ends(text, end) => {
            Some((end, (hour as u8, minute as u8)))
        }
        _ => None,
    }
}

/// The same number again after the day-month, where the year should be:
/// `27 September 27,`. Returns the repeated element's range.
fn repeated_after(text: &str, e: usize, day: u8) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut p = e;
    if b.get(p) == Some(&b',') {
        p += 1;
    }
    let q = skip_spaces(b, p);
    if q == p {
        return None;
    }
    let de = digits_end(b, q);
    let n = de - q;
    ((1..=2).contains(&n) && number(&b[q..de]) == u32::from(day) && number_ends(text, de))
        .then_some(q..de)
}

/// A weekday before the date starting at `s`: `Monday, September 11`, `Monday 11 September`.
fn weekday_before(text: &str, s: usize, floor: usize) -> Option<(usize, Weekday)> {
    let b = text.as_bytes();
    let mut q = skip_spaces_back(b, s, floor);
    if q == s {
        return None;
    }
    if q > floor && b[q - 1] == b',' {
        q -= 1;
    }
    let word_end = q;
    while q > floor && b[q - 1].is_ascii_alphabetic() {
        q -= 1;
    }
    if is_word_char(char_before(text, q)) {
        return None;
    }
    weekday_word(&b[q..word_end]).map(|w| (q, w))
}

fn roman_month(word: &[u8]) -> Option<u8> {
    const ROMAN: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    ROMAN
        .iter()
        .position(|r| r.as_bytes() == word)
        .map(|i| i as u8 + 1)
}

/// `28.IX.45`, `28.IX.1945`, `28.9.1945` with the day `s..e` followed by a dot.
fn dotted_date(text: &str, s: usize, e: usize) -> Option<TextDate> {
    let b = text.as_bytes();
    let day = number(&b[s..e]);
    if !(1..=31).contains(&day) {
        return None;
    }
    let p = e + 1;
    let mut q = p;
    while b.get(q).is_some_and(|c| matches!(c, b'I' | b'V' | b'X')) {
        q += 1;
    }
    let (form, month) = if q > p {
        (DateForm::RomanMonth, roman_month(&b[p..q])?)
    } else {
        q = digits_end(b, p);
        let m = number(&b[p..q]);
        if !(1..=2).contains(&(q - p)) || !(1..=12).contains(&m) {
            return None;
        }
        (DateForm::Numeric, m as u8)
    };
    if b.get(q) != Some(&b'.') {
        return None;
    }
    let ys = q + 1;
    let ye = digits_end(b, ys);
    let two_digit_year = ye - ys == 2 && form == DateForm::RomanMonth;
    if !(ye - ys == 4 || two_digit_year) || !number_ends(text, ye) {
        return None;
    }
    let written = number(&b[ys..ye]) as i32;
    Some(TextDate {
        span: s..ye,
        form,
        year: Some(if two_digit_year {
            1900 + written
        } else {
            written
        }),
        two_digit_year,
        month,
        day: day as u8,
        weekday: None,
        time: None,
        problem: None,
    })
}

/// The date, if any, whose day is the digits `s..e`.
fn date_at(text: &str, s: usize, e: usize, floor: usize) -> Option<TextDate> {
    let b = text.as_bytes();
    if e - s > 2 {
        return None;
    }
    // Glued to a word (`Ministers57`), or inside a larger number (`1,000`, `8:30`).
    if is_word_char(char_before(text, s)) {
        return None;
    }
    if s >= 2 && matches!(b[s - 1], b'.' | b',' | b':' | b'/') && b[s - 2].is_ascii_digit() {
        return None;
    }
    if b.get(e) == Some(&b'.') {
        if let Some(d) = dotted_date(text, s, e) {
            return Some(finish(text, d, floor));
        }
    }
    let day = number(&b[s..e]);
    if !(1..=31).contains(&day) {
        return None;
    }
    let day = day as u8;
    // Ordinals: `June 5th`, `5th of June`.
    let mut day_end = e;
    if let Some(suffix) = b.get(e..e + 2) {
        if matches!(suffix, b"st" | b"nd" | b"rd" | b"th") && !is_word_char(char_at(text, e + 2)) {
            day_end = e + 2;
        }
    }
    let blank = |span: Range<usize>, form, month| TextDate {
        span,
        form,
        year: None,
        two_digit_year: false,
        month,
        day,
        weekday: None,
        time: None,
        problem: None,
    };
    if !number_ends(text, day_end) {
        return None;
    }
    if let Some((ms, month)) = month_before(text, s, floor) {
        let mut d = blank(ms..day_end, DateForm::MonthDay, month);
        if let Some((ye, year)) = year_after(text, day_end) {
            d.form = DateForm::MonthDayYear;
            d.year = Some(year);
            d.span.end = ye;
        }
        return Some(finish(text, d, floor));
    }
    if let Some((me, month)) = month_after(text, day_end) {
        let mut d = blank(s..me, DateForm::DayMonth, month);
        if let Some((ye, year)) = year_after(text, me) {
            d.form = DateForm::DayMonthYear;
            d.year = Some(year);
            d.span.end = ye;
        }
        return Some(finish(text, d, floor));
    }
    None
}

/// Adds weekday, time and problems to a date found.
fn finish(text: &str, mut d: TextDate, floor: usize) -> TextDate {
    if let Some((ws, w)) = weekday_before(text, d.span.start, floor) {
        d.weekday = Some(w);
        d.span.start = ws;
    }
    let mut repeated = None;
    if let Some((te, t)) = time_after(text, d.span.end) {
        d.time = Some(t);
        d.span.end = te;
    } else if d.year.is_none() {
        if let Some(r) = repeated_after(text, d.span.end, d.day) {
            d.span.end = r.end;
            repeated = Some(r);
        }
    }
    d.problem = if let Some(reason) = impossibility(d.year, d.month, d.day) {
        Some(DateProblem::Impossible { reason })
    } else if let Some(element) = repeated {
        Some(DateProblem::Repeated { element })
    } else {
        match (d.weekday, d.ymd()) {
            (Some(written), Some(ymd)) if ymd.weekday() != written => {
                Some(DateProblem::WeekdayMismatch {
                    written,
                    actual: ymd.weekday(),
                })
            }
            _ => None,
        }
    };
    d
}

/// What a line that consists of a date is, in the Red Star Press convention: a
/// `Sent on <date>` line precedes its message; a bare date line closes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateLineKind {
    SentOn,
    /// The date alone, or followed by a signature in capitals (`28.IX.45   MOLOTOV`).
    Bare,
}

/// The date of a line that is only a date (emphasis markers and a closing signature
/// allowed), with offsets into `line`.
pub fn date_line(line: &str) -> Option<(DateLineKind, TextDate)> {
    line_of_date(line, true)
}

/// As [`date_line`], but the date must be all the line holds besides emphasis markers and
/// white space and a closing full stop: no signature. The importer's rule for the lines
/// that close or precede a message, where `May 4, 1943 PERSONAL AND SECRET MESSAGE` is a
/// date glued by the OCR to the next heading, while `January 15, 1945.` closes a message.
pub fn date_only_line(line: &str) -> Option<(DateLineKind, TextDate)> {
    line_of_date(line, false)
}

/// `signed`: a closing signature and a full stop may follow the date.
fn line_of_date(line: &str, signed: bool) -> Option<(DateLineKind, TextDate)> {
    let is_mark = |c: char| c.is_whitespace() || c == '*' || c == '_';
    let start = line.len() - line.trim_start_matches(is_mark).len();
    let (kind, at) = match line[start..].strip_prefix("Sent on ") {
        Some(rest) => (DateLineKind::SentOn, line.len() - rest.len()),
        None => (DateLineKind::Bare, start),
    };
    let d = scan_text_dates(line)
        .into_iter()
        .find(|d| d.span.start >= at)?;
    if !line[at..d.span.start]
        .trim_start_matches(is_mark)
        .is_empty()
    {
        return None;
    }
    let rest = &line[d.span.end..];
    if !signed {
        // A full stop may close the line (`January 15, 1945.`), nothing else.
        let rest = rest.trim_matches(is_mark);
        let rest = rest.strip_suffix('.').unwrap_or(rest).trim_matches(is_mark);
        return rest.is_empty().then_some((kind, d));
    }
    let tail = rest.trim_matches(|c: char| is_mark(c) || c == '.');
    let signature = kind == DateLineKind::Bare
        && rest.starts_with(char::is_whitespace)
        && tail.chars().any(char::is_uppercase)
        && tail
            .chars()
            .all(|c| c.is_uppercase() || c.is_whitespace() || matches!(c, '.' | '-' | '\''));
    (tail.is_empty() || signature).then_some((kind, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

    /// A seed by its number. The seeds are part of the test bed: a missing one fails the test.
    fn seed(prefix: &str) -> Option<(String, String)> {
        let dir = std::fs::read_dir(SEEDS).unwrap_or_else(|e| panic!("the seeds must be at {SEEDS}: {e}"));
        let mut paths: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        let path = paths.into_iter().find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        Some((name, std::fs::read_to_string(path).ok()?))
    }

    /// One line per date: the text, form, meaning, and problem.
    fn show(text: &str) -> String {
        let mut out = String::new();
        for d in scan_text_dates(text) {
            let when = match (d.ymd(), d.year) {
                (Some(ymd), _) => ymd.iso(),
                (None, Some(y)) => format!("{y}-{:02}-{:02}", d.month, d.day),
                (None, None) => format!("--{:02}-{:02}", d.month, d.day),
            };
            out.push_str(&format!("{:?} {:?} {when}", &text[d.span.clone()], d.form));
            if d.two_digit_year {
                out.push_str(" yy");
            }
            if let Some(w) = d.weekday {
                out.push_str(&format!(" {w}"));
            }
            if let Some((h, m)) = d.time {
                out.push_str(&format!(" {h:02}:{m:02}"));
            }
            if let Some(p) = &d.problem {
                out.push_str(&format!(
                    " [{}] {}",
                    p.code(),
                    d.message(text).unwrap_or_default()
                ));
            }
            out.push('\n');
        }
        out
    }

    fn check(text: &str, expected: Expect) {
        expected.assert_eq(&show(text));
    }

    fn edtf(inputs: &[&str]) -> String {
        let mut out = String::new();
        for s in inputs {
            let line = match parse_edtf(s) {
                Ok(e) => format!(
                    "{s} => {} [{} .. {}]",
                    e.describe(),
                    e.earliest()
                        .map(|d| d.iso())
                        .unwrap_or_else(|| "open".into()),
                    e.latest().map(|d| d.iso()).unwrap_or_else(|| "open".into()),
                ),
                Err(e) => format!("{s} => error: {}", e.message),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    // ---- calendar ----

    #[test]
    fn weekdays() {
        let wd = |y, m, d| Ymd::new(y, m, d).unwrap().weekday();
        assert_eq!(wd(1944, 9, 11), Weekday::Monday);
        assert_eq!(wd(1941, 6, 22), Weekday::Sunday);
        assert_eq!(wd(1945, 5, 9), Weekday::Wednesday);
        assert_eq!(wd(1945, 9, 28), Weekday::Friday);
        assert_eq!(wd(1970, 1, 1), Weekday::Thursday);
        assert_eq!(wd(2000, 2, 29), Weekday::Tuesday);
        assert_eq!(wd(1600, 1, 1), Weekday::Saturday);
        assert_eq!(wd(0, 1, 1), Weekday::Saturday);
        // Consecutive days step through the week, across month, year and century ends.
        let mut prev = wd(1799, 12, 31);
        for y in 1800..=2100 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    let w = wd(y, m, d);
                    assert_eq!(WEEKDAYS[(prev as usize + 1) % 7], w, "{y}-{m}-{d}");
                    prev = w;
                }
            }
        }
    }

    #[test]
    fn calendar() {
        assert!(is_leap_year(1944) && is_leap_year(2000) && is_leap_year(-4));
        assert!(!is_leap_year(1943) && !is_leap_year(1900) && !is_leap_year(-1));
        assert_eq!(days_in_month(1943, 2), 28);
        assert_eq!(days_in_month(1944, 2), 29);
        assert_eq!(days_in_month(1945, 9), 30);
        assert_eq!(days_in_month(1945, 0), 0);
        assert_eq!(days_in_month(1945, 13), 0);
        assert_eq!(Ymd::new(1945, 9, 31), None);
        assert_eq!(Ymd::new(1943, 2, 29), None);
        assert_eq!(Ymd::new(1945, 0, 1), None);
        assert_eq!(Ymd::new(1945, 1, 0), None);
        let d = Ymd::new(1945, 9, 28).unwrap();
        assert_eq!(d.iso(), "1945-09-28");
        assert_eq!(d.to_string(), "1945-09-28");
        assert_eq!(d.long(), "28 September 1945");
        assert_eq!(Ymd::new(-44, 3, 15).unwrap().iso(), "-0044-03-15");
        assert_eq!(Weekday::Sunday.name(), "Sunday");
        // Hand-built impossible days still give an answer.
        let _ = Ymd {
            year: i32::MIN,
            month: 0,
            day: 255,
        }
        .weekday();
        let _ = Ymd {
            year: i32::MAX,
            month: 200,
            day: 0,
        }
        .weekday();
    }

    // ---- EDTF ----

    #[test]
    fn edtf_valid() {
        expect![[r#"
            1945-09-28 => 28 September 1945 (Friday) [1945-09-28 .. 1945-09-28]
            1945-09 => September 1945 [1945-09-01 .. 1945-09-30]
            1945 => 1945 [1945-01-01 .. 1945-12-31]
            1945-09-2X => 20–29 September 1945, day unspecified [1945-09-20 .. 1945-09-29]
            1945-09-XX => September 1945, day unspecified [1945-09-01 .. 1945-09-30]
            1945-02-XX => February 1945, day unspecified [1945-02-01 .. 1945-02-28]
            1945-09-3X => 30 September 1945, day unspecified [1945-09-30 .. 1945-09-30]
            1945-XX => 1945, month unspecified [1945-01-01 .. 1945-12-31]
            1945-1X => October–December 1945, month unspecified [1945-10-01 .. 1945-12-31]
            194X => 1940–1949, year unspecified [1940-01-01 .. 1949-12-31]
            19XX => 1900–1999, year unspecified [1900-01-01 .. 1999-12-31]
            194X-02-29 => 29 February 1940 – 29 February 1948, year unspecified [1940-02-29 .. 1948-02-29]
            1945-09-28? => 28 September 1945 (Friday), uncertain [1945-09-28 .. 1945-09-28]
            1945-09~ => September 1945, approximate [1945-09-01 .. 1945-09-30]
            1945% => 1945, uncertain and approximate [1945-01-01 .. 1945-12-31]
            1945-23 => autumn 1945 [1945-09-01 .. 1945-11-30]
            1945-24 => winter 1945 [1945-12-01 .. 1946-02-28]
            1945-11-28/1945-11-29 => 28–29 November 1945 [1945-11-28 .. 1945-11-29]
            1945-11-19/1945-11-20 => 19–20 November 1945 [1945-11-19 .. 1945-11-20]
            1945-11-30/1945-12-02 => 30 November – 2 December 1945 [1945-11-30 .. 1945-12-02]
            1945-12-30/1946-01-02 => 30 December 1945 – 2 January 1946 [1945-12-30 .. 1946-01-02]
            1941-06/1945-05 => June 1941 – May 1945 [1941-06-01 .. 1945-05-31]
            1941/1945 => 1941–1945 [1941-01-01 .. 1945-12-31]
            1945-09~/1945-11 => September 1945, approximate to November 1945 [1945-09-01 .. 1945-11-30]
            ../1945 => until 1945 [open .. 1945-12-31]
            1945-09-28/.. => from 28 September 1945 (Friday) [1945-09-28 .. open]
            /1945-09-28 => until 28 September 1945 (Friday) [open .. 1945-09-28]
            1945-09-28/ => from 28 September 1945 (Friday) [1945-09-28 .. open]
            -0044-03-15 => 15 March -44 (Thursday) [-0044-03-15 .. -0044-03-15]
            Y12345 => 12345 [12345-01-01 .. 12345-12-31]
             1945-09-28  => 28 September 1945 (Friday) [1945-09-28 .. 1945-09-28]
        "#]]
        .assert_eq(&edtf(&[
            "1945-09-28",
            "1945-09",
            "1945",
            "1945-09-2X",
            "1945-09-XX",
            "1945-02-XX",
            "1945-09-3X",
            "1945-XX",
            "1945-1X",
            "194X",
            "19XX",
            "194X-02-29",
            "1945-09-28?",
            "1945-09~",
            "1945%",
            "1945-23",
            "1945-24",
            "1945-11-28/1945-11-29",
            "1945-11-19/1945-11-20",
            "1945-11-30/1945-12-02",
            "1945-12-30/1946-01-02",
            "1941-06/1945-05",
            "1941/1945",
            "1945-09~/1945-11",
            "../1945",
            "1945-09-28/..",
            "/1945-09-28",
            "1945-09-28/",
            "-0044-03-15",
            "Y12345",
            " 1945-09-28 ",
        ]));
        let Ok(Edtf::Date(d)) = parse_edtf("1945-09-2X?") else {
            panic!()
        };
        assert!(d.unspecified && d.uncertain && !d.approximate);
        assert_eq!((d.year, d.month, d.day), (1945, Some(9), Some(20)));
        assert_eq!(
            d.x_digits,
            XDigits {
                year: 0,
                month: 0,
                day: 1
            }
        );
        let Ok(Edtf::Date(d)) = parse_edtf("1945-23") else {
            panic!()
        };
        assert_eq!((d.season, d.month), (Some(Season::Autumn), None));
    }

    #[test]
    fn edtf_invalid() {
        expect![[r#"
             => error: the date is empty
            1945-13-01 => error: `1945-13-01`: month 13 does not exist
            1945-00 => error: `1945-00`: month 00 does not exist
            1945-02-30 => error: `1945-02-30`: 30 February 1945 is impossible: February has at most 29 days
            1943-02-29 => error: `1943-02-29`: 29 February 1943 is impossible: 1943 is not a leap year: February has 28 days
            1945-09-31 => error: `1945-09-31`: 31 September 1945 is impossible: September has 30 days
            1945-09-00 => error: `1945-09-00`: day 00 does not exist
            1945-09-32 => error: `1945-09-32`: day 32 does not exist
            28.09.1945 => error: `28.09.1945` is not EDTF: write 1945-09-28
            28/09/1945 => error: `28/09/1945` is not EDTF: write 1945-09-28
            28-09-1945 => error: `28-09-1945` is not EDTF: write 1945-09-28
            05/09/1945 => error: `05/09/1945` is not EDTF: write 1945-09-05 (5 September) or 1945-05-09 (9 May)
            1945/09/28 => error: `1945/09/28` is not EDTF: write 1945-09-28
            1945.09.28 => error: `1945.09.28` is not EDTF: write 1945-09-28
            September 28, 1945 => error: `September 28, 1945` is not EDTF: write 1945-09-28
            28 September 1945 => error: `28 September 1945` is not EDTF: write 1945-09-28
            28.IX.45 => error: `28.IX.45` is not EDTF: write 1945-09-28
            September 1945 => error: `September 1945` is not EDTF: write YYYY, YYYY-MM or YYYY-MM-DD
            1945-9-28 => error: `1945-9-28`: the month needs two digits: write 1945-09-28
            1945-09-8 => error: `1945-09-8`: the day needs two digits: write 1945-09-08
            45-09-28 => error: `45-09-28`: the year needs four digits
            1945-09-28T10:00 => error: `1945-09-28T10:00`: metadata dates carry no time: write 1945-09-28
            1945-09-28?? => error: `1945-09-28??`: one qualifier at the end: `?` uncertain, `~` approximate, `%` both
            ?1945 => error: `?1945`: the qualifier goes at the end, as in 1945-09-28?
            1945-09-2x => error: `1945-09-2x`: unexpected `x` in the day: unspecified digits are a capital X
            1945-09-28-01 => error: `1945-09-28-01`: unexpected `-01` after the day
            1945-02-3X => error: `1945-02-3X`: no real date fits these digits
            1945-23-01 => error: `1945-23-01`: a season (23) has no day
            1945-11-29/1945-11-28 => error: `1945-11-29/1945-11-28`: the interval ends before it starts
            ../.. => error: `../..`: an interval needs at least one known end
            1945/1946/1947 => error: `1945/1946/1947`: an interval has one `/` between its start and its end
            Y1x => error: `Y1x`: a `Y` year is written Y followed by digits only
            1945-09-28 x => error: `1945-09-28 x`: unexpected ` ` in the day
        "#]]
        .assert_eq(&edtf(&[
            "",
            "1945-13-01",
            "1945-00",
            "1945-02-30",
            "1943-02-29",
            "1945-09-31",
            "1945-09-00",
            "1945-09-32",
            "28.09.1945",
            "28/09/1945",
            "28-09-1945",
            "05/09/1945",
            "1945/09/28",
            "1945.09.28",
            "September 28, 1945",
            "28 September 1945",
            "28.IX.45",
            "September 1945",
            "1945-9-28",
            "1945-09-8",
            "45-09-28",
            "1945-09-28T10:00",
            "1945-09-28??",
            "?1945",
            "1945-09-2x",
            "1945-09-28-01",
            "1945-02-3X",
            "1945-23-01",
            "1945-11-29/1945-11-28",
            "../..",
            "1945/1946/1947",
            "Y1x",
            "1945-09-28 x",
        ]));
    }

    // ---- dates in running text ----

    #[test]
    fn text_forms() {
        check(
            "On 28 September 1945 and September 28, 1945, Sept. 28, 1945, Jan. 5, 1942, \
             Feb. 2, 1943, Aug. 4, 1941, Oct. 1, 1944, Nov. 7, 1942, Dec. 25, 1944, \
             28 Sept. 1945, 28.IX.45 and 28.IX.1945, 28.9.1945, 5th of June 1944, June 5th, \
             SEPTEMBER 28, 1945, 28 September, 1945, Sept.28, 1945, 28\u{a0}September\u{a0}1945, \
             Mar 3, 1944.",
            expect![[r#"
                "28 September 1945" DayMonthYear 1945-09-28
                "September 28, 1945" MonthDayYear 1945-09-28
                "Sept. 28, 1945" MonthDayYear 1945-09-28
                "Jan. 5, 1942" MonthDayYear 1942-01-05
                "Feb. 2, 1943" MonthDayYear 1943-02-02
                "Aug. 4, 1941" MonthDayYear 1941-08-04
                "Oct. 1, 1944" MonthDayYear 1944-10-01
                "Nov. 7, 1942" MonthDayYear 1942-11-07
                "Dec. 25, 1944" MonthDayYear 1944-12-25
                "28 Sept. 1945" DayMonthYear 1945-09-28
                "28.IX.45" RomanMonth 1945-09-28 yy
                "28.IX.1945" RomanMonth 1945-09-28
                "28.9.1945" Numeric 1945-09-28
                "5th of June 1944" DayMonthYear 1944-06-05
                "June 5th" MonthDay --06-05
                "SEPTEMBER 28, 1945" MonthDayYear 1945-09-28
                "28 September, 1945" DayMonthYear 1945-09-28
                "Sept.28, 1945" MonthDayYear 1945-09-28
                "28\u{a0}September\u{a0}1945" DayMonthYear 1945-09-28
                "Mar 3, 1944" MonthDayYear 1944-03-03
            "#]],
        );
    }

    #[test]
    fn text_weekday_time_and_lines() {
        check(
            "Monday, September 11, 1944. Meeting held at the Kremlin, December 19, 1945, \
             8:30 p.m. Till May 9, 7 p.m. Moscow Time. On 9 May 1945 at 8.30 a.m. and \
             Sunday 22 June 1941, 04:00. Saturday, July 28, at any hour.\n\
             Sent on August 4, 1941\n**May 25, 1946**  \n**Memorandum, 25 May  \n1946**",
            expect![[r#"
                "Monday, September 11, 1944" MonthDayYear 1944-09-11 Monday
                "December 19, 1945, 8:30 p.m." MonthDayYear 1945-12-19 20:30
                "May 9, 7 p.m." MonthDay --05-09 19:00
                "9 May 1945 at 8.30 a.m." DayMonthYear 1945-05-09 08:30
                "Sunday 22 June 1941, 04:00" DayMonthYear 1941-06-22 Sunday 04:00
                "Saturday, July 28" MonthDay --07-28 Saturday
                "August 4, 1941" MonthDayYear 1941-08-04
                "May 25, 1946" MonthDayYear 1946-05-25
                "25 May  \n1946" DayMonthYear 1946-05-25
            "#]],
        );
        check(
            "your message of May 9; on June 21 and 2 November, at 12 noon; 12 p.m. May 1, \
             12 a.m.; on May 1, 12 a.m.",
            expect![[r#"
                "May 9" MonthDay --05-09
                "June 21" MonthDay --06-21
                "2 November" DayMonth --11-02
                "May 1, 12 a.m." MonthDay --05-01 00:00
                "May 1, 12 a.m." MonthDay --05-01 00:00
            "#]],
        );
    }

    #[test]
    fn text_problems() {
        check(
            "on 31 September 1944, 29 February 1943, 29 February 1944, September 31, \
             February 30, February 29, at the meeting on 27 September 27, I said; \
             Monday, September 12, 1944; Monday, September 11, 1944; 31.IX.45; 30.2.1945; \
             Friday, 28 September 1945; Sunday, June 22; November 5, 5 p.m.",
            expect![[r#"
                "31 September 1944" DayMonthYear 1944-09-31 [date-invalid] `31 September 1944` is impossible: September has 30 days
                "29 February 1943" DayMonthYear 1943-02-29 [date-invalid] `29 February 1943` is impossible: 1943 is not a leap year: February has 28 days
                "29 February 1944" DayMonthYear 1944-02-29
                "September 31" MonthDay --09-31 [date-invalid] `September 31` is impossible: September has 30 days
                "February 30" MonthDay --02-30 [date-invalid] `February 30` is impossible: February has at most 29 days
                "February 29" MonthDay --02-29
                "27 September 27" DayMonth --09-27 [date-repeated] `27 September 27` repeats `27` where the year should be
                "Monday, September 12, 1944" MonthDayYear 1944-09-12 Monday [date-weekday] `Monday, September 12, 1944`: 12 September 1944 was a Tuesday, not a Monday
                "Monday, September 11, 1944" MonthDayYear 1944-09-11 Monday
                "31.IX.45" RomanMonth 1945-09-31 yy [date-invalid] `31.IX.45` is impossible: September has 30 days
                "30.2.1945" Numeric 1945-02-30 [date-invalid] `30.2.1945` is impossible: February has at most 29 days
                "Friday, 28 September 1945" DayMonthYear 1945-09-28 Friday
                "Sunday, June 22" MonthDay --06-22 Sunday
                "November 5, 5 p.m." MonthDay --11-05 17:00
            "#]],
        );
        let text = "on 27 September 27, I";
        let d = &scan_text_dates(text)[0];
        assert_eq!(d.problem, Some(DateProblem::Repeated { element: 16..18 }));
        assert_eq!((d.year, d.ymd()), (None, None));
    }

    #[test]
    fn text_near_misses() {
        // None of these is a date.
        for text in [
            "it may be that May I ask",
            "in May 1945 and in September. 28 divisions",
            "(1943 – 1945 гг.)",
            "1907 – 1994",
            "Article 4",
            "No. 122/ml",
            "30-34 fresh German infantry divisions",
            "$1,000,000,000",
            "vol. ix, p. 383",
            "telegram 4262",
            "1. Preparation of Peace Treaties",
            "\n72\n",
            "[Page 681]",
            "16 Italian divisions",
            "2. Concerning the",
            "28.9.45",
            "1.2.28.9.1945.3",
            "8:30 p.m.",
            "Foreign Ministers57 and President.58",
            "Mayday 5, Junebug 4, 5 Mayors",
            "May 45, June 0, 0 June, 32 May",
            "may 5, 5 june",
            "May 5,000 men",
            "28.XIII.45, 28.IIII.1945, 28.13.1945, 0.9.1945",
            "Zhigalov B.S. 2014. №1. S. 60–61.",
        ] {
            assert_eq!(show(text), "", "{text:?}");
        }
        check(
            "before June 28-30, May 10-15, January 30-31, 1943, between 21 June and 13 July 1945, \
             10 January – 14 February 1946, on 11 – 15 November, June 5, 1500 aircraft",
            expect![[r#"
                "June 28" MonthDay --06-28
                "May 10" MonthDay --05-10
                "January 30" MonthDay --01-30
                "21 June" DayMonth --06-21
                "13 July 1945" DayMonthYear 1945-07-13
                "10 January" DayMonth --01-10
                "14 February 1946" DayMonthYear 1946-02-14
                "15 November" DayMonth --11-15
                "June 5" MonthDay --06-05
            "#]],
        );
    }

    #[test]
    fn date_lines() {
        let kind = |line: &str| date_line(line).map(|(k, d)| (k, line[d.span].to_string()));
        assert_eq!(
            kind("Sent on August 4, 1941"),
            Some((DateLineKind::SentOn, "August 4, 1941".into()))
        );
        assert_eq!(
            kind("July 18, 1941"),
            Some((DateLineKind::Bare, "July 18, 1941".into()))
        );
        assert_eq!(
            kind("28.IX.45   MOLOTOV"),
            Some((DateLineKind::Bare, "28.IX.45".into()))
        );
        assert_eq!(
            kind(" 29 November 1945"),
            Some((DateLineKind::Bare, "29 November 1945".into()))
        );
        assert_eq!(
            kind("**May 25, 1946**  "),
            Some((DateLineKind::Bare, "May 25, 1946".into()))
        );
        assert_eq!(kind("On July 18, 1941 we met"), None);
        assert_eq!(kind("July 18, 1941 we met"), None);
        assert_eq!(kind("Sent on August 4, 1941 MOLOTOV"), None);
        assert_eq!(kind(""), None);
    }

    #[test]
    fn date_only_lines() {
        let kind = |line: &str| date_only_line(line).map(|(k, d)| (k, line[d.span].to_string()));
        assert_eq!(
            kind("Sent on August 4, 1941"),
            Some((DateLineKind::SentOn, "August 4, 1941".into()))
        );
        assert_eq!(
            kind("**May 25, 1946**  "),
            Some((DateLineKind::Bare, "May 25, 1946".into()))
        );
        assert_eq!(
            kind("January 16th, 1945"),
            Some((DateLineKind::Bare, "January 16th, 1945".into()))
        );
        // A closing full stop is allowed (seed 004 closes a message with `January 15, 1945.`).
        assert_eq!(kind("January 15, 1945."), Some((DateLineKind::Bare, "January 15, 1945".into())));
        assert_eq!(kind("Sent on August 4, 1941."), Some((DateLineKind::SentOn, "August 4, 1941".into())));
        // A signature, a heading glued on by the OCR, more text: not the date alone.
        assert_eq!(kind("28.IX.45   MOLOTOV"), None);
        assert_eq!(kind("May 4, 1943 PERSONAL AND SECRET MESSAGE"), None);
        assert_eq!(kind("January 15, 1945. Then"), None);
        assert_eq!(kind("On July 18, 1941"), None);
        assert_eq!(kind(""), None);
        // Whatever `date_only_line` takes, `date_line` takes too.
        for line in [
            "28.IX.45",
            " 29 November 1945",
            "*July 18, 1941*",
            "Sent on **June 5, 1944**",
        ] {
            assert!(kind(line).is_some(), "{line:?}");
            assert_eq!(date_only_line(line), date_line(line), "{line:?}");
        }
    }

    /// The problems in the seeds, all of them. Each was read in context: the one
    /// repeated element is a real slip of the transcription.
    #[test]
    fn seeds_problems() {
        let mut found = Vec::new();
        let mut dates = 0;
        for prefix in ["000", "001", "002", "003", "004"] {
            let (name, text) = seed(prefix).expect("seed present");
            for d in scan_text_dates(&text) {
                dates += 1;
                if d.problem.is_some() {
                    found.push(format!(
                        "{name} {:?}: {}",
                        d.span,
                        d.message(&text).unwrap()
                    ));
                }
            }
        }
        expect![[r#"
            000_22277f953299fb91.txt 1135..1150: `27 September 27` repeats `27` where the year should be
        "#]]
        .assert_eq(&(found.join("\n") + "\n"));
        assert_eq!(dates, 666);
    }

    /// Exercises the scan over the big seed (speed is measured in the benchmarks).
    #[test]
    fn scan_big_seed() {
        let (_, text) = seed("004").expect("seed 004 present");
        let dates = scan_text_dates(&text);
        assert!(dates.len() > 600);
        assert!(dates.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        let sent = text
            .lines()
            .filter_map(date_line)
            .filter(|(k, _)| *k == DateLineKind::SentOn);
        assert_eq!(sent.count(), 86);
    }

    fn invariants(text: &str) {
        let dates = scan_text_dates(text);
        let mut last = 0;
        for d in &dates {
            assert!(d.span.start >= last && d.span.start < d.span.end && d.span.end <= text.len());
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            assert!((1..=12).contains(&d.month) && (1..=31).contains(&d.day));
            if let Some(DateProblem::Repeated { element }) = &d.problem {
                assert!(d.span.start <= element.start && element.end <= d.span.end);
            }
            let _ = d.message(text);
            last = d.span.end;
        }
        if let Ok(e) = parse_edtf(text) {
            let _ = (e.describe(), e.earliest(), e.latest());
        }
        let _ = text.lines().map(date_line).count();
        let _ = text.lines().map(date_only_line).count();
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            invariants(&s);
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            invariants(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn never_panics_near_dates(s in "[0-9X.,:/?~%ITVY -]{0,6}(May|Sept\\.|Monday,|IX|[0-9]{1,4}|\u{a0}|\n| |é|\\.|,|a\\.m\\.|-|/|\\.\\.){0,8}") {
            invariants(&s);
        }
    }
}
