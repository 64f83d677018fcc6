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
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::{slugify, Article, Claim, Config, Input, Person, Sourced};

pub use article::split_front_matter;

/// Loads the dossier at `root`. Returns `None` only when nothing useful could be
/// loaded (no readable config); otherwise the input plus every problem found.
pub fn load(root: &Path) -> (Option<Input>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut sources = HashMap::new();
    let config = load_config(root, &mut sources, &mut diagnostics);
    let mut broken_ids = HashSet::new();
    // The articles (in parallel among themselves) and the two catalogues,
    // each one large YAML file read by one thread, side by side.
    let ((articles, mut found), (people, claims)) = rayon::join(
        || {
            let mut found = Vec::new();
            (load_articles(root, &mut found), found)
        },
        || {
            let people = load_list::<Person>(
                root,
                "people",
                &mut sources,
                &mut broken_ids,
                &mut diagnostics,
            );
            let claims = load_list::<Claim>(
                root,
                "claims",
                &mut sources,
                &mut broken_ids,
                &mut diagnostics,
            );
            (people, claims)
        },
    );
    diagnostics.append(&mut found);
    let input = config.map(|config| Input {
        root: root.to_owned(),
        config,
        articles,
        people,
        claims,
        sources,
        broken_ids,
    });
    (input, diagnostics)
}

/// The largest file the generator reads. A news article is well under 1 MB;
/// a file this big is a mistake (a whole scraped site, a binary), and
/// refusing it keeps a run's time and memory bounded.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file as UTF-8 text, as a diagnostic when it can't.
pub fn read_text(root: &Path, relative: &Path) -> Result<String, Box<Diagnostic>> {
    read_opened(open_to_read(&root.join(relative)), relative)
}

/// Opens a file to read it, without blocking: a pipe opened for reading
/// would wait for a writer. (Opened before it is looked at: one path lookup,
/// not two.)
fn open_to_read(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    options.open(path)
}

/// A folder whose files are opened by name: its path is walked once, not
/// again for each file. (At 10,000 articles, 20,000 files, the kernel's
/// opening of them went from 3.5% to 2.3% of a `check`.)
pub struct Folder {
    /// Where the folder is, relative to the dossier's root: for messages.
    relative: PathBuf,
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: PathBuf,
}

impl Folder {
    pub fn open(root: &Path, relative: &Path) -> std::io::Result<Folder> {
        let path = root.join(relative);
        Ok(Folder {
            relative: relative.to_owned(),
            #[cfg(unix)]
            fd: rustix::fs::open(
                path,
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )?,
            #[cfg(not(unix))]
            path,
        })
    }

    /// The path of the folder's file `name`, relative to the dossier's root.
    pub fn path_of(&self, name: &OsStr) -> PathBuf {
        self.relative.join(name)
    }

    /// Reads the folder's file `name` as UTF-8 text, as [`read_text`] does.
    pub fn read_text(&self, name: &OsStr) -> Result<String, Box<Diagnostic>> {
        read_opened(self.open_to_read(name), &self.path_of(name))
    }

    /// [`open_to_read`] for the file `name` of this folder.
    #[cfg(unix)]
    fn open_to_read(&self, name: &OsStr) -> std::io::Result<fs::File> {
        use rustix::fs::OFlags;
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, name, flags, rustix::fs::Mode::empty())?;
        Ok(fs::File::from(fd))
    }

    #[cfg(not(unix))]
    fn open_to_read(&self, name: &OsStr) -> std::io::Result<fs::File> {
        open_to_read(&self.path.join(name))
    }
}

/// Reads the text of a file just opened (`relative` names it in messages).
fn read_opened(
    file: std::io::Result<fs::File>,
    relative: &Path,
) -> Result<String, Box<Diagnostic>> {
    let unreadable = |why: String| {
        Box::new(
            Diagnostic::error(
                "unreadable-file",
                format!("cannot read {}: {why}", relative.display()),
            )
            .in_file(relative)
            .with_hint("check that the file exists and that you may read it"),
        )
    };
    let too_large = |bytes: u64| {
        Box::new(
            Diagnostic::error(
                "file-too-large",
                format!(
                    "{} is {:.1} MB, more than the {} MB a dossier file may have",
                    relative.display(),
                    bytes as f64 / 1_048_576.0,
                    MAX_FILE_BYTES / 1_048_576
                ),
            )
            .in_file(relative)
            .with_hint("an article is the text of one news story; split the file, or remove what is not the article"),
        )
    };
    let file = file.map_err(|e| unreadable(e.to_string()))?;
    let meta = file.metadata().map_err(|e| unreadable(e.to_string()))?;
    // A device or a pipe (e.g. a link to /dev/zero) would never end.
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "it is a folder"
        } else {
            "it is not a regular file"
        };
        return Err(unreadable(what.to_owned()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    // As many bytes as fstat gave: one read, no second one to see the end.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(meta.len())
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        // The line as far as it can be shown: the bad bytes as U+FFFD, in the
        // same column.
        let lossy = String::from_utf8_lossy(err.as_bytes());
        let shown = lossy.lines().nth(line - 1).unwrap_or_default();
        Box::new(
            Diagnostic::error("not-utf8", format!("{} is not valid UTF-8", relative.display()))
                .at(relative, line, column)
                .showing(shown)
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
    // A config.yaml that is there but broken is reported, and the rest of the
    // dossier is still checked with default settings.
    let fallback = || Config {
        title: String::new(),
        description: None,
        base_url: None,
        language: "en".to_owned(),
        theme: None,
        checks: Default::default(),
    };
    let text = match read_text(root, path) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(*d);
            return Some(fallback());
        }
    };
    let config = match yaml::parse::<Option<Config>>(&text, path, 0) {
        Ok(Some(config)) => config,
        Ok(None) => {
            diagnostics.push(
                Diagnostic::error("missing-field", "config.yaml is empty")
                    .in_file(path)
                    .with_hint("config.yaml needs at least `title: \"...\"`"),
            );
            fallback()
        }
        Err(d) => {
            diagnostics.push(*d);
            fallback()
        }
    };
    let config = checked_config(config, path, &text, diagnostics);
    sources.insert(path.to_owned(), text);
    Some(config)
}

/// What serde cannot tell about config.yaml: `base_url` goes into every
/// page's links (canonical, the 404 page), so it must be an http(s) URL;
/// `theme` names a folder under themes/, never a path out of the dossier.
fn checked_config(
    mut config: Config,
    path: &Path,
    source: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Config {
    let doc = yaml::Doc::new(source);
    if let Some(url) = &config.base_url {
        let lower = url.trim().to_ascii_lowercase();
        let web = (lower.starts_with("https://") || lower.starts_with("http://"))
            && lower.len() > "https://".len()
            && !url.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`')
            });
        if !web {
            diagnostics.push(
                doc.point_at(
                    Diagnostic::error("invalid-url", format!("`base_url` is not a web address: {url:?}")),
                    path,
                    &[yaml::Step::Key("base_url")],
                )
                .with_hint("write the address the site is served at, e.g. \"https://example.github.io/dossier/\", or leave `base_url` out"),
            );
            config.base_url = None;
        }
    }
    if let Some(theme) = &config.theme {
        let plain = !theme.is_empty()
            && !theme.starts_with('.')
            && theme
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            diagnostics.push(
                doc.point_at(
                    Diagnostic::error("invalid-value", format!("`theme` is not a theme name: {theme:?}")),
                    path,
                    &[yaml::Step::Key("theme")],
                )
                .with_hint("name a folder of themes/ (letters, digits, `-`, `_`), or leave `theme` out for the built-in theme"),
            );
            config.theme = None;
        }
    }
    config
}

fn load_articles(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Article> {
    let dir = Path::new("content/articles");
    let (Ok(entries), Ok(folder)) = (fs::read_dir(root.join(dir)), Folder::open(root, dir)) else {
        diagnostics.push(
            Diagnostic::warning(
                "no-articles",
                "no content/articles folder: the dossier has no articles",
            )
            .with_hint("put one Markdown file per article in content/articles/"),
        );
        return Vec::new();
    };
    // File names, not paths: they sort and hash as plain bytes, where paths
    // compare and hash component by component (20,000 of them at 10,000
    // articles, before any thread can start).
    let mut markdown: Vec<OsString> = Vec::new();
    let mut sidecars: Vec<OsString> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("md") => markdown.push(name),
            Some("yaml" | "yml") => sidecars.push(name),
            _ => {}
        }
    }
    markdown.sort_unstable();
    sidecars.sort_unstable();
    let with_extension =
        |name: &OsStr, ext: &str| Path::new(name).with_extension(ext).into_os_string();
    let markdown_set: HashSet<&OsStr> = markdown.iter().map(OsString::as_os_str).collect();
    let sidecar_set: HashSet<&OsStr> = sidecars.iter().map(OsString::as_os_str).collect();
    for sidecar in &sidecars {
        let article = with_extension(sidecar, "md");
        if !markdown_set.contains(article.as_os_str()) {
            let sidecar = dir.join(sidecar);
            diagnostics.push(
                Diagnostic::error(
                    "orphan-sidecar",
                    format!("sidecar {} has no article", sidecar.display()),
                )
                .in_file(&sidecar)
                .with_hint(format!(
                    "a sidecar annotates the article of the same name: create {} or rename the sidecar",
                    dir.join(article).display()
                )),
            );
        }
    }
    let results: Vec<_> = markdown
        .par_iter()
        .with_max_len(crate::PIECE)
        .map(|name| {
            let sidecar = ["yaml", "yml"]
                .into_iter()
                .map(|ext| with_extension(name, ext))
                .find(|s| sidecar_set.contains(s.as_os_str()));
            article::load(&folder, name, sidecar)
        })
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    for (article, mut found) in results {
        diagnostics.append(&mut found);
        articles.extend(article);
    }
    articles
}

/// Loads `content/<name>.yaml` and/or every `content/<name>/*.yaml`, each a
/// list. A broken entry is reported and left out; its id (or, for people, the
/// slug of its name) goes into `broken_ids` so that references to it do not
/// each report it again as unknown.
fn load_list<T: serde::de::DeserializeOwned + Send>(
    root: &Path,
    name: &str,
    sources: &mut HashMap<PathBuf, String>,
    broken_ids: &mut HashSet<String>,
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
        let parsed = yaml::parse_list::<T>(&text, &file);
        diagnostics.extend(parsed.diagnostics);
        for value in &parsed.broken {
            let id = value
                .get("id")
                .and_then(serde_yaml::Value::as_str)
                .map(str::to_owned);
            let name = value
                .get("name")
                .and_then(serde_yaml::Value::as_str)
                .map(slugify);
            broken_ids.extend(id.or(name));
        }
        out.extend(parsed.entries.into_iter().map(|(index, value)| Sourced {
            value,
            file: file.clone(),
            index,
        }));
        sources.insert(file, text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn files_that_are_not_regular_are_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir(root.join("folder.md")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.md")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            root.join("pipe.md"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        fs::write(root.join("fine.md"), "\u{feff}text").unwrap();
        let why = |name: &str| read_text(root, Path::new(name)).unwrap_err().message;
        assert!(
            why("folder.md").ends_with("it is a folder"),
            "{}",
            why("folder.md")
        );
        assert!(why("zero.md").ends_with("it is not a regular file"));
        assert!(why("pipe.md").ends_with("it is not a regular file"));
        assert!(why("missing.md").starts_with("cannot read missing.md"));
        assert_eq!(read_text(root, Path::new("fine.md")).unwrap(), "text");
    }

    /// A file read through its [`Folder`] is read and refused as by its
    /// path, and named in messages by its path from the dossier's root.
    #[test]
    fn a_folder_reads_its_files_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("content/articles/folder.md")).unwrap();
        fs::write(root.join("content/articles/fine.md"), "\u{feff}text").unwrap();
        fs::write(root.join("content/articles/bad.md"), b"ok\n\xff").unwrap();
        let folder = Folder::open(root, Path::new("content/articles")).unwrap();
        let read = |name: &str| folder.read_text(OsStr::new(name));
        assert_eq!(read("fine.md").unwrap(), "text");
        let error = |name: &str| read(name).unwrap_err();
        assert!(error("folder.md").message.ends_with("it is a folder"));
        assert_eq!(
            error("missing.md").message.split(':').next().unwrap(),
            format!(
                "cannot read {}",
                Path::new("content/articles/missing.md").display()
            )
        );
        let bad = error("bad.md");
        assert_eq!(bad.code, "not-utf8");
        let at = bad.location.unwrap();
        assert_eq!(at.file, Path::new("content/articles/bad.md"));
        assert_eq!((at.line, at.column), (2, 1));
        assert!(Folder::open(root, Path::new("content/nowhere")).is_err());
    }
}
