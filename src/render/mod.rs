//! Stage 4, render: the analyzed dossier -> the files of the site, written into
//! a [`Staging`] folder.
//!
//! Every page's context is a small view model (see `views.rs`); templates are
//! parsed once ([`Theme`]); pages are rendered and written in parallel. Links
//! between pages are relative (`root` is `""` or `"../"`), so the site works
//! from file://, at a domain root and under a sub-path.

mod article;
mod data;
mod json;
mod pages;
pub mod theme;
mod views;

use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::analyze::Analysis;
pub use crate::body::escape;
use crate::diagnostic::Diagnostic;
use crate::resolve::Dossier;
use crate::write::Staging;
pub use theme::Theme;
use views::{FlagView, SiteView};

/// Passages of one flag listed on article, person and claim pages; the
/// inconsistencies page lists them all. Keeps a page's size independent of
/// how many sources a popular claim has.
const MAX_PASSAGES_PER_FLAG: usize = 6;

/// What rendering wrote, and how long each of its steps took.
#[derive(Debug, Default, Clone)]
pub struct RenderStats {
    pub pages: usize,
    pub files: usize,
    /// Wall time of each step (`render/flags`, `render/pages`), for `--verbose`.
    pub steps: Vec<(&'static str, Duration)>,
}

/// Everything a page template gets besides its own view.
struct Frame<'a, T: Serialize> {
    /// The site's settings ([`SiteView`]), converted once for every page.
    site: &'a tera::Value,
    /// Path from this page to the site root: `""` or `"../"`.
    root: &'a str,
    /// Which top-level section this page belongs to (for `aria-current`).
    section: &'a str,
    lang: &'a str,
    dir: &'a str,
    canonical: Option<String>,
    /// Its fields are the template's top-level names, beside the frame's.
    page: T,
}

impl<T: Serialize> Frame<'_, T> {
    /// The template context. Built name by name: `Context::from_serialize`
    /// would convert the site's settings anew for every page and allocate
    /// every name. Where a field of the page has a frame's name, the page's
    /// wins.
    fn context(&self) -> tera::TeraResult<Context> {
        let mut context = Context::new();
        context.insert_value("site", self.site.clone());
        context.insert_value("root", self.root.into());
        context.insert_value("section", self.section.into());
        context.insert_value("lang", self.lang.into());
        context.insert_value("dir", self.dir.into());
        context.insert_value("canonical", self.canonical.as_deref().into());
        let page = tera::Value::try_from_serializable(&self.page)?;
        for (name, value) in page.into_map().unwrap_or_default() {
            let name = match name {
                tera::value::Key::Str(name) => Cow::Borrowed(name),
                other => Cow::Owned(other.as_value().to_string()),
            };
            context.insert_value(name, value);
        }
        Ok(context)
    }
}

thread_local! {
    /// Where each rendering thread renders its pages and flags (see
    /// [`Renderer::render_page`]).
    static PAGE_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What [`Renderer::flags`] gives `flag.html` for `root` when it renders a
/// flag once for both kinds of pages: a control character, which YAML lets
/// in only by an escape (`"\x01"`). A flag whose text holds it is rendered
/// twice.
const ROOT_MARK: char = '\u{1}';

/// Whether a template value, or any string inside it, holds [`ROOT_MARK`].
fn holds_root_mark(value: &tera::Value) -> bool {
    if let Some(text) = value.as_str() {
        text.contains(ROOT_MARK)
    } else if let Some(items) = value.as_array() {
        items.iter().any(holds_root_mark)
    } else if let Some(map) = value.as_map() {
        map.values().any(holds_root_mark)
    } else {
        false
    }
}

/// Each flag's HTML, by index, as [`Renderer::flags`] renders it: Tera
/// values (safe strings) that the contexts of the pages listing a flag share
/// rather than copy; the inconsistencies page alone lists 30 MB of them at
/// 10,000 articles.
struct RenderedFlags {
    nested: Vec<tera::Value>,
    top: Vec<tera::Value>,
}

struct Renderer<'a> {
    theme: &'a Theme,
    staging: &'a Staging,
    site: SiteView,
    /// `site` as the templates get it (see [`Frame::site`]).
    site_value: tera::Value,
    pages: AtomicUsize,
    files: AtomicUsize,
    on_page: &'a (dyn Fn() + Sync),
}

impl Renderer<'_> {
    /// Renders `template` with `page` and writes it at `path`.
    fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        section: &str,
        lang_dir: Option<(&str, &str)>,
        page: T,
    ) -> Result<(), Diagnostic> {
        let root = if path.contains('/') { "../" } else { "" };
        let (lang, dir) = lang_dir.unwrap_or((&self.site.language, "ltr"));
        let frame = Frame {
            site: &self.site_value,
            root,
            section,
            lang,
            dir,
            canonical: self.site.base_url.as_ref().map(|b| format!("{b}{path}")),
            page,
        };
        self.render_page(template, path, &frame)?;
        (self.on_page)();
        Ok(())
    }

    /// Renders `template` with `frame` and writes it at `path`.
    ///
    /// A page of an entity (in a folder) is rendered into this thread's page
    /// buffer, which keeps its capacity from page to page, so a page costs
    /// no growing copies and no fresh memory, and is written at once. A page
    /// at the root is a site-wide one whose size grows with the dossier (the
    /// inconsistencies page is 28 MB at 10,000 articles): it is streamed into
    /// its file instead, so that no buffer grows to its size.
    fn render_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        frame: &Frame<'_, T>,
    ) -> Result<(), Diagnostic> {
        let context = frame
            .context()
            .map_err(|e| self.theme.render_error(template, &e))?;
        let render = |out: &mut dyn std::io::Write| {
            self.theme
                .tera
                .render_to(template, &context, out)
                .map_err(|e| self.theme.render_error(template, &e))
        };
        if path.contains('/') {
            PAGE_BUFFER.with_borrow_mut(|html| {
                html.clear();
                render(&mut *html)?;
                self.write(path, html)
            })?;
        } else {
            let mut failed = None;
            let written = self.stream(path, |out| {
                render(out).map_err(|e| {
                    failed = Some(e);
                    std::io::Error::other("the template failed")
                })
            });
            if let Some(e) = failed {
                return Err(e);
            }
            written?;
        }
        self.pages.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Renders every flag with `flag.html` for the pages that list it:
    /// `nested` for pages one folder down (`root` "../", at most
    /// [`MAX_PASSAGES_PER_FLAG`] passages, the rest counted and linked to the
    /// flag's full entry on the inconsistencies page) and `top` for pages at
    /// the root (`root` "", every passage). Both renders of a flag share one
    /// template context.
    ///
    /// A flag whose passages all fit is rendered once, with [`ROOT_MARK`]
    /// for `root`, and the two renders are that text with the mark replaced
    /// by "../" and by "": a template render costs about ten times the
    /// replacing. Only where that gives what two renders would: `flag.html`
    /// prints `root` as text and does nothing else with it
    /// ([`Theme::flag_prints_root_as_text`]), and no text of the flag holds
    /// the mark.
    fn flags(&self, views: &[FlagView]) -> Result<RenderedFlags, Diagnostic> {
        #[derive(Serialize)]
        struct FlagContext<'a> {
            flag: &'a FlagView<'a>,
            root: &'a str,
            passages: &'a [views::FlagPassageView<'a>],
            more: usize,
        }
        let error = |e: &tera::Error| self.theme.render_error("flag.html", e);
        let render_once = self.theme.flag_prints_root_as_text();
        let (nested, top) = views
            .par_iter()
            .with_max_len(crate::PIECE)
            .map(|flag| {
                let shown = flag.passages.len().min(MAX_PASSAGES_PER_FLAG);
                let mut context = Context::from_serialize(&FlagContext {
                    flag,
                    root: "../",
                    passages: &flag.passages[..shown],
                    more: flag.passages.len() - shown,
                })
                .map_err(|e| error(&e))?;
                if render_once
                    && shown == flag.passages.len()
                    && !["flag", "passages"]
                        .iter()
                        .filter_map(|name| context.get(name))
                        .any(holds_root_mark)
                {
                    context.insert("root", &*ROOT_MARK.encode_utf8(&mut [0; 4]));
                    return self.render_flag(&context, |html| {
                        (
                            tera::Value::safe_string(&html.replace(ROOT_MARK, "../")),
                            tera::Value::safe_string(&html.replace(ROOT_MARK, "")),
                        )
                    });
                }
                let nested = self.render_flag(&context, tera::Value::safe_string)?;
                context.insert("root", "");
                if shown < flag.passages.len() {
                    context.insert("passages", &flag.passages);
                    context.insert("more", &0);
                }
                Ok((
                    nested,
                    self.render_flag(&context, tera::Value::safe_string)?,
                ))
            })
            .collect::<Result<Vec<(tera::Value, tera::Value)>, Diagnostic>>()?
            .into_iter()
            .unzip();
        Ok(RenderedFlags { nested, top })
    }

    /// Renders `flag.html` with `context` into this thread's page buffer and
    /// hands the text to `keep`, which copies out what is kept until the
    /// pages that list the flag are written. (Tera writes only UTF-8.)
    fn render_flag<R>(
        &self,
        context: &Context,
        keep: impl FnOnce(&str) -> R,
    ) -> Result<R, Diagnostic> {
        let error = |e: &tera::Error| self.theme.render_error("flag.html", e);
        PAGE_BUFFER.with_borrow_mut(|html| {
            html.clear();
            self.theme
                .tera
                .render_to("flag.html", context, &mut *html)
                .map_err(|e| error(&e))?;
            let html = std::str::from_utf8(html)
                .map_err(|e| error(&tera::Error::message(e.to_string())))?;
            Ok(keep(html))
        })
    }

    /// Writes a large file by streaming into it.
    fn stream(
        &self,
        path: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        self.staging.stream(path, fill).map_err(|e| {
            Diagnostic::error("write-failed", format!("cannot write {path}: {e}"))
                .with_hint("check free disk space and permissions of the output folder")
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.staging.put(path, bytes).map_err(|e| {
            Diagnostic::error("write-failed", format!("cannot write {path}: {e}"))
                .with_hint("check free disk space and permissions of the output folder")
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Renders the whole site into `staging`. `on_page` is called after each page
/// (for progress bars). Returns every page path written, for the sitemap.
pub fn render(
    dossier: &Dossier,
    analysis: &Analysis,
    theme: &Theme,
    root_dir: &Path,
    staging: &Staging,
    on_page: &(dyn Fn() + Sync),
) -> Result<RenderStats, Vec<Diagnostic>> {
    let site = SiteView::new(dossier);
    let r = Renderer {
        theme,
        staging,
        site_value: tera::Value::from_serializable(&site),
        site,
        pages: AtomicUsize::new(0),
        files: AtomicUsize::new(0),
        on_page,
    };
    let mut steps = Vec::new();
    let mut started = Instant::now();
    let mut lap = |step: &'static str| {
        steps.push((step, started.elapsed()));
        started = Instant::now();
    };
    // Each flag is rendered once per `root` and reused by every page that
    // lists it (its articles, people, claims and the inconsistencies page).
    let flag_ids = crate::analyze::flag_ids(dossier, &analysis.flags);
    let flag_views = views::flag_views(dossier, analysis, &flag_ids);
    let RenderedFlags {
        nested: flags,
        top: top_flags,
    } = r.flags(&flag_views).map_err(|e| vec![e])?;
    lap("render/flags");

    let mut errors: Vec<Diagnostic> = Vec::new();
    let collect = |results: Vec<Result<(), Diagnostic>>, errors: &mut Vec<Diagnostic>| {
        // One broken template fails every page alike: report it once.
        for e in results.into_iter().filter_map(Result::err) {
            if !errors.iter().any(|x| x.message == e.message) {
                errors.push(e);
            }
        }
    };

    // The site files start first, the largest first (dossier.json alone is
    // a long serial job), and the pages fill the threads around them: run
    // one after the other, the site files' last jobs left a thread idle.
    let (site, pages) = rayon::join(
        || site_files(&r, dossier, analysis, &flag_views, &top_flags),
        || entity_pages(&r, dossier, analysis, &flag_views, &flags),
    );
    collect(pages, &mut errors);
    collect(site, &mut errors);
    lap("render/pages");
    for (from, into) in [
        (theme.static_dir.clone(), "static"),
        (Some(root_dir.join("content/static")), "static"),
    ] {
        let Some(from) = from.filter(|f| f.is_dir()) else {
            continue;
        };
        match staging.copy_tree(&from, into) {
            Ok(n) => {
                r.files.fetch_add(n, Ordering::Relaxed);
            }
            Err(e) => errors.push(Diagnostic::error(
                "write-failed",
                format!("cannot copy {}: {e}", from.display()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RenderStats {
        pages: r.pages.load(Ordering::Relaxed),
        files: r.files.load(Ordering::Relaxed),
        steps,
    })
}

/// Every person, outlet, article and claim page, in one parallel pass, so
/// that a few large pages (a person named everywhere) overlap the many small
/// ones instead of holding up a pass of their own. People come first: their
/// pages are the largest.
fn entity_pages(
    r: &Renderer<'_>,
    dossier: &Dossier,
    analysis: &Analysis,
    flag_views: &[FlagView],
    flags: &[tera::Value],
) -> Vec<Result<(), Diagnostic>> {
    let claims_about = pages::claims_about(dossier);
    let outlet_of_article = outlet_hrefs(dossier);
    #[derive(Clone, Copy)]
    enum Entity {
        Person(usize),
        Outlet(usize),
        Article(usize),
        Claim(usize),
    }
    let entities: Vec<Entity> = (0..dossier.people.len())
        .map(Entity::Person)
        .chain((0..dossier.index.outlets.len()).map(Entity::Outlet))
        .chain((0..dossier.articles.len()).map(Entity::Article))
        .chain((0..dossier.claims.len()).map(Entity::Claim))
        .collect();
    entities
        .into_par_iter()
        .with_max_len(crate::PIECE)
        .map(|entity| match entity {
            Entity::Person(p) => r.page(
                "person.html",
                &views::person_href(dossier, p),
                "people",
                None,
                pages::person_page(dossier, analysis, flags, &claims_about, p),
            ),
            Entity::Outlet(o) => {
                #[derive(Serialize)]
                struct OutletPage {
                    outlet: pages::OutletView,
                }
                let o = &dossier.index.outlets[o];
                r.page(
                    "outlet.html",
                    &format!("outlets/{}.html", o.slug),
                    "outlets",
                    None,
                    OutletPage {
                        outlet: pages::outlet_page(dossier, analysis, o),
                    },
                )
            }
            Entity::Article(ix) => {
                let a = &dossier.articles[ix];
                r.page(
                    "article.html",
                    &format!("articles/{}.html", a.slug()),
                    "articles",
                    Some((&a.lang, a.dir)),
                    article::article_page(
                        dossier,
                        analysis,
                        flag_views,
                        flags,
                        ix,
                        &outlet_of_article[ix],
                    ),
                )
            }
            Entity::Claim(c) => r.page(
                "claim.html",
                &views::claim_href(dossier, c),
                "claims",
                None,
                pages::claim_page(dossier, analysis, flags, c),
            ),
        })
        .collect()
}

/// The site-wide pages and files, one job each, side by side; the largest
/// first, so that the small ones fill the gaps.
fn site_files(
    r: &Renderer<'_>,
    dossier: &Dossier,
    analysis: &Analysis,
    flag_views: &[FlagView],
    top_flags: &[tera::Value],
) -> Vec<Result<(), Diagnostic>> {
    type Job<'j> = Box<dyn FnOnce() -> Result<(), Diagnostic> + Send + 'j>;
    let mut jobs: Vec<Job<'_>> = vec![
        Box::new(|| {
            r.stream("dossier.json", |out| {
                data::dossier_json(dossier, analysis, flag_views, out)
            })
        }),
        Box::new(|| {
            r.stream("annotations.jsonld", |out| {
                data::annotations_jsonld(dossier, out)
            })
        }),
        Box::new(|| {
            let page = pages::inconsistencies_page(flag_views, top_flags);
            r.page(
                "inconsistencies.html",
                "inconsistencies.html",
                "inconsistencies",
                None,
                page,
            )
        }),
        Box::new(|| r.stream("search-index.js", |out| data::search_index(dossier, out))),
        Box::new(|| {
            let page = pages::timeline_page(dossier);
            r.page("timeline.html", "timeline.html", "timeline", None, page)
        }),
        Box::new(|| {
            r.stream("sitemap.xml", |out| {
                data::sitemap(dossier, &page_list(dossier), out)
            })
        }),
        Box::new(|| {
            let page = pages::index_page(dossier, analysis, top_flags);
            r.page("index.html", "index.html", "", None, page)
        }),
        Box::new(|| r.write("feed.xml", &data::feed(dossier))),
        Box::new(|| r.page("search.html", "search.html", "search", None, ())),
        Box::new(|| not_found_page(r)),
        Box::new(|| r.write(".nojekyll", b"")),
    ];
    for (path, section, list) in pages::list_pages(dossier, analysis) {
        jobs.push(Box::new(move || {
            r.page("list.html", path, section, None, list)
        }));
    }
    for (name, bytes) in &r.theme.statics {
        jobs.push(Box::new(move || r.write(&format!("static/{name}"), bytes)));
    }
    // Each thread takes the next job of the list when it is free. (A parallel
    // iterator would split the list in halves and leave the two largest jobs
    // to one thread, one after the other, while the other ran the small ones.)
    let queue = std::sync::Mutex::new(jobs.into_iter().enumerate());
    let results = std::sync::Mutex::new(Vec::new());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                while let Some((i, job)) = next() {
                    let result = job();
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// The 404 page is served by hosts at any path, so its links are absolute
/// (from `base_url`) when the dossier has one.
fn not_found_page(r: &Renderer<'_>) -> Result<(), Diagnostic> {
    match &r.site.base_url {
        Some(base) => {
            let frame = Frame {
                site: &r.site_value,
                root: base,
                section: "",
                lang: &r.site.language,
                dir: "ltr",
                canonical: None,
                page: (),
            };
            r.render_page("404.html", "404.html", &frame)
        }
        None => r.page("404.html", "404.html", "", None, ()),
    }
}

fn outlet_hrefs(dossier: &Dossier) -> Vec<String> {
    let mut hrefs = vec![String::new(); dossier.articles.len()];
    for o in &dossier.index.outlets {
        for &a in &o.articles {
            hrefs[a] = format!("outlets/{}.html", o.slug);
        }
    }
    hrefs
}

fn page_list(dossier: &Dossier) -> Vec<String> {
    let mut pages: Vec<String> = [
        "index.html",
        "articles.html",
        "people.html",
        "claims.html",
        "outlets.html",
        "inconsistencies.html",
        "timeline.html",
        "search.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    pages.extend((0..dossier.articles.len()).map(|a| views::article_href(dossier, a)));
    pages.extend((0..dossier.people.len()).map(|p| views::person_href(dossier, p)));
    pages.extend((0..dossier.claims.len()).map(|c| views::claim_href(dossier, c)));
    pages.extend(
        dossier
            .index
            .outlets
            .iter()
            .map(|o| format!("outlets/{}.html", o.slug)),
    );
    pages
}
