//! Automatic linking of people: every name, alias and variant of every person,
//! found in article text in one pass (never one search per person), whole
//! words only, the longest form first ("Steve Witkoff" is one
//! mention, not "Witkoff" inside it).
//!
//! A whole word starts where no word character stands before it. Almost
//! every form starts with a word character, and then it starts with the
//! first word, or the first two words, of the text wherever it matches
//! ("Steve Witkoff", "al-Hayya", "U.S." = "U", "." and "S"). So those forms
//! are looked up by the words that start each place: a byte loop finds the
//! places where a word starts that is the first word of some form, and a
//! hash map gives the forms to compare there. An automaton over every byte
//! of the text cost more: it is larger than any cache. The forms that start
//! with another character ("(Abu) Ali") are rare, and one automaton search
//! over the text finds them.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use foldhash::fast::FixedState;

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

/// A name found in text: the byte range, whose name it is, and which
/// spelling (the text in that range, exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameHit {
    pub start: usize,
    pub end: usize,
    pub person: PersonIx,
    pub form: NameForm,
    pub spelling: SpellingIx,
}

/// Index of a spelling in [`NameMatcher::spellings`].
pub type SpellingIx = u32;

/// One spelling of one person's form: the form, or the form with its first
/// letter in upper case. No two spellings have the same text.
#[derive(Debug)]
struct Spelling {
    text: String,
    person: PersonIx,
    form: NameForm,
    /// Its place in the list of all spellings.
    ix: SpellingIx,
}

pub struct NameMatcher {
    /// The spellings that start with a word character.
    by_words: Vec<Spelling>,
    /// Their first words ("Steve" of "Steve Witkoff", "al" of "al-Hayya").
    first_words: HashSet<String, FixedState>,
    /// The spellings of `by_words` by their first two words and what
    /// separates them ("Steve Witkoff", "al-Hayya", "U.S"), or by their
    /// only word ("Witkoff", "U" of "U."); each list longest first.
    by_key: HashMap<String, Vec<usize>, FixedState>,
    /// The byte loop's test before it looks at a word: [`FirstBytes`].
    first_bytes: FirstBytes,
    /// The other spellings, searched over the whole text (`None` when there
    /// are none).
    others: Option<AhoCorasick>,
    other_spellings: Vec<Spelling>,
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
                                ix: SpellingIx::try_from(spellings_all.len())
                                    .expect("fewer than 4 billion spellings"),
                            });
                        }
                    }
                }
            }
        }
        let (by_words, others): (Vec<Spelling>, Vec<Spelling>) = spellings_all
            .into_iter()
            .partition(|s| s.text.chars().next().is_some_and(is_word_char));
        let mut first_bytes = FirstBytes::default();
        let mut first_words = HashSet::default();
        let mut by_key: HashMap<String, Vec<usize>, FixedState> = HashMap::default();
        for (ix, s) in by_words.iter().enumerate() {
            first_bytes.add(s.text.as_bytes());
            first_words.insert(first_word(&s.text).to_owned());
            let key = two_words(&s.text).unwrap_or_else(|| first_word(&s.text));
            by_key.entry(key.to_owned()).or_default().push(ix);
        }
        for list in by_key.values_mut() {
            list.sort_by_key(|&ix| std::cmp::Reverse(by_words[ix].text.len()));
        }
        NameMatcher {
            by_words,
            first_words,
            by_key,
            first_bytes,
            // Every overlapping match: "Ali Baba" in "Ali Babas" is no
            // whole word, but "Ali" there is.
            others: (!others.is_empty()).then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind((others.len() <= MAX_DFA_PATTERNS).then_some(AhoCorasickKind::DFA))
                    .build(others.iter().map(|s| s.text.as_str()))
                    .expect("name patterns are plain strings")
            }),
            other_spellings: others,
        }
    }

    /// The text of every spelling, by [`SpellingIx`]: what a [`NameHit`]
    /// covers, so that counting the spellings of a person's mentions needs
    /// no article's text.
    pub fn spellings(&self) -> Vec<String> {
        let mut all: Vec<&Spelling> = self.by_words.iter().chain(&self.other_spellings).collect();
        all.sort_unstable_by_key(|s| s.ix);
        all.into_iter().map(|s| s.text.clone()).collect()
    }

    /// Every whole-word name in `text`, left to right, non-overlapping; at
    /// each place the longest form that is there as a whole word.
    pub fn find(&self, text: &str) -> Vec<NameHit> {
        // At each start, the longest whole-word spelling there.
        let mut whole_words = self.by_words_in(text);
        if let Some(automaton) = &self.others {
            whole_words.extend(
                automaton
                    .find_overlapping_iter(text)
                    .filter(|m| word_starts_at(text, m.start()) && word_ends_at(text, m.end()))
                    .map(|m| hit(&self.other_spellings[m.pattern()], m.start(), m.end())),
            );
        }
        // Leftmost first, and at one start the longest.
        whole_words.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut hits = Vec::new();
        let mut next = 0;
        for hit in whole_words {
            if hit.start < next {
                continue;
            }
            next = hit.end;
            hits.push(hit);
        }
        hits
    }

    /// At each place where a word starts that is the first word of a
    /// spelling of `by_words`, the longest such spelling there that is a
    /// whole word. A spelling of two or more words is longer than any of one
    /// word that also matches there, so those are tried first; and a longer
    /// spelling that is no whole word ("Ali Baba" in "Ali Babas") does not
    /// hide a shorter one ("Ali").
    fn by_words_in(&self, text: &str) -> Vec<NameHit> {
        let mut hits = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        while let Some(at) = self.first_bytes.next_start(bytes, start) {
            start = at;
            if !word_starts_at(text, start) {
                start += 1;
                continue;
            }
            let rest = &text[start..];
            let word = first_word(rest);
            if self.first_words.contains(word) {
                let found = [two_words(rest), Some(word)]
                    .into_iter()
                    .flatten()
                    .filter_map(|key| self.by_key.get(key))
                    .flatten()
                    .map(|&ix| &self.by_words[ix])
                    .find(|s| {
                        rest.starts_with(s.text.as_str())
                            && word_ends_at(text, start + s.text.len())
                    });
                if let Some(s) = found {
                    hits.push(hit(s, start, start + s.text.len()));
                }
            }
            // No other word starts inside this one.
            start += word.len().max(1);
        }
        hits
    }
}

/// The pairs of bytes that spellings start with (or the one byte of a
/// spelling that has one), as 65,536 bits: 8 KB, which stay in the fastest
/// cache while the byte loop asks about every byte of the text.
///
/// One byte alone would let too much through: the names of a dossier start
/// with most capitals and, through "al-...", with the letter `a`, which is
/// inside every other word of the text; each such byte is a branch the
/// processor cannot foresee. Two bytes ("al", not "an" or "as") pass one
/// place in several times fewer.
struct FirstBytes(Box<[u64; 1024]>);

impl Default for FirstBytes {
    fn default() -> Self {
        FirstBytes(Box::new([0; 1024]))
    }
}

impl FirstBytes {
    fn set(&mut self, pair: usize) {
        self.0[pair / 64] |= 1 << (pair % 64);
    }

    /// Adds the start of a (non-empty) spelling.
    fn add(&mut self, spelling: &[u8]) {
        let first = usize::from(spelling[0]) << 8;
        match spelling.get(1) {
            Some(&second) => self.set(first | usize::from(second)),
            None => (0..256).for_each(|second| self.set(first | second)),
        }
    }

    /// Whether some spelling may start with `first`, then `second` (0 at
    /// the end of the text).
    fn has(&self, first: u8, second: u8) -> bool {
        let pair = usize::from(first) << 8 | usize::from(second);
        self.0[pair / 64] & (1 << (pair % 64)) != 0
    }

    /// The first place at or after `from` where some spelling may start.
    /// One tight loop over pairs of bytes: most bytes are passed over here.
    fn next_start(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let tail = bytes.get(from..)?;
        match tail.windows(2).position(|pair| self.has(pair[0], pair[1])) {
            Some(i) => Some(from + i),
            None => tail
                .last()
                .is_some_and(|&last| self.has(last, 0))
                .then(|| bytes.len() - 1),
        }
    }
}

/// The leading run of word characters of `text`.
fn first_word(text: &str) -> &str {
    let bytes = text.as_bytes();
    let ascii = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(bytes.len());
    if bytes.get(ascii).is_none_or(|b| b.is_ascii()) {
        return &text[..ascii];
    }
    let end = text[ascii..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| ascii + i);
    &text[..end]
}

/// The leading run of word characters of `text`, the characters after it
/// up to the next word character, and the run of word characters there
/// ("Steve Witkoff" of "Steve Witkoff said"); `None` when no second word
/// follows.
fn two_words(text: &str) -> Option<&str> {
    let first = first_word(text).len();
    let gap = text[first..]
        .char_indices()
        .find(|&(_, c)| is_word_char(c))
        .map(|(i, _)| first + i)?;
    Some(&text[..gap + first_word(&text[gap..]).len()])
}

fn hit(spelling: &Spelling, start: usize, end: usize) -> NameHit {
    NameHit {
        start,
        end,
        person: spelling.person,
        form: spelling.form,
        spelling: spelling.ix,
    }
}

/// Whether no word character stands before byte `at` of `text`.
fn word_starts_at(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        None => true,
        Some(b) if b.is_ascii() => !(b.is_ascii_alphanumeric() || *b == b'_'),
        Some(_) => !text[..at].chars().next_back().is_some_and(is_word_char),
    }
}

/// Whether no word character stands at byte `at` of `text`.
fn word_ends_at(text: &str, at: usize) -> bool {
    !text[at..].chars().next().is_some_and(is_word_char)
}

/// Most spellings that start with no word character for which their
/// automaton is a DFA: a DFA scans about a third faster than the default
/// NFA, but its construction blows up on 100,000 patterns.
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
    fn a_hit_names_the_spelling_it_covers() {
        let people = vec![
            person("a", "ali", &["(Abu) Ali"], &["Ally"]),
            person("b", "Steve Witkoff", &["Witkoff"], &["Weitekamp"]),
        ];
        let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new());
        let spellings = m.spellings();
        let text = "(Abu) Ali met Steve Witkoff, Ali, ali, Ally and Weitekamp.";
        let hits = m.find(text);
        assert_eq!(hits.len(), 6, "{hits:?}");
        for hit in hits {
            assert_eq!(spellings[hit.spelling as usize], text[hit.start..hit.end]);
        }
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

    /// Every whole-word match of every spelling, the longest at each start,
    /// then leftmost first without overlaps: what `find` must return, the
    /// slow way.
    fn brute_force(m: &NameMatcher, text: &str) -> Vec<(usize, usize, PersonIx)> {
        let spellings: Vec<&Spelling> = m.by_words.iter().chain(&m.other_spellings).collect();
        let mut hits = Vec::new();
        let mut next = 0;
        for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            if start < next || !word_starts_at(text, start) {
                continue;
            }
            let longest = spellings
                .iter()
                .filter(|s| {
                    text[start..].starts_with(s.text.as_str())
                        && word_ends_at(text, start + s.text.len())
                })
                .max_by_key(|s| s.text.len());
            if let Some(s) = longest {
                next = start + s.text.len();
                hits.push((start, next, s.person));
            }
        }
        hits
    }

    proptest::proptest! {
        #[test]
        fn finds_what_brute_force_finds(
            words in proptest::collection::vec(proptest::sample::select(&[
                "Ali", "Baba", "Babas", "ali", "al", "-", "Hayya", "al-Hayya", "U", ".", "S", "U.S.",
                "(Abu)", "(", ")", "Ömer", "Çelik", "Witkoff", "Steve", "Jr", "x", "_", "’s", "“",
                "غزة", "خليل", "الحية", "2024", ",", "Q", "Qa", "Q-Ali",
            ][..]), 0..24),
            glue in proptest::collection::vec(proptest::sample::select(&["", " ", "  ", "\n"][..]), 24),
        ) {
            let people = vec![
                person("a", "Ali", &["Ali Baba", "U.S.", "al-Hayya", "Q"], &["ali"]),
                person("b", "Steve Witkoff", &["Witkoff", "Steve Witkoff Jr", "(Abu) Ali"], &["U."]),
                person("c", "Ömer Çelik", &["Çelik", "al"], &["خليل الحية", "_x"]),
            ];
            let m = NameMatcher::new(&people, &Docs::new(&HashMap::new()), &mut Vec::new());
            let text: String = words.iter().zip(&glue).flat_map(|(w, g)| [*w, *g]).collect();
            let found: Vec<_> = m.find(&text).iter().map(|h| (h.start, h.end, h.person)).collect();
            proptest::prop_assert_eq!(found, brute_force(&m, &text));
        }
    }
}
