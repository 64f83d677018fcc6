//! Helpers shared by the integration tests: build a fixture dossier into a
//! temporary folder, read its pages as parsed HTML, and check its links.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A built site in a temporary folder.
pub struct Site {
    pub _dir: tempfile::TempDir,
    pub out: PathBuf,
    pub built: dossier::Built,
}

impl Site {
    pub fn page(&self, path: &str) -> Html {
        let text =
            fs::read_to_string(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        Html::parse_document(&text)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&fs::read(self.out.join("dossier.json")).unwrap()).unwrap()
    }
}

/// Builds the dossier at `root` into a fresh temporary folder; panics with the
/// diagnostics if the build fails.
pub fn build(root: &Path) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let built = dossier::build(&dossier::BuildOptions {
        root: root.to_owned(),
        output: out.clone(),
        on_page: None,
        before_render: None,
    });
    if built.summary.is_none() {
        let text: Vec<String> = built.diagnostics.iter().map(|d| d.render(false)).collect();
        panic!("build of {} failed:\n{}", root.display(), text.join("\n"));
    }
    Site {
        _dir: dir,
        out,
        built,
    }
}

/// Copies the folder `from` (a fixture) to `to`, to be changed by a test.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|_| panic!("bad selector {s}"))
}

/// The text of the first element matching `selector`, whitespace collapsed.
pub fn text_of(doc: &Html, selector: &str) -> String {
    let el = doc
        .select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no element {selector}"));
    collapse(&el.text().collect::<String>())
}

pub fn texts_of(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| collapse(&e.text().collect::<String>()))
        .collect()
}

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn html_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_owned())
        .collect();
    files.sort();
    files
}

/// Walks every page of the site and checks that every relative `href`/`src`
/// resolves to a file inside the site and every `#fragment` to an element id
/// of the target page. Returns the problems found (empty when all is well).
pub fn broken_links(site_root: &Path) -> Vec<String> {
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let id_sel = sel("[id]");
    let link_sel = sel("[href], [src]");
    let mut links: Vec<(PathBuf, String)> = Vec::new();
    for file in html_files(site_root) {
        let file = file.canonicalize().unwrap();
        let doc = Html::parse_document(&fs::read_to_string(&file).unwrap());
        ids.insert(
            file.clone(),
            doc.select(&id_sel)
                .filter_map(|e| e.value().attr("id"))
                .map(str::to_owned)
                .collect(),
        );
        for el in doc.select(&link_sel) {
            for attr in ["href", "src"] {
                if let Some(v) = el.value().attr(attr) {
                    links.push((file.clone(), v.to_owned()));
                }
            }
        }
    }
    let mut problems = Vec::new();
    let site_root = site_root.canonicalize().unwrap();
    for (from, link) in links {
        if link.contains("://") || link.starts_with("mailto:") {
            continue;
        }
        let (path, fragment) = match link.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (link.as_str(), None),
        };
        let target = if path.is_empty() {
            from.clone()
        } else {
            from.parent().unwrap().join(path)
        };
        let Ok(target) = target.canonicalize() else {
            problems.push(format!("{}: {link} -> missing file", from.display()));
            continue;
        };
        if !target.starts_with(&site_root) {
            problems.push(format!("{}: {link} leaves the site", from.display()));
            continue;
        }
        if target.is_dir() {
            problems.push(format!(
                "{}: {link} points at a folder (breaks from file://)",
                from.display()
            ));
            continue;
        }
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            let target_ids = match ids.get(&target) {
                Some(ids) => ids,
                None => {
                    let doc =
                        Html::parse_document(&fs::read_to_string(&target).unwrap_or_default());
                    ids.insert(
                        target.clone(),
                        doc.select(&id_sel)
                            .filter_map(|e| e.value().attr("id"))
                            .map(str::to_owned)
                            .collect(),
                    );
                    &ids[&target]
                }
            };
            if !target_ids.contains(fragment) {
                problems.push(format!(
                    "{}: {link} -> no element id `{fragment}`",
                    from.display()
                ));
            }
        }
    }
    problems
}
