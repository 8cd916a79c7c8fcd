//! Diagnostics: one stable code per kind of problem (FORMAT.md), a default severity, and a
//! message that says what is wrong and what to do, quoting the text.
use crate::syntax::TextRange;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident;)*) => {
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Code { $($variant),* }
        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    FootnoteUndefined = "footnote-undefined", Error;
    FootnoteUnused = "footnote-unused", Warning;
    FootnoteDuplicate = "footnote-duplicate", Error;
    FootnoteOrder = "footnote-order", Warning;
    DateInvalid = "date-invalid", Error;
    DateRepeated = "date-repeated", Warning;
    DateWeekday = "date-weekday", Warning;
    DateOutOfPeriod = "date-out-of-period", Warning;
    DateMismatch = "date-mismatch", Warning;
    PersonUnknown = "person-unknown", Error;
    PersonAmbiguous = "person-ambiguous", Information;
    MessageDuplicateId = "message-duplicate-id", Error;
    XrefUnknown = "xref-unknown", Error;
    LegacyFootnote = "legacy-footnote", Warning;
    PageNumberStray = "page-number-stray", Warning;
    PageOrder = "page-order", Warning;
    Hyphenation = "hyphenation", Information;
    Homoglyph = "homoglyph", Warning;
    MetadataUnknownKey = "metadata-unknown-key", Hint;
    Encoding = "encoding", Error;
    Config = "config", Error;
}

/// Another place that explains a diagnostic (the first definition of a duplicated label).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Related {
    pub file: super::FileId,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Byte range: block-relative inside a block analysis, absolute once reported for a file.
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, severity: code.severity(), range, message: message.into(), related: Vec::new() }
    }
    pub fn with_related(mut self, related: Related) -> Diagnostic {
        self.related.push(related);
        self
    }
    pub fn shifted(&self, by: usize) -> Diagnostic {
        Diagnostic { range: self.range.shift(by), ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_the_format() {
        assert_eq!(Code::ALL.len(), 21);
        for &code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
        }
        assert_eq!(Code::PersonAmbiguous.severity(), Severity::Information);
        assert_eq!(Code::MetadataUnknownKey.severity(), Severity::Hint);
    }
}
