//! An article's body: its Markdown parsed once into blocks of visible text,
//! exact anchoring of passages in that text, and safe rendering to HTML with
//! decorations (highlights, name links, inline markers).
//!
//! Why one module owns all three: anchoring, rendering and the text a reader
//! sees must agree to the byte. A [`TextSpan`] found by [`Body::find`] is an
//! offset into exactly the text that [`Body::render`] writes, so a highlight
//! covers what the editor quoted, never a character more or less.
//!
//! Pipeline (see each file):
//! - `parse.rs`: pulldown-cmark events -> [`Block`]s of visible text plus a flat
//!   list of render items (markup, inline element open/close, text ranges).
//! - `normalize.rs`: white-space and typographic normalisation with an offset
//!   map back to the original bytes (done once per block, at parse time).
//! - `anchor.rs`: [`Body::find`]: exact substring search on normalised text,
//!   prefix/suffix/occurrence disambiguation, errors that list or hint.
//! - `closest.rs`: the "did you mean" passage for a quote that matches nowhere.
//! - `render.rs`: the items -> HTML, splitting marks where they cross element
//!   boundaries or each other so the output is always well-formed.
//! - `url.rs`, `html.rs`, `highlight.rs`: URL policy, escaping/slugs, syntect.
//!
//! Invariants: this module does no I/O, knows nothing about dossiers beyond
//! "passages", and never passes raw HTML from the article through.
//!
//! Choices an editor may notice:
//! - Normalisation also drops invisible characters (soft hyphen, zero-width
//!   space, BOM, bidi marks) so Arabic/Hebrew quotes typed without the
//!   page's hidden RLM/LRM marks still match; guillemets « » are NOT quotes.
//! - `prefix`/`suffix` may reach into the previous/next block.
//! - Images load only from relative URLs (the site loads nothing from other
//!   hosts); a remote or refused image shows its alt text instead.
//! - Raw HTML blocks are shown as escaped text in `<p class="raw-html">`, and
//!   are anchorable like paragraphs (they are visible text).
//! - Heading ids are slugs deduplicated against each other and against the
//!   decorations' ids; `{#id}` heading attributes are not parsed (the
//!   outlet's text stays verbatim). Footnote ids (`fn-<label>`) are not
//!   checked against decoration ids.
//! - A footnote reference's number is not part of the block text, and
//!   highlights close around it.

mod anchor;
mod closest;
mod highlight;
mod html;
mod normalize;
mod parse;
mod render;
mod url;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::ops::Range;

pub use html::{escape, escape_into, escape_to};
pub use url::link_allowed;

/// An article body, parsed once. Cheap to query many times: every block's
/// normalised text and offset map are computed at parse time, because a
/// dossier anchors ~10 passages in each of thousands of articles.
#[derive(Debug, Clone)]
pub struct Body {
    blocks: Vec<Block>,
    /// Parallel to `blocks`: what anchoring and rendering need beyond the text.
    extras: Vec<parse::BlockExtra>,
    /// The document as a flat list of render items.
    items: Vec<parse::Item>,
    /// Byte offset of the start of each source line, for [`Body::line_of`].
    line_starts: Vec<usize>,
    /// Line number of the body's first line in its file (1 when the caller
    /// passes the file's Markdown alone).
    first_line: usize,
    /// False once [`Body::shed_match_index`] has run.
    matchable: bool,
}

/// A block of visible text: a paragraph, heading, tight list item, table
/// cell, raw-HTML block (shown as text) or code block. Passages are matched
/// within one block, never across two, as a reader would expect of a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The visible text, exactly as rendered (entities decoded, Markdown
    /// syntax removed, soft line breaks as "\n").
    pub text: String,
    /// 1-based source line where the block starts.
    pub line: usize,
    /// False for code blocks: a dossier quotes the article's prose, and
    /// code-block text is not rendered in a way a highlight can cover.
    pub anchorable: bool,
}

/// What an annotation says to point at a passage (the format contract's
/// `quote`, `prefix`, `suffix`, `occurrence`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selector<'a> {
    pub quote: &'a str,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
    /// 1-based, among the matches left after `prefix`/`suffix`.
    pub occurrence: Option<usize>,
}

impl<'a> Selector<'a> {
    /// A selector with a quote and no disambiguator.
    pub fn quote(quote: &'a str) -> Self {
        Selector {
            quote,
            ..Selector::default()
        }
    }
}

/// A passage: byte offsets into `blocks()[block].text`, always on character
/// boundaries. Ordered by position in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextSpan {
    pub block: usize,
    pub start: usize,
    pub end: usize,
}

/// Why a selector did not give exactly one passage. The format contract says
/// an annotation is never dropped silently, so each variant carries what an
/// editor needs to fix the selector.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorError {
    /// The quote is empty once white space is normalised.
    EmptyQuote,
    /// No passage matches (or none survives `prefix`/`suffix`).
    NotFound { closest: Option<Closest> },
    /// More than one match and no disambiguator picked exactly one; every
    /// match is listed, in document order.
    Ambiguous { matches: Vec<Candidate> },
    /// `occurrence` is 0 or larger than the number of matches.
    OccurrenceOutOfRange { requested: usize, found: usize },
}

impl std::fmt::Display for AnchorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnchorError::EmptyQuote => write!(f, "the quote is empty"),
            AnchorError::NotFound { closest: None } => write!(f, "the quote matches no passage"),
            AnchorError::NotFound { closest: Some(c) } => write!(
                f,
                "the quote matches no passage; closest (line {}, {:.0}% similar): \"{}\"",
                c.line,
                c.similarity * 100.0,
                c.text.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
            AnchorError::Ambiguous { matches } => {
                write!(f, "the quote matches {} passages:", matches.len())?;
                for m in matches {
                    write!(f, " line {}: {};", m.line, m.context)?;
                }
                Ok(())
            }
            AnchorError::OccurrenceOutOfRange { requested, found } => {
                write!(
                    f,
                    "occurrence {requested} requested, but the quote matches {found} passage(s)"
                )
            }
        }
    }
}

impl std::error::Error for AnchorError {}

/// The passage most like a quote that matched nowhere: a hint for the editor,
/// never used to anchor anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    /// The passage as it reads in the article (not normalised).
    pub text: String,
    pub line: usize,
    /// 0..=1 (normalised Levenshtein similarity on normalised text).
    pub similarity: f64,
}

/// One of several matches of an ambiguous quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub span: TextSpan,
    pub line: usize,
    /// One line of text around the match, the match itself in «guillemets»,
    /// "…" where the context was cut.
    pub context: String,
}

/// What to add to the rendered body: highlights and links.
#[derive(Debug, Clone, Default)]
pub struct Decorations {
    pub marks: Vec<Mark>,
    pub links: Vec<Link>,
}

/// A highlighted passage (`<mark>`), e.g. an annotation or a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub span: TextSpan,
    /// Fragment id: on the first `<mark>` segment only, so `#id` lands on the
    /// start of the passage and ids stay unique.
    pub id: String,
    /// On every segment.
    pub class: String,
    /// On every segment (a hover hint).
    pub title: Option<String>,
    /// Raw HTML (trusted: written by the generator, not the article) placed
    /// right after the passage's last character, e.g. a flag marker. It lands
    /// inside the paragraph, so it must be phrasing content (`<sup>`, `<a>`,
    /// `<span>`...). It is moved past the end of an enclosing `<a>` so links
    /// never nest.
    pub after: String,
}

/// An automatic link (e.g. a person's name to their page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Must lie within one of [`Body::linkable_runs`].
    pub span: TextSpan,
    pub href: String,
    pub id: String,
    pub class: String,
    pub title: Option<String>,
}

impl Body {
    /// Parses an article body (Markdown without front matter). Lines are
    /// counted from 1; see [`Body::parse_at`] when the body starts further
    /// down a file.
    pub fn parse(markdown: &str) -> Body {
        Body::parse_at(markdown, 1)
    }

    /// Like [`Body::parse`], for a body whose first line is line `first_line`
    /// of its file (after front matter), so reported lines point into the file.
    pub fn parse_at(markdown: &str, first_line: usize) -> Body {
        parse::parse(markdown, first_line.max(1))
    }

    /// Blocks of visible text, in document order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Exact anchoring of a selector; see the format contract's "Anchoring".
    pub fn find(&self, sel: &Selector) -> Result<TextSpan, AnchorError> {
        debug_assert!(self.matchable, "find after shed_match_index");
        anchor::find(self, sel)
    }

    /// Every match of `quote` (normalised, overlapping matches included), in
    /// document order: for checks that ask "does this article say this?".
    pub fn occurrences(&self, quote: &str) -> Vec<TextSpan> {
        debug_assert!(self.matchable, "occurrences after shed_match_index");
        anchor::occurrences(self, quote)
    }

    /// Frees what only matching needs: each block's normalised text and its
    /// offset map, about as large as the text itself. Once an article's
    /// passages are anchored its body is only rendered and quoted, and a
    /// dossier holds thousands of bodies until every page is written.
    /// [`Body::find`] and [`Body::occurrences`] must not be called afterwards.
    pub fn shed_match_index(&mut self) {
        for x in &mut self.extras {
            x.norm = normalize::Normalized::default();
        }
        self.matchable = false;
    }

    /// Runs of plain prose where automatic name links may go: not inside a
    /// Markdown link, inline code, raw HTML shown as text, or a code block,
    /// and not across a line break (`<br>`) or inline element boundary, so a
    /// link placed within a run never needs splitting.
    pub fn linkable_runs(&self) -> Vec<(usize, Range<usize>)> {
        self.extras
            .iter()
            .enumerate()
            .flat_map(|(b, x)| x.runs.iter().map(move |r| (b, r.clone())))
            .collect()
    }

    /// The passage's visible text exactly as in the article ("" for a span
    /// that is not valid in this body).
    pub fn text(&self, span: TextSpan) -> &str {
        self.blocks
            .get(span.block)
            .and_then(|b| b.text.get(span.start..span.end))
            .unwrap_or("")
    }

    /// Context for a snippet: (up to `chars` chars before, the passage, up to
    /// `chars` after), cut at word boundaries (at a character where a script
    /// has no spaces), within the block.
    pub fn context(&self, span: TextSpan, chars: usize) -> (&str, &str, &str) {
        let Some(text) = self.blocks.get(span.block).map(|b| b.text.as_str()) else {
            return ("", "", "");
        };
        let (Some(before), Some(passage), Some(after)) = (
            text.get(..span.start),
            text.get(span.start..span.end),
            text.get(span.end..),
        ) else {
            return ("", "", "");
        };
        (tail_chars(before, chars), passage, head_chars(after, chars))
    }

    /// 1-based line in the Markdown source where the span starts.
    pub fn line_of(&self, span: TextSpan) -> usize {
        match self.extras.get(span.block) {
            Some(x) => self.line_at(x.source_offset(span.start)),
            None => self.first_line,
        }
    }

    /// Renders the body to HTML with decorations. Decorations that cannot be
    /// placed (see [`Body::invalid_decorations`]) are left out.
    pub fn render(&self, deco: &Decorations) -> String {
        render::render(self, deco, render::Flow::Blocks)
    }

    /// Ids of the decorations [`Body::render`] would leave out: spans outside
    /// the body, not on character boundaries, empty, or in a code block;
    /// links outside a linkable run, overlapping an earlier link, or with a
    /// refused URL. Lets the caller report them instead of losing them.
    pub fn invalid_decorations<'d>(&self, deco: &'d Decorations) -> Vec<&'d str> {
        render::invalid_decorations(self, deco)
    }

    fn line_at(&self, offset: usize) -> usize {
        parse::line_at(&self.line_starts, self.first_line, offset)
    }
}

/// Markdown from YAML (notes, summaries, statements, descriptions): the same
/// safe renderer as article bodies, without decorations.
pub fn markdown_to_html(markdown: &str) -> String {
    plain_paragraph(markdown)
        .unwrap_or_else(|| Body::parse(markdown).render(&Decorations::default()))
}

/// Markdown from YAML for a place inside a line of text (a claim's
/// statement in its heading, a flag's message in a sentence): inline markup
/// only, never a block element. Blocks (paragraphs, list items, a raw HTML
/// block shown as text) are joined by a space, a code block is inline code.
pub fn markdown_to_inline_html(markdown: &str) -> String {
    if is_plain_paragraph(markdown) {
        return html::escape(markdown);
    }
    let body = Body::parse(markdown);
    render::render(&body, &Decorations::default(), render::Flow::Inline)
}

/// The HTML of a text that Markdown reads as one paragraph of just that
/// text, written without parsing; `None` for any other text. Most
/// statements and notes are such a sentence, and a build renders tens of
/// thousands of them: one line, starting with a letter, a quotation mark or
/// a parenthesis, holding no character that any Markdown syntax (or a table,
/// footnote or strikethrough) starts with, and no space or control
/// character at either end.
fn plain_paragraph(markdown: &str) -> Option<String> {
    is_plain_paragraph(markdown).then(|| {
        let mut html = String::with_capacity(markdown.len() + 16);
        html.push_str("<p>");
        html::escape_into(&mut html, markdown);
        html.push_str("</p>\n");
        html
    })
}

/// Whether [`plain_paragraph`] can write `markdown` without parsing it.
fn is_plain_paragraph(markdown: &str) -> bool {
    let (Some(first), Some(last)) = (markdown.chars().next(), markdown.chars().next_back()) else {
        return false;
    };
    let opens_a_paragraph =
        first.is_alphabetic() || !first.is_ascii() || matches!(first, '"' | '\'' | '(');
    let plain = |c: char| {
        !c.is_ascii()
            || c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '.'
                    | ','
                    | ';'
                    | ':'
                    | '?'
                    | '!'
                    | '\''
                    | '"'
                    | '('
                    | ')'
                    | '%'
                    | '/'
                    | '@'
                    | '+'
                    | '='
                    | '-'
                    | '$'
            )
    };
    let ends_clean = |c: char| !c.is_whitespace() && !c.is_control();
    opens_a_paragraph
        && ends_clean(first)
        && ends_clean(last)
        && markdown.chars().all(|c| plain(c) && !c.is_control())
}

/// Markdown to plain text: emphasis and link markup dropped.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            // Blocks are separated by a space; inline markup is not.
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The normalised form of a text as used for anchoring (white space collapsed
/// and trimmed, typographic quotes/dashes/ellipses as ASCII, invisible
/// characters dropped): for callers that compare quotes across articles.
pub fn normalize_text(s: &str) -> String {
    normalize::normalize_str(s)
}

/// The last `chars` characters of `s`, without a word cut in half.
fn tail_chars(s: &str, chars: usize) -> &str {
    if chars == 0 {
        return "";
    }
    let Some(start) = start_of_last_chars(s, chars) else {
        return s.trim_start();
    };
    let mut cut = &s[start..];
    let mid_word = s[..start]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace());
    if mid_word && !cut.starts_with(char::is_whitespace) {
        if let Some(i) = cut.find(char::is_whitespace) {
            cut = &cut[i..];
        }
    }
    cut.trim_start()
}

/// Where the last `chars` (> 0) characters of `s` start; `None` when it has
/// fewer. Every passage's context is cut this way (annotations.jsonld, person
/// pages): when the last `chars` bytes are ASCII, they are those characters,
/// found without decoding any.
fn start_of_last_chars(s: &str, chars: usize) -> Option<usize> {
    match s.len().checked_sub(chars) {
        Some(start) if s.as_bytes()[start..].is_ascii() => Some(start),
        _ => s.char_indices().rev().nth(chars - 1).map(|(i, _)| i),
    }
}

/// Where the first `chars` characters of `s` end (all of `s` when it has no
/// more); like [`start_of_last_chars`], ASCII is measured in bytes.
fn end_of_first_chars(s: &str, chars: usize) -> usize {
    match s.as_bytes().get(..chars) {
        Some(head) if head.is_ascii() => chars,
        _ => s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i),
    }
}

/// The first `chars` characters of `s`, without a word cut in half.
fn head_chars(s: &str, chars: usize) -> &str {
    let end = end_of_first_chars(s, chars);
    let mut cut = &s[..end];
    let mid_word = end < s.len()
        && !s[end..].starts_with(char::is_whitespace)
        && !cut.ends_with(char::is_whitespace);
    if mid_word {
        if let Some(i) = cut.rfind(char::is_whitespace) {
            cut = &cut[..i];
        }
    }
    cut.trim_end()
}
