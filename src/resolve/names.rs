//! Automatic linking of people: every name, alias and variant of every person,
//! found in article text by one Aho-Corasick automaton (never one search per
//! person), whole words only, the longest form first ("Steve Witkoff" is one
//! mention, not "Witkoff" inside it).
//!
//! The automaton is the default (NFA-based) kind: a full DFA is faster to
//! search but its construction blows up on 100,000 aliases. It reports every
//! overlapping match, and the longest whole-word one wins at each place.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use serde::Serialize;

use super::{PersonEntry, PersonIx};
use crate::diagnostic::Diagnostic;
use crate::load::yaml::{Docs, Step};

/// Which of a person's forms a text uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameForm {
    Name,
    Alias,
    /// A wrong or divergent spelling: linked, and flagged by `name-variant`.
    Variant,
}

/// A name found in text: the byte range and whose name it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameHit {
    pub start: usize,
    pub end: usize,
    pub person: PersonIx,
    pub form: NameForm,
}

/// One spelling of one person's form.
#[derive(Debug)]
struct Spelling {
    text: String,
    person: PersonIx,
    form: NameForm,
}

pub struct NameMatcher {
    /// All spellings; `None` when there are none.
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: its spelling's owner and form.
    spellings: Vec<Spelling>,
}

impl NameMatcher {
    /// Indexes every form. A form claimed by two people is linked to the
    /// first and reported, since a link must go to exactly one page.
    /// `sources` (the people files' text) lets the warning point at the form.
    pub fn new(
        people: &[PersonEntry],
        sources: &Docs<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut spellings_all: Vec<Spelling> = Vec::new();
        let mut seen: HashMap<String, PersonIx> = HashMap::new();
        for (ix, entry) in people.iter().enumerate() {
            let p = &entry.person;
            let forms = std::iter::once((p.name.as_str(), NameForm::Name, "name", None))
                .chain(
                    p.aliases
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (a.as_str(), NameForm::Alias, "aliases", Some(i))),
                )
                .chain(
                    p.variants
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (v.as_str(), NameForm::Variant, "variants", Some(i))),
                );
            for (form, kind, field, position) in forms {
                let form = form.trim();
                if form.is_empty() {
                    continue;
                }
                // The contract: a form's first letter also matches in upper case.
                let upper = upper_first(form);
                let spellings = if upper == form {
                    vec![upper]
                } else {
                    vec![form.to_owned(), upper]
                };
                for spelled in spellings {
                    match seen.get(&spelled) {
                        Some(&other) if other != ix => {
                            if spelled == form {
                                let mut path = vec![Step::Index(entry.index), Step::Key(field)];
                                path.extend(position.map(Step::Index));
                                diagnostics.push(
                                    sources
                                        .point_at(
                                            Diagnostic::warning(
                                                "ambiguous-name",
                                                format!("`{form}` is a name of both `{}` and `{}`", people[other].id, entry.id),
                                            ),
                                            &entry.file,
                                            &path,
                                        )
                                    .with_hint(format!("it is linked to `{}`; remove it from one of them and annotate the passages with `mentions:`", people[other].id)),
                                );
                            }
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(spelled.clone(), ix);
                            spellings_all.push(Spelling {
                                text: spelled,
                                person: ix,
                                form: kind,
                            });
                        }
                    }
                }
            }
        }
        let automaton = (!spellings_all.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                // A DFA scans about a third faster than the default NFA, at
                // some memory per pattern: worth it up to some thousands of
                // people, not for a person with 100,000 aliases.
                .kind((spellings_all.len() <= MAX_DFA_PATTERNS).then_some(AhoCorasickKind::DFA))
                .build(spellings_all.iter().map(|s| s.text.as_str()))
                .expect("name patterns are plain strings")
        });
        NameMatcher {
            automaton,
            spellings: spellings_all,
        }
    }

    /// Every whole-word name in `text`, left to right, non-overlapping; at
    /// each place the longest form that is there as a whole word.
    ///
    /// All overlapping matches are considered, not only the leftmost-longest:
    /// "Ali Baba" in "Ali Babas" is no whole word, but "Ali" there is.
    pub fn find(&self, text: &str) -> Vec<NameHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut whole_words: Vec<(usize, usize, usize)> = automaton
            .find_overlapping_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
            })
            .map(|m| {
                (
                    m.start(),
                    std::cmp::Reverse(m.end()),
                    m.pattern().as_usize(),
                )
            })
            .map(|(start, end, pattern)| (start, end.0, pattern))
            .collect();
        // Leftmost first, and at one start the longest.
        whole_words.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut hits = Vec::new();
        let mut next = 0;
        for (start, end, pattern) in whole_words {
            if start < next {
                continue;
            }
            let s = &self.spellings[pattern];
            hits.push(NameHit {
                start,
                end,
                person: s.person,
                form: s.form,
            });
            next = end;
        }
        hits
    }
}

/// Most spellings (names, aliases, variants, each also capitalised) for
/// which the name automaton is a DFA.
const MAX_DFA_PATTERNS: usize = 20_000;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn upper_first(form: &str) -> String {
    let mut chars = form.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, PersonId};
    use std::path::PathBuf;

    fn person(id: &str, name: &str, aliases: &[&str], variants: &[&str]) -> PersonEntry {
        PersonEntry {
            id: PersonId(id.into()),
            person: Person {
                id: None,
                name: name.into(),
                aliases: aliases.iter().map(|s| s.to_string()).collect(),
                variants: variants.iter().map(|s| s.to_string()).collect(),
                summary: None,
                roles: vec![],
                links: vec![],
            },
            file: PathBuf::from("content/people.yaml"),
            index: 0,
        }
    }

    fn matcher() -> NameMatcher {
        let people = vec![
            person(
                "steve-witkoff",
                "Steve Witkoff",
                &["Witkoff"],
                &["Steven Weitekamp", "Weitekamp"],
            ),
            person("khalil-al-hayya", "Khalil al-Hayya", &["al-Hayya"], &[]),
        ];
        NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new())
    }

    #[test]
    fn a_longer_form_that_is_no_whole_word_does_not_hide_a_shorter_one() {
        let people = vec![
            person("a", "Ali", &["Ali Baba"], &[]),
            person("b", "Bob", &["xa B"], &[]),
        ];
        let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new());
        let found: Vec<_> = m
            .find("Ali Babas met Xa Bob")
            .iter()
            .map(|h| (h.start, h.end))
            .collect();
        assert_eq!(found, vec![(0, 3), (17, 20)]);
    }

    #[test]
    fn longest_form_wins_and_words_are_whole() {
        let hits = matcher().find("Trump envoy Steve Witkoff met Witkoffs and Witkoff.");
        let found: Vec<_> = hits.iter().map(|h| (h.start, h.end, h.form)).collect();
        assert_eq!(
            found,
            vec![(12, 25, NameForm::Name), (43, 50, NameForm::Alias)]
        );
    }

    #[test]
    fn variants_and_capitalised_first_letter() {
        let hits = matcher().find("Al-Hayya spoke; Steven Weitekamp listened; al-Hayya left.");
        let found: Vec<_> = hits.iter().map(|h| (h.person, h.form)).collect();
        assert_eq!(
            found,
            vec![
                (1, NameForm::Alias),
                (0, NameForm::Variant),
                (1, NameForm::Alias)
            ]
        );
    }

    #[test]
    fn a_name_inside_a_longer_word_does_not_hide_the_next_one() {
        let text = "Witkoffs and Witkoff.";
        let hits = matcher().find(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "Witkoff");
        assert_eq!(hits[0].start, 13);
    }

    #[test]
    fn leftmost_then_longest_and_forms_with_punctuation() {
        let people = vec![
            person("a", "Steve Witkoff", &[], &[]),
            person("b", "Witkoff Jr", &["U.S.", "(Abu) Ali"], &[]),
        ];
        let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new());
        let text = "Steve Witkoff Jr met the U.S. team and (Abu) Ali, not U.S.A or x(Abu) Ali.";
        let found: Vec<(&str, usize)> = m
            .find(text)
            .iter()
            .map(|h| (&text[h.start..h.end], h.person))
            .collect();
        assert_eq!(found, [("Steve Witkoff", 0), ("U.S.", 1), ("(Abu) Ali", 1)]);
    }

    #[test]
    fn same_form_for_two_people_is_reported() {
        let people = vec![
            person("a", "Ali", &[], &[]),
            person("b", "Ali Baba", &["Ali"], &[]),
        ];
        let mut diagnostics = Vec::new();
        let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "ambiguous-name");
        assert_eq!(m.find("Ali")[0].person, 0);
    }

    #[test]
    fn arabic_names_match() {
        let people = vec![person("hayya", "خليل الحية", &[], &[])];
        let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new());
        let text = "قال خليل الحية إن";
        let hits = m.find(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "خليل الحية");
    }
}
