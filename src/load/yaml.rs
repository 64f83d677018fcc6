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
    serde_yaml::from_str(source)
        .map_err(|err| Box::new(to_diagnostic(&err, source, file, line_offset)))
}

fn to_diagnostic(
    err: &serde_yaml::Error,
    source: &str,
    file: &Path,
    line_offset: usize,
) -> Diagnostic {
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
    // serde_yaml may put the path first: "claims[2]: unknown field `x`, ...".
    if let Some(rest) = message.split_once("unknown field `").map(|(_, rest)| rest) {
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
        || message.contains("premature end of input") && message.to_lowercase().contains("date")
        || message.contains("invalid date")
        || message.contains("input contains invalid characters")
            && message.to_lowercase().contains("date")
    {
        return (
            "invalid-date",
            Some("write dates as YYYY-MM-DD, e.g. 2025-05-21".into()),
        );
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return ("wrong-type", Some(type_hint(message)));
    }
    if message.contains("unknown variant") {
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
pub fn point_at(
    diagnostic: Diagnostic,
    file: &Path,
    source: &str,
    path: &[Step<'_>],
) -> Diagnostic {
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
/// deepest ancestor that exists. A `Key` step points at the key itself (where
/// the reader looks), an `Index` step at the list item. Falls back to (1, 1)
/// for unparseable text.
pub fn locate(source: &str, path: &[Step<'_>]) -> (usize, usize) {
    let mut builder = TreeBuilder::default();
    let _ = Parser::new_from_str(source).load(&mut builder, false);
    let Some(mut node) = builder.root.as_ref() else {
        return (1, 1);
    };
    let mut best = node.at();
    for step in path {
        let next = match (step, node) {
            (Step::Key(k), Node::Map(_, entries)) => entries
                .iter()
                .find(|(key, _, _)| key == k)
                .map(|(_, key_at, value)| (*key_at, value)),
            (Step::Index(i), Node::Seq(_, items)) => items.get(*i).map(|item| (item.at(), item)),
            _ => None,
        };
        match next {
            Some((at, child)) => {
                best = at;
                node = child;
            }
            None => break,
        }
    }
    best
}

/// A YAML document as a tree of positions (1-based line, column).
enum Node {
    Scalar((usize, usize)),
    Seq((usize, usize), Vec<Node>),
    Map((usize, usize), Vec<(String, (usize, usize), Node)>),
}

impl Node {
    /// Where the node starts. yaml-rust2 marks a block mapping where its
    /// first `:` is, so a map starts at its first key instead.
    fn at(&self) -> (usize, usize) {
        match self {
            Node::Map(at, entries) => entries
                .first()
                .map_or(*at, |(_, key_at, _)| (*key_at).min(*at)),
            Node::Scalar(at) | Node::Seq(at, _) => *at,
        }
    }
}

/// Builds the [`Node`] tree from parser events. A map under construction
/// keeps its pending key until the value arrives.
/// A key waiting for its value: its text and position.
type PendingKey = Option<(String, (usize, usize))>;

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<(Node, PendingKey)>,
    root: Option<Node>,
}

impl TreeBuilder {
    fn add(&mut self, node: Node, key_text: Option<String>) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some((Node::Seq(_, items), _)) => items.push(node),
            Some((Node::Map(_, entries), pending)) => match pending.take() {
                Some((key, key_at)) => entries.push((key, key_at, node)),
                // This node is a key: remember it until its value comes.
                None => *pending = Some((key_text.unwrap_or_default(), node.at())),
            },
            Some((Node::Scalar(_), _)) => {}
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = (mark.line().max(1), mark.col() + 1);
        match event {
            Event::Scalar(value, ..) => self.add(Node::Scalar(at), Some(value)),
            Event::Alias(_) => self.add(Node::Scalar(at), None),
            Event::SequenceStart(..) => self.stack.push((Node::Seq(at, Vec::new()), None)),
            Event::MappingStart(..) => self.stack.push((Node::Map(at, Vec::new()), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _)) = self.stack.pop() {
                    self.add(node, None);
                }
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
        assert_eq!(
            locate(SIDECAR, &[Step::Key("claims"), Step::Index(1)]),
            (7, 5)
        );
        assert_eq!(
            locate(
                SIDECAR,
                &[Step::Key("claims"), Step::Index(1), Step::Key("quote")]
            ),
            (8, 5)
        );
        assert_eq!(
            locate(
                SIDECAR,
                &[Step::Key("mentions"), Step::Index(0), Step::Key("person")]
            ),
            (3, 5)
        );
    }

    #[test]
    fn missing_path_falls_back_to_deepest_ancestor() {
        assert_eq!(
            locate(
                SIDECAR,
                &[Step::Key("claims"), Step::Index(1), Step::Key("nope")]
            ),
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
        let d =
            parse::<Vec<Entry>>("- quote: a\n  value: many\n", Path::new("x.yaml"), 0).unwrap_err();
        assert_eq!(d.code, "wrong-type");
        assert_eq!(d.location.unwrap().line, 2);
        let d = parse::<Vec<Entry>>("- quote: \"a\n", Path::new("x.yaml"), 3).unwrap_err();
        assert_eq!(d.code, "yaml-syntax");
        assert!(d.location.unwrap().line >= 4);
    }
}
