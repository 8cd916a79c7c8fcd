//! End-to-end tests of the editor features over stdio, on the bundled corpus: diagnostics,
//! hover, definition, references, outline and workspace symbols, each against exact
//! expected results; and positions with emoji, Cyrillic, combining marks and CRLF in both
//! encodings.
mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use support::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

fn uri_of(name: &str) -> String {
    format!("file://{}/{name}", CORPUS)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(CORPUS).join(name)).unwrap()
}

/// A result with the checkout's location replaced, so that snapshots hold on any machine.
fn portable(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap().replace(&format!("file://{CORPUS}/"), "corpus/")
}

fn start(utf8: bool) -> Client {
    let mut c = Client::spawn(&[]);
    let mut caps = json!({"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}});
    if utf8 {
        caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    c.initialize(caps, json!({"rootUri": format!("file://{CORPUS}")}));
    c
}

fn at(uri: &str, text: &str, offset: usize, utf16: bool) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position_of(text, offset, utf16)})
}

fn publication<'a>(uri: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

#[test]
fn diagnostics_of_closed_files_at_start_up_equal_the_checker() {
    let mut c = start(false);
    let uri = uri_of("red-star-war-telegrams.md");
    let published = c.wait_for("Red Star diagnostics", publication(&uri));
    let mut got: Vec<(u64, u64, String)> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["range"]["start"]["character"].as_u64().unwrap(), d["code"].as_str().unwrap().to_string()))
        .collect();
    // The checker's JSON counts UTF-16 units too: the two must agree exactly.
    let out = Command::new(env!("CARGO_BIN_EXE_apparatus"))
        .args(["check", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let checked: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut want: Vec<(u64, u64, String)> = checked
        .iter()
        .filter(|d| d["path"] == "corpus/red-star-war-telegrams.md")
        .map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["range"]["start"]["character"].as_u64().unwrap(), d["code"].as_str().unwrap().to_string()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got.len(), 26);
    assert_eq!(got, want);
    let lost = got.iter().filter(|d| d.2 == "footnote-undefined").count();
    assert_eq!(lost, 23, "the lost OCR footnotes");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn hover_definition_references_on_the_us_record() {
    let mut c = start(false);
    let name = "frus-1945-moscow.md";
    let uri = uri_of(name);
    let text = read(name);
    c.open(&uri, &text);
    // An open volume without problems gets an empty publication for its version.
    let p = c.wait_for("FRUS diagnostics", |m| publication(&uri)(m) && m["params"]["version"] == 1);
    assert_eq!(p["params"]["diagnostics"], json!([]));

    // Hover on a person's name: the register card.
    let byrnes = text.find("Mr. Byrnes").unwrap() + 4;
    let hover = c.call("textDocument/hover", at(&uri, &text, byrnes + 2, true));
    expect_test::expect![[r#"
        **Byrnes, James Francis** (1882-05-02 – 1972-04-09)

        Secretary of State of the United States, July 1945 – January 1947

        American Democratic politician, senator, justice of the Supreme Court and Director of War Mobilization before becoming Secretary of State. He attended Yalta with Roosevelt and Potsdam with Truman, and led the US delegation at the London (September–October 1945) and Moscow (December 1945) conferences of foreign ministers.

        Mentions: 29 in this volume, 43 in the corpus · id `byrnes`"#]]
    .assert_eq(hover["contents"]["value"].as_str().unwrap());
    assert_eq!(hover["range"]["start"], position_of(&text, byrnes, true));
    assert_eq!(hover["range"]["end"], position_of(&text, byrnes + "Byrnes".len(), true));

    // Definition on the marker in the heading lands on its note, and back.
    let marker = text.find("[^57]").unwrap();
    let def = c.call("textDocument/definition", at(&uri, &text, marker + 2, true));
    let note = text.find("[^57]:").unwrap();
    assert_eq!(def, json!([{"uri": uri, "range": {"start": position_of(&text, note, true), "end": position_of(&text, note + 5, true)}}]));
    let back = c.call("textDocument/definition", at(&uri, &text, note + 1, true));
    assert_eq!(back[0]["range"]["start"], position_of(&text, marker, true));

    // Definition on an explicitly linked generic form lands on the register entry.
    let secretary = text.find("[The Secretary](person:byrnes)").unwrap() + 3;
    let def = c.call("textDocument/definition", at(&uri, &text, secretary, true));
    let persons = read("persons.md");
    let entry = persons.find("## Byrnes, James Francis").unwrap() + 3;
    assert_eq!(portable(&def[0]["uri"]), "\"corpus/persons.md\"");
    assert_eq!(def[0]["range"]["start"], position_of(&persons, entry, true));

    // References: every mention of Byrnes in the corpus, and his register entry.
    let mut refs = at(&uri, &text, byrnes, true);
    refs["context"] = json!({"includeDeclaration": true});
    let found = c.call("textDocument/references", refs);
    let mut per_file: std::collections::BTreeMap<String, usize> = Default::default();
    for l in found.as_array().unwrap() {
        *per_file.entry(portable(&l["uri"])).or_default() += 1;
    }
    expect_test::expect![[r#"
        {
            "\"corpus/frus-1945-moscow.md\"": 29,
            "\"corpus/persons.md\"": 1,
            "\"corpus/red-star-war-telegrams.md\"": 4,
            "\"corpus/soviet-memoranda-1945-1946.md\"": 10,
        }
    "#]]
    .assert_debug_eq(&per_file);
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn outline_lists_every_message_and_workspace_symbols_find_them() {
    let mut c = start(false);
    let name = "red-star-war-telegrams.md";
    let uri = uri_of(name);
    let text = read(name);
    c.open(&uri, &text);
    let symbols = c.call("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let groups = symbols.as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["1941", "1942", "1943", "1944", "1945"]);
    let messages: usize = groups.iter().map(|g| g["children"].as_array().unwrap().len()).sum();
    let headings = text.lines().filter(|l| l.starts_with("## ")).count();
    assert_eq!(messages, headings);
    assert_eq!(messages, 371);
    let first = &groups[0]["children"][0];
    expect_test::expect![[r#"
        {
          "detail": "1941-07-18 · stalin → churchill",
          "kind": 24,
          "name": "PERSONAL MESSAGE FROM STALIN TO Mr CHURCHILL",
          "range": {
            "end": {
              "character": 0,
              "line": 71
            },
            "start": {
              "character": 0,
              "line": 50
            }
          },
          "selectionRange": {
            "end": {
              "character": 47,
              "line": 50
            },
            "start": {
              "character": 3,
              "line": 50
            }
          }
        }"#]]
    .assert_eq(&portable(first));

    let found = c.call("workspace/symbol", json!({"query": "Maisky"}));
    assert_eq!(found[0]["name"], "Maisky, Ivan Mikhailovich");
    assert_eq!(portable(&found[0]["location"]["uri"]), "\"corpus/persons.md\"");
    let found = c.call("workspace/symbol", json!({"query": "1945-12-19"}));
    assert_eq!(found[0]["name"], "Memorandum of Conversation, by the United States Delegation at the Moscow Conference of Foreign Ministers[^57]");
    assert!(c.shutdown_and_exit().success());
}

/// A scratch volume inside the corpus (never written to disk), with astral characters,
/// Cyrillic, combining marks and CRLF line ends.
const SCRATCH: &str = "## 😀 Письмо e\u{301}\r\nid: scratch-positions\r\n\r\n😀 Пример e\u{301} Mr. Byrnes said.[^1] Ста\u{301}лин 😀[^2]\r\n\r\n[^1]: A note.\r\n";

fn positions(utf8: bool) {
    let mut c = start(utf8);
    let utf16 = !utf8;
    let uri = uri_of("scratch-positions.md");
    c.open(&uri, SCRATCH);
    // The undefined marker after the emoji: its published range, in the negotiated units.
    let p = c.wait_for("scratch diagnostics", |m| publication(&uri)(m) && m["params"]["version"] == 1);
    let marker = SCRATCH.find("[^2]").unwrap();
    let d = &p["params"]["diagnostics"][0];
    assert_eq!(d["code"], "footnote-undefined");
    assert_eq!(d["range"]["start"], position_of(SCRATCH, marker, utf16));
    assert_eq!(d["range"]["end"], position_of(SCRATCH, marker + 4, utf16));
    // Hover on the name after emoji, Cyrillic and a combining mark.
    let byrnes = SCRATCH.find("Byrnes").unwrap();
    let hover = c.call("textDocument/hover", at(&uri, SCRATCH, byrnes + 3, utf16));
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("**Byrnes, James Francis**"));
    assert_eq!(hover["range"]["start"], position_of(SCRATCH, byrnes, utf16));
    assert_eq!(hover["range"]["end"], position_of(SCRATCH, byrnes + 6, utf16));
    // Definition from the marker to the note on a CRLF line further down.
    let one = SCRATCH.find("[^1]").unwrap();
    let note = SCRATCH.find("[^1]:").unwrap();
    let def = c.call("textDocument/definition", at(&uri, SCRATCH, one + 1, utf16));
    assert_eq!(def[0]["range"]["start"], position_of(SCRATCH, note, utf16));
    assert_eq!(def[0]["range"]["end"], position_of(SCRATCH, note + 4, utf16));
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn positions_with_emoji_cyrillic_combining_marks_and_crlf_utf16() {
    positions(false);
}

#[test]
fn positions_with_emoji_cyrillic_combining_marks_and_crlf_utf8() {
    positions(true);
}

#[test]
fn editing_the_register_changes_hovers_at_once() {
    let mut c = start(false);
    let persons_uri = uri_of("persons.md");
    let persons = read("persons.md");
    c.open(&persons_uri, &persons);
    let name = "frus-1945-moscow.md";
    let uri = uri_of(name);
    let text = read(name);
    c.open(&uri, &text);
    let at_pavlov = at(&uri, &text, text.find("Mr. Pavlov").unwrap() + 5, true);
    let before = c.call("textDocument/hover", at_pavlov.clone());
    assert!(before["contents"]["value"].as_str().unwrap().contains("Pavlov"));
    // Rename the display form in the register (an unsaved edit): the hover follows.
    let heading = persons.find("## Pavlov").unwrap();
    let line_end = heading + persons[heading..].find('\n').unwrap();
    let edited = format!("{}## Pavlov, the interpreter{}", &persons[..heading], &persons[line_end..]);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": persons_uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let after = c.call("textDocument/hover", at_pavlov);
    assert!(after["contents"]["value"].as_str().unwrap().starts_with("**Pavlov, the interpreter**"), "{after}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn inlay_hints_give_the_iso_form_of_dates_unless_turned_off() {
    let mut c = start(false);
    let name = "frus-1945-moscow.md";
    let uri = uri_of(name);
    let text = read(name);
    c.open(&uri, &text);
    let end = position_of(&text, text.len(), true);
    let hints = c.call("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": end}}));
    let meeting = "December 19, 1945, 8:30 p.m.";
    let at = text.find(meeting).unwrap() + meeting.len();
    let hint = hints.as_array().unwrap().iter().find(|h| h["label"] == "1945-12-19").expect("hint for the meeting date");
    assert_eq!(hint["position"], position_of(&text, at, true));
    assert!(c.shutdown_and_exit().success());

    let mut c = Client::spawn(&[]);
    let result = c.initialize(json!({}), json!({"initializationOptions": {"inlayHints": {"isoDates": false}}}));
    assert_eq!(result["capabilities"]["inlayHintProvider"], Value::Null);
    assert!(c.shutdown_and_exit().success());
}
