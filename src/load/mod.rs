//! Stage 1, load: files on disk -> [`Input`], the typed model of `model.rs`.
//!
//! Reads `config.yaml`, `content/articles/*.{md,yaml}`, `content/people(.yaml|/*.yaml)`
//! and `content/claims(.yaml|/*.yaml)`. It checks only what one file can tell
//! (syntax, types, required fields); references between files are the resolve
//! stage's job. Every problem becomes a diagnostic and loading goes on, so one
//! run reports them all.

mod article;
pub mod yaml;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::{Article, Claim, Config, Input, Person, Sourced};

pub use article::split_front_matter;

/// Loads the dossier at `root`. Returns `None` only when nothing useful could be
/// loaded (no readable config); otherwise the input plus every problem found.
pub fn load(root: &Path) -> (Option<Input>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut sources = HashMap::new();
    let config = load_config(root, &mut sources, &mut diagnostics);
    let articles = load_articles(root, &mut diagnostics);
    let people = load_list::<Person>(root, "people", &mut sources, &mut diagnostics);
    let claims = load_list::<Claim>(root, "claims", &mut sources, &mut diagnostics);
    let input = config.map(|config| Input {
        config,
        articles,
        people,
        claims,
        sources,
    });
    (input, diagnostics)
}

/// Reads a file as UTF-8 text, as a diagnostic when it can't.
pub fn read_text(root: &Path, relative: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = fs::read(root.join(relative)).map_err(|err| {
        Box::new(
            Diagnostic::error(
                "unreadable-file",
                format!("cannot read {}: {err}", relative.display()),
            )
            .in_file(relative)
            .with_hint("check that the file exists and that you may read it"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        Box::new(
            Diagnostic::error("not-utf8", format!("{} is not valid UTF-8", relative.display()))
                .at(relative, line, column)
                .with_hint("save the file as UTF-8 (most editors have an \"encoding\" option; `iconv -f WINDOWS-1252 -t UTF-8` converts)"),
        )
    })?;
    // A byte-order mark is invisible in editors; don't let it break the first key.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

fn load_config(
    root: &Path,
    sources: &mut HashMap<PathBuf, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let path = Path::new("config.yaml");
    if !root.join(path).exists() {
        diagnostics.push(
            Diagnostic::error("missing-config", format!("no config.yaml in {}", root.display()))
                .with_hint("run dossier in the dossier's folder, or pass --root DIR; config.yaml needs at least `title:`"),
        );
        return None;
    }
    let text = read_text(root, path)
        .map_err(|d| diagnostics.push(*d))
        .ok()?;
    let config = yaml::parse::<Config>(&text, path, 0)
        .map_err(|d| diagnostics.push(*d))
        .ok();
    sources.insert(path.to_owned(), text);
    config
}

fn load_articles(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Article> {
    let dir = Path::new("content/articles");
    let Ok(entries) = fs::read_dir(root.join(dir)) else {
        diagnostics.push(
            Diagnostic::warning(
                "no-articles",
                "no content/articles folder: the dossier has no articles",
            )
            .with_hint("put one Markdown file per article in content/articles/"),
        );
        return Vec::new();
    };
    let mut markdown = Vec::new();
    let mut sidecars = Vec::new();
    for entry in entries.flatten() {
        let path = dir.join(entry.file_name());
        match path.extension().and_then(|e| e.to_str()) {
            Some("md") => markdown.push(path),
            Some("yaml" | "yml") => sidecars.push(path),
            _ => {}
        }
    }
    markdown.sort();
    sidecars.sort();
    let markdown_set: HashSet<&PathBuf> = markdown.iter().collect();
    let sidecar_set: HashSet<&PathBuf> = sidecars.iter().collect();
    for sidecar in &sidecars {
        if !markdown_set.contains(&sidecar.with_extension("md")) {
            diagnostics.push(
                Diagnostic::error(
                    "orphan-sidecar",
                    format!("sidecar {} has no article", sidecar.display()),
                )
                .in_file(sidecar)
                .with_hint(format!(
                    "a sidecar annotates the article of the same name: create {} or rename the sidecar",
                    sidecar.with_extension("md").display()
                )),
            );
        }
    }
    let results: Vec<_> = markdown
        .par_iter()
        .map(|path| {
            let sidecar = [path.with_extension("yaml"), path.with_extension("yml")]
                .into_iter()
                .find(|s| sidecar_set.contains(s));
            article::load(root, path, sidecar)
        })
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    for (article, mut found) in results {
        diagnostics.append(&mut found);
        articles.extend(article);
    }
    articles
}

/// Loads `content/<name>.yaml` and/or every `content/<name>/*.yaml`, each a list.
fn load_list<T: serde::de::DeserializeOwned + Send>(
    root: &Path,
    name: &str,
    sources: &mut HashMap<PathBuf, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Sourced<T>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for ext in ["yaml", "yml"] {
        let single = PathBuf::from(format!("content/{name}.{ext}"));
        if root.join(&single).is_file() {
            files.push(single);
        }
    }
    let folder = PathBuf::from(format!("content/{name}"));
    if let Ok(entries) = fs::read_dir(root.join(&folder)) {
        let mut more: Vec<PathBuf> = entries
            .flatten()
            .map(|e| folder.join(e.file_name()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut out = Vec::new();
    for file in files {
        let text = match read_text(root, &file) {
            Ok(text) => text,
            Err(d) => {
                diagnostics.push(*d);
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match yaml::parse::<Vec<T>>(&text, &file, 0) {
            Ok(list) => out.extend(list.into_iter().enumerate().map(|(index, value)| Sourced {
                value,
                file: file.clone(),
                index,
            })),
            Err(d) => diagnostics.push(*d),
        }
        sources.insert(file, text);
    }
    out
}
