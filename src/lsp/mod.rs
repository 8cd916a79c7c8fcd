//! The language server (placeholder until the lsp layer lands).

pub fn run() -> i32 {
    eprintln!("apparatus lsp: not built yet");
    2
}
