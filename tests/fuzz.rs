//! It never panics, whatever the input: arbitrary bytes and near-YAML /
//! near-Markdown text as each file of a dossier, through `dossier::check`;
//! arbitrary text through front-matter splitting, Markdown parsing and
//! anchoring. Crashes found this way are kept below as regression tests.

use std::fs;
use std::path::Path;

use dossier::body::{Body, Decorations, Selector};
use proptest::prelude::*;

const FRONT: &str = "---\ntitle: \"A\"\noutlet: O\npublished: 2025-05-21\n---\n";
const ARTICLE: &str = "---\ntitle: \"A\"\noutlet: O\npublished: 2025-05-21\n---\nSteve Witkoff met Hamas in Doha on Sunday.\n\nThe talks lasted 19 months.\n";
const PEOPLE: &str = "- id: steve-witkoff\n  name: Steve Witkoff\n  roles:\n    - title: Envoy\n";
const CLAIMS: &str = "- id: war-duration\n  kind: quantity\n- id: talks-date\n  kind: date\n";

/// Writes a small dossier into `dir`, with `file` replaced by `bytes`.
fn dossier_with(dir: &Path, file: &str, bytes: &[u8]) {
    fs::create_dir_all(dir.join("content/articles")).unwrap();
    for (path, text) in [
        ("config.yaml", "title: Fuzz\n".as_bytes()),
        ("content/articles/a.md", ARTICLE.as_bytes()),
        ("content/people.yaml", PEOPLE.as_bytes()),
        ("content/claims.yaml", CLAIMS.as_bytes()),
    ] {
        fs::write(dir.join(path), if path == file { bytes } else { text }).unwrap();
    }
    let sidecar = dir.join("content/articles/a.yaml");
    if file.ends_with("a.yaml") {
        fs::write(sidecar, bytes).unwrap();
    } else if sidecar.exists() {
        fs::remove_file(sidecar).unwrap();
    }
}

/// `check` on the dossier: must return (with diagnostics that render).
fn check_with(file: &str, bytes: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    dossier_with(tmp.path(), file, bytes);
    let checked = dossier::check(tmp.path());
    for d in &checked.diagnostics {
        let _ = d.render(false);
        let _ = d.render(true);
        serde_json::to_string(d).unwrap();
    }
}

/// Text made of what YAML gives meaning to, to reach the parser's corners.
fn yamlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "- ",
        ": ",
        "\n",
        "\n  ",
        "\n    ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\"",
        "'",
        "#",
        "&a ",
        "*a",
        "!!str ",
        "|\n",
        ">\n",
        "? ",
        "---\n",
        "...\n",
        "\t",
        "id",
        "name",
        "quote",
        "person",
        "claim",
        "value",
        "date",
        "mentions",
        "claims",
        "quotes",
        "notes",
        "flags",
        "text",
        "kind",
        "steve-witkoff",
        "war-duration",
        "19",
        "-1.5e9",
        "2025-02-30",
        "Sunday",
        "~",
        "null",
        "true",
        "\\",
        "é",
        "غزة",
        "\u{feff}",
        "min",
        "max",
        "occurrence",
        "prefix",
        "suffix",
        "as",
        "Envoy",
        "title",
        "theme",
        "checks",
        "roles",
        "from",
        "to",
        "aliases",
        "variants",
        "links",
        "javascript:x",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

/// Text made of what Markdown gives meaning to.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "*",
        "**",
        "_",
        "`",
        "```",
        "~~~",
        "#",
        "> ",
        "- ",
        "1. ",
        "[",
        "]",
        "(",
        ")",
        "![",
        "<",
        ">",
        "</",
        "<b>",
        "&amp;",
        "&#0;",
        "\\",
        "|",
        "---",
        "\n",
        "\n\n",
        "    ",
        "\t",
        " ",
        "Steve Witkoff",
        "Witkoff",
        "talks",
        "19",
        "“",
        "”",
        "…",
        "—",
        "\u{200b}",
        "\u{0301}",
        "غزة",
        "[^1]",
        "[^1]: ",
        "<script>",
        "javascript:",
        "https://x.org",
        "\r\n",
        "\u{0}",
        "a",
        "b",
        "é",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

/// 64 cases per property in the test suite; `PROPTEST_CASES=100000 cargo
/// test --test fuzz` for a long hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_as_any_file(
        file in prop::sample::select(vec!["content/articles/a.md", "content/articles/a.yaml", "content/people.yaml", "content/claims.yaml", "config.yaml"]),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        check_with(file, &bytes);
    }

    #[test]
    fn near_yaml_as_any_yaml_file(
        file in prop::sample::select(vec!["content/articles/a.yaml", "content/people.yaml", "content/claims.yaml", "config.yaml"]),
        text in yamlish(),
    ) {
        check_with(file, text.as_bytes());
    }

    #[test]
    fn near_yaml_as_front_matter(text in yamlish()) {
        check_with("content/articles/a.md", format!("---\n{text}\n---\nBody.\n").as_bytes());
    }

    #[test]
    fn near_markdown_as_an_article_body(body in markdownish(), quote in markdownish()) {
        let text = format!("{FRONT}{body}");
        let sidecar = format!("notes:\n  - quote: {}\n    text: {}\n", serde_json::to_string(&quote).unwrap(), serde_json::to_string(&body).unwrap());
        let tmp = tempfile::tempdir().unwrap();
        dossier_with(tmp.path(), "content/articles/a.md", text.as_bytes());
        fs::write(tmp.path().join("content/articles/a.yaml"), sidecar).unwrap();
        let checked = dossier::check(tmp.path());
        for d in &checked.diagnostics {
            let _ = d.render(false);
        }
    }

    #[test]
    fn near_markdown_builds(body in markdownish(), quote in markdownish()) {
        let text = format!("{FRONT}{body}\n\nSteve Witkoff said it.\n");
        let sidecar = format!(
            "notes:\n  - quote: \"Witkoff said\"\n    text: {}\nflags:\n  - quote: {}\n    kind: k\n    text: t\n",
            serde_json::to_string(&body).unwrap(),
            serde_json::to_string(&quote).unwrap()
        );
        let tmp = tempfile::tempdir().unwrap();
        dossier_with(tmp.path(), "content/articles/a.md", text.as_bytes());
        fs::write(tmp.path().join("content/articles/a.yaml"), sidecar).unwrap();
        let _ = dossier::build(&dossier::BuildOptions {
            root: tmp.path().to_owned(),
            output: tmp.path().join("public"),
            on_page: None,
            before_render: None,
        });
    }

    #[test]
    fn front_matter_splitting(text in any::<String>(), md in markdownish(), yaml in yamlish()) {
        for input in [text.clone(), format!("---\n{yaml}\n---\n{md}"), format!("---\r\n{yaml}\r\n...\r\n{text}"), format!("---{text}")] {
            if let Ok((front, body, offset)) = dossier::load::split_front_matter(&input) {
                prop_assert!(input.contains(front) && input.ends_with(body));
                prop_assert!(offset >= 2);
            }
        }
    }

    #[test]
    fn parsing_and_anchoring_arbitrary_text(
        text in any::<String>(),
        md in markdownish(),
        quote in any::<String>(),
        mdquote in markdownish(),
        affix in any::<Option<String>>(),
        occurrence in any::<Option<usize>>(),
    ) {
        for source in [&text, &md] {
            let body = Body::parse(source);
            for q in [&quote, &mdquote] {
                let selector = Selector { quote: q, prefix: affix.as_deref(), suffix: affix.as_deref(), occurrence };
                if let Ok(span) = body.find(&selector) {
                    let _ = body.text(span);
                    let _ = body.line_of(span);
                    let _ = body.context(span, 40);
                }
                let _ = body.find(&Selector::quote(q));
                let _ = body.occurrences(q);
            }
            let _ = body.render(&Decorations::default());
        }
    }
}

// ---- regressions -------------------------------------------------------------
// Inputs that once crashed or hung something, kept as they were found.

/// A quote that is only white space or invisible characters.
#[test]
fn regression_blank_quotes() {
    let body = Body::parse("Some text.\n");
    for q in ["", " ", "\u{200b}", "\n\t", "\u{feff}"] {
        assert!(body.find(&Selector::quote(q)).is_err());
    }
}

/// Front matter that is only the fences.
#[test]
fn regression_empty_front_matter() {
    check_with("content/articles/a.md", b"---\n---\nBody.\n");
    check_with("content/articles/a.md", b"---\n...\n");
    check_with("content/articles/a.md", b"---");
}

/// YAML documents that are not of the expected shape at all.
#[test]
fn regression_yaml_of_the_wrong_shape() {
    for text in [
        "",
        "~",
        "[]",
        "{}",
        "- 1\n- 2\n",
        "a: b\n",
        "--- |\n  x\n",
        "&a [*a]",
        "!!binary aGk=",
        "---\n---\n",
    ] {
        for file in [
            "content/articles/a.yaml",
            "content/people.yaml",
            "content/claims.yaml",
            "config.yaml",
        ] {
            check_with(file, text.as_bytes());
        }
    }
}

/// Recursive aliases (a "billion laughs" document) in every YAML file.
#[test]
fn regression_alias_bombs() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    for file in [
        "content/articles/a.yaml",
        "content/people.yaml",
        "content/claims.yaml",
        "config.yaml",
    ] {
        check_with(file, bomb.as_bytes());
    }
    check_with(
        "content/articles/a.md",
        format!("---\n{bomb}---\nBody.\n").as_bytes(),
    );
}
