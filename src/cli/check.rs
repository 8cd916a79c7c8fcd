//! `apparatus check [PATH]`.
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The corpus root (a folder with edition.toml) or a single volume.
    #[arg(default_value = "corpus")]
    pub path: PathBuf,
}

pub fn run(_args: CheckArgs) -> i32 {
    eprintln!("apparatus check: not built yet");
    2
}
