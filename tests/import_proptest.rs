//! The importer never panics, whatever the input and whichever convention is forced.

use apparatus::import::{detect_convention, import_text, import_volume, Convention};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "Sent on July 18, 1941",
    "July 18, 1941",
    "**",
    "[footnoteRef:1]",
    "[1:  ",
    "]",
    "[",
    "  1. ",
    "  2. ",
    "¹",
    "³",
    "-",
    "\n",
    "\n\n",
    "\r",
    "TO ",
    "FROM ",
    "FOR ",
    "STALIN",
    "Mr ",
    "PERSONAL AND SECRET",
    "[Enclosure]",
    "72",
    "Preface",
    "**Citation:**",
    "**Contents:**",
    "Ministers57",
    "The Secretary",
    "é",
    "М",
    "Telegram from A to B, 31 September 1945",
    "# ",
    "suc-",
    "ceed",
    " ",
    "\t",
    "Memorandum of Conversation",
    "740.00119 Council/12–2645",
];

fn convert_all(s: &str) {
    let _ = detect_convention(s);
    for c in Convention::ALL {
        let imp = import_text(s, c);
        assert!(imp.markdown.starts_with("---\n"));
    }
    let _ = import_volume(&[("a", s), ("b", s)], None, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text(s in "\\PC*") {
        convert_all(&s);
    }

    #[test]
    fn convention_fragments(parts in prop::collection::vec(prop::sample::select(PIECES), 0..60)) {
        convert_all(&parts.concat());
    }
}
