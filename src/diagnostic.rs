//! Diagnostics: errors and warnings as values that carry their source location.
//!
//! Every stage returns its findings as `Diagnostic`s instead of printing or
//! stopping, so one run reports every problem it can find. The binary decides
//! how to print them: rustc-style text for people, JSON for editors and CI.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a source file a diagnostic points. Lines and columns are 1-based;
/// the column counts characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// Serialised (for `check --format json`) as one flat object with every key
/// always present: `severity`, `code`, `message`, `file`, `line`, `column`
/// (`null` when the problem has no place in a file) and `hint` (or `null`).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, greppable name for the kind of problem (e.g. `quote-not-found`).
    pub code: &'static str,
    pub message: String,
    /// Boxed to keep `Result<_, Diagnostic>` small.
    pub location: Option<Box<Location>>,
    /// What to do about it.
    pub hint: Option<String>,
    /// The text of the source line, to show with a caret under the spot.
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    pub width: usize,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Diagnostic", 7)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("code", self.code)?;
        s.serialize_field("message", &self.message)?;
        let loc = self.location.as_ref();
        s.serialize_field("file", &loc.map(|l| l.file.to_string_lossy()))?;
        s.serialize_field("line", &loc.map(|l| l.line))?;
        s.serialize_field("column", &loc.map(|l| l.column))?;
        s.serialize_field("hint", &self.hint)?;
        s.end()
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: None,
            hint: None,
            source_line: None,
            width: 1,
        }
    }

    /// Points at a whole file (line 1, column 1).
    pub fn in_file(self, file: &Path) -> Self {
        self.at(file, 1, 1)
    }

    pub fn at(mut self, file: &Path, line: usize, column: usize) -> Self {
        self.location = Some(Box::new(Location {
            file: file.to_owned(),
            line: line.max(1),
            column: column.max(1),
        }));
        self
    }

    /// Points at `line:column` of `source` and keeps that line for display,
    /// underlining `width` characters.
    pub fn at_source(
        self,
        file: &Path,
        source: &str,
        line: usize,
        column: usize,
        width: usize,
    ) -> Self {
        let text = source
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        self.at_line(file, line, column, text, width)
    }

    /// Points at `line:column`, showing `text` (that line) with `width`
    /// characters underlined.
    pub fn at_line(
        mut self,
        file: &Path,
        line: usize,
        column: usize,
        text: &str,
        width: usize,
    ) -> Self {
        self = self.at(file, line, column);
        self.source_line = Some(text.to_owned());
        self.width = width.max(1);
        self
    }

    /// Keeps `text` as the source line to show (for text that is not the
    /// file's own, e.g. a line with invalid bytes replaced).
    pub fn showing(mut self, text: &str) -> Self {
        self.source_line = Some(text.to_owned());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// rustc-style rendering: `error[code]: message`, `--> file:line:col`,
    /// the source line with a caret, `= help: hint`. Every piece of text that
    /// may come from the input (file names, messages quoting it, the source
    /// line) is shown through [`visible`], so no input can drive the terminal.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let origin = self
            .location
            .as_ref()
            .map(|l| visible(&l.file.display().to_string()).into_owned())
            .unwrap_or_default();
        let source_line = self.source_line.as_deref().unwrap_or_default();
        let mut shown_line = visible(source_line).into_owned();
        // The caret's span within the shown line (columns count characters of
        // the source, which may each be shown as several); a zero-width span
        // at the end of the line gets a space to stand under.
        let span = self.location.as_ref().map(|loc| {
            let shown_at = |chars: usize| {
                let byte = char_to_byte(source_line, chars);
                visible(&source_line[..byte]).len()
            };
            let start = shown_at(loc.column - 1);
            let end = shown_at(loc.column - 1 + self.width).max(start);
            if start >= shown_line.len() {
                shown_line.push(' ');
                start..start + 1
            } else {
                start..end.max(start + 1)
            }
        });
        // annotate-snippets draws a warning's span with `-`; rustc (and
        // plain-text readers) expect a caret `^` under the spot. In colour
        // the span keeps the warning's colour.
        let caret_level = if color { level } else { Level::Error };
        let title = visible(&self.message);
        let mut message = level.title(&title).id(self.code);
        let with_snippet = self.source_line.is_some() && self.location.is_some();
        if let (Some(loc), true, Some(span)) = (&self.location, with_snippet, span) {
            message = message.snippet(
                Snippet::source(&shown_line)
                    .line_start(loc.line)
                    .origin(&origin)
                    .fold(false)
                    .annotation(caret_level.span(span)),
            );
        }
        let hint = self.hint.as_deref().map(visible);
        if let Some(hint) = &hint {
            message = message.footer(Level::Help.title(hint));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let rendered = renderer.render(message).to_string();
        match (&self.location, with_snippet) {
            // No source line to show (a whole file, an unreadable one): the
            // location alone, where rustc puts it.
            (Some(loc), false) => {
                let arrow = format!(" --> {origin}:{}:{}", loc.line, loc.column);
                match rendered.split_once('\n') {
                    Some((title, rest)) => format!("{title}\n{arrow}\n{rest}"),
                    None => format!("{rendered}\n{arrow}"),
                }
            }
            _ => rendered,
        }
    }
}

/// `text` with every character that could act on a terminal instead of being
/// shown written out as an escape, as rustc and git show them: control
/// characters (ESC as `\u{1b}`, a carriage return as `\u{d}`; only line ends
/// and tabs stay) and the bidirectional overrides that reorder what is shown.
/// Returns `text` itself when it has none.
pub fn visible(text: &str) -> Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(acts) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len())
}

/// Sorts diagnostics: errors first, then warnings, each group by file, line
/// and column (those without a location last), and drops exact duplicates
/// (the same problem found twice by two paths).
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.severity, a.location.is_none(), &a.location, &a.message).cmp(&(
            b.severity,
            b.location.is_none(),
            &b.location,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| {
        a.location == b.location && a.message == b.message && a.severity == b.severity
    });
}

/// The closest of `candidates` to `word` by edit distance, if close enough to
/// be what the user meant ("did you mean ...").
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error("unknown-field", "unknown field `qoute`")
            .at_source(
                Path::new("content/articles/a.yaml"),
                "claims:\n  - qoute: x\n",
                2,
                5,
                5,
            )
            .with_hint("did you mean `quote`?");
        let text = d.render(false);
        assert!(text.starts_with("error[unknown-field]: unknown field `qoute`"));
        assert!(text.contains("--> content/articles/a.yaml:2:5"), "{text}");
        assert!(text.contains("  - qoute: x"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `quote`?"), "{text}");
    }

    #[test]
    fn input_cannot_drive_the_terminal() {
        let hostile = "\u{1b}]0;PWNED\u{7}\u{1b}[2K";
        let d = Diagnostic::warning("w", format!("name `{hostile}` unknown"))
            .at_source(
                Path::new("content/articles/\u{1b}[31mred.md"),
                &format!("said {hostile}Smith\r and \u{202e}gnp.exe\n"),
                1,
                5 + hostile.chars().count() + 1,
                5,
            )
            .with_hint(format!("rename `{hostile}`"));
        for color in [false, true] {
            // In colour, the renderer's own colour codes (`ESC [ ... m`) are
            // the only escapes.
            let text = d.render(color);
            let mut plain = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("\u{1b}[") {
                plain.push_str(&rest[..at]);
                let code = &rest[at + 2..];
                let end = code
                    .find(|c: char| !c.is_ascii_digit() && c != ';')
                    .unwrap();
                assert_eq!(&code[end..end + 1], "m", "{text:?}");
                rest = &code[end + 1..];
            }
            plain.push_str(rest);
            let raw: Vec<char> = plain
                .chars()
                .filter(|&c| c != '\n' && (c.is_control() || c == '\u{202e}'))
                .collect();
            assert!(raw.is_empty(), "{raw:?} in\n{text}");
            assert!(plain.contains("content/articles/\\u{1b}[31mred.md:1:"));
            assert!(plain.contains("name `\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K` unknown"));
            assert!(plain.contains("rename `\\u{1b}]0;PWNED"), "{text}");
            assert!(plain.contains("Smith\\u{d} and \\u{202e}gnp.exe"), "{text}");
        }
        // The caret stands under `Smith`, after the escapes written out.
        let text = d.render(false);
        let lines: Vec<&str> = text.lines().collect();
        let source = lines.iter().position(|l| l.starts_with("1 |")).unwrap();
        assert_eq!(
            lines[source].find("Smith").unwrap() - lines[source].find("said").unwrap(),
            lines[source + 1].find('^').unwrap() - lines[source].find("said").unwrap(),
            "{text}"
        );
        assert_eq!(lines[source + 1].matches('^').count(), 5, "{text}");
        assert_eq!(visible("plain\ttext\n"), "plain\ttext\n");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["quote", "prefix", "suffix"];
        assert_eq!(did_you_mean("qoute", names), Some("quote"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn sorts_by_file_and_line() {
        let mut ds = vec![
            Diagnostic::warning("w", "b").at(Path::new("b.yaml"), 3, 1),
            Diagnostic::error("e", "a").at(Path::new("a.yaml"), 9, 1),
            Diagnostic::error("e", "a2").at(Path::new("b.yaml"), 1, 1),
            Diagnostic::error("e", "a").at(Path::new("a.yaml"), 9, 1),
        ];
        sort(&mut ds);
        let order: Vec<_> = ds.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["a", "a2", "b"]);
    }
}
