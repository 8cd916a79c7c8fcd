//! The person register: every person of the edition, their name forms, and one automaton
//! that finds all forms in a text in one pass (longest match first).
use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::syntax::dates::parse_edtf;
use crate::syntax::{BlockKind, TextRange, Volume};

use super::diagnostic::{Code, Diagnostic, Related};
use super::FileId;

pub const PERSON_KEYS: &[&str] = &["id", "names", "born", "died", "role", "wikidata", "viaf", "gnd"];

/// Index of a person in [`Register::persons`].
pub type PersonIdx = u32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    /// The heading's text: `Maisky, Ivan Mikhailovich`.
    pub display: String,
    pub names: Vec<String>,
    pub born: Option<String>,
    pub died: Option<String>,
    pub role: Option<String>,
    pub wikidata: Option<String>,
    pub viaf: Option<String>,
    pub gnd: Option<String>,
    pub biography: String,
    pub file: FileId,
    /// The heading title, absolute in the register file.
    pub heading: TextRange,
    /// The `id:` value, absolute.
    pub id_range: TextRange,
}

impl Person {
    /// `1890–1986`, `b. 1890`, `d. 1986`, or nothing.
    pub fn life_dates(&self) -> Option<String> {
        match (&self.born, &self.died) {
            (Some(b), Some(d)) => Some(format!("{b} – {d}")),
            (Some(b), None) => Some(format!("born {b}")),
            (None, Some(d)) => Some(format!("died {d}")),
            (None, None) => None,
        }
    }
}

pub struct Register {
    pub persons: Vec<Person>,
    by_id: HashMap<String, PersonIdx>,
    /// Each distinct name form, and the persons that have it (more than one: ambiguous).
    forms: Vec<(String, Arc<[PersonIdx]>)>,
    automaton: Option<AhoCorasick>,
    /// The bytes a name form can start with: most of the text (lower case) is passed over
    /// with this one look-up a byte.
    first_bytes: Box<[bool; 256]>,
    /// The first two bytes of every form, as a bit set over all byte pairs: most
    /// capitalised words (`The`, `In`) start no form and are dismissed by one look-up.
    first_pairs: Box<[u64; 1024]>,

    /// Problems of the register files themselves, by file.
    pub diagnostics: Vec<(FileId, Diagnostic)>,
}

impl Default for Register {
    fn default() -> Register {
        Register {
            persons: Vec::new(),
            by_id: HashMap::new(),
            forms: Vec::new(),
            automaton: None,
            first_bytes: Box::new([false; 256]),
            first_pairs: Box::new([0; 1024]),

            diagnostics: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register").field("persons", &self.persons.len()).field("forms", &self.forms.len()).finish()
    }
}

/// A name form found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormMatch<'r> {
    pub range: TextRange,
    pub persons: &'r Arc<[PersonIdx]>,
}

impl Register {
    /// Builds the register from its files (each parsed as a volume: one `##` block a person).
    pub fn build(files: &[(FileId, &str, &Volume)]) -> Register {
        let mut reg = Register::default();
        for &(file, text, volume) in files {
            for b in volume.messages() {
                reg.add_person(file, text, b);
            }
        }
        reg.index(files);
        reg
    }

    fn add_person(&mut self, file: FileId, text: &str, b: &crate::syntax::BlockRef) {
        let block = &b.block;
        let bt = b.text(text);
        let heading = block.heading.as_ref().map_or(TextRange::empty(0), |h| h.title);
        let mut person = Person {
            id: String::new(),
            display: heading.slice(bt).to_string(),
            names: Vec::new(),
            born: None,
            died: None,
            role: None,
            wikidata: None,
            viaf: None,
            gnd: None,
            biography: block.body.slice(bt).trim().to_string(),
            file,
            heading: b.abs(heading),
            id_range: b.abs(heading),
        };
        for field in &block.metadata {
            let key = field.key.slice(bt);
            let value = field.value.slice(bt).to_string();
            let value_range = b.abs(field.value);
            match key {
                "id" => {
                    person.id = value;
                    person.id_range = value_range;
                }
                "names" => person.names = value.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
                "born" | "died" => {
                    if let Err(e) = parse_edtf(&value) {
                        self.diagnostics.push((
                            file,
                            Diagnostic::new(Code::DateInvalid, value_range, format!("`{key}: {value}` is not a valid EDTF date: {}", e.message)),
                        ));
                    }
                    if key == "born" { person.born = Some(value) } else { person.died = Some(value) }
                }
                "role" => person.role = Some(value),
                "wikidata" => person.wikidata = Some(value),
                "viaf" => person.viaf = Some(value),
                "gnd" => person.gnd = Some(value),
                _ => self.diagnostics.push((
                    file,
                    Diagnostic::new(
                        Code::MetadataUnknownKey,
                        b.abs(field.key),
                        format!("unknown key `{key}` in a register entry; the keys are {}", PERSON_KEYS.join(", ")),
                    ),
                )),
            }
        }
        if person.id.is_empty() {
            self.diagnostics.push((
                file,
                Diagnostic::new(
                    Code::Config,
                    person.heading,
                    format!("the register entry `{}` has no `id:`; add a line `id: …` under its heading", person.display),
                ),
            ));
            return;
        }
        if let Some(&first) = self.by_id.get(&person.id) {
            let first = &self.persons[first as usize];
            let d = Diagnostic::new(
                Code::Config,
                person.id_range,
                format!("the id `{}` is already used by `{}`; every person needs an id of their own", person.id, first.display),
            )
            .with_related(Related { file: first.file, range: first.id_range, message: "first used here".into() });
            self.diagnostics.push((file, d));
            return;
        }
        self.by_id.insert(person.id.clone(), self.persons.len() as PersonIdx);
        self.persons.push(person);
    }

    fn index(&mut self, files: &[(FileId, &str, &Volume)]) {
        let mut by_form: HashMap<&str, Vec<PersonIdx>> = HashMap::new();
        for (i, p) in self.persons.iter().enumerate() {
            for n in &p.names {
                let v = by_form.entry(n.as_str()).or_default();
                if !v.contains(&(i as PersonIdx)) {
                    v.push(i as PersonIdx);
                }
            }
        }
        let mut forms: Vec<(String, Arc<[PersonIdx]>)> = by_form.into_iter().map(|(f, p)| (f.to_string(), p.into())).collect();
        forms.sort();
        // A form shared by several persons is reported once per entry that lists it.
        for (form, persons) in forms.iter().filter(|(_, p)| p.len() > 1) {
            let names: Vec<String> = persons.iter().map(|&i| format!("`{}`", self.persons[i as usize].id)).collect();
            for &i in persons.iter() {
                let p = &self.persons[i as usize];
                let range = files
                    .iter()
                    .find(|(f, ..)| *f == p.file)
                    .and_then(|(_, text, _)| find_form_in_names(text, p.id_range, form))
                    .unwrap_or(p.heading);
                self.diagnostics.push((
                    p.file,
                    Diagnostic::new(
                        Code::PersonAmbiguous,
                        range,
                        format!("the name form `{form}` is listed for {}: its mentions link to nobody until they are linked explicitly; keep it for one person only, or link each mention as `[{form}](person:id)`", names.join(" and ")),
                    ),
                ));
            }
        }
        self.automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            // Asked only at word starts, anchored: a DFA answers in a few steps.
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .build(forms.iter().map(|(f, _)| f.as_str()))
            .ok();
        for (f, _) in &forms {
            let b = f.as_bytes();
            if let Some(&first) = b.first() {
                self.first_bytes[first as usize] = true;
                // A one-byte form matches whatever byte follows.
                match b.get(1) {
                    Some(&second) => set_pair(&mut self.first_pairs, first, second),
                    None => (0..=255).for_each(|second| set_pair(&mut self.first_pairs, first, second)),
                }
            }
        }
        self.forms = forms;
    }

    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<PersonIdx> {
        self.by_id.get(id).copied()
    }

    pub fn person(&self, idx: PersonIdx) -> &Person {
        &self.persons[idx as usize]
    }

    /// What identifies the register's behaviour for mentions: ids and forms. A change of a
    /// biography leaves it the same, and then no volume needs to be analysed again.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for p in &self.persons {
            p.id.hash(&mut h);
        }
        self.forms.hash(&mut h);
        h.finish()
    }

    /// Every name form in `text` on word boundaries, longest first, in order.
    ///
    /// A form starts a word, so the automaton is asked only where a word starts with two
    /// bytes some form starts with, anchored there: most of the text is passed over with
    /// one bit test a byte. Of the forms that start at one place the longest is taken;
    /// if it does not end on a word boundary (`Stalin` in `Stalingrad`) there is no
    /// mention at that place.
    pub fn find_forms<'r>(&'r self, text: &str) -> Vec<FormMatch<'r>> {
        let Some(ac) = &self.automaton else { return Vec::new() };
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !self.first_bytes[bytes[i] as usize]
                || !has_pair(&self.first_pairs, bytes[i], bytes.get(i + 1).copied().unwrap_or(0))
                || (i > 0 && ends_word(text, i))
            {
                i += 1;
                continue;
            }
            let input = Input::new(text).range(i..).anchored(Anchored::Yes);
            match ac.find(input) {
                Some(m) if !text[m.end()..].chars().next().is_some_and(is_word_char) => {
                    out.push(FormMatch { range: TextRange::new(m.start(), m.end()), persons: &self.forms[m.pattern().as_usize()].1 });
                    i = m.end();
                }
                _ => i += 1,
            }
        }
        out
    }

    /// The register id closest to `id`, for "did you mean".
    pub fn closest_id(&self, id: &str) -> Option<&str> {
        self.persons
            .iter()
            .map(|p| (edit_distance(&p.id, id), p.id.as_str()))
            .filter(|&(d, _)| d <= 2.max(id.len() / 3))
            .min()
            .map(|(_, p)| p)
    }
}

fn find_form_in_names(text: &str, id_range: TextRange, form: &str) -> Option<TextRange> {
    // The `names:` line is near the `id:` line; look in the few lines after the heading.
    let from = text[..id_range.start().min(text.len())].rfind("\n## ").unwrap_or(0);
    let area_end = text[from..].find("\n\n").map_or(text.len(), |e| from + e);
    let area = &text[from..area_end];
    let names_at = area.find("\nnames:")? + 1;
    let line_end = area[names_at..].find('\n').map_or(area.len(), |e| names_at + e);
    let line = &area[names_at..line_end];
    let mut offset = 0;
    for part in line["names:".len()..].split(';') {
        let lead = part.len() - part.trim_start().len();
        if part.trim() == form {
            let start = from + names_at + "names:".len() + offset + lead;
            return Some(TextRange::new(start, start + form.len()));
        }
        offset += part.len() + 1;
    }
    None
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn set_pair(pairs: &mut [u64; 1024], a: u8, b: u8) {
    let bit = (a as usize) << 8 | b as usize;
    pairs[bit / 64] |= 1 << (bit % 64);
}

fn has_pair(pairs: &[u64; 1024], a: u8, b: u8) -> bool {
    let bit = (a as usize) << 8 | b as usize;
    pairs[bit / 64] & (1 << (bit % 64)) != 0
}

/// Whether the character before byte `i` is part of a word (so `i` starts no word).
fn ends_word(text: &str, i: usize) -> bool {
    let b = text.as_bytes()[i - 1];
    if b.is_ascii() {
        return b.is_ascii_alphanumeric();
    }
    text.get(..i).and_then(|t| t.chars().next_back()).is_some_and(is_word_char)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Whether a volume is a register file, judging by its blocks: not used for routing (the
/// corpus names its register files), only to say what can be told about a stray file.
pub fn looks_like_register(volume: &Volume, text: &str) -> bool {
    volume.blocks.iter().filter(|b| b.block.kind == BlockKind::Message).all(|b| {
        b.block.metadata.iter().any(|m| m.key.slice(b.text(text)) == "names")
    }) && volume.messages().next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTER: &str = "## Maisky, Ivan Mikhailovich\nid: maisky\nnames: Maisky; I.M. Maisky; Comrade Maisky\nborn: 1884-01-19\nrole: Deputy People's Commissar\nwikidata: Q1349706\n\nSoviet diplomat.\n\n## Gusev, Fedor Tarasovich\nid: gusev\nnames: Gusev; F. T. Gusev\nborn: 1905-13-01\nnick: x\n\n## Gusev, Other\nid: gusev-other\nnames: Gusev\n\n## No id\nnames: Nobody\n\n## Duplicate\nid: maisky\n";

    fn register() -> Register {
        let v = Volume::parse(REGISTER);
        Register::build(&[(FileId(0), REGISTER, &v)])
    }

    #[test]
    fn reads_persons() {
        let r = register();
        assert_eq!(r.persons.len(), 3);
        let m = r.person(r.get("maisky").unwrap());
        assert_eq!(m.display, "Maisky, Ivan Mikhailovich");
        assert_eq!(m.names, ["Maisky", "I.M. Maisky", "Comrade Maisky"]);
        assert_eq!(m.biography, "Soviet diplomat.");
        assert_eq!(m.wikidata.as_deref(), Some("Q1349706"));
        assert_eq!(m.life_dates().as_deref(), Some("born 1884-01-19"));
    }

    #[test]
    fn reports_register_problems() {
        let r = register();
        let got: Vec<_> = r.diagnostics.iter().map(|(_, d)| (d.code.as_str(), d.range.slice(REGISTER))).collect();
        assert_eq!(
            got,
            [
                ("date-invalid", "1905-13-01"),
                ("metadata-unknown-key", "nick"),
                ("config", "No id"),
                ("config", "maisky"),
                ("person-ambiguous", "Gusev"),
                ("person-ambiguous", "Gusev"),
            ]
        );
    }

    #[test]
    fn finds_longest_forms_on_word_boundaries() {
        let r = register();
        let text = "I.M. Maisky met Comrade Maisky; Maiskyites and Maisky's note. Gusev too.";
        let got: Vec<_> = r.find_forms(text).iter().map(|m| (m.range.slice(text), m.persons.len())).collect();
        assert_eq!(got, [("I.M. Maisky", 1), ("Comrade Maisky", 1), ("Maisky", 1), ("Gusev", 2)]);
    }

    #[test]
    fn suggests_close_ids() {
        let r = register();
        assert_eq!(r.closest_id("maiski"), Some("maisky"));
        assert_eq!(r.closest_id("churchill"), None);
    }
}
