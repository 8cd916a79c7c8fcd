//! Start-up indexing of a generated 100 MB corpus (both cores), and the resident memory it
//! takes per corpus byte. Run: `cargo bench --bench corpus` (optionally with a size in MB:
//! `cargo bench --bench corpus -- 100`). Figures: docs/performance.md.
use std::path::Path;
use std::time::Instant;

use apparatus::analysis::Corpus;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn main() {
    // `cargo bench` passes `--bench`; the first number, if any, is the size in MB.
    let mb: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100);
    let red_star = std::fs::read_to_string(Path::new(CORPUS).join("red-star-war-telegrams.md")).expect("corpus volume");
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["edition.toml", "persons.md"] {
        std::fs::copy(Path::new(CORPUS).join(name), dir.path().join(name)).expect("copy");
    }
    // Volumes of the Red Star text with ids of their own, until the corpus has the size.
    let mut total = 0usize;
    let mut n = 0;
    while total < mb << 20 {
        n += 1;
        let volume: String = red_star
            .lines()
            .map(|l| match l.strip_prefix("id: ") {
                Some(id) => format!("id: {id}-v{n}\n"),
                None => format!("{l}\n"),
            })
            .collect();
        total += volume.len();
        std::fs::write(dir.path().join(format!("volume-{n:04}.md")), volume).expect("write");
    }
    let before = resident_bytes();
    let start = Instant::now();
    let corpus = Corpus::load(dir.path()).expect("load");
    let elapsed = start.elapsed();
    let after = resident_bytes();
    let diagnostics: usize = corpus.files().map(|(id, _)| corpus.diagnostics(id).len()).sum();
    let threads = rayon::current_num_threads();
    println!("corpus: {n} volumes, {:.1} MB", total as f64 / 1048576.0);
    println!("start-up indexing (read, parse, register, check): {:.3} s on {threads} threads", elapsed.as_secs_f64());
    println!("throughput: {:.0} MB/s", total as f64 / 1048576.0 / elapsed.as_secs_f64());
    println!("resident memory of the loaded corpus: {:.1} MB = {:.2} bytes per corpus byte", (after - before) as f64 / 1048576.0, (after - before) as f64 / total as f64);
    println!("diagnostics: {diagnostics}");
}
