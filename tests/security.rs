//! Safe output: scraped articles and YAML written by anyone can hold hostile
//! markup. Every string of the dossier goes into the site escaped or
//! sanitised: no script runs but the site's own, no `on*` attribute, no
//! `javascript:`/`data:`/`vbscript:` URL, no attribute broken out of.
//! Checked by parsing every page of the built site with scraper.

mod common;

use std::fs;
use std::path::Path;

use scraper::Html;

/// Every hostile form, joined: each string field gets all of them.
const HOSTILE: &str = concat!(
    "<script>alert(1)</script>",
    " <img src=x onerror=alert(2)>",
    " \"><img src=x onerror=alert(3)>",
    " '><svg onload=alert(4)>",
    " </script><script>alert(5)</script>",
    " <a href=\"javascript:alert(6)\">x</a>",
    " <iframe src=\"data:text/html,<script>alert(7)</script>\"></iframe>",
    " {{ 7*7 }} {% raw %}",
    " \u{2028}\u{2029}",
);

/// Markdown that tries every way to a script URL or raw HTML.
const HOSTILE_MARKDOWN: &str = concat!(
    "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c]( javascript:alert(3)) ",
    "[d](java\tscript:alert(4)) [e](data:text/html;base64,PHNjcmlwdD4=) [f](vbscript:msgbox) ",
    "![g](javascript:alert(5)) ![h](data:image/svg+xml,<svg onload=alert(6)>) ",
    "<javascript:alert(7)> [i][ref] [j](&#106;avascript:alert(8)) [k](\"onmouseover=alert(9))\n\n",
    "[ref]: javascript:alert(10)\n\n",
    "<script>alert(11)</script>\n\n",
    "<div onclick=\"alert(12)\">block html</div>\n\n",
    "Inline <b onmouseover=alert(13)>html</b> and <img src=x onerror=alert(14)>.\n\n",
    "```html\n<script>alert(15)</script>\n```\n",
);

const BASE_URL: &str = "https://example.org/d/";

/// A string as a YAML double-quoted scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn hostile_dossier(root: &Path) {
    let h = q(HOSTILE);
    let md = q(&format!("{HOSTILE}\n\n{HOSTILE_MARKDOWN}"));
    fs::create_dir_all(root.join("content/articles")).unwrap();
    fs::write(
        root.join("config.yaml"),
        format!(
            "title: {h}\ndescription: {md}\nbase_url: \"https://example.org/d/\"\nlanguage: {h}\n"
        ),
    )
    .unwrap();
    fs::write(
        root.join("content/people.yaml"),
        format!(
            "- id: mallory\n  name: {h}\n  aliases: [Mallory]\n  variants: [Malory]\n  summary: {md}\n  roles:\n    - title: {h}\n      org: {h}\n  links: [\"javascript:alert(1)\", \" JAVASCRIPT:alert(2)\", \"data:text/html,<script>alert(3)</script>\", \"vbscript:x\", {h}, \"https://example.org/ok\"]\n"
        ),
    )
    .unwrap();
    fs::write(
        root.join("content/claims.yaml"),
        format!(
            "- id: hostile-claim\n  statement: {md}\n  kind: quantity\n  unit: {h}\n  about: [mallory]\n  verdict:\n    rating: \"false\"\n    text: {md}\n- id: other-claim\n  statement: {h}\n  contradicts: [hostile-claim]\n"
        ),
    )
    .unwrap();
    for (slug, url, value) in [
        ("evil", "javascript:alert(1)", 19),
        ("evil-two", "data:text/html,<script>alert(1)</script>", 25),
    ] {
        fs::write(
            root.join(format!("content/articles/{slug}.md")),
            format!(
                "---\ntitle: {h}\noutlet: {h}\npublished: 2025-05-21\nauthor: {h}\nurl: {}\nlang: {h}\n---\nMallory and Malory said the war lasted {value} months.\n\n{HOSTILE}\n\n{HOSTILE_MARKDOWN}\n",
                q(url)
            ),
        )
        .unwrap();
        fs::write(
            root.join(format!("content/articles/{slug}.yaml")),
            format!(
                "claims:\n  - claim: hostile-claim\n    quote: \"lasted {value} months\"\n    value: {value}\n  - claim: other-claim\n    quote: \"Mallory and\"\nquotes:\n  - quote: \"said the war\"\n    speaker: mallory\nnotes:\n  - quote: \"the war\"\n    text: {md}\nflags:\n  - quote: \"Malory said\"\n    kind: {h}\n    text: {md}\n"
            ),
        )
        .unwrap();
    }
}

/// Everything unsafe found in one page.
fn unsafe_markup(page: &str, html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = el.value().name();
        if name == "script" {
            let src = el.value().attr("src");
            let kind = el.value().attr("type");
            match (src, kind) {
                (Some(src), None)
                    if is_own_script(src) && el.text().all(|t| t.trim().is_empty()) => {}
                (None, Some("application/ld+json")) => {
                    let json: String = el.text().collect();
                    if serde_json::from_str::<serde_json::Value>(&json).is_err() {
                        found.push(format!("{page}: JSON-LD that is not JSON: {json:.200}"));
                    }
                }
                _ => found.push(format!("{page}: foreign script: {:.200}", el.html())),
            }
        }
        if matches!(
            name,
            "iframe" | "object" | "embed" | "base" | "svg" | "math"
        ) {
            found.push(format!("{page}: <{name}> element: {:.200}", el.html()));
        }
        for (attr, value) in el.value().attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                found.push(format!("{page}: {attr}= on <{name}>: {:.200}", el.html()));
            }
            if matches!(
                attr,
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "poster"
                    | "srcset"
                    | "xlink:href"
                    | "data"
                    | "cite"
                    | "background"
            ) {
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "data:", "vbscript:"]
                    .iter()
                    .any(|scheme| url.starts_with(scheme))
                {
                    found.push(format!("{page}: {attr}=\"{value}\" on <{name}>"));
                }
            }
            if name == "meta" && attr == "http-equiv" && value.eq_ignore_ascii_case("refresh") {
                found.push(format!("{page}: meta refresh"));
            }
        }
    }
    found
}

/// The site's own scripts: `static/*.js` and `search-index.js`, relative
/// (or under `base_url`, on the 404 page).
fn is_own_script(src: &str) -> bool {
    let path = src
        .strip_prefix(BASE_URL)
        .unwrap_or(src)
        .trim_start_matches("../");
    !path.contains(':')
        && (path.starts_with("static/") && path.ends_with(".js") || path == "search-index.js")
}

#[test]
fn hostile_strings_everywhere_come_out_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    hostile_dossier(&root);
    let site = common::build(&root);
    let pages = common::html_files(&site.out);
    assert!(pages.len() >= 10, "{pages:?}");
    let mut found = Vec::new();
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        let name = page.strip_prefix(&site.out).unwrap().display().to_string();
        found.extend(unsafe_markup(&name, &html));
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );

    // The hostile text is kept, as text: nothing was silently dropped.
    let article = site.page("articles/evil.html");
    let text: String = article.root_element().text().collect();
    assert!(
        text.contains("<script>alert(1)</script>"),
        "the article's raw HTML is shown as text"
    );
    assert!(text.contains("onerror=alert(2)"));

    // The machine-readable outputs stay valid.
    site.json();
    let jsonld = fs::read_to_string(site.out.join("annotations.jsonld")).unwrap();
    serde_json::from_str::<serde_json::Value>(&jsonld).unwrap();
    let feed = fs::read_to_string(site.out.join("feed.xml")).unwrap();
    assert!(!feed.contains("<script>"), "feed.xml carries raw markup");
    let sitemap = fs::read_to_string(site.out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("<script>"));
}

#[test]
fn the_checker_itself_finds_unsafe_markup() {
    // The test above is only as good as `unsafe_markup`: it must flag each
    // kind of problem it looks for.
    let bad = [
        "<script>alert(1)</script>",
        "<script src=\"https://evil.example/x.js\"></script>",
        "<script src=\"static/x.js\">alert(1)</script>",
        "<script type=\"application/ld+json\">{\"a\": </script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\" JaVa&#x09;Script:alert(1)\">x</a>",
        "<a href=\"data:text/html,x\">x</a>",
        "<img src=\"vbscript:x\">",
        "<iframe src=\"https://x.org\"></iframe>",
        "<div onclick=\"x\"></div>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ];
    for html in bad {
        assert!(
            !unsafe_markup(
                "t",
                &format!("<!doctype html><html><body>{html}</body></html>")
            )
            .is_empty(),
            "missed: {html}"
        );
    }
    let good = "<script src=\"../static/dossier.js\" defer></script><script src=\"search-index.js\"></script><script type=\"application/ld+json\">{\"a\": \"<\\/script>\"}</script><a href=\"https://example.org/a?x=javascript:1\">ok</a>";
    assert_eq!(unsafe_markup("t", good), Vec::<String>::new());
}

#[test]
fn json_ld_is_present_and_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    hostile_dossier(&root);
    let site = common::build(&root);
    let html = fs::read_to_string(site.out.join("claims/hostile-claim.html")).unwrap();
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a ClaimReview");
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    // The hostile statement is inside, whole, as data.
    assert!(value.to_string().contains("alert(5)"), "{value}");
}

/// The basic fixture, copied, with `edit` applied to each named file.
fn edited_fixture(root: &Path, edits: &[(&str, &dyn Fn(String) -> String)]) {
    common::copy_dir(&common::fixture("basic"), root);
    for (file, edit) in edits {
        let path = root.join(file);
        fs::write(&path, edit(fs::read_to_string(&path).unwrap())).unwrap();
    }
}

/// An outlet named `<!--<script> …` once made the HTML parser read the rest
/// of every claim page with a verdict as script: the page rendered blank.
/// JSON in a `<script>` escapes `<`, `>` and `&`, so the page after the
/// script parses as it was written.
#[test]
fn an_outlet_named_like_markup_leaves_claim_pages_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    let outlet = "<!--<script> Albawaba & Co -->";
    edited_fixture(
        &root,
        &[("content/articles/beta.md", &|s: String| {
            s.replace("outlet: Albawaba", &format!("outlet: {}", q(outlet)))
        })],
    );
    let site = common::build(&root);
    let page = site.page("claims/talks-confirmed.html");
    // The page has its body: the statement, the verdict, the sources.
    assert_eq!(
        common::text_of(&page, "main h1.statement"),
        "Hamas confirmed direct talks, a première"
    );
    assert!(common::text_of(&page, ".verdict").contains("Confirmed by several officials."));
    assert!(common::texts_of(&page, "table.assertions td a").contains(&outlet.to_owned()));
    // The script holds the JSON-LD whole, with no markup character in it.
    let scripts: Vec<String> = page
        .select(&common::sel("script[type=\"application/ld+json\"]"))
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1);
    assert!(!scripts[0].contains(['<', '>', '&']), "{}", scripts[0]);
    let review: serde_json::Value = serde_json::from_str(&scripts[0]).unwrap();
    assert_eq!(
        review["itemReviewed"]["appearance"][0]["publisher"],
        serde_json::json!(outlet)
    );
}

/// A statement is a heading's text: whatever Markdown or HTML it holds,
/// the heading holds only inline content and every word of it.
#[test]
fn a_statement_of_blocks_renders_inline() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    edited_fixture(
        &root,
        &[("content/claims.yaml", &|s: String| {
            s.replace(
                    "statement: \"Hamas **confirmed** direct talks, a première\"",
                    "statement: \"<div>Hamas</div> confirmed\\n\\n- **direct** talks\\n\\n```\\ncode\\n```\\n\\n# a première\"",
                )
        })],
    );
    let site = common::build(&root);
    let page = site.page("claims/talks-confirmed.html");
    let h1 = page
        .select(&common::sel("main h1.statement"))
        .next()
        .unwrap();
    let children: Vec<&str> = h1
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| e.value().name())
        .collect();
    assert_eq!(children, ["h1", "strong", "code"]);
    assert_eq!(
        common::text_of(&page, "main h1.statement"),
        "<div>Hamas</div> confirmed direct talks code a première"
    );
}
