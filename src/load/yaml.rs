//! YAML with locations: typed deserialisation (serde_yaml) whose errors become
//! diagnostics at file:line:column, and a locator that finds the line of any
//! node by its path (`claims[3].quote`) for the later stages' diagnostics.
//!
//! serde_yaml gives no spans for values, so the locator parses the text again
//! with yaml-rust2's event parser, which does. It runs only when a diagnostic
//! needs a location, so clean builds never pay for it.

use std::path::Path;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::{did_you_mean, Diagnostic};

/// Deserialises `source` as `T`. On failure returns a diagnostic pointing at the
/// offending spot; `line_offset` is added to lines (front matter starts at line 2).
pub fn parse<T: DeserializeOwned>(
    source: &str,
    file: &Path,
    line_offset: usize,
) -> Result<T, Box<Diagnostic>> {
    serde_yaml::from_str(source).map_err(|err| Box::new(to_diagnostic(&err, source, file, line_offset)))
}

fn to_diagnostic(err: &serde_yaml::Error, source: &str, file: &Path, line_offset: usize) -> Diagnostic {
    let full = err.to_string();
    // serde_yaml appends " at line L column C"; the location is shown apart.
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full.clone(),
    };
    let (code, hint) = classify(&message);
    let mut diagnostic = Diagnostic::error(code, message);
    diagnostic = match err.location() {
        Some(loc) => {
            let width = word_width(source, loc.index());
            let shown = format!("{}{}", "\n".repeat(line_offset), source);
            diagnostic.at_source(file, &shown, loc.line() + line_offset, loc.column(), width)
        }
        None => diagnostic.at(file, 1 + line_offset, 1),
    };
    match hint {
        Some(hint) => diagnostic.with_hint(hint),
        None => diagnostic,
    }
}

/// Names the kind of a serde_yaml error and says what to do about it.
fn classify(message: &str) -> (&'static str, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split('`')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect()
            })
            .unwrap_or_default();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the fields here are: {}", expected.join(", ")),
        };
        return ("unknown-field", Some(hint));
    }
    if message.contains("missing field") {
        return (
            "missing-field",
            Some("add the field; see content-format.md for what each entry needs".into()),
        );
    }
    if message.contains("input is not valid YYYY-MM-DD")
        || message.contains("premature end of input")
            && message.to_lowercase().contains("date")
        || message.contains("invalid date")
        || message.contains("input contains invalid characters")
            && message.to_lowercase().contains("date")
    {
        return (
            "invalid-date",
            Some("write dates as YYYY-MM-DD, e.g. 2025-05-21".into()),
        );
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return ("wrong-type", Some(type_hint(message)));
    }
    if message.starts_with("unknown variant") {
        let hint = message
            .split("expected ")
            .nth(1)
            .map(|e| format!("use one of {e}"))
            .unwrap_or_else(|| "use one of the values content-format.md lists".into());
        return ("unknown-value", Some(hint));
    }
    (
        "yaml-syntax",
        Some("check the indentation and quoting here; a value containing `: ` or starting with a quote or `*` must be quoted".into()),
    )
}

fn type_hint(message: &str) -> String {
    if message.contains("expected a sequence") {
        "this field takes a list: `[a, b]` or one `- item` per line".into()
    } else if message.contains("expected a string") {
        "put the value in quotes".into()
    } else if message.contains("f64") || message.contains("number") {
        "write a number (e.g. 19), or a range `{min: 19, max: 20}`".into()
    } else {
        "this value is not of the type the field takes".into()
    }
}

/// Characters of the word starting at byte `index`, for the caret's width.
fn word_width(source: &str, index: usize) -> usize {
    source
        .get(index..)
        .map(|rest| {
            rest.chars()
                .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',')
                .count()
        })
        .unwrap_or(1)
        .max(1)
}

/// Points `diagnostic` at the node at `path` of the YAML `source` read from
/// `file`, underlining the rest of that line.
pub fn point_at(diagnostic: Diagnostic, file: &Path, source: &str, path: &[Step<'_>]) -> Diagnostic {
    let (line, column) = locate(source, path);
    let width = source
        .lines()
        .nth(line - 1)
        .map(|l| l.trim_end().chars().count().saturating_sub(column - 1))
        .unwrap_or(1);
    diagnostic.at_source(file, source, line, column, width)
}

/// One step of a path into a YAML document.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Finds the 1-based (line, column) of the node at `path` in `source`, or of the
/// deepest ancestor that exists. Falls back to (1, 1) for unparseable text.
pub fn locate(source: &str, path: &[Step<'_>]) -> (usize, usize) {
    let mut locator = Locator {
        path,
        stack: Vec::new(),
        best: (1, 1),
        depth_matched: 0,
        done: false,
    };
    let _ = Parser::new_from_str(source).load(&mut locator, false);
    locator.best
}

/// A container being walked, and how far along it the walk is.
enum Frame {
    Seq { next_index: usize, on_path: bool },
    Map { expecting_key: bool, key: Option<String>, on_path: bool },
}

struct Locator<'p> {
    path: &'p [Step<'p>],
    stack: Vec<Frame>,
    best: (usize, usize),
    depth_matched: usize,
    done: bool,
}

impl Locator<'_> {
    /// Called when a node (scalar or container) starts at `mark`; returns
    /// whether this node lies on the searched path.
    fn enter_node(&mut self, mark: Marker) -> bool {
        let depth = self.stack.len();
        let on_path = match self.stack.last_mut() {
            None => true,
            Some(Frame::Seq { next_index, on_path }) => {
                let index = *next_index;
                *next_index += 1;
                *on_path
                    && matches!(self.path.get(depth - 1), Some(Step::Index(i)) if *i == index)
            }
            Some(Frame::Map { expecting_key, key, on_path }) => {
                *expecting_key = true;
                *on_path
                    && matches!((self.path.get(depth - 1), key.as_deref()), (Some(Step::Key(k)), Some(actual)) if *k == actual)
            }
        };
        if on_path && depth >= self.depth_matched {
            self.depth_matched = depth;
            self.best = (mark.line().max(1), mark.col() + 1);
            if depth == self.path.len() {
                self.done = true;
            }
        }
        on_path
    }
}

impl MarkedEventReceiver for Locator<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.done {
            return;
        }
        match event {
            Event::Scalar(value, ..) => {
                let depth = self.stack.len();
                let path = self.path;
                let mut key_mark = None;
                if let Some(Frame::Map { expecting_key, key, on_path }) = self.stack.last_mut() {
                    if *expecting_key {
                        // A key on the path points at itself: `quote:` is where
                        // the reader looks, even before the value.
                        if *on_path && matches!(path.get(depth - 1), Some(Step::Key(k)) if *k == value) {
                            key_mark = Some(mark);
                        }
                        *key = Some(value);
                        *expecting_key = false;
                        if let Some(mark) = key_mark {
                            if depth >= self.depth_matched {
                                self.best = (mark.line().max(1), mark.col() + 1);
                                self.depth_matched = depth;
                            }
                        }
                        return;
                    }
                }
                self.enter_node(mark);
            }
            Event::Alias(_) => {
                self.enter_node(mark);
            }
            Event::SequenceStart(..) => {
                let on_path = self.enter_node(mark);
                self.stack.push(Frame::Seq { next_index: 0, on_path });
            }
            Event::MappingStart(..) => {
                let on_path = self.enter_node(mark);
                self.stack.push(Frame::Map { expecting_key: true, key: None, on_path });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDECAR: &str = "mentions:\n  - quote: \"the envoy\"\n    person: steve\nclaims:\n  - claim: a\n    quote: x\n  - claim: b\n    quote: \"19 months\"\n    value: 19\n";

    #[test]
    fn locates_entries_and_fields() {
        assert_eq!(locate(SIDECAR, &[Step::Key("claims")]), (4, 1));
        assert_eq!(locate(SIDECAR, &[Step::Key("claims"), Step::Index(1)]), (7, 5));
        assert_eq!(
            locate(SIDECAR, &[Step::Key("claims"), Step::Index(1), Step::Key("quote")]),
            (8, 5)
        );
        assert_eq!(
            locate(SIDECAR, &[Step::Key("mentions"), Step::Index(0), Step::Key("person")]),
            (3, 5)
        );
    }

    #[test]
    fn missing_path_falls_back_to_deepest_ancestor() {
        assert_eq!(
            locate(SIDECAR, &[Step::Key("claims"), Step::Index(1), Step::Key("nope")]),
            (7, 5)
        );
        assert_eq!(locate("::: [", &[Step::Key("x")]), (1, 1));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        quote: String,
        value: Option<f64>,
    }

    #[test]
    fn unknown_field_points_at_it_with_a_suggestion() {
        let src = "- quote: a\n- qoute: b\n";
        let d = parse::<Vec<Entry>>(src, Path::new("x.yaml"), 0).unwrap_err();
        assert_eq!(d.code, "unknown-field");
        let loc = d.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(d.hint.as_deref(), Some("did you mean `quote`?"));
    }

    #[test]
    fn wrong_type_and_syntax_errors_are_named() {
        let d = parse::<Vec<Entry>>("- quote: a\n  value: many\n", Path::new("x.yaml"), 0).unwrap_err();
        assert_eq!(d.code, "wrong-type");
        assert_eq!(d.location.unwrap().line, 2);
        let d = parse::<Vec<Entry>>("- quote: \"a\n", Path::new("x.yaml"), 3).unwrap_err();
        assert_eq!(d.code, "yaml-syntax");
        assert!(d.location.unwrap().line >= 4);
    }
}
