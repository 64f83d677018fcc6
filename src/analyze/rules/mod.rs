//! The inconsistency rules, one module each. A rule reads the resolved dossier
//! (and its indexes) and returns findings; it knows nothing of severities,
//! ids or rendering.
//!
//! Every rule groups its candidates first (by person, by claim, by speaker, by
//! the normalised words of a quote) through the indexes the resolve stage
//! built, so its cost follows the number of annotations involved, never the
//! number of pairs of articles.
//!
//! The helpers below write the parts of a flag's one-sentence message that
//! several rules share: lists of outlets, dates and figures.

mod anachronism;
mod contradiction;
mod date_conflict;
mod declared;
mod name_variant;
mod quantity_conflict;
mod quote_attribution;
mod quote_wording;
pub(crate) mod quotes;
mod stance_conflict;
mod sum_mismatch;
mod weekday_mismatch;

#[cfg(test)]
pub(crate) mod testing;

use chrono::NaiveDate;

use super::Finding;
use crate::model::QuantityValue;
use crate::resolve::{ArticleIx, ClaimIx, Dossier};

/// A rule: its id (as in the contract and in `checks:`) and its check.
pub struct Rule {
    pub id: &'static str,
    pub check: fn(&Dossier) -> Vec<Finding>,
}

/// Every rule, in the order the inconsistencies page lists them (the order of
/// the contract's table).
pub const ALL: &[Rule] = &[
    Rule {
        id: "name-variant",
        check: name_variant::check,
    },
    Rule {
        id: "anachronism",
        check: anachronism::check,
    },
    Rule {
        id: "quantity-conflict",
        check: quantity_conflict::check,
    },
    Rule {
        id: "sum-mismatch",
        check: sum_mismatch::check,
    },
    Rule {
        id: "date-conflict",
        check: date_conflict::check,
    },
    Rule {
        id: "weekday-mismatch",
        check: weekday_mismatch::check,
    },
    Rule {
        id: "stance-conflict",
        check: stance_conflict::check,
    },
    Rule {
        id: "contradiction",
        check: contradiction::check,
    },
    Rule {
        id: "quote-wording",
        check: quote_wording::check,
    },
    Rule {
        id: "quote-attribution",
        check: quote_attribution::check,
    },
    Rule {
        id: "declared",
        check: declared::check,
    },
];

/// "Albawaba", "Albawaba and CNN", "Albawaba, CNN and Axios".
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// How many outlets a message names before it says "and N others", so a
/// sentence stays a sentence when hundreds of articles agree.
const OUTLETS_NAMED: usize = 5;

/// "Albawaba, CNN and 3 others say": the outlets of `articles`, each once, in
/// the order given (the indexes list articles by date), and the verb agreeing
/// with their number (`one` for a single outlet, `many` otherwise).
pub fn outlets_verb(
    dossier: &Dossier,
    articles: impl IntoIterator<Item = ArticleIx>,
    one: &str,
    many: &str,
) -> String {
    let names = distinct_outlets(dossier, articles);
    format!("{} {}", join_outlets(&names), verb(names.len(), one, many))
}

fn distinct_outlets(dossier: &Dossier, articles: impl IntoIterator<Item = ArticleIx>) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    articles
        .into_iter()
        .map(|a| dossier.articles[a].article.front.outlet.trim())
        .filter(|name| seen.insert(*name))
        .collect()
}

/// Joins outlet names as prose, naming at most `OUTLETS_NAMED`.
pub fn join_outlets<S: AsRef<str>>(names: &[S]) -> String {
    join_first(names.iter().map(AsRef::as_ref), names.len())
}

/// Joins the first of `total` names as prose ("A, B, C, D and 7 others"),
/// reading only as many of `names` as it shows.
pub fn join_first<'a>(names: impl Iterator<Item = &'a str>, total: usize) -> String {
    if total <= OUTLETS_NAMED {
        return join_names(&names.take(total).collect::<Vec<_>>());
    }
    let mut shown: Vec<String> = names.take(OUTLETS_NAMED - 1).map(str::to_owned).collect();
    shown.push(format!("{} others", total - shown.len()));
    join_names(&shown)
}

/// "says" for one outlet, "say" for several.
pub fn verb<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// "11 May 2025".
pub fn fmt_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "Sunday 11 May 2025".
pub fn fmt_day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A figure as a reader writes it: "19", "2.5", "1,900,000".
pub fn fmt_number(n: f64) -> String {
    if n.fract() != 0.0 || n.abs() >= 1e15 {
        return format!("{n}");
    }
    let digits = format!("{}", n.abs() as u64);
    if digits.len() <= 4 {
        return format!("{}{digits}", if n < 0.0 { "-" } else { "" });
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}", if n < 0.0 { "-" } else { "" })
}

/// A range of figures: "19" or "19–20".
pub fn fmt_range((min, max): (f64, f64)) -> String {
    if min == max {
        fmt_number(min)
    } else {
        format!("{}–{}", fmt_number(min), fmt_number(max))
    }
}

/// A claim's value with its unit: "19 months", "10–11 weeks".
pub fn fmt_value(dossier: &Dossier, claim: ClaimIx, value: QuantityValue) -> String {
    with_unit(dossier, claim, fmt_range(value.bounds()))
}

/// `figure` followed by the claim's unit, if it has one.
pub fn with_unit(dossier: &Dossier, claim: ClaimIx, figure: String) -> String {
    match dossier.claims[claim].claim.unit.as_deref().map(str::trim) {
        Some(unit) if !unit.is_empty() => format!("{figure} {unit}"),
        _ => figure,
    }
}

/// The gap between two ranges of figures: 0 when they overlap.
pub fn gap((a_min, a_max): (f64, f64), (b_min, b_max): (f64, f64)) -> f64 {
    (b_min - a_max).max(a_min - b_max).max(0.0)
}

/// A claim's statement as plain text (Markdown markup dropped), or its id
/// when it has none.
pub fn statement(dossier: &Dossier, claim: ClaimIx) -> String {
    use pulldown_cmark::{Event, Parser};
    let claim = &dossier.claims[claim].claim;
    let mut out = String::new();
    for event in Parser::new(&claim.statement) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        claim.id.to_string()
    } else {
        text.trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_prose() {
        assert_eq!(join_names::<&str>(&[]), "");
        assert_eq!(join_names(&["A"]), "A");
        assert_eq!(join_names(&["A", "B"]), "A and B");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn long_lists_of_outlets_are_cut() {
        let names = ["A", "B", "C", "D", "E", "F", "G"];
        assert_eq!(join_outlets(&names), "A, B, C, D and 3 others");
        assert_eq!(join_outlets(&names[..5]), "A, B, C, D and E");
    }

    #[test]
    fn figures_read_like_prose() {
        assert_eq!(fmt_number(19.0), "19");
        assert_eq!(fmt_number(2.5), "2.5");
        assert_eq!(fmt_number(1900000.0), "1,900,000");
        assert_eq!(fmt_number(-12000.0), "-12,000");
        assert_eq!(fmt_range((19.0, 20.0)), "19–20");
        assert_eq!(
            fmt_date(NaiveDate::from_ymd_opt(2025, 5, 1).unwrap()),
            "1 May 2025"
        );
        assert_eq!(
            fmt_day(NaiveDate::from_ymd_opt(2025, 5, 11).unwrap()),
            "Sunday 11 May 2025"
        );
    }

    #[test]
    fn gaps_between_ranges() {
        assert_eq!(gap((19.0, 19.0), (19.0, 20.0)), 0.0);
        assert_eq!(gap((19.0, 19.0), (25.0, 25.0)), 6.0);
        assert_eq!(gap((25.0, 30.0), (19.0, 20.0)), 5.0);
    }
}
