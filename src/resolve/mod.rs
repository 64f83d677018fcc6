//! Stage 2, resolve: [`Input`] -> [`Dossier`].
//!
//! Anchors every sidecar annotation to a passage of its article's rendered
//! text, finds every name of every person in the articles (one automaton for
//! all names), checks every reference (person, claim, speaker, role), resolves
//! dates, and builds in one pass the indexes that the analyze and render stages
//! need (mentions by person, assertions by claim, quotes by speaker, articles by
//! outlet). Nothing later looks anything up by scanning all articles.

mod annotations;
mod catalog;
mod dates;
mod names;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::body::{Body, TextSpan};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Article, Claim, ClaimId, Config, Input, Person, PersonId, QuantityValue, Stance,
};

pub use dates::resolve_date;
pub use names::{NameForm, NameMatcher, SpellingIx};

/// Ids to entries: looked up for every reference of every annotation, so
/// hashed with foldhash, not std's SipHash (whose defence against chosen
/// keys a build of the editor's own files does not need).
pub type IdMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

pub type ArticleIx = usize;
pub type PersonIx = usize;
pub type ClaimIx = usize;

/// The whole dossier with every reference checked and every passage anchored.
pub struct Dossier {
    /// The dossier's folder (see [`crate::model::Input::root`]).
    pub root: PathBuf,
    pub config: Config,
    pub articles: Vec<ResolvedArticle>,
    pub people: Vec<PersonEntry>,
    pub claims: Vec<ClaimEntry>,
    pub person_by_id: IdMap<PersonId, PersonIx>,
    pub claim_by_id: IdMap<ClaimId, ClaimIx>,
    pub index: Index,
    /// The text of every spelling of every person's forms, by
    /// [`SpellingIx`] (see [`ResolvedMention::spelling`]).
    pub spellings: Vec<String>,
    /// YAML text of people/claims files, for diagnostics of later stages.
    pub sources: HashMap<PathBuf, String>,
}

pub struct PersonEntry {
    pub id: PersonId,
    pub person: Person,
    pub file: PathBuf,
    pub index: usize,
}

pub struct ClaimEntry {
    pub claim: Claim,
    pub file: PathBuf,
    pub index: usize,
    /// The statement as plain text (Markdown markup dropped), or the id when
    /// the statement is empty: for link texts, titles and search.
    pub text: String,
    /// Resolved `about`, `contradicts`, `total`, `parts` (unknown ids dropped, reported).
    pub about: Vec<PersonIx>,
    pub contradicts: Vec<ClaimIx>,
    pub total: Option<ClaimIx>,
    pub parts: Vec<ClaimIx>,
}

pub struct ResolvedArticle {
    pub article: Article,
    pub body: Body,
    /// BCP 47 language of the article (front matter, else the dossier's).
    pub lang: String,
    /// `rtl` for Arabic, Hebrew, Persian, Urdu...; `ltr` otherwise.
    pub dir: &'static str,
    pub passages: Vec<Passage>,
    pub mentions: Vec<ResolvedMention>,
    pub quotes: Vec<ResolvedQuote>,
    pub assertions: Vec<ResolvedAssertion>,
    pub notes: Vec<ResolvedNote>,
    pub declared_flags: Vec<ResolvedDeclaredFlag>,
}

/// A stretch of an article's text that something points at. The element that
/// marks it on the article page has its [`Anchor`]
/// ([`ResolvedArticle::anchor`]).
pub struct Passage {
    pub span: TextSpan,
    /// How the passage is shown: a highlight, or a link to a person's page.
    pub shape: PassageShape,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassageShape {
    /// A highlighted passage (`<mark>`): sidecar annotations.
    Mark,
    /// A name found automatically (`<a>` to the person's page).
    NameLink(PersonIx),
}

pub type PassageIx = usize;

/// The id of the element that marks a passage on its article's page: `p<n>`
/// for a highlighted passage, `n<n>` for a name found in the text, `n` being
/// the passage's place in its article from 1. Derived from the passage, and
/// spelled out (on the stack) where a page or data file prints it: a
/// `String` per passage was an allocation each, hundreds of thousands at
/// 10,000 articles, read back from all over memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    letter: u8,
    number: u32,
}

impl Anchor {
    fn of(ix: PassageIx, shape: PassageShape) -> Anchor {
        Anchor {
            letter: match shape {
                PassageShape::Mark => b'p',
                PassageShape::NameLink(_) => b'n',
            },
            number: u32::try_from(ix + 1).expect("fewer than 4 billion passages in an article"),
        }
    }

    /// The id as text ("p3"), on the stack.
    pub fn text(self) -> AnchorText {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(self.number).as_bytes();
        let mut bytes = [0; 11];
        bytes[0] = self.letter;
        bytes[1..=digits.len()].copy_from_slice(digits);
        AnchorText {
            bytes,
            len: 1 + digits.len() as u8,
        }
    }
}

/// An [`Anchor`] spelled out: a letter and at most ten digits.
pub struct AnchorText {
    bytes: [u8; 11],
    len: u8,
}

impl std::ops::Deref for AnchorText {
    type Target = str;

    fn deref(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)])
            .expect("an ASCII letter and digits")
    }
}

impl serde::Serialize for Anchor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

pub struct ResolvedMention {
    pub passage: PassageIx,
    pub person: PersonIx,
    /// Which of the person's forms the text uses; `None` for a sidecar mention
    /// that refers to them without a name ("the president's envoy").
    pub form: Option<NameForm>,
    /// For a name found in the text, which spelling it is: the text of the
    /// passage, exactly (`Dossier::spellings`).
    pub spelling: Option<SpellingIx>,
    /// The role the text gives them (`as:`), as an index into their roles.
    pub role: Option<usize>,
}

pub struct ResolvedQuote {
    pub passage: PassageIx,
    pub speaker: PersonIx,
}

pub struct ResolvedAssertion {
    pub passage: PassageIx,
    pub claim: ClaimIx,
    /// Whose stance it is: a person the article quotes, or `None` for the
    /// outlet's own voice.
    pub speaker: Option<PersonIx>,
    pub stance: Stance,
    pub value: Option<QuantityValue>,
    pub date: Option<NaiveDate>,
    /// The `date:` as the editor wrote it (a weekday name or YYYY-MM-DD).
    pub date_written: Option<String>,
}

pub struct ResolvedNote {
    pub passage: PassageIx,
    pub text: String,
}

pub struct ResolvedDeclaredFlag {
    pub passage: PassageIx,
    pub kind: String,
    pub text: String,
}

/// A reference to one entry of one article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    pub article: ArticleIx,
    pub entry: usize,
}

/// A mention in [`Index::mentions_of`]: where it is, and its form and
/// spelling, so that a person's spellings are counted (their page, the
/// `name-variant` rule) without reading the articles, which lie all over
/// memory.
#[derive(Clone, Copy, Debug)]
pub struct MentionAt {
    pub article: ArticleIx,
    /// Index into the article's `mentions`.
    pub entry: usize,
    pub form: Option<NameForm>,
    pub spelling: Option<SpellingIx>,
}

/// Who-points-at-what, built in one pass over all annotations.
#[derive(Default)]
pub struct Index {
    /// Per person: their mentions.
    pub mentions_of: Vec<Vec<MentionAt>>,
    /// Per person: the quotes they spoke.
    pub quotes_by: Vec<Vec<At>>,
    /// Per claim: the assertions of it.
    pub assertions_of: Vec<Vec<At>>,
    /// Outlets by name, each with its articles in date order.
    pub outlets: Vec<Outlet>,
}

pub struct Outlet {
    pub name: String,
    pub slug: String,
    pub articles: Vec<ArticleIx>,
}

impl Dossier {
    /// Frees what only diagnostics point into: the YAML sources of people
    /// and claims (an article's Markdown and sidecar go once it is
    /// resolved). Rendering needs none of it, and the memory freed takes its
    /// allocations instead of pages fresh from the system, which cost a large
    /// build real time. Diagnostics made afterwards cannot show a source line.
    pub fn release_sources(&mut self) {
        self.sources = HashMap::new();
    }

    pub fn person(&self, ix: PersonIx) -> &PersonEntry {
        &self.people[ix]
    }

    pub fn claim(&self, ix: ClaimIx) -> &ClaimEntry {
        &self.claims[ix]
    }
}

impl ResolvedArticle {
    pub fn slug(&self) -> &str {
        self.article.slug.as_str()
    }

    pub fn passage(&self, ix: PassageIx) -> &Passage {
        &self.passages[ix]
    }

    /// The id of the element that marks passage `ix` on the article's page.
    pub fn anchor(&self, ix: PassageIx) -> Anchor {
        Anchor::of(ix, self.passages[ix].shape)
    }

    /// A passage's text exactly as the article has it (read from the body:
    /// a passage keeps only its span).
    pub fn passage_text(&self, ix: PassageIx) -> &str {
        self.body.text(self.passages[ix].span)
    }
}

/// Right-to-left scripts by BCP 47 primary language subtag.
pub fn direction(lang: &str) -> &'static str {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "he" | "iw" | "fa" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" => "rtl",
        _ => "ltr",
    }
}

/// Resolves the loaded input. Problems are returned as diagnostics; what could
/// be resolved is kept, so the caller can still report everything at once.
pub fn resolve(input: Input) -> (Dossier, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let docs = || crate::load::yaml::Docs::new(&input.sources);
    let (people, person_by_id) = catalog::people(input.people, &docs(), &mut diagnostics);
    // The claims and the name automaton need only the people: they are
    // built side by side, each with its own diagnostics (and its own `Docs`,
    // which locates them and is not shared between threads).
    let ((claims, claim_by_id, mut found_in_claims), (names, mut found_in_names)) = rayon::join(
        || {
            let mut found = Vec::new();
            let (claims, by_id) = catalog::claims(
                input.claims,
                &person_by_id,
                &docs(),
                &input.broken_ids,
                &mut found,
            );
            (claims, by_id, found)
        },
        || {
            let mut found = Vec::new();
            (NameMatcher::new(&people, &docs(), &mut found), found)
        },
    );
    diagnostics.append(&mut found_in_claims);
    diagnostics.append(&mut found_in_names);
    let spellings = names.spellings();
    let lookups = annotations::Lookups {
        people: &people,
        person_by_id: &person_by_id,
        claims: &claims,
        claim_by_id: &claim_by_id,
        names: &names,
        default_language: &input.config.language,
        broken_ids: &input.broken_ids,
    };
    // Unzipped by rayon in place: 10,000 resolved articles are not moved
    // once more, on one thread, out of a list of pairs.
    let (articles, found): (Vec<ResolvedArticle>, Vec<Vec<Diagnostic>>) = input
        .articles
        .into_par_iter()
        .with_max_len(crate::PIECE)
        .map(|article| annotations::resolve_article(article, &lookups))
        .unzip();
    diagnostics.extend(found.into_iter().flatten());
    let index = build_index(&articles, people.len(), claims.len());
    let dossier = Dossier {
        root: input.root,
        config: input.config,
        articles,
        people,
        claims,
        person_by_id,
        claim_by_id,
        index,
        spellings,
        sources: input.sources,
    };
    (dossier, diagnostics)
}

fn build_index(articles: &[ResolvedArticle], people: usize, claims: usize) -> Index {
    // The keys side by side first: compared in place, each comparison would
    // read two articles far apart in memory.
    let mut dated: Vec<_> = (articles.iter().enumerate())
        .map(|(ix, a)| (a.article.front.published, &a.article.slug, ix))
        .collect();
    dated.sort_unstable();
    let by_date: Vec<ArticleIx> = dated.into_iter().map(|(_, _, ix)| ix).collect();
    // The four indexes are independent: built side by side.
    let ((mentions_of, quotes_by), (assertions_of, outlets)) = rayon::join(
        || {
            rayon::join(
                || {
                    group(articles, &by_date, people, |article, a| {
                        a.mentions.iter().enumerate().map(move |(entry, m)| {
                            let at = MentionAt {
                                article,
                                entry,
                                form: m.form,
                                spelling: m.spelling,
                            };
                            (m.person, at)
                        })
                    })
                },
                || {
                    group(articles, &by_date, people, |article, a| {
                        (a.quotes.iter().enumerate())
                            .map(move |(entry, q)| (q.speaker, At { article, entry }))
                    })
                },
            )
        },
        || {
            rayon::join(
                || {
                    group(articles, &by_date, claims, |article, a| {
                        (a.assertions.iter().enumerate())
                            .map(move |(entry, c)| (c.claim, At { article, entry }))
                    })
                },
                || outlets(articles, &by_date),
            )
        },
    );
    Index {
        mentions_of,
        quotes_by,
        assertions_of,
        outlets,
    }
}

/// Entries of the articles (in date order) grouped by their key, in
/// `0..groups`: `entries` gives each entry of an article with its key.
fn group<'a, T: Clone, I: Iterator<Item = (usize, T)>>(
    articles: &'a [ResolvedArticle],
    by_date: &[ArticleIx],
    groups: usize,
    entries: impl Fn(ArticleIx, &'a ResolvedArticle) -> I,
) -> Vec<Vec<T>> {
    let mut grouped = vec![Vec::new(); groups];
    for &article in by_date {
        for (key, entry) in entries(article, &articles[article]) {
            grouped[key].push(entry);
        }
    }
    grouped
}

/// The outlets by name, each with its articles in date order, and a slug.
fn outlets(articles: &[ResolvedArticle], by_date: &[ArticleIx]) -> Vec<Outlet> {
    let mut outlets: Vec<Outlet> = Vec::new();
    let mut outlet_by_name: HashMap<&str, usize> = HashMap::new();
    for &article_ix in by_date {
        let name = articles[article_ix].article.front.outlet.trim();
        let outlet = *outlet_by_name.entry(name).or_insert_with(|| {
            outlets.push(Outlet {
                name: name.to_owned(),
                slug: String::new(),
                articles: Vec::new(),
            });
            outlets.len() - 1
        });
        outlets[outlet].articles.push(article_ix);
    }
    outlets.sort_by_cached_key(|o| o.name.to_lowercase());
    let mut taken: HashMap<String, usize> = HashMap::new();
    for outlet in &mut outlets {
        let base = crate::model::slugify(&outlet.name);
        let base = if base.is_empty() {
            "outlet".to_owned()
        } else {
            base
        };
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        outlet.slug = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    outlets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("fa"), "rtl");
        assert_eq!(direction("en"), "ltr");
        assert_eq!(direction("fr-CA"), "ltr");
    }
}
