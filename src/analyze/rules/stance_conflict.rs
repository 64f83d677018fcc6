//! `stance-conflict`: one article asserts a claim that another denies.
//!
//! One flag per claim, covering every asserting passage that some other
//! article denies and every denying passage that some other article asserts.
//! An article that both asserts and denies a claim, with no other article
//! involved, contradicts itself; that is for the editor's `flags:`.

use std::collections::BTreeSet;

use super::outlets_verb;
use crate::analyze::{Finding, FlagPassage};
use crate::model::Stance;
use crate::resolve::{ArticleIx, Dossier};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (claim, at_list) in dossier.index.assertions_of.iter().enumerate() {
        let mut asserting: Vec<FlagPassage> = Vec::new();
        let mut denying: Vec<FlagPassage> = Vec::new();
        for at in at_list {
            let a = &dossier.articles[at.article].assertions[at.entry];
            let p = FlagPassage {
                article: at.article,
                passage: a.passage,
            };
            match a.stance {
                Stance::Asserts => asserting.push(p),
                Stance::Denies => denying.push(p),
                Stance::Reports => {}
            }
        }
        if asserting.is_empty() || denying.is_empty() {
            continue;
        }
        let asserters: BTreeSet<ArticleIx> = asserting.iter().map(|p| p.article).collect();
        let deniers: BTreeSet<ArticleIx> = denying.iter().map(|p| p.article).collect();
        let opposed =
            |by: &BTreeSet<ArticleIx>, article: ArticleIx| by.iter().any(|&a| a != article);
        asserting.retain(|p| opposed(&deniers, p.article));
        denying.retain(|p| opposed(&asserters, p.article));
        if asserting.is_empty() || denying.is_empty() {
            continue;
        }
        // Articles in date order, as the index lists them.
        let mut for_it: Vec<ArticleIx> = asserting.iter().map(|p| p.article).collect();
        for_it.dedup();
        let mut against: Vec<ArticleIx> = denying.iter().map(|p| p.article).collect();
        against.dedup();
        let message = format!(
            "{} that {}; {} it.",
            outlets_verb(dossier, for_it, "asserts", "assert"),
            lower_first(&super::statement(dossier, claim)),
            outlets_verb(dossier, against, "denies", "deny"),
        );
        let mut passages = asserting;
        passages.extend(denying);
        findings.push(Finding::new(message, passages).claims([claim]));
    }
    findings
}

/// "In May 2025 Trump..." -> "in May 2025 Trump...", for a statement quoted
/// after "that". Words in capitals ("US") and proper names are left alone.
pub(super) fn lower_first(text: &str) -> String {
    let mut words = text.splitn(2, ' ');
    let first = words.next().unwrap_or_default();
    let rest = words.next();
    let ordinary =
        first.chars().skip(1).all(|c| !c.is_uppercase()) && COMMON_FIRST.contains(&first);
    let first = if ordinary {
        let mut c = first.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect::<String>())
            .unwrap_or_default()
    } else {
        first.to_owned()
    };
    match rest {
        Some(rest) => format!("{first} {rest}"),
        None => first,
    }
}

/// Sentence-initial words that are not names.
const COMMON_FIRST: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "By", "For", "From", "Before", "After", "During", "Since",
    "Until", "Over", "Under", "Some", "Most", "All", "No", "Only", "This", "That", "These",
    "Those", "There", "It", "Its", "How", "What", "When", "Where", "Who", "Why",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, TestDossier};

    const CLAIMS: &str = "
- id: frustrated
  statement: \"Trump was frustrated with Israel\"
- id: other
  statement: \"The sky is green\"
";

    fn stance(quote: &str, stance: &str) -> String {
        format!("claims:\n  - claim: frustrated\n    quote: \"{quote}\"\n    stance: {stance}\n")
    }

    #[test]
    fn asserted_and_denied_by_different_articles_fires_once() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "qnn",
                "Quds News Network",
                "2025-05-21",
                "The growing frustrations.",
                &stance("growing frustrations", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-11",
                "Amid increasing strain.",
                &stance("increasing strain", "asserts"),
            )
            .article(
                "ir",
                "ireport247news.com",
                "2025-05-21",
                "He denied any frustration.",
                &stance("denied any frustration", "denies"),
            )
            .article(
                "rep",
                "Reporter",
                "2025-05-21",
                "Officials express frustration.",
                &stance("express frustration", "reports"),
            )
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("am", "increasing strain"),
                ("ir", "denied any frustration"),
                ("qnn", "growing frustrations")
            ])
        );
        assert_eq!(
            f.message,
            "Al Mayadeen and Quds News Network assert that Trump was frustrated with Israel; ireport247news.com denies it."
        );
        assert_eq!(f.claims, vec![0]);
    }

    #[test]
    fn reports_do_not_conflict_with_denials() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "ir",
                "ireport247news.com",
                "2025-05-21",
                "He denied any frustration.",
                &stance("denied any frustration", "denies"),
            )
            .article(
                "rep",
                "Reporter",
                "2025-05-21",
                "Officials express frustration.",
                &stance("express frustration", "reports"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn agreement_does_not_fire() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "a",
                "A",
                "2025-05-21",
                "frustrated",
                &stance("frustrated", "asserts"),
            )
            .article(
                "b",
                "B",
                "2025-05-21",
                "frustrated",
                &stance("frustrated", "asserts"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn one_article_that_asserts_and_denies_is_not_this_rule() {
        let sidecar = format!(
            "{}{}",
            stance("frustrated", "asserts"),
            stance("not at all", "denies").replace("claims:\n", "")
        );
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "a",
                "A",
                "2025-05-21",
                "frustrated, or not at all",
                &sidecar,
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn statements_are_lowered_only_when_they_start_with_a_common_word() {
        assert_eq!(
            lower_first("The mediators are Qatar and Egypt"),
            "the mediators are Qatar and Egypt"
        );
        assert_eq!(lower_first("Trump was frustrated"), "Trump was frustrated");
        assert_eq!(lower_first("US officials"), "US officials");
    }
}
