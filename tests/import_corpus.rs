//! The committed volumes are exactly the importer's output: every `cargo run -q -- import …`
//! command of `corpus/README.md` is run again (through the real binary) and its output
//! compared byte for byte with the committed file.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Split a command line as the shell would for the simple quoting the README uses.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("corpus/README.md")).unwrap();
    readme
        .lines()
        .filter_map(|l| l.strip_prefix("cargo run -q -- "))
        .map(shell_words)
        .collect()
}

#[test]
fn volumes_are_the_importers_output() {
    let cmds = commands();
    assert_eq!(
        cmds.len(),
        3,
        "corpus/README.md lists one command per volume"
    );
    let tmp = tempfile::tempdir().unwrap();
    for args in cmds {
        let o = args
            .iter()
            .position(|a| a == "-o")
            .expect("each command writes with -o");
        let committed = PathBuf::from(ROOT).join(&args[o + 1]);
        let fresh = tmp.path().join(committed.file_name().unwrap());
        let mut run = args.clone();
        run[o + 1] = fresh.display().to_string();
        let status = Command::new(env!("CARGO_BIN_EXE_apparatus"))
            .args(&run)
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{run:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let want = std::fs::read_to_string(&committed).unwrap();
        let got = std::fs::read_to_string(&fresh).unwrap();
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{} differs from the importer's output at line {}; rebuild it with the command in corpus/README.md",
                committed.display(),
                line + 1
            );
        }
    }
}

#[test]
fn ids_unique_across_the_corpus() {
    let mut seen = std::collections::HashMap::new();
    for e in std::fs::read_dir(Path::new(ROOT).join("corpus"))
        .unwrap()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.ends_with(".md") || name == "README.md" || name == "persons.md" {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        for id in text.lines().filter_map(|l| l.strip_prefix("id: ")) {
            if let Some(prev) = seen.insert(id.to_string(), name.clone()) {
                panic!("id {id} in both {prev} and {name}");
            }
        }
    }
    assert!(seen.len() > 300);
}

#[test]
fn seed_defects_survive() {
    let read = |n: &str| std::fs::read_to_string(Path::new(ROOT).join("corpus").join(n)).unwrap();
    let memoranda = read("soviet-memoranda-1945-1946.md");
    assert!(memoranda.contains("on 27 September 27,"));
    assert!(
        memoranda.contains("Otv. red. \u{41c}.\u{41c}. Narinskii"),
        "Cyrillic М kept"
    );
    assert!(memoranda.contains("I.\u{41c}. Maiskii"));
    let red = read("red-star-war-telegrams.md");
    // Superscript note numbers became markers, their lost bodies were not invented.
    assert!(red.contains("Moscow,[^3]"));
    assert!(!red.contains("[^3]:"));
}
