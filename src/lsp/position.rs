//! Byte offsets <-> LSP positions, in the negotiated position encoding.
//!
//! Everything below the lsp layer speaks byte offsets into the document's UTF-8 text.
//! An LSP `Position` is a zero-based line and a column counted in code units of the
//! negotiated encoding (UTF-8 bytes or UTF-16 units). Lines are broken by LF, CR and
//! CRLF only: the rope is built with ropey's `cr_lines` feature and without
//! `unicode_lines`, which is how LSP clients count lines.
//!
//! All conversions are total: an out-of-range input is clamped, never a panic.
//! - a column past the end of its line is the end of that line's content (before
//!   the line break);
//! - a line past the last line is the end of the document;
//! - a column or offset inside a character (a UTF-16 surrogate pair, a multi-byte
//!   UTF-8 sequence) is moved back to the start of that character;
//! - an offset between the CR and LF of a CRLF is moved back to the CR.

use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// The position encoding negotiated with the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Columns count UTF-8 bytes.
    Utf8,
    /// Columns count UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

impl Encoding {
    /// Chooses UTF-8 when the client offers it, else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Byte length of the line break at the end of `line` (0, 1 for LF or CR, 2 for CRLF).
fn line_break_len(line: RopeSlice<'_>) -> usize {
    let n = line.len_bytes();
    if n == 0 {
        return 0;
    }
    match line.byte(n - 1) {
        b'\n' => {
            if n >= 2 && line.byte(n - 2) == b'\r' {
                2
            } else {
                1
            }
        }
        b'\r' => 1,
        _ => 0,
    }
}

/// Byte offsets of the start and of the content end (before the break) of `line`.
/// `line` must be `< rope.len_lines()`.
fn line_bounds(rope: &Rope, line: usize) -> (usize, usize) {
    let start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let end = start + slice.len_bytes() - line_break_len(slice);
    (start, end)
}

/// Clamps `offset` into the document and back to the start of the character it falls in.
pub fn clamp_offset(rope: &Rope, offset: usize) -> usize {
    let offset = offset.min(rope.len_bytes());
    // byte_to_char returns the char containing the byte; its start is a boundary.
    rope.char_to_byte(rope.byte_to_char(offset))
}

/// The LSP position of byte `offset`.
pub fn offset_to_position(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = clamp_offset(rope, offset);
    let line = rope.byte_to_line(offset);
    let (start, end) = line_bounds(rope, line);
    // Inside the line break (between CR and LF): the end of the line's content.
    let offset = offset.min(end);
    let character = match enc {
        Encoding::Utf8 => offset - start,
        Encoding::Utf16 => {
            rope.char_to_utf16_cu(rope.byte_to_char(offset))
                - rope.char_to_utf16_cu(rope.byte_to_char(start))
        }
    };
    Position::new(to_u32(line), to_u32(character))
}

/// The byte offset of LSP position `pos`, clamped as described in the module docs.
pub fn position_to_offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let (start, end) = line_bounds(rope, line);
    let character = pos.character as usize;
    match enc {
        Encoding::Utf8 => clamp_offset(rope, start.saturating_add(character).min(end)),
        Encoding::Utf16 => {
            let cu_start = rope.char_to_utf16_cu(rope.byte_to_char(start));
            let cu_end = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let cu = cu_start.saturating_add(character).min(cu_end);
            // utf16_cu_to_char maps the second half of a surrogate pair to its char.
            rope.char_to_byte(rope.utf16_cu_to_char(cu))
        }
    }
}

/// The LSP range of the byte range `start..end`.
pub fn range_to_lsp(rope: &Rope, range: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range::new(
        offset_to_position(rope, range.start, enc),
        offset_to_position(rope, range.end.max(range.start), enc),
    )
}

/// The byte range of an LSP range; a reversed range is put in order.
pub fn range_from_lsp(rope: &Rope, range: Range, enc: Encoding) -> std::ops::Range<usize> {
    let a = position_to_offset(rope, range.start, enc);
    let b = position_to_offset(rope, range.end, enc);
    a.min(b)..a.max(b)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// Every char boundary maps to a position and back to itself, in both encodings.
    fn roundtrip_all(text: &str) {
        let rope = Rope::from_str(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                // Offsets between CR and LF are not round-trippable (moved to the CR).
                if i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n') {
                    continue;
                }
                let pos = offset_to_position(&rope, i, enc);
                assert_eq!(position_to_offset(&rope, pos, enc), i, "{enc:?} {text:?} at {i} -> {pos:?}");
            }
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16, PositionEncodingKind::UTF8])),
            Encoding::Utf8
        );
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])), Encoding::Utf16);
    }

    #[test]
    fn empty_document() {
        let rope = Rope::from_str("");
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(offset_to_position(&rope, 0, enc), p(0, 0));
            assert_eq!(offset_to_position(&rope, 99, enc), p(0, 0));
            assert_eq!(position_to_offset(&rope, p(0, 0), enc), 0);
            assert_eq!(position_to_offset(&rope, p(0, 5), enc), 0);
            assert_eq!(position_to_offset(&rope, p(7, 5), enc), 0);
        }
    }

    #[test]
    fn emoji_astral() {
        // "a😀b": 😀 is 4 bytes, 2 UTF-16 units.
        let text = "a😀b\n";
        let rope = Rope::from_str(text);
        assert_eq!(offset_to_position(&rope, 5, Encoding::Utf8), p(0, 5));
        assert_eq!(offset_to_position(&rope, 5, Encoding::Utf16), p(0, 3));
        assert_eq!(position_to_offset(&rope, p(0, 3), Encoding::Utf16), 5);
        // Inside the surrogate pair -> start of the emoji.
        assert_eq!(position_to_offset(&rope, p(0, 2), Encoding::Utf16), 1);
        // Inside the UTF-8 sequence -> start of the emoji.
        for c in 2..5 {
            assert_eq!(position_to_offset(&rope, p(0, c), Encoding::Utf8), 1);
        }
        // Offsets inside the emoji -> its start.
        for o in 2..5 {
            assert_eq!(offset_to_position(&rope, o, Encoding::Utf16), p(0, 1));
            assert_eq!(offset_to_position(&rope, o, Encoding::Utf8), p(0, 1));
        }
        roundtrip_all(text);
    }

    #[test]
    fn cyrillic() {
        // Each Cyrillic letter: 2 bytes, 1 UTF-16 unit.
        let text = "Майский\nМолотов";
        let rope = Rope::from_str(text);
        let mol = text.find("Молотов").unwrap();
        assert_eq!(offset_to_position(&rope, mol + 4, Encoding::Utf16), p(1, 2));
        assert_eq!(offset_to_position(&rope, mol + 4, Encoding::Utf8), p(1, 4));
        assert_eq!(position_to_offset(&rope, p(0, 7), Encoding::Utf16), 14);
        assert_eq!(position_to_offset(&rope, p(0, 7), Encoding::Utf8), 7 - 1); // mid-char -> back
        roundtrip_all(text);
    }

    #[test]
    fn combining_marks_are_separate_code_points() {
        // "é" as e + U+0301 (2 bytes, 1 unit): columns count code units, not graphemes.
        let text = "Cafe\u{301} X";
        let rope = Rope::from_str(text);
        let x = text.find('X').unwrap();
        assert_eq!(offset_to_position(&rope, x, Encoding::Utf16), p(0, 6));
        assert_eq!(offset_to_position(&rope, x, Encoding::Utf8), p(0, 7));
        // Between the base letter and its mark is a valid position.
        assert_eq!(position_to_offset(&rope, p(0, 4), Encoding::Utf16), 4);
        roundtrip_all(text);
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = "ab\r\ncd\ref\ngh";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 4);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(offset_to_position(&rope, 2, enc), p(0, 2)); // the CR
            assert_eq!(offset_to_position(&rope, 3, enc), p(0, 2)); // between CR and LF
            assert_eq!(offset_to_position(&rope, 4, enc), p(1, 0));
            assert_eq!(offset_to_position(&rope, 7, enc), p(2, 0)); // after lone CR
            assert_eq!(offset_to_position(&rope, 10, enc), p(3, 0));
            // Past the line's end -> before its break.
            assert_eq!(position_to_offset(&rope, p(0, 9), enc), 2);
            assert_eq!(position_to_offset(&rope, p(1, 9), enc), 6);
            // Past the last line -> end of document.
            assert_eq!(position_to_offset(&rope, p(9, 0), enc), text.len());
            assert_eq!(position_to_offset(&rope, p(3, 99), enc), text.len());
        }
        roundtrip_all(text);
    }

    #[test]
    fn unicode_line_separators_do_not_break_lines() {
        // U+2028, U+0085 and form feed are not LSP line breaks.
        let text = "a\u{2028}b\u{85}c\u{c}d\ne";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 2);
        assert_eq!(offset_to_position(&rope, text.find('e').unwrap(), Encoding::Utf16), p(1, 0));
        roundtrip_all(text);
    }

    #[test]
    fn trailing_newline_has_an_empty_last_line() {
        let rope = Rope::from_str("x\n");
        assert_eq!(offset_to_position(&rope, 2, Encoding::Utf16), p(1, 0));
        assert_eq!(position_to_offset(&rope, p(1, 0), Encoding::Utf16), 2);
        assert_eq!(position_to_offset(&rope, p(1, 3), Encoding::Utf8), 2);
    }

    #[test]
    fn ranges() {
        let text = "Сталин 😀\r\nЧерчилль";
        let rope = Rope::from_str(text);
        let r = range_to_lsp(&rope, 0..text.len(), Encoding::Utf16);
        assert_eq!(r, Range::new(p(0, 0), p(1, 8)));
        assert_eq!(range_from_lsp(&rope, r, Encoding::Utf16), 0..text.len());
        // Reversed ranges are ordered.
        let rev = Range::new(p(1, 8), p(0, 0));
        assert_eq!(range_from_lsp(&rope, rev, Encoding::Utf16), 0..text.len());
        roundtrip_all(text);
    }

    #[test]
    fn mixed_stress_roundtrip() {
        roundtrip_all("x😀\r\n\r\n\rЖ\u{301}𝄞\n\n🇺🇸 end\r");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Text from pieces that stress the conversions.
        fn text() -> impl Strategy<Value = String> {
            let piece = prop::sample::select(vec![
                "a", "Ж", "😀", "\n", "\r", "\r\n", "\u{301}", "\u{2028}", " ", "𝄞", "é",
            ]);
            prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn any_position_maps_to_a_char_boundary_and_is_stable(
                t in text(), line in 0u32..50, character in 0u32..80, utf8 in any::<bool>()
            ) {
                let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
                let rope = Rope::from_str(&t);
                let off = position_to_offset(&rope, Position::new(line, character), enc);
                prop_assert!(t.is_char_boundary(off));
                // The clamped position maps back to the same offset.
                let pos = offset_to_position(&rope, off, enc);
                prop_assert_eq!(position_to_offset(&rope, pos, enc), off);
            }

            #[test]
            fn any_offset_gives_a_valid_position(t in text(), off in 0usize..200, utf8 in any::<bool>()) {
                let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
                let rope = Rope::from_str(&t);
                let pos = offset_to_position(&rope, off, enc);
                prop_assert!((pos.line as usize) < rope.len_lines());
                let back = position_to_offset(&rope, pos, enc);
                prop_assert!(back <= off.min(t.len()));
            }
        }
    }
}
