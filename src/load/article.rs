//! One article: `<slug>.md` (YAML front matter + Markdown body) and its
//! optional sidecar `<slug>.yaml`.

use std::path::{Path, PathBuf};

use super::{read_text, yaml};
use crate::diagnostic::Diagnostic;
use crate::model::{Article, ArticleSlug, FrontMatter, Sidecar};

/// Loads one article; `None` when its file or front matter is unusable.
/// A broken sidecar is reported and the article still loads without it, so
/// the remaining problems of the dossier are found in the same run.
pub fn load(
    root: &Path,
    path: &Path,
    sidecar: Option<PathBuf>,
) -> (Option<Article>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let text = match read_text(root, path) {
        Ok(text) => text,
        Err(d) => return (None, vec![*d]),
    };
    let (sidecar_value, sidecar_source) = match &sidecar {
        Some(sidecar_path) => match read_text(root, sidecar_path) {
            Ok(source) => match yaml::parse::<Option<Sidecar>>(&source, sidecar_path, 0) {
                Ok(value) => (value.unwrap_or_default(), Some(source)),
                Err(d) => {
                    diagnostics.push(*d);
                    (Sidecar::default(), Some(source))
                }
            },
            Err(d) => {
                diagnostics.push(*d);
                (Sidecar::default(), None)
            }
        },
        None => (Sidecar::default(), None),
    };
    let (front_yaml, body, body_line_offset) = match split_front_matter(&text) {
        Ok(parts) => parts,
        Err(message) => {
            diagnostics.push(
                Diagnostic::error("front-matter", message)
                    .at_source(path, &text, 1, 1, 3)
                    .with_hint("start the file with a line `---`, then `title:`, `outlet:` and `published: YYYY-MM-DD`, then a line `---`, then the article"),
            );
            return (None, diagnostics);
        }
    };
    let front = match yaml::parse::<FrontMatter>(front_yaml, path, 1) {
        Ok(front) => front,
        Err(d) => {
            diagnostics.push(*d);
            return (None, diagnostics);
        }
    };
    let slug = ArticleSlug(
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let article = Article {
        slug,
        path: path.to_owned(),
        front,
        body: body.to_owned(),
        body_line_offset,
        sidecar: sidecar_value,
        sidecar_path: sidecar.filter(|_| sidecar_source.is_some()),
        sidecar_source,
    };
    (Some(article), diagnostics)
}

/// Splits `---\n<yaml>\n---\n<body>`: returns the YAML, the body and how many
/// lines precede the body. The closing fence may also be `...`.
pub fn split_front_matter(text: &str) -> Result<(&str, &str, usize), String> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err("the article does not start with front matter (a line `---`)".into());
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_count = 1;
    for line in lines {
        line_count += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..offset];
            let body = &text[offset + line.len()..];
            return Ok((yaml, body, line_count));
        }
        offset += line.len();
    }
    Err("the front matter is not closed: add a line `---` after its last field".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let (yaml, body, offset) =
            split_front_matter("---\ntitle: a\noutlet: b\n---\nBody\n").unwrap();
        assert_eq!(yaml, "title: a\noutlet: b\n");
        assert_eq!(body, "Body\n");
        assert_eq!(offset, 4);
    }

    #[test]
    fn handles_crlf_and_dots() {
        let (yaml, body, _) = split_front_matter("---\r\ntitle: a\r\n...\r\nBody").unwrap();
        assert_eq!(yaml, "title: a\r\n");
        assert_eq!(body, "Body");
    }

    #[test]
    fn rejects_missing_or_unclosed_front_matter() {
        assert!(split_front_matter("title: a\n").is_err());
        assert!(split_front_matter("---\ntitle: a\n").is_err());
        assert!(split_front_matter("").is_err());
    }
}
