//! Huge or deeply nested input ends with an error or a result: never a hang,
//! a stack overflow or running out of memory. Each test generates its input
//! in a temporary folder and gives the run a deadline far above what it
//! needs, so that a regression to quadratic time fails instead of hanging.

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use dossier::diagnostic::Diagnostic;

const FRONT: &str = "---\ntitle: \"A\"\noutlet: O\npublished: 2025-05-21\n---\n";
const PEOPLE: &str = "- id: steve-witkoff\n  name: Steve Witkoff\n";

/// A dossier of one article (`body` after front matter), its sidecar and people.
fn dossier(dir: &Path, body: &str, sidecar: Option<&str>, people: &str) {
    fs::create_dir_all(dir.join("content/articles")).unwrap();
    fs::write(dir.join("config.yaml"), "title: Huge\n").unwrap();
    fs::write(dir.join("content/articles/a.md"), format!("{FRONT}{body}")).unwrap();
    if let Some(sidecar) = sidecar {
        fs::write(dir.join("content/articles/a.yaml"), sidecar).unwrap();
    }
    fs::write(dir.join("content/people.yaml"), people).unwrap();
}

/// Runs `f` on another thread (with a generous stack, as the main thread
/// of the binary has) and fails if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("no result in time: a hang, or a crash of the worker thread")
}

fn check(body: String, sidecar: Option<String>, people: String) -> Vec<Diagnostic> {
    within(120, move || {
        let tmp = tempfile::tempdir().unwrap();
        dossier(tmp.path(), &body, sidecar.as_deref(), &people);
        dossier::check(tmp.path()).diagnostics
    })
}

fn build(body: String) -> dossier::Built {
    within(120, move || {
        let tmp = tempfile::tempdir().unwrap();
        dossier(tmp.path(), &body, None, PEOPLE);
        dossier::build(&dossier::BuildOptions {
            root: tmp.path().to_owned(),
            output: tmp.path().join("public"),
            on_page: None,
            before_render: None,
        })
    })
}

fn codes(found: &[Diagnostic]) -> Vec<&'static str> {
    found.iter().map(|d| d.code).collect()
}

#[test]
fn a_50_mb_article_is_refused_without_being_read() {
    let para = "Steve Witkoff met the negotiators in Doha on Sunday, officials said again.\n\n";
    let found = check(para.repeat(50_000_000 / para.len()), None, PEOPLE.into());
    assert_eq!(codes(&found), ["file-too-large"]);
    assert!(found[0].message.contains("MB"), "{}", found[0].message);
}

#[test]
fn a_large_article_is_checked() {
    // 2 MB of prose, a name in every paragraph, and a quote that matches
    // nowhere (the closest passage is looked for in all of it).
    let para = "Steve Witkoff met the negotiators in Doha on Sunday, officials said again.\n\n";
    let body = para.repeat(2_000_000 / para.len());
    let sidecar = "notes:\n  - quote: \"met the mediators in Doha on Sunday\"\n    text: x\n";
    let found = check(body, Some(sidecar.into()), PEOPLE.into());
    assert_eq!(codes(&found), ["quote-not-found"]);
    assert!(found[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("met the negotiators in Doha on Sunday"));
}

#[test]
fn a_10_mb_paragraph_builds() {
    // One paragraph, a linked name in every sentence and a name nobody has:
    // the suggestions once compared each word with every linked name of its
    // paragraph, hours for this in a debug build.
    let sentence = "Steve Witkoff met Marwan Bishara in Doha on Sunday, officials said again. ";
    let body = sentence.repeat(10_000_000 / sentence.len()) + "\n";
    let built = build(body);
    assert!(built.summary.is_some(), "{:?}", codes(&built.diagnostics));
    assert_eq!(codes(&built.diagnostics), ["uncovered-names"]);
    assert!(built.diagnostics[0].message.contains("Marwan Bishara"));
}

#[test]
fn one_long_line() {
    let body = "word ".repeat(100_000) + "Steve Witkoff.\n";
    let sidecar = "notes:\n  - quote: \"word word\"\n    text: x\n";
    let found = check(body, Some(sidecar.into()), PEOPLE.into());
    assert_eq!(codes(&found), ["quote-ambiguous"]);
    // The hint lists the matches but stays readable.
    let hint = found[0].hint.as_deref().unwrap();
    assert!(
        hint.len() < 2_000 && hint.ends_with("and 99987 more"),
        "{}",
        &hint[..hint.len().min(300)]
    );
    assert!(
        found[0].message.contains("99999 times"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_person_with_100000_aliases() {
    let mut people = String::from("- id: many\n  name: Many Names\n  aliases:\n");
    for i in 0..100_000 {
        people.push_str(&format!("    - Alias{i}\n"));
    }
    people.push_str(PEOPLE);
    let body = "Alias7 met Alias99999 and Steve Witkoff; Alias100000 did not.\n".to_owned();
    let found = check(body, None, people);
    assert!(found.is_empty(), "{:?}", codes(&found));
}

#[test]
fn deeply_nested_flow_yaml() {
    for file_text in [
        "[".repeat(100_000) + &"]".repeat(100_000),
        "{a: ".repeat(100_000) + &"}".repeat(100_000),
    ] {
        let found = check("Text.\n".into(), None, file_text.clone());
        assert_eq!(codes(&found), ["yaml-too-deep"]);
        let found = check("Text.\n".into(), Some(file_text), PEOPLE.into());
        assert_eq!(codes(&found), ["yaml-too-deep"]);
    }
}

#[test]
fn deeply_nested_block_yaml() {
    let mut mapping = String::new();
    for depth in 0..1_000 {
        mapping.push_str(&" ".repeat(depth));
        mapping.push_str("a:\n");
    }
    let dashes = "- ".repeat(100_000) + "x\n";
    for text in [mapping, dashes] {
        let found = check("Text.\n".into(), None, text.clone());
        assert_eq!(codes(&found), ["yaml-too-deep"]);
        let found = check(format!("{}\n", "- ".repeat(10)), Some(text), PEOPLE.into());
        assert_eq!(codes(&found), ["yaml-too-deep"]);
    }
}

#[test]
fn nesting_within_the_limit_is_fine() {
    // 90 levels of flow lists as a person's alias: a wrong type, reported.
    let people = format!(
        "- name: A\n  aliases: [{}x{}]\n",
        "[".repeat(89),
        "]".repeat(89)
    );
    let found = check("Text.\n".into(), None, people);
    assert_eq!(codes(&found), ["wrong-type"]);
}

#[test]
fn front_matter_nested_too_deep() {
    let markdown = format!(
        "---\ntitle: {}x{}\n---\nText.\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let found = within(120, move || {
        let tmp = tempfile::tempdir().unwrap();
        dossier(tmp.path(), "", None, PEOPLE);
        fs::write(tmp.path().join("content/articles/a.md"), markdown).unwrap();
        dossier::check(tmp.path()).diagnostics
    });
    assert_eq!(codes(&found), ["yaml-too-deep"]);
    assert_eq!(found[0].location.as_ref().unwrap().line, 2);
}

#[test]
fn deeply_nested_markdown_checks_and_builds() {
    let mut nested_list = String::new();
    for depth in 0..500 {
        nested_list.push_str(&"  ".repeat(depth));
        nested_list.push_str("- item Steve Witkoff\n");
    }
    for body in [
        "- ".repeat(50_000) + "Steve Witkoff\n",
        ">".repeat(50_000) + " Steve Witkoff\n",
        "> - ".repeat(20_000) + "Steve Witkoff\n",
        nested_list,
        "*a **b ".repeat(20_000) + &"c** d* ".repeat(20_000),
        "[".repeat(50_000) + "Steve Witkoff" + &"](x)".repeat(50_000),
        "<div>".repeat(50_000) + "Steve Witkoff" + &"</div>".repeat(50_000),
        // 20,000 names in one article, each a link: once quadratic to render.
        "| a |\n|---|\n".to_owned() + &"| Steve Witkoff |\n".repeat(20_000),
    ] {
        let found = check(body.clone(), None, PEOPLE.into());
        assert!(found.is_empty(), "{:?}", codes(&found));
        let built = build(body);
        assert!(built.summary.is_some(), "{:?}", codes(&built.diagnostics));
    }
}

#[test]
fn thousands_of_errors_in_one_sidecar() {
    let mut sidecar = String::from("mentions:\n");
    for i in 0..5_000 {
        sidecar.push_str(&format!("  - quote: \"Doha\"\n    person: nobody-{i}\n"));
    }
    let found = check(
        "Steve Witkoff in Doha.\n".into(),
        Some(sidecar),
        PEOPLE.into(),
    );
    assert_eq!(found.len(), 5_000);
    assert!(found.iter().all(|d| d.code == "unknown-reference"));
    // Each at its own line, in order.
    let lines: Vec<usize> = found
        .iter()
        .map(|d| d.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines[..3], [3, 5, 7]);
    assert_eq!(lines[4_999], 3 + 2 * 4_999);
}

#[test]
fn thousands_of_broken_entries_in_people() {
    let mut people = String::new();
    for i in 0..5_000 {
        people.push_str(&format!("- id: p{i}\n  nmae: Person {i}\n"));
    }
    let found = check("Text.\n".into(), None, people);
    assert_eq!(found.len(), 5_000);
    assert!(found.iter().all(|d| d.code == "unknown-field"));
}
