//! Property tests of the syntax layer: it never panics, and an incremental re-parse is
//! always equal to a full parse of the edited text.
use apparatus::syntax::volume::Edit;
use apparatus::syntax::Volume;
use proptest::prelude::*;

/// Text built from the format's own pieces, so that edits make and unmake headings,
/// notes, front matter and links far more often than random characters would.
fn volume_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("## Title\n".to_string()),
        Just("# Group\n".to_string()),
        Just("id: a\n".to_string()),
        Just("---\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("[^1]: note\n    more\n".to_string()),
        Just("text[^1] [x](person:y) [Page 3] М.М. Narinskii ³ Iran60 suc-\n\nceed\n".to_string()),
        "[a-z#\\[\\]^:() \n-]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_any_text(s in "\\PC*") {
        let _ = Volume::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_any_bytes(b in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Volume::parse(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn reparse_equals_full_parse(text in volume_text(), a in 0usize..2000, len in 0usize..40, insert in volume_text()) {
        let start = char_boundary(&text, a);
        let old_end = char_boundary(&text, start + len).max(start);
        let new_text = format!("{}{}{}", &text[..start], insert, &text[old_end..]);
        let old = Volume::parse(&text);
        let edit = Edit { start, old_end, new_len: insert.len() };
        prop_assert_eq!(old.reparse(&new_text, edit), Volume::parse(&new_text));
    }
}
