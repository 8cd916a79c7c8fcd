//! One block of a volume: the text before the first heading, a `#` group heading with the
//! text under it, or a `##` message with its metadata, body and notes.
//!
//! Every range in a [`Block`] is relative to the block's first byte, so that a block whose
//! text did not change is reused, as it is, after an edit elsewhere in the volume.
use super::range::TextRange;
use super::dates::{self, DateLineKind, TextDate};
use super::scripts::{self, Script};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BlockKind {
    /// Text before the first heading of the volume (after the front matter).
    Preamble,
    /// A `# ` heading (a part or chapter) and the text under it before the next message.
    Group,
    /// A `## ` heading: one message (or, in a register, one person).
    Message,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Block {
    pub kind: BlockKind,
    pub len: u32,
    pub heading: Option<Heading>,
    pub metadata: Vec<MetaField>,
    /// Everything after the heading and the metadata block.
    pub body: TextRange,
    pub markers: Vec<Marker>,
    pub notes: Vec<Note>,
    pub links: Vec<Link>,
    pub pages: Vec<PageMark>,
    /// `[illegible]`, `[signature]`, `[sic]`, `[…]`, `[handwritten: …]` and other brackets.
    pub editorial: Vec<TextRange>,
    pub legacy: Vec<Legacy>,
    pub stray_pages: Vec<StrayPage>,
    pub hyphenations: Vec<Hyphenation>,
    pub homoglyphs: Vec<Homoglyph>,
    /// Sorted, disjoint ranges that are not running text (markers, link targets, URLs,
    /// metadata): no mention or date is looked for inside them.
    pub opaque: Vec<TextRange>,
    /// Dates in running text (heading, body, notes), ranges relative to the block.
    pub dates: Vec<BlockDate>,
    /// The date of the body's closing line, when that line is a bare date (`July 18, 1941`,
    /// `28.IX.45   MOLOTOV`): index into `dates`.
    pub closing_date: Option<u32>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockDate {
    pub date: TextDate,
    pub range: TextRange,
    pub in_note: bool,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Heading {
    /// Number of `#`: 1 for a group, 2 for a message.
    pub level: u8,
    /// The heading line, without its line break.
    pub line: TextRange,
    /// The title: the line after the `#`s, trimmed.
    pub title: TextRange,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MetaField {
    pub key: TextRange,
    pub value: TextRange,
    pub line: TextRange,
}

/// A footnote marker `[^label]`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Marker {
    pub range: TextRange,
    pub label: TextRange,
    /// The note whose definition this marker stands in, if any.
    pub in_note: Option<u32>,
}

/// A footnote definition `[^label]: text`, with its indented continuation lines.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Note {
    /// From the `[` of the label to the end of the last continuation line.
    pub range: TextRange,
    /// The `[^label]` part.
    pub head: TextRange,
    pub label: TextRange,
    /// The note's text.
    pub text: TextRange,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LinkKind {
    /// `[text](person:id)`
    Person,
    /// `[text](#message-id)`
    Message,
    /// Any other link target (a URL, a file).
    Other,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Link {
    pub kind: LinkKind,
    pub range: TextRange,
    pub text: TextRange,
    /// The id (after `person:` or `#`), or the whole target of another link.
    pub target: TextRange,
}

/// `[Page 681]`: a page break of the printed source.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PageMark {
    pub range: TextRange,
    pub number: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LegacyKind {
    /// Word export marker `[footnoteRef:1]`.
    WordMarker,
    /// Word export note body `[1: text]`.
    WordNote,
    /// OCR superscript note number `³`.
    Superscript,
    /// A note number glued to a word or punctuation: `Ministers57`, `President.58`.
    Glued,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Legacy {
    pub kind: LegacyKind,
    pub range: TextRange,
    /// The note number, in ASCII digits.
    pub label: String,
}

/// A bare number on a line of its own: a page number left over from a printed source.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StrayPage {
    pub range: TextRange,
    pub number: u32,
}

/// A word split by a hyphen at a line break: `suc-` … `ceed`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Hyphenation {
    /// The first part, hyphen included.
    pub first: TextRange,
    /// The continuation on the next line.
    pub second: TextRange,
}

/// A word that mixes scripts, or initials of one script beside words of the other.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Homoglyph {
    pub word: TextRange,
    /// The letters that are of the other script than the word.
    pub letters: Vec<TextRange>,
    /// The script the letters pretend to be.
    pub expected: Script,
}

/// The line ranges of a text, without their line breaks (LF or CRLF).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = TextRange> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0usize;
    let mut done = text.is_empty();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let (end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => {
                done = true;
                (bytes.len(), bytes.len())
            }
        };
        let content_end = if end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        let line = TextRange::new(start, content_end);
        start = next;
        if start >= bytes.len() {
            done = true;
        }
        Some(line)
    })
}

fn is_blank(text: &str, line: TextRange) -> bool {
    line.slice(text).bytes().all(|b| b == b' ' || b == b'\t')
}

/// Heading level of a line (`# ` → 1, `## ` → 2), if it is a block-starting heading.
pub fn heading_level(line: &[u8]) -> Option<u8> {
    let hashes = line.iter().take_while(|&&b| b == b'#').count();
    if hashes == 0 || hashes > 2 {
        return None;
    }
    match line.get(hashes) {
        None | Some(b' ') | Some(b'\t') | Some(b'\r') => Some(hashes as u8),
        _ => None,
    }
}

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `[^label]` at `at`: the end of the marker and the label's range.
fn parse_marker(bytes: &[u8], at: usize, end: usize) -> Option<(usize, TextRange)> {
    if bytes.get(at + 1) != Some(&b'^') {
        return None;
    }
    let label_start = at + 2;
    let mut i = label_start;
    while i < end && is_label_byte(bytes[i]) {
        i += 1;
    }
    if i == label_start || i >= end || bytes[i] != b']' {
        return None;
    }
    Some((i + 1, TextRange::new(label_start, i)))
}

/// If the line opens a footnote definition, `[^label]:`, its label and the end of `]:`.
fn note_definition_head(bytes: &[u8], line: TextRange) -> Option<(usize, TextRange)> {
    let (end, label) = parse_marker(bytes, line.start(), line.end())?;
    (bytes.get(end) == Some(&b':') && end < line.end()).then_some((end + 1, label))
}

/// The index of the `]` that closes the `[` at `open`, on the same line.
fn closing_bracket(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(end).skip(open) {
        match b {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_u32(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The ASCII digit a superscript digit stands for, and its UTF-8 length.
fn superscript_digit(bytes: &[u8], at: usize) -> Option<(u8, usize)> {
    match (bytes.get(at), bytes.get(at + 1), bytes.get(at + 2)) {
        (Some(0xC2), Some(0xB9), _) => Some((b'1', 2)),
        (Some(0xC2), Some(0xB2), _) => Some((b'2', 2)),
        (Some(0xC2), Some(0xB3), _) => Some((b'3', 2)),
        (Some(0xE2), Some(0x81), Some(&b)) if b == 0xB0 || (0xB4..=0xB9).contains(&b) => {
            Some((if b == 0xB0 { b'0' } else { b'0' + (b - 0xB0) }, 3))
        }
        _ => None,
    }
}

/// Whether the inline scanner has something to look at in a byte: `[` (markers, links,
/// page marks), `<` (autolinks), `:` (the `://` of a URL), a digit (glued note numbers),
/// 0xC2 and 0xE2 (lead bytes of superscript digits). Written with `|` on comparisons, not
/// a table, so that the test of a whole chunk vectorises.
#[inline(always)]
fn interesting(c: u8) -> bool {
    (c.wrapping_sub(b'0') < 10) | (c == b'[') | (c == b'<') | (c == b':') | (c == 0xC2) | (c == 0xE2)
}

/// The next interesting byte in `bytes[from..end]`, or `end`. Most of a line is skipped
/// 32 bytes at a time.
fn next_interesting(bytes: &[u8], from: usize, end: usize) -> usize {
    const CHUNK: usize = 32;
    let mut i = from;
    while i + CHUNK <= end {
        let any = bytes[i..i + CHUNK].iter().fold(false, |acc, &c| acc | interesting(c));
        if any {
            break;
        }
        i += CHUNK;
    }
    bytes[i..end].iter().position(|&c| interesting(c)).map_or(end, |p| i + p)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    block: Block,
    /// The last body line outside notes that holds text (not a page mark or number).
    last_text_line: Option<TextRange>,
}

/// Parses one block. `text` starts at the block's first byte (its heading line, if any)
/// and ends where the next block begins.
pub fn parse_block(text: &str) -> Block {
    let kind = match heading_level(text.as_bytes()) {
        Some(1) => BlockKind::Group,
        Some(_) => BlockKind::Message,
        None => BlockKind::Preamble,
    };
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        block: Block {
            kind,
            len: text.len() as u32,
            heading: None,
            metadata: Vec::new(),
            body: TextRange::empty(0),
            markers: Vec::new(),
            notes: Vec::new(),
            links: Vec::new(),
            pages: Vec::new(),
            editorial: Vec::new(),
            legacy: Vec::new(),
            stray_pages: Vec::new(),
            hyphenations: Vec::new(),
            homoglyphs: Vec::new(),
            opaque: Vec::new(),
            dates: Vec::new(),
            closing_date: None,
        },
        last_text_line: None,
    };
    p.parse();
    p.block
}

impl<'a> Parser<'a> {
    fn parse(&mut self) {
        let all: Vec<TextRange> = lines(self.text).collect();
        let mut i = 0;
        if self.block.kind != BlockKind::Preamble {
            if let Some(&line) = all.first() {
                self.heading(line);
                i = 1;
            }
        }
        if self.block.kind == BlockKind::Message {
            while let Some(&line) = all.get(i) {
                match self.metadata_field(line) {
                    Some(field) => {
                        self.block.opaque.push(field.line);
                        self.block.metadata.push(field);
                        i += 1;
                    }
                    None => break,
                }
            }
        }
        let body_start = all.get(i).map_or(self.text.len(), |l| l.start());
        self.block.body = TextRange::new(body_start, self.text.len());
        self.body(&all[i.min(all.len())..]);
        self.block.opaque.sort_unstable();
        self.homoglyphs();
        self.dates();
    }

    fn dates(&mut self) {
        let text = self.text;
        let opaque = &self.block.opaque;
        let notes = &self.block.notes;
        let mut o = 0;
        for date in dates::scan_text_dates(text) {
            let range = TextRange::from(date.span.clone());
            while o < opaque.len() && opaque[o].end <= range.start {
                o += 1;
            }
            if opaque.get(o).is_some_and(|r| r.intersects(range)) {
                continue;
            }
            let in_note = notes.iter().any(|n| n.range.contains_range(range));
            self.block.dates.push(BlockDate { date, range, in_note });
        }
        if let Some(line) = self.last_text_line {
            if let Some((DateLineKind::Bare, d)) = dates::date_line(line.slice(text)) {
                let start = line.start() + d.span.start;
                self.block.closing_date = self.block.dates.iter().position(|bd| bd.range.start() == start).map(|i| i as u32);
            }
        }
    }

    fn heading(&mut self, line: TextRange) {
        let bytes = self.bytes;
        let level = heading_level(&bytes[line.as_range()]).unwrap_or(1);
        let mut start = line.start() + level as usize;
        let mut end = line.end();
        while start < end && (bytes[start] == b' ' || bytes[start] == b'\t') {
            start += 1;
        }
        // Pandoc allows closing hashes: `## Title ##`.
        let mut trimmed = end;
        while trimmed > start && bytes[trimmed - 1] == b'#' {
            trimmed -= 1;
        }
        if trimmed < end && (trimmed == start || bytes[trimmed - 1] == b' ') {
            end = trimmed;
        }
        while end > start && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
            end -= 1;
        }
        let title = TextRange::new(start, end);
        self.block.heading = Some(Heading { level, line, title });
        self.inline(title, None);
    }

    fn metadata_field(&self, line: TextRange) -> Option<MetaField> {
        let bytes = &self.bytes[line.as_range()];
        if !bytes.first()?.is_ascii_lowercase() {
            return None;
        }
        let key_len = bytes
            .iter()
            .take_while(|&&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            .count();
        if bytes.get(key_len) != Some(&b':') {
            return None;
        }
        let rest = &bytes[key_len + 1..];
        if !(rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t') {
            return None;
        }
        let lead = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let trail = rest[lead..].iter().rev().take_while(|&&b| b == b' ' || b == b'\t').count();
        let value_start = line.start() + key_len + 1 + lead;
        let value_end = (line.end() - trail).max(value_start);
        Some(MetaField {
            key: TextRange::new(line.start(), line.start() + key_len),
            value: TextRange::new(value_start, value_end),
            line,
        })
    }

    fn body(&mut self, lines: &[TextRange]) {
        let bytes = self.bytes;
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if let Some((head_end, label)) = note_definition_head(bytes, line) {
                i = self.note(lines, i, head_end, label);
                continue;
            }
            self.inline(line, None);
            let strays = self.block.stray_pages.len();
            self.stray_page(lines, i);
            self.hyphenation(lines, i);
            let page_only = line.slice(self.text).trim().strip_prefix("[Page ").is_some_and(|r| r.ends_with(']'));
            if strays == self.block.stray_pages.len() && !page_only && !is_blank(self.text, line) {
                self.last_text_line = Some(line);
            }
            i += 1;
        }
    }

    /// A footnote definition starting at `lines[first]`; returns the index of the first
    /// line after it.
    fn note(&mut self, lines: &[TextRange], first: usize, head_end: usize, label: TextRange) -> usize {
        let bytes = self.bytes;
        let line = lines[first];
        let index = self.block.notes.len() as u32;
        let head = TextRange::new(line.start(), head_end - 1);
        self.block.opaque.push(TextRange::new(line.start(), head_end));
        let mut text_start = head_end;
        while text_start < line.end() && (bytes[text_start] == b' ' || bytes[text_start] == b'\t') {
            text_start += 1;
        }
        self.inline(TextRange::new(text_start, line.end()), Some(index));
        let mut last = first;
        let mut j = first + 1;
        // Continuation: indented lines, and blank lines followed by an indented one.
        while j < lines.len() {
            let l = lines[j];
            if is_indented(bytes, l) {
                self.inline(l, Some(index));
                last = j;
                j += 1;
            } else if is_blank(self.text, l) {
                let next = lines[j..].iter().position(|&l| !is_blank(self.text, l)).map(|k| j + k);
                match next {
                    Some(k) if is_indented(bytes, lines[k]) => j = k,
                    _ => break,
                }
            } else {
                break;
            }
        }
        let end = lines[last].end().max(text_start);
        self.block.notes.push(Note {
            range: TextRange::new(line.start(), end),
            head,
            label,
            text: TextRange::new(text_start, end),
        });
        last + 1
    }

    fn stray_page(&mut self, lines: &[TextRange], i: usize) {
        let line = lines[i];
        let s = line.slice(self.text);
        let trimmed = s.trim();
        if trimmed.is_empty() || trimmed.len() > 4 || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        // A number alone in a paragraph: a list item or a table cell would have text around it.
        let blank_or_edge = |k: Option<usize>| k.is_none_or(|k| lines.get(k).is_none_or(|&l| is_blank(self.text, l)));
        if !blank_or_edge(i.checked_sub(1)) || !blank_or_edge(Some(i + 1)) {
            return;
        }
        let Some(number) = parse_u32(trimmed.as_bytes()) else { return };
        let start = line.start() + (s.len() - s.trim_start().len());
        self.block.stray_pages.push(StrayPage { range: TextRange::new(start, start + trimmed.len()), number });
    }

    fn hyphenation(&mut self, lines: &[TextRange], i: usize) {
        let bytes = self.bytes;
        let line = lines[i];
        let l = &bytes[line.as_range()];
        let n = l.len();
        if n < 3 || l[n - 1] != b'-' || !l[n - 2].is_ascii_lowercase() {
            return;
        }
        let word_start = l[..n - 1].iter().rposition(|b| !b.is_ascii_alphabetic()).map_or(0, |k| k + 1);
        // The continuation may come after blank lines and a stray page number.
        let mut j = i + 1;
        while let Some(&next) = lines.get(j) {
            let t = next.slice(self.text).trim();
            if t.is_empty() || (t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())) {
                j += 1;
                continue;
            }
            break;
        }
        let Some(&next) = lines.get(j) else { return };
        if note_definition_head(bytes, next).is_some() {
            return;
        }
        let nb = &bytes[next.as_range()];
        let lead = nb.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let len = nb[lead..].iter().take_while(|b| b.is_ascii_lowercase()).count();
        if len == 0 {
            return;
        }
        self.block.hyphenations.push(Hyphenation {
            first: TextRange::new(line.start() + word_start, line.end()),
            second: TextRange::new(next.start() + lead, next.start() + lead + len),
        });
    }

    /// Markers, links, page marks, editorial brackets and legacy note numbers in one line
    /// (or the title of a heading).
    fn inline(&mut self, range: TextRange, in_note: Option<u32>) {
        let bytes = self.bytes;
        let end = range.end();
        let mut i = range.start();
        loop {
            i = next_interesting(bytes, i, end);
            if i >= end {
                break;
            }
            i = match bytes[i] {
                b'[' => self.bracket(i, end, in_note),
                b'<' => self.autolink(i, end),
                b':' => self.bare_url(i, range.start(), end),
                b'0'..=b'9' => self.digits(i, range.start(), end),
                _ => self.superscript(i, range.start()),
            };
        }
    }

    fn bracket(&mut self, at: usize, end: usize, in_note: Option<u32>) -> usize {
        let bytes = self.bytes;
        if let Some((marker_end, label)) = parse_marker(bytes, at, end) {
            let range = TextRange::new(at, marker_end);
            self.block.markers.push(Marker { range, label, in_note });
            self.block.opaque.push(range);
            return marker_end;
        }
        let Some(close) = closing_bracket(bytes, at, end) else { return at + 1 };
        let inner = &bytes[at + 1..close];
        // `[text](target)`
        if close + 2 < end && bytes[close + 1] == b'(' {
            if let Some(paren) = memchr::memchr(b')', &bytes[close + 2..end]).map(|k| close + 2 + k) {
                let target = &bytes[close + 2..paren];
                let (kind, skip) = if target.starts_with(b"person:") {
                    (LinkKind::Person, 7)
                } else if target.starts_with(b"#") {
                    (LinkKind::Message, 1)
                } else {
                    (LinkKind::Other, 0)
                };
                let range = TextRange::new(at, paren + 1);
                self.block.links.push(Link {
                    kind,
                    range,
                    text: TextRange::new(at + 1, close),
                    target: TextRange::new(close + 2 + skip, paren),
                });
                self.block.opaque.push(TextRange::new(close, paren + 1));
                // The link text is running text of its own (an explicit mention's words).
                self.inline(TextRange::new(at + 1, close), in_note);
                return paren + 1;
            }
        }
        if let Some(rest) = inner.strip_prefix(b"footnoteRef:") {
            if let Some(n) = parse_u32(rest) {
                let range = TextRange::new(at, close + 1);
                self.block.legacy.push(Legacy { kind: LegacyKind::WordMarker, range, label: n.to_string() });
                self.block.opaque.push(range);
                return close + 1;
            }
        }
        if let Some(rest) = inner.strip_prefix(b"Page ") {
            if let Some(number) = parse_u32(rest) {
                let range = TextRange::new(at, close + 1);
                self.block.pages.push(PageMark { range, number });
                self.block.opaque.push(range);
                return close + 1;
            }
        }
        // Word export note body: `[1: text]` (digits, a colon, a space).
        let digits = inner.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && inner.get(digits) == Some(&b':') && inner.get(digits + 1).is_some_and(|&b| b == b' ') {
            let label = String::from_utf8_lossy(&inner[..digits]).into_owned();
            self.block.legacy.push(Legacy { kind: LegacyKind::WordNote, range: TextRange::new(at, close + 1), label });
            self.block.opaque.push(TextRange::new(at, at + 1 + digits + 1));
            return at + 1 + digits + 1;
        }
        // Anything else in brackets is an editorial intervention; its words stay running text.
        self.block.editorial.push(TextRange::new(at, close + 1));
        at + 1
    }

    fn autolink(&mut self, at: usize, end: usize) -> usize {
        let bytes = self.bytes;
        let rest = &bytes[at + 1..end];
        if !(rest.starts_with(b"http://") || rest.starts_with(b"https://") || rest.starts_with(b"mailto:")) {
            return at + 1;
        }
        match memchr::memchr(b'>', rest) {
            Some(k) => {
                self.block.opaque.push(TextRange::new(at, at + 1 + k + 1));
                at + 1 + k + 1
            }
            None => at + 1,
        }
    }

    /// `http://…` or `https://…`, found from its `://`.
    fn bare_url(&mut self, colon: usize, line_start: usize, end: usize) -> usize {
        let bytes = self.bytes;
        if !bytes[colon..end].starts_with(b"://") {
            return colon + 1;
        }
        let scheme = bytes[line_start..colon].iter().rev().take_while(|b| b.is_ascii_alphabetic()).count();
        if scheme == 0 {
            return colon + 1;
        }
        let start = colon - scheme;
        let len = bytes[colon..end]
            .iter()
            .position(|&b| b == b' ' || b == b'\t' || b == b')' || b == b'>')
            .unwrap_or(end - colon);
        self.block.opaque.push(TextRange::new(start, colon + len));
        colon + len
    }

    /// A digit run: a glued note number if it sticks to a word (`Ministers57`) or to
    /// punctuation after a word (`President.58`).
    fn digits(&mut self, at: usize, line_start: usize, end: usize) -> usize {
        let bytes = self.bytes;
        let run_end = at + bytes[at..end].iter().take_while(|b| b.is_ascii_digit()).count();
        let after_ok = run_end == end || {
            let b = bytes[run_end];
            !(b.is_ascii_alphanumeric() || b >= 0x80 || b == b'/' || b == b'-' || b == b'.' && bytes.get(run_end + 1).is_some_and(u8::is_ascii_digit))
        };
        if !after_ok || run_end - at > 3 || at == line_start {
            return run_end;
        }
        let mut k = at;
        if matches!(bytes[k - 1], b'.' | b',' | b';' | b':') {
            k -= 1;
        }
        let letters = bytes[line_start..k].iter().rev().take_while(|b| b.is_ascii_alphabetic()).count();
        let glued = letters >= 3 && bytes[k - 1].is_ascii_lowercase() && {
            let word_start = k - letters;
            // A word after a digit or another glued piece is a code (`CAB80`), not prose.
            word_start == line_start || !bytes[word_start - 1].is_ascii_alphanumeric()
        };
        if glued {
            let label = String::from_utf8_lossy(&bytes[at..run_end]).into_owned();
            self.block.legacy.push(Legacy { kind: LegacyKind::Glued, range: TextRange::new(at, run_end), label });
        }
        run_end
    }

    fn superscript(&mut self, at: usize, line_start: usize) -> usize {
        let bytes = self.bytes;
        let mut i = at;
        let mut label = String::new();
        while let Some((digit, len)) = superscript_digit(bytes, i) {
            label.push(digit as char);
            i += len;
        }
        if label.is_empty() {
            return at + 1;
        }
        let after_space = at > line_start && matches!(bytes[at - 1], b' ' | b'\t');
        if !after_space {
            self.block.legacy.push(Legacy { kind: LegacyKind::Superscript, range: TextRange::new(at, i), label });
        }
        i
    }

    fn homoglyphs(&mut self) {
        if !scripts::may_hold_cyrillic(self.bytes) {
            return;
        }
        let text = self.text;
        // Words: runs of letters, joined by dots and apostrophes so that `М.М.` is one word.
        let mut words: Vec<(TextRange, Script)> = Vec::new();
        let mut start: Option<usize> = None;
        let flush = |start: &mut Option<usize>, end: usize, words: &mut Vec<(TextRange, Script)>| {
            if let Some(s) = start.take() {
                let w = TextRange::new(s, end);
                words.push((w, dominant(w.slice(text))));
            }
        };
        for (i, c) in text.char_indices() {
            let joiner = matches!(c, '.' | '\'' | '’') && start.is_some();
            if c.is_alphabetic() || joiner {
                if start.is_none() {
                    start = Some(i);
                }
            } else {
                flush(&mut start, i, &mut words);
            }
        }
        flush(&mut start, text.len(), &mut words);
        for (k, &(word, script)) in words.iter().enumerate() {
            if let Some(h) = mixed_word(text, word, script) {
                self.block.homoglyphs.push(h);
                continue;
            }
            // Initials of one script (`М.М.`) beside a word of the other (`Narinskii`).
            let s = word.slice(text);
            let is_initials = s.split('.').all(|p| p.chars().count() <= 1) && s.contains('.');
            if !is_initials || script == Script::Other || !s.chars().filter(|c| c.is_alphabetic()).all(|c| scripts::lookalike(c).is_some()) {
                continue;
            }
            let other = if script == Script::Cyrillic { Script::Latin } else { Script::Cyrillic };
            let neighbour_is_other = |w: Option<&(TextRange, Script)>| {
                w.is_some_and(|&(n, sc)| sc == other && n.slice(text).chars().filter(|c| c.is_alphabetic()).count() > 1 && same_line(text, word, n))
            };
            if script == Script::Cyrillic && (neighbour_is_other(k.checked_sub(1).and_then(|p| words.get(p))) || neighbour_is_other(words.get(k + 1))) {
                let letters = s
                    .char_indices()
                    .filter(|(_, c)| c.is_alphabetic())
                    .map(|(i, c)| TextRange::new(word.start() + i, word.start() + i + c.len_utf8()))
                    .collect();
                self.block.homoglyphs.push(Homoglyph { word, letters, expected: other });
            }
        }
    }
}

fn is_indented(bytes: &[u8], line: TextRange) -> bool {
    let l = &bytes[line.as_range()];
    l.starts_with(b"    ") || l.starts_with(b"\t")
}

fn same_line(text: &str, a: TextRange, b: TextRange) -> bool {
    let (lo, hi) = if a.start < b.start { (a.end(), b.start()) } else { (b.end(), a.start()) };
    text.get(lo..hi).is_some_and(|between| !between.contains('\n'))
}

/// The script most letters of a word are in.
fn dominant(word: &str) -> Script {
    let (mut latin, mut cyrillic) = (0, 0);
    for c in word.chars() {
        match scripts::script(c) {
            Script::Latin => latin += 1,
            Script::Cyrillic => cyrillic += 1,
            Script::Other => {}
        }
    }
    match (latin, cyrillic) {
        (0, 0) => Script::Other,
        (l, c) if l >= c => Script::Latin,
        _ => Script::Cyrillic,
    }
}

/// A word with letters of both scripts: the letters of the minority script (on a tie, the
/// Cyrillic ones in a word that starts Latin, and the reverse).
fn mixed_word(text: &str, word: TextRange, dominant: Script) -> Option<Homoglyph> {
    let s = word.slice(text);
    let first = s.chars().map(scripts::script).find(|&sc| sc != Script::Other)?;
    let (latin, cyrillic) = s.chars().fold((0, 0), |(l, c), ch| match scripts::script(ch) {
        Script::Latin => (l + 1, c),
        Script::Cyrillic => (l, c + 1),
        Script::Other => (l, c),
    });
    if latin == 0 || cyrillic == 0 {
        return None;
    }
    let expected = if latin == cyrillic { first } else { dominant };
    let letters = s
        .char_indices()
        .filter(|&(_, c)| {
            let sc = scripts::script(c);
            sc != Script::Other && sc != expected
        })
        .map(|(i, c)| TextRange::new(word.start() + i, word.start() + i + c.len_utf8()))
        .collect();
    Some(Homoglyph { word, letters, expected })
}

#[cfg(test)]
mod tests;
