//! `quantity-conflict`: two articles give values for one quantity claim whose
//! ranges, widened by the claim's `tolerance`, do not overlap.
//!
//! Only values an article asserts count: a `reports` value is attributed to
//! others and a `denies` value is denied. One flag per claim covers every
//! passage whose value conflicts with another article's. Per claim this is
//! linear: a value conflicts with some other article's value exactly when it
//! is too far from the other articles' lowest maximum or highest minimum.

use std::collections::BTreeMap;

use super::{fmt_number, fmt_value, outlets_verb, with_unit};
use crate::analyze::{Finding, FlagPassage};
use crate::model::{ClaimKind, Stance};
use crate::resolve::{ArticleIx, ClaimIx, Dossier};

/// One asserted value: where, and its range.
struct Value {
    at: FlagPassage,
    range: (f64, f64),
    text: String,
}

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (claim, entry) in dossier.claims.iter().enumerate() {
        if entry.claim.kind != ClaimKind::Quantity {
            continue;
        }
        let tolerance = entry.claim.tolerance.abs();
        let values: Vec<Value> = dossier.index.assertions_of[claim]
            .iter()
            .filter_map(|at| {
                let article = &dossier.articles[at.article];
                let a = &article.assertions[at.entry];
                let value = a.value.filter(|_| a.stance == Stance::Asserts)?;
                Some(Value {
                    at: FlagPassage {
                        article: at.article,
                        passage: a.passage,
                    },
                    range: value.bounds(),
                    text: fmt_value(dossier, claim, value),
                })
            })
            .collect();
        let conflicting = conflicting(&values, tolerance);
        if conflicting.is_empty() {
            continue;
        }
        let message = message(dossier, claim, &conflicting);
        findings.push(
            Finding::new(message, conflicting.iter().map(|v| v.at).collect()).claims([claim]),
        );
    }
    findings
}

/// The values that conflict with a value of another article.
fn conflicting(values: &[Value], tolerance: f64) -> Vec<&Value> {
    // Per article: its lowest maximum and highest minimum.
    let mut extremes: BTreeMap<ArticleIx, (f64, f64)> = BTreeMap::new();
    for v in values {
        let e = extremes
            .entry(v.at.article)
            .or_insert((f64::INFINITY, f64::NEG_INFINITY));
        e.0 = e.0.min(v.range.1);
        e.1 = e.1.max(v.range.0);
    }
    // The two articles with the lowest maxima, and the two with the highest
    // minima: the extreme of "every other article" is one of those two.
    let mut low_max: Vec<(f64, ArticleIx)> = extremes.iter().map(|(&a, e)| (e.0, a)).collect();
    low_max.sort_by(|x, y| x.0.total_cmp(&y.0));
    low_max.truncate(2);
    let mut high_min: Vec<(f64, ArticleIx)> = extremes.iter().map(|(&a, e)| (e.1, a)).collect();
    high_min.sort_by(|x, y| y.0.total_cmp(&x.0));
    high_min.truncate(2);
    let other = |list: &[(f64, ArticleIx)], article: ArticleIx| {
        list.iter().find(|(_, a)| *a != article).map(|(v, _)| *v)
    };
    values
        .iter()
        .filter(|v| {
            let above_another =
                other(&low_max, v.at.article).is_some_and(|m| v.range.0 - m > tolerance);
            let below_another =
                other(&high_min, v.at.article).is_some_and(|m| m - v.range.1 > tolerance);
            above_another || below_another
        })
        .collect()
}

/// "Quds News Network says 19 months; CNN says 25 months." Outlets giving the
/// same value are named together, values in increasing order.
fn message(dossier: &Dossier, claim: ClaimIx, values: &[&Value]) -> String {
    let mut by_value: Vec<(&Value, Vec<ArticleIx>)> = Vec::new();
    for v in values {
        match by_value.iter_mut().find(|(w, _)| w.text == v.text) {
            Some((_, articles)) => articles.push(v.at.article),
            None => by_value.push((v, vec![v.at.article])),
        }
    }
    by_value.sort_by(|(a, _), (b, _)| {
        a.range
            .0
            .total_cmp(&b.range.0)
            .then(a.range.1.total_cmp(&b.range.1))
    });
    let parts: Vec<String> = by_value
        .iter()
        .map(|(v, articles)| {
            format!(
                "{} {}",
                outlets_verb(dossier, articles.iter().copied(), "says", "say"),
                v.text
            )
        })
        .collect();
    let tolerance = dossier.claims[claim].claim.tolerance.abs();
    let slack = if tolerance > 0.0 {
        format!(
            " (more than the tolerance of {})",
            with_unit(dossier, claim, fmt_number(tolerance))
        )
    } else {
        String::new()
    };
    format!("{}{slack}.", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, BuiltDossier, TestDossier};

    const CLAIMS: &str = "
- id: war-duration
  kind: quantity
  unit: months
- id: messages
  kind: quantity
  unit: messages
  tolerance: 5
";

    fn dossier(articles: &[(&str, &str, &str, &str)]) -> BuiltDossier {
        let mut d = TestDossier::new().claims(CLAIMS);
        for (slug, outlet, body, sidecar) in articles {
            d = d.article(slug, outlet, "2025-05-21", body, sidecar);
        }
        d.build()
    }

    fn war(quote: &str, value: &str, stance: &str) -> String {
        format!("claims:\n  - claim: war-duration\n    quote: \"{quote}\"\n    value: {value}\n    stance: {stance}\n")
    }

    #[test]
    fn values_far_apart_conflict() {
        let d = dossier(&[
            (
                "qnn",
                "Quds News Network",
                "After 19 months of war.",
                &war("19 months", "19", "asserts"),
            ),
            (
                "cnn",
                "CNN",
                "After 25 months of war.",
                &war("25 months", "25", "asserts"),
            ),
            (
                "ok",
                "Axios",
                "In its 19th month.",
                &war("19th month", "{min: 18, max: 19}", "asserts"),
            ),
        ]);
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("cnn", "25 months"),
                ("ok", "19th month"),
                ("qnn", "19 months")
            ])
        );
        assert_eq!(f.claims, vec![0]);
        assert_eq!(
            f.message,
            "Axios says 18–19 months; Quds News Network says 19 months; CNN says 25 months."
        );
    }

    #[test]
    fn overlapping_ranges_do_not_conflict() {
        let d = dossier(&[
            (
                "qnn",
                "Quds News Network",
                "After 19 months of war.",
                &war("19 months", "19", "asserts"),
            ),
            (
                "alb",
                "Albawaba",
                "In its twentieth month.",
                &war("twentieth month", "{min: 19, max: 20}", "asserts"),
            ),
        ]);
        assert!(check(&d).is_empty());
    }

    #[test]
    fn tolerance_widens_the_ranges() {
        let msg = |v: &str| {
            format!("claims:\n  - claim: messages\n    quote: messages\n    value: {v}\n")
        };
        let close = dossier(&[
            ("a", "A", "20 messages", &msg("20")),
            ("b", "B", "25 messages", &msg("25")),
        ]);
        assert!(check(&close).is_empty());
        let far = dossier(&[
            ("a", "A", "20 messages", &msg("20")),
            ("b", "B", "26 messages", &msg("26")),
        ]);
        let findings = check(&far);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "A says 20 messages; B says 26 messages (more than the tolerance of 5 messages)."
        );
    }

    #[test]
    fn reported_and_denied_values_do_not_count() {
        let d = dossier(&[
            (
                "qnn",
                "Quds News Network",
                "After 19 months of war.",
                &war("19 months", "19", "asserts"),
            ),
            (
                "cnn",
                "CNN",
                "Some say 25 months.",
                &war("25 months", "25", "reports"),
            ),
            (
                "axios",
                "Axios",
                "Not 30 months.",
                &war("30 months", "30", "denies"),
            ),
        ]);
        assert!(check(&d).is_empty());
    }

    #[test]
    fn one_article_disagreeing_with_itself_is_not_this_rule() {
        let sidecar = format!(
            "{}{}",
            war("19 months", "19", "asserts"),
            war("25 months", "25", "asserts").replace("claims:\n", "")
        );
        let d = dossier(&[(
            "qnn",
            "Quds News Network",
            "After 19 months, or 25 months.",
            &sidecar,
        )]);
        assert!(check(&d).is_empty());
    }

    #[test]
    fn outlets_that_agree_are_named_together() {
        let d = dossier(&[
            ("a", "A", "19 months", &war("19 months", "19", "asserts")),
            ("b", "B", "19 months", &war("19 months", "19", "asserts")),
            ("c", "C", "25 months", &war("25 months", "25", "asserts")),
        ]);
        let findings = check(&d);
        assert_eq!(
            findings[0].message,
            "A and B say 19 months; C says 25 months."
        );
        assert_eq!(findings[0].passages.len(), 3);
    }
}
