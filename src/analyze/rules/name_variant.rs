//! `name-variant`: a person named in an article by one of their `variants`.
//!
//! One flag per article and person, covering every passage where that article
//! uses any variant spelling of them; the message says how the other outlets
//! spell the name (the correct form most outlets use).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{join_first, join_names, verb};
use crate::analyze::{Finding, FlagPassage};
use crate::resolve::{ArticleIx, Dossier, NameForm, PersonIx};

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut usual: HashMap<PersonIx, Option<Usual>> = HashMap::new();
    let mut findings = Vec::new();
    for (article_ix, article) in dossier.articles.iter().enumerate() {
        // person -> (spellings in order of first use, passages)
        let mut uses: BTreeMap<PersonIx, (Vec<&str>, Vec<FlagPassage>)> = BTreeMap::new();
        for m in &article.mentions {
            if m.form == Some(NameForm::Variant) {
                let text = article.passage_text(m.passage);
                let (spellings, passages) = uses.entry(m.person).or_default();
                if !spellings.contains(&text) {
                    spellings.push(text);
                }
                passages.push(FlagPassage {
                    article: article_ix,
                    passage: m.passage,
                });
            }
        }
        for (person, (spellings, passages)) in uses {
            let usual = usual
                .entry(person)
                .or_insert_with(|| usual_form(dossier, person));
            let message = message(dossier, article_ix, person, &spellings, usual.as_ref());
            findings.push(Finding::new(message, passages).people([person]));
        }
    }
    findings
}

/// The correct form (name or alias) of a person that the most outlets use.
struct Usual<'a> {
    form: &'a str,
    /// The outlets that use it, in date order of first use, each with how
    /// many of its articles do.
    outlets: Vec<(&'a str, usize)>,
    /// The articles that use it.
    articles: HashSet<ArticleIx>,
}

/// Computed once per person, however many articles misspell them.
fn usual_form(dossier: &Dossier, person: PersonIx) -> Option<Usual<'_>> {
    #[derive(Default)]
    struct Use<'a> {
        outlets: Vec<(&'a str, usize)>,
        position: HashMap<&'a str, usize>,
        articles: HashSet<ArticleIx>,
    }
    let mut by_form: BTreeMap<&str, Use<'_>> = BTreeMap::new();
    for at in &dossier.index.mentions_of[person] {
        let (Some(NameForm::Name | NameForm::Alias), Some(spelling)) = (at.form, at.spelling)
        else {
            continue;
        };
        let used = by_form
            .entry(dossier.spellings[spelling as usize].as_str())
            .or_default();
        if !used.articles.insert(at.article) {
            continue;
        }
        let outlet = dossier.articles[at.article].article.front.outlet.trim();
        match used.position.get(outlet) {
            Some(&k) => used.outlets[k].1 += 1,
            None => {
                used.position.insert(outlet, used.outlets.len());
                used.outlets.push((outlet, 1));
            }
        }
    }
    let name = dossier.people[person].person.name.trim();
    by_form
        .into_iter()
        .max_by_key(|(form, used)| (used.outlets.len(), *form == name, std::cmp::Reverse(*form)))
        .map(|(form, used)| Usual {
            form,
            outlets: used.outlets,
            articles: used.articles,
        })
}

/// "Albawaba writes 'Steven Weitekamp' and 'Weitekamp'; Quds News Network,
/// 112.ua and ireport247news.com write 'Steve Witkoff'." Falls back to the
/// name in people.yaml when no other article names the person correctly.
/// Reads only the outlets it names, so a person misspelt in thousands of
/// articles costs no more per article than one misspelt once.
fn message(
    dossier: &Dossier,
    article_ix: ArticleIx,
    person: PersonIx,
    spellings: &[&str],
    usual: Option<&Usual<'_>>,
) -> String {
    let outlet = dossier.articles[article_ix].article.front.outlet.trim();
    let quoted: Vec<String> = spellings.iter().map(|s| format!("'{s}'")).collect();
    let written = format!("{outlet} writes {}", join_names(&quoted));
    let others = usual.and_then(|u| {
        // This article's outlet counts only for its other articles.
        let excluded = u
            .articles
            .contains(&article_ix)
            .then_some(outlet)
            .filter(|o| u.outlets.iter().any(|(p, n)| p == o && *n == 1));
        let total = u.outlets.len() - usize::from(excluded.is_some());
        (total > 0).then(|| {
            let names = u
                .outlets
                .iter()
                .map(|(o, _)| *o)
                .filter(|o| Some(*o) != excluded);
            format!(
                "{} {} '{}'",
                join_first(names, total),
                verb(total, "writes", "write"),
                u.form
            )
        })
    });
    match others {
        Some(others) => format!("{written}; {others}."),
        None => format!(
            "{written}; the person's name is '{}'.",
            dossier.people[person].person.name.trim()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, TestDossier};

    const PEOPLE: &str = "
- id: steve-witkoff
  name: Steve Witkoff
  aliases: [Witkoff]
  variants: [Steven Weitekamp, Weitekamp]
- id: adam-boehler
  name: Adam Boehler
  variants: [Adam Bowler]
";

    #[test]
    fn one_flag_per_article_and_person_with_every_spelling() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "alb",
                "Albawaba",
                "2025-05-11",
                "Envoy Steven Weitekamp spoke.\n\nWeitekamp said so. Weitekamp left.",
                "",
            )
            .article(
                "qnn",
                "Quds News Network",
                "2025-05-21",
                "Steve Witkoff met Witkoff's team.",
                "",
            )
            .article("cnn", "CNN", "2025-05-21", "Steve Witkoff agreed.", "")
            .article("alias", "Axios", "2025-05-20", "Witkoff said.", "")
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                ("alb", "Steven Weitekamp"),
                ("alb", "Weitekamp"),
                ("alb", "Weitekamp")
            ])
        );
        assert_eq!(f.people, vec![0]);
        assert_eq!(f.message, "Albawaba writes 'Steven Weitekamp' and 'Weitekamp'; CNN and Quds News Network write 'Steve Witkoff'.");
    }

    #[test]
    fn falls_back_to_the_name_when_nobody_spells_it_right() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article("ua", "112.ua", "2025-03-05", "Adam Bowler met Hamas.", "")
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "112.ua writes 'Adam Bowler'; the person's name is 'Adam Boehler'."
        );
    }

    #[test]
    fn correct_names_do_not_fire() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "a",
                "A",
                "2025-03-05",
                "Adam Boehler met Steve Witkoff and Witkoff.",
                "",
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn two_people_misspelt_in_one_article_are_two_flags() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article("a", "A", "2025-03-05", "Adam Bowler met Weitekamp.", "")
            .build();
        assert_eq!(check(&d).len(), 2);
    }
}
