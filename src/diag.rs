//! Diagnostics: every problem found in a rules file or a locale file, with its place.
//!
//! Contract: a diagnostic always names a file and a 1-based line and column (columns count
//! characters, not bytes), so editors can jump to it. Messages are short, lowercase, and name
//! the thing in backticks; `help` is one line of advice in plain words.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a text file: 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }

    /// The position of byte `offset` in `text` (clamped to the end of the text).
    pub fn of_offset(text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Count characters, tolerating an offset that falls inside a UTF-8 sequence.
        let col = String::from_utf8_lossy(&text.as_bytes()[line_start..offset])
            .chars()
            .count() as u32
            + 1;
        Pos { line, col }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// How bad a problem is: errors stop a file from being served, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem, at one place, with optional one-line advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            pos,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    /// Adds one line of advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, then `  help: …` on its own line when there is advice.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.pos,
            self.severity,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file and place, keeping the order of those at the same place.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.file.cmp(&b.file).then(a.pos.cmp(&b.pos)));
}

/// "did you mean `x`?" for a name that is close to one of `candidates` (edit distance below 3,
/// or the same apart from case, hyphens and underscores).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let fold = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    let folded = fold(name);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let distance = if fold(c) == folded {
                0
            } else {
                strsim::osa_distance(name, c)
            };
            (distance, c)
        })
        // Short names are all close to each other (`s1`, `s2`): the shorter the name, the
        // fewer edits a suggestion may be away.
        .filter(|(d, _)| {
            *d <= match name.chars().count() {
                0..=2 => 0,
                3..=5 => 1,
                _ => 2,
            }
        })
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a: 1\nñandú: x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(Pos::of_offset(text, offset), Pos::new(2, 8));
        assert_eq!(Pos::of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(Pos::of_offset(text, 10_000), Pos::new(3, 1));
    }

    #[test]
    fn display_is_path_line_col_severity_message_then_help() {
        let d = Diagnostic::error(
            "rules/x.yaml",
            Pos::new(3, 7),
            "unknown question `nacionality`",
        )
        .with_help("did you mean `nationality`?");
        assert_eq!(
            d.to_string(),
            "rules/x.yaml:3:7: error: unknown question `nacionality`\n  help: did you mean `nationality`?"
        );
    }

    #[test]
    fn suggestions_need_a_close_name() {
        let names = ["nationality", "location", "age"];
        assert_eq!(
            suggest("nacionality", names).as_deref(),
            Some("did you mean `nationality`?")
        );
        assert_eq!(
            suggest("Location", names).as_deref(),
            Some("did you mean `location`?")
        );
        assert_eq!(suggest("passport", names), None);
    }
}
