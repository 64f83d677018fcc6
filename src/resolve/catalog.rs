//! People and claims: ids assigned and made unique, references between claims
//! (`contradicts`, `total`, `parts`) and from claims to people (`about`) checked.

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use super::{ClaimEntry, ClaimIx, IdMap, PersonEntry, PersonIx};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::load::yaml::{Docs, Step};
use crate::model::{is_valid_id, slugify, Claim, ClaimId, ClaimKind, Person, PersonId, Sourced};

/// A diagnostic at `path` inside entry `index` of the list in `file`.
pub(super) fn at_entry(
    diagnostic: Diagnostic,
    sources: &Docs<'_>,
    file: &Path,
    path: &[Step<'_>],
) -> Diagnostic {
    sources.point_at(diagnostic, file, path)
}

/// `file:line` of entry `index` of the list in `file`.
fn entry_location(sources: &Docs<'_>, file: &Path, index: usize) -> String {
    let (line, _) = sources.locate(file, &[Step::Index(index)]);
    format!("{}:{line}", file.display())
}

pub(super) fn people(
    list: Vec<Sourced<Person>>,
    sources: &Docs<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PersonEntry>, IdMap<PersonId, PersonIx>) {
    let mut entries: Vec<PersonEntry> = Vec::with_capacity(list.len());
    let mut by_id: IdMap<PersonId, PersonIx> =
        IdMap::with_capacity_and_hasher(list.len(), Default::default());
    for Sourced { value, file, index } in list {
        let id = value
            .id
            .clone()
            .unwrap_or_else(|| PersonId(slugify(&value.name)));
        if !is_valid_id(id.as_str()) {
            diagnostics.push(
                at_entry(
                    Diagnostic::error("invalid-id", format!("`{id}` cannot be a person id")),
                    sources,
                    &file,
                    &[Step::Index(index), Step::Key(if value.id.is_some() { "id" } else { "name" })],
                )
                .with_hint("ids name page files: use letters, digits, `-`, `_` and `.` (e.g. `steve-witkoff`)"),
            );
            continue;
        }
        if let Some(&first) = by_id.get(&id) {
            let first = &entries[first];
            let (field, how) = match value.id {
                Some(_) => ("id", "give one of them another `id:`"),
                None => (
                    "name",
                    "two people with the same name need an `id:` each to tell them apart",
                ),
            };
            diagnostics.push(
                at_entry(
                    Diagnostic::error("duplicate-id", format!("person id `{id}` is used twice")),
                    sources,
                    &file,
                    &[Step::Index(index), Step::Key(field)],
                )
                .with_hint(format!(
                    "the first is at {}; {how}",
                    entry_location(sources, &first.file, first.index)
                )),
            );
            continue;
        }
        for (r, role) in value.roles.iter().enumerate() {
            if let (Some(from), Some(to)) = (role.from, role.to) {
                if to < from {
                    diagnostics.push(
                        at_entry(
                            Diagnostic::error(
                                "invalid-date",
                                format!(
                                    "role `{}` ends ({to}) before it begins ({from})",
                                    role.title
                                ),
                            ),
                            sources,
                            &file,
                            &[
                                Step::Index(index),
                                Step::Key("roles"),
                                Step::Index(r),
                                Step::Key("to"),
                            ],
                        )
                        .with_hint("swap `from:` and `to:`, or correct the year"),
                    );
                }
            }
        }
        by_id.insert(id.clone(), entries.len());
        entries.push(PersonEntry {
            id,
            person: value,
            file,
            index,
        });
    }
    (entries, by_id)
}

pub(super) fn claims(
    list: Vec<Sourced<Claim>>,
    person_by_id: &IdMap<PersonId, PersonIx>,
    sources: &Docs<'_>,
    broken_ids: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ClaimEntry>, IdMap<ClaimId, ClaimIx>) {
    let mut entries: Vec<ClaimEntry> = Vec::with_capacity(list.len());
    let mut by_id: IdMap<ClaimId, ClaimIx> =
        IdMap::with_capacity_and_hasher(list.len(), Default::default());
    for Sourced { value, file, index } in list {
        if !is_valid_id(value.id.as_str()) {
            diagnostics.push(
                at_entry(
                    Diagnostic::error("invalid-id", format!("`{}` cannot be a claim id", value.id)),
                    sources,
                    &file,
                    &[Step::Index(index), Step::Key("id")],
                )
                .with_hint("ids name page files: use letters, digits, `-`, `_` and `.` (e.g. `war-duration`)"),
            );
            continue;
        }
        if let Some(&first) = by_id.get(&value.id) {
            let first = &entries[first];
            diagnostics.push(
                at_entry(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("claim id `{}` is used twice", value.id),
                    ),
                    sources,
                    &file,
                    &[Step::Index(index), Step::Key("id")],
                )
                .with_hint(format!(
                    "the first is at {}; give one of them another id",
                    entry_location(sources, &first.file, first.index)
                )),
            );
            continue;
        }
        by_id.insert(value.id.clone(), entries.len());
        entries.push(ClaimEntry {
            text: String::new(),
            claim: value,
            file,
            index,
            about: Vec::new(),
            contradicts: Vec::new(),
            total: None,
            parts: Vec::new(),
        });
    }
    // Markdown of tens of thousands of statements: in parallel.
    entries.par_iter_mut().for_each(|entry| {
        let text = crate::body::plain_text(&entry.claim.statement);
        entry.text = if text.is_empty() {
            entry.claim.id.to_string()
        } else {
            text
        };
    });
    // References are resolved once every id is known, so order in the files
    // does not matter.
    for ix in 0..entries.len() {
        let entry = &entries[ix];
        let here = |field: &'static str, i: Option<usize>| {
            let mut path = vec![Step::Index(entry.index), Step::Key(field)];
            path.extend(i.map(Step::Index));
            path
        };
        let mut about = Vec::new();
        for (i, person) in entry.claim.about.iter().enumerate() {
            match person_by_id.get(person) {
                Some(&p) => about.push(p),
                None if broken_ids.contains(person.as_str()) => {}
                None => diagnostics.push(at_entry(
                    unknown(
                        "person",
                        person.as_str(),
                        person_by_id.keys().map(PersonId::as_str),
                    ),
                    sources,
                    &entry.file,
                    &here("about", Some(i)),
                )),
            }
        }
        let claim_ref = |id: &ClaimId,
                         field: &'static str,
                         i: Option<usize>,
                         diagnostics: &mut Vec<Diagnostic>| {
            match by_id.get(id) {
                Some(&c) => Some(c),
                None if broken_ids.contains(id.as_str()) => None,
                None => {
                    diagnostics.push(at_entry(
                        unknown("claim", id.as_str(), by_id.keys().map(ClaimId::as_str)),
                        sources,
                        &entry.file,
                        &here(field, i),
                    ));
                    None
                }
            }
        };
        let contradicts: Vec<ClaimIx> = entry
            .claim
            .contradicts
            .iter()
            .enumerate()
            .filter_map(|(i, id)| claim_ref(id, "contradicts", Some(i), diagnostics))
            .collect();
        let total = entry
            .claim
            .total
            .as_ref()
            .and_then(|id| claim_ref(id, "total", None, diagnostics));
        let parts: Vec<ClaimIx> = entry
            .claim
            .parts
            .iter()
            .enumerate()
            .filter_map(|(i, id)| claim_ref(id, "parts", Some(i), diagnostics))
            .collect();
        if entry.claim.kind == ClaimKind::Sum {
            if entry.claim.total.is_none() || entry.claim.parts.is_empty() {
                diagnostics.push(
                    at_entry(
                        Diagnostic::error("sum-incomplete", format!("sum claim `{}` needs a `total:` and `parts:`", entry.claim.id)),
                        sources,
                        &entry.file,
                        &[Step::Index(entry.index)],
                    )
                    .with_hint("name the quantity claim for the total, and the quantity claims that should add up to it"),
                );
            }
            for (field, i, c) in total.map(|c| ("total", None, c)).into_iter().chain(
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| ("parts", Some(i), c)),
            ) {
                let other = &entries[c].claim;
                if other.kind != ClaimKind::Quantity {
                    diagnostics.push(
                        at_entry(
                            Diagnostic::error(
                                "sum-of-non-quantity",
                                format!("sum claim `{}` adds up `{}`, which is a {} claim, not a quantity", entry.claim.id, other.id, other.kind.as_str()),
                            ),
                            sources,
                            &entry.file,
                            &here(field, i),
                        )
                        .with_hint(format!("give `{}` `kind: quantity` (and a unit), or leave it out of the sum", other.id)),
                    );
                }
            }
        } else if entry.claim.total.is_some() || !entry.claim.parts.is_empty() {
            diagnostics.push(
                at_entry(
                    Diagnostic::warning(
                        "unused-field",
                        format!(
                            "claim `{}` has `total:`/`parts:` but is not `kind: sum`",
                            entry.claim.id
                        ),
                    ),
                    sources,
                    &entry.file,
                    &[Step::Index(entry.index), Step::Key("kind")],
                )
                .with_hint("add `kind: sum`, or remove `total:` and `parts:`"),
            );
        }
        let entry = &mut entries[ix];
        entry.about = about;
        entry.contradicts = contradicts;
        entry.total = total;
        entry.parts = parts;
    }
    (entries, by_id)
}

/// "unknown person `x`" with a did-you-mean hint.
pub(super) fn unknown<'a>(
    what: &str,
    id: &str,
    known: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    let file = if what == "claim" { "claims" } else { "people" };
    let hint = match did_you_mean(id, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if known.is_empty() => {
            format!("there is no {what} yet: add `{id}` to content/{file}.yaml")
        }
        None => format!(
            "add `{id}` to content/{file}.yaml, or use one of the {} known ids",
            known.len()
        ),
    };
    Diagnostic::error("unknown-reference", format!("unknown {what} `{id}`")).with_hint(hint)
}
