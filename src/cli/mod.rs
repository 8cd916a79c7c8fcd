//! The command line: `apparatus check`, `apparatus import`, `apparatus lsp`.
use clap::{Parser, Subcommand};

mod check;

#[derive(Parser, Debug)]
#[command(name = "apparatus", version, about = "Checks and serves a documentary edition's corpus")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check every volume and register of a corpus and report its problems.
    Check(check::CheckArgs),
    /// Convert a raw transcription (Word export, OCR, web text) into the corpus format.
    Import(crate::import::ImportArgs),
    /// Start the language server on standard input and output.
    Lsp,
}

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Import(args) => crate::import::run_cli(args),
        Command::Lsp => crate::lsp::run(),
    }
}
