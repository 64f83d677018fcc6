//! `quote-wording`: one speaker's quote appears in two articles in nearly, not
//! exactly, the same words.
//!
//! Only quotes of the same speaker are compared (`index.quotes_by`). Quotes
//! whose words are the same after normalisation (case, punctuation, typographic
//! forms) are one version and never flagged. Two versions are near when the
//! words they share make up at least [`NEAR`] of the shorter version and of the
//! stretch of the longer one they span (see [`quotes::compare`]); an exact
//! excerpt of a longer quote is not a different wording. One flag per pair of
//! versions found in different articles, covering every passage of both, with
//! a word-level difference.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::outlets_verb;
use super::quotes::{compare, first_change, key_of, Words, MAX_WORDS};
use crate::analyze::{Finding, FlagPassage};
use crate::resolve::{ArticleIx, Dossier, PersonIx};

/// Similarity from which two different wordings count as the same quote.
pub const NEAR: f64 = 0.6;

/// Fewer words in common than this is never "the same quote".
const MIN_COMMON: usize = 3;

/// One wording of a speaker's quote and where it appears, in date order.
struct Version<'d> {
    /// Its first passage's text, read into [`Words`] only when a pair of
    /// versions gets as far as a comparison: most never do, and a quote's
    /// words are two strings each.
    text: &'d str,
    words: OnceCell<Words>,
    /// Hashes of its keys, sorted and deduplicated: a cheap upper bound on
    /// the words in common (two words of one hash only loosen the bound).
    bag: Vec<u64>,
    passages: Vec<FlagPassage>,
}

impl Version<'_> {
    fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(self.text))
    }
}

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    (0..dossier.people.len())
        .into_par_iter()
        .with_max_len(crate::PIECE)
        .flat_map_iter(|speaker| check_speaker(dossier, speaker))
        .collect()
}

fn check_speaker(dossier: &Dossier, speaker: PersonIx) -> Vec<Finding> {
    let quotes = &dossier.index.quotes_by[speaker];
    if quotes.len() < 2 {
        return Vec::new();
    }
    let mut versions: Vec<Version> = Vec::new();
    let mut by_key: HashMap<String, usize, FixedState> = HashMap::default();
    let hasher = FixedState::default();
    for at in quotes {
        let article = &dossier.articles[at.article];
        let passage = article.quotes[at.entry].passage;
        let text = article.passage_text(passage);
        let (key, count) = key_of(text);
        if count == 0 || count > MAX_WORDS {
            continue;
        }
        let p = FlagPassage {
            article: at.article,
            passage,
        };
        match by_key.get(&key) {
            Some(&v) => versions[v].passages.push(p),
            None => {
                // The key is the words' keys joined by single spaces.
                let mut bag: Vec<u64> = key.split(' ').map(|k| hasher.hash_one(k)).collect();
                bag.sort_unstable();
                bag.dedup();
                by_key.insert(key, versions.len());
                versions.push(Version {
                    text,
                    words: OnceCell::new(),
                    bag,
                    passages: vec![p],
                });
            }
        }
    }
    let mut findings = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            if !in_two_articles(a, b) || !may_be_near(a, b) {
                continue;
            }
            let c = compare(a.words(), b.words());
            if c.common < MIN_COMMON || c.similarity < NEAR || c.similarity >= 1.0 {
                continue;
            }
            let message = message(dossier, speaker, a, b, &c);
            let mut passages = a.passages.clone();
            passages.extend(&b.passages);
            let mut finding = Finding::new(message, passages).people([speaker]);
            finding.diff = c.diff;
            findings.push(finding);
        }
    }
    findings
}

/// Whether some passage of `a` and some passage of `b` are in different
/// articles.
fn in_two_articles(a: &Version, b: &Version) -> bool {
    a.passages
        .iter()
        .any(|p| b.passages.iter().any(|q| q.article != p.article))
}

/// Whether enough distinct words are shared for the versions to be near: an
/// upper bound, checked before the quadratic comparison.
///
/// The two sorted lists are merged without a branch on which is ahead: the
/// speaker's versions are compared pairwise, and most pairs are different
/// quotes, whose words interleave at random.
fn may_be_near(a: &Version, b: &Version) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while let (Some(&x), Some(&y)) = (a.bag.get(i), b.bag.get(j)) {
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let shorter = a.bag.len().min(b.bag.len());
    shared >= MIN_COMMON.min(shorter) && shared as f64 >= NEAR * shorter as f64
}

/// "Quds News Network and CNN quote Dennis Ross in nearly the same words:
/// Quds News Network has 'own Hamas channel', CNN has 'own channel to Hamas'."
fn message(
    dossier: &Dossier,
    speaker: PersonIx,
    a: &Version,
    b: &Version,
    c: &super::quotes::Comparison,
) -> String {
    let articles = |v: &Version| {
        let mut list: Vec<ArticleIx> = v.passages.iter().map(|p| p.article).collect();
        list.dedup();
        list
    };
    let (in_a, in_b) = (articles(a), articles(b));
    let mut all = in_a.clone();
    all.extend(&in_b);
    let name = dossier.people[speaker].person.name.trim();
    let mut text = format!(
        "{} {name} in nearly the same words",
        outlets_verb(dossier, all, "quotes", "quote")
    );
    if let Some((was, now, changes)) = first_change(&c.diff) {
        let has = |list: &[ArticleIx]| outlets_verb(dossier, list.iter().copied(), "has", "have");
        let side = |words: String| {
            if words.is_empty() {
                "nothing".to_owned()
            } else {
                format!("'{words}'")
            }
        };
        text.push_str(&format!(
            ": {} {}, {} {}",
            has(&in_a),
            side(was),
            has(&in_b),
            side(now)
        ));
        if changes > 1 {
            let more = changes - 1;
            text.push_str(&format!(
                " ({more} more difference{})",
                if more == 1 { "" } else { "s" }
            ));
        }
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::{expect, passages, BuiltDossier, TestDossier};

    const PEOPLE: &str = "
- id: dennis-ross
  name: Dennis Ross
- id: aaron-miller
  name: Aaron David Miller
";

    fn quote(text: &str, speaker: &str) -> String {
        format!("quotes:\n  - quote: \"{text}\"\n    speaker: {speaker}\n")
    }

    fn two(a: &str, b: &str) -> BuiltDossier {
        TestDossier::new()
            .people(PEOPLE)
            .article(
                "qnn",
                "Quds News Network",
                "2025-05-21",
                &format!("Ross said: \"{a}\"."),
                &quote(a, "dennis-ross"),
            )
            .article(
                "cnn",
                "CNN",
                "2025-05-22",
                &format!("Ross said: \"{b}\"."),
                &quote(b, "dennis-ross"),
            )
            .build()
    }

    #[test]
    fn nearly_the_same_words_fire_with_a_diff() {
        let d = two(
            "They want their own Hamas channel, not through Qatar or Egypt",
            "They want their own channel to Hamas, not through Qatar or Egypt",
        );
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            passages(&d, f),
            expect(&[
                (
                    "cnn",
                    "They want their own channel to Hamas, not through Qatar or Egypt"
                ),
                (
                    "qnn",
                    "They want their own Hamas channel, not through Qatar or Egypt"
                ),
            ])
        );
        assert_eq!(
            f.message,
            "Quds News Network and CNN quote Dennis Ross in nearly the same words: Quds News Network has 'own Hamas channel', CNN has 'own channel to Hamas'."
        );
        assert_eq!(f.people, vec![0]);
        assert!(f
            .diff
            .iter()
            .any(|p| p.change == "removed" && p.text == "Hamas"));
        assert!(f
            .diff
            .iter()
            .any(|p| p.change == "added" && p.text == "to Hamas,"));
    }

    #[test]
    fn punctuation_and_case_only_are_the_same_quote() {
        let d = two(
            "It tells me that they think they have a real negotiation happening.",
            "it tells me - that they think they have a real negotiation happening,",
        );
        assert!(check(&d).is_empty());
    }

    #[test]
    fn typographic_quotes_and_dashes_are_the_same_quote() {
        let d = two(
            "We can’t — and won’t — accept it",
            "We can't - and won't - accept it",
        );
        assert!(check(&d).is_empty());
    }

    #[test]
    fn different_quotes_of_one_speaker_do_not_fire() {
        let d = two(
            "There is a fundamental gap between the two parties",
            "We couldn't bridge this fundamental gap",
        );
        assert!(check(&d).is_empty());
    }

    #[test]
    fn an_exact_excerpt_does_not_fire() {
        let d = two(
            "We couldn't bridge this fundamental gap",
            "We tried for weeks. We couldn't bridge this fundamental gap, and we said so",
        );
        assert!(check(&d).is_empty());
    }

    #[test]
    fn a_near_excerpt_fires() {
        let d = two(
            "We could not bridge this fundamental gap",
            "We tried for weeks. We couldn't bridge this fundamental gap, and we said so",
        );
        assert_eq!(check(&d).len(), 1);
    }

    #[test]
    fn different_speakers_are_not_compared() {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "qnn",
                "QNN",
                "2025-05-21",
                "They want their own Hamas channel.",
                &quote("They want their own Hamas channel", "dennis-ross"),
            )
            .article(
                "cnn",
                "CNN",
                "2025-05-21",
                "They want their own channel to Hamas.",
                &quote("They want their own channel to Hamas", "aaron-miller"),
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn two_versions_in_one_article_are_not_this_rule() {
        let sidecar = format!(
            "{}{}",
            quote("They want their own Hamas channel", "dennis-ross"),
            quote("They want their own channel to Hamas", "dennis-ross").replace("quotes:\n", "")
        );
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "qnn",
                "QNN",
                "2025-05-21",
                "They want their own Hamas channel. They want their own channel to Hamas.",
                &sidecar,
            )
            .build();
        assert!(check(&d).is_empty());
    }

    #[test]
    fn every_passage_of_both_versions_is_covered() {
        let a = "They want their own Hamas channel";
        let b = "They want their own channel to Hamas";
        let d = TestDossier::new()
            .people(PEOPLE)
            .article(
                "a1",
                "A",
                "2025-05-21",
                &format!("{a}."),
                &quote(a, "dennis-ross"),
            )
            .article(
                "a2",
                "A2",
                "2025-05-22",
                &format!("{a}!"),
                &quote(a, "dennis-ross"),
            )
            .article(
                "b1",
                "B",
                "2025-05-23",
                &format!("{b}."),
                &quote(b, "dennis-ross"),
            )
            .build();
        let findings = check(&d);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].passages.len(), 3);
        assert!(
            findings[0]
                .message
                .starts_with("A, A2 and B quote Dennis Ross"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[0]
                .message
                .contains("A and A2 have 'own Hamas channel', B has 'own channel to Hamas'"),
            "{}",
            findings[0].message
        );
    }
}
