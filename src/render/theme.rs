//! The theme: Tera templates and static files. The default theme is compiled
//! into the binary; a dossier's `themes/<name>/templates/*.html` and
//! `themes/<name>/static/*` override it file by file (as Zola and mdBook do).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diagnostic::Diagnostic;

macro_rules! builtin {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

/// The built-in templates, by name.
const TEMPLATES: &[(&str, &str)] = builtin!("templates":
    "base.html", "macros.html", "index.html", "article.html", "person.html", "claim.html",
    "outlet.html", "list.html", "inconsistencies.html", "timeline.html", "search.html", "404.html",
    "flag.html",
);

/// The built-in static files, copied to `static/`.
const STATIC: &[(&str, &str)] = builtin!("static": "style.css", "dossier.js", "search.js");

pub struct Theme {
    pub tera: Tera,
    /// Static files: name under `static/` and content.
    pub statics: Vec<(String, Cow<'static, [u8]>)>,
    /// Extra static files of the theme folder, copied as they are.
    pub static_dir: Option<PathBuf>,
}

impl Theme {
    /// Loads the built-in theme with the overrides of `themes/<name>/`.
    /// Template syntax errors come back as diagnostics naming the template
    /// file and line.
    pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, Vec<Diagnostic>> {
        let name = name.unwrap_or("default");
        let theme_dir = root.join("themes").join(name);
        if !theme_dir.is_dir() && name != "default" {
            return Err(vec![Diagnostic::error("unknown-theme", format!("theme `{name}` not found"))
                .in_file(Path::new("config.yaml"))
                .with_hint(format!("create themes/{name}/templates/ with the templates to override, or remove `theme:` to use the built-in theme"))]);
        }
        let mut templates: Vec<(String, String, PathBuf)> = TEMPLATES
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    t.to_string(),
                    PathBuf::from(format!("(built-in theme) {n}")),
                )
            })
            .collect();
        let mut diagnostics = Vec::new();
        let template_dir = theme_dir.join("templates");
        if let Ok(entries) = std::fs::read_dir(&template_dir) {
            let mut overrides: Vec<_> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            overrides.sort();
            for path in overrides {
                let file_name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let relative = PathBuf::from("themes")
                    .join(name)
                    .join("templates")
                    .join(&file_name);
                match crate::load::read_text(root, &relative) {
                    Ok(text) => match templates.iter_mut().find(|(n, ..)| *n == file_name) {
                        Some(slot) => *slot = (file_name, text, relative),
                        None => templates.push((file_name, text, relative)),
                    },
                    Err(d) => diagnostics.push(*d),
                }
            }
        }
        let mut tera = Tera::default();
        // Tera's default escaper also escapes `/`, which makes every relative
        // URL unreadable in the page source; `"` and `'` are enough for
        // quoted attributes.
        tera.set_escape_fn(escape_html);
        // Parse each template alone first, so every broken one is reported
        // with its own file and line; then all together for inheritance.
        for (n, text, path) in &templates {
            if let Err(err) = tera::Template::new(n, None, text) {
                diagnostics.push(template_diagnostic(&err, path, text));
            }
        }
        if diagnostics.is_empty() {
            if let Err(err) =
                tera.add_raw_templates(templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
            {
                diagnostics.push(
                    Diagnostic::error("template", error_chain(&err))
                        .with_hint("check `{% extends %}`, `{% import %}` and `{% include %}` names against the files in the theme"),
                );
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut statics: Vec<(String, Cow<'static, [u8]>)> = STATIC
            .iter()
            .map(|(n, t)| (n.to_string(), Cow::Borrowed(t.as_bytes())))
            .collect();
        let static_dir = theme_dir.join("static");
        if static_dir.is_dir() {
            // Files of the same name replace the built-in ones when copied after them.
            statics.retain(|(n, _)| !static_dir.join(n).is_file());
        }
        Ok(Theme {
            tera,
            statics,
            static_dir: static_dir.is_dir().then_some(static_dir),
        })
    }
}

fn escape_html(text: &str) -> String {
    crate::render::escape(text)
}

/// A Tera error as one line: the messages of its whole source chain.
pub fn error_chain(err: &tera::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ").replace('\n', " ")
}

fn template_diagnostic(err: &tera::Error, path: &Path, text: &str) -> Diagnostic {
    let message = error_chain(err);
    // Tera's parser (pest) reports ` --> line:column`.
    let position = message.split("--> ").nth(1).and_then(|rest| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
    });
    let summary = message
        .split(" --> ")
        .next()
        .unwrap_or(&message)
        .trim()
        .to_owned();
    let detail = message
        .rsplit("= ")
        .next()
        .filter(|_| message.contains("= "))
        .map(str::trim);
    let mut d = Diagnostic::error(
        "template",
        match detail {
            Some(detail) => format!("{summary}: {detail}"),
            None => summary,
        },
    );
    d = match position {
        Some((line, column)) => d.at_source(path, text, line, column, 1),
        None => d.in_file(path),
    };
    d.with_hint("fix the Tera syntax here (see https://keats.github.io/tera/docs/); tags are `{% ... %}`, values `{{ ... }}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_parses() {
        let tmp = tempfile::tempdir().unwrap();
        let theme = Theme::load(tmp.path(), None).unwrap();
        assert!(theme.tera.get_template_names().any(|n| n == "article.html"));
        assert_eq!(theme.statics.len(), STATIC.len());
    }

    #[test]
    fn override_with_syntax_error_points_at_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("themes/mine/templates");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("person.html"), "<h1>\n{% if %}\n</h1>\n").unwrap();
        let errors = Theme::load(tmp.path(), Some("mine")).err().unwrap();
        assert_eq!(errors.len(), 1);
        let loc = errors[0].location.clone().unwrap();
        assert_eq!(loc.file, PathBuf::from("themes/mine/templates/person.html"));
        assert_eq!(loc.line, 2);
        assert_eq!(errors[0].code, "template");
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Theme::load(tmp.path(), Some("nope")).is_err());
    }
}
