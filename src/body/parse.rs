//! Markdown -> blocks of visible text and a flat list of render items.
//!
//! The article is parsed once. Every character a reader will see is appended
//! to exactly one block's text and referenced by exactly one [`Item::Text`],
//! so anchoring (which works on block text) and rendering (which walks the
//! items) agree byte for byte. Markup never carries article text except
//! through escaping.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::html::{escape, slug};
use super::normalize::{normalize, Normalized};
use super::{highlight, url, Block, Body};

/// One step of the rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    /// Block-level markup (`<p>`, `</li>`, `<table>`...). Decorations are
    /// closed before it: they never cross blocks.
    Structure(String),
    /// A heading's opening tag; its id is assigned at render time so it can
    /// be kept distinct from the decorations' ids.
    Heading { level: u8, slug: String },
    /// A code block (a block of its own): highlighted at render time.
    Code { block: usize, lang: Option<String> },
    /// An inline element's opening tag. `anchor` marks `<a>`, inside which
    /// no other `<a>` (a marker's link) may be placed.
    Open { html: String, anchor: bool },
    /// An inline element's closing tag.
    Close { html: &'static str, anchor: bool },
    /// Inline markup with no visible text (`<br />`, `<img>`): may sit
    /// inside a highlight.
    Atomic(String),
    /// Inline markup with visible text that is not the block's (a footnote
    /// reference's number): highlights close around it, so a highlight's
    /// text is exactly its passage.
    Aside(String),
    /// The visible text `blocks[block].text[start..end]`.
    Text {
        block: usize,
        start: usize,
        end: usize,
    },
}

/// What anchoring and rendering need about a block beyond its text.
#[derive(Debug, Clone, Default)]
pub(super) struct BlockExtra {
    /// The block's text normalised for matching, with its offset map.
    pub(super) norm: Normalized,
    /// Byte ranges of the text where automatic links may go.
    pub(super) runs: Vec<Range<usize>>,
    /// Where each piece of the text came from in the source, for line numbers.
    pieces: Vec<Piece>,
    /// Source offset of the block's start.
    src: usize,
}

/// Where a piece of a block's text came from. Offsets are `u32`: a body
/// has several pieces a block, and a file is far smaller than 4 GiB (the
/// loader refuses more than 16 MB).
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Offset in the block text.
    start: u32,
    /// Offset in the Markdown source.
    src: u32,
    /// The source bytes equal the text bytes, so offsets inside the piece map
    /// one to one (not so for escapes, entities, code spans).
    verbatim: bool,
}

impl Piece {
    fn new(start: usize, src: usize, verbatim: bool) -> Self {
        let narrow = |n: usize| u32::try_from(n).expect("a Markdown body under 4 GiB");
        Piece {
            start: narrow(start),
            src: narrow(src),
            verbatim,
        }
    }
}

impl BlockExtra {
    /// Source offset of block-text offset `at`.
    pub(super) fn source_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.start as usize <= at);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(p) if p.verbatim => p.src as usize + (at - p.start as usize),
            Some(p) => p.src as usize,
            None => self.src,
        }
    }
}

/// 1-based line of a source offset, given the offsets where lines start.
pub(super) fn line_at(line_starts: &[usize], first_line: usize, offset: usize) -> usize {
    line_starts.partition_point(|&s| s <= offset).max(1) + first_line - 1
}

pub(super) fn parse(src: &str, first_line: usize) -> Body {
    // Tables, footnotes and strikethrough are what news articles use. No
    // smart punctuation: the outlet's characters must stay verbatim.
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut b = Builder::new(src, first_line);
    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        b.event(event, range);
    }
    b.finish()
}

struct Builder<'s> {
    src: &'s str,
    line_starts: Vec<usize>,
    first_line: usize,
    blocks: Vec<Block>,
    extras: Vec<BlockExtra>,
    items: Vec<Item>,
    /// The block receiving inline content, and whether it was opened
    /// implicitly (inline content directly in a tight list item).
    open: Option<(usize, bool)>,
    /// Markdown links we are inside (rendered or refused): not linkable.
    link_depth: usize,
    /// Rendered `<a>` elements we are inside.
    anchor_depth: usize,
    /// For each open Markdown link: was it rendered as `<a>`?
    links: Vec<bool>,
    /// An allowed image whose alt text is being collected.
    image: Option<Image>,
    /// Item index of the open heading, to fill in its slug at its end.
    heading: Option<usize>,
    /// Inside a code block: its language.
    code: Option<Option<String>>,
    table_aligns: Vec<Alignment>,
    table_head: bool,
    table_body: bool,
    table_col: usize,
    footnotes: HashMap<String, usize>,
    /// The last item pushed is linkable text, so more may extend its run.
    run_open: bool,
}

struct Image {
    depth: usize,
    alt: String,
    src: String,
    title: String,
}

impl<'s> Builder<'s> {
    fn new(src: &'s str, first_line: usize) -> Self {
        Builder {
            src,
            line_starts: std::iter::once(0)
                .chain(src.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            first_line,
            blocks: Vec::new(),
            extras: Vec::new(),
            items: Vec::new(),
            open: None,
            link_depth: 0,
            anchor_depth: 0,
            links: Vec::new(),
            image: None,
            heading: None,
            code: None,
            table_aligns: Vec::new(),
            table_head: false,
            table_body: false,
            table_col: 0,
            footnotes: HashMap::new(),
            run_open: false,
        }
    }

    fn finish(mut self) -> Body {
        self.end_block();
        Body {
            blocks: self.blocks,
            extras: self.extras,
            items: self.items,
            line_starts: self.line_starts,
            first_line: self.first_line,
            matchable: true,
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
        if self.code.is_some() {
            match event {
                Event::Text(t) => self.code_text(&t, range),
                Event::End(TagEnd::CodeBlock) => {
                    let lang = self.code.take().flatten();
                    if let Some((block, _)) = self.open {
                        self.run_open = false;
                        self.items.push(Item::Code { block, lang });
                    }
                    self.end_block();
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, range, self.link_depth == 0),
            Event::Code(t) => {
                self.ensure_block(range.start);
                self.open_inline("<code>".to_string(), false);
                self.text(&t, range, false);
                self.close_inline("</code>", false);
            }
            // Raw HTML is shown as the text it is, never passed through:
            // the articles are scraped from the web.
            Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => self.text(&t, range, false),
            Event::FootnoteReference(label) => {
                self.ensure_block(range.start);
                let n = self.footnote_number(&label);
                let html = if self.anchor_depth > 0 {
                    format!("<sup class=\"footnote-reference\">{n}</sup>")
                } else {
                    format!(
                        "<sup class=\"footnote-reference\"><a href=\"#fn-{}\">{n}</a></sup>",
                        escape(&slug(&label))
                    )
                };
                self.run_open = false;
                self.items.push(Item::Aside(html));
            }
            Event::SoftBreak => self.text("\n", range, self.link_depth == 0),
            Event::HardBreak => {
                self.ensure_block(range.start);
                self.atomic("<br />".to_string());
                self.text("\n", range, false);
            }
            Event::Rule => {
                self.end_implicit();
                self.structure("<hr />\n");
            }
            Event::TaskListMarker(checked) => {
                self.ensure_block(range.start);
                let checked = if checked { " checked=\"\"" } else { "" };
                self.atomic(format!(
                    "<input disabled=\"\" type=\"checkbox\"{checked} /> "
                ));
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let at = range.start;
        match tag {
            Tag::Paragraph => {
                self.begin_block(&range, true);
                self.structure("<p>");
            }
            Tag::Heading { level, .. } => {
                self.begin_block(&range, true);
                self.heading = Some(self.items.len());
                self.run_open = false;
                self.items.push(Item::Heading {
                    level: level as u8,
                    slug: String::new(),
                });
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => highlight::language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.begin_block(&range, false);
                self.code = Some(lang);
            }
            Tag::HtmlBlock => {
                self.begin_block(&range, true);
                self.structure("<p class=\"raw-html\">");
            }
            Tag::TableCell => {
                self.begin_block(&range, true);
                let name = if self.table_head { "th" } else { "td" };
                let align = match self.table_aligns.get(self.table_col) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                self.structure(&format!("<{name}{align}>"));
            }
            Tag::BlockQuote(_) => self.block_markup("<blockquote>\n"),
            Tag::List(Some(1)) => self.block_markup("<ol>\n"),
            Tag::List(Some(n)) => self.block_markup(&format!("<ol start=\"{n}\">\n")),
            Tag::List(None) => self.block_markup("<ul>\n"),
            Tag::Item => self.block_markup("<li>"),
            Tag::FootnoteDefinition(label) => {
                let n = self.footnote_number(&label);
                self.block_markup(&format!(
                    "<div class=\"footnote-definition\" id=\"fn-{}\"><sup class=\"footnote-definition-label\">{n}</sup>\n",
                    escape(&slug(&label))
                ));
            }
            Tag::DefinitionList => self.block_markup("<dl>\n"),
            Tag::DefinitionListTitle => self.block_markup("<dt>"),
            Tag::DefinitionListDefinition => self.block_markup("<dd>"),
            Tag::Table(aligns) => {
                self.table_aligns = aligns;
                self.table_body = false;
                self.block_markup("<table>");
            }
            Tag::TableHead => {
                self.table_head = true;
                self.table_col = 0;
                self.block_markup("<thead><tr>");
            }
            Tag::TableRow => {
                self.table_col = 0;
                let body = if self.table_body { "" } else { "<tbody>" };
                self.table_body = true;
                self.block_markup(&format!("{body}<tr>"));
            }
            Tag::MetadataBlock(_) => self.end_implicit(),
            Tag::Emphasis => self.inline_tag(at, "<em>"),
            Tag::Strong => self.inline_tag(at, "<strong>"),
            Tag::Strikethrough => self.inline_tag(at, "<del>"),
            Tag::Superscript => self.inline_tag(at, "<sup>"),
            Tag::Subscript => self.inline_tag(at, "<sub>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                self.ensure_block(at);
                let href = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                // A refused link keeps its text, without the <a>. So does a
                // link inside a link (pulldown-cmark lets an autolink sit in
                // a link's text): HTML forbids nested <a>.
                let allowed = url::link_allowed(&href) && self.anchor_depth == 0;
                if allowed {
                    let mut html = format!("<a href=\"{}\"", escape(&href));
                    if !title.is_empty() {
                        html.push_str(&format!(" title=\"{}\"", escape(&title)));
                    }
                    if url::is_external(&href) {
                        html.push_str(" rel=\"noopener noreferrer\"");
                    }
                    html.push('>');
                    self.open_inline(html, true);
                    self.anchor_depth += 1;
                }
                self.links.push(allowed);
                self.link_depth += 1;
                self.run_open = false;
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.ensure_block(at);
                self.run_open = false;
                // A refused image shows its alt text: its events are then
                // handled as ordinary inline content.
                if url::image_allowed(&dest_url) {
                    self.image = Some(Image {
                        depth: 1,
                        alt: String::new(),
                        src: dest_url.to_string(),
                        title: title.to_string(),
                    });
                }
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.structure("</p>\n");
                self.end_block();
            }
            TagEnd::Heading(level) => {
                if let (Some(i), Some((b, _))) = (self.heading.take(), self.open) {
                    if let Some(Item::Heading { slug: s, .. }) = self.items.get_mut(i) {
                        *s = slug(&self.blocks[b].text);
                    }
                }
                self.structure(&format!("</h{}>\n", level as u8));
                self.end_block();
            }
            TagEnd::HtmlBlock => {
                self.structure("</p>\n");
                self.end_block();
            }
            TagEnd::TableCell => {
                self.structure(if self.table_head { "</th>" } else { "</td>" });
                self.table_col += 1;
                self.end_block();
            }
            // Handled in `event` while inside the block.
            TagEnd::CodeBlock => self.end_block(),
            TagEnd::BlockQuote(_) => self.block_markup("</blockquote>\n"),
            TagEnd::List(true) => self.block_markup("</ol>\n"),
            TagEnd::List(false) => self.block_markup("</ul>\n"),
            TagEnd::Item => self.block_markup("</li>\n"),
            TagEnd::FootnoteDefinition => self.block_markup("</div>\n"),
            TagEnd::DefinitionList => self.block_markup("</dl>\n"),
            TagEnd::DefinitionListTitle => self.block_markup("</dt>\n"),
            TagEnd::DefinitionListDefinition => self.block_markup("</dd>\n"),
            TagEnd::Table => {
                let body = if self.table_body { "</tbody>" } else { "" };
                self.block_markup(&format!("{body}</table>\n"));
            }
            TagEnd::TableHead => {
                self.table_head = false;
                self.block_markup("</tr></thead>\n");
            }
            TagEnd::TableRow => self.block_markup("</tr>\n"),
            TagEnd::MetadataBlock(_) => {}
            TagEnd::Emphasis => self.close_inline("</em>", false),
            TagEnd::Strong => self.close_inline("</strong>", false),
            TagEnd::Strikethrough => self.close_inline("</del>", false),
            TagEnd::Superscript => self.close_inline("</sup>", false),
            TagEnd::Subscript => self.close_inline("</sub>", false),
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                if self.links.pop().unwrap_or(false) {
                    self.anchor_depth = self.anchor_depth.saturating_sub(1);
                    self.close_inline("</a>", true);
                }
                self.run_open = false;
            }
            // Only refused images get here (allowed ones end in `image_event`).
            TagEnd::Image => self.run_open = false,
        }
    }

    /// Collects an allowed image's alt text (an attribute, not visible text).
    fn image_event(&mut self, event: Event<'_>) {
        let Some(img) = &mut self.image else { return };
        match event {
            Event::Start(Tag::Image { .. }) => img.depth += 1,
            Event::End(TagEnd::Image) => {
                img.depth -= 1;
                if img.depth == 0 {
                    let img = self.image.take().expect("checked above");
                    let mut html = format!(
                        "<img src=\"{}\" alt=\"{}\"",
                        escape(&img.src),
                        escape(&img.alt)
                    );
                    if !img.title.is_empty() {
                        html.push_str(&format!(" title=\"{}\"", escape(&img.title)));
                    }
                    html.push_str(" />");
                    self.atomic(html);
                }
            }
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => img.alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => img.alt.push(' '),
            _ => {}
        }
    }

    /// Footnotes are numbered in order of first appearance; labels match
    /// case-insensitively, as CommonMark link labels do.
    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_lowercase()).or_insert(next)
    }

    /// Opens an explicit block (paragraph, heading, cell, code, raw HTML)
    /// spanning `source` of the Markdown.
    fn begin_block(&mut self, source: &Range<usize>, anchorable: bool) {
        self.end_block();
        // Its visible text is about as long as its source (shorter by the
        // markup): sized once, where growing by doubling left part of
        // the memory unused (massif at 1,000 articles: 6.5 MB held for
        // about 5 MB of text).
        self.new_block(source.start, anchorable, false, source.len());
    }

    fn new_block(&mut self, at: usize, anchorable: bool, implicit: bool, capacity: usize) -> usize {
        let index = self.blocks.len();
        self.blocks.push(Block {
            text: String::with_capacity(capacity),
            line: line_at(&self.line_starts, self.first_line, at),
            anchorable,
        });
        self.extras.push(BlockExtra {
            src: at,
            ..BlockExtra::default()
        });
        self.open = Some((index, implicit));
        self.run_open = false;
        index
    }

    /// The block receiving inline content; inline content outside any block
    /// (a tight list item's text) opens an implicit one.
    fn ensure_block(&mut self, at: usize) -> usize {
        match self.open {
            Some((b, _)) => b,
            None => self.new_block(at, true, true, 0),
        }
    }

    /// Closes the open block, normalising its text once for all lookups.
    fn end_block(&mut self) {
        if let Some((b, _)) = self.open.take() {
            if self.blocks[b].anchorable {
                self.extras[b].norm = normalize(&self.blocks[b].text);
            }
        }
        self.run_open = false;
    }

    /// Block-level markup ends an implicit block: a tight list item's text
    /// stops where a nested list or block starts.
    fn end_implicit(&mut self) {
        if let Some((_, true)) = self.open {
            self.end_block();
        }
    }

    fn block_markup(&mut self, html: &str) {
        self.end_implicit();
        self.structure(html);
    }

    fn structure(&mut self, html: &str) {
        self.run_open = false;
        if let Some(Item::Structure(s)) = self.items.last_mut() {
            s.push_str(html);
        } else {
            self.items.push(Item::Structure(html.to_string()));
        }
    }

    fn inline_tag(&mut self, at: usize, html: &str) {
        self.ensure_block(at);
        self.open_inline(html.to_string(), false);
    }

    fn open_inline(&mut self, html: String, anchor: bool) {
        self.run_open = false;
        self.items.push(Item::Open { html, anchor });
    }

    fn close_inline(&mut self, html: &'static str, anchor: bool) {
        self.run_open = false;
        self.items.push(Item::Close { html, anchor });
    }

    fn atomic(&mut self, html: String) {
        self.run_open = false;
        self.items.push(Item::Atomic(html));
    }

    /// Appends visible text to the current block and references it from an
    /// item (merged with the previous text item when contiguous).
    fn text(&mut self, s: &str, range: Range<usize>, linkable: bool) {
        if s.is_empty() {
            return;
        }
        let b = self.ensure_block(range.start);
        let text = &mut self.blocks[b].text;
        let start = text.len();
        text.push_str(s);
        let end = text.len();
        let extra = &mut self.extras[b];
        let verbatim = self.src.get(range.clone()) == Some(s);
        extra.pieces.push(Piece::new(start, range.start, verbatim));
        if linkable {
            match extra.runs.last_mut() {
                Some(run) if self.run_open && run.end == start => run.end = end,
                _ => extra.runs.push(start..end),
            }
        }
        self.run_open = linkable;
        match self.items.last_mut() {
            Some(Item::Text { block, end: e, .. }) if *block == b && *e == start => *e = end,
            _ => self.items.push(Item::Text {
                block: b,
                start,
                end,
            }),
        }
    }

    /// A code block's text: part of the block, rendered by `Item::Code`.
    fn code_text(&mut self, s: &str, range: Range<usize>) {
        let b = self.ensure_block(range.start);
        let text = &mut self.blocks[b].text;
        let start = text.len();
        text.push_str(s);
        let verbatim = self.src.get(range.clone()) == Some(s);
        self.extras[b]
            .pieces
            .push(Piece::new(start, range.start, verbatim));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(String, usize, bool)> {
        Body::parse(md)
            .blocks()
            .iter()
            .map(|b| (b.text.clone(), b.line, b.anchorable))
            .collect()
    }

    #[test]
    fn blocks_are_paragraphs_headings_items_cells_and_code() {
        let md = "# Title\n\nA *b* [c](x.html) `d`\ne &amp; f\n\n- one\n- two\n  - three\n\n| h | i |\n|---|---|\n| j | k |\n\n```rust\nlet x = 1;\n```\n";
        let t = texts(md);
        let want: Vec<(&str, usize, bool)> = vec![
            ("Title", 1, true),
            ("A b c d\ne & f", 3, true),
            ("one", 6, true),
            ("two", 7, true),
            ("three", 8, true),
            ("h", 10, true),
            ("i", 10, true),
            ("j", 12, true),
            ("k", 12, true),
            ("let x = 1;\n", 14, false),
        ];
        let got: Vec<(&str, usize, bool)> =
            t.iter().map(|(s, l, a)| (s.as_str(), *l, *a)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn loose_list_items_are_paragraph_blocks() {
        let t = texts("- one\n\n  more\n- two\n");
        let got: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, ["one", "more", "two"]);
    }

    #[test]
    fn linkable_runs_skip_links_code_and_raw_html() {
        let body =
            Body::parse("Steve\nWitkoff met [Ross](x.html) and `Hamas` <b>x</b> *al-Hayya* here");
        let text = &body.blocks()[0].text;
        let runs: Vec<&str> = body
            .linkable_runs()
            .iter()
            .map(|(_, r)| &text[r.clone()])
            .collect();
        assert_eq!(
            runs,
            [
                "Steve\nWitkoff met ",
                " and ",
                " ",
                "x",
                " ",
                "al-Hayya",
                " here"
            ]
        );
    }

    #[test]
    fn alt_text_of_allowed_image_is_not_visible_text() {
        let body = Body::parse("a ![the *map*](map.png \"t\") b");
        assert_eq!(body.blocks()[0].text, "a  b");
        let body = Body::parse("a ![the map](https://cdn.example/map.png) b");
        assert_eq!(body.blocks()[0].text, "a the map b");
    }

    #[test]
    fn line_numbers_follow_the_source() {
        let body = Body::parse_at("para one\ncontinues *here*\n\n> quoted\n", 5);
        assert_eq!(body.blocks()[0].line, 5);
        assert_eq!(body.blocks()[1].line, 8);
        let text = &body.blocks()[0].text;
        let at = text.find("here").unwrap();
        let span = super::super::TextSpan {
            block: 0,
            start: at,
            end: at + 4,
        };
        assert_eq!(body.line_of(span), 6);
    }
}
