//! Property tests: whatever the Markdown and whatever the passages,
//! decorations never change the visible text, the HTML is always
//! well-formed, every id appears once, and anchoring never panics.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::{select, Index};

use super::tests::{parse_html, visible_text};
use super::*;

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "the", "talks", "Hamas", "Witkoff", "naïve", "Gaza", "غزة", "المحادثات", "中文", "“quoted”", "it’s",
    "—", "wait…", "19", "١٩", "AT&T", "a<b", "x>y", "שלום", "Ελλάδα", "🙂", "don't", "\"q\"",
    "a\u{00A0}b", "said,", "<https://x.org/a>", "[^n]", "<i>", "&amp;",
];
const URLS: &[&str] = &[
    "https://example.org/a?b=1&c=2",
    "../people/x.html",
    "#fn",
    "javascript:alert(1)",
    "data:x",
];

fn word() -> impl Strategy<Value = String> {
    select(WORDS).prop_map(String::from)
}

/// Inline Markdown: words, emphasis, strong, links, inline code, nested.
fn inline() -> impl Strategy<Value = String> {
    word().prop_recursive(3, 24, 4, |inner| {
        let seq = prop::collection::vec(inner, 1..4).prop_map(|v| v.join(" "));
        prop_oneof![
            seq.clone().prop_map(|s| format!("*{s}*")),
            seq.clone().prop_map(|s| format!("**{s}**")),
            (seq.clone(), select(URLS)).prop_map(|(s, u)| format!("[{s}]({u})")),
            word().prop_map(|w| format!("`{w}`")),
            seq,
        ]
    })
}

/// A line of inline content, sometimes with soft line breaks.
fn line() -> impl Strategy<Value = String> {
    prop::collection::vec((inline(), prop::bool::weighted(0.15)), 1..7).prop_map(|parts| {
        let mut s = String::new();
        for (i, (part, newline)) in parts.into_iter().enumerate() {
            if i > 0 {
                s.push(if newline { '\n' } else { ' ' });
            }
            s.push_str(&part);
        }
        s
    })
}

fn one_line() -> impl Strategy<Value = String> {
    line().prop_map(|l| l.replace('\n', " "))
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => line(),
        1 => (1..=6usize, one_line()).prop_map(|(n, l)| format!("{} {l}", "#".repeat(n))),
        1 => prop::collection::vec(one_line(), 1..4)
            .prop_map(|items| items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")),
        1 => (one_line(), one_line()).prop_map(|(a, b)| format!("1. {a}\n   - {b}")),
        1 => prop::collection::vec(one_line(), 1..3)
            .prop_map(|ls| ls.iter().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")),
        1 => prop::collection::vec(one_line(), 1..3)
            .prop_map(|ls| ls.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n\n")),
        1 => (word(), one_line(), one_line())
            .prop_map(|(h, a, b)| format!("| {h} | x |\n|---|:-:|\n| {a} | {b} |")),
        1 => one_line().prop_map(|l| format!("<div class=\"x\">\n{l}\n</div>")),
        1 => word().prop_map(|w| format!("```\n{w} <b>\n```")),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(block(), 1..6).prop_map(|b| b.join("\n\n") + "\n\n[^n]: A *note* here.\n")
}

/// A char-boundary range of `text` from two random indices.
fn char_range(text: &str, a: Index, b: Index) -> (usize, usize) {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let (x, y) = (bounds[a.index(bounds.len())], bounds[b.index(bounds.len())]);
    (x.min(y), x.max(y))
}

type Picks = Vec<(Index, Index, Index)>;

fn picks() -> impl Strategy<Value = Picks> {
    prop::collection::vec(any::<(Index, Index, Index)>(), 0..6)
}

/// Builds marks (from quotes found with `find`, and raw spans) and links.
fn decorations(body: &Body, quotes: &Picks, raw: &Picks, links: &Picks) -> Decorations {
    let anchorable: Vec<usize> = (0..body.blocks().len())
        .filter(|&b| body.blocks()[b].anchorable && !body.blocks()[b].text.is_empty())
        .collect();
    let mut deco = Decorations::default();
    if !anchorable.is_empty() {
        for (i, (blk, a, b)) in quotes.iter().enumerate() {
            let block = anchorable[blk.index(anchorable.len())];
            let text = &body.blocks()[block].text;
            let (s, e) = char_range(text, *a, *b);
            let quote = &text[s..e];
            let span = match body.find(&Selector::quote(quote)) {
                Ok(span) => span,
                Err(AnchorError::Ambiguous { matches }) => matches[a.index(matches.len())].span,
                Err(AnchorError::EmptyQuote) => continue,
                Err(err) => panic!("quote {quote:?} taken from the article not found: {err:?}"),
            };
            let (got, want) = (normalize_text(body.text(span)), normalize_text(quote));
            assert!(got.contains(&want), "{got:?} does not contain {want:?}");
            let after = if i % 2 == 0 {
                "<sup class=\"flag\"></sup>".to_string()
            } else {
                String::new()
            };
            deco.marks.push(Mark {
                span,
                id: format!("q{i}"),
                class: "passage".into(),
                title: None,
                after,
            });
        }
        for (i, (blk, a, b)) in raw.iter().enumerate() {
            let block = anchorable[blk.index(anchorable.len())];
            let (start, end) = char_range(&body.blocks()[block].text, *a, *b);
            if start < end {
                let span = TextSpan { block, start, end };
                deco.marks.push(Mark {
                    span,
                    id: format!("r{i}"),
                    class: "flag".into(),
                    title: Some("t".into()),
                    after: String::new(),
                });
            }
        }
    }
    let runs = body.linkable_runs();
    if !runs.is_empty() {
        for (i, (run, a, b)) in links.iter().enumerate() {
            let (block, range) = &runs[run.index(runs.len())];
            let (s, e) = char_range(&body.blocks()[*block].text[range.clone()], *a, *b);
            if s < e {
                let span = TextSpan {
                    block: *block,
                    start: range.start + s,
                    end: range.start + e,
                };
                deco.links.push(Link {
                    span,
                    href: "p.html".into(),
                    id: format!("l{i}"),
                    class: "person".into(),
                    title: None,
                });
            }
        }
    }
    deco
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn decorations_keep_text_and_well_formedness(
        md in markdown(), quotes in picks(), raw in picks(), links in picks(),
    ) {
        let body = Body::parse(&md);
        let deco = decorations(&body, &quotes, &raw, &links);
        let invalid: HashSet<&str> = body.invalid_decorations(&deco).into_iter().collect();
        prop_assert!(deco.marks.iter().all(|m| !invalid.contains(m.id.as_str())), "marks refused: {invalid:?}");

        let plain = body.render(&Decorations::default());
        let html = body.render(&deco);
        prop_assert_eq!(visible_text(&html), visible_text(&plain));

        let doc = parse_html(&html);
        let mut ids: Vec<String> = doc
            .select(&scraper::Selector::parse("[id]").unwrap())
            .map(|e| e.value().attr("id").unwrap().to_string())
            .collect();
        let all = ids.len();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(all, ids.len(), "duplicate ids in {}", html);
        let ids: HashSet<String> = ids.into_iter().collect();
        for id in deco.marks.iter().map(|m| &m.id).chain(deco.links.iter().map(|l| &l.id)) {
            prop_assert_eq!(ids.contains(id), !invalid.contains(id.as_str()), "id {} in {}", id, html);
        }
        // Each mark's segments, read in order, are exactly its passage.
        let marks = scraper::Selector::parse("mark").unwrap();
        for m in &deco.marks {
            let text: String = doc
                .select(&marks)
                .filter(|e| e.value().attr("data-passage") == Some(m.id.as_str()))
                .flat_map(|e| e.text())
                .collect();
            prop_assert_eq!(text.as_str(), body.text(m.span), "mark {} in {}", m.id, html);
        }
        // A link is one element holding exactly its span.
        let anchors = scraper::Selector::parse("a[id]").unwrap();
        for a in doc.select(&anchors) {
            let id = a.value().attr("id").unwrap();
            if let Some(l) = deco.links.iter().find(|l| l.id == id) {
                prop_assert_eq!(a.text().collect::<String>(), body.text(l.span));
            }
        }
    }

    #[test]
    fn anchoring_never_panics(
        md in prop_oneof![markdown(), "[a-z *_`#>\\-\\[\\]()!<&;\n“”…—\u{00A0}\u{200F}é١]{0,120}", "\\PC{0,80}"],
        quote in "\\PC{0,12}",
        prefix in proptest::option::of("\\PC{0,6}"),
        suffix in proptest::option::of("\\PC{0,6}"),
        occurrence in proptest::option::of(0usize..4),
        cut in any::<(Index, Index)>(),
    ) {
        let body = Body::parse(&md);
        // Arbitrary quotes, and quotes cut from the source (often found).
        let (s, e) = char_range(&md, cut.0, cut.1);
        for q in [quote.as_str(), &md[s..e]] {
            let sel = Selector { quote: q, prefix: prefix.as_deref(), suffix: suffix.as_deref(), occurrence };
            match body.find(&sel) {
                Ok(span) => {
                    prop_assert!(!body.text(span).is_empty());
                    let _ = (body.context(span, 10), body.line_of(span));
                    let m = Mark { span, id: "m".into(), class: String::new(), title: None, after: String::new() };
                    let html = body.render(&Decorations { marks: vec![m], links: vec![] });
                    prop_assert!(html.contains("id=\"m\""));
                }
                Err(AnchorError::NotFound { closest: Some(c) }) => {
                    prop_assert!((0.0..=1.0).contains(&c.similarity));
                    // A quote that occurs nowhere gets no hint with other numbers.
                    if body.occurrences(q).is_empty() {
                        prop_assert_eq!(
                            closest::digit_runs(&normalize_text(&c.text)),
                            closest::digit_runs(&normalize_text(q))
                        );
                    }
                }
                Err(AnchorError::Ambiguous { matches }) => prop_assert!(matches.len() > 1),
                Err(_) => {}
            }
        }
    }
}

/// Pieces of one-line texts: what a plain sentence may hold (including
/// spaces and invisible characters that Markdown might trim), and Markdown
/// syntax of every kind, inline and at the start of a line.
#[rustfmt::skip]
const PLAIN_PIECES: &[&str] = &[
    "a", "Zo", "é", "غ", "7", " ", ".", ",", ";", ":", "?", "!", "'", "\"", "(", ")", "%", "/", "@",
    "+", "=", "-", "$", "\u{A0}", "\u{FEFF}", "\u{2028}", "“", "—", "…", "🙂",
];
#[rustfmt::skip]
const MARKUP_PIECES: &[&str] = &[
    "*a*", "**a**", "_a_", "`a`", "[a](b)", "[^1]", "<b>", "&amp;", "\\*", "~~a~~", "a|b", "# ",
    "1. ", "- ", "> ", "    ", "\n", "\r", "\t", "\u{0}", "{", "}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The shortcut for plain sentences gives exactly what parsing gives.
    #[test]
    fn plain_paragraphs_render_as_parsed(
        pieces in prop::collection::vec(
            prop_oneof![10 => select(PLAIN_PIECES), 1 => select(MARKUP_PIECES)],
            0..14,
        ),
    ) {
        let text = pieces.concat();
        if let Some(html) = plain_paragraph(&text) {
            prop_assert_eq!(html, Body::parse(&text).render(&Decorations::default()));
        }
    }
}

#[test]
fn plain_sentences_take_the_shortcut_and_markup_does_not() {
    for plain in [
        "Trucks that crossed into Gaza on 16 September 2024",
        "“Quoted,” she said (twice).",
    ] {
        assert!(plain_paragraph(plain).is_some(), "{plain}");
    }
    for markup in [
        "The *official* said",
        "see [the report](x)",
        "1. first",
        "- item",
        "a  \nb",
    ] {
        assert!(plain_paragraph(markup).is_none(), "{markup}");
    }
}

proptest! {
    /// Measuring characters in bytes where they are ASCII finds the same
    /// places as counting them one by one.
    #[test]
    fn context_cuts_agree_with_counting_characters(
        pieces in prop::collection::vec(select(&["a", " ", "é", "空", "“", "x y", "\n"][..]), 0..30),
        chars in 1usize..25,
    ) {
        let s = pieces.concat();
        prop_assert_eq!(
            start_of_last_chars(&s, chars),
            s.char_indices().rev().nth(chars - 1).map(|(i, _)| i)
        );
        prop_assert_eq!(
            end_of_first_chars(&s, chars),
            s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
        );
        prop_assert_eq!(end_of_first_chars(&s, 0), 0);
    }
}
