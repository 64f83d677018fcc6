//! The repository's own example dossier builds clean, and every inconsistency
//! the fact-checker found (tests/example_expectations.yaml) is flagged at its
//! passage, in dossier.json and inline on the article page.

mod common;

use std::path::Path;

use common::{build, sel};

#[derive(serde::Deserialize)]
struct Expected {
    rule: String,
    kind: Option<String>,
    article: String,
    quote: String,
    why: String,
}

#[test]
fn example_builds_without_errors_or_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = dossier::check(root);
    let rendered: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect();
    assert!(
        checked.diagnostics.is_empty(),
        "the example must check clean:\n{}",
        rendered.join("\n")
    );
}

#[test]
fn every_expected_inconsistency_is_flagged_at_its_passage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected: Vec<Expected> = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("tests/example_expectations.yaml")).unwrap(),
    )
    .unwrap();
    assert!(expected.len() > 10, "a careful reader finds more than ten");
    let site = build(root);
    let json = site.json();
    let flags = json["flags"].as_array().unwrap();
    let mut missing = Vec::new();
    for e in &expected {
        let found = flags.iter().find(|f| {
            f["rule"] == e.rule.as_str()
                && (e.kind.is_none() || f["kind"].as_str() == e.kind.as_deref())
                && f["passages"].as_array().unwrap().iter().any(|p| {
                    p["article"] == e.article.as_str()
                        && p["quote"].as_str().unwrap().contains(e.quote.as_str())
                })
        });
        let Some(flag) = found else {
            missing.push(format!(
                "{} in {} at \"{}\" ({})",
                e.rule, e.article, e.quote, e.why
            ));
            continue;
        };
        // Inline: the passage's element exists on the article page, and a flag
        // marker after it leads to this flag's entry.
        let passage = flag["passages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["article"] == e.article.as_str()
                    && p["quote"].as_str().unwrap().contains(e.quote.as_str())
            })
            .unwrap();
        let page = site.page(&format!("articles/{}.html", e.article));
        let anchor = passage["anchor"].as_str().unwrap();
        assert!(
            page.select(&sel(&format!("[id='{anchor}']")))
                .next()
                .is_some(),
            "{}#{anchor}",
            e.article
        );
        let id = flag["id"].as_str().unwrap();
        let entry = page.select(&sel("li.annotation-flag")).find(|li| {
            li.select(&sel("a"))
                .any(|a| a.value().attr("href") == Some(&format!("#{id}")))
        });
        let entry =
            entry.unwrap_or_else(|| panic!("no annotation entry for flag {id} on {}", e.article));
        let ann_id = entry.value().attr("id").unwrap();
        assert!(
            page.select(&sel(&format!("sup.refs a.ref-flag[href='#{ann_id}']")))
                .next()
                .is_some(),
            "no inline marker for {id} on {}",
            e.article
        );
        assert!(page
            .select(&sel(&format!("li.flag[id='{id}']")))
            .next()
            .is_some());
    }
    assert!(missing.is_empty(), "not flagged:\n{}", missing.join("\n"));
}

#[test]
fn every_link_of_the_example_site_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = build(root);
    let problems = common::broken_links(&site.out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    // Every page of every kind is there.
    let json = site.json();
    for kind in ["articles", "people", "claims"] {
        for entry in json[kind].as_array().unwrap() {
            let page = entry["page"].as_str().unwrap();
            assert!(site.out.join(page).is_file(), "{page}");
        }
    }
}
