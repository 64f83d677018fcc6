//! `weekday-mismatch`: a `date:` written as YYYY-MM-DD on a passage whose text
//! names another weekday ("on Friday" for a Saturday).
//!
//! Weekdays are English names, whole words, any case. Abbreviations are not
//! read: "Sat" and "Sun" are also ordinary words. A passage that names several
//! weekdays fires only when none of them is the date's.

use chrono::{Datelike, NaiveDate, Weekday};

use super::fmt_day;
use crate::analyze::{Finding, FlagPassage};
use crate::resolve::Dossier;

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (article_ix, article) in dossier.articles.iter().enumerate() {
        for a in &article.assertions {
            let Some(written) = a.date_written.as_deref() else {
                continue;
            };
            let Ok(date) = NaiveDate::parse_from_str(written.trim(), "%Y-%m-%d") else {
                continue;
            };
            let text = article.passage_text(a.passage);
            let named = weekdays_in(text);
            if named.is_empty() || named.contains(&date.weekday()) {
                continue;
            }
            let names: Vec<&str> = named.iter().map(|d| weekday_name(*d)).collect();
            let message = format!(
                "{} dates this to {}, but the passage says {}.",
                article.article.front.outlet.trim(),
                fmt_day(date),
                super::join_names(&names)
            );
            findings.push(
                Finding::new(
                    message,
                    vec![FlagPassage {
                        article: article_ix,
                        passage: a.passage,
                    }],
                )
                .claims([a.claim]),
            );
        }
    }
    findings
}

/// The weekdays `text` names, in order of first appearance.
fn weekdays_in(text: &str) -> Vec<Weekday> {
    let mut found = Vec::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if let Some(day) = WEEKDAYS
            .iter()
            .find(|d| word.eq_ignore_ascii_case(weekday_name(**d)))
        {
            if !found.contains(day) {
                found.push(*day);
            }
        }
    }
    found
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, BuiltDossier, TestDossier};

    fn dossier(body: &str, quote: &str, date: &str) -> BuiltDossier {
        TestDossier::new()
            .claims("- id: photo\n  kind: date\n")
            .article(
                "am",
                "Al Mayadeen",
                "2025-05-11",
                body,
                &format!("claims:\n  - claim: photo\n    quote: \"{quote}\"\n    date: {date}\n"),
            )
            .build()
    }

    #[test]
    fn another_weekday_fires() {
        // 9 May 2025 was a Friday.
        let d = dossier(
            "Taken on Saturday, May 9, 2025.",
            "Saturday, May 9, 2025",
            "2025-05-09",
        );
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            passages(&d, &findings[0]),
            expect(&[("am", "Saturday, May 9, 2025")])
        );
        assert_eq!(
            findings[0].message,
            "Al Mayadeen dates this to Friday 9 May 2025, but the passage says Saturday."
        );
        assert_eq!(findings[0].claims, vec![0]);
    }

    #[test]
    fn the_right_weekday_any_case_does_not_fire() {
        assert!(check(&dossier(
            "Taken on FRIDAY, May 9, 2025.",
            "FRIDAY, May 9, 2025",
            "2025-05-09"
        ))
        .is_empty());
        assert!(check(&dossier(
            "Taken on friday, May 9.",
            "friday, May 9",
            "2025-05-09"
        ))
        .is_empty());
    }

    #[test]
    fn no_weekday_or_a_weekday_date_does_not_fire() {
        assert!(check(&dossier(
            "Taken on May 9, 2025.",
            "May 9, 2025",
            "2025-05-09"
        ))
        .is_empty());
        // `date: Saturday` is resolved from the weekday, so it always agrees.
        assert!(check(&dossier("Taken on Saturday.", "on Saturday", "Saturday")).is_empty());
    }

    #[test]
    fn weekdays_are_whole_words_and_not_abbreviations() {
        assert!(check(&dossier(
            "Sundays and Sat are not days here.",
            "Sundays and Sat",
            "2025-05-09"
        ))
        .is_empty());
    }

    #[test]
    fn one_matching_weekday_among_several_does_not_fire() {
        assert!(check(&dossier(
            "From Friday to Sunday.",
            "From Friday to Sunday",
            "2025-05-09"
        ))
        .is_empty());
    }
}
