//! Bad input: one fixture dossier per kind of problem (tests/fixtures/invalid/),
//! each checked for the diagnostic's code, file, line (and column where it
//! means something) and the key part of its hint. Plus the command line:
//! exit codes, `--format json`, `--deny-warnings`, and the human rendering.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::copy_dir;

use dossier::diagnostic::{Diagnostic, Severity};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(case)
}

fn check(case: &str) -> Vec<Diagnostic> {
    dossier::check(&fixture(case)).diagnostics
}

/// The one diagnostic of a fixture that has exactly one problem.
fn only(case: &str) -> Diagnostic {
    let found = check(case);
    assert_eq!(
        found.len(),
        1,
        "{case}: expected one diagnostic, got:\n{}",
        render(&found)
    );
    found.into_iter().next().unwrap()
}

fn render(found: &[Diagnostic]) -> String {
    found
        .iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Asserts code, file, line, column (0: any) and that the hint contains `hint`.
#[track_caller]
fn assert_at(d: &Diagnostic, code: &str, file: &str, line: usize, column: usize, hint: &str) {
    let text = d.render(false);
    assert_eq!(d.code, code, "{text}");
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no location:\n{text}"));
    assert_eq!(loc.file, Path::new(file), "{text}");
    assert_eq!(loc.line, line, "{text}");
    if column > 0 {
        assert_eq!(loc.column, column, "{text}");
    }
    let got = d.hint.as_deref().unwrap_or_default();
    assert!(got.contains(hint), "hint {got:?} lacks {hint:?}\n{text}");
    // The rustc-style rendering always names the spot.
    assert!(text.contains(&format!("--> {file}:{line}:")), "{text}");
}

#[test]
fn yaml_syntax_error_points_at_the_unclosed_bracket() {
    let d = only("yaml-syntax");
    assert_at(
        &d,
        "yaml-syntax",
        "content/people.yaml",
        3,
        12,
        "close the list",
    );
    assert!(d.message.contains("flow sequence"), "{}", d.message);
}

#[test]
fn unclosed_quote_in_config_points_where_it_opens() {
    let d = only("config-syntax");
    assert_at(&d, "yaml-syntax", "config.yaml", 1, 8, "close the quote");
}

#[test]
fn wrong_type() {
    let d = only("wrong-type");
    assert_at(
        &d,
        "wrong-type",
        "content/people.yaml",
        3,
        12,
        "takes a list",
    );
    assert!(d.message.contains("`aliases:`"), "{}", d.message);
}

#[test]
fn wrong_type_of_a_quantity_value() {
    let d = only("wrong-type-value");
    assert_at(
        &d,
        "wrong-type",
        "content/articles/report.yaml",
        4,
        12,
        "{min: 19, max: 20}",
    );
    assert!(d.message.contains("a number or a range"), "{}", d.message);
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let d = only("unknown-field");
    assert_at(
        &d,
        "unknown-field",
        "content/articles/report.yaml",
        3,
        5,
        "did you mean `quote`?",
    );
}

#[test]
fn unknown_field_in_config() {
    let d = only("config-unknown-field");
    assert_at(
        &d,
        "unknown-field",
        "config.yaml",
        1,
        1,
        "did you mean `title`?",
    );
}

#[test]
fn unknown_value_in_config() {
    let d = only("config-wrong-type");
    assert_at(
        &d,
        "unknown-value",
        "config.yaml",
        3,
        18,
        "error, warning, flag, off",
    );
}

#[test]
fn base_url_that_is_no_web_address() {
    let d = only("config-invalid-url");
    assert_at(&d, "invalid-url", "config.yaml", 2, 1, "https://");
}

#[test]
fn theme_that_is_a_path() {
    let d = only("config-theme-path");
    assert_at(
        &d,
        "invalid-value",
        "config.yaml",
        2,
        1,
        "name a folder of themes/",
    );
}

#[test]
fn theme_that_does_not_exist() {
    let d = only("unknown-theme");
    assert_at(
        &d,
        "unknown-theme",
        "config.yaml",
        2,
        1,
        "create themes/nope/templates/",
    );
}

#[test]
fn missing_title_in_config() {
    let d = only("config-missing-title");
    assert_at(&d, "missing-field", "config.yaml", 1, 1, "`title:`");
}

#[test]
fn missing_required_field_in_a_sidecar() {
    let d = only("missing-field");
    assert_at(
        &d,
        "missing-field",
        "content/articles/report.yaml",
        2,
        5,
        "`speaker:`",
    );
}

#[test]
fn missing_required_field_in_front_matter() {
    let d = only("missing-front-matter-field");
    assert_at(
        &d,
        "missing-field",
        "content/articles/report.md",
        2,
        1,
        "`outlet:`",
    );
}

#[test]
fn duplicate_person_id() {
    let d = only("duplicate-person");
    assert_at(
        &d,
        "duplicate-id",
        "content/people.yaml",
        6,
        3,
        "the first is at content/people.yaml:1",
    );
}

#[test]
fn duplicate_claim_id() {
    let d = only("duplicate-claim");
    assert_at(
        &d,
        "duplicate-id",
        "content/claims.yaml",
        7,
        3,
        "the first is at content/claims.yaml:5",
    );
}

#[test]
fn unknown_person() {
    let d = only("unknown-person");
    assert_at(
        &d,
        "unknown-reference",
        "content/articles/report.yaml",
        3,
        5,
        "did you mean `steve-witkoff`?",
    );
    assert!(
        d.message.contains("unknown person `steve-witkof`"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_speaker() {
    let d = only("unknown-speaker");
    assert_at(
        &d,
        "unknown-reference",
        "content/articles/report.yaml",
        3,
        5,
        "did you mean `khalil-al-hayya`?",
    );
    assert!(d.message.contains("unknown speaker"), "{}", d.message);
}

#[test]
fn unknown_speaker_of_a_claim() {
    let d = only("unknown-claim-speaker");
    assert_at(
        &d,
        "unknown-reference",
        "content/articles/report.yaml",
        5,
        5,
        "did you mean `khalil-al-hayya`?",
    );
    assert!(
        d.message.contains("unknown speaker `khalil-al-haya`"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_claim() {
    let d = only("unknown-claim");
    assert_at(
        &d,
        "unknown-reference",
        "content/articles/report.yaml",
        2,
        5,
        "did you mean `war-duration`?",
    );
    assert!(d.message.contains("unknown claim"), "{}", d.message);
}

// No field of the format refers to an article (sidecars belong to theirs by
// file name; claims and people refer to claims and people), so there is no
// "unknown article" diagnostic. The nearest case, a sidecar without its
// article, is `orphan_sidecar_is_an_error` below.

#[test]
fn quote_found_nowhere_shows_the_closest_passage() {
    let d = only("quote-not-found");
    assert_at(
        &d,
        "quote-not-found",
        "content/articles/report.yaml",
        2,
        5,
        "content/articles/report.md:8",
    );
    let hint = d.hint.unwrap();
    assert!(hint.contains("\"The talks lasted 19 months,\""), "{hint}");
    assert!(hint.contains("% similar"), "{hint}");
}

#[test]
fn quote_with_another_number_is_not_matched_to_it() {
    // The closest passage differs only in its number: never proposed, since
    // the difference may be the very discrepancy the dossier exists to flag.
    let d = only("quote-not-found-number");
    assert_at(
        &d,
        "quote-not-found",
        "content/articles/report.yaml",
        2,
        5,
        "other numbers are never proposed",
    );
}

#[test]
fn quote_found_several_times_lists_each_match() {
    let d = only("quote-ambiguous");
    assert_at(
        &d,
        "quote-ambiguous",
        "content/articles/report.yaml",
        2,
        5,
        "occurrence: N",
    );
    let hint = d.hint.unwrap();
    assert_eq!(hint.matches("line 8:").count(), 2, "{hint}");
    assert!(hint.contains("«The talks lasted» 19 months"), "{hint}");
    assert!(hint.contains("«The talks lasted» longer"), "{hint}");
}

#[test]
fn occurrence_beyond_the_matches() {
    let d = only("quote-occurrence");
    assert_at(
        &d,
        "quote-occurrence",
        "content/articles/report.yaml",
        3,
        5,
        "from 1 to 2",
    );
}

#[test]
fn role_the_person_does_not_have() {
    let d = only("unknown-role");
    assert_at(
        &d,
        "unknown-role",
        "content/articles/report.yaml",
        4,
        5,
        "\"Special Envoy\"",
    );
}

#[test]
fn name_of_two_people_is_a_warning() {
    let d = only("ambiguous-name");
    assert_eq!(d.severity, Severity::Warning);
    assert_at(
        &d,
        "ambiguous-name",
        "content/people.yaml",
        8,
        13,
        "linked to `steve-witkoff`",
    );
}

#[test]
fn invalid_date_in_front_matter() {
    let d = only("invalid-date-front-matter");
    assert_at(
        &d,
        "invalid-date",
        "content/articles/report.md",
        4,
        12,
        "YYYY-MM-DD",
    );
    assert!(d.message.contains("2025-02-30"), "{}", d.message);
}

#[test]
fn invalid_date_on_a_claim() {
    let d = only("invalid-date-claim");
    assert_at(
        &d,
        "invalid-date",
        "content/articles/report.yaml",
        4,
        5,
        "weekday name",
    );
    assert!(d.message.contains("Sundy"), "{}", d.message);
}

#[test]
fn value_on_a_claim_that_is_no_quantity() {
    let d = only("value-on-non-quantity");
    assert_at(
        &d,
        "value-on-non-quantity",
        "content/articles/report.yaml",
        4,
        5,
        "`kind: quantity`",
    );
}

#[test]
fn date_on_a_claim_that_is_no_date_claim() {
    let d = only("date-on-non-date");
    assert_at(
        &d,
        "date-on-non-date",
        "content/articles/report.yaml",
        5,
        5,
        "`kind: date`",
    );
}

#[test]
fn sum_over_claims_that_are_no_quantities() {
    let d = only("sum-of-non-quantity");
    assert_at(
        &d,
        "sum-of-non-quantity",
        "content/claims.yaml",
        10,
        11,
        "give `talks-held` `kind: quantity`",
    );
}

#[test]
fn missing_front_matter() {
    let d = only("no-front-matter");
    assert_at(
        &d,
        "front-matter",
        "content/articles/report.md",
        1,
        1,
        "start the file with a line `---`",
    );
}

#[test]
fn unclosed_front_matter() {
    let d = only("unclosed-front-matter");
    assert_at(
        &d,
        "front-matter",
        "content/articles/report.md",
        1,
        1,
        "then a line `---`",
    );
    assert!(d.message.contains("not closed"), "{}", d.message);
}

#[test]
fn malformed_front_matter() {
    let d = only("malformed-front-matter");
    assert_at(
        &d,
        "yaml-syntax",
        "content/articles/report.md",
        3,
        16,
        "must be quoted",
    );
}

#[test]
fn non_utf8_file_points_at_the_bad_byte() {
    let d = only("not-utf8");
    assert_at(&d, "not-utf8", "content/articles/report.md", 6, 49, "UTF-8");
    assert!(d.render(false).contains("in Doh\u{fffd} on Sunday"));
}

#[test]
fn unreadable_file() {
    let d = only("unreadable");
    assert_at(
        &d,
        "unreadable-file",
        "content/articles/folder.md",
        1,
        1,
        "you may read it",
    );
}

#[test]
fn article_without_sidecar_is_fine() {
    let checked = dossier::check(&fixture("no-sidecar"));
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        render(&checked.diagnostics)
    );
    assert_eq!(checked.dossier.unwrap().articles.len(), 1);
}

#[test]
fn orphan_sidecar_is_an_error() {
    let d = only("orphan-sidecar");
    assert_at(
        &d,
        "orphan-sidecar",
        "content/articles/missing.yaml",
        1,
        1,
        "create content/articles/missing.md",
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let d = only("template-syntax");
    assert_at(
        &d,
        "template",
        "themes/broken/templates/person.html",
        3,
        20,
        "Tera syntax",
    );
    assert!(d.message.contains("`person.html`"), "{}", d.message);
    assert!(d.message.contains("expected }}"), "{}", d.message);
}

#[test]
fn template_with_unclosed_block_says_which() {
    let d = only("template-unclosed");
    assert_at(
        &d,
        "template",
        "themes/broken/templates/person.html",
        5,
        1,
        "`{% if %}` is never closed",
    );
    assert!(d.hint.unwrap().contains("line 3"));
}

#[test]
fn template_error_at_render_time_names_template_and_line() {
    let out = tempfile::tempdir().unwrap();
    let built = dossier::build(&dossier::BuildOptions {
        root: fixture("template-render"),
        output: out.path().join("public"),
        on_page: None,
        before_render: None,
    });
    assert!(built.summary.is_none());
    assert_eq!(built.diagnostics.len(), 1, "{}", render(&built.diagnostics));
    let d = &built.diagnostics[0];
    assert_at(
        d,
        "template",
        "themes/broken/templates/person.html",
        4,
        14,
        "is defined",
    );
    // Tera names the missing field and the ones the view has.
    assert!(d.message.contains("`birthday`"), "{}", d.message);
    assert!(
        d.message.contains("Available fields: aliases"),
        "{}",
        d.message
    );
    assert!(!out.path().join("public").exists());
}

/// A site-wide page is streamed into its file, not rendered into a buffer:
/// its template's error is reported the same way, and the previous site
/// stays in place.
#[test]
fn template_error_in_a_streamed_page_names_template_and_line() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    std::fs::create_dir(&public).unwrap();
    std::fs::write(public.join("index.html"), "previous site").unwrap();
    let built = dossier::build(&dossier::BuildOptions {
        root: fixture("template-render-streamed"),
        output: public.clone(),
        on_page: None,
        before_render: None,
    });
    assert!(built.summary.is_none());
    assert_eq!(built.diagnostics.len(), 1, "{}", render(&built.diagnostics));
    assert_at(
        &built.diagnostics[0],
        "template",
        "themes/broken/templates/timeline.html",
        4,
        0,
        "is defined",
    );
    assert_eq!(
        std::fs::read_to_string(public.join("index.html")).unwrap(),
        "previous site"
    );
    assert!(!public.join("timeline.html").exists());
}

#[test]
fn broken_entries_are_each_reported_and_the_rest_still_checked() {
    let found = check("broken-entries");
    let got: Vec<(&str, String, usize)> = found
        .iter()
        .map(|d| {
            let loc = d.location.as_ref().unwrap();
            (d.code, loc.file.display().to_string(), loc.line)
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "unknown-field",
                "content/articles/report.yaml".to_owned(),
                5
            ),
            // The good entries after a broken one are still resolved...
            ("unknown-role", "content/articles/report.yaml".to_owned(), 8),
            (
                "unknown-field",
                "content/articles/report.yaml".to_owned(),
                11
            ),
            ("wrong-type", "content/people.yaml".to_owned(), 3),
            ("unknown-field", "content/people.yaml".to_owned(), 5),
        ],
        "{}",
        render(&found)
    );
    // ...and the mention of the broken person is not reported again as unknown.
    assert!(!found.iter().any(|d| d.code == "unknown-reference"));
}

#[test]
fn one_run_reports_every_problem_in_order() {
    let found = check("several");
    let got: Vec<(&str, String, usize)> = found
        .iter()
        .map(|d| {
            let loc = d.location.as_ref().unwrap();
            (d.code, loc.file.display().to_string(), loc.line)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unknown-field", "config.yaml".to_owned(), 2),
            (
                "unknown-reference",
                "content/articles/report.yaml".to_owned(),
                3
            ),
            (
                "quote-ambiguous",
                "content/articles/report.yaml".to_owned(),
                5
            ),
            (
                "quote-not-found",
                "content/articles/second.yaml".to_owned(),
                2
            ),
            ("duplicate-id", "content/claims.yaml".to_owned(), 7),
        ],
        "{}",
        render(&found)
    );
}

#[test]
fn errors_come_before_warnings() {
    let mut found = vec![
        Diagnostic::warning("w", "a warning").at(Path::new("a.yaml"), 1, 1),
        Diagnostic::error("e", "an error").at(Path::new("z.yaml"), 9, 1),
        Diagnostic::error("e", "another").at(Path::new("b.yaml"), 2, 1),
    ];
    dossier::diagnostic::sort(&mut found);
    let order: Vec<_> = found
        .iter()
        .map(|d| (d.severity, d.message.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (Severity::Error, "another"),
            (Severity::Error, "an error"),
            (Severity::Warning, "a warning")
        ]
    );
}

// ---- rendering -------------------------------------------------------------

#[test]
fn human_rendering_looks_like_rustc() {
    let d = only("unknown-field");
    let text = d.render(false);
    let expected = "\
error[unknown-field]: unknown field `qoute`, expected one of `claim`, `quote`, `prefix`, `suffix`, `occurrence`, `value`, `stance`, `date`, `speaker`
 --> content/articles/report.yaml:3:5
  |
3 |     qoute: \"lasted 19 months\"
  |     ^^^^^
  |
  = help: did you mean `quote`?";
    assert_eq!(text, expected);

    // A caret under a spot further along the line, and under a character
    // that is not ASCII.
    let text = only("not-utf8").render(false);
    let lines: Vec<&str> = text.lines().collect();
    let source = lines.iter().position(|l| l.starts_with("6 |")).unwrap();
    let caret = lines[source + 1];
    let at = |line: &str, c: char| line.chars().position(|x| x == c).unwrap();
    assert_eq!(at(caret, '^'), at(lines[source], '\u{fffd}'), "{text}");
}

#[test]
fn human_rendering_without_a_source_line_still_names_the_spot() {
    let text = only("orphan-sidecar").render(false);
    assert!(text.starts_with("error[orphan-sidecar]: sidecar content/articles/missing.yaml has no article\n --> content/articles/missing.yaml:1:1\n"), "{text}");
}

/// The bytes of the terminal's own commands: a new window title, a bell,
/// erase the line.
const HOSTILE: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2K";

#[test]
fn input_quoted_in_a_message_cannot_drive_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("quote-not-found"), tmp.path());
    let articles = tmp.path().join("content/articles");
    let article = fs::read_to_string(articles.join("report.md"))
        .unwrap()
        .replace(
            "on Sunday.",
            &format!("on Sunday.{HOSTILE}\r Nothing to see."),
        );
    fs::write(articles.join("report.md"), article).unwrap();
    fs::write(
        articles.join("report.yaml"),
        // YAML's own escapes for the same bytes (it takes none raw).
        "notes:\n  - quote: \"on Sunday.\\e]0;PWNED\\a\\e[2K\\r Something to see\"\n    text: x\n",
    )
    .unwrap();
    // A picture saved as an article: its bytes are no text.
    let mut binary = b"GIF89a\x00\x01".to_vec();
    binary.extend_from_slice(HOSTILE.as_bytes());
    // U+009B, the one-character CSI, then bytes that are no UTF-8.
    binary.extend_from_slice(b"\xc2\x9b2J\xff\xfe");
    fs::write(articles.join("logo.md"), binary).unwrap();
    let before = listing(tmp.path());

    let (code, stdout, stderr) = run(&["--root", tmp.path().to_str().unwrap(), "check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    for (name, shown) in [("not-utf8", "logo.md"), ("quote-not-found", "report.yaml")] {
        assert!(
            stderr.contains(&format!("error[{name}]")) && stderr.contains(shown),
            "{stderr}"
        );
    }
    let raw: Vec<char> = stderr
        .chars()
        .filter(|&c| c != '\n' && c.is_control())
        .collect();
    assert!(raw.is_empty(), "{raw:?} printed raw in:\n{stderr}");
    // Shown, written out as rustc shows them: the quote, the closest passage
    // and the binary file's line.
    let written_out = "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K";
    assert!(stderr.matches(written_out).count() >= 3, "{stderr}");
    assert!(stderr.contains("\\u{9b}2J"), "{stderr}");
    assert_eq!(listing(tmp.path()), before);
}

// ---- the command line --------------------------------------------------------

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_exits_0_when_clean_and_1_on_errors() {
    let clean = fixture("no-sidecar");
    let (code, stdout, stderr) = run(&["--root", clean.to_str().unwrap(), "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");

    let broken = fixture("several");
    let (code, _, stderr) = run(&["--root", broken.to_str().unwrap(), "check"]);
    assert_eq!(code, 1);
    // Paths are shown from the working directory, ready to open.
    let shown = broken.join("content/articles/report.yaml");
    assert!(
        stderr.contains(&format!("--> {}:3:5", shown.display())),
        "{stderr}"
    );
    assert!(stderr.contains("5 errors"), "{stderr}");
}

#[test]
fn check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("no-sidecar"), tmp.path());
    let before = listing(tmp.path());
    let (code, ..) = run(&["--root", tmp.path().to_str().unwrap(), "check"]);
    assert_eq!(code, 0);
    assert_eq!(listing(tmp.path()), before);
}

#[test]
fn check_json_is_one_object_per_diagnostic() {
    let broken = fixture("several");
    let (code, stdout, _) = run(&[
        "--root",
        broken.to_str().unwrap(),
        "check",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(objects.len(), 5);
    for o in &objects {
        let keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "severity", "code", "message", "file", "line", "column", "hint",
        ] {
            assert!(keys.contains(&key), "{key} missing in {o}");
        }
    }
    let first = &objects[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-field");
    assert_eq!(first["file"], broken.join("config.yaml").to_str().unwrap());
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 1);
    assert_eq!(first["hint"], "did you mean `language`?");
}

#[test]
fn deny_warnings_fails_on_warnings_only() {
    let warned = fixture("warnings-only");
    let root = warned.to_str().unwrap();
    let (code, _, stderr) = run(&["--root", root, "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[unused-field]"), "{stderr}");
    assert!(stderr.contains("0 errors, 1 warnings"), "{stderr}");
    let (code, stdout, _) = run(&[
        "--root",
        root,
        "check",
        "--deny-warnings",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let o: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(o["severity"], "warning");
    assert_eq!(o["line"], 7);
}

#[test]
fn missing_config_is_one_error_without_a_location() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(&[
        "--root",
        tmp.path().to_str().unwrap(),
        "check",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let o: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(o["code"], "missing-config");
    assert!(o["file"].is_null() && o["line"].is_null());
}

fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_verbose_times_every_stage_and_render_step() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let clean = fixture("no-sidecar");
    let (code, _, stderr) = run(&[
        "--root",
        clean.to_str().unwrap(),
        "--verbose",
        "build",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.ends_with(" s"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        stages,
        [
            "load",
            "resolve",
            "analyze",
            "theme",
            "render",
            "render/flags",
            "render/pages",
            "write"
        ],
        "{stderr}"
    );
    assert!(
        stderr.lines().last().unwrap().starts_with("built "),
        "{stderr}"
    );
}

// ---- inputs made by the tests ------------------------------------------------
// File names and bytes that are awkward to keep in git (`?` in a name, NUL
// bytes, CRLF line ends) are written into a temporary dossier.

const FRONT: &str = "---\ntitle: \"A\"\noutlet: O\npublished: 2025-05-21\n---\n";

/// A dossier of `config.yaml` and the given files (paths from the root).
fn made(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("content/articles")).unwrap();
    fs::write(tmp.path().join("config.yaml"), "title: Made\n").unwrap();
    for (path, bytes) in files {
        fs::write(tmp.path().join(path), bytes).unwrap();
    }
    tmp
}

#[test]
fn a_file_name_that_is_no_slug_is_refused_with_the_name_to_use() {
    let article = format!("{FRONT}Text.\n");
    let names = [
        ("a#b", "a-b"),
        ("c?d", "c-d"),
        ("%41", "41"),
        ("Two Words", "two-words"),
        ("zero\u{200b}width", "zero-width"),
        ("#", "article"),
    ];
    let mut files: Vec<(String, &[u8])> = names
        .iter()
        .map(|(name, _)| (format!("content/articles/{name}.md"), article.as_bytes()))
        .collect();
    // Any script's letters are a slug; so are ASCII letters, digits, `-_.`.
    for ok in ["حماس-تؤكد", "Report_2025.v2"] {
        files.push((format!("content/articles/{ok}.md"), article.as_bytes()));
    }
    files.push(("content/articles/a#b.yaml".into(), b"notes: []\n"));
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), *b)).collect();
    let tmp = made(&files);
    let checked = dossier::check(tmp.path());
    let found = &checked.diagnostics;
    assert_eq!(found.len(), names.len(), "{}", render(found));
    for (name, better) in names {
        let file = format!("content/articles/{name}.md");
        let d = found
            .iter()
            .find(|d| {
                d.location
                    .as_ref()
                    .is_some_and(|l| l.file == Path::new(&file))
            })
            .unwrap_or_else(|| panic!("nothing about {file}:\n{}", render(found)));
        assert_eq!(d.severity, Severity::Error);
        assert_at(
            d,
            "invalid-slug",
            &file,
            1,
            1,
            &format!("rename it to `{better}.md`"),
        );
    }
    assert_eq!(checked.dossier.unwrap().articles.len(), 2);
    // A build refuses it and writes nothing.
    let out = tmp.path().join("public");
    let built = dossier::build(&dossier::BuildOptions {
        root: tmp.path().to_owned(),
        output: out.clone(),
        on_page: None,
        before_render: None,
    });
    assert!(built.summary.is_none());
    assert!(!out.exists());
}
