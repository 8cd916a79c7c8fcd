//! Letter scripts, for the homoglyph check: a Cyrillic letter inside a Latin word looks
//! right on screen but breaks search, sorting and name matching.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Script {
    Latin,
    Cyrillic,
    Other,
}

impl Script {
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Cyrillic => "Cyrillic",
            Script::Other => "other",
        }
    }
}

pub fn script(c: char) -> Script {
    match c {
        // Transliteration marks for the soft and hard signs (`obꞌedinenie`) belong to no script.
        '\u{A78B}' | '\u{A78C}' | 'ʹ' | 'ʺ' => Script::Other,
        'A'..='Z' | 'a'..='z' => Script::Latin,
        // Latin-1 letters, Latin Extended-A/B, IPA, Latin Extended Additional and -D
        // (the saltillo `ꞌ` of transliterations lives there).
        '\u{C0}'..='\u{24F}' if c.is_alphabetic() => Script::Latin,
        '\u{1E00}'..='\u{1EFF}' | '\u{A720}'..='\u{A7FF}' if c.is_alphabetic() => Script::Latin,
        '\u{400}'..='\u{52F}' if c.is_alphabetic() => Script::Cyrillic,
        _ => Script::Other,
    }
}

/// Letters of one script that are drawn like a letter of the other, and the one they imitate.
pub fn lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic that looks Latin.
        'А' => 'A', 'В' => 'B', 'Е' => 'E', 'К' => 'K', 'М' => 'M', 'Н' => 'H', 'О' => 'O',
        'Р' => 'P', 'С' => 'C', 'Т' => 'T', 'Х' => 'X', 'І' => 'I', 'Ј' => 'J', 'Ѕ' => 'S',
        'а' => 'a', 'е' => 'e', 'о' => 'o', 'р' => 'p', 'с' => 'c', 'у' => 'y', 'х' => 'x',
        'і' => 'i', 'ј' => 'j', 'ѕ' => 's',
        // Latin that looks Cyrillic.
        'A' => 'А', 'B' => 'В', 'E' => 'Е', 'K' => 'К', 'M' => 'М', 'H' => 'Н', 'O' => 'О',
        'P' => 'Р', 'C' => 'С', 'T' => 'Т', 'X' => 'Х', 'I' => 'І', 'J' => 'Ј', 'S' => 'Ѕ',
        'a' => 'а', 'e' => 'е', 'o' => 'о', 'p' => 'р', 'c' => 'с', 'y' => 'у', 'x' => 'х',
        'i' => 'і', 'j' => 'ј', 's' => 'ѕ',
        _ => return None,
    })
}

/// Whether the text holds any Cyrillic letter at all: the fast path of the check, since
/// most of an English edition has none. Cyrillic's UTF-8 lead bytes are 0xD0–0xD4.
pub fn may_hold_cyrillic(text: &[u8]) -> bool {
    // A branch-free fold over chunks vectorises; `any` with its early exit does not.
    text.chunks(64).any(|chunk| chunk.iter().fold(false, |acc, &b| acc | (b.wrapping_sub(0xD0) < 5)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_letters() {
        assert_eq!(script('M'), Script::Latin);
        assert_eq!(script('М'), Script::Cyrillic);
        assert_eq!(script('í'), Script::Latin);
        assert_eq!(script('ꞌ'), Script::Other);
        assert_eq!(script('№'), Script::Other);
        assert_eq!(script('г'), Script::Cyrillic);
        assert_eq!(lookalike('М'), Some('M'));
        assert_eq!(lookalike('г'), None);
        assert!(may_hold_cyrillic("I.М. Maiskii".as_bytes()));
        assert!(!may_hold_cyrillic("Negrín – ‘From’".as_bytes()));
    }
}
