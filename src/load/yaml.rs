//! YAML with locations: typed deserialisation (serde_yaml) whose errors become
//! diagnostics at file:line:column, and a locator that finds the line of any
//! node by its path (`claims[3].quote`) for the later stages' diagnostics.
//!
//! serde_yaml gives no spans for values, so the locator parses the text again
//! with yaml-rust2's event parser, which does. It runs only when a diagnostic
//! needs a location, so clean builds never pay for it.

use std::cell::OnceCell;
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
    too_deep(source, file, line_offset)?;
    serde_yaml::from_str(source)
        .map_err(|err| Box::new(to_diagnostic(&err, source, file, line_offset)))
}

/// A list whose entries are deserialised one by one, so that one broken
/// entry neither hides the others nor the problems of the entries after it.
pub struct Lenient<T> {
    /// The entries that deserialised, with their index in the list.
    pub entries: Vec<(usize, T)>,
    /// The entries that did not, as plain YAML (to learn e.g. their `id`).
    pub broken: Vec<serde_yaml::Value>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `source` as a YAML list of `T`. Every entry that fails is reported:
/// the first with serde_yaml's own location, the others at their entry (or
/// field). Text that is not a list at all gives one diagnostic and no entries.
pub fn parse_list<T: DeserializeOwned + Send>(source: &str, file: &Path) -> Lenient<T> {
    let mut out = Lenient {
        entries: Vec::new(),
        broken: Vec::new(),
        diagnostics: Vec::new(),
    };
    if let Some(entries) = parse_in_pieces::<T>(source, file) {
        out.entries = entries.into_iter().enumerate().collect();
        return out;
    }
    match parse::<Option<Vec<T>>>(source, file, 0) {
        Ok(list) => out.entries = list.unwrap_or_default().into_iter().enumerate().collect(),
        Err(first) => {
            let code = first.code;
            out.diagnostics.push(*first);
            // Entry by entry, unless the text is no YAML list at all.
            let values = match code {
                "yaml-syntax" | "yaml-too-deep" => None,
                _ => serde_yaml::from_str::<Option<Vec<serde_yaml::Value>>>(source)
                    .ok()
                    .flatten(),
            };
            if let Some(values) = values {
                let mut first_seen = false;
                let doc = Doc::new(source);
                out.entries = entries(
                    values,
                    &doc,
                    file,
                    &[],
                    &mut first_seen,
                    &mut out.diagnostics,
                    &mut out.broken,
                );
            }
        }
    }
    out
}

/// The entries of a large list, parsed in pieces side by side; `None` when
/// the text can't be cut ([`list_pieces`]) or a piece fails, and the whole
/// text must be parsed at once (which also reports its problems).
///
/// serde_yaml reads a document into a list of all its events before it
/// deserialises any: for `claims.yaml` at 10,000 articles (3.6 MB) that is
/// 38 MB of memory, on one thread. In pieces of whole entries, the catalogue
/// is read by every core, each piece's events fitting in the caches.
fn parse_in_pieces<T: DeserializeOwned + Send>(source: &str, file: &Path) -> Option<Vec<T>> {
    parse_in_pieces_of(source, file, 32 * 1024)
}

fn parse_in_pieces_of<T: DeserializeOwned + Send>(
    source: &str,
    file: &Path,
    piece_bytes: usize,
) -> Option<Vec<T>> {
    use rayon::prelude::*;
    let pieces = list_pieces(source, piece_bytes)?;
    if pieces.len() < 2 {
        return None;
    }
    let lists: Vec<Vec<T>> = pieces
        .into_par_iter()
        .map(|(line, piece)| parse::<Option<Vec<T>>>(piece, file, line).ok()?)
        .collect::<Option<_>>()?;
    Some(lists.into_iter().flatten().collect())
}

/// Cuts a YAML list written as a block sequence at column 0 (`- id: ...`)
/// into pieces of whole entries, of about `piece_bytes` each: every piece is
/// a list of its own, with the number of lines before it. `None` when the
/// text is anything else: a mapping, a flow list, a directive or a second
/// document (`---`, `...`), or anything but comments before the first entry.
///
/// A line that starts with `- ` is an entry of the list, except inside a
/// quoted or bracketed value that spans lines, which the cut leaves open at
/// the end of a piece: that piece then fails to parse, and so does the whole
/// cut ([`parse_in_pieces`]). An alias (`*name`) of an anchor in another
/// piece fails the same way. The pieces' lists joined are therefore always
/// the list the whole text holds.
fn list_pieces(source: &str, piece_bytes: usize) -> Option<Vec<(usize, &str)>> {
    let mut pieces = Vec::new();
    // The current piece's start (byte, line), once the first entry is seen.
    let mut piece: Option<(usize, usize)> = None;
    let (mut at, mut line) = (0, 0);
    let mut started = false;
    while at < source.len() {
        let end =
            memchr::memchr(b'\n', &source.as_bytes()[at..]).map_or(source.len(), |n| at + n + 1);
        let text = source[at..end].trim_end_matches(['\n', '\r']);
        let entry = text == "-" || text.starts_with("- ");
        match piece {
            _ if text.starts_with("---") || text.starts_with("...") => {
                // Only the start of the one document, before its list.
                if piece.is_some() || text.trim_end() != "---" || started {
                    return None;
                }
                started = true;
            }
            None if entry => piece = Some((at, line)),
            None if !matches!(text.trim_start().bytes().next(), None | Some(b'#')) => return None,
            Some((start, first_line)) if entry && at - start >= piece_bytes => {
                pieces.push((first_line, &source[start..at]));
                piece = Some((at, line));
            }
            _ => {}
        }
        (at, line) = (end, line + 1);
    }
    let (start, first_line) = piece?;
    pieces.push((first_line, &source[start..]));
    Some(pieces)
}

/// Deserialises each of `values` (the list at `prefix` in `doc`) as `T`.
/// The first failure overall (`first_seen` false) was already reported with
/// its exact location by the whole-document parse, so it is not reported
/// again.
pub fn entries<T: DeserializeOwned>(
    values: Vec<serde_yaml::Value>,
    doc: &Doc<'_>,
    file: &Path,
    prefix: &[Step<'_>],
    first_seen: &mut bool,
    diagnostics: &mut Vec<Diagnostic>,
    broken: &mut Vec<serde_yaml::Value>,
) -> Vec<(usize, T)> {
    let mut kept = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        match T::deserialize(value.clone()) {
            Ok(entry) => kept.push((index, entry)),
            Err(err) => {
                broken.push(value);
                if !std::mem::replace(first_seen, true) {
                    continue;
                }
                diagnostics.push(value_error(&err, doc, file, prefix, index));
            }
        }
    }
    kept
}

/// A diagnostic for entry `index` of the list at `prefix`, from an error of
/// deserialising it alone (which has no location of its own).
fn value_error(
    err: &serde_yaml::Error,
    doc: &Doc<'_>,
    file: &Path,
    prefix: &[Step<'_>],
    index: usize,
) -> Diagnostic {
    let (path, message) = error_message(&err.to_string());
    let (code, message, hint) = classify(&message, path.as_deref(), doc.source(), None);
    let field = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("`"))
        .and_then(|rest| rest.split('`').next())
        .map(|f| f.trim_end_matches(':').to_owned());
    let mut at: Vec<Step<'_>> = prefix.to_vec();
    at.push(Step::Index(index));
    if let Some(field) = field.as_deref() {
        at.push(Step::Key(field));
    }
    doc.point_at(Diagnostic::error(code, message), file, &at)
        .with_hint(hint)
}

/// Refuses text nested deeper than [`MAX_DEPTH`] before any parser recurses
/// into it.
fn too_deep(source: &str, file: &Path, line_offset: usize) -> Result<(), Box<Diagnostic>> {
    if !deeper_than_allowed(source) {
        return Ok(());
    }
    Err(Box::new(
        Diagnostic::error("yaml-too-deep", format!("the YAML is nested more than {MAX_DEPTH} levels deep"))
            .at(file, 1 + line_offset, 1)
            .with_hint("a dossier's YAML needs a few levels (a list of entries with fields); check for runaway `[` / `{` or indentation"),
    ))
}

/// A serde_yaml error as a diagnostic at the spot it names.
fn to_diagnostic(
    err: &serde_yaml::Error,
    source: &str,
    file: &Path,
    line_offset: usize,
) -> Diagnostic {
    let full = err.to_string();
    let (path, message) = error_message(&full);
    let (code, mut message, hint) = classify(
        &message,
        path.as_deref(),
        source,
        err.location().map(|l| l.index()),
    );
    let parts = if code == "yaml-syntax" {
        syntax_parts(&full)
    } else {
        None
    };
    // Where to point: serde errors carry a location; libyaml's syntax errors
    // name a problem and, often, the construct it was reading ("while
    // scanning a quoted scalar at line 1 column 8"). An unclosed quote or
    // bracket is fixed where it opens, not where the file ends.
    let mut spot = err.location().map(|l| (l.line(), l.column()));
    if let Some(parts) = &parts {
        message = parts.problem.clone();
        spot = parts.problem_mark.or(spot);
        if let (Some(context), Some(mark)) = (&parts.context, parts.context_mark) {
            let opener = context.contains("quoted scalar")
                || context.contains("flow sequence")
                || context.contains("flow mapping");
            let past_end = spot.is_none_or(|(line, _)| line > source.lines().count());
            if opener || past_end {
                if let Some((line, column)) = parts.problem_mark {
                    message = format!(
                        "{message} (at line {}, column {column}) {context}",
                        line + line_offset
                    );
                } else {
                    message = format!("{message} {context}");
                }
                spot = Some(mark);
            } else {
                message = format!("{message}, {context}");
            }
        }
    }
    let mut diagnostic = Diagnostic::error(code, message);
    diagnostic = match spot {
        Some((line, column)) => {
            let width = source
                .lines()
                .nth(line.saturating_sub(1))
                .map(|text| token_width(text, column))
                .unwrap_or(1);
            let shown = format!("{}{}", "\n".repeat(line_offset), source);
            diagnostic.at_source(file, &shown, line + line_offset, column, width)
        }
        None => diagnostic.at(file, 1 + line_offset, 1),
    };
    let hint = match (&parts, hint) {
        (Some(parts), _) => syntax_hint(parts),
        (None, hint) => hint,
    };
    diagnostic.with_hint(hint)
}

/// libyaml's syntax error, taken apart: `{problem} at line L column C, {context} at line L column C`.
struct SyntaxParts {
    problem: String,
    problem_mark: Option<(usize, usize)>,
    context: Option<String>,
    context_mark: Option<(usize, usize)>,
}

/// How serde's own errors start (libyaml's syntax errors never do).
const SERDE_ERRORS: &[&str] = &[
    "unknown field",
    "missing field",
    "invalid type",
    "invalid value",
    "invalid length",
    "unknown variant",
    "duplicate field",
];

fn syntax_parts(full: &str) -> Option<SyntaxParts> {
    // Only libyaml's errors have this shape; serde's start with a known word.
    if SERDE_ERRORS.iter().any(|s| full.contains(s)) {
        return None;
    }
    let (head, context) = match full.find(", while ") {
        Some(i) => (&full[..i], Some(&full[i + 2..])),
        None => (full, None),
    };
    let split_mark = |text: &str| -> (String, Option<(usize, usize)>) {
        match text.rfind(" at line ") {
            Some(i) => {
                let mut nums = text[i + 9..].split(" column ");
                let line = nums.next().and_then(|n| n.trim().parse().ok());
                let column = nums.next().and_then(|n| n.trim().parse().ok());
                match (line, column) {
                    (Some(l), Some(c)) => (text[..i].to_owned(), Some((l, c))),
                    _ => (text.to_owned(), None),
                }
            }
            None => (text.to_owned(), None),
        }
    };
    let (problem, problem_mark) = split_mark(head);
    let (context, context_mark) = match context {
        Some(c) => {
            let (c, m) = split_mark(c);
            (Some(c), m)
        }
        None => (None, None),
    };
    // serde's own messages (e.g. "recursion limit exceeded") have no mark in the text.
    problem_mark.map(|_| SyntaxParts {
        problem,
        problem_mark,
        context,
        context_mark,
    })
}

fn syntax_hint(parts: &SyntaxParts) -> String {
    let context = parts.context.as_deref().unwrap_or_default();
    if context.contains("quoted scalar") {
        "close the quote that opens here; a `\"` inside a double-quoted value is written `\\\"`"
            .into()
    } else if context.contains("flow sequence") {
        "close the list `[...]` that opens here, with `,` between items; or write one `- item` per line".into()
    } else if context.contains("flow mapping") {
        "close the mapping `{...}` that opens here, with `,` between fields".into()
    } else if parts.problem.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted: `key: \"a: b\"`".into()
    } else if parts.problem.contains("tab") {
        "indent with spaces, not tabs".into()
    } else {
        "check the indentation and quoting here; a value containing `: ` or `#`, or starting with a quote, `*`, `&`, `[` or `{`, must be quoted".into()
    }
}

/// serde_yaml's message without what the diagnostic shows apart: the
/// ` at line L column C` it appends and the `path.to[0].node: ` it prepends
/// (returned apart).
fn error_message(full: &str) -> (Option<String>, String) {
    let mut message = full;
    if let Some(i) = message.rfind(" at line ") {
        let tail = &message[i + " at line ".len()..];
        let mut words = tail.split(' ');
        let located = matches!(
            (words.next(), words.next(), words.next(), words.next()),
            (Some(l), Some("column"), Some(c), None)
                if l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit())
        );
        if located {
            message = &message[..i];
        }
    }
    const OTHER_STARTS: &[&str] = &[
        "recursion limit exceeded",
        "data did not match any variant",
        // chrono's date errors
        "input is out of range",
        "input is not enough",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "no possible date",
        "bad or unsupported format",
    ];
    for start in SERDE_ERRORS.iter().chain(OTHER_STARTS) {
        if message.starts_with(start) {
            break;
        }
        if let Some(i) = message.find(&format!(": {start}")) {
            return (Some(message[..i].to_owned()), message[i + 2..].to_owned());
        }
    }
    (None, message.to_owned())
}

/// Names the kind of a serde_yaml error, says it in the dossier's words, and
/// says what to do about it.
fn classify(
    message: &str,
    path: Option<&str>,
    source: &str,
    index: Option<usize>,
) -> (&'static str, String, String) {
    let field = path
        .and_then(|p| p.rsplit('.').next())
        .map(|f| f.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '['));
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected = backquoted(rest.split("expected ").nth(1).unwrap_or_default());
        let hint = match did_you_mean(name, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => "remove this field".to_owned(),
            None => format!("the fields here are: {}", expected.join(", ")),
        };
        return ("unknown-field", message.to_owned(), hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            "missing-field",
            message.to_owned(),
            format!("add the field `{name}:` here"),
        );
    }
    const DATE: &[&str] = &[
        "input is out of range",
        "input is not enough",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "no possible date",
        "bad or unsupported format",
    ];
    if DATE.iter().any(|d| message.starts_with(d)) {
        let written = index
            .and_then(|i| source.get(i..))
            .map(|rest| {
                rest.lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches(['"', '\''])
                    .to_owned()
            })
            .unwrap_or_default();
        let what = match field {
            Some(f) => format!("`{f}:` is not a valid date"),
            None => "not a valid date".to_owned(),
        };
        let why = if message.starts_with("input is out of range") {
            "no such day".to_owned()
        } else {
            message.to_owned()
        };
        let message = if written.is_empty() {
            format!("{what} ({why})")
        } else {
            format!("{what}: `{written}` ({why})")
        };
        return (
            "invalid-date",
            message,
            "write dates as YYYY-MM-DD, e.g. 2025-05-21 (a day that exists)".into(),
        );
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        // "invalid type: string "x", expected a sequence" -> "`aliases:`
        // expects a sequence, not string "x"".
        let reworded = message
            .split_once(": ")
            .and_then(|(_, rest)| rest.rsplit_once(", expected "))
            .map(|(found, expected)| match field.filter(|f| !f.is_empty()) {
                Some(f) => format!("`{f}:` expects {expected}, not {found}"),
                None => format!("expected {expected}, not {found}"),
            });
        let hint = type_hint(message);
        return (
            "wrong-type",
            reworded.unwrap_or_else(|| message.to_owned()),
            hint,
        );
    }
    if message.starts_with("data did not match any variant") {
        return (
            "wrong-type",
            "not a number or a range".to_owned(),
            type_hint("number"),
        );
    }
    if message.starts_with("unknown variant") {
        let name = message
            .strip_prefix("unknown variant `")
            .and_then(|r| r.split('`').next())
            .unwrap_or_default();
        let expected = backquoted(message.split("expected ").nth(1).unwrap_or_default());
        let hint = match did_you_mean(name, expected.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? The values here are: {}",
                expected.join(", ")
            ),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return ("unknown-value", message.to_owned(), hint);
    }
    if message.starts_with("recursion limit exceeded") {
        return (
            "yaml-too-deep",
            "the YAML is nested too deeply".to_owned(),
            "a dossier's YAML needs a few levels; check for runaway nesting".to_owned(),
        );
    }
    (
        "yaml-syntax",
        message.to_owned(),
        "check the indentation and quoting here; a value containing `: ` or `#`, or starting with a quote, `*`, `&`, `[` or `{`, must be quoted".into(),
    )
}

/// The `quoted` names of a serde message ("expected one of `a`, `b`").
fn backquoted(text: &str) -> Vec<&str> {
    text.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect()
}

fn type_hint(message: &str) -> String {
    if message.contains("expected a sequence") {
        "this field takes a list: `[a, b]` or one `- item` per line".into()
    } else if message.contains("expected a string") {
        "put the value in quotes".into()
    } else if message.contains("expected struct") || message.contains("expected a map") {
        "this takes fields (`key: value` lines), not a single value".into()
    } else if message.contains("f64") || message.contains("number") {
        "write a number (e.g. 19), or a range `{min: 19, max: 20}`".into()
    } else if message.contains("boolean") {
        "write `true` or `false`".into()
    } else if message.contains("usize") || message.contains("integer") {
        "write a whole number (e.g. 2)".into()
    } else {
        "this value is not of the type the field takes".into()
    }
}

/// Characters of the token at 1-based `column` of `line`: a scalar up to
/// the next `,`, `]`, `}` or `: ` inside flow collections, or up to the
/// line's end (less a comment) elsewhere.
fn token_width(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    let in_flow = line
        .chars()
        .take(column.saturating_sub(1))
        .any(|c| c == '[' || c == '{');
    let mut width = 0;
    let mut quote = None;
    let mut prev = ' ';
    for c in rest.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if width == 0 && (c == '"' || c == '\'') => quote = Some(c),
            None if c == '#' && prev == ' ' => break,
            None if in_flow && matches!(c, ',' | ']' | '}') => break,
            None if c == ':' && width > 0 => break,
            None => {}
        }
        width += 1;
        prev = c;
    }
    rest.chars()
        .take(width)
        .collect::<String>()
        .trim_end()
        .chars()
        .count()
        .max(1)
}

/// Points `diagnostic` at the node at `path` of the YAML `source` read from
/// `file`, underlining the rest of that line. For many diagnostics into one
/// text, use a [`Doc`]: this parses the text each time.
pub fn point_at(
    diagnostic: Diagnostic,
    file: &Path,
    source: &str,
    path: &[Step<'_>],
) -> Diagnostic {
    Doc::new(source).point_at(diagnostic, file, path)
}

/// Finds the 1-based (line, column) of the node at `path` in `source`, or of the
/// deepest ancestor that exists. A `Key` step points at the key itself (where
/// the reader looks), an `Index` step at the list item. Falls back to (1, 1)
/// for unparseable text.
pub fn locate(source: &str, path: &[Step<'_>]) -> (usize, usize) {
    Doc::new(source).locate(path)
}

/// One step of a path into a YAML document.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A YAML text whose node positions and line starts are computed once, when
/// first needed, for pointing any number of diagnostics into it (one parse
/// per diagnostic would make a file with thousands of problems quadratic).
pub struct Doc<'s> {
    source: &'s str,
    tree: OnceCell<Option<Node>>,
    line_starts: OnceCell<Vec<usize>>,
}

impl<'s> Doc<'s> {
    pub fn new(source: &'s str) -> Self {
        Doc {
            source,
            tree: OnceCell::new(),
            line_starts: OnceCell::new(),
        }
    }

    pub fn source(&self) -> &'s str {
        self.source
    }

    /// See [`locate`].
    pub fn locate(&self, path: &[Step<'_>]) -> (usize, usize) {
        let tree = self.tree.get_or_init(|| {
            // yaml-rust2's parser recurses once per level of nesting: text
            // nested beyond what serde_yaml accepts has been reported
            // already, and is not walked again.
            if deeper_than_allowed(self.source) {
                return None;
            }
            let mut builder = TreeBuilder::default();
            let _ = Parser::new_from_str(self.source).load(&mut builder, false);
            builder.root
        });
        let Some(mut node) = tree.as_ref() else {
            return (1, 1);
        };
        let mut best = node.at();
        for step in path {
            let next = match (step, node) {
                (Step::Key(k), Node::Map(_, entries)) => entries
                    .iter()
                    .find(|(key, _, _)| key == k)
                    .map(|(_, key_at, value)| (*key_at, value)),
                (Step::Index(i), Node::Seq(_, items)) => {
                    items.get(*i).map(|item| (item.at(), item))
                }
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

    /// The text of 1-based line `line` (without its line break).
    pub fn line(&self, line: usize) -> Option<&'s str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(self.source.len(), |next| next - 1);
        Some(self.source[start..end].trim_end_matches('\r'))
    }

    /// See [`point_at`].
    pub fn point_at(&self, diagnostic: Diagnostic, file: &Path, path: &[Step<'_>]) -> Diagnostic {
        let (line, column) = self.locate(path);
        let text = self.line(line).unwrap_or_default();
        // A whole `key: value` line is underlined; an item of a flow list alone.
        let width = if text.chars().take(column - 1).any(|c| c == '[' || c == '{') {
            token_width(text, column)
        } else {
            text.trim_end().chars().count().saturating_sub(column - 1)
        };
        diagnostic.at_line(file, line, column, text, width)
    }
}

/// The [`Doc`]s of several files (people and claims files), by path.
pub struct Docs<'s> {
    docs: std::collections::HashMap<&'s Path, Doc<'s>>,
}

impl<'s> Docs<'s> {
    pub fn new(sources: &'s std::collections::HashMap<std::path::PathBuf, String>) -> Self {
        Docs {
            docs: sources
                .iter()
                .map(|(path, text)| (path.as_path(), Doc::new(text)))
                .collect(),
        }
    }

    /// [`Doc::locate`] in `file` ((1, 1) for a file not known).
    pub fn locate(&self, file: &Path, path: &[Step<'_>]) -> (usize, usize) {
        self.docs.get(file).map_or((1, 1), |doc| doc.locate(path))
    }

    /// [`Doc::point_at`] in `file`.
    pub fn point_at(&self, diagnostic: Diagnostic, file: &Path, path: &[Step<'_>]) -> Diagnostic {
        match self.docs.get(file) {
            Some(doc) => doc.point_at(diagnostic, file, path),
            None => diagnostic.in_file(file),
        }
    }
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

/// The deepest YAML nesting serde_yaml and the locator are given: deeper
/// text is an error (`yaml-too-deep`), not a stack overflow.
pub const MAX_DEPTH: usize = 100;

/// Whether `source` may be nested deeper than [`MAX_DEPTH`]. Every file of a
/// dossier is checked, so a bound that needs no parsing comes first: the
/// depth is at most the number of `[` and `{` plus half the deepest
/// indentation, and only text over that bound is looked at closely.
pub fn deeper_than_allowed(source: &str) -> bool {
    let bytes = source.as_bytes();
    let brackets = memchr::memchr2_iter(b'[', b'{', bytes).count();
    // The indentation of each line as `nesting_depth` counts it, looked at
    // only where lines start (found with memchr, as the brackets are).
    let indent_at = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':'))
            .count()
    };
    let deepest_indent = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
        .map(indent_at)
        .max()
        .unwrap_or(0);
    brackets + deepest_indent / 2 > MAX_DEPTH && nesting_depth(source) > MAX_DEPTH
}

/// A cheap upper bound of the nesting depth of YAML text: flow brackets
/// (`[`, `{`) outside quotes and comments, plus block indentation. Used to
/// refuse pathological input before a recursive parser sees it.
fn nesting_depth(source: &str) -> usize {
    let mut deepest = 0;
    let mut flow: usize = 0;
    for line in source.lines() {
        let indent = line.len() - line.trim_start_matches([' ', '-', '?', ':']).len();
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' if prev.is_whitespace() => break,
                    '"' | '\'' if !prev.is_alphanumeric() => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        deepest = deepest.max(flow);
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
            prev = c;
        }
        // Every level of block nesting takes at least one column.
        deepest = deepest.max(flow + indent / 2);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDECAR: &str = "mentions:\n  - quote: \"the envoy\"\n    person: steve\nclaims:\n  - claim: a\n    quote: x\n  - claim: b\n    quote: \"19 months\"\n    value: 19\n";

    #[test]
    fn only_text_nested_too_deep_is_refused() {
        let flow = |n: usize| format!("a: {}{}", "[".repeat(n), "]".repeat(n));
        assert!(!deeper_than_allowed(&flow(MAX_DEPTH)));
        assert!(deeper_than_allowed(&flow(MAX_DEPTH + 1)));
        // Over the quick bound, but the brackets are inside a string.
        let quoted = format!("a: \"{}\"\n", "[".repeat(2 * MAX_DEPTH));
        assert!(!deeper_than_allowed(&quoted));
        let indented: String = (0..=2 * MAX_DEPTH + 2)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(deeper_than_allowed(&indented));
        assert!(!deeper_than_allowed(SIDECAR));
    }

    proptest::proptest! {
        /// The quick bound never hides text that is too deep.
        #[test]
        fn the_quick_bound_agrees_with_the_close_look(
            tokens in proptest::collection::vec(proptest::sample::select(&[
                "[", "[", "{", "]", "}", " ", "  ", "        ", "-", "?", ":", "\n", "\r\n",
                "\"", "'", "#", "a", "é",
            ][..]), 0..300),
            // Right at the limit, where a bound that is one too low shows.
            opening in (MAX_DEPTH - 3)..(MAX_DEPTH + 3),
        ) {
            let source = "[".repeat(opening) + &tokens.concat();
            proptest::prop_assert_eq!(
                deeper_than_allowed(&source),
                nesting_depth(&source) > MAX_DEPTH
            );
        }
    }

    #[test]
    fn a_block_list_is_cut_at_its_entries_and_nothing_else_is() {
        let list = "# people\n---\n- id: a\n  n: 1\n\n- id: b\n# note\n- id: c\n";
        let cut = |source| list_pieces(source, 1).map(|p| p.into_iter().collect::<Vec<_>>());
        assert_eq!(
            cut(list),
            Some(vec![
                (2, "- id: a\n  n: 1\n\n"),
                (5, "- id: b\n# note\n"),
                (7, "- id: c\n")
            ])
        );
        // Pieces of at least 20 bytes: whole entries, as many as it takes.
        assert_eq!(
            list_pieces(list, 20).unwrap(),
            vec![
                (2, "- id: a\n  n: 1\n\n- id: b\n# note\n"),
                (7, "- id: c\n")
            ]
        );
        for other in [
            "people:\n- id: a\n",
            "[a, b]\n",
            "%YAML 1.2\n---\n- a\n",
            "- a\n---\n- b\n",
            "- a\n...\n",
            "",
        ] {
            assert_eq!(cut(other), None, "{other:?}");
        }
        let values = parse_in_pieces_of::<serde_yaml::Value>(list, Path::new("x.yaml"), 1);
        assert_eq!(values.map(|v| v.len()), Some(3));
    }

    proptest::proptest! {
        /// Parsed in pieces, a list is the list the whole text holds, or the
        /// pieces give up: values that span lines, anchors, other documents.
        #[test]
        fn a_list_parsed_in_pieces_is_the_whole_list(
            prefix in proptest::sample::select(&["", "---\n", "# c\n\n", "k:\n", " # c\n"][..]),
            entries in proptest::collection::vec(proptest::sample::select(&[
                "- id: a\n  statement: \"x\"\n",
                "- id: b\n  statement: \"two\n- lines\"\n",
                "- 'it''s\n- x'\n",
                "- &a\n  id: d\n",
                "- *a\n",
                "- [1,\n- 2]\n",
                "- {a: 1,\n- b: 2}\n",
                "- |\n  block\n  - text\n",
                "- >\n  folded\n",
                "# - comment\n",
                "\n",
                "- plain\n  continued\n",
                "-\n  id: e\n",
                "- - nested\n  - two\n",
                "-\tx\n",
                "...\n",
                "---\n",
                "  - indented: 1\n",
                "- \"unclosed\n",
            ][..]), 1..12),
        ) {
            let source = prefix.to_owned() + &entries.concat();
            let pieces = parse_in_pieces_of::<serde_yaml::Value>(&source, Path::new("x.yaml"), 1);
            if let Some(pieces) = pieces {
                let whole = serde_yaml::from_str::<Option<Vec<serde_yaml::Value>>>(&source);
                proptest::prop_assert!(whole.is_ok(), "{:?}", whole);
                proptest::prop_assert_eq!(pieces, whole.unwrap().unwrap_or_default());
            }
        }
    }

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
