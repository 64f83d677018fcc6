//! `declared`: the editor's own `flags:` entries, shown like computed ones.

use crate::analyze::{Finding, FlagPassage};
use crate::resolve::Dossier;

pub fn check(dossier: &Dossier) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (article, a) in dossier.articles.iter().enumerate() {
        for flag in &a.declared_flags {
            let mut finding = Finding::new(
                flag.text.trim(),
                vec![FlagPassage {
                    article,
                    passage: flag.passage,
                }],
            );
            finding.kind = Some(flag.kind.clone());
            // A declared flag concerns whoever and whatever its passage names.
            let span = a.passage(flag.passage).span;
            for m in &a.mentions {
                if overlaps(a.passage(m.passage).span, span) {
                    finding.people.push(m.person);
                }
            }
            for c in &a.assertions {
                if overlaps(a.passage(c.passage).span, span) {
                    finding.claims.push(c.claim);
                }
            }
            findings.push(finding);
        }
    }
    findings
}

fn overlaps(a: crate::body::TextSpan, b: crate::body::TextSpan) -> bool {
    a.block == b.block && a.start < b.end && b.start < a.end
}
