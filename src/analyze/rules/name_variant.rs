//! `name-variant`: a person named in an article by one of their `variants`.
//!
//! One flag per article, person and spelling, covering every passage where
//! that article uses it; the message says how the other sources spell it.

use std::collections::BTreeMap;

use super::join_names;
use crate::analyze::{Finding, FlagPassage};
use crate::resolve::{Dossier, NameForm, PersonIx};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (article_ix, article) in dossier.articles.iter().enumerate() {
        // (person, spelling) -> passages
        let mut uses: BTreeMap<(PersonIx, &str), Vec<FlagPassage>> = BTreeMap::new();
        for m in &article.mentions {
            if m.form == Some(NameForm::Variant) {
                let text = article.passage(m.passage).text.as_str();
                uses.entry((m.person, text)).or_default().push(FlagPassage {
                    article: article_ix,
                    passage: m.passage,
                });
            }
        }
        for ((person, spelling), passages) in uses {
            let message = message(dossier, article_ix, person, spelling);
            findings.push(Finding::new(message, passages).people([person]));
        }
    }
    findings
}

/// "Albawaba writes 'Steven Weitekamp'; Quds News Network and CNN write
/// 'Steve Witkoff'." Falls back to the name in people.yaml when no other
/// source names the person correctly.
fn message(dossier: &Dossier, article_ix: usize, person: PersonIx, spelling: &str) -> String {
    let outlet = &dossier.articles[article_ix].article.front.outlet;
    // Other outlets' correct spellings, most used first.
    let mut correct: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for at in &dossier.index.mentions_of[person] {
        let other = &dossier.articles[at.article];
        let m = &other.mentions[at.entry];
        if matches!(m.form, Some(NameForm::Name | NameForm::Alias)) {
            let outlets = correct
                .entry(other.passage(m.passage).text.as_str())
                .or_default();
            let name = other.article.front.outlet.as_str();
            if !outlets.contains(&name) {
                outlets.push(name);
            }
        }
    }
    let name = &dossier.people[person].person.name;
    let mut forms: Vec<(&str, Vec<&str>)> = correct.into_iter().collect();
    forms.sort_by_key(|(form, outlets)| (std::cmp::Reverse(outlets.len()), *form != name.as_str()));
    let others: Vec<String> = forms
        .iter()
        .take(3)
        .map(|(form, outlets)| {
            let verb = if outlets.len() == 1 {
                "writes"
            } else {
                "write"
            };
            format!("{} {verb} '{form}'", join_names(outlets))
        })
        .collect();
    if others.is_empty() {
        format!("{outlet} writes '{spelling}'; the person's name is '{name}'.")
    } else {
        format!("{outlet} writes '{spelling}'; {}.", others.join("; "))
    }
}
