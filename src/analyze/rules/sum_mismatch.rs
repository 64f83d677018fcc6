//! `sum-mismatch`: within one article, the values it asserts for a `sum`
//! claim's parts do not add up to the value it asserts for the total.
//!
//! Range arithmetic: the parts add up to (sum of minimums)..(sum of maximums),
//! which must overlap the total's range widened by the total claim's
//! `tolerance`. An article is checked only when it gives a value for the total
//! and for every part; the articles are found through the total's index.

use super::{fmt_range, gap, with_unit};
use crate::analyze::{Finding, FlagPassage};
use crate::model::{ClaimKind, QuantityValue, Stance};
use crate::resolve::{ClaimIx, Dossier, ResolvedArticle};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (sum, entry) in dossier.claims.iter().enumerate() {
        let (ClaimKind::Sum, Some(total)) = (entry.claim.kind, entry.total) else {
            continue;
        };
        if entry.parts.is_empty() {
            continue;
        }
        let tolerance = dossier.claims[total].claim.tolerance.abs();
        let mut articles: Vec<usize> = dossier.index.assertions_of[total]
            .iter()
            .map(|at| at.article)
            .collect();
        articles.dedup();
        for article_ix in articles {
            let article = &dossier.articles[article_ix];
            let Some((total_value, total_at)) = asserted(article, total) else {
                continue;
            };
            let parts: Option<Vec<(QuantityValue, FlagPassage)>> = entry
                .parts
                .iter()
                .map(|&part| {
                    asserted(article, part).map(|(v, p)| {
                        (
                            v,
                            FlagPassage {
                                article: article_ix,
                                passage: p,
                            },
                        )
                    })
                })
                .collect();
            let Some(parts) = parts else { continue };
            let added = parts.iter().fold((0.0, 0.0), |(lo, hi), (v, _)| {
                let (min, max) = v.bounds();
                (lo + min, hi + max)
            });
            if gap(added, total_value.bounds()) <= tolerance {
                continue;
            }
            let figures: Vec<String> = parts.iter().map(|(v, _)| fmt_range(v.bounds())).collect();
            let outlet = article.article.front.outlet.trim();
            let slack = if tolerance > 0.0 {
                format!(
                    ", more than the tolerance of {} allows",
                    super::fmt_number(tolerance)
                )
            } else {
                String::new()
            };
            let message = format!(
                "{outlet}'s figures do not add up: {} = {}, but the article gives a total of {}{slack}.",
                figures.join(" + "),
                fmt_range(added),
                with_unit(dossier, total, fmt_range(total_value.bounds())),
            );
            let mut passages = vec![FlagPassage {
                article: article_ix,
                passage: total_at,
            }];
            passages.extend(parts.iter().map(|(_, p)| *p));
            let claims = std::iter::once(sum)
                .chain(std::iter::once(total))
                .chain(entry.parts.iter().copied());
            findings.push(Finding::new(message, passages).claims(claims));
        }
    }
    findings
}

/// The first value `article` asserts for `claim`, and its passage.
fn asserted(article: &ResolvedArticle, claim: ClaimIx) -> Option<(QuantityValue, usize)> {
    article
        .assertions
        .iter()
        .filter(|a| a.claim == claim && a.stance == Stance::Asserts)
        .find_map(|a| a.value.map(|v| (v, a.passage)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, BuiltDossier, TestDossier};

    const CLAIMS: &str = "
- id: held
  kind: quantity
  unit: hostages
- id: dead
  kind: quantity
- id: unknown
  kind: quantity
- id: adds-up
  kind: sum
  total: held
  parts: [dead, unknown]
";

    const BODY: &str =
        "There are still 59 hostages, of whom 35 have died, and the fate of 22 remains unknown.";

    fn sidecar(total: &str, dead: &str, unknown: &str) -> String {
        let mut s = String::from("claims:\n");
        for (claim, quote, value) in [
            ("held", "59 hostages", total),
            ("dead", "35 have died", dead),
            ("unknown", "22 remains", unknown),
        ] {
            if !value.is_empty() {
                s.push_str(&format!(
                    "  - claim: {claim}\n    quote: {quote}\n    value: {value}\n"
                ));
            }
        }
        s
    }

    fn dossier(claims: &str, sidecar: &str) -> BuiltDossier {
        TestDossier::new()
            .claims(claims)
            .article("ua", "112.ua", "2025-03-05", BODY, sidecar)
            .build()
    }

    #[test]
    fn parts_that_do_not_add_up_fire() {
        let d = dossier(CLAIMS, &sidecar("59", "35", "22"));
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.message, "112.ua's figures do not add up: 35 + 22 = 57, but the article gives a total of 59 hostages.");
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("ua", "22 remains"),
                ("ua", "35 have died"),
                ("ua", "59 hostages")
            ])
        );
        assert_eq!(
            f.claims,
            vec![3, 0, 1, 2],
            "sum, total, parts (sorted later by the analyzer)"
        );
    }

    #[test]
    fn parts_that_add_up_do_not_fire() {
        assert!(check(&dossier(CLAIMS, &sidecar("57", "35", "22"))).is_empty());
    }

    #[test]
    fn ranges_that_overlap_do_not_fire() {
        let d = dossier(CLAIMS, &sidecar("59", "{min: 35, max: 37}", "22"));
        assert!(check(&d).is_empty());
        let d = dossier(CLAIMS, &sidecar("59", "{min: 30, max: 34}", "22"));
        let findings = check(&d);
        assert_eq!(findings[0].message, "112.ua's figures do not add up: 30–34 + 22 = 52–56, but the article gives a total of 59 hostages.");
    }

    #[test]
    fn the_total_claims_tolerance_counts() {
        let claims = CLAIMS.replace("  unit: hostages\n", "  unit: hostages\n  tolerance: 2\n");
        assert!(check(&dossier(&claims, &sidecar("59", "35", "22"))).is_empty());
    }

    #[test]
    fn a_missing_part_or_total_does_not_fire() {
        assert!(check(&dossier(CLAIMS, &sidecar("59", "35", ""))).is_empty());
        assert!(check(&dossier(CLAIMS, &sidecar("", "35", "22"))).is_empty());
    }

    #[test]
    fn only_asserted_values_count() {
        let s =
            sidecar("59", "35", "22").replace("value: 22\n", "value: 22\n    stance: reports\n");
        assert!(check(&dossier(CLAIMS, &s)).is_empty());
    }

    #[test]
    fn values_from_different_articles_are_not_added() {
        let d = TestDossier::new()
            .claims(CLAIMS)
            .article("a", "A", "2025-03-05", BODY, &sidecar("59", "35", ""))
            .article("b", "B", "2025-03-05", BODY, &sidecar("", "", "22"))
            .build();
        assert!(check(&d).is_empty());
    }
}
