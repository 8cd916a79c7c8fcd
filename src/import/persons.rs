//! The persons the importer names in `from:`/`to:`: exactly the ids of the register.

/// Surname (as printed, any case) → register id.
const SURNAMES: [(&str, &str); 10] = [
    ("stalin", "stalin"),
    ("churchill", "churchill"),
    ("roosevelt", "roosevelt"),
    ("truman", "truman"),
    ("attlee", "attlee"),
    ("molotov", "molotov"),
    ("maisky", "maisky"),
    ("maiskii", "maisky"),
    ("litvinov", "litvinov"),
    ("byrnes", "byrnes"),
];

pub fn person_id(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    SURNAMES.iter().find(|(s, _)| *s == w).map(|(_, id)| *id)
}

/// Who writes to whom, read from a title or heading: words after `from` are senders, after
/// `to` (and, in headings, `for`) recipients; a name before any of them is the sender
/// (`J. V. STALIN TO F. ROOSEVELT`). `for_is_to`: only in telegram headings, where `FOR` names
/// the addressee; in prose titles it does not (`Commissar for Foreign Affairs`).
pub fn from_to(title: &str, for_is_to: bool) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut from = Vec::new();
    let mut to = Vec::new();
    // 0: before any keyword, 1: from, 2: to.
    let mut state = 0;
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while i < words.len() {
        let lw = words[i].to_lowercase();
        let next = |k: usize| {
            words
                .get(i + k)
                .map(|w| w.to_lowercase())
                .unwrap_or_default()
        };
        if lw == "to" && next(1) == "message" && next(2) == "from" {
            // `REPLY … TO MESSAGE FROM PRESIDENT ROOSEVELT`: Roosevelt is the addressee.
            state = 2;
            i += 3;
            continue;
        }
        if lw == "from" {
            state = 1;
        } else if lw == "to" || (for_is_to && lw == "for") {
            state = 2;
        } else if let Some(id) = person_id(words[i]) {
            let list = if state == 2 { &mut to } else { &mut from };
            if !list.contains(&id) {
                list.push(id);
            }
        }
        i += 1;
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(
            from_to("J. V. STALIN TO F. ROOSEVELT", true),
            (vec!["stalin"], vec!["roosevelt"])
        );
        assert_eq!(
            from_to(
                "REPLY FROM PREMIER STALIN TO MESSAGE FROM PRESIDENT ROOSEVELT",
                true
            ),
            (vec!["stalin"], vec!["roosevelt"])
        );
        assert_eq!(
            from_to(
                "MESSAGE TO PRESIDENT ROOSEVELT FROM MARSHAL STALIN AND PRIME MINISTER CHURCHILL",
                true
            ),
            (vec!["stalin", "churchill"], vec!["roosevelt"])
        );
        assert_eq!(
            from_to("TO PRESIDENT ROOSEVELT FROM PREMIER STALIN", true),
            (vec!["stalin"], vec!["roosevelt"])
        );
        assert_eq!(
            from_to(
                "PERSONAL AND MOST SECRET MESSAGE FOR MARSHAL STALIN FROM Mr CHURCHILL",
                true
            ),
            (vec!["churchill"], vec!["stalin"])
        );
        assert_eq!(
            from_to("Note from the Deputy People's Commissar for Foreign Affairs of the USSR, I.M. Maisky, to the People's Commissar for Foreign Affairs of the USSR, V.M. Molotov", false),
            (vec!["maisky"], vec!["molotov"])
        );
    }
}
