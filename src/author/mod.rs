//! Writing a dossier: `init` (a new dossier that builds at once), `new
//! article` (an empty article and sidecar) and `import` (raw text copied out
//! of a news page -> an article, in `import.rs`).
//!
//! None of them ever overwrites a file: each refuses and says why.

pub mod import;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// The files of a new dossier: (path inside it, text).
const SKELETON: &[(&str, &str)] = &[
    ("config.yaml", include_str!("skeleton/config.yaml")),
    ("README.md", include_str!("skeleton/README.md")),
    (".gitignore", include_str!("skeleton/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("skeleton/.github/workflows/pages.yml"),
    ),
    (
        "content/people.yaml",
        include_str!("skeleton/content/people.yaml"),
    ),
    (
        "content/claims.yaml",
        include_str!("skeleton/content/claims.yaml"),
    ),
    (
        "content/articles/harbour-bridge-to-reopen.md",
        include_str!("skeleton/content/articles/harbour-bridge-to-reopen.md"),
    ),
    (
        "content/articles/harbour-bridge-to-reopen.yaml",
        include_str!("skeleton/content/articles/harbour-bridge-to-reopen.yaml"),
    ),
];

/// Creates a new dossier in `dir`, which must be missing or empty; returns
/// the files written. A folder with anything in it is left as it was.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "{} is not empty; nothing was written (init makes a new dossier in an empty or new folder)",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    }
    let mut written = Vec::new();
    for (path, text) in SKELETON {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_new(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// The front matter of `dossier new article`.
#[derive(Debug, Default)]
pub struct NewArticle {
    pub slug: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
}

/// Writes `<articles>/<slug>.md` (front matter, no body) and an empty
/// sidecar `<slug>.yaml`; refuses when either exists. Returns both paths.
pub fn new_article(articles: &Path, new: &NewArticle) -> Result<[PathBuf; 2], String> {
    let slug = &new.slug;
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "`{slug}` is no article slug: use lower-case letters, digits and `-` (for example `{}`)",
            import::slugify(slug).trim_matches('-')
        ));
    }
    if let Some(date) = &new.published {
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| format!("--published {date}: write the date as YYYY-MM-DD"))?;
    }
    if let Some(url) = &new.url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!(
                "--url {url}: write the article's full address, starting with https://"
            ));
        }
    }
    let md = articles.join(format!("{slug}.md"));
    let sidecar = articles.join(format!("{slug}.yaml"));
    for path in [&md, &sidecar] {
        if path.exists() {
            return Err(format!(
                "{} already exists; nothing was written",
                path.display()
            ));
        }
    }
    let title = {
        let words = slug.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut front = format!(
        "---\ntitle: {}   # the headline, as printed\n",
        quoted(&title)
    );
    match &new.outlet {
        Some(outlet) => front.push_str(&format!("outlet: {}\n", quoted(outlet))),
        None => front.push_str("outlet:   # required: the outlet's name\n"),
    }
    match &new.published {
        Some(date) => front.push_str(&format!("published: {date}\n")),
        None => front.push_str("published:   # required: YYYY-MM-DD\n"),
    }
    if let Some(url) = &new.url {
        front.push_str(&format!("url: {}\n", quoted(url)));
    }
    front.push_str("---\n");
    fs::create_dir_all(articles)
        .map_err(|e| format!("cannot create {}: {e}", articles.display()))?;
    write_new(&md, &front)?;
    write_new(&sidecar, SIDECAR)?;
    Ok([md, sidecar])
}

/// An empty sidecar: every section named, none filled.
const SIDECAR: &str = "\
# Annotations of this article. Each entry quotes the passage it is about.
# mentions:    # people referred to without their name
#   - quote: \"the president's envoy\"
#     person: steve-witkoff
# quotes:      # direct speech
#   - quote: \"...\"
#     speaker: person-id
# claims:      # this article's stance on a claim of claims.yaml
#   - claim: claim-id
#     quote: \"...\"
# notes:       # your remarks, shown beside the passage
#   - quote: \"...\"
#     text: \"...\"
# flags:       # inconsistencies no rule finds
#   - quote: \"...\"
#     kind: anachronism
#     text: \"...\"
";

/// One raw text imported into `into`.
pub struct ImportedFile {
    pub written: PathBuf,
    pub imported: import::Imported,
}

/// Imports the raw text at `file` into a new article in `into`; refuses to
/// overwrite an article of the same name.
pub fn import_file(file: &Path, into: &Path) -> Result<ImportedFile, String> {
    let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", file.display()))?;
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let imported = import::import(&name, &text);
    let written = into.join(format!("{}.md", imported.slug));
    if written.exists() || into.join(format!("{}.yaml", imported.slug)).exists() {
        return Err(format!(
            "{} already exists; {} was not imported (rename or delete the article first)",
            written.display(),
            file.display()
        ));
    }
    fs::create_dir_all(into).map_err(|e| format!("cannot create {}: {e}", into.display()))?;
    write_new(&written, &imported.markdown)?;
    Ok(ImportedFile { written, imported })
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{} already exists; it was not overwritten", path.display())
            }
            _ => format!("cannot write {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
