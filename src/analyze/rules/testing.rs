//! Small dossiers for the rules' unit tests, built through the real load and
//! resolve stages from files written into a temporary folder.

use std::collections::BTreeMap;

use crate::analyze::Finding;
use crate::resolve::Dossier;

/// The files of a test dossier. `config.yaml` has a title unless replaced.
pub struct TestDossier {
    files: BTreeMap<String, String>,
}

impl TestDossier {
    pub fn new() -> Self {
        let mut files = BTreeMap::new();
        files.insert("config.yaml".to_owned(), "title: Test dossier\n".to_owned());
        files.insert("content/people.yaml".to_owned(), "[]\n".to_owned());
        files.insert("content/claims.yaml".to_owned(), "[]\n".to_owned());
        TestDossier { files }
    }

    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_owned(), text.to_owned());
        self
    }

    pub fn people(self, yaml: &str) -> Self {
        self.file("content/people.yaml", yaml)
    }

    pub fn claims(self, yaml: &str) -> Self {
        self.file("content/claims.yaml", yaml)
    }

    /// An article `slug` by `outlet`, published on `date` (YYYY-MM-DD), with
    /// `sidecar` as its annotations (no sidecar when empty).
    pub fn article(self, slug: &str, outlet: &str, date: &str, body: &str, sidecar: &str) -> Self {
        let md = format!(
            "---\ntitle: \"{slug}\"\noutlet: \"{outlet}\"\npublished: {date}\n---\n{body}\n"
        );
        let this = self.file(&format!("content/articles/{slug}.md"), &md);
        if sidecar.trim().is_empty() {
            this
        } else {
            this.file(&format!("content/articles/{slug}.yaml"), sidecar)
        }
    }

    /// Loads and resolves the dossier; panics on any error, so a test never
    /// passes on a dossier that did not resolve as written.
    pub fn build(&self) -> BuiltDossier {
        let dir = tempfile::tempdir().expect("temporary folder");
        for (path, text) in &self.files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (input, mut diagnostics) = crate::load::load(dir.path());
        let input = input.expect("the test dossier loads");
        let (dossier, found) = crate::resolve::resolve(input);
        diagnostics.extend(found);
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render(false))
            .collect();
        assert!(
            errors.is_empty(),
            "the test dossier has errors:\n{}",
            errors.join("\n")
        );
        BuiltDossier { dossier, _dir: dir }
    }
}

/// A test dossier and its folder, kept as long as the dossier: diagnostics
/// read an article's lines again from its file.
pub struct BuiltDossier {
    dossier: Dossier,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for BuiltDossier {
    type Target = Dossier;

    fn deref(&self) -> &Dossier {
        &self.dossier
    }
}

/// The passages of a finding as (article slug, passage text), sorted.
pub fn passages(dossier: &Dossier, finding: &Finding) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = finding
        .passages
        .iter()
        .map(|p| {
            let a = &dossier.articles[p.article];
            (a.slug().to_owned(), a.passage_text(p.passage).to_owned())
        })
        .collect();
    out.sort();
    out
}

/// `passages` for string literals.
pub fn expect(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    out.sort();
    out
}
