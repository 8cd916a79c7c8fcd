//! The whole `apparatus check` output on the bundled corpus, as a snapshot: any change in
//! what the checks find in the edition shows up in review. Every line of it is a real
//! problem of the text (see corpus/README.md for what each one is).
use std::process::Command;

fn check(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_apparatus"))
        .arg("check")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run apparatus");
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).expect("UTF-8 output"), out.status.code().unwrap_or(-1))
}

#[test]
fn check_corpus_human() {
    let (out, status) = check(&[]);
    expect_test::expect_file!["snapshots/check_corpus.txt"].assert_eq(&out);
    assert_eq!(status, 1, "the corpus has errors (lost OCR footnotes), so the exit status is 1");
}

#[test]
fn check_corpus_finds_the_known_defects() {
    let (out, _) = check(&[]);
    // The lost OCR footnotes of the Red Star volume.
    let lost = out.lines().filter(|l| l.starts_with("corpus/red-star-war-telegrams.md:") && l.contains("error[footnote-undefined]")).count();
    assert_eq!(lost, 23);
    assert!(out.contains("warning[date-repeated]: `27 September 27` repeats `27` where the year should be"));
    assert!(out.contains("warning[homoglyph]: `М.М.` has Cyrillic letters `М` (U+041C), `М` (U+041C) among Latin letters; retype it as `M.M.`"));
}

#[test]
fn check_corpus_json_and_github() {
    let (json, status) = check(&["--format", "json"]);
    assert_eq!(status, 1);
    let items: Vec<serde_json::Value> = serde_json::from_str(&json).expect("JSON array");
    let (human, _) = check(&[]);
    assert_eq!(items.len(), human.lines().filter(|l| l.starts_with("corpus/") && l.contains("]: ")).count());
    let first = &items[0];
    for key in ["path", "range", "severity", "code", "message"] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert!(first["range"]["start"]["line"].is_u64() && first["range"]["end"]["character"].is_u64());
    let (github, _) = check(&["--format", "github"]);
    assert_eq!(github.lines().count(), items.len());
    assert!(github.lines().all(|l| l.starts_with("::error file=corpus/") || l.starts_with("::warning file=corpus/") || l.starts_with("::notice file=corpus/")));
}

#[test]
fn check_a_single_volume_and_missing_paths() {
    let (out, status) = check(&["corpus/frus-1945-moscow.md"]);
    assert_eq!(status, 0);
    assert_eq!(out, "Checked 1 file: no problems found.\n");
    let out = Command::new(env!("CARGO_BIN_EXE_apparatus"))
        .args(["check", "no/such/corpus"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no/such/corpus` does not exist"));
}
