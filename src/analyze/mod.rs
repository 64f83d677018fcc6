//! Stage 3, analyze: the resolved [`Dossier`] -> [`Analysis`], every
//! inconsistency as a [`Flag`].
//!
//! Each rule of the contract lives in its own module under `rules/` and only
//! reads the dossier and its indexes; it never scans all articles per person or
//! per claim. This module runs the rules the config has not turned off, gives
//! each finding its severity, and indexes the flags by article, person and
//! claim for the render stage; [`flag_ids`] gives them their stable ids when
//! the site needs them (`check` does not). `suggest` adds warnings (not flags)
//! that help annotate more completely.

pub mod rules;
pub mod suggest;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::Serialize;

use crate::body::TextSpan;
use crate::diagnostic::Diagnostic;
use crate::model::CheckLevel;
use crate::resolve::{ArticleIx, ClaimIx, Dossier, PassageIx, PersonIx, ResolvedArticle};

/// One inconsistency, as shown in the site and exported in dossier.json.
#[derive(Clone, Debug)]
pub struct Flag {
    /// A rule id of the contract, or `declared` for an editor's `flags:` entry.
    pub rule: &'static str,
    /// For declared flags: the editor's `kind`.
    pub kind: Option<String>,
    pub level: CheckLevel,
    /// One plain sentence that names the other sources and what they say.
    pub message: String,
    pub people: Vec<PersonIx>,
    pub claims: Vec<ClaimIx>,
    pub passages: Vec<FlagPassage>,
    /// Extra detail for the flag's entry, e.g. a word-level difference of two
    /// quotes, as (text, changed) pieces.
    pub diff: Vec<DiffPiece>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlagPassage {
    pub article: ArticleIx,
    pub passage: PassageIx,
}

/// A piece of a word-level difference between two quotes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffPiece {
    pub text: String,
    /// `removed` (only in the first), `added` (only in the second) or `same`.
    pub change: &'static str,
}

/// What a rule reports; the analyzer adds id and severity.
#[derive(Clone, Debug)]
pub struct Finding {
    pub message: String,
    pub kind: Option<String>,
    pub people: Vec<PersonIx>,
    pub claims: Vec<ClaimIx>,
    pub passages: Vec<FlagPassage>,
    pub diff: Vec<DiffPiece>,
}

impl Finding {
    pub fn new(message: impl Into<String>, passages: Vec<FlagPassage>) -> Self {
        Finding {
            message: message.into(),
            kind: None,
            people: Vec::new(),
            claims: Vec::new(),
            passages,
            diff: Vec::new(),
        }
    }

    pub fn people(mut self, people: impl IntoIterator<Item = PersonIx>) -> Self {
        self.people.extend(people);
        self
    }

    pub fn claims(mut self, claims: impl IntoIterator<Item = ClaimIx>) -> Self {
        self.claims.extend(claims);
        self
    }
}

pub type FlagIx = usize;

pub struct Analysis {
    /// Flags ordered by rule, then by first passage.
    pub flags: Vec<Flag>,
    pub by_article: Vec<Vec<FlagIx>>,
    pub by_person: Vec<Vec<FlagIx>>,
    pub by_claim: Vec<Vec<FlagIx>>,
}

/// Runs every rule not turned `off` in `checks:`. Findings of rules set to
/// `error` or `warning` are also returned as diagnostics, with the
/// suggestions for annotating more completely ([`suggest`]).
pub fn analyze(dossier: &Dossier) -> (Analysis, Vec<Diagnostic>) {
    let mut diagnostics = check_config(dossier);
    // The rules and the suggestions only read the dossier: they run side by
    // side, and the rules' findings are then taken in the order of the rules
    // (ids must not depend on which rule finished first).
    let (suggestions, findings) = rayon::join(
        || suggest::suggest(dossier),
        || {
            rules::ALL
                .par_iter()
                .with_max_len(1)
                .map(|rule| {
                    let level = level_of(dossier, rule.id);
                    if level == CheckLevel::Off {
                        return (rule, level, Vec::new());
                    }
                    let mut findings = (rule.check)(dossier);
                    for f in &mut findings {
                        f.passages.sort();
                        f.passages.dedup();
                        f.people.sort_unstable();
                        f.people.dedup();
                        f.claims.sort_unstable();
                        f.claims.dedup();
                    }
                    findings.sort_by(|a, b| a.passages.cmp(&b.passages));
                    (rule, level, findings)
                })
                .collect::<Vec<_>>()
        },
    );
    diagnostics.extend(suggestions);
    let mut flags = Vec::with_capacity(findings.iter().map(|(_, _, f)| f.len()).sum());
    for (rule, level, findings) in findings {
        for finding in findings {
            let level = match &finding.kind {
                Some(kind) => dossier
                    .config
                    .checks
                    .get(kind.as_str())
                    .copied()
                    .unwrap_or(level),
                None => level,
            };
            if level == CheckLevel::Off {
                continue;
            }
            flags.push(Flag {
                rule: rule.id,
                kind: finding.kind,
                level,
                message: finding.message,
                people: finding.people,
                claims: finding.claims,
                passages: finding.passages,
                diff: finding.diff,
            });
        }
    }
    for flag in &flags {
        if let Some(severity) = match flag.level {
            CheckLevel::Error => Some(Diagnostic::error as fn(&'static str, String) -> Diagnostic),
            CheckLevel::Warning => {
                Some(Diagnostic::warning as fn(&'static str, String) -> Diagnostic)
            }
            _ => None,
        } {
            diagnostics.push(flag_diagnostic(dossier, flag, severity));
        }
    }
    // The three indexes of the flags, side by side: each is a pass over
    // every flag, pushing onto lists all over memory.
    let ((by_article, by_person), by_claim) = rayon::join(
        || {
            rayon::join(
                || {
                    flags_by(&flags, dossier.articles.len(), |flag| {
                        flag.passages.iter().map(|p| p.article)
                    })
                },
                || {
                    flags_by(&flags, dossier.people.len(), |flag| {
                        flag.people.iter().copied()
                    })
                },
            )
        },
        || {
            flags_by(&flags, dossier.claims.len(), |flag| {
                flag.claims.iter().copied()
            })
        },
    );
    let analysis = Analysis {
        by_article,
        by_person,
        by_claim,
        flags,
    };
    (analysis, diagnostics)
}

/// For each of `0..len`, the flags that `keys` gives it, each once, in
/// order.
fn flags_by<'f, I: Iterator<Item = usize>>(
    flags: &'f [Flag],
    len: usize,
    keys: impl Fn(&'f Flag) -> I,
) -> Vec<Vec<FlagIx>> {
    let mut by: Vec<Vec<FlagIx>> = vec![Vec::new(); len];
    for (ix, flag) in flags.iter().enumerate() {
        for key in keys(flag) {
            if by[key].last() != Some(&ix) {
                by[key].push(ix);
            }
        }
    }
    by
}

fn level_of(dossier: &Dossier, rule: &str) -> CheckLevel {
    dossier
        .config
        .checks
        .get(rule)
        .copied()
        .unwrap_or(CheckLevel::Flag)
}

/// `checks:` keys must name a rule or a declared kind in use.
fn check_config(dossier: &Dossier) -> Vec<Diagnostic> {
    let declared: HashSet<&str> = dossier
        .articles
        .iter()
        .flat_map(|a| a.declared_flags.iter().map(|f| f.kind.as_str()))
        .collect();
    let known: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.id)
        .chain(suggest::CODES.iter().copied())
        .collect();
    let source = dossier
        .sources
        .get(std::path::Path::new("config.yaml"))
        .map(String::as_str)
        .unwrap_or_default();
    dossier
        .config
        .checks
        .keys()
        .filter(|k| !known.contains(&k.as_str()) && !declared.contains(k.as_str()))
        .map(|k| {
            let hint = match crate::diagnostic::did_you_mean(k, known.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the rules are: {}", known.join(", ")),
            };
            let d = Diagnostic::warning("unknown-check", format!("`checks:` names no rule `{k}`"))
                .with_hint(hint);
            crate::load::yaml::point_at(
                d,
                std::path::Path::new("config.yaml"),
                source,
                &[
                    crate::load::yaml::Step::Key("checks"),
                    crate::load::yaml::Step::Key(k),
                ],
            )
        })
        .collect()
}

fn flag_diagnostic(
    dossier: &Dossier,
    flag: &Flag,
    make: fn(&'static str, String) -> Diagnostic,
) -> Diagnostic {
    let mut d = make(flag.rule, flag.message.clone());
    if let Some(first) = flag.passages.first() {
        let article = &dossier.articles[first.article];
        d = at_passage(
            d,
            &dossier.root,
            article,
            article.passage(first.passage).span,
        );
    }
    d.with_hint(format!(
        "set `checks: {{{}: flag}}` in config.yaml to show it in the site without failing the build",
        flag.kind.as_deref().unwrap_or(flag.rule)
    ))
}

/// Points `d` at `span` of `article`'s Markdown file: its line, the column
/// where the passage's text starts on that line (1 when it does not start
/// there, e.g. when Markdown syntax sits inside it), and its width.
///
/// The file is read again from `root`: a resolved article keeps no Markdown.
/// If it went since, the diagnostic still names the line, without showing
/// it; if it changed since, it shows the line as the file has it now.
pub(crate) fn at_passage(
    d: Diagnostic,
    root: &Path,
    article: &ResolvedArticle,
    span: TextSpan,
) -> Diagnostic {
    let text = article.body.text(span);
    let line = article.body.line_of(span) + article.article.body_line_offset;
    let source = std::fs::read_to_string(root.join(&article.article.path)).unwrap_or_default();
    let source_line = source.lines().nth(line - 1).unwrap_or_default();
    let column = source_line
        .find(text)
        .map(|byte| 1 + source_line[..byte].chars().count())
        .unwrap_or(1);
    d.at_source(
        &article.article.path,
        &source,
        line,
        column,
        text.chars().count(),
    )
}

/// Each flag's id, by index: `<rule>-<8 hex digits>`, stable across builds.
/// Derived from the rule and the passages' words, not from positions in the
/// dossier, so unrelated edits do not change it.
///
/// Only the site needs ids, so `check` never computes them: reading every
/// flagged passage's words again costs a 10,000-article `check` about 2%.
pub fn flag_ids(dossier: &Dossier, flags: &[Flag]) -> Vec<String> {
    let bases: Vec<String> = flags
        .par_iter()
        .with_max_len(crate::PIECE)
        .map(|flag| base_id(dossier, flag))
        .collect();
    let mut taken = HashSet::with_capacity_and_hasher(bases.len(), FixedState::default());
    bases
        .into_iter()
        .map(|base| unique_id(base, &mut taken))
        .collect()
}

/// `<rule>-<8 hex digits>` from the rule, the passages' article slugs and
/// words, and the claims and people involved; [`unique_id`] settles
/// collisions (the same words flagged twice by one rule).
fn base_id(dossier: &Dossier, flag: &Flag) -> String {
    let rule = flag.rule;
    let mut hasher = Fnv64::default();
    hasher.write(rule.as_bytes());
    let mut keys: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &flag.passages {
        let article = &dossier.articles[p.article];
        keys.entry(article.slug())
            .or_default()
            .push(article.passage_text(p.passage));
    }
    for (slug, mut texts) in keys {
        texts.sort_unstable();
        hasher.write(slug.as_bytes());
        for t in texts {
            hasher.write(t.as_bytes());
        }
    }
    for &c in &flag.claims {
        hasher.write(dossier.claims[c].claim.id.as_str().as_bytes());
    }
    for &p in &flag.people {
        hasher.write(dossier.people[p].id.as_str().as_bytes());
    }
    if let Some(kind) = &flag.kind {
        hasher.write(kind.as_bytes());
    }
    format!("{rule}-{:08x}", hasher.0 as u32 ^ (hasher.0 >> 32) as u32)
}

/// `base`, or `base-2`, `base-3`... when two findings hash alike.
fn unique_id(base: String, taken: &mut HashSet<String, FixedState>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !taken.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// FNV-1a: tiny and, unlike std's hasher, the same in every build.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}
