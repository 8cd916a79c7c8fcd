//! End-to-end tests of `apparatus lsp`: spawn the binary and speak JSON-RPC over its
//! stdio with Content-Length framing, through a small client written here.

mod support;

use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

#[test]
fn initialize_shutdown_exit() {
    let mut c = Client::spawn(&[]);
    let result = c.initialize(json!({}), json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["workspaceSymbolProvider"], true);
    // A client that does not pull gets every diagnostic pushed, and no pull is offered.
    assert_eq!(caps["diagnosticProvider"], Value::Null);
    assert_eq!(result["serverInfo"]["name"], "apparatus");
    let status = c.shutdown_and_exit();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn a_pulling_client_gets_open_documents_diagnostics_by_pull_only() {
    let mut c = Client::spawn(&[]);
    let result = c.initialize(
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
        json!({}),
    );
    assert_eq!(result["capabilities"]["diagnosticProvider"]["interFileDependencies"], true);
    let uri = "file:///tmp/apparatus-e2e/pull.md";
    c.open(uri, "## M\nid: m\n\nText.[^1]\n");
    let report = c.call("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["items"][0]["code"], "footnote-undefined");
    // Changes make the server ask for a new pull, never push the open document's problems.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "## M\nid: m\n\nText.[^1] [^2]\n"}]}),
    );
    c.wait_for("a refresh request", |m| m["method"] == "workspace/diagnostic/refresh");
    let report = c.call("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["items"].as_array().unwrap().len(), 2);
    c.settle(Duration::from_millis(300));
    let pushed: Vec<&Value> = c
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .filter(|m| m["params"]["diagnostics"] != json!([]))
        .collect();
    assert!(pushed.is_empty(), "pushed to a pulling client: {pushed:?}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let mut c = Client::spawn(&[]);
    c.initialize(json!({}), json!({}));
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(s) = c.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn utf8_is_negotiated_when_offered() {
    let mut c = Client::spawn(&[]);
    let result = c.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    // Columns are bytes now: replace "ский" (bytes 6..14 of line 1) in a Cyrillic name.
    let uri = "file:///tmp/apparatus-e2e/utf8.md";
    c.open(uri, "## 😀\nМайский\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 14}}, "text": " И.М."},
            {"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 7}}, "text": "M"}
        ]}),
    );
    let doc = c.document_text(uri);
    assert_eq!(doc["text"], "## M\nМай И.М.\n");
    assert_eq!(doc["version"], 2);
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn utf16_is_the_default() {
    let mut c = Client::spawn(&[]);
    let result = c.initialize(json!({"general": {"positionEncodings": []}}), json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    let uri = "file:///tmp/apparatus-e2e/utf16.md";
    c.open(uri, "a😀b\r\nc");
    // Column 3 in UTF-16 is after the emoji; a column past the line end clamps.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 99}}, "text": "B"}
        ]}),
    );
    assert_eq!(c.document_text(uri)["text"], "a😀B\r\nc");
    assert!(c.shutdown_and_exit().success());
}

/// Deterministic xorshift, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn burst(utf16: bool) {
    let mut c = Client::spawn(&[]);
    let encodings = if utf16 { json!(["utf-16"]) } else { json!(["utf-8"]) };
    c.initialize(json!({"general": {"positionEncodings": encodings}}), json!({}));
    let uri = "file:///tmp/apparatus-e2e/burst.md";
    let mut text = String::from("## Письмо\nfrom: stalin\n\nBody.[^1]\n\n[^1]: Note.\n");
    c.open(uri, &text);

    let tokens = ["a", "Ж", "😀", "\n", "\r\n", "\r", "e\u{301}", " ", "[^2]", ""];
    let mut rng = Rng(0x5eed_1941_0622);
    const EDITS: i32 = 500;
    for i in 0..EDITS {
        let boundaries: Vec<usize> =
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
        let mut a = boundaries[rng.below(boundaries.len())];
        let mut b = if rng.below(3) == 0 { a } else { boundaries[rng.below(boundaries.len())] };
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        // Keep deletions small so the document keeps growing.
        if b - a > 12 {
            b = a;
        }
        // Never split a CRLF: the client's view of lines would not match the edit.
        let bytes = text.as_bytes();
        let splits_crlf = |o: usize| o > 0 && o < bytes.len() && bytes[o - 1] == b'\r' && bytes[o] == b'\n';
        if splits_crlf(a) || splits_crlf(b) {
            continue;
        }
        let insert = tokens[rng.below(tokens.len())];
        let (start, end) = (position_of(&text, a, utf16), position_of(&text, b, utf16));
        text.replace_range(a..b, insert);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [
                {"range": {"start": start, "end": end}, "text": insert}
            ]}),
        );
    }
    // A full-text change at the end too.
    text.push_str("\nEnd.");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": EDITS + 2}, "contentChanges": [{"text": text}]}),
    );
    let final_version = EDITS + 2;
    let doc = c.document_text(uri);
    assert_eq!(doc["version"], final_version);
    assert_eq!(doc["text"].as_str().unwrap(), text);

    // Diagnostics for the final version arrive; versions never go backwards.
    let last = c.wait_for("diagnostics of the final version", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == final_version
    });
    c.settle(Duration::from_millis(200));
    let versions: Vec<i64> = c
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "versions out of order: {versions:?}");
    assert_eq!(versions.last(), Some(&i64::from(final_version)));

    // The incrementally maintained analysis agrees with a fresh one of the final text.
    let fresh = "file:///tmp/apparatus-e2e/burst-fresh.md";
    c.open(fresh, &text);
    let fresh_diags = c.wait_for("diagnostics of the fresh copy", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == fresh
    });
    assert_eq!(last["params"]["diagnostics"], fresh_diags["params"]["diagnostics"]);
    assert!(!last["params"]["diagnostics"].as_array().unwrap().is_empty(), "the burst should leave problems");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn burst_of_500_incremental_edits_utf16() {
    burst(true);
}

#[test]
fn burst_of_500_incremental_edits_utf8() {
    burst(false);
}

#[test]
fn a_panic_in_a_handler_is_an_error_and_the_server_goes_on() {
    let mut c = Client::spawn(&[("APPARATUS_TEST_PANIC", "1")]);
    c.initialize(json!({}), json!({}));
    let uri = "file:///tmp/apparatus-e2e/panic.md";
    c.open(uri, "text");
    let resp = c.request("apparatus/panic", json!({}));
    assert_eq!(resp["error"]["code"], -32603, "{resp}");
    assert!(resp["error"]["message"].as_str().unwrap().contains("deliberate panic"));
    // The server still serves.
    assert_eq!(c.document_text(uri)["text"], "text");
    let again = c.request("apparatus/panic", json!({}));
    assert_eq!(again["error"]["code"], -32603);
    assert_eq!(c.document_text(uri)["text"], "text");
    assert!(c.stderr().contains("panicked"), "stderr: {}", c.stderr());
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn the_panic_request_exists_only_in_test_mode() {
    let mut c = Client::spawn(&[]);
    c.initialize(json!({}), json!({}));
    let resp = c.request("apparatus/panic", json!({}));
    assert_eq!(resp["error"]["code"], -32601, "{resp}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn features_answer_without_analysis() {
    let mut c = Client::spawn(&[]);
    c.initialize(json!({"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}}), json!({}));
    let uri = "file:///tmp/apparatus-e2e/features.md";
    c.open(uri, "## Message\nid: m1\n\nBody.\n");
    let pos = json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 1}});
    c.call("textDocument/hover", pos.clone());
    c.call("textDocument/definition", pos.clone());
    let mut refs = pos.clone();
    refs["context"] = json!({"includeDeclaration": true});
    c.call("textDocument/references", refs);
    let symbols = c.call("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert!(symbols.is_array());
    c.call("workspace/symbol", json!({"query": "Message"}));
    let report = c.call("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["kind"], "full");
    assert!(report["resultId"].as_str().unwrap().starts_with("v1"), "{report}");
    // A document that is not open: no answer, not an error.
    let other = json!({"textDocument": {"uri": "file:///tmp/apparatus-e2e/none.md"}, "position": {"line": 0, "character": 0}});
    assert_eq!(c.call("textDocument/hover", other), Value::Null);
    let missing = c.request("apparatus/documentText", json!({"uri": "file:///tmp/apparatus-e2e/none.md"}));
    assert_eq!(missing["error"]["code"], -32602);
    // Closing clears the document's diagnostics.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    c.wait_for("cleared diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"] == json!([])
            && m["params"].get("version").is_none()
    });
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn progress_and_file_watchers_when_the_client_supports_them() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("edition");
    std::fs::create_dir_all(corpus.join("volumes")).unwrap();
    std::fs::write(corpus.join("edition.toml"), "title = \"Test\"\n").unwrap();
    let folder_uri = format!("file://{}", tmp.path().display());
    let mut c = Client::spawn(&[]);
    c.initialize(
        json!({
            "window": {"workDoneProgress": true},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
        }),
        json!({"workspaceFolders": [{"uri": folder_uri, "name": "ws"}]}),
    );
    let reg = c.wait_for("registerCapability", |m| m["method"] == "client/registerCapability");
    let registration = &reg["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.md", "**/edition.toml"]);

    let create = c.wait_for("workDoneProgress/create", |m| m["method"] == "window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    let is_progress = |kind: &'static str, token: Value| {
        move |m: &Value| m["method"] == "$/progress" && m["params"]["token"] == token && m["params"]["value"]["kind"] == kind
    };
    c.wait_for("progress begin", is_progress("begin", token.clone()));
    let report = c.wait_for("progress report", is_progress("report", token.clone()));
    assert!(report["params"]["value"]["message"].as_str().unwrap().contains("edition"), "{report}");
    c.wait_for("progress end", is_progress("end", token));
    // Order: begin before report before end.
    let kinds: Vec<&str> = c
        .seen
        .iter()
        .filter(|m| m["method"] == "$/progress")
        .map(|m| m["params"]["value"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"begin"));
    assert_eq!(kinds.last(), Some(&"end"));
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn no_progress_or_watchers_without_client_support() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("edition.toml"), "title = \"Test\"\n").unwrap();
    let mut c = Client::spawn(&[]);
    c.initialize(json!({}), json!({"rootUri": format!("file://{}", tmp.path().display())}));
    let uri = "file:///tmp/apparatus-e2e/x.md";
    c.open(uri, "x");
    c.document_text(uri);
    c.settle(Duration::from_millis(300));
    assert!(
        !c.seen.iter().any(|m| m["method"] == "client/registerCapability"
            || m["method"] == "window/workDoneProgress/create"
            || m["method"] == "$/progress"),
        "{:?}",
        c.seen
    );
    assert!(c.shutdown_and_exit().success());
}

fn codes(publication: &Value) -> Vec<String> {
    publication["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn is_publication(m: &Value, uri: &str, version: i64) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version
}

#[test]
fn diagnostics_follow_the_edits_of_a_file_outside_any_corpus() {
    let mut c = Client::spawn(&[]);
    c.initialize(json!({}), json!({}));
    let uri = "file:///tmp/apparatus-e2e/loose-diagnostics.md";
    c.open(uri, "## Личное послание 😀\nid: m1\n\nBody.[^1]\n");
    let first = c.wait_for("diagnostics of version 1", |m| is_publication(m, uri, 1));
    assert!(codes(&first).contains(&"footnote-undefined".to_string()), "{first}");
    let d = first["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "footnote-undefined")
        .unwrap();
    assert_eq!(d["source"], "apparatus");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"]["line"], 3);
    // Define the note: the problem goes away.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": "\n[^1]: A note.\n"}
        ]}),
    );
    let second = c.wait_for("diagnostics of version 2", |m| is_publication(m, uri, 2));
    assert!(!codes(&second).contains(&"footnote-undefined".to_string()), "{second}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn corpus_diagnostics_use_the_register_and_closed_files_can_be_pulled() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("edition");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("edition.toml"), "title = \"Test\"\nperiod = \"1941-06-22/1946-12-31\"\n").unwrap();
    std::fs::write(
        root.join("persons.md"),
        "## Molotov, Vyacheslav Mikhailovich\nid: molotov\nnames: Molotov; V.M. Molotov\n\nPeople's Commissar.\n",
    )
    .unwrap();
    let volume = root.join("vol1.md");
    std::fs::write(&volume, "## Message\nid: m1\n\nSeen by [M](person:molotov) and [X](person:nobody).\n").unwrap();
    let closed = root.join("vol2.md");
    std::fs::write(&closed, "## Other\nid: m2\n\nText.[^7]\n").unwrap();

    let mut c = Client::spawn(&[]);
    c.initialize(json!({}), json!({"workspaceFolders": [{"uri": format!("file://{}", tmp.path().display()), "name": "ws"}]}));
    let uri = format!("file://{}", volume.display());
    c.open(&uri, &std::fs::read_to_string(&volume).unwrap());
    // Once the corpus (and its register) is loaded, only the unknown id is reported.
    let publication = c.wait_for("diagnostics with the register", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && m["params"]["diagnostics"].as_array().is_some_and(|ds| {
                ds.iter().any(|d| d["code"] == "person-unknown" && d["message"].as_str().unwrap().contains("nobody"))
            })
    });
    let unknown: Vec<&Value> = publication["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "person-unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{publication}");

    // A file the editor has not opened: pulled from what the corpus read from disk.
    let closed_uri = format!("file://{}", closed.display());
    let report = c.call("textDocument/diagnostic", json!({"textDocument": {"uri": closed_uri}}));
    assert_eq!(report["kind"], "full");
    let items: Vec<&str> = report["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(items.contains(&"footnote-undefined"), "{report}");

    // Pull for the open file: same problems as pushed.
    let pulled = c.call("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(pulled["items"], publication["params"]["diagnostics"]);
    assert!(c.shutdown_and_exit().success());
}
