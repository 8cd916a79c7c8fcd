//! Each convention on small inline fixtures: detection and every transformation.

use apparatus::import::{detect_convention, import_text, import_volume, Convention};

fn md(text: &str, c: Convention) -> String {
    import_text(text, c).markdown
}

const WORD: &str = "Note from I.M. Maisky to V.M. Molotov, dated 29 November 1945[footnoteRef:1] [1:  A handwritten inscription.] \n 29 November 1945\nText[footnoteRef:2] goes on. [2:  First paragraph.\nSecond paragraph [sic].] \n[signature] I. Maisky\n";

#[test]
fn word_export() {
    assert_eq!(detect_convention(WORD), Convention::WordExport);
    let out = md(WORD, Convention::WordExport);
    assert!(out.contains("\n## Note from I.M. Maisky to V.M. Molotov, dated 29 November 1945[^1]\nid: 1945-11-29-maisky-molotov\ndate: 1945-11-29\nfrom: maisky\nto: molotov\nkind: note\n\n29 November 1945\n\nText[^2] goes on.\n\n[signature] I. Maisky\n\n[^1]: A handwritten inscription.\n[^2]: First paragraph.\n    Second paragraph [sic].\n"), "{out}");
    assert!(!out.contains("footnoteRef"));
    // The front-matter title has no marker.
    assert!(out.starts_with(
        "---\ntitle: Note from I.M. Maisky to V.M. Molotov, dated 29 November 1945\n---\n"
    ));
}

#[test]
fn plain_telegram_title_line() {
    let t = "Telegram from Foreign Affairs of the USSR, V.M. Molotov to the Chairman, I.V. Stalin, 28 September 1945\n NOT IN ORDER\nAt the meeting on 27 September 27, I said.\n28.IX.45   MOLOTOV\n";
    assert_eq!(detect_convention(t), Convention::WordExport);
    let out = md(t, Convention::WordExport);
    assert!(out.contains("id: 1945-09-28-molotov-stalin\ndate: 1945-09-28\nfrom: molotov\nto: stalin\nkind: telegram\n"));
    // Defects of the source are the checker's business, not the importer's.
    assert!(out.contains("on 27 September 27, I said."));
    assert!(out.contains("\n28.IX.45   MOLOTOV\n"));
}

const FRUS: &str = "740.00119 Council/12–2645\n\nMemorandum of Conversation, by the Delegation11\n\nThe Secretary handed him a letter from the President.12\n\n[Page 681]\n\nThe Secretary of State, the First Secretary and Secretary Byrnes saw the Generalissimo about Iran13 with 1,500 troops.\n\n[Enclosure]\n\nPresident Truman to the Chairman (Stalin)\n\nDear Generalissimo: peace.\n\nH. S. Truman\n  1. Meeting held at the Kremlin, December 19, 1945, 8:30 p.m.\n  2. For the President’s letter, see enclosure.\n  3. See vol. viii.\n";

#[test]
fn frus_web() {
    assert_eq!(detect_convention(FRUS), Convention::FrusWeb);
    let imp = import_text(FRUS, Convention::FrusWeb);
    assert_eq!(imp.messages.len(), 2);
    let out = imp.markdown;
    assert!(out.contains("## Memorandum of Conversation, by the Delegation[^11]\nid: 1945-12-19-record-of-conversation\ndate: 1945-12-19\nkind: record of conversation\nsource: 740.00119 Council/12–2645\n"), "{out}");
    assert!(out.contains("[The Secretary](person:byrnes) handed him a letter from [the President](person:truman).[^12]"));
    assert!(out.contains("The Secretary of State, the First Secretary and Secretary Byrnes saw [the Generalissimo](person:stalin) about Iran[^13] with 1,500 troops."));
    assert!(out.contains("\n[Page 681]\n"));
    assert!(out.contains("[^11]: Meeting held at the Kremlin, December 19, 1945, 8:30 p.m.\n[^12]: For [the President](person:truman)’s letter, see enclosure.\n[^13]: See vol. viii.\n\n## President Truman"));
    assert!(out.contains("## President Truman to the Chairman (Stalin)\nid: 1945-12-19-record-of-conversation-enclosure\nfrom: truman\nto: stalin\nkind: letter\n\nDear Generalissimo: peace."));
    // `[Enclosure]` closes the covering record.
    assert!(out.contains("[Enclosure]\n\n[^11]"));
}

const WEB: &str = "\n\n**May 25, 1946**  \n**Memorandum from M. Litvinov to Stalin, 25 May  \n1946**\n\n**Citation:**\n\n\"Memorandum\", May 25, 1946, Wilson Center Digital Archive  \n<https://example.org/document/1>\n\n**Summary:**\n\nA summary.\n\n**Original Language:**\n\nRussian\n\n**Contents:**\n\nTranslation - English\n\nTO GENERAL SECRETARY  \nComrade J. V. STALIN\n\n[signed] M. LITVINOV\n";

#[test]
fn web_archive() {
    assert_eq!(detect_convention(WEB), Convention::WebArchive);
    let out = md(WEB, Convention::WebArchive);
    assert!(out.contains("## Memorandum from M. Litvinov to Stalin, 25 May 1946\nid: 1946-05-25-litvinov-stalin\ndate: 1946-05-25\nfrom: litvinov\nto: stalin\nkind: memorandum\nsource: \"Memorandum\", May 25, 1946, Wilson Center Digital Archive <https://example.org/document/1>\nlang: ru\n\nA summary.\n\nTranslation - English\n\nTO GENERAL SECRETARY  \nComrade J. V. STALIN\n\n[signed] M. LITVINOV\n"), "{out}");
}

const OCR: &str = "J. STALIN\nWORKS 17\n\nVOLUME\n\n17\n\nRED STAR PRESS LTD\n\n1986\n\nPreface\n\nThe editors.\n\nPERSONAL MESSAGE FROM STALIN TO Mr CHURCHILL\n\nAllow me to thank you in Moscow,³ for it.¹⁰¹\n\nJuly 18, 1941\n\nSent on August 4, 1941\n\nJ. V. STALIN TO F. ROOSEVELT\n\nThe U.S.S.R. attaches great importance. Pilots will suc-\n\n72\n\nceed in mastering them. I can\n\nsay the same.\n\n73\n\nSent on January 8, 1942\n\n**PERSONAL AND SECRET MESSAGE FROM PREMIER STALIN\nTO THE PRIME MINISTER, Mr CHURCHILL**\n\nThank you.\n\nJ. STALIN\n\nPERSONAL AND SECRET\n\nFROM PREMIER J. V. STALIN\n\nTO THE PRESIDENT, Mr ROOSEVELT\n\nShort.\n\nJanuary 20th, 1942\n";

#[test]
fn ocr_book() {
    assert_eq!(detect_convention(OCR), Convention::OcrBook);
    let imp = import_text(OCR, Convention::OcrBook);
    assert_eq!(imp.messages.len(), 4);
    let out = imp.markdown;
    // Title page and preface kept, page-like numbers of the title page untouched.
    assert!(out.contains("---\n\nJ. STALIN\nWORKS 17\n\nVOLUME\n\n17\n\nRED STAR PRESS LTD\n\n1986\n\nPreface\n\nThe editors.\n\n# 1941\n"), "{out}");
    // A closing date line closes the message before it; `Sent on` belongs to the next.
    assert!(out.contains("## PERSONAL MESSAGE FROM STALIN TO Mr CHURCHILL\nid: 1941-07-18-stalin-churchill\ndate: 1941-07-18\nfrom: stalin\nto: churchill\nkind: message\n\nAllow me to thank you in Moscow,[^3] for it.[^101]\n\nJuly 18, 1941\n\n## J. V. STALIN TO F. ROOSEVELT\nid: 1941-08-04-stalin-roosevelt\nsent: 1941-08-04\nfrom: stalin\nto: roosevelt\nkind: message\n\nSent on August 4, 1941\n\nThe U.S.S.R."));
    // Hyphenation across a page, page numbers, a paragraph split by a page break.
    assert!(out.contains("Pilots will succeed [Page 72] in mastering them. I can say the same.\n\n[Page 73]\n\n# 1942\n"));
    // A heading over two lines in bold; over three paragraphs.
    assert!(out.contains("## PERSONAL AND SECRET MESSAGE FROM PREMIER STALIN TO THE PRIME MINISTER, Mr CHURCHILL\nid: 1942-01-08-stalin-churchill\nsent: 1942-01-08\n"));
    assert!(out.contains("## PERSONAL AND SECRET FROM PREMIER J. V. STALIN TO THE PRESIDENT, Mr ROOSEVELT\nid: 1942-01-20-stalin-roosevelt\ndate: 1942-01-20\n"));
    // The signature stays in the body.
    assert!(out.contains("Thank you.\n\nJ. STALIN\n"));
}

#[test]
fn ocr_shuffled_page_is_reported_not_fixed() {
    let t = "Preface\n\nx\n\nSent on February 14, 1942\n\nJ. V. STALIN TO W. CHURCHILL\n\nThank you.\n\n73\n\nsettlement of Trieste.\n\nJune 8, 1945\n\nSent on March 14, 1942\n\nJ. V. STALIN TO W. CHURCHILL\n\nMore.\n";
    let imp = import_text(t, Convention::OcrBook);
    assert_eq!(imp.messages.len(), 2);
    assert_eq!(
        imp.messages[0].date, None,
        "a closing date after the sending date is not taken"
    );
    assert_eq!(imp.messages[0].sent.as_deref(), Some("1942-02-14"));
    assert!(
        imp.warnings.iter().any(|w| w.contains("1945-06-08")),
        "{:?}",
        imp.warnings
    );
    assert!(imp
        .markdown
        .contains("settlement of Trieste.\n\nJune 8, 1945\n"));
}

#[test]
fn churchill_quoted_as_his_own_message() {
    let t = "Preface\n\nx\n\n**PERSONAL AND MOST SECRET MESSAGE\nFROM Mr CHURCHILL TO MARSHAL STALIN**\n\nYugoslavia.\n\nJanuary 16th, 1945\n\nTO Mr WINSTON CHURCHILL\n\nGreetings.\n";
    let imp = import_text(t, Convention::OcrBook);
    assert_eq!(imp.messages[0].from, vec!["churchill".to_string()]);
    assert_eq!(imp.messages[0].to, vec!["stalin".to_string()]);
    assert_eq!(imp.messages[0].date.as_deref(), Some("1945-01-16"));
    // A heading naming only the addressee: the book's author wrote it.
    assert_eq!(imp.messages[1].from, vec!["stalin".to_string()]);
}

#[test]
fn plain_fallback_and_volume() {
    let t = "Some title\n\n# not a heading\nText.\n";
    assert_eq!(detect_convention(t), Convention::Plain);
    let out = md(t, Convention::Plain);
    assert!(
        out.contains("## Some title\nid: message\n\n\\# not a heading\nText.\n"),
        "{out}"
    );
    let vol = import_volume(&[("a", WORD), ("b", WEB)], Some("Two"), None);
    assert!(vol.starts_with("---\ntitle: Two\n---\n"));
    assert_eq!(vol.matches("\n## ").count(), 2);
    assert!(vol.find("maisky-molotov") < vol.find("litvinov-stalin"));
}

#[test]
fn crlf_and_bom() {
    let t = format!("\u{feff}{}", WORD.replace('\n', "\r\n"));
    assert_eq!(
        md(&t, Convention::WordExport),
        md(WORD, Convention::WordExport)
    );
}

#[test]
fn ocr_two_date_lines_in_a_row() {
    let t = "Preface\n\nx\n\nMESSAGE TO PRESIDENT ROOSEVELT FROM MARSHAL STALIN AND PRIME MINISTER CHURCHILL\n\nText.\n\nCHURCHILL\nSTALIN\n\nOctober 10, 1944\n\nOctober 12, 1944\n\nTO THE PRIME MINISTER, Mr CHURCHILL\n\nDear Mr Churchill,\n";
    let imp = import_text(t, Convention::OcrBook);
    assert_eq!(imp.messages[0].date.as_deref(), Some("1944-10-10"));
    assert_eq!(
        imp.messages[0].from,
        vec!["stalin".to_string(), "churchill".to_string()]
    );
    assert_eq!(imp.messages[1].date, None);
    assert!(imp.warnings.iter().any(|w| w.contains("1944-10-12")));
    assert!(imp
        .markdown
        .contains("October 10, 1944\n\nOctober 12, 1944\n\n## TO THE PRIME MINISTER"));
}
