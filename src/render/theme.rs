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

/// The name of the built-in templates' files in diagnostics, and how an
/// entry of [`Theme::sources`] is known to be built in.
const BUILTIN_PREFIX: &str = "(built-in theme) ";

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
                    PathBuf::from(format!("{BUILTIN_PREFIX}{n}")),
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
        let only_builtin = templates.iter().all(|(_, _, path)| is_builtin(path));
        let mut tera = if only_builtin {
            // Parsed once per process.
            builtin_tera().clone()
        } else {
            new_tera()
        };
        // An unreadable override leaves nothing to parse the others against.
        if !only_builtin && diagnostics.is_empty() {
            if let Err(err) =
                tera.add_raw_templates(templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
            {
                diagnostics = load_errors(&err, &templates);
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

    /// Whether `flag.html` prints `root` only as text, in front of links,
    /// and never tests, filters or passes it on, so that a flag rendered
    /// once with a stand-in for `root` gives both of its renders by
    /// replacing the stand-in (see `Renderer::flags`). True of the built-in
    /// `flag.html`; not assumed of an override, which is rendered once per
    /// `root`.
    pub fn flag_prints_root_as_text(&self) -> bool {
        self.sources
            .iter()
            .any(|(name, _, path)| name == "flag.html" && is_builtin(path))
    }

    /// A diagnostic for a failure to render `template`, at the line and
    /// column Tera reports (in `template` or in a template it uses).
    pub fn render_error(&self, template: &str, err: &tera::Error) -> Diagnostic {
        let (message, at) = match err.kind() {
            tera::ErrorKind::RenderingError(report) | tera::ErrorKind::SyntaxError(report) => {
                (report.message().to_owned(), Some(report))
            }
            _ => (error_chain(err), None),
        };
        let d = Diagnostic::error(
            "template",
            format!("rendering template `{template}` failed: {message}"),
        );
        let d = match at {
            Some(report) => self.point_at(d, report.filename(), report.span()),
            None => match self.sources.iter().find(|(n, ..)| n == template) {
                Some((_, _, path)) => d.in_file(path),
                None => d,
            },
        };
        let hint = if message.contains("is not defined") {
            format!("check the name against what `{template}` of the built-in theme uses, or guard it with `{{% if x is defined %}}`")
        } else {
            format!("check what `{template}` does with the page's context (compare with the built-in theme's `{template}`)")
        };
        d.with_hint(hint)
    }

    /// Points `d` at `span` of the template named `name`.
    fn point_at(&self, d: Diagnostic, name: &str, span: &tera::Span) -> Diagnostic {
        match self.sources.iter().find(|(n, ..)| n == name) {
            Some((_, text, path)) => at_span(d, path, text, span),
            None => d,
        }
    }
}

/// Points `d` at `span` of `text`, the template at `path`.
fn at_span(d: Diagnostic, path: &Path, text: &str, span: &tera::Span) -> Diagnostic {
    let width = text
        .get(span.range.clone())
        .map_or(1, |s| s.chars().count().max(1));
    d.at_source(path, text, span.start_line, span.start_col + 1, width)
}

/// Every problem that kept `templates` from loading together: each
/// template's syntax errors first (each is parsed alone, so every broken one
/// is reported), else what Tera found across them (an unknown filter, a
/// missing parent...).
fn load_errors(err: &tera::Error, templates: &[(String, String, PathBuf)]) -> Vec<Diagnostic> {
    let syntax: Vec<Diagnostic> = templates
        .iter()
        .filter_map(|(name, text, path)| {
            let alone = new_tera().add_raw_template(name, text).err()?;
            match alone.kind() {
                tera::ErrorKind::SyntaxError(report) => Some(syntax_diagnostic(report, path, text)),
                _ => None,
            }
        })
        .collect();
    if !syntax.is_empty() {
        return syntax;
    }
    let source = |name: &str| templates.iter().find(|(n, ..)| n == name);
    let names = templates
        .iter()
        .map(|(n, ..)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let hint = format!("check `{{% extends %}}` and `{{% include %}}` names, filters and components against the templates: {names}");
    let mut located = match err.kind() {
        tera::ErrorKind::MissingParent { current, parent } => {
            let d = Diagnostic::error(
                "template",
                format!("template `{current}` extends `{parent}`, which does not exist"),
            );
            let d = match source(current) {
                Some((_, text, path)) => point_at_word(d, path, text, parent),
                None => d,
            };
            vec![d.with_hint(hint.clone())]
        }
        // Unknown filters, tests, functions, components and includes come as
        // one report per use: "error: <message>\n --> <template>:<line>:<column>".
        tera::ErrorKind::Msg(reports) => reports
            .split("\n\n")
            .filter_map(|report| {
                let (message, rest) = report.strip_prefix("error: ")?.split_once("\n --> ")?;
                let place = rest.lines().next()?;
                let mut parts = place.rsplitn(3, ':');
                let column: usize = parts.next()?.parse().ok()?;
                let line: usize = parts.next()?.parse().ok()?;
                let (_, text, path) = source(parts.next()?)?;
                let width = text
                    .lines()
                    .nth(line.checked_sub(1)?)
                    .and_then(|l| l.get(column.checked_sub(1)?..))
                    .map_or(1, |rest| {
                        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .unwrap_or(rest.len())
                            .max(1)
                    });
                Some(
                    Diagnostic::error(
                        "template",
                        format!("{message} in template `{}`", path_name(path)),
                    )
                    .at_source(path, text, line, column, width)
                    .with_hint(hint.clone()),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    if located.is_empty() {
        // Nothing to point at: Tera's own words.
        located.push(Diagnostic::error("template", error_chain(err)).with_hint(hint));
    }
    located
}

fn path_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn new_tera() -> Tera {
    let mut tera = Tera::new();
    // The one escaper of the site's text (see `body::html`), so that a
    // template's `{{ x }}` and the article bodies escape alike.
    tera.set_escape_fn(crate::body::escape_to);
    tera
}

/// Whether a template came from the built-in theme (by the name it is
/// given in diagnostics, [`BUILTIN_PREFIX`]).
fn is_builtin(path: &Path) -> bool {
    path.to_string_lossy().starts_with(BUILTIN_PREFIX)
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
    const BLOCKS: &[&str] = &["if", "for", "block", "component", "filter", "raw"];
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

/// A Tera error as one line: the messages of its whole source chain.
fn error_chain(err: &tera::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ").replace('\n', " ")
}

/// A syntax error of one template. Where Tera stops at an `{% end... %}` tag
/// or at the end of the template, the mistake is usually a block left open
/// earlier: that block is named.
fn syntax_diagnostic(report: &tera::ReportError, path: &Path, text: &str) -> Diagnostic {
    let name = path_name(path);
    let span = report.span();
    let stopped_at = text.get(span.range.start..).unwrap_or_default();
    let at_end = stopped_at.trim().is_empty();
    let at_end_tag = stopped_at.starts_with("end");
    let hint = "fix the Tera syntax here (see https://keats.github.io/tera/docs/); tags are `{% ... %}`, values `{{ ... }}`";
    match unclosed_tag(text).filter(|_| at_end || at_end_tag) {
        Some((at, why, width)) if at_end => {
            let (line, column) = line_column(text, at);
            Diagnostic::error(
                "template",
                format!("syntax error in template `{name}`: {why}"),
            )
            .at_source(path, text, line, column, width)
            .with_hint(format!(
                "Tera stopped at the end of the template: {}",
                report.message()
            ))
        }
        Some((at, why, _)) => {
            // Underline the whole closing tag Tera stopped at.
            let tag_start = text[..span.range.start]
                .rfind("{%")
                .unwrap_or(span.range.start);
            let width = text[tag_start..].find("%}").map_or(1, |end| end + 2);
            let (line, column) = line_column(text, tag_start);
            Diagnostic::error(
                "template",
                format!("syntax error in template `{name}`: {why}"),
            )
            .at_source(path, text, line, column, width)
            .with_hint(format!(
                "{why} (it opens at line {})",
                line_column(text, at).0
            ))
        }
        None => at_span(
            Diagnostic::error(
                "template",
                format!("syntax error in template `{name}`: {}", report.message()),
            ),
            path,
            text,
            span,
        )
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

    /// A theme folder `mine` with the given template overrides.
    fn theme_with(templates: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("themes/mine/templates");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in templates {
            std::fs::write(dir.join(name), text).unwrap();
        }
        tmp
    }

    #[test]
    fn every_override_with_a_syntax_error_is_reported() {
        let tmp = theme_with(&[
            ("claim.html", "{% if %}\n"),
            ("person.html", "<h1>\n<p>{{ person.name }</p>\n"),
        ]);
        let errors = Theme::load(tmp.path(), Some("mine")).err().unwrap();
        let mut at: Vec<(String, usize)> = errors
            .iter()
            .map(|d| {
                let loc = d.location.clone().unwrap();
                (loc.file.display().to_string(), loc.line)
            })
            .collect();
        at.sort();
        assert_eq!(
            at,
            [
                ("themes/mine/templates/claim.html".to_owned(), 1),
                ("themes/mine/templates/person.html".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn unknown_filter_points_at_its_use() {
        let tmp = theme_with(&[(
            "person.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ person.name | shout }}</h1>\n{% endblock main %}\n",
        )]);
        let errors = Theme::load(tmp.path(), Some("mine")).err().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("Unknown filter `shout`"),
            "{}",
            errors[0].message
        );
        let loc = errors[0].location.clone().unwrap();
        assert_eq!(loc.file, PathBuf::from("themes/mine/templates/person.html"));
        assert_eq!((loc.line, loc.column), (3, 22));
    }

    #[test]
    fn missing_parent_points_at_its_name() {
        let tmp = theme_with(&[("person.html", "\n{% extends \"page.html\" %}\n")]);
        let errors = Theme::load(tmp.path(), Some("mine")).err().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("`page.html`"),
            "{}",
            errors[0].message
        );
        let loc = errors[0].location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 13));
    }

    #[test]
    fn an_error_with_no_place_is_still_reported() {
        let tmp = theme_with(&[
            ("person.html", "{% extends \"claim.html\" %}\n"),
            ("claim.html", "{% extends \"person.html\" %}\n"),
        ]);
        let errors = Theme::load(tmp.path(), Some("mine")).err().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("Circular extend"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Theme::load(tmp.path(), Some("nope")).is_err());
    }
}
