//! apparatus: the language server and checker of a documentary edition.
//!
//! Layers, each depending only on the ones above it in this list:
//! - [`syntax`]: text to a tree with byte ranges; pure and total (never panics).
//! - [`analysis`]: the corpus (edition.toml, volumes, register), resolution and checks,
//!   over an immutable snapshot.
//! - [`ide`]: one module per editor feature, each a pure function of a snapshot and a position.
//! - [`lsp`]: the only layer that sees LSP types, positions and encodings.
//! - [`cli`] and [`import`]: the command line and the importer of raw transcriptions.
pub mod syntax;
pub mod analysis;
pub mod ide;
pub mod lsp;
pub mod cli;
pub mod import;
#[doc(hidden)]
pub mod fixture;
