//! The importer of raw transcriptions (placeholder until the importer lands).

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The raw transcription(s).
    pub raw: Vec<std::path::PathBuf>,
}

pub fn run_cli(_args: ImportArgs) -> i32 {
    eprintln!("apparatus import: not built yet");
    2
}
