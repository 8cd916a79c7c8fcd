//! A volume: optional front matter, then blocks split at `#`/`##` headings.
use std::sync::Arc;

use super::block::{heading_level, lines, parse_block, Block, BlockKind};
use super::range::TextRange;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FrontMatter {
    /// From the opening `---` to the end of the closing line, its line break included.
    pub range: TextRange,
    pub fields: Vec<(TextRange, TextRange)>,
}

/// A block and where it starts in the volume; the block's own ranges are relative to `start`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BlockRef {
    pub start: u32,
    pub block: Arc<Block>,
}

impl BlockRef {
    pub fn start(&self) -> usize {
        self.start as usize
    }
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start(), self.start() + self.block.len as usize)
    }
    /// A block-relative range made absolute.
    pub fn abs(&self, r: TextRange) -> TextRange {
        r.shift(self.start())
    }
    /// The block's own text, given the volume's text.
    pub fn text<'t>(&self, volume_text: &'t str) -> &'t str {
        self.range().slice(volume_text)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Volume {
    pub front_matter: Option<FrontMatter>,
    pub blocks: Vec<BlockRef>,
}

/// An edit: the bytes `start..old_end` of the old text were replaced by `new_len` bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_len: usize,
}

impl Volume {
    pub fn parse(text: &str) -> Volume {
        let front_matter = front_matter(text);
        let body_start = front_matter.as_ref().map_or(0, |f| f.range.end());
        let mut blocks = Vec::new();
        split_blocks(text, body_start, None, &mut blocks);
        Volume { front_matter, blocks }
    }

    /// The volume after `edit` turned the old text into `new_text`. Blocks before the edit
    /// are reused as they are, blocks after it are reused shifted; only the blocks the edit
    /// touches are parsed again. The result is always equal to `Volume::parse(new_text)`.
    pub fn reparse(&self, new_text: &str, edit: Edit) -> Volume {
        let Some(plan) = self.reparse_plan(new_text, edit) else { return Volume::parse(new_text) };
        let (first, region_start) = plan;
        let delta = edit.new_len as isize - (edit.old_end - edit.start) as isize;
        let edit_new_end = edit.start + edit.new_len;
        let mut blocks: Vec<BlockRef> = self.blocks[..first].to_vec();
        let old_starts: Vec<u32> = self.blocks.iter().map(|b| b.start).collect();
        let resync = |boundary: usize| -> Option<usize> {
            if boundary <= edit_new_end {
                return None;
            }
            let old = (boundary as isize - delta) as usize;
            let j = old_starts.binary_search(&(old as u32)).ok()?;
            (j >= first && old > edit.old_end).then_some(j)
        };
        let rest = split_blocks(new_text, region_start, Some(&resync), &mut blocks);
        if let Some(j) = rest {
            blocks.extend(self.blocks[j..].iter().map(|b| BlockRef {
                start: (b.start as isize + delta) as u32,
                block: b.block.clone(),
            }));
        }
        Volume { front_matter: self.front_matter.clone(), blocks }
    }

    /// The first block to parse again and where it starts, or None when only a full parse
    /// is right (the edit touches the front matter, or could create or close one).
    fn reparse_plan(&self, new_text: &str, edit: Edit) -> Option<(usize, usize)> {
        match &self.front_matter {
            Some(f) if edit.start <= f.range.end() => return None,
            None if edit.start <= 4 || new_text.starts_with("---") => return None,
            _ => {}
        }
        if self.blocks.is_empty() {
            return None;
        }
        // The block holding the edit; and the one before when the edit touches the heading
        // line, which could turn into text and so merge the block into its predecessor.
        let holding = self.blocks.partition_point(|b| b.start() <= edit.start).saturating_sub(1);
        let b = &self.blocks[holding];
        let heading_end = b.block.heading.as_ref().map(|h| b.start() + h.line.end() + 1);
        let first = match heading_end {
            Some(end) if edit.start <= end => holding.saturating_sub(1),
            _ => holding,
        };
        Some((first, self.blocks[first].start()))
    }

    /// The index of the block that holds `offset` (a cursor at a block's end is in it).
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.start() <= offset);
        if i == 0 {
            return None;
        }
        Some(i - 1)
    }

    pub fn messages(&self) -> impl Iterator<Item = &BlockRef> {
        self.blocks.iter().filter(|b| b.block.kind == BlockKind::Message)
    }
}

/// Splits `text[from..]` into blocks appended to `out`. With `resync`, stops at the first
/// block boundary that it maps to an old block index, and returns that index.
fn split_blocks(
    text: &str,
    from: usize,
    resync: Option<&dyn Fn(usize) -> Option<usize>>,
    out: &mut Vec<BlockRef>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut boundaries = heading_starts(bytes, from).peekable();
    // Text before the first heading is a block of its own (the preamble); every other
    // block starts at a heading.
    if boundaries.peek() == Some(&from) {
        boundaries.next();
    }
    let mut start = from;
    while start < bytes.len() {
        let next = boundaries.next();
        let end = next.unwrap_or(bytes.len());
        out.push(BlockRef { start: start as u32, block: Arc::new(parse_block(&text[start..end])) });
        start = end;
        if let (Some(resync), Some(b)) = (resync, next) {
            if let Some(j) = resync(b) {
                return Some(j);
            }
        }
    }
    None
}

/// Offsets of the lines at or after `from` that open a `#` or `##` heading.
fn heading_starts(bytes: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'#', &bytes[from.min(bytes.len())..])
        .map(move |i| from + i)
        .filter(move |&p| (p == from || bytes[p - 1] == b'\n') && heading_level(&bytes[p..]).is_some())
}

/// YAML front matter: `---` on the first line, fields, and a closing `---` or `...`.
fn front_matter(text: &str) -> Option<FrontMatter> {
    let mut it = lines(text);
    let first = it.next()?;
    if first.slice(text) != "---" {
        return None;
    }
    let mut fields = Vec::new();
    for line in it {
        let s = line.slice(text);
        if s == "---" || s == "..." {
            let end = if text.as_bytes().get(line.end()) == Some(&b'\r') { line.end() + 2 } else { line.end() + 1 };
            return Some(FrontMatter { range: TextRange::new(0, end.min(text.len())), fields });
        }
        if let Some(colon) = s.find(':') {
            let key = &s[..colon];
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                let value = s[colon + 1..].trim();
                let value_start = line.start() + colon + 1 + (s[colon + 1..].len() - s[colon + 1..].trim_start().len());
                fields.push((
                    TextRange::new(line.start(), line.start() + colon),
                    TextRange::new(value_start, value_start + value.len()),
                ));
            }
        }
    }
    None
}

impl FrontMatter {
    /// The value of a field, unquoted.
    pub fn get<'t>(&self, text: &'t str, key: &str) -> Option<&'t str> {
        self.fields
            .iter()
            .find(|(k, _)| k.slice(text) == key)
            .map(|(_, v)| v.slice(text).trim_matches('"'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, start: usize, old_end: usize, insert: &str) -> (String, Edit) {
        let mut s = String::with_capacity(text.len() + insert.len());
        s.push_str(&text[..start]);
        s.push_str(insert);
        s.push_str(&text[old_end..]);
        (s, Edit { start, old_end, new_len: insert.len() })
    }

    const VOLUME: &str = "---\ntitle: T\n---\nIntro.\n\n# 1941\n\n## A\nid: a\n\nText.[^1]\n\n[^1]: Note.\n\n## B\nid: b\n\nMore text.\n";

    #[test]
    fn splits_front_matter_and_blocks() {
        let v = Volume::parse(VOLUME);
        let fm = v.front_matter.as_ref().unwrap();
        assert_eq!(fm.get(VOLUME, "title"), Some("T"));
        let kinds: Vec<_> = v.blocks.iter().map(|b| b.block.kind).collect();
        assert_eq!(kinds, [BlockKind::Preamble, BlockKind::Group, BlockKind::Message, BlockKind::Message]);
        assert_eq!(v.blocks[2].text(VOLUME), "## A\nid: a\n\nText.[^1]\n\n[^1]: Note.\n\n");
    }

    #[test]
    fn reparse_reuses_untouched_blocks() {
        let v = Volume::parse(VOLUME);
        let at = VOLUME.find("More").unwrap();
        let (new, edit) = apply(VOLUME, at, at + 4, "Less");
        let r = v.reparse(&new, edit);
        assert_eq!(r, Volume::parse(&new));
        assert!(Arc::ptr_eq(&r.blocks[0].block, &v.blocks[0].block));
        assert!(Arc::ptr_eq(&r.blocks[1].block, &v.blocks[1].block));
        // An edit in the first message reuses the second, shifted.
        let at = VOLUME.find("Text.").unwrap();
        let (new, edit) = apply(VOLUME, at, at, "New ");
        let r = v.reparse(&new, edit);
        assert_eq!(r, Volume::parse(&new));
        assert!(Arc::ptr_eq(&r.blocks[3].block, &v.blocks[3].block));
        assert_eq!(r.blocks[3].start, v.blocks[3].start + 4);
    }

    #[test]
    fn reparse_handles_headings_made_and_unmade() {
        let v = Volume::parse(VOLUME);
        for (needle, insert, del) in [("## B", "", 3), ("More", "## C\n", 0), ("Text.", "\n# 1942\n", 0), ("Intro", "## X\n", 0)] {
            let at = VOLUME.find(needle).unwrap();
            let (new, edit) = apply(VOLUME, at, at + del, insert);
            assert_eq!(v.reparse(&new, edit), Volume::parse(&new), "{needle:?} {insert:?}");
        }
    }

    #[test]
    fn no_front_matter_without_closing_line() {
        let v = Volume::parse("---\ntitle: T\n## A\n");
        assert!(v.front_matter.is_none());
        assert_eq!(v.blocks.len(), 2);
    }
}
