//! `dossier build` on a small fixture dossier: every page exists, says the
//! right things, and links where it should (parsed with scraper).

mod common;

use common::{broken_links, build, fixture, sel, text_of, texts_of};

#[test]
fn builds_every_page_of_the_output_layout() {
    let site = build(&fixture("basic"));
    let summary = site.built.summary.as_ref().unwrap();
    assert_eq!(
        (summary.articles, summary.people, summary.claims),
        (3, 4, 2)
    );
    for path in [
        "index.html",
        "articles.html",
        "people.html",
        "claims.html",
        "outlets.html",
        "inconsistencies.html",
        "timeline.html",
        "search.html",
        "search-index.js",
        "dossier.json",
        "annotations.jsonld",
        "sitemap.xml",
        "feed.xml",
        "404.html",
        ".nojekyll",
        "static/style.css",
        "static/dossier.js",
        "static/search.js",
        "static/extra.txt",
        "articles/alpha.html",
        "articles/beta.html",
        "articles/arabic.html",
        "people/steve-witkoff.html",
        "people/joe-biden.html",
        "claims/war-duration.html",
        "outlets/quds-news-network.html",
        "outlets/albawaba.html",
    ] {
        assert!(site.out.join(path).is_file(), "missing {path}");
    }
}

#[test]
fn every_link_and_fragment_resolves() {
    let site = build(&fixture("basic"));
    let problems = broken_links(&site.out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn article_page_highlights_and_links_passages() {
    let site = build(&fixture("basic"));
    let page = site.page("articles/alpha.html");
    assert_eq!(
        text_of(&page, "article h1"),
        "Alpha: envoy meets negotiators"
    );
    assert_eq!(text_of(&page, ".kicker a"), "Quds News Network");
    assert_eq!(
        page.select(&sel(".kicker a"))
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("../outlets/quds-news-network.html")
    );

    // Names are linked to their people, longest form first.
    let people: Vec<(String, String)> = page
        .select(&sel(".body a.person"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        people.contains(&(
            "Steve Witkoff".into(),
            "../people/steve-witkoff.html".into()
        )),
        "{people:?}"
    );
    assert!(
        people.contains(&(
            "Khalil al-Hayya".into(),
            "../people/khalil-al-hayya.html".into()
        )),
        "{people:?}"
    );
    assert!(
        !people.iter().any(|(t, _)| t == "Witkoff"),
        "Witkoff inside Steve Witkoff is one mention"
    );

    // The claim passage crosses <em>: split marks, the first carries the id.
    let marks: Vec<_> = page.select(&sel(".body mark.claim")).collect();
    assert!(marks.len() >= 2, "passage crossing <em> is split");
    let id = marks[0].value().attr("id").unwrap();
    let whole: String = marks
        .iter()
        .filter(|m| m.value().attr("data-passage") == Some(id))
        .flat_map(|m| m.text())
        .collect();
    assert_eq!(whole, "19 months of Israeli bombardment");
    // Its marker links to the annotation, which links to the claim page.
    let marker = page.select(&sel("sup.refs a.ref-claim")).next().unwrap();
    let target = marker
        .value()
        .attr("href")
        .unwrap()
        .trim_start_matches('#')
        .to_owned();
    let entry = page.select(&sel(&format!("li#{target}"))).next().unwrap();
    let links: Vec<&str> = entry
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&"../claims/war-duration.html"), "{links:?}");
    assert!(
        links.contains(&format!("#{id}").as_str()),
        "back-link to the passage: {links:?}"
    );
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("https://example.com/alpha#:~:text=19%20months")),
        "{links:?}"
    );

    // The quote links to its speaker; the note is shown beside its passage.
    let quote = page
        .select(&sel("li.annotation-quote a"))
        .find(|a| a.value().attr("href") == Some("../people/dennis-ross.html"));
    assert!(quote.is_some());
    assert_eq!(text_of(&page, "li.annotation-note .label"), "Editor's note");
    // The note's sidenote follows its passage's marker, inside the paragraph.
    let sidenote = page
        .select(&sel(".body p sup.refs + .sidenote"))
        .next()
        .unwrap();
    assert_eq!(
        common::collapse(&sidenote.text().collect::<Vec<_>>().join(" ")),
        "2 Doha is the capital of Qatar."
    );
    // Code is highlighted with classes.
    assert!(page
        .select(&sel(".body pre code span[class]"))
        .next()
        .is_some());
}

#[test]
fn person_page_lists_spellings_roles_and_mentions() {
    let site = build(&fixture("basic"));
    let page = site.page("people/steve-witkoff.html");
    assert_eq!(text_of(&page, "main h1"), "Steve Witkoff");
    assert_eq!(text_of(&page, ".lead"), "US special envoy.");
    let spellings: Vec<String> = page
        .select(&sel("#spellings ~ table tbody tr"))
        .map(|tr| common::collapse(&tr.text().collect::<Vec<_>>().join(" ")))
        .collect();
    assert!(
        spellings.contains(&"Steve Witkoff name 1".to_owned()),
        "{spellings:?}"
    );
    assert!(
        spellings.contains(&"Steven Weitekamp variant 1".to_owned()),
        "{spellings:?}"
    );
    assert_eq!(
        texts_of(&page, "#roles ~ ul > li"),
        vec!["Special Envoy to the Middle East, United States from 2025-01-20 (current)"]
    );
    // Every mention links to its exact passage.
    let hrefs: Vec<&str> = page
        .select(&sel(".snippets a.source"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs.len(), 3, "{hrefs:?}");
    assert!(hrefs
        .iter()
        .all(|h| h.starts_with("../articles/") && h.contains(".html#")));
    let roles = texts_of(&page, ".snippets .meta");
    assert!(
        roles.contains(&"as Special Envoy to the Middle East".to_owned()),
        "{roles:?}"
    );
    // Claims about them, and the flag of the variant spelling.
    assert_eq!(
        texts_of(&page, "#claims ~ ul a"),
        vec!["How long the war in Gaza had lasted"]
    );
    assert!(page.select(&sel("li.flag")).count() >= 1);
}

#[test]
fn claim_page_shows_each_source_with_its_words() {
    let site = build(&fixture("basic"));
    let page = site.page("claims/war-duration.html");
    assert_eq!(
        text_of(&page, "h1.statement"),
        "How long the war in Gaza had lasted"
    );
    let rows: Vec<_> = page.select(&sel("table.assertions tbody tr")).collect();
    assert_eq!(rows.len(), 2);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.select(&sel("td"))
                .map(|td| common::collapse(&td.text().collect::<Vec<_>>().join(" ")))
                .collect()
        })
        .collect();
    assert!(
        cells.contains(&vec![
            "Albawaba 2025-05-11".to_owned(),
            "asserts".into(),
            "19–20 months".into(),
            "currently in its twentieth month".into()
        ]),
        "{cells:?}"
    );
    let link = rows[0]
        .select(&sel("td a"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert!(link.starts_with("../articles/") && link.contains('#'));

    let dated = site.page("claims/talks-confirmed.html");
    assert_eq!(text_of(&dated, ".verdict strong"), "Verdict: true");
    // The weekday is resolved to the article's Sunday, the words kept beside it.
    let date_cells: Vec<String> = dated
        .select(&sel("table.assertions tbody td:nth-child(3)"))
        .map(|td| common::collapse(&td.text().collect::<String>()))
        .collect();
    assert_eq!(date_cells, vec!["2025-05-11 (\"Sunday\")"]);
    let ld = dated
        .select(&sel("script[type='application/ld+json']"))
        .next()
        .unwrap();
    let review: serde_json::Value = serde_json::from_str(&ld.text().collect::<String>()).unwrap();
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["reviewRating"]["ratingValue"], 5);
}

#[test]
fn outlet_pages_and_lists() {
    let site = build(&fixture("basic"));
    let page = site.page("outlets/albawaba.html");
    assert_eq!(text_of(&page, "main h1"), "Albawaba");
    assert_eq!(
        texts_of(&page, ".article-list a"),
        vec!["Beta: advanced negotiations"]
    );
    let list = site.page("articles.html");
    // Newest first.
    assert_eq!(
        texts_of(&list, ".item-list a"),
        vec![
            "Alpha: envoy meets negotiators",
            "حماس تؤكد المحادثات",
            "Beta: advanced negotiations"
        ]
    );
    let people = site.page("people.html");
    assert_eq!(texts_of(&people, ".item-list a").len(), 4);
    let timeline = site.page("timeline.html");
    let days = texts_of(&timeline, "ol.timeline > li > h2 time");
    assert_eq!(days, vec!["2025-05-11", "2025-05-12", "2025-05-21"]);
}

#[test]
fn declared_flags_are_inline_and_listed() {
    let site = build(&fixture("basic"));
    let page = site.page("articles/beta.html");
    let flag_refs: Vec<_> = page.select(&sel(".body sup.refs a.ref-flag")).collect();
    assert!(!flag_refs.is_empty());
    let incons = site.page("inconsistencies.html");
    let headings = texts_of(&incons, "main section h2");
    assert!(
        headings
            .iter()
            .any(|h| h.starts_with("Found by the editor")),
        "{headings:?}"
    );
    let json = site.json();
    let declared: Vec<_> = json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "declared")
        .collect();
    assert_eq!(declared.len(), 1);
    assert_eq!(declared[0]["kind"], "title-error");
    assert_eq!(declared[0]["passages"][0]["article"], "beta");
    assert_eq!(
        declared[0]["passages"][0]["quote"],
        "Envoy Steven Weitekamp"
    );
}

#[test]
fn dossier_json_has_the_contract_fields_and_anchors_exist() {
    let site = build(&fixture("basic"));
    let json = site.json();
    assert_eq!(json["title"], "Fixture dossier");
    let articles = json["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    for a in articles {
        for field in ["slug", "title", "outlet", "published", "page"] {
            assert!(a.get(field).is_some(), "article lacks {field}");
        }
    }
    // Every anchor is an element id on that article's page.
    let mut anchors = Vec::new();
    for p in json["people"].as_array().unwrap() {
        for m in p["mentions"].as_array().unwrap() {
            anchors.push((
                m["article"].as_str().unwrap().to_owned(),
                m["anchor"].as_str().unwrap().to_owned(),
            ));
        }
    }
    for c in json["claims"].as_array().unwrap() {
        for a in c["assertions"].as_array().unwrap() {
            anchors.push((
                a["article"].as_str().unwrap().to_owned(),
                a["anchor"].as_str().unwrap().to_owned(),
            ));
        }
    }
    for f in json["flags"].as_array().unwrap() {
        for p in f["passages"].as_array().unwrap() {
            anchors.push((
                p["article"].as_str().unwrap().to_owned(),
                p["anchor"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert!(anchors.len() > 5);
    for (article, anchor) in anchors {
        let page = site.page(&format!("articles/{article}.html"));
        assert!(
            page.select(&sel(&format!("[id='{anchor}']")))
                .next()
                .is_some(),
            "{article}#{anchor}"
        );
    }
    let ld: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out.join("annotations.jsonld")).unwrap())
            .unwrap();
    let items = ld["first"]["items"].as_array().unwrap();
    assert!(items
        .iter()
        .all(|i| i["target"]["selector"]["type"] == "TextQuoteSelector"));
    assert!(items
        .iter()
        .any(|i| i["target"]["selector"]["exact"] == "19 months of Israeli bombardment"));
}

#[test]
fn right_to_left_article() {
    let site = build(&fixture("basic"));
    let page = site.page("articles/arabic.html");
    let article = page.select(&sel("article")).next().unwrap();
    assert_eq!(article.value().attr("dir"), Some("rtl"));
    assert_eq!(article.value().attr("lang"), Some("ar"));
    let html = page.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("dir"), Some("rtl"));
    let link = page.select(&sel(".body a.person")).next().unwrap();
    assert_eq!(link.text().collect::<String>(), "خليل الحية");
    assert_eq!(
        link.value().attr("href"),
        Some("../people/khalil-al-hayya.html")
    );
    let note = page.select(&sel(".body mark.note")).next().unwrap();
    assert_eq!(
        note.text().collect::<String>(),
        "المحادثات مستمرة في الدوحة"
    );
}

#[test]
fn pages_link_relatively_so_the_site_works_from_disk_and_under_a_sub_path() {
    let site = build(&fixture("basic"));
    for file in common::html_files(&site.out) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for el in doc.select(&sel("a[href], link[href], script[src]")) {
            let v = el.value().attr("href").or(el.value().attr("src")).unwrap();
            let is_404 = file.ends_with("404.html");
            assert!(
                !v.starts_with('/') || is_404,
                "{}: root-absolute link {v} breaks under a sub-path and from file://",
                file.display()
            );
        }
    }
    // The 404 page is served at any path, so it links absolutely via base_url.
    let nf = site.page("404.html");
    let css = nf.select(&sel("link[rel=stylesheet]")).next().unwrap();
    assert_eq!(
        css.value().attr("href"),
        Some("https://example.org/fixture/static/style.css")
    );
}

#[test]
fn person_page_shows_the_first_100_mentions_and_counts_all() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("content/articles")).unwrap();
    std::fs::write(root.join("config.yaml"), "title: Many mentions\n").unwrap();
    std::fs::write(
        root.join("content/people.yaml"),
        "- id: steve-witkoff\n  name: Steve Witkoff\n",
    )
    .unwrap();
    let body: String = (1..=150)
        .map(|n| format!("Meeting {n}: Steve Witkoff spoke.\n\n"))
        .collect();
    std::fs::write(
        root.join("content/articles/a.md"),
        format!("---\ntitle: A\noutlet: O\npublished: 2025-05-21\n---\n{body}"),
    )
    .unwrap();
    let site = build(root);
    let page = site.page("people/steve-witkoff.html");
    assert_eq!(text_of(&page, "#mentions"), "Mentions (150)");
    let snippets = texts_of(&page, "#mentions ~ ul.snippets > li p");
    assert_eq!(snippets.len(), 100);
    // In reading order: the first shown is the first in the article.
    assert_eq!(snippets[0], "…Meeting 1: Steve Witkoff spoke.…");
    assert_eq!(
        text_of(&page, "#mentions ~ p.meta"),
        "The first 100 are shown here; every mention is listed in dossier.json."
    );
    let json = site.json();
    assert_eq!(json["people"][0]["mentions"].as_array().unwrap().len(), 150);
}

/// Flags are rendered once for both kinds of pages and the `root` put in
/// after (see `Renderer::flags`); where that could differ from rendering
/// each, each is rendered: a flag whose text holds the stand-in for `root`,
/// and a theme's own `flag.html`, which may do more with `root` than print it.
#[test]
fn flags_link_from_both_kinds_of_pages_whatever_their_text_or_template() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    common::copy_dir(&fixture("basic"), &root);
    let sidecar = root.join("content/articles/beta.yaml");
    let text = std::fs::read_to_string(&sidecar).unwrap().replace(
        "text: \"The envoy's name is Steve Witkoff.\"",
        "text: \"The envoy's name is Steve Witkoff.\\x01\"",
    );
    std::fs::write(&sidecar, text).unwrap();
    let declared = |site: &common::Site| {
        let json = site.json();
        let flags = json["flags"].as_array().unwrap().clone();
        let flag = flags.into_iter().find(|f| f["rule"] == "declared").unwrap();
        flag["id"].as_str().unwrap().to_owned()
    };
    let flag_in = |site: &common::Site, page: &str, id: &str| {
        let doc = site.page(page);
        let li = doc
            .select(&sel(&format!("li.flag[id=\"{id}\"]")))
            .next()
            .unwrap_or_else(|| panic!("{page} lists flag {id}"));
        let hrefs: Vec<String> = li
            .select(&sel("ul.passages a"))
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        (common::collapse(&li.text().collect::<String>()), hrefs)
    };

    let site = build(&root);
    let id = declared(&site);
    let (nested_text, nested_hrefs) = flag_in(&site, "articles/beta.html", &id);
    let (top_text, top_hrefs) = flag_in(&site, "inconsistencies.html", &id);
    assert!(nested_text.contains("Steve Witkoff.\u{1}"), "{nested_text}");
    assert!(top_text.contains("Steve Witkoff.\u{1}"), "{top_text}");
    assert_eq!(nested_hrefs.len(), 1);
    assert!(nested_hrefs[0].starts_with("../articles/beta.html#"));
    assert_eq!(top_hrefs, vec![nested_hrefs[0]["../".len()..].to_owned()]);
    assert!(broken_links(&site.out).is_empty());

    let templates = root.join("themes/mine/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("flag.html"),
        "<li class=\"flag\" id=\"{{ flag.id }}\">{% if root == \"\" %}at the root{% else %}one folder down{% endif %}\
         <ul class=\"passages\">{% for p in passages %}<li><a href=\"{{ root }}{{ p.href }}\">{{ p.outlet }}</a></li>{% endfor %}</ul></li>",
    )
    .unwrap();
    let config = root.join("config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("theme: mine\n");
    std::fs::write(&config, text).unwrap();
    let site = build(&root);
    for flag in site.json()["flags"].as_array().unwrap() {
        let id = flag["id"].as_str().unwrap();
        let article = flag["passages"][0]["article"].as_str().unwrap();
        let (nested_text, nested_hrefs) = flag_in(&site, &format!("articles/{article}.html"), id);
        let (top_text, top_hrefs) = flag_in(&site, "inconsistencies.html", id);
        assert!(nested_text.starts_with("one folder down"), "{nested_text}");
        assert!(top_text.starts_with("at the root"), "{top_text}");
        assert!(nested_hrefs.iter().all(|h| h.starts_with("../articles/")));
        assert!(top_hrefs.iter().all(|h| h.starts_with("articles/")));
    }
}

/// An article's slug may be in any script: its page, the links to it and
/// `sitemap.xml` (percent-encoded, as a sitemap's URLs must be) all agree.
#[test]
fn a_slug_in_arabic_is_linked_and_listed_in_the_sitemap() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    common::copy_dir(&common::fixture("basic"), &root);
    let articles = root.join("content/articles");
    std::fs::rename(articles.join("arabic.md"), articles.join("حماس-تؤكد.md")).unwrap();
    std::fs::rename(
        articles.join("arabic.yaml"),
        articles.join("حماس-تؤكد.yaml"),
    )
    .unwrap();
    let site = common::build(&root);
    assert!(site.out.join("articles/حماس-تؤكد.html").is_file());
    assert_eq!(common::broken_links(&site.out), Vec::<String>::new());
    let list = site.page("articles.html");
    assert!(list
        .select(&common::sel("main a"))
        .any(|a| a.value().attr("href") == Some("articles/حماس-تؤكد.html")));
    let sitemap = std::fs::read_to_string(site.out.join("sitemap.xml")).unwrap();
    let base = "https://example.org/fixture/";
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| &s[..s.find("</loc>").unwrap()])
        .collect();
    assert!(locs.len() > 10, "{sitemap}");
    for loc in &locs {
        assert!(loc.is_ascii() && !loc.contains(' '), "{loc}");
        let path = percent_decoded(loc.strip_prefix(base).expect("under base_url"));
        assert!(site.out.join(&path).is_file(), "{loc} -> {path}");
    }
    assert!(locs.contains(
        &"https://example.org/fixture/articles/%D8%AD%D9%85%D8%A7%D8%B3-%D8%AA%D8%A4%D9%83%D8%AF.html"
    ));
}

fn percent_decoded(s: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}
