//! The render items -> HTML, with decorations woven in.
//!
//! Decorations are intervals over a block's text; the article's inline
//! elements form a tree over the same text. To keep the HTML well-formed
//! whatever the overlap, the open decorations are kept on a stack that is
//! always properly nested:
//! - before any element boundary (an inline tag opening or closing, block
//!   markup) every open decoration is closed, and reopened after it;
//! - at every text position the wanted set of decorations is sorted in one
//!   fixed order (links outermost, then by start, longer first), and the
//!   stack is brought to it by closing down to the common prefix and opening
//!   the rest. A decoration that ends in the middle of the stack closes the
//!   ones above it, which reopen as new segments.
//!
//! A mark's first segment carries its `id` (so `#id` lands on the start of
//! the passage); every segment carries its class and `data-passage`.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashSet;

use super::html::{escape, escape_into};
use super::parse::Item;
use super::{highlight, url, Body, Decorations, Link, Mark, TextSpan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Links are outer to marks: a link is never split (its id stays unique
    /// and a reader sees one link), marks split around it instead.
    Link,
    Mark,
}

/// A decoration ready to render.
struct Deco<'d> {
    kind: Kind,
    span: TextSpan,
    /// Position in the caller's list, the last tie-breaker of the nesting order.
    order: usize,
    /// Opening tag of the first segment (with the id).
    first_open: String,
    /// Opening tag of later segments.
    open: String,
    close: &'static str,
    after: &'d str,
}

impl Deco<'_> {
    /// The nesting order: outermost first.
    fn key(&self) -> (Kind, usize, Reverse<usize>, usize) {
        (
            self.kind,
            self.span.start,
            Reverse(self.span.end),
            self.order,
        )
    }
}

/// How block markup is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// As blocks: the body of a page.
    Blocks,
    /// Inside a line of text (a heading, a sentence): block markup becomes a
    /// space between the blocks' texts, a code block inline `<code>`.
    Inline,
}

pub(super) fn render(body: &Body, deco: &Decorations, flow: Flow) -> String {
    let (decos, _) = prepare(body, deco);
    // Without decorations, text is written straight through (no per-block lists).
    let lists = if decos.is_empty() {
        0
    } else {
        body.blocks.len()
    };
    let mut by_block: Vec<Vec<usize>> = vec![Vec::new(); lists];
    for (i, d) in decos.iter().enumerate() {
        by_block[d.span.block].push(i);
    }
    for list in &mut by_block {
        list.sort_by_key(|&i| (decos[i].span.start, decos[i].key()));
    }
    let text_len: usize = body.blocks.iter().map(|b| b.text.len()).sum();
    let mut r = Renderer {
        body,
        out: String::with_capacity(text_len + text_len / 4 + 64),
        opened: vec![false; decos.len()],
        decos,
        by_block,
        block: usize::MAX,
        cursor: 0,
        active: Vec::new(),
        stack: Vec::new(),
        wanted: Vec::new(),
        pending: Vec::new(),
        anchor_depth: 0,
    };
    // Heading ids must not collide with the decorations' ids: gathered at
    // the first heading (most articles have none).
    let mut ids: Option<HashSet<Cow<str>>> = None;
    for item in &body.items {
        match item {
            Item::Structure(_) | Item::Heading { .. } | Item::Code { .. }
                if flow == Flow::Inline =>
            {
                r.close_all();
                r.flush(true);
                if let Item::Code { block, .. } = item {
                    r.out.push_str("<code>");
                    escape_into(&mut r.out, body.blocks[*block].text.trim_end());
                    r.out.push_str("</code>");
                } else {
                    r.out.truncate(r.out.trim_end().len());
                    if !r.out.is_empty() {
                        r.out.push(' ');
                    }
                }
            }
            Item::Structure(html) => {
                r.close_all();
                r.flush(true);
                r.out.push_str(html);
            }
            Item::Heading { level, slug } => {
                r.close_all();
                r.flush(true);
                let ids = ids.get_or_insert_with(|| {
                    let marks = deco.marks.iter().map(|m| Cow::from(m.id.as_str()));
                    marks
                        .chain(deco.links.iter().map(|l| Cow::from(l.id.as_str())))
                        .collect()
                });
                let id = unique_id(slug, ids);
                r.out
                    .push_str(&format!("<h{level} id=\"{}\">", escape(&id)));
            }
            Item::Code { block, lang } => {
                r.close_all();
                r.flush(true);
                r.out.push_str(&highlight::code_block_html(
                    &body.blocks[*block].text,
                    lang.as_deref(),
                ));
            }
            Item::Open { html, anchor } => {
                r.close_all();
                r.out.push_str(html);
                if *anchor {
                    r.anchor_depth += 1;
                }
            }
            Item::Close { html, anchor } => {
                r.close_all();
                r.out.push_str(html);
                if *anchor {
                    r.anchor_depth = r.anchor_depth.saturating_sub(1);
                }
                r.flush(false);
            }
            Item::Atomic(html) => r.out.push_str(html),
            Item::Aside(html) => {
                r.close_all();
                r.out.push_str(html);
            }
            Item::Text { block, start, end } => r.text(*block, *start, *end),
        }
    }
    r.close_all();
    r.flush(true);
    if flow == Flow::Inline {
        r.out.truncate(r.out.trim_end().len());
    }
    r.out
}

pub(super) fn invalid_decorations<'d>(body: &Body, deco: &'d Decorations) -> Vec<&'d str> {
    prepare(body, deco).1
}

struct Renderer<'b, 'd> {
    body: &'b Body,
    out: String,
    decos: Vec<Deco<'d>>,
    /// Whether a decoration's first segment has been written.
    opened: Vec<bool>,
    /// Per block: its decorations by start (the order they open in).
    by_block: Vec<Vec<usize>>,
    /// The block whose text is being written, and the next of its
    /// decorations not yet started.
    block: usize,
    cursor: usize,
    /// Decorations covering the current position.
    active: Vec<usize>,
    /// Decorations open in the output, outermost first.
    stack: Vec<usize>,
    /// Scratch buffer: `active` in nesting order.
    wanted: Vec<usize>,
    /// Marks whose `after` waits for an enclosing `<a>` to close.
    pending: Vec<usize>,
    /// Markdown `<a>` elements open in the output.
    anchor_depth: usize,
}

impl Renderer<'_, '_> {
    /// Writes `blocks[block].text[start..end]`, opening and closing
    /// decorations at their boundaries.
    fn text(&mut self, block: usize, start: usize, end: usize) {
        let body = self.body;
        let text = &body.blocks[block].text;
        let Some(slot) = self.by_block.get_mut(block) else {
            escape_into(&mut self.out, &text[start..end]);
            return;
        };
        // Taken out for the loop (it needs `&mut self`), put back below.
        let list = std::mem::take(slot);
        if self.block != block {
            self.block = block;
            self.cursor = 0;
            self.active.clear();
        }
        let mut pos = start;
        while pos < end {
            while let Some(&d) = list.get(self.cursor) {
                if self.decos[d].span.start > pos {
                    break;
                }
                self.active.push(d);
                self.cursor += 1;
            }
            let mut next = end;
            if let Some(&d) = list.get(self.cursor) {
                next = next.min(self.decos[d].span.start);
            }
            for &a in &self.active {
                next = next.min(self.decos[a].span.end);
            }
            // Text items cover the block's text without gaps and every
            // decoration lies within it, so `next > pos`; guard anyway.
            if next <= pos {
                self.close_ending(pos);
                continue;
            }
            self.sync();
            escape_into(&mut self.out, &text[pos..next]);
            pos = next;
            self.close_ending(pos);
        }
        self.by_block[block] = list;
    }

    /// Brings the open stack to the active set in nesting order.
    fn sync(&mut self) {
        self.wanted.clear();
        self.wanted.extend_from_slice(&self.active);
        let decos = &self.decos;
        self.wanted.sort_by_key(|&i| decos[i].key());
        let common = self
            .stack
            .iter()
            .zip(&self.wanted)
            .take_while(|(a, b)| a == b)
            .count();
        while self.stack.len() > common {
            let d = self.stack.pop().expect("longer than common");
            self.out.push_str(self.decos[d].close);
        }
        for k in common..self.wanted.len() {
            let d = self.wanted[k];
            let deco = &self.decos[d];
            if self.opened[d] {
                self.out.push_str(&deco.open);
            } else {
                self.out.push_str(&deco.first_open);
                self.opened[d] = true;
            }
            self.stack.push(d);
        }
    }

    /// Closes the decorations ending at `pos` (and, to stay nested, those
    /// open inside them, which reopen at the next text), then places the
    /// ending marks' `after` HTML.
    fn close_ending(&mut self, pos: usize) {
        if !self.active.iter().any(|&a| self.decos[a].span.end <= pos) {
            return;
        }
        while self.stack.iter().any(|&d| self.decos[d].span.end <= pos) {
            let d = self.stack.pop().expect("non-empty");
            self.out.push_str(self.decos[d].close);
            if self.decos[d].span.end <= pos && !self.decos[d].after.is_empty() {
                self.pending.push(d);
            }
        }
        let decos = &self.decos;
        self.active.retain(|&a| decos[a].span.end > pos);
        self.flush(false);
    }

    fn close_all(&mut self) {
        while let Some(d) = self.stack.pop() {
            self.out.push_str(self.decos[d].close);
        }
    }

    /// Writes pending `after` HTML, unless (when not forced) we are inside an
    /// `<a>`: a marker usually holds a link, and links must not nest.
    fn flush(&mut self, force: bool) {
        if self.pending.is_empty() {
            return;
        }
        let in_anchor =
            self.anchor_depth > 0 || self.stack.iter().any(|&d| self.decos[d].kind == Kind::Link);
        if in_anchor && !force {
            return;
        }
        for d in std::mem::take(&mut self.pending) {
            self.out.push_str(self.decos[d].after);
        }
    }
}

/// A heading id not used yet: `slug`, else `slug-1`, `slug-2`, ...
fn unique_id<'a>(slug: &'a str, used: &mut HashSet<Cow<'a, str>>) -> String {
    if used.insert(Cow::Borrowed(slug)) {
        return slug.to_string();
    }
    (1..)
        .map(|n| format!("{slug}-{n}"))
        .find(|id| used.insert(Cow::Owned(id.clone())))
        .expect("unbounded")
}

/// Whether a span can carry a decoration: inside an anchorable block (code
/// blocks are rendered by syntect, outside the text items), non-empty, on
/// character boundaries.
fn span_ok(body: &Body, span: TextSpan) -> bool {
    body.blocks.get(span.block).is_some_and(|b| {
        b.anchorable
            && span.start < span.end
            && span.end <= b.text.len()
            && b.text.is_char_boundary(span.start)
            && b.text.is_char_boundary(span.end)
    })
}

/// Whether a span lies within one linkable run, so a link there is never
/// split and never nests in another `<a>`.
fn in_run(body: &Body, span: TextSpan) -> bool {
    let runs = &body.extras[span.block].runs;
    let i = runs.partition_point(|r| r.start <= span.start);
    i > 0 && span.end <= runs[i - 1].end
}

/// Validated decorations, and the ids of the ones left out.
fn prepare<'d>(body: &Body, deco: &'d Decorations) -> (Vec<Deco<'d>>, Vec<&'d str>) {
    let mut out = Vec::with_capacity(deco.marks.len() + deco.links.len());
    let mut bad = Vec::new();
    let mut links: Vec<(usize, &Link)> = deco.links.iter().enumerate().collect();
    links.sort_by_key(|&(i, l)| (l.span, i));
    let mut last: Option<TextSpan> = None;
    for (order, link) in links {
        let s = link.span;
        let ok = span_ok(body, s)
            && in_run(body, s)
            && url::link_allowed(&link.href)
            && last.is_none_or(|p| p.block != s.block || p.end <= s.start);
        if !ok {
            bad.push(link.id.as_str());
            continue;
        }
        last = Some(s);
        let open = link_open(link);
        out.push(Deco {
            kind: Kind::Link,
            span: s,
            order,
            first_open: open.clone(),
            open,
            close: "</a>",
            after: "",
        });
    }
    for (order, mark) in deco.marks.iter().enumerate() {
        if !span_ok(body, mark.span) {
            bad.push(mark.id.as_str());
            continue;
        }
        out.push(Deco {
            kind: Kind::Mark,
            span: mark.span,
            order,
            first_open: mark_open(mark, true),
            open: mark_open(mark, false),
            close: "</mark>",
            after: &mark.after,
        });
    }
    (out, bad)
}

/// Room for a tag's attribute values and the markup around them (ids, class
/// and title of a few dozen bytes each), so that building it rarely grows
/// the string: escaping seldom adds much.
fn tag_capacity(values: &[&str]) -> usize {
    64 + values.iter().map(|v| v.len() + v.len() / 8).sum::<usize>()
}

fn mark_open(mark: &Mark, with_id: bool) -> String {
    let title = mark.title.as_deref().unwrap_or_default();
    let mut s = String::with_capacity(tag_capacity(&[&mark.id, &mark.id, &mark.class, title]));
    s.push_str("<mark");
    if with_id && !mark.id.is_empty() {
        attr(&mut s, "id", &mark.id);
    }
    if !mark.class.is_empty() {
        attr(&mut s, "class", &mark.class);
    }
    attr(&mut s, "data-passage", &mark.id);
    if let Some(title) = &mark.title {
        attr(&mut s, "title", title);
    }
    s.push('>');
    s
}

fn link_open(link: &Link) -> String {
    let title = link.title.as_deref().unwrap_or_default();
    let mut s = String::with_capacity(tag_capacity(&[&link.href, &link.id, &link.class, title]));
    s.push_str("<a");
    attr(&mut s, "href", &link.href);
    if !link.id.is_empty() {
        attr(&mut s, "id", &link.id);
    }
    if !link.class.is_empty() {
        attr(&mut s, "class", &link.class);
    }
    if let Some(title) = &link.title {
        attr(&mut s, "title", title);
    }
    if url::is_external(&link.href) {
        s.push_str(" rel=\"noopener noreferrer\"");
    }
    s.push('>');
    s
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_into(out, value);
    out.push('"');
}
