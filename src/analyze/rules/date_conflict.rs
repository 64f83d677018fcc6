//! `date-conflict`: two articles give different dates for one date claim.
//!
//! Dates are compared as resolved ("Sunday" in an article of Wednesday 21 May
//! is 18 May). Only asserted dates count. One flag per claim covers every
//! passage whose date differs from a date another article gives; that is
//! found by counting, without comparing every pair.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::{fmt_day, outlets_verb};
use crate::analyze::{Finding, FlagPassage};
use crate::model::Stance;
use crate::resolve::{ArticleIx, Dossier};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (claim, at_list) in dossier.index.assertions_of.iter().enumerate() {
        let dated: Vec<(FlagPassage, NaiveDate)> = at_list
            .iter()
            .filter_map(|at| {
                let a = &dossier.articles[at.article].assertions[at.entry];
                let date = a.date.filter(|_| a.stance == Stance::Asserts)?;
                Some((
                    FlagPassage {
                        article: at.article,
                        passage: a.passage,
                    },
                    date,
                ))
            })
            .collect();
        let conflicting = conflicting(&dated);
        if conflicting.is_empty() {
            continue;
        }
        let mut by_date: BTreeMap<NaiveDate, Vec<ArticleIx>> = BTreeMap::new();
        for (p, date) in &conflicting {
            by_date.entry(*date).or_default().push(p.article);
        }
        let parts: Vec<String> = by_date
            .iter()
            .map(|(date, articles)| {
                format!(
                    "{} {}",
                    outlets_verb(dossier, articles.iter().copied(), "gives", "give"),
                    fmt_day(*date)
                )
            })
            .collect();
        let message = format!("{}.", parts.join("; "));
        findings.push(
            Finding::new(message, conflicting.iter().map(|(p, _)| *p).collect()).claims([claim]),
        );
    }
    findings
}

/// The dated passages whose date differs from a date another article gives.
/// A passage (article A, date d) conflicts when some distinct (article,
/// date) pair has neither A nor d: all pairs, minus those of A, minus those
/// of d, plus the one pair counted twice.
fn conflicting(dated: &[(FlagPassage, NaiveDate)]) -> Vec<(FlagPassage, NaiveDate)> {
    let pairs: HashSet<(ArticleIx, NaiveDate)> =
        dated.iter().map(|(p, d)| (p.article, *d)).collect();
    if pairs.len() < 2 {
        return Vec::new();
    }
    let mut per_article: HashMap<ArticleIx, usize> = HashMap::new();
    let mut per_date: HashMap<NaiveDate, usize> = HashMap::new();
    for (article, date) in &pairs {
        *per_article.entry(*article).or_default() += 1;
        *per_date.entry(*date).or_default() += 1;
    }
    dated
        .iter()
        .filter(|(p, d)| pairs.len() + 1 > per_article[&p.article] + per_date[d])
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, TestDossier};

    const CLAIMS: &str = "
- id: talks-confirmed
  kind: date
- id: something
";

    fn on(quote: &str, date: &str, stance: &str) -> String {
        format!("claims:\n  - claim: talks-confirmed\n    quote: \"{quote}\"\n    date: {date}\n    stance: {stance}\n")
    }

    #[test]
    fn different_dates_conflict_once_per_claim() {
        // 2025-05-21 is a Wednesday; its "Sunday" is 18 May.
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "qnn",
                "Quds News Network",
                "2025-05-21",
                "confirmed on Sunday",
                &on("confirmed on Sunday", "Sunday", "asserts"),
            )
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "acknowledged on Sunday",
                &on("acknowledged on Sunday", "Sunday", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-12",
                "confirmed on 11 May",
                &on("confirmed on 11 May", "2025-05-11", "asserts"),
            )
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("alb", "acknowledged on Sunday"),
                ("am", "confirmed on 11 May"),
                ("qnn", "confirmed on Sunday")
            ])
        );
        assert_eq!(f.message, "Albawaba and Al Mayadeen give Sunday 11 May 2025; Quds News Network gives Sunday 18 May 2025.");
        assert_eq!(f.claims, vec![0]);
    }

    #[test]
    fn the_same_resolved_date_does_not_conflict() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "on Sunday",
                &on("on Sunday", "Sunday", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-13",
                "on 11 May",
                &on("on 11 May", "2025-05-11", "asserts"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn reported_and_denied_dates_do_not_count() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "on Sunday",
                &on("on Sunday", "Sunday", "asserts"),
            )
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-13",
                "on 12 May",
                &on("on 12 May", "2025-05-12", "reports"),
            )
            .article(
                "x",
                "X",
                "2025-05-13",
                "not on 13 May",
                &on("not on 13 May", "2025-05-13", "denies"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn one_article_with_two_dates_is_not_this_rule() {
        let sidecar = format!(
            "{}{}",
            on("on 11 May", "2025-05-11", "asserts"),
            on("on 12 May", "2025-05-12", "asserts").replace("claims:\n", "")
        );
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article("a", "A", "2025-05-13", "on 11 May or on 12 May", &sidecar)
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn only_passages_that_disagree_with_another_article_are_flagged() {
        // A says 11 and 12 May; B says 12 May. A's 11 May and B's 12 May
        // disagree, so both are flagged; A's 12 May agrees with every date
        // another article gives, so it is left out.
        let sidecar = format!(
            "{}{}",
            on("on 11 May", "2025-05-11", "asserts"),
            on("on 12 May", "2025-05-12", "asserts").replace("claims:\n", "")
        );
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article("a", "A", "2025-05-13", "on 11 May or on 12 May", &sidecar)
            .article(
                "b",
                "B",
                "2025-05-13",
                "on 12 May",
                &on("on 12 May", "2025-05-12", "asserts"),
            )
            .build();
        let findings = check(&d);
        assert_eq!(
            passages(&d, &findings[0]),
            expect(&[("a", "on 11 May"), ("b", "on 12 May")])
        );
    }
}
