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
    /// Every template: name, text and the file it came from, to point
    /// render errors at a line.
    sources: Vec<(String, String, PathBuf)>,
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
        let only_builtin = templates
            .iter()
            .all(|(_, _, path)| path.to_string_lossy().starts_with("(built-in theme)"));
        let mut tera = if only_builtin {
            builtin_tera().clone()
        } else {
            new_tera()
        };
        // All together (for inheritance); when that fails, each alone, so
        // every broken one is reported with its own file and line.
        if only_builtin {
            // Parsed once per process.
        } else if !diagnostics.is_empty() {
            // An unreadable override: nothing to parse it against.
        } else if let Err(err) =
            tera.add_raw_templates(templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
        {
            for (n, text, path) in &templates {
                if let Err(err) = tera::Template::new(n, None, text) {
                    diagnostics.push(template_diagnostic(&err, path, text));
                }
            }
            if diagnostics.is_empty() {
                let message = error_chain(&err);
                // "Template 'a.html' is inheriting from 'b.html', ..." /
                // "Template `a.html` loads macros from `b.html` ...": point at
                // the name of the missing template in the first one.
                let names = quoted_names(&message);
                let mut d = Diagnostic::error("template", message);
                if let (Some(from), Some(missing)) = (names.first(), names.get(1)) {
                    if let Some((_, text, path)) = templates.iter().find(|(n, ..)| n == from) {
                        d = point_at_word(d, path, text, missing);
                    }
                }
                diagnostics.push(d.with_hint(format!(
                    "check `{{% extends %}}`, `{{% import %}}` and `{{% include %}}` names against the templates: {}",
                    templates.iter().map(|(n, ..)| n.as_str()).collect::<Vec<_>>().join(", ")
                )));
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
            sources: templates,
        })
    }

    /// A diagnostic for a failure to render `template`: Tera names the
    /// variable, filter or template it could not find but not the line, so
    /// the line is found by looking for that name in the templates involved.
    pub fn render_error(&self, template: &str, err: &tera::Error) -> Diagnostic {
        let message = error_chain(err);
        let names = quoted_names(&message);
        // "... while rendering 'base.html'" names the template at fault.
        let at_fault = message
            .rsplit("while rendering ")
            .next()
            .filter(|_| message.contains("while rendering "))
            .and_then(|rest| quoted_names(rest).into_iter().next())
            .unwrap_or_else(|| template.to_owned());
        let culprit = names
            .iter()
            .find(|n| n.as_str() != template && n.as_str() != at_fault)
            .map(|n| n.trim_matches(['[', ']']).to_owned());
        let summary = message
            .strip_prefix(&format!("Failed to render '{template}': "))
            .unwrap_or(&message)
            .to_owned();
        let mut d = Diagnostic::error(
            "template",
            format!("rendering template `{template}` failed: {summary}"),
        );
        // Search the template at fault first, then every other one (the
        // culprit may sit in a parent, an include or a macro file).
        let mut order: Vec<&(String, String, PathBuf)> = self
            .sources
            .iter()
            .filter(|(n, ..)| *n == at_fault)
            .collect();
        order.extend(self.sources.iter().filter(|(n, ..)| *n != at_fault));
        let found = culprit.as_deref().and_then(|word| {
            order
                .iter()
                .find(|(_, text, _)| text.contains(word))
                .map(|(_, text, path)| (word, text, path))
        });
        d = match found {
            Some((word, text, path)) => point_at_word(d, path, text, word),
            None => match self.sources.iter().find(|(n, ..)| *n == at_fault) {
                Some((_, _, path)) => d.in_file(path),
                None => d,
            },
        };
        let hint = if summary.starts_with("Variable") {
            format!("check the name against what `{template}` of the built-in theme uses, or guard it with `{{% if ... is defined %}}`")
        } else if summary.starts_with("Filter")
            || summary.starts_with("Function")
            || summary.starts_with("Test")
        {
            "this Tera build has Tera's built-in filters, functions and tests only (see https://keats.github.io/tera/docs/)".to_owned()
        } else if summary.starts_with("Template") {
            format!(
                "no template of that name; the templates are: {}",
                self.sources
                    .iter()
                    .map(|(n, ..)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("check what `{template}` does with the page's context (compare with the built-in theme's `{template}`)")
        };
        d.with_hint(hint)
    }
}

fn new_tera() -> Tera {
    let mut tera = Tera::default();
    // Tera's default escaper also escapes `/`, which makes every relative
    // URL unreadable in the page source; `"` and `'` are enough for
    // quoted attributes.
    tera.set_escape_fn(escape_html);
    tera
}

/// The built-in templates, parsed once: most dossiers override none, and
/// parsing them is most of the time `check` takes on a small dossier.
fn builtin_tera() -> &'static Tera {
    static BUILTIN: std::sync::OnceLock<Tera> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| {
        let mut tera = new_tera();
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .expect("the built-in theme parses (tested)");
        tera
    })
}

/// The names Tera quotes in its messages ('a.html', `x.y`), in order.
fn quoted_names(message: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find(['\'', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('\'');
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            break;
        };
        names.push(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    names
}

/// Points at the first occurrence of `word` in `text` (a template at `path`).
fn point_at_word(d: Diagnostic, path: &Path, text: &str, word: &str) -> Diagnostic {
    match text.find(word) {
        Some(at) => {
            let (line, column) = line_column(text, at);
            d.at_source(path, text, line, column, word.chars().count())
        }
        None => d.in_file(path),
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The innermost `{% if %}`/`{% for %}`/... tag that is never closed, or an
/// unclosed `{{`/`{%`/`{#`: byte offset and a message. For syntax errors
/// Tera reports at the end of the template, where nothing can be seen.
fn unclosed_tag(text: &str) -> Option<(usize, String, usize)> {
    const BLOCKS: &[&str] = &["if", "for", "block", "macro", "filter", "raw"];
    let mut open: Vec<(usize, &str, usize)> = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find(['{']) {
        let at = pos + found;
        let rest = &text[at..];
        let closer = if rest.starts_with("{{") {
            "}}"
        } else if rest.starts_with("{%") {
            "%}"
        } else if rest.starts_with("{#") {
            "#}"
        } else {
            pos = at + 1;
            continue;
        };
        let Some(len) = rest[2..].find(closer) else {
            return Some((
                at,
                format!("`{}` is never closed with `{closer}`", &rest[..2]),
                2,
            ));
        };
        let inner = rest[2..2 + len].trim_matches(['-', ' ', '\t', '\n', '\r']);
        pos = at + 2 + len + 2;
        if closer != "%}" {
            continue;
        }
        let word = inner.split_whitespace().next().unwrap_or_default();
        if BLOCKS.contains(&word) {
            open.push((at, word, 2 + len + 2));
        } else if let Some(ended) = word.strip_prefix("end") {
            if let Some(i) = open.iter().rposition(|(_, w, _)| *w == ended) {
                // Closing an outer block with inner ones still open: the
                // innermost of those is the one missing its end tag.
                if i + 1 < open.len() {
                    return open.pop().map(|(at, word, width)| {
                        (
                            at,
                            format!("`{{% {word} %}}` is never closed: add `{{% end{word} %}}`"),
                            width,
                        )
                    });
                }
                open.truncate(i);
            }
        }
    }
    open.pop().map(|(at, word, width)| {
        (
            at,
            format!("`{{% {word} %}}` is never closed: add `{{% end{word} %}}`"),
            width,
        )
    })
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
    // Tera's parser (pest) reports ` --> line:column`, the source line, and
    // `= expected ...`.
    let position: Option<(usize, usize)> = message.split("--> ").nth(1).and_then(|rest| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
    });
    let detail = message
        .rsplit("= ")
        .next()
        .filter(|_| message.contains("= "))
        .map(str::trim)
        .unwrap_or_else(|| message.split(" --> ").next().unwrap_or(&message).trim());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lines = text.lines().count().max(1);
    let at_end = position.is_some_and(|(line, column)| {
        line > lines
            || line == lines && column > text.lines().last().unwrap_or_default().chars().count()
    });
    let unclosed = if at_end || position.is_none() {
        unclosed_tag(text)
    } else {
        None
    };
    let hint = "fix the Tera syntax here (see https://keats.github.io/tera/docs/); tags are `{% ... %}`, values `{{ ... }}`";
    match (unclosed, position) {
        (Some((at, why, width)), _) => {
            let (line, column) = line_column(text, at);
            Diagnostic::error(
                "template",
                format!("syntax error in template `{name}`: {why}"),
            )
            .at_source(path, text, line, column, width)
            .with_hint(format!("Tera stopped at the end of the template: {detail}"))
        }
        (None, Some((line, column))) => {
            // "expected ... an endif tag" at some other closing tag: say which
            // block is left open.
            let hint = match unclosed_tag(text).filter(|_| detail.contains("{% end")) {
                Some((at, why, _)) => {
                    format!("{why} (it opens at line {})", line_column(text, at).0)
                }
                None => hint.to_owned(),
            };
            // Underline the whole tag Tera stopped at.
            let rest: String = text
                .lines()
                .nth(line - 1)
                .unwrap_or_default()
                .chars()
                .skip(column - 1)
                .collect();
            let width = ["%}", "}}"]
                .iter()
                .filter(|_| rest.starts_with("{%") || rest.starts_with("{{"))
                .find_map(|close| rest.find(close).map(|end| rest[..end + 2].chars().count()))
                .unwrap_or(1);
            Diagnostic::error(
                "template",
                format!("syntax error in template `{name}`: {detail}"),
            )
            .at_source(path, text, line, column, width)
            .with_hint(hint)
        }
        (None, None) => Diagnostic::error(
            "template",
            format!("syntax error in template `{name}`: {detail}"),
        )
        .in_file(path)
        .with_hint(hint),
    }
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
