//! `quote-attribution`: the same words attributed to different speakers.
//!
//! Quotes are bucketed by their normalised words (as for `quote-wording`:
//! case, punctuation and typographic forms ignored), so only quotes with the
//! same words are ever looked at together. Quotes shorter than [`MIN_WORDS`]
//! are left out: "we will see" may well be said by two people.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::outlets_verb;
use super::quotes::key_of;
use crate::analyze::{Finding, FlagPassage};
use crate::resolve::{ArticleIx, Dossier, PersonIx};

/// Quotes of fewer words are not compared.
pub const MIN_WORDS: usize = 6;

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    // The quotes' keys, worked out side by side (the keys are most of the
    // work), then bucketed: normalised words -> (speaker, passage), in
    // article order.
    let keyed: Vec<(String, PersonIx, FlagPassage)> = (0..dossier.articles.len())
        .into_par_iter()
        .with_max_len(crate::PIECE)
        .flat_map_iter(|article_ix| {
            let article = &dossier.articles[article_ix];
            article.quotes.iter().filter_map(move |q| {
                let (key, words) = key_of(article.passage_text(q.passage));
                let passage = FlagPassage {
                    article: article_ix,
                    passage: q.passage,
                };
                (words >= MIN_WORDS).then_some((key, q.speaker, passage))
            })
        })
        .collect();
    let mut buckets: HashMap<String, Vec<(PersonIx, FlagPassage)>, FixedState> = HashMap::default();
    for (key, speaker, passage) in keyed {
        buckets.entry(key).or_default().push((speaker, passage));
    }
    let mut findings = Vec::new();
    for said in buckets.into_values() {
        let first = said[0].0;
        if said.iter().all(|(speaker, _)| *speaker == first) {
            continue;
        }
        // Speakers in order of first attribution (by article date).
        let mut said = said;
        said.sort_by_key(|(_, p)| {
            let a = &dossier.articles[p.article].article;
            (a.front.published, a.slug.clone(), p.passage)
        });
        let mut by_speaker: Vec<(PersonIx, Vec<ArticleIx>)> = Vec::new();
        for (speaker, p) in &said {
            match by_speaker.iter_mut().find(|(s, _)| s == speaker) {
                Some((_, articles)) => {
                    if articles.last() != Some(&p.article) {
                        articles.push(p.article);
                    }
                }
                None => by_speaker.push((*speaker, vec![p.article])),
            }
        }
        let parts: Vec<String> = by_speaker
            .iter()
            .enumerate()
            .map(|(k, (speaker, articles))| {
                let pronoun = if k == 0 { "these words" } else { "them" };
                format!(
                    "{} {pronoun} to {}",
                    outlets_verb(dossier, articles.iter().copied(), "attributes", "attribute"),
                    dossier.people[*speaker].person.name.trim()
                )
            })
            .collect();
        let message = format!("{}.", parts.join("; "));
        let people: Vec<PersonIx> = by_speaker.iter().map(|(s, _)| *s).collect();
        findings
            .push(Finding::new(message, said.into_iter().map(|(_, p)| p).collect()).people(people));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{passages, TestDossier};

    const PEOPLE: &str = "
- id: dennis-ross
  name: Dennis Ross
- id: aaron-miller
  name: Aaron David Miller
- id: max-bluestein
  name: Max Bluestein
";

    fn quote(text: &str, speaker: &str) -> String {
        format!("quotes:\n  - quote: \"{text}\"\n    speaker: {speaker}\n")
    }

    #[test]
    fn the_same_words_by_two_speakers_fire() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "qnn",
                "Quds News Network",
                "2025-05-21",
                "\"It tells me that they think they have a real negotiation.\"",
                &quote(
                    "It tells me that they think they have a real negotiation.",
                    "dennis-ross",
                ),
            )
            .article(
                "cnn",
                "CNN",
                "2025-05-22",
                "\"It tells me, that they think they have a real negotiation\"",
                &quote(
                    "It tells me, that they think they have a real negotiation",
                    "aaron-miller",
                ),
            )
            .article(
                "ax",
                "Axios",
                "2025-05-23",
                "\"it tells me that they think they have a real negotiation\"",
                &quote(
                    "it tells me that they think they have a real negotiation",
                    "dennis-ross",
                ),
            )
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(passages(&d, f).len(), 3);
        assert_eq!(
            passages(&d, f)[1],
            (
                "cnn".to_owned(),
                "It tells me, that they think they have a real negotiation".to_owned()
            )
        );
        assert_eq!(
            f.message,
            "Quds News Network and Axios attribute these words to Dennis Ross; CNN attributes them to Aaron David Miller."
        );
        assert_eq!(f.people, vec![0, 1]);
    }

    #[test]
    fn the_same_speaker_does_not_fire() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "a",
                "A",
                "2025-05-21",
                "Israel has had no better friend than President Trump.",
                &quote(
                    "Israel has had no better friend than President Trump",
                    "max-bluestein",
                ),
            )
            .article(
                "b",
                "B",
                "2025-05-21",
                "Israel has had no better friend than President Trump!",
                &quote(
                    "Israel has had no better friend than President Trump",
                    "max-bluestein",
                ),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn short_common_phrases_do_not_fire() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "a",
                "A",
                "2025-05-21",
                "\"We will see what happens.\"",
                &quote("We will see what happens", "dennis-ross"),
            )
            .article(
                "b",
                "B",
                "2025-05-21",
                "\"We will see what happens.\"",
                &quote("We will see what happens", "aaron-miller"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn different_words_do_not_fire() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "a",
                "A",
                "2025-05-21",
                "I am not sure if this is a sign of desperation.",
                &quote(
                    "I am not sure if this is a sign of desperation",
                    "aaron-miller",
                ),
            )
            .article(
                "b",
                "B",
                "2025-05-21",
                "I am not sure if this is a sign of confusion.",
                &quote(
                    "I am not sure if this is a sign of confusion",
                    "dennis-ross",
                ),
            )
            .build();
        assert!(check(&d).is_empty());
    }
}
