//! The outline of a volume (groups, messages, notes) and the corpus-wide symbol search over
//! messages (title, id, date) and persons (any name form).
use crate::analysis::{Corpus, FileId, FileKind};
use crate::syntax::{BlockKind, BlockRef, TextRange};

use super::meta;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SymbolKind {
    Group,
    Message,
    Note,
    Person,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub file: FileId,
    /// The whole block (or note).
    pub range: TextRange,
    /// The heading's title (or the note's label).
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// `1941-07-18 · stalin → churchill`
fn message_detail(text: &str, b: &BlockRef) -> Option<String> {
    let date = meta(text, &b.block, "date");
    let from = meta(text, &b.block, "from");
    let to = meta(text, &b.block, "to");
    let mut parts = Vec::new();
    if let Some(d) = date {
        parts.push(d.to_string());
    }
    match (from, to) {
        (Some(f), Some(t)) => parts.push(format!("{f} → {t}")),
        (Some(f), None) => parts.push(format!("from {f}")),
        (None, Some(t)) => parts.push(format!("to {t}")),
        (None, None) => {}
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn short(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    format!("{}…", one_line.chars().take(max).collect::<String>().trim_end())
}

fn block_symbol(corpus_file: FileId, text_of_file: &str, b: &BlockRef, in_register: bool) -> Option<Symbol> {
    let text = b.text(text_of_file);
    let h = b.block.heading.as_ref()?;
    let title = h.title.slice(text);
    let (kind, detail) = match b.block.kind {
        BlockKind::Group => (SymbolKind::Group, None),
        BlockKind::Message if in_register => (SymbolKind::Person, meta(text, &b.block, "role").map(|r| short(r, 80))),
        BlockKind::Message => (SymbolKind::Message, message_detail(text, b)),
        BlockKind::Preamble => return None,
    };
    let notes = if kind == SymbolKind::Message {
        b.block
            .notes
            .iter()
            .map(|n| Symbol {
                name: format!("[^{}]", n.label.slice(text)),
                detail: Some(short(n.text.slice(text), 60)),
                kind: SymbolKind::Note,
                file: corpus_file,
                range: b.abs(n.range),
                selection: b.abs(n.head),
                children: Vec::new(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(Symbol {
        name: if title.is_empty() { "(untitled)".into() } else { title.to_string() },
        detail,
        kind,
        file: corpus_file,
        range: b.range(),
        selection: b.abs(h.title),
        children: notes,
    })
}

/// The outline of a file: groups holding the messages under them, messages holding notes.
pub fn document_symbols(corpus: &Corpus, file: FileId) -> Vec<Symbol> {
    let Some(f) = corpus.file(file) else { return Vec::new() };
    let in_register = f.kind == FileKind::Register;
    let mut out: Vec<Symbol> = Vec::new();
    for b in &f.volume.blocks {
        let Some(sym) = block_symbol(file, &f.text, b, in_register) else { continue };
        match (sym.kind, out.last_mut()) {
            (SymbolKind::Message | SymbolKind::Person, Some(group)) if group.kind == SymbolKind::Group => {
                group.range = TextRange::new(group.range.start(), sym.range.end());
                group.children.push(sym);
            }
            _ => out.push(sym),
        }
    }
    out
}

/// A fuzzy match score: every character of the query in order (case-insensitive), more for
/// consecutive characters and word starts; None when the query does not match.
pub fn fuzzy_score(candidate: &str, query: &str) -> Option<u32> {
    if query.is_empty() {
        return Some(1);
    }
    let mut score = 0u32;
    let mut q = query.chars().flat_map(char::to_lowercase).peekable();
    let mut previous_matched = false;
    let mut previous_char = ' ';
    for c in candidate.chars() {
        let Some(&want) = q.peek() else { break };
        let lc = c.to_lowercase().next().unwrap_or(c);
        if lc == want {
            q.next();
            score += 1;
            if previous_matched {
                score += 3;
            }
            if !previous_char.is_alphanumeric() {
                score += 2;
            }
            previous_matched = true;
        } else {
            previous_matched = false;
        }
        previous_char = c;
    }
    q.peek().is_none().then_some(score)
}

/// Messages (by title, id or date) and persons (by any name form) matching `query`, best first.
pub fn workspace_symbols(corpus: &Corpus, query: &str, limit: usize) -> Vec<Symbol> {
    let mut scored: Vec<(u32, Symbol)> = Vec::new();
    for (id, f) in corpus.files() {
        let in_register = f.kind == FileKind::Register;
        if f.kind == FileKind::Config {
            continue;
        }
        for b in f.volume.messages() {
            let text = b.text(&f.text);
            let title = b.block.heading.as_ref().map_or("", |h| h.title.slice(text));
            let mut keys: Vec<&str> = vec![title];
            if in_register {
                if let Some(names) = meta(text, &b.block, "names") {
                    keys.extend(names.split(';').map(str::trim));
                }
                keys.extend(meta(text, &b.block, "id"));
            } else {
                keys.extend(meta(text, &b.block, "id"));
                keys.extend(meta(text, &b.block, "date"));
            }
            let Some(best) = keys.iter().filter_map(|k| fuzzy_score(k, query)).max() else { continue };
            if let Some(mut sym) = block_symbol(id, &f.text, b, in_register) {
                sym.children.clear();
                scored.push((best, sym));
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::fixture::Fixture;
    use crate::ide::test_fixture::PERSONS;

    fn dump(symbols: &[Symbol], depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!("{}{:?} {:?} {}\n", "  ".repeat(depth), s.kind, s.name, s.detail.as_deref().unwrap_or("")));
            dump(&s.children, depth + 1, out);
        }
    }

    const VOLUME: &str = "//- /v.md\n---\ntitle: V\n---\nIntro.\n\n# 1941\n\n## Message one\nid: 1941-07-18-stalin-churchill\ndate: 1941-07-18\nfrom: molotov\nto: truman\n\nText.[^1]\n\n[^1]: A note that is rather long and goes on and on beyond sixty characters of text.\n\n## Message two\nid: two\n\n# 1942\n\n## Message three\nid: three\ndate: 1942-01-08\n";

    #[test]
    fn outline_of_a_volume() {
        let f = Fixture::parse(&format!("{PERSONS}{VOLUME}"));
        let mut out = String::new();
        dump(&document_symbols(&f.corpus, f.file("v.md")), 0, &mut out);
        expect![[r#"
            Group "1941" 
              Message "Message one" 1941-07-18 · molotov → truman
                Note "[^1]" A note that is rather long and goes on and on beyond sixty c…
              Message "Message two" 
            Group "1942" 
              Message "Message three" 1942-01-08
        "#]]
        .assert_eq(&out);
        let groups = document_symbols(&f.corpus, f.file("v.md"));
        let text = &f.corpus.file(f.file("v.md")).unwrap().text;
        assert!(groups[0].range.slice(text).starts_with("# 1941") && groups[0].range.slice(text).ends_with("id: two\n\n"));
    }

    #[test]
    fn outline_of_the_register() {
        let f = Fixture::parse(&format!("{PERSONS}{VOLUME}"));
        let mut out = String::new();
        dump(&document_symbols(&f.corpus, f.file("persons.md")), 0, &mut out);
        expect![[r#"
            Person "Byrnes, James Francis" United States Secretary of State, 1945–1947
            Person "Truman, Harry S." President of the United States, 1945–1953
            Person "Molotov, Vyacheslav Mikhailovich" People's Commissar for Foreign Affairs
            Person "Gusev, Fedor Tarasovich" 
            Person "Gusev, Another" 
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn workspace_symbols_match_titles_ids_dates_and_name_forms() {
        let f = Fixture::parse(&format!("{PERSONS}{VOLUME}"));
        let names = |q: &str| workspace_symbols(&f.corpus, q, 10).into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names("msg three"), ["Message three"]);
        assert_eq!(names("1942-01"), ["Message three"]);
        assert_eq!(names("stalin-church"), ["Message one"]);
        assert_eq!(names("H. S. Truman"), ["Truman, Harry S."]);
        assert_eq!(names("vmmol"), ["Molotov, Vyacheslav Mikhailovich"]);
        assert!(names("zzz").is_empty());
    }

    #[test]
    fn fuzzy_scores_prefer_word_starts_and_runs() {
        assert!(fuzzy_score("Molotov", "mol") > fuzzy_score("Vyacheslav Mikhailovich", "mol"));
        assert_eq!(fuzzy_score("abc", "abd"), None);
    }
}
