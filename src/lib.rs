//! dossier: a static-site generator for annotated investigative dossiers.
//!
//! The generator is a small compiler, one module per stage, data flowing one
//! way (see ARCHITECTURE.md):
//!
//! load (files -> [`model::Input`]) -> resolve ([`resolve::Dossier`]) ->
//! analyze ([`analyze::Analysis`]) -> render (pages into a staging folder) ->
//! write (atomic swap into the output folder).
//!
//! [`check`] runs the first three stages; [`build`] runs all five.

pub mod analyze;
pub mod author;
pub mod body;
pub mod diagnostic;
pub mod load;
pub mod model;
pub mod render;
pub mod resolve;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use analyze::Analysis;
use diagnostic::Diagnostic;
use render::Theme;
use resolve::Dossier;

/// Most items a thread takes at once in the parallel loops over articles,
/// pages and flags. Rayon cuts a loop into a few large pieces and cuts further
/// only what another thread steals, so a thread done early can end up waiting
/// for the last large piece; small pieces keep both busy to the end.
pub(crate) const PIECE: usize = 32;

/// Wall time of each stage, for `--verbose`.
#[derive(Debug, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.0.push((stage, start.elapsed()));
        out
    }
}

/// The result of `check`: what was found, and the analyzed dossier when the
/// input could be loaded at all.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub dossier: Option<Dossier>,
    pub analysis: Option<Analysis>,
    /// The theme's templates, parsed (`None` when one of them is broken).
    pub theme: Option<Theme>,
    pub timings: Timings,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads, resolves and analyzes the dossier at `root` and parses its theme's
/// templates; writes nothing. Every problem found is in `diagnostics`, sorted
/// by file and line.
pub fn check(root: &Path) -> Checked {
    let mut timings = Timings::default();
    let (input, mut diagnostics) = timings.time("load", || load::load(root));
    let Some(input) = input else {
        diagnostic::sort(&mut diagnostics);
        return Checked {
            diagnostics,
            dossier: None,
            analysis: None,
            theme: None,
            timings,
        };
    };
    let theme_name = input.config.theme.clone();
    let (dossier, mut found) = timings.time("resolve", || resolve::resolve(input));
    diagnostics.append(&mut found);
    let (analysis, mut found) = timings.time("analyze", || analyze::analyze(&dossier));
    diagnostics.append(&mut found);
    let theme = match timings.time("theme", || Theme::load(root, theme_name.as_deref())) {
        Ok(theme) => Some(theme),
        Err(found) => {
            // A theme that does not exist is a mistake in config.yaml: point there.
            let config = Path::new("config.yaml");
            let source = dossier
                .sources
                .get(config)
                .map(String::as_str)
                .unwrap_or_default();
            diagnostics.extend(found.into_iter().map(|d| match d.code {
                "unknown-theme" => {
                    load::yaml::point_at(d, config, source, &[load::yaml::Step::Key("theme")])
                }
                _ => d,
            }));
            None
        }
    };
    diagnostic::sort(&mut diagnostics);
    Checked {
        diagnostics,
        dossier: Some(dossier),
        analysis: Some(analysis),
        theme,
        timings,
    }
}

/// What `build` wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    pub articles: usize,
    pub people: usize,
    pub claims: usize,
    pub flags: usize,
    pub pages: usize,
    pub files: usize,
    pub seconds: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {}: {} written in {:.2} s",
            plural(self.articles, "article", "articles"),
            plural(self.people, "person", "people"),
            plural(self.claims, "claim", "claims"),
            plural(self.flags, "flag", "flags"),
            plural(self.pages, "page", "pages"),
            self.seconds
        )
    }
}

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Called once per page rendered, with the total number of pages; for
    /// progress bars.
    pub on_page: Option<Box<dyn Fn(usize) + Sync>>,
    /// Called once, when the input is checked and rendering begins (not
    /// when the build fails before): the command line changes its memory
    /// policy there (see `main.rs`).
    pub before_render: Option<Box<dyn Fn() + Sync>>,
}

pub struct Built {
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the build failed; the output folder is then untouched.
    pub summary: Option<Summary>,
    pub timings: Timings,
    /// The dossier and its analysis, when the input could be analyzed.
    pub model: Option<(Dossier, Analysis)>,
}

/// Builds the site. Nothing is written to `output` unless the whole build
/// succeeds; then the new site replaces the old one in one atomic step.
pub fn build(options: &BuildOptions) -> Built {
    let start = Instant::now();
    let Checked {
        mut diagnostics,
        dossier,
        analysis,
        theme,
        mut timings,
    } = check(&options.root);
    let (Some(mut dossier), Some(analysis), Some(theme)) = (dossier, analysis, theme) else {
        return Built {
            diagnostics,
            summary: None,
            timings,
            model: None,
        };
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Built {
            diagnostics,
            summary: None,
            timings,
            model: Some((dossier, analysis)),
        };
    }
    // Every diagnostic of the input is made: render needs no source text.
    dossier.release_sources();
    let staging = match write::Staging::new(&options.output) {
        Ok(staging) => staging,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    "write-failed",
                    format!(
                        "cannot create a staging folder beside {}: {e}",
                        options.output.display()
                    ),
                )
                .with_hint("check that the output's parent folder exists and is writable"),
            );
            return Built {
                diagnostics,
                summary: None,
                timings,
                model: Some((dossier, analysis)),
            };
        }
    };
    let total_pages = dossier.articles.len()
        + dossier.people.len()
        + dossier.claims.len()
        + dossier.index.outlets.len()
        + 10;
    let on_page = || {
        if let Some(f) = &options.on_page {
            f(total_pages);
        }
    };
    if let Some(f) = &options.before_render {
        f();
    }
    let rendered = timings.time("render", || {
        render::render(
            &dossier,
            &analysis,
            &theme,
            &options.root,
            &staging,
            &on_page,
        )
    });
    let stats = match rendered {
        Ok(mut stats) => {
            timings.0.append(&mut stats.steps);
            stats
        }
        Err(mut found) => {
            staging.discard();
            diagnostics.append(&mut found);
            diagnostic::sort(&mut diagnostics);
            return Built {
                diagnostics,
                summary: None,
                timings,
                model: Some((dossier, analysis)),
            };
        }
    };
    if let Err(e) = timings.time("write", || staging.commit()) {
        diagnostics.push(
            Diagnostic::error(
                "write-failed",
                format!("cannot replace {}: {e}", options.output.display()),
            )
            .with_hint(
                "the previous site is still in place; check permissions of the output folder",
            ),
        );
        return Built {
            diagnostics,
            summary: None,
            timings,
            model: Some((dossier, analysis)),
        };
    }
    let summary = Summary {
        articles: dossier.articles.len(),
        people: dossier.people.len(),
        claims: dossier.claims.len(),
        flags: analysis.flags.len(),
        pages: stats.pages,
        files: stats.files,
        seconds: start.elapsed().as_secs_f64(),
    };
    Built {
        diagnostics,
        summary: Some(summary),
        timings,
        model: Some((dossier, analysis)),
    }
}
