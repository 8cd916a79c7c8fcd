//! `edition.toml`: the corpus root's settings.
use crate::syntax::dates::{parse_edtf, Edtf, Ymd};
use crate::syntax::TextRange;

use super::diagnostic::{Code, Diagnostic};

pub const FILE_NAME: &str = "edition.toml";

/// The edition's period, its bounds worked out once (every date of the corpus is
/// compared with them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub earliest: Option<Ymd>,
    pub latest: Option<Ymd>,
}

impl Period {
    pub fn new(edtf: &Edtf) -> Period {
        Period { earliest: edtf.earliest(), latest: edtf.latest() }
    }
    /// Whether the days `earliest..=latest` lie wholly outside the period.
    pub fn excludes(&self, earliest: Ymd, latest: Ymd) -> bool {
        self.earliest.is_some_and(|p| latest < p) || self.latest.is_some_and(|p| earliest > p)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.earliest, self.latest) {
            (Some(a), Some(b)) => write!(f, "{a}/{b}"),
            (Some(a), None) => write!(f, "{a}/.."),
            (None, Some(b)) => write!(f, "../{b}"),
            (None, None) => write!(f, ".."),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub title: Option<String>,
    /// Dates outside it are suspicious.
    pub period: Option<Period>,
    /// Register files, relative to the corpus root.
    pub persons: Vec<String>,
    /// Where each register file is named in edition.toml, for a "missing file" diagnostic.
    pub persons_ranges: Vec<TextRange>,
    /// Whether `persons` was written: only then is a missing register file an error.
    pub persons_explicit: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config { title: None, period: None, persons: vec!["persons.md".into()], persons_ranges: vec![TextRange::empty(0)], persons_explicit: false }
    }
}

/// The range of `key` where it is defined at a line start, for pointing at it.
fn key_range(text: &str, key: &str) -> TextRange {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            let start = offset + (line.len() - t.len());
            return TextRange::new(start, start + key.len());
        }
        offset += line.len();
    }
    TextRange::empty(0)
}

fn value_range(text: &str, value: &str, after: TextRange) -> TextRange {
    match text.get(after.end()..).and_then(|rest| rest.find(value)) {
        Some(i) => TextRange::new(after.end() + i, after.end() + i + value.len()),
        None => after,
    }
}

pub fn parse_config(text: &str) -> (Config, Vec<Diagnostic>) {
    let mut config = Config::default();
    let mut problems = Vec::new();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let range = e.span().map_or(TextRange::empty(0), TextRange::from);
            let msg = e.message().trim().to_string();
            problems.push(Diagnostic::new(Code::Config, range, format!("edition.toml is not valid TOML: {msg}; fix the syntax at this place")));
            return (config, problems);
        }
    };
    for (key, value) in &table {
        let range = key_range(text, key);
        match (key.as_str(), value) {
            ("title", toml::Value::String(s)) => config.title = Some(s.clone()),
            ("period", toml::Value::String(s)) => match parse_edtf(s) {
                Ok(p @ Edtf::Interval { .. }) => config.period = Some(Period::new(&p)),
                Ok(_) => problems.push(Diagnostic::new(
                    Code::Config,
                    value_range(text, s, range),
                    format!("`period = \"{s}\"` is a single date; write an EDTF interval such as `1941-06-22/1946-12-31`"),
                )),
                Err(e) => problems.push(Diagnostic::new(
                    Code::Config,
                    value_range(text, s, range),
                    format!("`period = \"{s}\"` is not an EDTF interval: {}; write e.g. `1941-06-22/1946-12-31`", e.message),
                )),
            },
            ("persons", toml::Value::Array(items)) => {
                config.persons.clear();
                config.persons_ranges.clear();
                config.persons_explicit = true;
                for item in items {
                    match item {
                        toml::Value::String(s) => {
                            config.persons_ranges.push(value_range(text, s, range));
                            config.persons.push(s.clone());
                        }
                        other => problems.push(Diagnostic::new(
                            Code::Config,
                            range,
                            format!("`persons` lists `{other}`, which is not a file name; write file names in quotes, e.g. `persons = [\"persons.md\"]`"),
                        )),
                    }
                }
            }
            ("title" | "period", other) => problems.push(Diagnostic::new(
                Code::Config,
                range,
                format!("`{key}` must be a string, not `{other}`"),
            )),
            ("persons", other) => problems.push(Diagnostic::new(
                Code::Config,
                range,
                format!("`persons` must be a list of file names, not `{other}`; write e.g. `persons = [\"persons.md\"]`"),
            )),
            _ => problems.push(Diagnostic::new(
                Code::Config,
                range,
                format!("unknown key `{key}` in edition.toml; the keys are `title`, `period` and `persons`"),
            )),
        }
    }
    (config, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_keys() {
        let (c, p) = parse_config("title = \"Edition\"\nperiod = \"1941-06-22/1946-12-31\"\npersons = [\"persons.md\", \"more.md\"]\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.title.as_deref(), Some("Edition"));
        assert_eq!(c.persons, ["persons.md", "more.md"]);
        assert_eq!(c.period.unwrap().earliest.unwrap().iso(), "1941-06-22");
        assert_eq!(c.period.unwrap().to_string(), "1941-06-22/1946-12-31");
    }

    #[test]
    fn default_register_is_persons_md() {
        let (c, p) = parse_config("title = \"E\"\n");
        assert!(p.is_empty());
        assert_eq!(c.persons, ["persons.md"]);
    }

    #[test]
    fn reports_unknown_keys_bad_period_and_bad_toml() {
        let text = "title = \"E\"\nperiode = \"1941\"\nperiod = \"1941-13-01/1946\"\n";
        let (_, p) = parse_config(text);
        let msgs: Vec<_> = p.iter().map(|d| (d.range.slice(text), d.message.as_str())).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs.iter().any(|(r, m)| *r == "periode" && m.contains("unknown key `periode`")));
        assert!(msgs.iter().any(|(r, m)| *r == "1941-13-01/1946" && m.contains("not an EDTF interval")));
        let (_, p) = parse_config("title = ");
        assert_eq!(p.len(), 1);
        assert!(p[0].message.starts_with("edition.toml is not valid TOML"));
    }
}
