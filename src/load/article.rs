//! One article: `<slug>.md` (YAML front matter + Markdown body) and its
//! optional sidecar `<slug>.yaml`.

use std::ffi::{OsStr, OsString};
use std::path::Path;

use super::{yaml, Folder};
use crate::diagnostic::Diagnostic;
use crate::model::{is_valid_slug, slugify, Article, ArticleSlug, FrontMatter, Sidecar};

/// Loads one article; `None` when its file or front matter is unusable.
/// A broken sidecar is reported and the article still loads without it, so
/// the remaining problems of the dossier are found in the same run.
/// `name` and `sidecar` are file names in `folder`.
pub fn load(
    folder: &Folder,
    name: &OsStr,
    sidecar: Option<OsString>,
) -> (Option<Article>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let path = &folder.path_of(name);
    let slug = ArticleSlug(
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    if !is_valid_slug(&slug.0) {
        return (None, vec![invalid_slug(path, &slug.0)]);
    }
    let text = match folder.read_text(name) {
        Ok(text) => text,
        Err(d) => return (None, vec![*d]),
    };
    let mut sidecar_value = Sidecar::default();
    let (mut sidecar_path, mut sidecar_source) = (None, None);
    if let Some(name) = sidecar {
        let path = folder.path_of(&name);
        match folder.read_text(&name) {
            Ok(source) => {
                let (value, found) = parse_sidecar(&source, &path);
                diagnostics.extend(found);
                sidecar_value = value;
                (sidecar_path, sidecar_source) = (Some(path), Some(source));
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    let (front_yaml, body, body_line_offset) = match split_front_matter(&text) {
        Ok(parts) => parts,
        Err(message) => {
            diagnostics.push(
                Diagnostic::error("front-matter", message)
                    .at_source(path, &text, 1, 1, if text.starts_with("---") { 3 } else { 1 })
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
    let article = Article {
        slug,
        path: path.to_owned(),
        front,
        body: body.to_owned(),
        body_line_offset,
        sidecar: sidecar_value,
        sidecar_path,
        sidecar_source,
    };
    (Some(article), diagnostics)
}

/// An article whose file name cannot name its page: the error, with the
/// name to rename it to.
fn invalid_slug(path: &Path, slug: &str) -> Diagnostic {
    let mut better = slugify(slug);
    if better.is_empty() {
        better.push_str("article");
    }
    Diagnostic::error(
        "invalid-slug",
        format!("the file name `{slug}` cannot be an article's slug: it names the article's page in links"),
    )
    .in_file(path)
    .with_hint(format!(
        "rename it to `{better}.md` (and its sidecar to `{better}.yaml`): a slug has letters and digits of any script, `-`, `_` and `.`, no space and no other punctuation"
    ))
}

/// Parses a sidecar. When it has errors, each section's entries are
/// deserialised one by one, so every broken entry is reported and the good
/// ones are still anchored (and checked) in the same run.
fn parse_sidecar(source: &str, path: &Path) -> (Sidecar, Vec<Diagnostic>) {
    let first = match yaml::parse::<Option<Sidecar>>(source, path, 0) {
        Ok(sidecar) => return (sidecar.unwrap_or_default(), Vec::new()),
        Err(first) => first,
    };
    let mut diagnostics = vec![*first];
    let mut sidecar = Sidecar::default();
    // Entry by entry, unless the text is no YAML mapping at all.
    if matches!(diagnostics[0].code, "yaml-syntax" | "yaml-too-deep") {
        return (sidecar, diagnostics);
    }
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(source)
    else {
        return (sidecar, diagnostics);
    };
    const SECTIONS: [&str; 5] = ["mentions", "quotes", "claims", "notes", "flags"];
    let doc = yaml::Doc::new(source);
    let mut first_seen = false;
    let mut broken = Vec::new();
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default().to_owned();
        let values = match serde_yaml::from_value::<Option<Vec<serde_yaml::Value>>>(value) {
            Ok(values) if SECTIONS.contains(&key.as_str()) => values.unwrap_or_default(),
            Ok(_) | Err(_) => {
                // An unknown section, or a section that is not a list.
                if std::mem::replace(&mut first_seen, true) {
                    let (message, hint) = if SECTIONS.contains(&key.as_str()) {
                        (
                            format!("`{key}:` is not a list"),
                            "write one `- quote: ...` entry per line under it".to_owned(),
                        )
                    } else {
                        let hint = match crate::diagnostic::did_you_mean(&key, SECTIONS) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => {
                                format!("the sections of a sidecar are: {}", SECTIONS.join(", "))
                            }
                        };
                        (format!("unknown field `{key}`"), hint)
                    };
                    let code = if SECTIONS.contains(&key.as_str()) {
                        "wrong-type"
                    } else {
                        "unknown-field"
                    };
                    diagnostics.push(
                        doc.point_at(
                            Diagnostic::error(code, message),
                            path,
                            &[yaml::Step::Key(&key)],
                        )
                        .with_hint(hint),
                    );
                }
                continue;
            }
        };
        let at = [yaml::Step::Key(&key)];
        let d = &mut diagnostics;
        let b = &mut broken;
        let f = &mut first_seen;
        let positions = sidecar.source_indexes.entry(key.clone()).or_default();
        match key.as_str() {
            "mentions" => {
                sidecar.mentions = keep(yaml::entries(values, &doc, path, &at, f, d, b), positions)
            }
            "quotes" => {
                sidecar.quotes = keep(yaml::entries(values, &doc, path, &at, f, d, b), positions)
            }
            "claims" => {
                sidecar.claims = keep(yaml::entries(values, &doc, path, &at, f, d, b), positions)
            }
            "notes" => {
                sidecar.notes = keep(yaml::entries(values, &doc, path, &at, f, d, b), positions)
            }
            _ => sidecar.flags = keep(yaml::entries(values, &doc, path, &at, f, d, b), positions),
        }
    }
    (sidecar, diagnostics)
}

/// The entries, their positions in the file recorded apart: later stages
/// point their diagnostics at `section[position]`.
fn keep<T>(entries: Vec<(usize, T)>, positions: &mut Vec<usize>) -> Vec<T> {
    positions.clear();
    entries
        .into_iter()
        .map(|(position, entry)| {
            positions.push(position);
            entry
        })
        .collect()
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
