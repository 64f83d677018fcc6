//! The authoring commands: `init`, `new article` and `import`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dossier::author::import::import;
use scraper::Selector;

fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .output()
        .expect("the dossier binary runs")
}

fn text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

fn errors_and_warnings(root: &Path) -> Vec<String> {
    dossier::check(root)
        .diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect()
}

#[test]
fn init_makes_a_dossier_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new-dossier");
    let out = dossier(&["init", root.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    for file in [
        "config.yaml",
        "README.md",
        ".github/workflows/pages.yml",
        "content/people.yaml",
        "content/claims.yaml",
        "content/articles/harbour-bridge-to-reopen.md",
        "content/articles/harbour-bridge-to-reopen.yaml",
    ] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    assert_eq!(errors_and_warnings(&root), Vec::<String>::new());
    let check = dossier(&["check", "--root", root.to_str().unwrap()]);
    assert!(check.status.success());

    // Every setting of config.yaml is there, each with a comment.
    let config = text(&root.join("config.yaml"));
    for key in [
        "title:",
        "description:",
        "base_url:",
        "language:",
        "theme:",
        "checks:",
    ] {
        let line = config
            .lines()
            .position(|l| l.trim_start_matches("# ").starts_with(key))
            .unwrap_or_else(|| panic!("{key} not in config.yaml"));
        let lines: Vec<&str> = config.lines().collect();
        assert!(
            lines[line - 1].starts_with('#'),
            "{key} has no comment above it"
        );
    }
    let site = common::build(&root);
    let page = site.page("articles/harbour-bridge-to-reopen.html");
    let h1: String = page
        .select(&Selector::parse("h1").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(h1.trim(), "Harbour bridge to reopen in June, council says");
    // The sample's annotations are anchored: the quote is marked and linked.
    let marks: Vec<String> = page
        .select(&Selector::parse("article mark").unwrap())
        .map(|m| m.text().collect::<String>())
        .collect();
    assert!(
        marks
            .iter()
            .any(|m| m.contains("The bridge will carry traffic again")),
        "{marks:?}"
    );
}

#[test]
fn init_refuses_a_folder_with_anything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let before = snapshot(dir.path());
    let out = dossier(&["init", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn new_article_writes_front_matter_and_an_empty_sidecar_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("d");
    assert!(dossier(&["init", root.to_str().unwrap()]).status.success());
    let r = root.to_str().unwrap();
    let out = dossier(&[
        "new",
        "article",
        "port-strike-ends",
        "--root",
        r,
        "--outlet",
        "The Coast Post",
        "--published",
        "2026-04-01",
        "--url",
        "https://example.org/port-strike-ends",
    ]);
    assert!(out.status.success(), "{out:?}");
    let md = root.join("content/articles/port-strike-ends.md");
    let sidecar = root.join("content/articles/port-strike-ends.yaml");
    let front = text(&md);
    let yaml = front
        .strip_prefix("---\n")
        .and_then(|f| f.split_once("---\n"))
        .unwrap()
        .0;
    let fields: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
    let field = |k: &str| fields[k].as_str().map(str::to_owned);
    assert_eq!(field("title").as_deref(), Some("Port strike ends"));
    assert_eq!(field("outlet").as_deref(), Some("The Coast Post"));
    assert_eq!(
        fields["published"].as_str().map(str::to_owned),
        Some("2026-04-01".to_owned())
    );
    assert_eq!(
        field("url").as_deref(),
        Some("https://example.org/port-strike-ends")
    );
    // The sidecar holds no annotation yet, and the dossier still checks.
    let sidecar_yaml: Option<serde_yaml::Value> = serde_yaml::from_str(&text(&sidecar)).unwrap();
    assert_eq!(sidecar_yaml, None);
    let found = dossier::check(&root);
    assert!(!found.has_errors(), "{:?}", errors_and_warnings(&root));
    assert_eq!(found.dossier.unwrap().articles.len(), 2);

    // Again: refused, nothing changed.
    fs::write(&md, "edited\n").unwrap();
    let before = snapshot(&root);
    let again = dossier(&["new", "article", "port-strike-ends", "--root", r]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(snapshot(&root), before);

    // Bad input is refused before anything is written.
    for args in [
        &["new", "article", "Port Strike", "--root", r][..],
        &[
            "new",
            "article",
            "ok-slug",
            "--root",
            r,
            "--published",
            "1 April 2026",
        ],
        &[
            "new",
            "article",
            "ok-slug",
            "--root",
            r,
            "--url",
            "example.org/x",
        ],
    ] {
        assert!(!dossier(args).status.success(), "{args:?}");
        assert_eq!(snapshot(&root), before, "{args:?}");
    }
}

#[test]
fn new_article_without_outlet_or_date_leaves_them_for_check_to_point_at() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("d");
    assert!(dossier(&["init", root.to_str().unwrap()]).status.success());
    let out = dossier(&["new", "article", "bare", "--root", root.to_str().unwrap()]);
    assert!(out.status.success());
    let found = dossier::check(&root);
    let errors: Vec<_> = found.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:?}", errors_and_warnings(&root));
    let at = errors[0].location.as_ref().unwrap();
    assert_eq!(at.file, Path::new("content/articles/bare.md"));
}

/// Imports the fixture `name` and compares it with what an editor would
/// write by hand from the same page (`<name>.expected.md`).
fn assert_imports_as_expected(name: &str) -> dossier::author::import::Imported {
    let dir = common::fixture("import");
    let raw = text(&dir.join(format!("{name}.txt")));
    let imported = import(name, &raw);
    let expected = text(&dir.join(format!("{name}.expected.md")));
    assert_eq!(
        imported.markdown,
        expected,
        "{name}:\n{}",
        imported.report()
    );
    assert_reports_every_line(&raw, &imported);
    imported
}

/// Every line of the input is kept, or is the title, or is reported as
/// dropped, by its number.
fn assert_reports_every_line(raw: &str, imported: &dossier::author::import::Imported) {
    let title_line = imported.guesses[0].from.as_ref().map(|f| f.0);
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || Some(i + 1) == title_line {
            continue;
        }
        let dropped = imported.dropped.iter().any(|d| d.line == i + 1);
        let kept = imported
            .markdown
            .lines()
            .any(|l| l.trim_start_matches("## ").trim_start_matches('\\') == line);
        assert!(
            dropped || kept,
            "line {} is neither kept nor reported: {line}",
            i + 1
        );
        // A dropped line is not in the article, unless the page prints it twice.
        let printed = raw.lines().filter(|l| l.trim() == line).count();
        assert!(
            !(dropped && kept) || printed > 1,
            "line {} is kept and reported as dropped: {line}",
            i + 1
        );
    }
}

fn guess(imported: &dossier::author::import::Imported, field: &str) -> Option<String> {
    imported
        .guesses
        .iter()
        .find(|g| g.field == field)
        .and_then(|g| g.value.clone())
}

#[test]
fn import_cleans_a_wire_story_behind_a_cookie_banner_and_menus() {
    let imported = assert_imports_as_expected("wire-story");
    // The copyright line names the outlet, not the agency of the dateline.
    let outlet = &imported.guesses[1];
    assert_eq!(outlet.from.as_ref().unwrap().0, 52);
    let why = |line: usize| {
        imported
            .dropped
            .iter()
            .find(|d| d.line == line)
            .map(|d| d.why)
    };
    assert_eq!(why(2), Some("cookie banner"));
    assert_eq!(why(8), Some("menu or tag list"));
    assert_eq!(why(25), Some("share buttons"));
    assert_eq!(why(30), Some("photo credit"));
    assert_eq!(why(48), Some("related-articles list"));
    // The update's date is not taken for the publication's.
    assert_eq!(guess(&imported, "published").as_deref(), Some("2025-06-02"));
}

#[test]
fn import_joins_hard_wrapped_paragraphs_and_reads_the_address() {
    let imported = assert_imports_as_expected("hard-wrapped");
    assert_eq!(imported.kept, 4);
    assert!(imported
        .dropped
        .iter()
        .any(|d| d.why == "comments section" && d.text == "Outrageous, as always."));
}

#[test]
fn import_handles_a_magazine_page_with_paywall_prompts_and_a_list() {
    let imported = assert_imports_as_expected("magazine");
    assert_eq!(
        imported.slug,
        "how-a-small-ministry-lost-track-of-40-million-in-grants"
    );
}

#[test]
fn import_resumes_the_article_after_a_related_box_in_the_middle() {
    let imported = assert_imports_as_expected("blog");
    assert_eq!(guess(&imported, "outlet"), None);
}

/// The seeds, their articles in this repository (cleaned by hand), and what
/// `import` should guess.
const SEEDS: &[(&str, &str)] = &[
    ("000_84d281b50b097c16", "qnn-us-negotiating-via-bahbah"),
    (
        "001_61e6e654231866d0",
        "ireport247-us-israel-navigate-ceasefire-talks",
    ),
    (
        "002_d4c3fc920d76bdab",
        "almayadeen-ceasefire-talks-trump-netanyahu-split",
    ),
    (
        "003_83aa640db44ad7af",
        "112ua-us-direct-talks-hamas-first-time",
    ),
    (
        "004_41179d88c3dca175",
        "albawaba-us-hamas-advanced-negotiations",
    ),
];

/// White space collapsed (no-break spaces too), as the cleaned copies have it.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The blocks of text of an article body: paragraphs, headings and list
/// items without their Markdown marks; captions are marked as such.
fn blocks(body: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if block.starts_with("- ") {
            out.extend(
                block
                    .lines()
                    .map(|l| (collapse(l.trim_start_matches("- ")), false)),
            );
            continue;
        }
        let b = block.trim_start_matches("## ").trim_start_matches('\\');
        let caption = b.starts_with("*Caption: ");
        let b = b
            .trim_start_matches("*Caption: ")
            .trim_start_matches('*')
            .trim_end_matches('*');
        out.push((collapse(b), caption));
    }
    out
}

fn body_of(markdown: &str) -> &str {
    markdown
        .strip_prefix("---\n")
        .and_then(|m| m.split_once("\n---\n"))
        .expect("front matter")
        .1
}

#[test]
fn import_keeps_every_paragraph_of_the_seeds() {
    let articles = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/articles");
    for (seed, slug) in SEEDS {
        let raw = text(&common::fixture("seeds").join(format!("{seed}.txt")));
        let imported = import(seed, &raw);
        assert_reports_every_line(&raw, &imported);
        let got: Vec<String> = blocks(body_of(&imported.markdown))
            .into_iter()
            .map(|b| b.0)
            .collect();
        let cleaned = text(&articles.join(format!("{slug}.md")));
        let mut at = 0;
        for (block, caption) in blocks(body_of(&cleaned)) {
            let found = got.iter().position(|g| *g == block);
            let Some(found) = found else {
                panic!(
                    "{seed}: lost a paragraph of {slug}:\n{block}\n\n{}",
                    imported.report()
                );
            };
            // The article's own paragraphs come in their order (an editor
            // may move a caption).
            if !caption {
                assert!(found >= at, "{seed}: out of order: {block}");
                at = found;
            }
        }
        // The title as the cleaned article has it, wherever it is printed.
        let title = cleaned
            .lines()
            .find_map(|l| l.strip_prefix("title: "))
            .unwrap();
        let title: String = serde_yaml::from_str(title).unwrap();
        if *seed != "001_61e6e654231866d0" {
            assert_eq!(guess(&imported, "title"), Some(title), "{seed}");
        }
    }
    let qnn = import(
        "000",
        &text(&common::fixture("seeds/000_84d281b50b097c16.txt")),
    );
    assert_eq!(guess(&qnn, "outlet").as_deref(), Some("Quds News Network"));
    let albawaba = import(
        "004",
        &text(&common::fixture("seeds/004_41179d88c3dca175.txt")),
    );
    assert_eq!(guess(&albawaba, "published").as_deref(), Some("2025-05-11"));
}

/// The seeds are copied into the fixtures so that the test runs anywhere;
/// where the shared originals are beside the repository, they are the same.
#[test]
fn seed_fixtures_are_the_shared_seeds() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !shared.is_dir() {
        return;
    }
    for (seed, _) in SEEDS {
        let name = format!("{seed}.txt");
        assert_eq!(
            fs::read(shared.join(&name)).unwrap(),
            fs::read(common::fixture("seeds").join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn import_writes_articles_that_build_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("d");
    assert!(dossier(&["init", root.to_str().unwrap()]).status.success());
    let r = root.to_str().unwrap();
    let seed = common::fixture("seeds/004_41179d88c3dca175.txt");
    let out = dossier(&["import", seed.to_str().unwrap(), "--root", r]);
    assert!(out.status.success(), "{out:?}");
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("from line 5: Published May 11th, 2025 - 06:29 GMT"),
        "{report}"
    );
    assert!(
        report.contains("line    1 (label): Breaking Headline"),
        "{report}"
    );
    let written =
        root.join("content/articles/us-and-hamas-hold-advanced-negotiations-over-gaza.md");
    let first = text(&written);

    // The imported article builds, with its text on its page.
    let found = dossier::check(&root);
    assert!(!found.has_errors(), "{:?}", errors_and_warnings(&root));
    let site = common::build(&root);
    let page = site.page("articles/us-and-hamas-hold-advanced-negotiations-over-gaza.html");
    let paragraphs: Vec<String> = page
        .select(&Selector::parse("article p").unwrap())
        .map(|p| collapse(&p.text().collect::<String>()))
        .collect();
    assert!(paragraphs
        .iter()
        .any(|p| p.starts_with("ALBAWABA - In order to achieve a truce in the Gaza Strip")));

    // A second import of the same page is refused; the file stays.
    fs::write(&written, format!("{first}\nEdited by hand.\n")).unwrap();
    let before = snapshot(&root);
    let again = dossier(&["import", seed.to_str().unwrap(), "--root", r]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(snapshot(&root), before);
}

#[test]
fn help_names_no_path_of_this_repository() {
    for args in [&["--help"][..], &["import", "--help"], &["init", "--help"]] {
        let out = dossier(args);
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(!help.contains("shared/"), "{help}");
        assert!(!help.contains("docs/"), "{help}");
    }
}
