//! Text to a tree with byte ranges: pure and total (never panics on any input).
//!
//! A volume is split into blocks at `#`/`##` headings ([`volume`]); each block is parsed on
//! its own ([`block`]) with ranges relative to the block's start, so that an edit re-parses
//! the block it touches and every other block is reused as it is.
pub mod block;
pub mod dates;
pub mod range;
pub mod scripts;
pub mod volume;

pub use block::{
    Block, BlockDate, BlockKind, Heading, Homoglyph, Hyphenation, Legacy, LegacyKind, Link, LinkKind, Marker,
    MetaField, Note, PageMark, StrayPage,
};
pub use range::TextRange;
pub use volume::{BlockRef, FrontMatter, Volume};
