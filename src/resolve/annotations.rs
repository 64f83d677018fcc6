//! One article's annotations: sidecar entries anchored to passages with their
//! references checked, and the names found automatically in its text.

use std::collections::{HashMap, HashSet};

use super::catalog::unknown;
use super::names::{NameHit, NameMatcher};
use super::{
    direction, resolve_date, ClaimEntry, ClaimIx, IdMap, Passage, PassageIx, PassageShape,
    PersonEntry, PersonIx, ResolvedArticle, ResolvedAssertion, ResolvedDeclaredFlag,
    ResolvedMention, ResolvedNote, ResolvedQuote,
};
use crate::body::{AnchorError, Body, Selector, TextSpan};
use crate::diagnostic::Diagnostic;
use crate::load::yaml::{Doc, Step};
use crate::model::{Anchored, Article, ClaimId, ClaimKind, PersonId};

/// What resolving an article needs to look up, shared by all articles.
pub(super) struct Lookups<'a> {
    pub people: &'a [PersonEntry],
    pub person_by_id: &'a IdMap<PersonId, PersonIx>,
    pub claims: &'a [ClaimEntry],
    pub claim_by_id: &'a IdMap<ClaimId, ClaimIx>,
    pub names: &'a NameMatcher,
    pub default_language: &'a str,
    /// Ids of broken entries, already reported: not "unknown" again.
    pub broken_ids: &'a HashSet<String>,
}

/// Builds one article's passages and resolved annotations.
struct ArticleResolver<'a> {
    lookups: &'a Lookups<'a>,
    article: &'a Article,
    body: &'a Body,
    passages: Vec<Passage>,
    mark_by_span: HashMap<TextSpan, PassageIx, foldhash::fast::FixedState>,
    diagnostics: Vec<Diagnostic>,
    /// The sidecar, to point diagnostics at its entries.
    sidecar_doc: Doc<'a>,
}

pub(super) fn resolve_article(
    article: Article,
    lookups: &Lookups<'_>,
) -> (ResolvedArticle, Vec<Diagnostic>) {
    let mut body = Body::parse(&article.body);
    let sidecar = &article.sidecar;
    // Names found automatically (their passages come after the sidecar's):
    // found first, so that every list is sized once, not grown.
    let name_hits: Vec<(TextSpan, NameHit)> = body
        .linkable_runs()
        .into_iter()
        .flat_map(|(block, range)| {
            let text = &body.blocks()[block].text[range.clone()];
            lookups.names.find(text).into_iter().map(move |hit| {
                let span = TextSpan {
                    block,
                    start: range.start + hit.start,
                    end: range.start + hit.end,
                };
                (span, hit)
            })
        })
        .collect();
    let sidecar_entries = sidecar.mentions.len()
        + sidecar.quotes.len()
        + sidecar.claims.len()
        + sidecar.notes.len()
        + sidecar.flags.len();
    let mut r = ArticleResolver {
        lookups,
        article: &article,
        body: &body,
        passages: Vec::with_capacity(sidecar_entries + name_hits.len()),
        mark_by_span: HashMap::default(),
        diagnostics: Vec::new(),
        sidecar_doc: Doc::new(article.sidecar_source.as_deref().unwrap_or_default()),
    };

    let mut mentions = Vec::with_capacity(sidecar.mentions.len() + name_hits.len());
    for (i, m) in sidecar.mentions.iter().enumerate() {
        let person = r.person(&m.person, "mentions", i, "person");
        let passage = r.anchor("mentions", i, m);
        let (Some(person), Some(passage)) = (person, passage) else {
            continue;
        };
        let role = m.role.as_deref().and_then(|title| r.role(person, title, i));
        mentions.push(ResolvedMention {
            passage,
            person,
            form: None,
            spelling: None,
            role,
        });
    }

    let mut quotes = Vec::with_capacity(sidecar.quotes.len());
    for (i, q) in sidecar.quotes.iter().enumerate() {
        let speaker = r.person(&q.speaker, "quotes", i, "speaker");
        let passage = r.anchor("quotes", i, q);
        if let (Some(speaker), Some(passage)) = (speaker, passage) {
            quotes.push(ResolvedQuote { passage, speaker });
        }
    }

    let mut assertions = Vec::with_capacity(sidecar.claims.len());
    for (i, a) in sidecar.claims.iter().enumerate() {
        let claim = r.claim(&a.claim, i);
        let speaker = a
            .speaker
            .as_ref()
            .map(|id| r.person(id, "claims", i, "speaker"));
        let passage = r.anchor("claims", i, a);
        let (Some(claim), Some(passage)) = (claim, passage) else {
            continue;
        };
        // An unknown speaker is reported; the stance is then left out, not
        // given to the outlet, whose stance it is not.
        let speaker = match speaker {
            None => None,
            Some(Some(person)) => Some(person),
            Some(None) => continue,
        };
        let kind = lookups.claims[claim].claim.kind;
        if a.value.is_some() && kind != ClaimKind::Quantity {
            r.error_at(
                "claims",
                i,
                "value",
                Diagnostic::error(
                    "value-on-non-quantity",
                    format!(
                        "`value:` on claim `{}`, which is a {} claim, not a quantity",
                        a.claim,
                        kind.as_str()
                    ),
                )
                .with_hint(format!(
                    "remove `value:`, or give claim `{}` `kind: quantity` in claims.yaml",
                    a.claim
                )),
            );
        }
        let mut date = None;
        if let Some(written) = &a.date {
            if kind != ClaimKind::Date {
                r.error_at(
                    "claims",
                    i,
                    "date",
                    Diagnostic::error(
                        "date-on-non-date",
                        format!(
                            "`date:` on claim `{}`, which is a {} claim, not a date claim",
                            a.claim,
                            kind.as_str()
                        ),
                    )
                    .with_hint(format!(
                        "remove `date:`, or give claim `{}` `kind: date` in claims.yaml",
                        a.claim
                    )),
                );
            }
            match resolve_date(written, article.front.published) {
                Ok(d) => date = Some(d),
                Err(why) => r.error_at(
                    "claims",
                    i,
                    "date",
                    Diagnostic::error("invalid-date", why).with_hint(
                        "write YYYY-MM-DD (e.g. 2025-05-18) or a weekday name (e.g. Sunday)",
                    ),
                ),
            }
        }
        assertions.push(ResolvedAssertion {
            passage,
            claim,
            speaker,
            stance: a.stance,
            value: a.value,
            date,
            date_written: a.date.clone(),
        });
    }

    let mut notes = Vec::with_capacity(sidecar.notes.len());
    for (i, n) in sidecar.notes.iter().enumerate() {
        if let Some(passage) = r.anchor("notes", i, n) {
            notes.push(ResolvedNote {
                passage,
                text: n.text.clone(),
            });
        }
    }

    let mut declared_flags = Vec::with_capacity(sidecar.flags.len());
    for (i, f) in sidecar.flags.iter().enumerate() {
        if let Some(passage) = r.anchor("flags", i, f) {
            declared_flags.push(ResolvedDeclaredFlag {
                passage,
                kind: f.kind.clone(),
                text: f.text.clone(),
            });
        }
    }

    // Names found automatically, linked where they stand.
    for (span, hit) in name_hits {
        let passage = r.passages.len();
        r.passages.push(Passage {
            span,
            shape: PassageShape::NameLink(hit.person),
        });
        mentions.push(ResolvedMention {
            passage,
            person: hit.person,
            form: Some(hit.form),
            spelling: Some(hit.spelling),
            role: None,
        });
    }

    let lang = article
        .front
        .lang
        .clone()
        .unwrap_or_else(|| lookups.default_language.to_owned());
    let passages = std::mem::take(&mut r.passages);
    let diagnostics = std::mem::take(&mut r.diagnostics);
    // Every passage of the article is anchored and every problem of its
    // sidecar reported: what only that needed goes, so that later stages
    // reuse its memory.
    body.shed_match_index();
    let mut article = article;
    article.sidecar = Default::default();
    article.sidecar_source = None;
    // The Markdown too (50 MB at 10,000 articles, memory the next stages
    // would otherwise take fresh from the system): a later diagnostic that
    // points into the article reads its line from the file again.
    article.body = String::new();
    let resolved = ResolvedArticle {
        dir: direction(&lang),
        lang,
        passages,
        mentions,
        quotes,
        assertions,
        notes,
        declared_flags,
        body,
        article,
    };
    (resolved, diagnostics)
}

impl ArticleResolver<'_> {
    /// Anchors entry `index` of `section`; one passage per distinct span.
    fn anchor(
        &mut self,
        section: &'static str,
        index: usize,
        entry: &impl Anchored,
    ) -> Option<PassageIx> {
        let spec = entry.selector();
        let selector = Selector {
            quote: spec.quote,
            prefix: spec.prefix,
            suffix: spec.suffix,
            occurrence: spec.occurrence,
        };
        match self.body.find(&selector) {
            Ok(span) => Some(*self.mark_by_span.entry(span).or_insert_with(|| {
                let ix = self.passages.len();
                self.passages.push(Passage {
                    span,
                    shape: PassageShape::Mark,
                });
                ix
            })),
            Err(err) => {
                let field = match err {
                    AnchorError::OccurrenceOutOfRange { .. } => "occurrence",
                    _ => "quote",
                };
                let diagnostic = self.anchor_error(spec.quote, err);
                self.error_at(section, index, field, diagnostic);
                None
            }
        }
    }

    fn anchor_error(&self, quote: &str, err: AnchorError) -> Diagnostic {
        let md = self.article.path.display();
        let offset = self.article.body_line_offset;
        match err {
            AnchorError::EmptyQuote => Diagnostic::error("empty-quote", "the quote is empty")
                .with_hint("quote the passage exactly as the article has it"),
            AnchorError::NotFound { closest } => {
                let hint = match closest {
                    Some(c) => format!(
                        "the closest passage is at {md}:{} ({:.0}% similar): \"{}\"; quote the article's exact words",
                        c.line + offset,
                        c.similarity * 100.0,
                        c.text
                    ),
                    None => format!("no passage of {md} is close to it (passages with other numbers are never proposed: a different number may be the very discrepancy to flag); quote the article's exact words"),
                };
                Diagnostic::error(
                    "quote-not-found",
                    format!("quote not found in {md}: \"{}\"", shorten(quote)),
                )
                .with_hint(hint)
            }
            AnchorError::Ambiguous { matches } => {
                // Every match when there are a few; the first ones and a
                // count when a common phrase matches hundreds of times.
                const LISTED: usize = 12;
                let mut lines: Vec<String> = matches
                    .iter()
                    .take(LISTED)
                    .map(|m| format!("line {}: \"{}\"", m.line + offset, m.context))
                    .collect();
                if matches.len() > LISTED {
                    lines.push(format!("and {} more", matches.len() - LISTED));
                }
                Diagnostic::error(
                    "quote-ambiguous",
                    format!(
                        "quote found {} times in {md}: \"{}\"",
                        matches.len(),
                        shorten(quote)
                    ),
                )
                .with_hint(format!(
                    "add `prefix:`, `suffix:` or `occurrence: N` to pick one of: {}",
                    lines.join("; ")
                ))
            }
            AnchorError::OccurrenceOutOfRange { requested, found } => Diagnostic::error(
                "quote-occurrence",
                format!("`occurrence: {requested}` but the quote is found {found} time(s) in {md}"),
            )
            .with_hint(format!("use an occurrence from 1 to {found}")),
        }
    }

    fn person(
        &mut self,
        id: &PersonId,
        section: &'static str,
        index: usize,
        field: &'static str,
    ) -> Option<PersonIx> {
        let found = self.lookups.person_by_id.get(id).copied();
        if found.is_none() && !self.lookups.broken_ids.contains(id.as_str()) {
            let what = if field == "speaker" {
                "speaker"
            } else {
                "person"
            };
            let d = unknown(
                what,
                id.as_str(),
                self.lookups.person_by_id.keys().map(PersonId::as_str),
            );
            self.error_at(section, index, field, d);
        }
        found
    }

    fn claim(&mut self, id: &ClaimId, index: usize) -> Option<ClaimIx> {
        let found = self.lookups.claim_by_id.get(id).copied();
        if found.is_none() && !self.lookups.broken_ids.contains(id.as_str()) {
            let d = unknown(
                "claim",
                id.as_str(),
                self.lookups.claim_by_id.keys().map(ClaimId::as_str),
            );
            self.error_at("claims", index, "claim", d);
        }
        found
    }

    /// The person's role named `title` (case-insensitive).
    fn role(&mut self, person: PersonIx, title: &str, index: usize) -> Option<usize> {
        let entry = &self.lookups.people[person];
        let found = entry
            .person
            .roles
            .iter()
            .position(|r| r.title.trim().eq_ignore_ascii_case(title.trim()));
        if found.is_none() {
            let roles: Vec<String> = entry
                .person
                .roles
                .iter()
                .map(|r| format!("\"{}\"", r.title))
                .collect();
            let hint = if roles.is_empty() {
                format!(
                    "`{}` has no roles: add this one under `roles:` in {}",
                    entry.id,
                    entry.file.display()
                )
            } else {
                format!("`{}` has the roles {}", entry.id, roles.join(", "))
            };
            self.error_at(
                "mentions",
                index,
                "as",
                Diagnostic::error(
                    "unknown-role",
                    format!("`{}` has no role \"{title}\"", entry.id),
                )
                .with_hint(hint),
            );
        }
        found
    }

    /// Points `diagnostic` at `section[index].field` of the sidecar.
    fn error_at(
        &mut self,
        section: &'static str,
        index: usize,
        field: &'static str,
        diagnostic: Diagnostic,
    ) {
        let file = self
            .article
            .sidecar_path
            .clone()
            .unwrap_or_else(|| self.article.path.clone());
        let index = self.article.sidecar.source_index(section, index);
        let path = [Step::Key(section), Step::Index(index), Step::Key(field)];
        let diagnostic = self.sidecar_doc.point_at(diagnostic, &file, &path);
        self.diagnostics.push(diagnostic);
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
