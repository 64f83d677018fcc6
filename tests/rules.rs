//! The inconsistency rules end to end: a fixture dossier (tests/fixtures/rules)
//! in which every rule of the contract fires exactly where it should and
//! nowhere else (its near misses are described in the fixture's files),
//! checked through dossier.json and through the article pages' markup.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{build, copy_dir, fixture, sel, Site};
use scraper::{ElementRef, Html};

/// (rule, article, passage) of every flagged passage.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("name-variant", "alpha", "Steven Weitekamp"),
    ("name-variant", "alpha", "Weitekamp"),
    ("anachronism", "alpha", "The Biden administration"),
    ("quantity-conflict", "alpha", "in its 20th month"),
    ("quantity-conflict", "beta", "19 months of war"),
    ("quantity-conflict", "gamma", "25 months of fighting"),
    ("sum-mismatch", "delta", "There are still 59 hostages"),
    ("sum-mismatch", "delta", "35 have died"),
    ("sum-mismatch", "delta", "22 remains unknown"),
    ("date-conflict", "alpha", "confirmed on Sunday"),
    ("date-conflict", "beta", "confirmed on Sunday"),
    ("weekday-mismatch", "delta", "on Monday, 4 March"),
    ("stance-conflict", "alpha", "mounting annoyance"),
    (
        "stance-conflict",
        "beta",
        "denied any frustration with Israel",
    ),
    ("stance-conflict", "gamma", "growing frustrations"),
    ("contradiction", "alpha", "who act as middlemen"),
    (
        "contradiction",
        "gamma",
        "mediators, namely Qatar and Egypt",
    ),
    (
        "quote-wording",
        "alpha",
        "They want their own Hamas channel, not through Qatar or Egypt",
    ),
    (
        "quote-wording",
        "beta",
        "They want their own channel to Hamas, not through Qatar or Egypt",
    ),
    (
        "quote-attribution",
        "delta",
        "I am not sure if this is a sign of desperation or confusion",
    ),
    (
        "quote-attribution",
        "gamma",
        "I am not sure if this is a sign of desperation or confusion",
    ),
    ("declared", "epsilon", "22 are believed alive"),
];

fn site() -> Site {
    build(&fixture("rules"))
}

fn flags(site: &Site) -> Vec<serde_json::Value> {
    site.json()["flags"].as_array().unwrap().clone()
}

fn passages(flag: &serde_json::Value) -> &Vec<serde_json::Value> {
    flag["passages"].as_array().unwrap()
}

#[test]
fn every_rule_fires_exactly_where_it_should() {
    let site = site();
    let rendered: Vec<String> = site
        .built
        .diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect();
    assert!(
        rendered.is_empty(),
        "the fixture builds without warnings (no suggestion fires on it):\n{}",
        rendered.join("\n")
    );
    let found: BTreeSet<(String, String, String)> = flags(&site)
        .iter()
        .flat_map(|f| {
            passages(f).iter().map(move |p| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    p["article"].as_str().unwrap().to_owned(),
                    p["quote"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = EXPECTED
        .iter()
        .map(|(r, a, q)| (r.to_string(), a.to_string(), q.to_string()))
        .collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

#[test]
fn every_rule_is_exercised_once_with_all_its_passages_in_one_flag() {
    let site = site();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in flags(&site) {
        *per_rule
            .entry(f["rule"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let all: BTreeMap<String, usize> = dossier::analyze::rules::ALL
        .iter()
        .map(|r| (r.id.to_owned(), 1))
        .collect();
    assert_eq!(per_rule, all);
}

#[test]
fn messages_name_the_other_sources_and_what_they_say() {
    let site = site();
    let message = |rule: &str| -> String {
        flags(&site)
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(
        message("name-variant"),
        "Alpha News writes 'Steven Weitekamp' and 'Weitekamp'; Beta Times writes 'Steve Witkoff'."
    );
    assert_eq!(
        message("quantity-conflict"),
        "Beta Times says 19 months; Alpha News says 19–20 months; Gamma Daily says 25 months."
    );
    assert_eq!(
        message("sum-mismatch"),
        "Delta Wire's figures do not add up: 35 + 22 = 57, but the article gives a total of 59 hostages."
    );
    assert_eq!(
        message("date-conflict"),
        "Alpha News gives Sunday 11 May 2025; Beta Times gives Sunday 18 May 2025."
    );
    assert_eq!(
        message("stance-conflict"),
        "Alpha News and Gamma Daily assert that Trump was frustrated with Israel; Beta Times denies it."
    );
    assert_eq!(
        message("quote-attribution"),
        "Delta Wire attributes these words to Dennis Ross; Gamma Daily attributes them to Aaron David Miller."
    );
    assert!(message("anachronism").contains("11 May 2025"));
    assert!(message("anachronism").contains("20 January 2025"));
}

#[test]
fn quote_wording_carries_a_word_level_difference() {
    let site = site();
    let flag = flags(&site)
        .into_iter()
        .find(|f| f["rule"] == "quote-wording")
        .unwrap();
    let diff: Vec<(String, String)> = flag["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["change"].as_str().unwrap().to_owned(),
                p["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("same", "They want their own"),
        ("removed", "Hamas"),
        ("same", "channel,"),
        ("added", "to Hamas,"),
        ("same", "not through Qatar or Egypt"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, t)| (c.to_string(), t.to_string()))
        .collect();
    assert_eq!(diff, expected);
    let page = site.page("articles/alpha.html");
    let id = flag["id"].as_str().unwrap();
    let entry = page
        .select(&sel(&format!("li.flag[id='{id}']")))
        .next()
        .unwrap();
    let del: Vec<String> = entry
        .select(&sel(".diff del"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(del, ["Hamas"]);
}

/// The element right after the passage's last piece (or after the link
/// around it, for a name): where the markers go.
fn after_passage<'a>(page: &'a Html, anchor: &str) -> Option<ElementRef<'a>> {
    let pieces = sel(&format!(
        "[data-passage='{anchor}'], [data-passage='{anchor}-mark']"
    ));
    let mut node = page.select(&pieces).next_back()?;
    if let Some(parent) = node.parent().and_then(ElementRef::wrap) {
        let last_child = node.next_siblings().all(|n| ElementRef::wrap(n).is_none());
        if parent.value().name() == "a" && last_child {
            node = parent;
        }
    }
    node.next_siblings().find_map(ElementRef::wrap)
}

#[test]
fn every_flagged_passage_is_marked_inline_and_linked_to_its_flag() {
    let site = site();
    for flag in flags(&site) {
        let id = flag["id"].as_str().unwrap();
        for p in passages(&flag) {
            let article = p["article"].as_str().unwrap();
            let anchor = p["anchor"].as_str().unwrap();
            let page = site.page(&format!("articles/{article}.html"));
            let at = format!("{} at {article}#{anchor}", flag["rule"]);
            assert!(
                page.select(&sel(&format!("[id='{anchor}']")))
                    .next()
                    .is_some(),
                "no passage element: {at}"
            );
            // The annotation entry of this flag, and the marker after the
            // passage that leads to it.
            let entries: Vec<String> = page
                .select(&sel("li.annotation-flag"))
                .filter(|li| {
                    li.select(&sel("a"))
                        .any(|a| a.value().attr("href") == Some(&format!("#{id}")))
                })
                .filter_map(|li| li.value().attr("id").map(str::to_owned))
                .collect();
            assert!(!entries.is_empty(), "no annotation entry: {at}");
            let marker = after_passage(&page, anchor)
                .unwrap_or_else(|| panic!("nothing after the passage: {at}"));
            assert!(
                marker.value().name() == "sup" && marker.value().classes().any(|c| c == "refs"),
                "no markers right after the passage: {at}: {}",
                marker.html()
            );
            let flag_markers: Vec<&str> = marker
                .select(&sel("a.ref-flag"))
                .filter_map(|a| a.value().attr("href"))
                .collect();
            assert!(
                entries
                    .iter()
                    .any(|e| flag_markers.contains(&format!("#{e}").as_str())),
                "the flag markers {flag_markers:?} lead to none of {entries:?}: {at}"
            );
            assert!(
                page.select(&sel(&format!("li.flag[id='{id}']")))
                    .next()
                    .is_some(),
                "no flag entry {id} on {article}"
            );
        }
    }
}

#[test]
fn checks_set_severities_and_turn_rules_and_suggestions_off() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("rules"), dir.path());
    std::fs::write(
        dir.path().join("config.yaml"),
        "title: Rules\nchecks:\n  date-conflict: warning\n  quote-wording: off\n  unknown-name: off\n  uncovered-names: off\n",
    )
    .unwrap();
    let checked = dossier::check(dir.path());
    let analysis = checked.analysis.unwrap();
    assert!(analysis.flags.iter().all(|f| f.rule != "quote-wording"));
    let warnings: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == "date-conflict")
        .collect();
    assert_eq!(warnings.len(), 1);
    let at = warnings[0].location.as_ref().unwrap();
    assert_eq!(at.file, Path::new("content/articles/alpha.md"));
    // Line 8 of alpha.md: "The war is in its 20th month. A Hamas official
    // confirmed on Sunday..."; the column is where the passage starts.
    assert_eq!((at.line, at.column), (8, 48));
    assert!(checked
        .diagnostics
        .iter()
        .all(|d| d.code != "unknown-check"));
}

#[test]
fn suggestions_point_at_a_near_spelling_and_list_uncovered_names() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("rules"), dir.path());
    let alpha = dir.path().join("content/articles/alpha.md");
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(
        &alpha,
        format!("{text}\nWitkof met Keir Starmer. Keir Starmer left, and Starmer said nothing.\n"),
    )
    .unwrap();
    let checked = dossier::check(dir.path());
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unknown-name", "uncovered-names"], "{codes:?}");
    let unknown = &checked.diagnostics[0];
    assert_eq!(
        unknown.message,
        "'Witkof' is close to 'Witkoff', a name of Steve Witkoff"
    );
    let at = unknown.location.as_ref().unwrap();
    assert_eq!(
        (at.file.as_path(), at.line),
        (Path::new("content/articles/alpha.md"), 14)
    );
    assert!(checked.diagnostics[1]
        .message
        .ends_with(": Keir Starmer (2)"));
}

/// Flag ids: `<rule>-<8 hex digits>`, unique, and unchanged when content
/// that no flag involves changes (articles added before and after the
/// others, each with a flag of its own; another article's unflagged sentence
/// edited), as links into a published dossier need.
#[test]
fn flag_ids_are_unique_and_survive_unrelated_edits() {
    // Each flag's id by what it flags: its rule and its passages' words.
    let ids = |site: &Site| -> BTreeMap<String, String> {
        flags(site)
            .iter()
            .map(|f| {
                let words: Vec<String> = passages(f)
                    .iter()
                    .map(|p| format!("{}: {}", p["article"], p["quote"]))
                    .collect();
                (
                    format!("{} {}", f["rule"], words.join(" | ")),
                    f["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let original = site();
    let before = ids(&original);
    let unique: BTreeSet<&String> = before.values().collect();
    assert_eq!(
        unique.len(),
        flags(&original).len(),
        "ids repeat: {before:?}"
    );
    for id in before.values() {
        let (rule, hash) = id.rsplit_once('-').unwrap();
        assert!(
            EXPECTED.iter().any(|(r, _, _)| *r == rule)
                && hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("rules"), dir.path());
    let articles = dir.path().join("content/articles");
    // Articles before and after all others, whichever order flags take.
    for (slug, date) in [
        ("aaa-unrelated", "2020-01-01"),
        ("zzz-unrelated", "2030-01-01"),
    ] {
        std::fs::write(
            articles.join(format!("{slug}.md")),
            format!("---\ntitle: Unrelated\noutlet: Zeta\npublished: {date}\n---\nNothing to see here.\n"),
        )
        .unwrap();
        std::fs::write(
            articles.join(format!("{slug}.yaml")),
            "flags:\n  - quote: \"Nothing to see\"\n    kind: misreading\n    text: \"An editor's doubt.\"\n",
        )
        .unwrap();
    }
    let epsilon = articles.join("epsilon.md");
    let text = std::fs::read_to_string(&epsilon).unwrap();
    std::fs::write(&epsilon, format!("{text}\nA sentence added later.\n")).unwrap();
    let after = ids(&build(dir.path()));
    assert_eq!(after.len(), before.len() + 2, "{after:?}");
    for (flagged, id) in &before {
        assert_eq!(after.get(flagged), Some(id), "{flagged}");
    }
}
