//! `apparatus import` on the command line: output file, no overwrite without --force,
//! exit codes, messages.

use std::process::Command;

fn apparatus() -> Command {
    Command::new(env!("CARGO_BIN_EXE_apparatus"))
}

const RAW: &str = "Telegram from V.M. Molotov to I.V. Stalin, 28 September 1945\nTO STALIN.\nI await your reply.\n28.IX.45   MOLOTOV\n";

#[test]
fn writes_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw.txt");
    std::fs::write(&raw, RAW).unwrap();
    let out = dir.path().join("vol.md");

    let r = apparatus()
        .arg("import")
        .arg(&raw)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.contains("id: 1945-09-28-molotov-stalin"));

    std::fs::write(&out, "edited by hand").unwrap();
    let r = apparatus()
        .arg("import")
        .arg(&raw)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("vol.md") && err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "edited by hand",
        "not overwritten"
    );

    let r = apparatus()
        .arg("import")
        .arg(&raw)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

#[test]
fn stdout_title_and_several_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, RAW).unwrap();
    std::fs::write(&b, RAW).unwrap();
    let r = apparatus()
        .args([
            "import",
            "--title",
            "Two: copies",
            "--convention",
            "word-export",
        ])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(0));
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(
        out.starts_with("---\ntitle: \"Two: copies\"\n---\n"),
        "{out}"
    );
    assert!(out.contains("id: 1945-09-28-molotov-stalin\n"));
    assert!(
        out.contains("id: 1945-09-28-molotov-stalin-2\n"),
        "collision suffix"
    );
}

#[test]
fn unreadable_input_and_bad_convention() {
    let dir = tempfile::tempdir().unwrap();
    let r = apparatus()
        .arg("import")
        .arg(dir.path().join("missing.txt"))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("missing.txt"));

    let bin = dir.path().join("bin.txt");
    std::fs::write(&bin, [0xff, 0xfe, 0x41]).unwrap();
    let r = apparatus().arg("import").arg(&bin).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("UTF-8"));

    let raw = dir.path().join("raw.txt");
    std::fs::write(&raw, RAW).unwrap();
    let r = apparatus()
        .args(["import", "--convention", "docx"])
        .arg(&raw)
        .output()
        .unwrap();
    assert_ne!(r.status.code(), Some(0));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("docx") && err.contains("ocr-book"), "{err}");
}
