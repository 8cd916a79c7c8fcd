//! A real editor against the real server: Neovim (headless) runs the plugin in
//! `editors/neovim` with `apparatus lsp` on the bundled corpus, and `tests/nvim/init.lua`
//! writes what the editor received as JSON, which this test checks.
//!
//! Positions are found by searching the volume text (no hard-coded lines): a person's
//! name for hover, a footnote marker for definition, the `## ` headings for the outline.
//!
//! Needs `nvim` (0.7 or newer) on PATH, or its path in `NVIM`; `.ci/run` installs
//! Debian's `neovim`. Without it the test fails and says so.
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const SERVER: &str = env!("CARGO_BIN_EXE_apparatus");
const NVIM_DEADLINE: Duration = Duration::from_secs(180);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `nvim` binary: `$NVIM` or the first `nvim` on PATH.
fn nvim() -> PathBuf {
    if let Some(p) = std::env::var_os("NVIM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        // Inside a Neovim terminal $NVIM is the server socket, not a binary.
        if p.is_file() {
            return p;
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("nvim");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "nvim not found: this test drives a real Neovim (0.7 or newer). Install it \
         (Debian/Ubuntu: `apt-get install neovim`; .ci/run does this) or set NVIM=/path/to/nvim."
    );
}

// ---------------------------------------------------------------------------------------
// The corpus, read the simple way a test can: enough to find positions and expectations.

struct Corpus {
    dir: PathBuf,
    registers: Vec<String>,
}

fn corpus() -> Corpus {
    let dir = repo().join("corpus");
    let toml_path = dir.join("edition.toml");
    let text = std::fs::read_to_string(&toml_path).unwrap_or_else(|e| {
        panic!(
            "the bundled corpus is missing: {}: {e}",
            toml_path.display()
        )
    });
    let value: toml::Value = toml::from_str(&text).expect("corpus/edition.toml parses");
    let registers = match value.get("persons") {
        Some(toml::Value::Array(a)) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        Some(toml::Value::String(s)) => vec![s.clone()],
        _ => vec!["persons.md".to_string()],
    };
    Corpus { dir, registers }
}

impl Corpus {
    /// `corpus/*.md` less the register files and `README.md`, sorted by name.
    fn volumes(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .filter(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                !self.registers.iter().any(|r| r == name) && !name.eq_ignore_ascii_case("README.md")
            })
            .collect();
        v.sort();
        v
    }
}

/// A line of a volume and what kind of line it is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LineKind {
    FrontMatter,
    Fence,
    Heading(usize),
    Metadata,
    FootnoteDef,
    FootnoteCont,
    Body,
}

fn classify(lines: &[&str]) -> Vec<LineKind> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut i = 0;
    if lines.first().is_some_and(|l| l.trim_end() == "---") {
        kinds.push(LineKind::FrontMatter);
        i = 1;
        while i < lines.len() {
            kinds.push(LineKind::FrontMatter);
            let end = lines[i].trim_end() == "---" || lines[i].trim_end() == "...";
            i += 1;
            if end {
                break;
            }
        }
    }
    let mut in_fence = false;
    let mut in_meta = false;
    let mut in_note = false;
    while i < lines.len() {
        let l = lines[i];
        let kind = if l.starts_with("```") || l.starts_with("~~~") {
            in_fence = !in_fence;
            LineKind::Fence
        } else if in_fence {
            LineKind::Fence
        } else if let Some(level) = heading_level(l) {
            in_meta = level == 2;
            in_note = false;
            LineKind::Heading(level)
        } else if in_meta && is_metadata(l) {
            LineKind::Metadata
        } else if footnote_def_label(l).is_some() {
            in_meta = false;
            in_note = true;
            LineKind::FootnoteDef
        } else if in_note && (l.starts_with("    ") || l.starts_with('\t') || l.trim().is_empty()) {
            LineKind::FootnoteCont
        } else {
            in_meta = false;
            in_note = false;
            LineKind::Body
        };
        kinds.push(kind);
        i += 1;
    }
    kinds
}

fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (hashes > 0 && hashes <= 6 && line[hashes..].starts_with(' ')).then_some(hashes)
}

fn is_metadata(line: &str) -> bool {
    match line.split_once(": ") {
        Some((k, _)) => {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        }
        None => false,
    }
}

fn footnote_def_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("[^")?;
    let end = rest.find("]:")?;
    let label = &rest[..end];
    (!label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then_some(label)
}

/// Footnote markers `[^label]` of a line (not the definition's own label), as
/// (byte offset of `[`, label).
fn markers(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let skip = if footnote_def_label(line).is_some() {
        line.find("]:").unwrap() + 2
    } else {
        0
    };
    let mut from = skip;
    while let Some(off) = line[from..].find("[^") {
        let start = from + off;
        let rest = &line[start + 2..];
        if let Some(end) = rest.find(']') {
            let label = &rest[..end];
            if !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                out.push((start, label));
            }
        }
        from = start + 2;
    }
    out
}

/// LSP position (UTF-16) of a byte offset in a line.
fn utf16_col(line: &str, byte: usize) -> u32 {
    line[..byte].encode_utf16().count() as u32
}

fn heading_text(line: &str) -> &str {
    line.trim_start_matches('#').trim()
}

/// The register: person id -> (display form, surface forms).
struct Person {
    id: String,
    display: String,
    names: Vec<String>,
    role: Option<String>,
}

fn persons(corpus: &Corpus) -> Vec<Person> {
    let mut out = Vec::new();
    for reg in &corpus.registers {
        let text = std::fs::read_to_string(corpus.dir.join(reg)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let kinds = classify(&lines);
        let mut current: Option<Person> = None;
        for (l, k) in lines.iter().zip(&kinds) {
            match k {
                LineKind::Heading(2) => {
                    out.extend(current.take());
                    current = Some(Person {
                        id: String::new(),
                        display: heading_text(l).to_string(),
                        names: vec![],
                        role: None,
                    });
                }
                LineKind::Metadata => {
                    if let Some(p) = current.as_mut() {
                        let (k, v) = l.split_once(": ").unwrap();
                        match k {
                            "id" => p.id = v.trim().to_string(),
                            "role" => p.role = Some(v.trim().to_string()),
                            "names" => {
                                p.names = v
                                    .split(';')
                                    .map(|s| s.trim().to_string())
                                    .filter(|s| !s.is_empty())
                                    .collect()
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        out.extend(current.take());
    }
    out.retain(|p| !p.id.is_empty());
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Occurrences of `form` in `line` on word boundaries (byte offsets).
fn find_word(line: &str, form: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(off) = line[from..].find(form) {
        let start = from + off;
        let end = start + form.len();
        let before = line[..start].chars().next_back();
        let after = line[end..].chars().next();
        if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
            out.push(start);
        }
        from = start + form.len().max(1);
    }
    out
}

/// What the test asks and expects in one volume.
struct Probe {
    volume: PathBuf,
    text: String,
    mention: Mention,
    /// (marker line, marker byte column, label, definition line).
    footnote: (usize, usize, String, usize),
    /// The `## ` headings: (line, title).
    messages: Vec<(usize, String)>,
    /// `apparatus check --format json` of the volume.
    expected: Vec<Value>,
}

/// An implicit mention: the name form at bytes `start..end` of `line`, hovered at `at`.
#[derive(Clone, Copy, Debug)]
struct Mention {
    line: usize,
    start: usize,
    end: usize,
    at: usize,
    person: usize,
}

fn find_mention(lines: &[&str], kinds: &[LineKind], people: &[Person]) -> Option<Mention> {
    // Surface forms shared by several persons are ambiguous: not a test subject.
    let mut owners: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        for n in &p.names {
            owners.entry(n.as_str()).or_default().push(i);
        }
    }
    for (ln, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        if *kind != LineKind::Body || line.contains("person:") {
            continue;
        }
        let mut best: Option<(usize, usize, usize)> = None; // (start, len, person)
        for (form, who) in &owners {
            for start in find_word(line, form) {
                // Covered by a longer form (of anybody)? Then it is not this form's mention.
                let end = start + form.len();
                let covered = owners.keys().any(|other| {
                    other.len() > form.len()
                        && find_word(line, other)
                            .into_iter()
                            .any(|s| s <= start && s + other.len() >= end)
                });
                let inside_brackets =
                    line[..start].matches('[').count() > line[..start].matches(']').count();
                if who.len() == 1
                    && !covered
                    && !inside_brackets
                    && best.is_none_or(|b| start < b.0)
                {
                    best = Some((start, form.len(), who[0]));
                }
            }
        }
        if let Some((start, len, who)) = best {
            // Hover in the middle of the name (on a character boundary).
            let mut at = start + len / 2;
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            return Some(Mention {
                line: ln,
                start,
                end: start + len,
                at,
                person: who,
            });
        }
    }
    None
}

fn find_footnote(lines: &[&str], kinds: &[LineKind]) -> Option<(usize, usize, String, usize)> {
    // Messages are scopes: a marker's definition must be in its own message.
    let mut scope_start = 0;
    for (ln, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        if matches!(kind, LineKind::Heading(1) | LineKind::Heading(2)) {
            scope_start = ln;
        }
        if !matches!(kind, LineKind::Body | LineKind::Heading(2)) {
            continue;
        }
        for (col, label) in markers(line) {
            let scope_end = (ln + 1..lines.len())
                .find(|&j| matches!(kinds[j], LineKind::Heading(1) | LineKind::Heading(2)))
                .unwrap_or(lines.len());
            let defs: Vec<usize> = (scope_start..scope_end)
                .filter(|&j| {
                    kinds[j] == LineKind::FootnoteDef && footnote_def_label(lines[j]) == Some(label)
                })
                .collect();
            if defs.len() == 1 {
                return Some((ln, col + 2, label.to_string(), defs[0]));
            }
        }
    }
    None
}

/// What `apparatus check --format json` reports for a volume: the diagnostics every
/// editor should show.
fn check_json(volume: &Path) -> Vec<Value> {
    let out = Command::new(SERVER)
        .args(["check", "--format", "json"])
        .arg(volume)
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap_or_else(|e| {
            panic!(
                "`apparatus check --format json {}`: {e}\n{}",
                volume.display(),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The volume to test: of those with a message, an implicit mention, a footnote with
/// its definition and at least one diagnostic, the one with the fewest messages.
fn probe(corpus: &Corpus, people: &[Person]) -> Probe {
    let mut best: Option<Probe> = None;
    for volume in corpus.volumes() {
        let text = std::fs::read_to_string(&volume).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let kinds = classify(&lines);
        let messages: Vec<(usize, String)> = lines
            .iter()
            .zip(&kinds)
            .enumerate()
            .filter(|(_, (_, k))| **k == LineKind::Heading(2))
            .map(|(i, (l, _))| (i, heading_text(l).to_string()))
            .collect();
        let (Some(mention), Some(footnote)) = (
            find_mention(&lines, &kinds, people),
            find_footnote(&lines, &kinds),
        ) else {
            continue;
        };
        if messages.is_empty()
            || best
                .as_ref()
                .is_some_and(|b| b.messages.len() <= messages.len())
        {
            continue;
        }
        let expected = check_json(&volume);
        if expected.is_empty() {
            continue;
        }
        best = Some(Probe {
            volume,
            text: text.clone(),
            mention,
            footnote,
            messages,
            expected,
        });
    }
    best.expect(
        "no volume in corpus/ has a message, an implicit person mention, a footnote with its definition and a diagnostic",
    )
}

// ---------------------------------------------------------------------------------------
// Running Neovim.

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn run_nvim(plan: &Value, work: &Path) -> Value {
    let plan_path = work.join("plan.json");
    std::fs::write(&plan_path, serde_json::to_vec_pretty(plan).unwrap()).unwrap();
    let out_path = PathBuf::from(plan["out"].as_str().unwrap());
    let home = work.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let nvim = nvim();
    let mut child = Command::new(&nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(repo().join("tests/nvim/init.lua"))
        .env("APPARATUS_NVIM_PLAN", &plan_path)
        // No user configuration, state or logs from the machine.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("APPARATUS_LOG", "info")
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", nvim.display()));
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > NVIM_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {NVIM_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let text = std::fs::read_to_string(&out_path).unwrap_or_else(|e| {
        panic!(
            "nvim wrote no result ({e}); status {}\nstdout:\n{}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let result: Value = serde_json::from_str(&text).unwrap();
    assert!(
        result["error"].is_null(),
        "the Lua driver failed: {}\nstderr:\n{}",
        result["error"].as_str().unwrap_or_default(),
        String::from_utf8_lossy(&output.stderr)
    );
    result
}

fn uri_of(path: &Path) -> String {
    // Neovim's vim.uri_from_fname: file:// + percent-encoded path.
    let mut s = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// The text of a hover result, whatever shape it has.
fn hover_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(hover_text).collect::<Vec<_>>().join("\n"),
        Value::Object(o) => {
            if let Some(c) = o.get("contents") {
                hover_text(c)
            } else {
                o.get("value").map(hover_text).unwrap_or_default()
            }
        }
        _ => String::new(),
    }
}

/// (uri, start line, start character, end line, end character) of definition results.
fn locations(v: &Value) -> Vec<(String, u64, u64, u64, u64)> {
    let one = |o: &Value| {
        let (uri, range) = if o.get("targetUri").is_some() {
            (&o["targetUri"], &o["targetSelectionRange"])
        } else {
            (&o["uri"], &o["range"])
        };
        (
            uri.as_str().unwrap().to_string(),
            range["start"]["line"].as_u64().unwrap(),
            range["start"]["character"].as_u64().unwrap(),
            range["end"]["line"].as_u64().unwrap(),
            range["end"]["character"].as_u64().unwrap(),
        )
    };
    match v {
        Value::Array(a) => a.iter().map(one).collect(),
        Value::Object(_) => vec![one(v)],
        _ => vec![],
    }
}

/// (name, kind, selection line) of every symbol, depth first.
fn symbols(v: &Value, out: &mut Vec<(String, u64, u64)>) {
    for s in v.as_array().into_iter().flatten() {
        let line = s
            .get("selectionRange")
            .or_else(|| s.get("location").map(|l| &l["range"]))
            .map(|r| r["start"]["line"].as_u64().unwrap())
            .unwrap();
        out.push((
            s["name"].as_str().unwrap().to_string(),
            s["kind"].as_u64().unwrap(),
            line,
        ));
        if let Some(children) = s.get("children") {
            symbols(children, out);
        }
    }
}

fn strip_markers(s: &str) -> String {
    let mut out = s.to_string();
    for (start, label) in markers(s).into_iter().rev() {
        out.replace_range(start..start + label.len() + 3, "");
    }
    out.trim().to_string()
}

/// Records a failed check and goes on, so that one run reports every failure.
macro_rules! check {
    ($failures:expr, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            $failures.push(format!($($fmt)+));
        }
    };
}

macro_rules! check_eq {
    ($failures:expr, $left:expr, $right:expr, $($fmt:tt)+) => {
        let (l, r) = (&$left, &$right);
        if l != r {
            $failures.push(format!("{}\n  got:  {:?}\n  want: {:?}", format!($($fmt)+), l, r));
        }
    };
}

#[test]
fn neovim_hover_definition_outline_diagnostics() {
    let corpus = corpus();
    let people = persons(&corpus);
    assert!(!people.is_empty(), "the register names nobody");
    let probe = probe(&corpus, &people);

    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().canonicalize().unwrap();
    let corpus_copy = work.join("corpus");
    copy_dir(&corpus.dir, &corpus_copy);
    let outside = work.join("outside").join("notes.md");
    std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
    std::fs::write(&outside, "# Notes\n\nChurchill wrote to Stalin.[^1]\n").unwrap();

    // Every Neovim: the plugin's setup(); 0.11+: also its lsp/apparatus.lua with
    // vim.lsp.enable.
    let version = nvim_version();
    let mut modes = vec!["setup"];
    if version >= (0, 11) {
        modes.push("enable");
    }
    let mut failures = Vec::new();
    for mode in modes {
        failures.extend(run_mode(
            mode,
            &probe,
            &people,
            &work,
            &corpus_copy,
            &outside,
        ));
    }
    assert!(
        failures.is_empty(),
        "{} checks failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The (major, minor) version of `nvim`.
fn nvim_version() -> (u32, u32) {
    let out = Command::new(nvim()).arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("NVIM v"))
        .unwrap_or_else(|| panic!("unexpected `nvim --version`: {text}"));
    let mut parts = v
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A column in the position encoding the client negotiated.
fn enc_col(line: &str, byte: usize, encoding: &str) -> u64 {
    let byte = byte.min(line.len());
    match encoding {
        "utf-8" => byte as u64,
        "utf-32" => line[..byte].chars().count() as u64,
        _ => utf16_col(line, byte) as u64,
    }
}

/// The byte offset of a UTF-16 column.
fn byte_of_utf16(line: &str, col16: u64) -> usize {
    let mut n = 0u64;
    for (i, c) in line.char_indices() {
        if n >= col16 {
            return i;
        }
        n += c.len_utf16() as u64;
    }
    line.len()
}

/// Positions for a request in every encoding; the driver picks the client's.
fn position(line: &str, line_no: usize, byte: usize) -> Value {
    json!({
        "line": line_no,
        "character": { "utf-8": enc_col(line, byte, "utf-8"), "utf-16": enc_col(line, byte, "utf-16"), "utf-32": enc_col(line, byte, "utf-32") },
    })
}

fn version_of(result: &Value) -> (u32, u32) {
    let v = result["nvim_version"].as_str().unwrap_or("0.0.0");
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn run_mode(
    mode: &str,
    probe: &Probe,
    people: &[Person],
    work: &Path,
    corpus_copy: &Path,
    outside: &Path,
) -> Vec<String> {
    let volume = corpus_copy.join(probe.volume.file_name().unwrap());
    let lines: Vec<&str> = probe.text.lines().collect();
    let m = probe.mention;
    let (f_line, f_col, ref label, def_line) = probe.footnote;
    let plan = json!({
        "mode": mode,
        "plugin_dir": repo().join("editors/neovim"),
        "cmd": [SERVER, "lsp"],
        "timeout_ms": 20000,
        "settle_ms": 1500,
        "out": work.join(format!("result-{mode}.json")),
        "files": [
            {
                "path": volume,
                "expect_attach": true,
                "requests": [
                    { "name": "hover", "method": "textDocument/hover",
                      "position": position(lines[m.line], m.line, m.at) },
                    { "name": "definition", "method": "textDocument/definition",
                      "position": position(lines[f_line], f_line, f_col) },
                    { "name": "outline", "method": "textDocument/documentSymbol" },
                ],
            },
            { "path": outside, "expect_attach": false },
        ],
    });
    let result = run_nvim(&plan, work);
    let files = result["files"].as_array().unwrap();
    let vol = &files[0];
    let ctx = format!(
        "nvim {} ({mode}) on {}",
        result["nvim_version"],
        volume.display()
    );

    assert_eq!(vol["filetype"], "markdown", "{ctx}");
    assert_eq!(
        vol["attached"], true,
        "{ctx}: the apparatus client never attached"
    );
    // 0.7 offers only UTF-16; newer clients may get UTF-8 from the server.
    let enc = vol["offset_encoding"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if version_of(&result) < (0, 10) {
        assert_eq!(enc, "utf-16", "{ctx}");
    }
    assert!(
        ["utf-8", "utf-16", "utf-32"].contains(&enc.as_str()),
        "{ctx}: encoding {enc}"
    );
    assert_eq!(
        vol["root_dir"].as_str(),
        Some(corpus_copy.to_str().unwrap()),
        "{ctx}: root is the edition.toml folder"
    );
    let uri = uri_of(&volume);
    assert_eq!(vol["uri"].as_str(), Some(uri.as_str()), "{ctx}");
    let responses = &vol["responses"];
    for name in ["hover", "definition", "outline"] {
        let r = &responses[name];
        assert!(
            r["timeout"].is_null(),
            "{ctx}: {name} timed out: {}",
            r["timeout"]
        );
        assert!(r["error"].is_null(), "{ctx}: {name} failed: {}", r["error"]);
    }

    let mut failures: Vec<String> = Vec::new();
    let col = |line: usize, byte: usize| enc_col(lines[line], byte, &enc);

    // Hover on a person's name: the register's card, for exactly the name.
    let person = &people[m.person];
    let hover_result = &responses["hover"]["result"];
    let hover = hover_text(hover_result);
    let name = &lines[m.line][m.start..m.end];
    check!(
        failures,
        hover.starts_with(&format!("**{}**", person.display))
            && hover.ends_with(&format!("id `{}`", person.id)),
        "{ctx}: hover on `{name}` in `{}` (line {}) should show the card of {} ({}), got:\n{hover}",
        lines[m.line],
        m.line,
        person.id,
        person.display
    );
    if let Some(role) = &person.role {
        check!(
            failures,
            hover.contains(&format!("\n\n{role}\n\n")),
            "{ctx}: the card shows the role `{role}`:\n{hover}"
        );
    }
    let want_range = json!({
        "start": { "line": m.line, "character": col(m.line, m.start) },
        "end": { "line": m.line, "character": col(m.line, m.end) },
    });
    check_eq!(
        failures,
        hover_result["range"],
        want_range,
        "{ctx}: the hover covers `{name}`"
    );

    // Definition on a footnote marker: the `[^label]` of its note, in the same message.
    let locs = locations(&responses["definition"]["result"]);
    check_eq!(
        failures,
        locs,
        vec![(
            uri.clone(),
            def_line as u64,
            0,
            def_line as u64,
            col(def_line, label.len() + 3)
        )],
        "{ctx}: definition of [^{label}] at line {f_line} lands on `{}` (line {def_line})",
        lines[def_line]
    );

    // Outline: every message of the volume, with its heading as its title, in order.
    let mut syms = Vec::new();
    symbols(&responses["outline"]["result"], &mut syms);
    let heading_lines: BTreeMap<u64, &str> = probe
        .messages
        .iter()
        .map(|(l, t)| (*l as u64, t.as_str()))
        .collect();
    let got: Vec<(u64, String)> = syms
        .iter()
        .filter(|(_, _, line)| heading_lines.contains_key(line))
        .map(|(name, _, line)| (*line, strip_markers(name)))
        .collect();
    let want: Vec<(u64, String)> = probe
        .messages
        .iter()
        .map(|(l, t)| (*l as u64, strip_markers(t)))
        .collect();
    check_eq!(failures, got, want, "{ctx}: outline messages");

    // Diagnostics are pushed (Neovim 0.7 has no pull diagnostics), and they are exactly
    // what `apparatus check` reports for the volume.
    check!(
        failures,
        vol["publish_count"].as_u64().unwrap_or(0) >= 1,
        "{ctx}: no textDocument/publishDiagnostics"
    );
    let diags = vol["diagnostics"].as_array().unwrap();
    check_eq!(
        failures,
        vol["vim_diagnostic_count"].as_u64().unwrap() as usize,
        diags.len(),
        "{ctx}: Neovim shows what the server published"
    );
    let severity = |s: &str| match s {
        "error" => 1,
        "warning" => 2,
        "information" | "info" => 3,
        "hint" => 4,
        other => panic!("unknown severity {other}"),
    };
    let key = |range: &Value, sev: u64, code: &Value, message: &Value| {
        (
            range["start"]["line"].as_u64().unwrap(),
            range["start"]["character"].as_u64().unwrap(),
            range["end"]["line"].as_u64().unwrap(),
            range["end"]["character"].as_u64().unwrap(),
            sev,
            code.as_str().unwrap_or_default().to_string(),
            message.as_str().unwrap_or_default().to_string(),
        )
    };
    let mut got: Vec<_> = diags
        .iter()
        .map(|d| {
            key(
                &d["range"],
                d["severity"].as_u64().unwrap_or(0),
                &d["code"],
                &d["message"],
            )
        })
        .collect();
    // `apparatus check` counts UTF-16 columns; the editor counts in its encoding.
    let reencode = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let c16 = pos["character"].as_u64().unwrap();
        let character = match lines.get(line) {
            Some(text) => enc_col(text, byte_of_utf16(text, c16), &enc),
            None => c16,
        };
        json!({ "line": line, "character": character })
    };
    let mut want: Vec<_> = probe
        .expected
        .iter()
        .map(|d| {
            let range = json!({ "start": reencode(&d["range"]["start"]), "end": reencode(&d["range"]["end"]) });
            key(
                &range,
                severity(d["severity"].as_str().unwrap()),
                &d["code"],
                &d["message"],
            )
        })
        .collect();
    got.sort();
    want.sort();
    check_eq!(
        failures,
        got,
        want,
        "{ctx}: the diagnostics Neovim got are those of `apparatus check`"
    );

    // Markdown outside a corpus is left alone.
    check_eq!(
        failures,
        files[1]["attached"],
        false,
        "the plugin attached outside a corpus"
    );

    failures
}
