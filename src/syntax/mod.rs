//! Text to a tree with byte ranges: pure and total.
pub mod dates;
