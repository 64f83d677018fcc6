//! `anachronism`: a mention whose role (`as:`) was not held on the article's
//! date.
//!
//! A person may hold the same title more than once (two terms as president),
//! so the role is every period of theirs with that title. Text that calls them
//! "former" (or "ex-") refers to a role that has ended: that is right when a
//! period with that title ended by the article's date and none is held then.

use super::{fmt_date, join_names};
use crate::analyze::{Finding, FlagPassage};
use crate::model::Role;
use crate::resolve::{Dossier, ResolvedArticle, ResolvedMention};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (article_ix, article) in dossier.articles.iter().enumerate() {
        let date = article.article.front.published;
        for m in &article.mentions {
            let Some(role) = m.role else { continue };
            let person = &dossier.people[m.person].person;
            let title = person.roles[role].title.trim();
            let periods: Vec<&Role> = person
                .roles
                .iter()
                .filter(|r| r.title.trim().eq_ignore_ascii_case(title))
                .collect();
            let held = periods.iter().any(|r| r.held_on(date));
            let former = says_former(article, m);
            let wrong = if former {
                // Held on the date (and not just ending that day), or never ended.
                let ended = periods.iter().any(|r| r.to.is_some_and(|to| to <= date));
                let still = periods
                    .iter()
                    .any(|r| r.held_on(date) && r.to.is_none_or(|to| to > date));
                !ended || still
            } else {
                !held
            };
            if !wrong {
                continue;
            }
            let message = message(dossier, article, m, title, &periods, former);
            findings.push(
                Finding::new(
                    message,
                    vec![FlagPassage {
                        article: article_ix,
                        passage: m.passage,
                    }],
                )
                .people([m.person]),
            );
        }
    }
    findings
}

/// Whether the text calls the person a former holder of the role: "former" or
/// "ex-" in the passage, or among the two words just before it ("the former
/// [US president]").
fn says_former(article: &ResolvedArticle, m: &ResolvedMention) -> bool {
    let passage = article.passage(m.passage);
    let block = &article.body.blocks()[passage.span.block].text;
    let before: Vec<&str> = block[..passage.span.start]
        .split_whitespace()
        .rev()
        .take(2)
        .collect();
    article
        .body
        .text(passage.span)
        .split_whitespace()
        .chain(before)
        .any(|word| {
            let word = word
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            word.trim_end_matches(|c: char| !c.is_alphanumeric()) == "former"
                || word.starts_with("ex-")
        })
}

/// "Albawaba (11 May 2025) refers to Joe Biden as President of the United
/// States, a role held from 20 January 2021 to 20 January 2025."
fn message(
    dossier: &Dossier,
    article: &ResolvedArticle,
    m: &ResolvedMention,
    title: &str,
    periods: &[&Role],
    former: bool,
) -> String {
    let front = &article.article.front;
    let estimated = if front.published_estimated {
        ", date estimated"
    } else {
        ""
    };
    let source = format!(
        "{} ({}{estimated})",
        front.outlet.trim(),
        fmt_date(front.published)
    );
    let name = dossier.people[m.person].person.name.trim();
    if former {
        format!(
            "{source} calls {name} a former {title}, but {name} {}.",
            held_text(periods, " it")
        )
    } else {
        format!(
            "{source} refers to {name} as {title}, a role {name} {}.",
            held_text(periods, "")
        )
    }
}

/// "held from 20 January 2021 to 20 January 2025", "has held since 20
/// January 2025", "held from ... to ... and has held since ..."; `it` is
/// put after each verb (" it" or "").
fn held_text(periods: &[&Role], it: &str) -> String {
    let mut sorted: Vec<&Role> = periods.to_vec();
    sorted.sort_by_key(|r| r.from);
    let parts: Vec<String> = sorted
        .iter()
        .map(|r| match (r.from, r.to) {
            (Some(from), Some(to)) => {
                format!("held{it} from {} to {}", fmt_date(from), fmt_date(to))
            }
            (Some(from), None) => format!("has held{it} since {}", fmt_date(from)),
            (None, Some(to)) => format!("held{it} until {}", fmt_date(to)),
            (None, None) => format!("has held{it} with no dates given"),
        })
        .collect();
    join_names(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, BuiltDossier, TestDossier};

    const PEOPLE: &str = "
- id: joe-biden
  name: Joe Biden
  roles:
    - title: President of the United States
      from: 2021-01-20
      to: 2025-01-20
- id: donald-trump
  name: Donald Trump
  roles:
    - title: President of the United States
      from: 2017-01-20
      to: 2021-01-20
    - title: President of the United States
      from: 2025-01-20
- id: jd-vance
  name: JD Vance
  roles:
    - title: Vice President of the United States
      from: 2025-01-20
";

    fn dossier(date: &str, body: &str, sidecar: &str) -> BuiltDossier {
        TestDossier::new()
            .people(PEOPLE)
            .article("a", "Albawaba", date, body, sidecar)
            .build()
    }

    #[test]
    fn a_role_after_it_ended_fires() {
        let d = dossier(
            "2025-05-11",
            "The Biden administration sees a truce as a priority.",
            "mentions:\n  - quote: The Biden administration\n    person: joe-biden\n    as: President of the United States\n",
        );
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            passages(&d, &findings[0]),
            expect(&[("a", "The Biden administration")])
        );
        assert_eq!(
            findings[0].message,
            "Albawaba (11 May 2025) refers to Joe Biden as President of the United States, a role Joe Biden held from 20 January 2021 to 20 January 2025."
        );
        assert_eq!(findings[0].people, vec![0]);
    }

    #[test]
    fn a_role_before_it_began_fires() {
        let d = dossier(
            "2024-05-11",
            "The vice president spoke.",
            "mentions:\n  - quote: The vice president\n    person: jd-vance\n    as: vice president of the united states\n",
        );
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0]
                .message
                .contains("has held since 20 January 2025"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn a_role_held_in_any_of_its_periods_does_not_fire() {
        let d = dossier(
            "2025-05-11",
            "The president spoke. The end day counts too.",
            "mentions:\n  - quote: The president\n    person: donald-trump\n    as: President of the United States\n",
        );
        assert!(check(&d).is_empty());
        let d = dossier(
            "2025-01-20",
            "The Biden administration left.",
            "mentions:\n  - quote: The Biden administration\n    person: joe-biden\n    as: President of the United States\n",
        );
        assert!(check(&d).is_empty(), "both ends of a role are inclusive");
    }

    #[test]
    fn former_is_fine_once_the_role_has_ended() {
        let d = dossier(
            "2025-05-11",
            "Former US president Joe Biden spoke. So did the former president.",
            "mentions:\n  - quote: Former US president\n    person: joe-biden\n    as: President of the United States\n  - quote: president\n    prefix: the former\n    person: joe-biden\n    as: President of the United States\n",
        );
        assert!(check(&d).is_empty());
    }

    #[test]
    fn former_fires_while_the_role_is_held() {
        let d = dossier(
            "2025-05-11",
            "Former president Donald Trump spoke. The ex-vice president also did.",
            "mentions:\n  - quote: Former president\n    person: donald-trump\n    as: President of the United States\n  - quote: vice president\n    person: jd-vance\n    as: Vice President of the United States\n",
        );
        let findings = check(&d);
        assert_eq!(findings.len(), 2);
        assert_eq!(
            findings[0].message,
            "Albawaba (11 May 2025) calls Donald Trump a former President of the United States, but Donald Trump held it from 20 January 2017 to 20 January 2021 and has held it since 20 January 2025."
        );
        assert!(
            findings[1].message.contains("a former Vice President"),
            "{}",
            findings[1].message
        );
    }

    #[test]
    fn former_fires_before_the_role_ended() {
        let d = dossier(
            "2024-05-11",
            "Former president Joe Biden spoke.",
            "mentions:\n  - quote: Former president\n    person: joe-biden\n    as: President of the United States\n",
        );
        assert_eq!(check(&d).len(), 1);
    }

    #[test]
    fn mentions_without_a_role_do_not_fire() {
        let d = dossier(
            "2030-05-11",
            "Joe Biden spoke; the envoy listened.",
            "mentions:\n  - quote: the envoy\n    person: jd-vance\n",
        );
        assert!(check(&d).is_empty());
    }
}
