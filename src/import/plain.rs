//! The fallback: the first non-blank line is the title, the rest the body, unchanged.

use super::{Imported, Message};

pub fn import(text: &str) -> Imported {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let Some(t) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Imported::default();
    };
    let title = lines[t].trim().trim_start_matches('#').trim().to_string();
    let m = Message {
        title,
        body: lines[t + 1..].to_vec(),
        ..Default::default()
    };
    Imported {
        messages: vec![m],
        ..Default::default()
    }
}
