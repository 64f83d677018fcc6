//! Automatic linking of people: every name, alias and variant of every person,
//! found in article text by one Aho-Corasick automaton (never one search per
//! person), whole words only, the longest form first ("Steve Witkoff" is one
//! mention, not "Witkoff" inside it).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;

use super::{PersonEntry, PersonIx};
use crate::diagnostic::Diagnostic;

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

pub struct NameMatcher {
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: whose form it is.
    owners: Vec<(PersonIx, NameForm)>,
}

impl NameMatcher {
    /// Builds the automaton. A form claimed by two people is linked to the
    /// first and reported, since a link must go to exactly one page.
    pub fn new(people: &[PersonEntry], diagnostics: &mut Vec<Diagnostic>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        let mut seen: HashMap<String, PersonIx> = HashMap::new();
        for (ix, entry) in people.iter().enumerate() {
            let p = &entry.person;
            let forms = std::iter::once((p.name.as_str(), NameForm::Name))
                .chain(p.aliases.iter().map(|a| (a.as_str(), NameForm::Alias)))
                .chain(p.variants.iter().map(|v| (v.as_str(), NameForm::Variant)));
            for (form, kind) in forms {
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
                                diagnostics.push(
                                    Diagnostic::warning(
                                        "ambiguous-name",
                                        format!("`{form}` is a name of both `{}` and `{}`", people[other].id, entry.id),
                                    )
                                    .in_file(&entry.file)
                                    .with_hint(format!("it is linked to `{}`; remove it from one of them and annotate the passages with `mentions:`", people[other].id)),
                                );
                            }
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(spelled.clone(), ix);
                            patterns.push(spelled);
                            owners.push((ix, kind));
                        }
                    }
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    // A full DFA: the fastest search, for a few MB built once.
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .expect("name patterns are plain strings"),
            )
        };
        NameMatcher { automaton, owners }
    }

    /// Every whole-word name in `text`, left to right, non-overlapping.
    pub fn find(&self, text: &str) -> Vec<NameHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        for m in automaton.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
                continue;
            }
            let (person, form) = self.owners[m.pattern().as_usize()];
            hits.push(NameHit {
                start,
                end,
                person,
                form,
            });
        }
        hits
    }
}

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
        NameMatcher::new(&people, &mut Vec::new())
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
    fn same_form_for_two_people_is_reported() {
        let people = vec![
            person("a", "Ali", &[], &[]),
            person("b", "Ali Baba", &["Ali"], &[]),
        ];
        let mut diagnostics = Vec::new();
        let m = NameMatcher::new(&people, &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "ambiguous-name");
        assert_eq!(m.find("Ali")[0].person, 0);
    }

    #[test]
    fn arabic_names_match() {
        let people = vec![person("hayya", "خليل الحية", &[], &[])];
        let m = NameMatcher::new(&people, &mut Vec::new());
        let text = "قال خليل الحية إن";
        let hits = m.find(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "خليل الحية");
    }
}
