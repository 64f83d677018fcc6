//! `contradiction`: two claims declared to contradict each other (`contradicts:`
//! on either of them) are both asserted somewhere.
//!
//! One flag per pair of claims, however the declaration is written (on one
//! claim, on the other, or on both), covering every asserting passage of
//! either claim.

use std::collections::BTreeSet;

use super::stance_conflict::lower_first;
use super::{outlets_verb, statement};
use crate::analyze::{Finding, FlagPassage};
use crate::model::Stance;
use crate::resolve::{ClaimIx, Dossier};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let pairs: BTreeSet<(ClaimIx, ClaimIx)> = dossier
        .claims
        .iter()
        .enumerate()
        .flat_map(|(a, entry)| {
            entry
                .contradicts
                .iter()
                .filter(move |&&b| b != a)
                .map(move |&b| (a.min(b), a.max(b)))
        })
        .collect();
    let mut findings = Vec::new();
    for (a, b) in pairs {
        let (pa, pb) = (asserting(dossier, a), asserting(dossier, b));
        if pa.is_empty() || pb.is_empty() {
            continue;
        }
        let says = |claim: ClaimIx, passages: &[FlagPassage]| {
            let mut articles: Vec<usize> = passages.iter().map(|p| p.article).collect();
            articles.dedup();
            format!(
                "{} that {}",
                outlets_verb(dossier, articles, "asserts", "assert"),
                lower_first(&statement(dossier, claim))
            )
        };
        let message = format!(
            "{}; {}; the two claims cannot both be true.",
            says(a, &pa),
            says(b, &pb)
        );
        let mut passages = pa;
        passages.extend(pb);
        findings.push(Finding::new(message, passages).claims([a, b]));
    }
    findings
}

/// The passages that assert `claim`, in date order.
fn asserting(dossier: &Dossier, claim: ClaimIx) -> Vec<FlagPassage> {
    dossier.index.assertions_of[claim]
        .iter()
        .filter_map(|at| {
            let a = &dossier.articles[at.article].assertions[at.entry];
            (a.stance == Stance::Asserts).then_some(FlagPassage {
                article: at.article,
                passage: a.passage,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, TestDossier};

    const CLAIMS: &str = "
- id: israel-mediates
  statement: \"Israel acts as a middleman\"
  contradicts: [qatar-egypt-mediate]
- id: qatar-egypt-mediate
  statement: \"The mediators are Qatar and Egypt\"
  contradicts: [israel-mediates]
- id: unrelated
";

    fn says(claim: &str, quote: &str, stance: &str) -> String {
        format!("claims:\n  - claim: {claim}\n    quote: \"{quote}\"\n    stance: {stance}\n")
    }

    #[test]
    fn both_asserted_fires_once_per_pair() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "Israel, who act as middlemen.",
                &says("israel-mediates", "who act as middlemen", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-11",
                "The mediators, namely Qatar and Egypt.",
                &says("qatar-egypt-mediate", "namely Qatar and Egypt", "asserts"),
            )
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1, "declared on both claims, flagged once");
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("alb", "who act as middlemen"),
                ("am", "namely Qatar and Egypt")
            ])
        );
        assert_eq!(
            f.message,
            "Albawaba asserts that Israel acts as a middleman; Al Mayadeen asserts that the mediators are Qatar and Egypt; the two claims cannot both be true."
        );
        assert_eq!(f.claims, vec![0, 1]);
    }

    #[test]
    fn declared_on_one_side_only_still_fires() {
        let claims = CLAIMS.replace("  contradicts: [israel-mediates]\n", "");
        let d = TestDossier::new()
            .claims(&claims)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "who act as middlemen",
                &says("israel-mediates", "who act as middlemen", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-11",
                "namely Qatar and Egypt",
                &says("qatar-egypt-mediate", "namely Qatar and Egypt", "asserts"),
            )
            .build();
        assert_eq!(check(&d).len(), 1);
    }

    #[test]
    fn one_side_not_asserted_does_not_fire() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "who act as middlemen",
                &says("israel-mediates", "who act as middlemen", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-11",
                "namely Qatar and Egypt",
                &says("qatar-egypt-mediate", "namely Qatar and Egypt", "reports"),
            )
            .article(
                "x",
                "X",
                "2025-05-11",
                "not Qatar and Egypt",
                &says("qatar-egypt-mediate", "not Qatar and Egypt", "denies"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn one_article_asserting_both_fires() {
        let sidecar = format!(
            "{}{}",
            says("israel-mediates", "who act as middlemen", "asserts"),
            says("qatar-egypt-mediate", "namely Qatar and Egypt", "asserts")
                .replace("claims:\n", "")
        );
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "who act as middlemen; namely Qatar and Egypt",
                &sidecar,
            )
            .build();
        assert_eq!(check(&d).len(), 1);
    }
}
