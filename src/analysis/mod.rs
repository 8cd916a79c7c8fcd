//! The corpus, the register, resolution and checks over an immutable snapshot.
//!
//! A [`Corpus`] is a value: cloning it is cheap (everything inside is shared), and a change
//! makes a new one that shares all it did not touch. The language server answers requests
//! on a clone while the next change is applied to its own copy.
pub mod checks;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod register;

pub use checks::{BlockAnalysis, Mention, MentionKind, Persons};
pub use config::Config;
pub use corpus::{Corpus, File, FileKind, LoadError, MessageId, MessageLoc};
pub use diagnostic::{Code, Diagnostic, Related, Severity};
pub use register::{Person, PersonIdx, Register};

/// A file of the corpus: an index into [`Corpus::files`], stable while the corpus lives.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct FileId(pub u32);

impl FileId {
    /// "The same file as the diagnostic": related places found inside one block, before the
    /// block knows which file it is in.
    pub const DETACHED: FileId = FileId(u32::MAX);
}
