//! Byte ranges. `u32` keeps the trees small: a volume is far below 4 GiB.
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        debug_assert!(start <= end);
        TextRange { start: start as u32, end: end as u32 }
    }
    pub fn empty(at: usize) -> TextRange {
        TextRange::new(at, at)
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
    /// The range moved right by `by` bytes: from block-relative to absolute.
    pub fn shift(self, by: usize) -> TextRange {
        TextRange::new(self.start() + by, self.end() + by)
    }
    /// Whether `offset` is inside the range, its end included (a cursor right after a word is on it).
    pub fn touches(self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }
    pub fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
    /// The text of the range, or "" if the range does not fit `text` (never panics).
    pub fn slice(self, text: &str) -> &str {
        text.get(self.as_range()).unwrap_or("")
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> TextRange {
        TextRange::new(r.start, r.end.max(r.start))
    }
}
