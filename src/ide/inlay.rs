//! Inlay hints: the ISO form after each date of the running text (`July 18, 1941` ›
//! `1941-07-18`), so that an editor checks dates at a glance.
use crate::analysis::{Corpus, FileId};
use crate::syntax::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint stands: right after the date.
    pub offset: usize,
    pub label: String,
}

/// The hints for the dates inside `range` of a file. Impossible dates and dates without a
/// year get none (the first have a diagnostic, the second no single ISO form).
pub fn iso_date_hints(corpus: &Corpus, file: FileId, range: TextRange) -> Vec<InlayHint> {
    let Some(f) = corpus.file(file) else { return Vec::new() };
    let first = f.volume.block_at(range.start()).unwrap_or(0);
    let mut out = Vec::new();
    for b in f.volume.blocks[first..].iter().take_while(|b| b.start() <= range.end()) {
        for d in &b.block.dates {
            let at = b.abs(d.range);
            if !range.intersects(at) && !range.touches(at.start()) {
                continue;
            }
            if let Some(ymd) = d.date.ymd() {
                out.push(InlayHint { offset: at.end(), label: ymd.iso() });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    #[test]
    fn iso_forms_after_dates_in_the_range() {
        let f = Fixture::parse("## A\nid: a\ndate: 1941-07-18\n\nOn 28.IX.45 and May 9 and 31 September 1944.\n\nJuly 18, 1941\n\n## B\nid: b\n\nMonday, September 11, 1944, 8:30 p.m.\n");
        let file = f.file("volume.md");
        let text = &f.corpus.file(file).unwrap().text;
        let all = iso_date_hints(&f.corpus, file, TextRange::new(0, text.len()));
        let shown: Vec<(&str, &str)> = all.iter().map(|h| (&text[h.offset - 4..h.offset], h.label.as_str())).collect();
        assert_eq!(shown, [("X.45", "1945-09-28"), ("1941", "1941-07-18"), ("p.m.", "1944-09-11")]);
        // Only the dates in the asked range.
        let second = text.find("## B").unwrap();
        let tail = iso_date_hints(&f.corpus, file, TextRange::new(second, text.len()));
        assert_eq!(tail.len(), 1);
        assert_eq!(tail[0].label, "1944-09-11");
    }
}
