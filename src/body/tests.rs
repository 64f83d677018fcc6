//! Behaviour tests of the body module as a whole: anchoring and rendering.

use super::*;

/// Parses HTML as a browser would and fails on any parse error.
pub(super) fn parse_html(html: &str) -> scraper::Html {
    let doc = scraper::Html::parse_fragment(html);
    assert!(
        doc.errors.is_empty(),
        "HTML parse errors {:?} in\n{html}",
        doc.errors
    );
    doc
}

/// All text nodes, in document order.
pub(super) fn visible_text(html: &str) -> String {
    parse_html(html).root_element().text().collect()
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

fn mark(span: TextSpan, id: &str) -> Mark {
    Mark {
        span,
        id: id.into(),
        class: "passage".into(),
        title: None,
        after: String::new(),
    }
}

fn find(body: &Body, quote: &str) -> Result<TextSpan, AnchorError> {
    body.find(&Selector::quote(quote))
}

fn plain(body: &Body) -> String {
    body.render(&Decorations::default())
}

// ---- anchoring ---------------------------------------------------------

#[test]
fn typographic_forms_and_white_space_match_plain_quotes() {
    let body = Body::parse("He said: “It’s over — for now…”\nand  left.");
    let span = find(&body, "He said: \"It's over - for now...\" and left.").unwrap();
    assert_eq!(
        body.text(span),
        "He said: “It’s over — for now…”\nand  left."
    );
    // And the other way round.
    let body = Body::parse("He said: \"It's over - for now...\"");
    let span = find(&body, "“It’s over — for now…”").unwrap();
    assert_eq!(body.text(span), "\"It's over - for now...\"");
    // Non-breaking and thin spaces.
    let body = Body::parse("19\u{00A0}months and 3\u{2009}weeks");
    assert_eq!(
        body.text(find(&body, "19 months and 3 weeks").unwrap()),
        "19\u{00A0}months and 3\u{2009}weeks"
    );
}

#[test]
fn matching_is_case_sensitive_and_exact() {
    let body = Body::parse("The Biden administration");
    assert!(matches!(
        find(&body, "the Biden administration"),
        Err(AnchorError::NotFound { .. })
    ));
    assert!(matches!(
        find(&body, "The Biden administrations"),
        Err(AnchorError::NotFound { .. })
    ));
}

#[test]
fn empty_quote_is_an_error() {
    let body = Body::parse("Text.");
    assert_eq!(find(&body, " \n\u{00A0}"), Err(AnchorError::EmptyQuote));
}

#[test]
fn ellipsis_match_covers_whole_character() {
    let body = Body::parse("wait… what");
    let span = find(&body, "wait.").unwrap();
    assert_eq!(body.text(span), "wait…");
    let span = find(&body, ". what").unwrap();
    assert_eq!(body.text(span), "… what");
}

#[test]
fn passage_crosses_emphasis_links_and_code() {
    let body = Body::parse("A *quick* **[brown](https://x.org) `fox`** jumps.");
    let span = find(&body, "quick brown fox jumps").unwrap();
    assert_eq!(body.text(span), "quick brown fox jumps");
}

#[test]
fn passage_never_crosses_blocks() {
    let body = Body::parse("First paragraph ends.\n\nSecond begins.");
    assert!(matches!(
        find(&body, "ends. Second"),
        Err(AnchorError::NotFound { .. })
    ));
    let body = Body::parse("- one\n- two");
    assert!(matches!(
        find(&body, "one two"),
        Err(AnchorError::NotFound { .. })
    ));
}

#[test]
fn code_blocks_are_not_anchorable() {
    let body = Body::parse("```\nsecret words\n```\n");
    assert!(!body.blocks()[0].anchorable);
    assert!(matches!(
        find(&body, "secret words"),
        Err(AnchorError::NotFound { .. })
    ));
}

#[test]
fn prefix_suffix_and_occurrence_pick_one_match() {
    let md =
        "Hamas confirmed the talks.\n\nIsrael denied the talks.\n\nEgypt hosted the talks, again.";
    let body = Body::parse(md);
    let sel = |prefix, suffix, occurrence| Selector {
        quote: "the talks",
        prefix,
        suffix,
        occurrence,
    };
    let at_line = |r: Result<TextSpan, AnchorError>| body.line_of(r.unwrap());
    assert_eq!(at_line(body.find(&sel(Some("denied"), None, None))), 3);
    assert_eq!(
        at_line(body.find(&sel(Some("Israel  denied "), None, None))),
        3
    );
    assert_eq!(at_line(body.find(&sel(None, Some(", again"), None))), 5);
    assert_eq!(at_line(body.find(&sel(None, None, Some(2)))), 3);
    assert_eq!(at_line(body.find(&sel(None, Some("."), Some(2)))), 3);
    assert_eq!(
        body.find(&sel(None, Some("."), Some(3))),
        Err(AnchorError::OccurrenceOutOfRange {
            requested: 3,
            found: 2
        })
    );
    assert_eq!(
        body.find(&sel(None, None, Some(0))),
        Err(AnchorError::OccurrenceOutOfRange {
            requested: 0,
            found: 3
        })
    );
}

#[test]
fn prefix_and_suffix_reach_into_neighbouring_blocks() {
    let body = Body::parse("It was over.\n\nThe talks resumed.\n\nNo. The talks resumed.");
    let span = body
        .find(&Selector {
            prefix: Some("over."),
            ..Selector::quote("The talks")
        })
        .unwrap();
    assert_eq!(span.block, 1);
    let span = body
        .find(&Selector {
            suffix: Some("resumed. No."),
            ..Selector::quote("The talks")
        })
        .unwrap();
    assert_eq!(span.block, 1);
    let span = body
        .find(&Selector {
            prefix: Some("No."),
            ..Selector::quote("The talks")
        })
        .unwrap();
    assert_eq!(span.block, 2);
}

#[test]
fn prefix_that_matches_nothing_is_not_found_with_the_real_context() {
    let body = Body::parse("Israel denied the talks on Sunday.");
    let err = body
        .find(&Selector {
            prefix: Some("Hamas confirmed"),
            ..Selector::quote("the talks")
        })
        .unwrap_err();
    let AnchorError::NotFound { closest: Some(c) } = err else {
        panic!("{err:?}")
    };
    assert!(c.text.contains("denied the talks"), "{c:?}");
}

#[test]
fn ambiguous_lists_every_match_with_line_and_context() {
    let md = "The envoy arrived.\n\nLater, *the envoy*\nleft Doha.\n\n- and the envoy again\n";
    let body = Body::parse(md);
    let Err(AnchorError::Ambiguous { matches }) = find(&body, "envoy") else {
        panic!()
    };
    let lines: Vec<usize> = matches.iter().map(|m| m.line).collect();
    assert_eq!(lines, [1, 3, 6]);
    assert_eq!(matches[0].context, "The «envoy» arrived.");
    assert_eq!(matches[1].context, "Later, the «envoy» left Doha.");
    assert!(matches.iter().all(|m| body.text(m.span) == "envoy"));
    let long = format!("{} the envoy {}", "word ".repeat(30), "more ".repeat(30));
    let body = Body::parse(&format!("{long}\n\n{long}"));
    let Err(AnchorError::Ambiguous { matches }) = find(&body, "the envoy") else {
        panic!()
    };
    assert!(
        matches[0].context.starts_with('…') && matches[0].context.ends_with('…'),
        "{}",
        matches[0].context
    );
    assert!(matches[0].context.contains("word «the envoy» more"));
}

#[test]
fn not_found_proposes_the_closest_passage() {
    let md = "Intro line.\n\nAfter 19 months of Israeli bombardment, the talks began.\n";
    let body = Body::parse(md);
    let err = find(&body, "After 19 months of Israeli bombing, the talks began").unwrap_err();
    let AnchorError::NotFound { closest: Some(c) } = err else {
        panic!("{err:?}")
    };
    assert_eq!(c.line, 3);
    assert!(
        c.text.starts_with("After 19 months of Israeli bombardment"),
        "{c:?}"
    );
    assert!(c.similarity > 0.7 && c.similarity < 1.0, "{c:?}");
    // Nothing alike: no hint rather than noise.
    assert_eq!(
        find(&body, "Völlig anderer Satz hier"),
        Err(AnchorError::NotFound { closest: None })
    );
}

#[test]
fn quote_running_into_the_next_paragraph_gets_a_hint() {
    let body = Body::parse("The talks ended on Sunday.\n\nNobody said why they ended.");
    let Err(AnchorError::NotFound { closest: Some(c) }) =
        find(&body, "The talks ended on Sunday. Nobody said why")
    else {
        panic!()
    };
    assert_eq!(c.text, "The talks ended on Sunday.");
    assert_eq!(c.line, 1);
}

#[test]
fn closest_never_proposes_different_numbers() {
    let body = Body::parse("After 19 months of Israeli bombardment, talks began.");
    assert_eq!(
        find(&body, "After 25 months of Israeli bombardment"),
        Err(AnchorError::NotFound { closest: None })
    );
    let body = Body::parse(
        "After 19 months of Israeli bombardment.\n\nSome 25 months of war and bombardment.",
    );
    let Err(AnchorError::NotFound { closest: Some(c) }) =
        find(&body, "After 25 months of Israeli bombardment")
    else {
        panic!()
    };
    assert_eq!(c.text, "Some 25 months of war and bombardment.");
    // Arabic-Indic digits are the same numbers.
    let body = Body::parse("بعد ١٩ شهرا من القصف الإسرائيلي");
    assert_eq!(
        find(&body, "بعد 25 شهرا من القصف"),
        Err(AnchorError::NotFound { closest: None })
    );
    let Err(AnchorError::NotFound { closest: Some(c) }) =
        find(&body, "بعد 19 شهرا من القصف الاسرائيلي")
    else {
        panic!()
    };
    assert!(c.text.contains("١٩"));
}

#[test]
fn closest_stays_fast_on_a_huge_article() {
    let para =
        "The delegation met in Doha on Sunday to discuss a ceasefire and the release of hostages. ";
    let md: String = (0..2000)
        .map(|i| format!("{}{i}\n\n", para.repeat(5)))
        .collect();
    let body = Body::parse(&md);
    let t = std::time::Instant::now();
    let err = find(
        &body,
        "The delegation met in Cairo on Monday to discuss a truce",
    )
    .unwrap_err();
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
    let AnchorError::NotFound { closest: Some(c) } = err else {
        panic!("{err:?}")
    };
    assert!(
        c.text.starts_with("The delegation met in Doha on Sunday"),
        "{c:?}"
    );
}

#[test]
fn arabic_passage_is_found_and_marked() {
    let md = "قال المسؤول إن «المحادثات» مستمرة\u{200F} منذ ١٩ شهرا.\n\nفقرة ثانية.";
    let body = Body::parse(md);
    let span = find(&body, "إن \"المحادثات\" مستمرة منذ ١٩").unwrap_err();
    // Guillemets are not quotation marks in the normalisation: exact only.
    assert!(matches!(span, AnchorError::NotFound { .. }));
    let span = find(&body, "«المحادثات» مستمرة منذ ١٩ شهرا").unwrap();
    assert_eq!(body.text(span), "«المحادثات» مستمرة\u{200F} منذ ١٩ شهرا");
    let html = body.render(&Decorations {
        marks: vec![mark(span, "m1")],
        links: vec![],
    });
    assert!(
        html.contains("<mark id=\"m1\" class=\"passage\" data-passage=\"m1\">«المحادثات» مستمرة"),
        "{html}"
    );
    assert_eq!(visible_text(&html), visible_text(&plain(&body)));
}

#[test]
fn context_cuts_at_word_boundaries() {
    let body = Body::parse("one two three four five six seven");
    let span = find(&body, "four").unwrap();
    assert_eq!(body.context(span, 8), ("three ", "four", " five"));
    assert_eq!(
        body.context(span, 100),
        ("one two three ", "four", " five six seven")
    );
    assert_eq!(body.context(span, 0), ("", "four", ""));
    let body = Body::parse("中文没有空格的句子");
    let span = find(&body, "空格").unwrap();
    assert_eq!(body.context(span, 2), ("没有", "空格", "的句"));
}

#[test]
fn occurrences_lists_overlapping_matches() {
    let body = Body::parse("aaa\n\naa");
    assert_eq!(body.occurrences("aa").len(), 3);
}

// ---- rendering -----------------------------------------------------------

#[test]
fn renders_common_markdown() {
    let md = "# Title\n\nPara with *em*, **strong**, ~~del~~ and [link](https://x.org \"T\").\n\n> quote\n\n1. a\n2. b\n\n| h |\n|:-:|\n| c |\n\nNote[^n].\n\n[^n]: The note.\n\n---\n";
    let html = plain(&Body::parse(md));
    parse_html(&html);
    for want in [
        "<h1 id=\"title\">Title</h1>",
        "<em>em</em>",
        "<strong>strong</strong>",
        "<del>del</del>",
        "<a href=\"https://x.org\" title=\"T\" rel=\"noopener noreferrer\">link</a>",
        "<blockquote>",
        "<ol>",
        "<th style=\"text-align: center\">h</th>",
        "<td style=\"text-align: center\">c</td>",
        "<sup class=\"footnote-reference\"><a href=\"#fn-n\">1</a></sup>",
        "id=\"fn-n\"",
        "<hr />",
    ] {
        assert!(html.contains(want), "missing {want} in\n{html}");
    }
}

#[test]
fn no_smart_punctuation() {
    let html = plain(&Body::parse("\"Straight\" -- quotes..."));
    assert!(html.contains("&quot;Straight&quot; -- quotes..."), "{html}");
}

#[test]
fn headings_get_unique_ids() {
    let body = Body::parse("## The talks\n\n## The talks\n\n## ما قيل\n");
    let html = plain(&body);
    assert!(html.contains("<h2 id=\"the-talks\">"));
    assert!(html.contains("<h2 id=\"the-talks-1\">"));
    assert!(html.contains("<h2 id=\"ما-قيل\">"));
    // A decoration id wins over a heading slug.
    let span = find(&body, "ما").unwrap();
    let html = body.render(&Decorations {
        marks: vec![mark(span, "the-talks")],
        links: vec![],
    });
    assert!(
        html.contains("<h2 id=\"the-talks-1\">") && html.contains("<h2 id=\"the-talks-2\">"),
        "{html}"
    );
}

#[test]
fn hostile_input_is_neutralised() {
    let md = "<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and <b onclick=\"x\">b</b>.\n\n\
              [x](javascript:alert(1)) [y]( JaVaScRiPt:alert(1)) [z](vbscript:msgbox) [w](<java\tscript:x>) \
              ![pic](data:image/png;base64,AAAA) [ok](https://ok.org) <javascript:alert(1)> [d](DATA:text/html,x)\n\n\
              ![remote](https://tracker.example/p.gif) ![local](static/map.png)\n\n\
              <div onmouseover=\"alert(1)\">\n*x*\n</div>\n";
    let body = Body::parse(md);
    let html = plain(&body);
    let doc = parse_html(&html);
    assert!(select(&doc, "script, div, b, iframe").is_empty(), "{html}");
    for el in select(&doc, "*") {
        for (name, value) in el.value().attrs() {
            assert!(!name.starts_with("on"), "event handler attribute in {html}");
            let v = value.to_ascii_lowercase().replace(char::is_whitespace, "");
            assert!(
                !v.starts_with("javascript:")
                    && !v.starts_with("data:")
                    && !v.starts_with("vbscript:"),
                "{html}"
            );
        }
    }
    let hrefs: Vec<&str> = select(&doc, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["https://ok.org"]);
    let imgs: Vec<&str> = select(&doc, "img")
        .iter()
        .filter_map(|a| a.value().attr("src"))
        .collect();
    assert_eq!(imgs, ["static/map.png"]);
    // Raw HTML stays visible as text; refused links/images keep their text.
    let text = visible_text(&html);
    for t in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "x y z w",
        "pic ok",
        "remote",
    ] {
        assert!(text.contains(t), "missing {t:?} in {text:?}");
    }
    assert!(!text.contains("local"));
}

#[test]
fn code_blocks_are_highlighted_with_classes() {
    let body = Body::parse(
        "```python\nprint(\"<hi>\")\n```\n\n```nosuchlang\n<b>\n```\n\n    indented <i>\n",
    );
    let html = plain(&body);
    parse_html(&html);
    assert!(
        html.contains(
            "<pre class=\"code\"><code class=\"language-python\"><span class=\"source python\">"
        ),
        "{html}"
    );
    assert!(
        html.contains("<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>"),
        "{html}"
    );
    assert!(
        html.contains("<pre><code>indented &lt;i&gt;\n</code></pre>"),
        "{html}"
    );
    assert!(visible_text(&html).contains("print(\"<hi>\")"));
}

#[test]
fn mark_crossing_em_and_link_is_split_with_id_on_first_segment() {
    let body = Body::parse("Before *the quick* [brown fox](https://x.org) jumps.");
    let span = find(&body, "quick brown fox jumps").unwrap();
    let mut m = mark(span, "p1");
    m.title = Some("A \"note\"".into());
    let html = body.render(&Decorations {
        marks: vec![m],
        links: vec![],
    });
    let t = " class=\"passage\" data-passage=\"p1\" title=\"A &quot;note&quot;\"";
    assert_eq!(
        html,
        format!(
            "<p>Before <em>the <mark id=\"p1\"{t}>quick</mark></em><mark{t}> </mark>\
             <a href=\"https://x.org\" rel=\"noopener noreferrer\"><mark{t}>brown fox</mark></a><mark{t}> jumps</mark>.</p>\n"
        )
    );
    parse_html(&html);
}

#[test]
fn overlapping_and_nested_marks_nest_consistently() {
    let body = Body::parse("one two three four five");
    let a = find(&body, "one two three").unwrap();
    let b = find(&body, "three four").unwrap();
    let c = find(&body, "two").unwrap();
    let html = body.render(&Decorations {
        marks: vec![mark(b, "b"), mark(a, "a"), mark(c, "c")],
        links: vec![],
    });
    assert_eq!(
        html,
        "<p><mark id=\"a\" class=\"passage\" data-passage=\"a\">one \
         <mark id=\"c\" class=\"passage\" data-passage=\"c\">two</mark> \
         <mark id=\"b\" class=\"passage\" data-passage=\"b\">three</mark></mark>\
         <mark class=\"passage\" data-passage=\"b\"> four</mark> five</p>\n"
    );
    // Same start: the longer one is outer, whatever the input order.
    let d = find(&body, "one two").unwrap();
    let html = body.render(&Decorations {
        marks: vec![mark(d, "d"), mark(a, "a")],
        links: vec![],
    });
    assert!(
        html.starts_with("<p><mark id=\"a\" class=\"passage\" data-passage=\"a\"><mark id=\"d\""),
        "{html}"
    );
    parse_html(&html);
}

#[test]
fn after_goes_right_after_the_passage() {
    let body = Body::parse("They said *it was over* today.");
    let span = find(&body, "it was over").unwrap();
    let mut m = mark(span, "f1");
    m.after = "<sup class=\"flag\"><a href=\"#x\">1</a></sup>".into();
    let html = body.render(&Decorations {
        marks: vec![m.clone()],
        links: vec![],
    });
    assert!(html.contains("<em><mark id=\"f1\" class=\"passage\" data-passage=\"f1\">it was over</mark><sup class=\"flag\"><a href=\"#x\">1</a></sup></em> today."), "{html}");
    // Ending inside a link: the marker follows the link, never nests in it.
    let body = Body::parse("See [the report by Ross](https://x.org) here.");
    m.span = find(&body, "See the report").unwrap();
    let html = body.render(&Decorations {
        marks: vec![m.clone()],
        links: vec![],
    });
    assert!(
        html.contains("the report</mark> by Ross</a><sup class=\"flag\">"),
        "{html}"
    );
    parse_html(&html);
    // Crossing blocks' end: right before the closing </p>.
    let body = Body::parse("All of it.");
    m.span = find(&body, "All of it.").unwrap();
    let html = body.render(&Decorations {
        marks: vec![m],
        links: vec![],
    });
    assert!(
        html.ends_with("All of it.</mark><sup class=\"flag\"><a href=\"#x\">1</a></sup></p>\n"),
        "{html}"
    );
}

#[test]
fn links_are_outer_to_marks_and_never_split() {
    let body = Body::parse("Envoy Steve Witkoff met Hamas.");
    let runs = body.linkable_runs();
    assert_eq!(runs, [(0, 0..30)]);
    let name = find(&body, "Steve Witkoff").unwrap();
    let link = Link {
        span: name,
        href: "../people/steve-witkoff.html".into(),
        id: "l1".into(),
        class: "person".into(),
        title: Some("Steve Witkoff".into()),
    };
    let m = mark(find(&body, "Envoy Steve").unwrap(), "m1");
    let html = body.render(&Decorations {
        marks: vec![m],
        links: vec![link],
    });
    assert_eq!(
        html,
        "<p><mark id=\"m1\" class=\"passage\" data-passage=\"m1\">Envoy </mark>\
         <a href=\"../people/steve-witkoff.html\" id=\"l1\" class=\"person\" title=\"Steve Witkoff\">\
         <mark class=\"passage\" data-passage=\"m1\">Steve</mark> Witkoff</a> met Hamas.</p>\n"
    );
}

#[test]
fn invalid_decorations_are_skipped_and_reported() {
    let body = Body::parse("Plain [linked](x.html) text é.\n\n```\ncode\n```\n");
    let text = &body.blocks()[0].text;
    let e = text.find('é').unwrap();
    let l = |span, id: &str, href: &str| Link {
        span,
        href: href.into(),
        id: id.into(),
        class: String::new(),
        title: None,
    };
    let deco = Decorations {
        marks: vec![
            mark(
                TextSpan {
                    block: 0,
                    start: e + 1,
                    end: e + 2,
                },
                "mid-char",
            ),
            mark(
                TextSpan {
                    block: 1,
                    start: 0,
                    end: 4,
                },
                "in-code",
            ),
            mark(
                TextSpan {
                    block: 7,
                    start: 0,
                    end: 1,
                },
                "no-block",
            ),
            mark(
                TextSpan {
                    block: 0,
                    start: 3,
                    end: 3,
                },
                "empty",
            ),
            mark(
                TextSpan {
                    block: 0,
                    start: 0,
                    end: 5,
                },
                "ok",
            ),
        ],
        links: vec![
            l(
                TextSpan {
                    block: 0,
                    start: 6,
                    end: 12,
                },
                "in-link",
                "a.html",
            ),
            l(
                TextSpan {
                    block: 0,
                    start: 0,
                    end: 5,
                },
                "js",
                "javascript:x",
            ),
            l(
                TextSpan {
                    block: 0,
                    start: 0,
                    end: 5,
                },
                "first",
                "a.html",
            ),
            l(
                TextSpan {
                    block: 0,
                    start: 2,
                    end: 4,
                },
                "overlap",
                "a.html",
            ),
        ],
    };
    let mut bad = body.invalid_decorations(&deco);
    bad.sort();
    assert_eq!(
        bad,
        ["empty", "in-code", "in-link", "js", "mid-char", "no-block", "overlap"]
    );
    let html = body.render(&deco);
    parse_html(&html);
    assert!(html.contains("id=\"ok\"") && html.contains("id=\"first\""));
    assert_eq!(visible_text(&html), visible_text(&plain(&body)));
}

#[test]
fn markdown_to_html_is_the_same_safe_renderer() {
    assert_eq!(
        markdown_to_html("A *note* <script>x</script>"),
        "<p>A <em>note</em> &lt;script&gt;x&lt;/script&gt;</p>\n"
    );
    assert_eq!(markdown_to_html(""), "");
}

#[test]
fn inline_markdown_has_no_block_markup() {
    assert_eq!(
        markdown_to_inline_html("said **intense** pressure"),
        "said <strong>intense</strong> pressure"
    );
    assert_eq!(
        markdown_to_inline_html("Plain words, a sentence."),
        "Plain words, a sentence."
    );
    assert_eq!(markdown_to_inline_html("a\n\nb"), "a b");
    assert_eq!(
        markdown_to_inline_html(
            "<p>Hamas</p>\n\n# Head *x*\n\n- one\n- two\n\n```\nlet x;\n```\n\n> q"
        ),
        "&lt;p&gt;Hamas&lt;/p&gt; Head <em>x</em> one two <code>let x;</code> q"
    );
    assert_eq!(markdown_to_inline_html(""), "");
}

#[test]
fn line_of_and_parse_at() {
    let body = Body::parse_at("Intro.\n\n- item one\n- item *two*\n", 10);
    let span = find(&body, "two").unwrap();
    assert_eq!(body.line_of(span), 13);
    assert_eq!(body.blocks()[0].line, 10);
}

#[test]
fn links_never_nest() {
    let body = Body::parse("[a <https://x.org> b](y.html) and [x](z.html)[^1]\n\n[^1]: n\n");
    let html = plain(&body);
    let doc = parse_html(&html);
    let hrefs: Vec<&str> = select(&doc, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["y.html", "z.html", "#fn-1"]);
    assert!(visible_text(&html).starts_with("a https://x.org b and x1"));
}

#[test]
fn marks_cross_footnote_references_and_table_cells_are_blocks() {
    let body = Body::parse("Talks began[^a] in Doha.\n\n| Who | Said |\n|---|---|\n| Ross | *real* talks |\n\n[^a]: Source.\n");
    let span = find(&body, "began in").unwrap();
    let html = body.render(&Decorations {
        marks: vec![mark(span, "m")],
        links: vec![],
    });
    assert!(html.contains("<mark id=\"m\" class=\"passage\" data-passage=\"m\">began</mark><sup class=\"footnote-reference\"><a href=\"#fn-a\">1</a></sup><mark class=\"passage\" data-passage=\"m\"> in</mark>"), "{html}");
    let span = find(&body, "real talks").unwrap();
    assert_eq!(body.line_of(span), 5);
    assert!(matches!(
        find(&body, "Ross real"),
        Err(AnchorError::NotFound { .. })
    ));
    parse_html(&html);
}

#[test]
fn body_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Body>();
}

#[test]
fn plain_text_strips_markup() {
    assert_eq!(
        plain_text("How *long* the [war](x) lasted"),
        "How long the war lasted"
    );
    assert_eq!(
        plain_text("Capital of **Qatar**.\n\nNext"),
        "Capital of Qatar. Next"
    );
}

#[test]
fn a_body_shed_of_its_match_index_renders_and_quotes_as_before() {
    let mut body = Body::parse("Envoy “Steve” Witkoff met *the* team.\n\n- in Doha\n");
    let span = find(&body, "Steve\" Witkoff met the").unwrap();
    let mut deco = Decorations::default();
    deco.marks.push(mark(span, "p1"));
    let (html, context) = (body.render(&deco), body.context(span, 10));
    let context = (
        context.0.to_owned(),
        context.1.to_owned(),
        context.2.to_owned(),
    );
    let line = body.line_of(span);
    body.shed_match_index();
    assert_eq!(body.render(&deco), html);
    let after = body.context(span, 10);
    assert_eq!(
        (after.0, after.1, after.2),
        (&*context.0, &*context.1, &*context.2)
    );
    assert_eq!(body.line_of(span), line);
}
