//! Throughput of parsing plus checking the Red Star volume on one core, and the time from
//! an edit to fresh diagnostics (the language server's `didChange` path without the
//! protocol) on that volume and on a generated 10 MB one. Figures: docs/performance.md.
use std::path::Path;
use std::sync::Arc;

use apparatus::analysis::checks::{analyse_block, Context};
use apparatus::analysis::{Corpus, Register};
use apparatus::syntax::volume::Edit;
use apparatus::syntax::Volume;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
const RED_STAR: &str = "red-star-war-telegrams.md";

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(CORPUS).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_and_check(c: &mut Criterion) {
    let text = read(RED_STAR);
    let persons = read("persons.md");
    let persons_volume = Volume::parse(&persons);
    let register = Register::build(&[(apparatus::analysis::FileId(0), &persons, &persons_volume)]);
    let period = apparatus::syntax::dates::parse_edtf("1941-06-22/1946-12-31").ok().map(|e| apparatus::analysis::config::Period::new(&e));
    let mut g = c.benchmark_group("red-star");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| b.iter(|| Volume::parse(black_box(&text))));
    g.bench_function("parse+check", |b| {
        b.iter(|| {
            let volume = Volume::parse(black_box(&text));
            let mut n = 0;
            for block in &volume.blocks {
                let cx = Context { register: &register, period: period.as_ref(), in_register: false, title_page: false };
                n += analyse_block(block.text(&text), &block.block, &cx).diagnostics.len();
            }
            n
        })
    });
    g.finish();
}

/// A generated volume of about `bytes`: the Red Star messages again and again, each copy
/// with ids of its own.
pub fn generated_volume(bytes: usize) -> String {
    let text = read(RED_STAR);
    let mut out = String::with_capacity(bytes + text.len());
    let mut round = 0;
    while out.len() < bytes {
        round += 1;
        out.push_str(&format!("\n# Copy {round}\n\n"));
        for line in text.lines() {
            if let Some(id) = line.strip_prefix("id: ") {
                out.push_str(&format!("id: {id}-copy{round}\n"));
            } else if !line.starts_with("---") && !line.starts_with("title: ") && !line.starts_with("source: ") {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A generated volume of about `bytes`: Red Star once, then copies of its messages that
/// have no problem (and no page mark), so that the volume has Red Star's problems and
/// nothing more: the file's size grows, the diagnostics list does not.
pub fn generated_clean_volume(bytes: usize) -> String {
    let text = read(RED_STAR);
    let volume = Volume::parse(&text);
    let persons = read("persons.md");
    let persons_volume = Volume::parse(&persons);
    let register = Register::build(&[(apparatus::analysis::FileId(0), &persons, &persons_volume)]);
    let clean: Vec<&str> = volume
        .messages()
        .filter(|b| {
            let cx = Context { register: &register, period: None, in_register: false, title_page: false };
            b.block.pages.is_empty() && analyse_block(b.text(&text), &b.block, &cx).diagnostics.is_empty()
        })
        .map(|b| b.text(&text))
        .collect();
    let mut out = text.clone();
    let mut round = 0;
    while out.len() < bytes {
        round += 1;
        for m in &clean {
            for line in m.lines() {
                match line.strip_prefix("id: ") {
                    Some(id) => out.push_str(&format!("id: {id}-clean{round}\n")),
                    None => {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}

/// One keystroke in the middle of the volume, then the file's diagnostics.
fn edit_to_diagnostics(c: &mut Criterion) {
    let mut g = c.benchmark_group("didChange-to-diagnostics");
    let volumes = [
        ("red-star", read(RED_STAR)),
        ("generated-10MB", generated_volume(10 << 20)),
        ("generated-10MB-clean", generated_clean_volume(10 << 20)),
    ];
    for (name, text) in volumes {
        let root = Path::new(CORPUS);
        let path = root.join("bench-volume.md");
        let files = vec![
            (root.join("edition.toml"), read("edition.toml")),
            (root.join("persons.md"), read("persons.md")),
            (path.clone(), text.clone()),
        ];
        let corpus = Corpus::from_texts(Some(root), files);
        let id = corpus.file_id(&path).unwrap();
        // Type one character in a paragraph near the middle.
        let at = text[text.len() / 2..].find("the ").map(|i| text.len() / 2 + i).unwrap();
        let mut typed = text.clone();
        typed.insert(at, 'x');
        let typed: Arc<str> = typed.into();
        g.bench_function(name, |b| {
            b.iter_batched(
                || corpus.clone(),
                |mut corpus| {
                    corpus.set_file_text(&path, typed.clone(), Some(Edit { start: at, old_end: at, new_len: 1 }));
                    corpus.diagnostics(id).len()
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, parse_and_check, edit_to_diagnostics);
criterion_main!(benches);
