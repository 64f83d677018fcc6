//! The `dossier` command line: `build`, `check`, and the authoring commands
//! `init`, `new article` and `import`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use dossier::diagnostic::Diagnostic;

/// Rendering tens of thousands of pages is allocation-heavy (template
/// contexts, strings); mimalloc is markedly faster at it than glibc's malloc.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc through its plain entry points whenever they give the alignment
/// asked for. The `mimalloc` crate always calls the `_aligned` ones, whose
/// extra checks were 1.8% of a build's instructions: a 10,000-article build
/// makes some 30 million allocations.
struct Mimalloc;

/// Every block mimalloc hands out is aligned to a pointer's size.
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

// SAFETY: each method forwards to the mimalloc call with the same contract;
// the plain ones only where `PLAIN_ALIGN` covers the alignment asked for.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        if layout.align() <= PLAIN_ALIGN {
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        if layout.align() <= PLAIN_ALIGN {
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        if layout.align() <= PLAIN_ALIGN {
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe { mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast() }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (the 16th entry of `mi_option_t` in
/// mimalloc 3's `mimalloc.h`; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory mapped for reuse instead of handing it back to the OS:
/// memory handed back returns as fresh pages that the kernel zeroes again. On
/// a 10,000-article build this cut the page faults from about 5,000 to about
/// 950. The process ends soon after its build, so nothing is held for long.
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads it on each purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Transparent huge pages off while the model is built (load, resolve,
/// analyze); [`huge_pages_for_rendering`] turns them back on.
///
/// Memory touched for the first time costs most where the operating system
/// must first get it back from a host: on this project's benchmark machine
/// (a Firecracker VM that returns free memory to its host), a 2 MB page
/// touched again after that cost 4.4 ms per MB, a 4 KB page 0.7 ms per MB.
/// The model is about 300 MB at 10,000 articles, written once and read a
/// few times: in 4 KB pages `check` took 11% less time (interleaved runs,
/// each after a Hugo build, as the benchmark has them).
/// Rendering reads the model over and over and makes much of its garbage
/// again and again, so it keeps huge pages: without them for the whole
/// build, builds took up to 10% longer. Elsewhere the 4 KB pages cost about a
/// microsecond per page fault, some 0.1 s of CPU at 10,000 articles.
/// (Process-wide, Linux only; where the call fails nothing changes.)
fn small_pages_for_the_model() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// See [`small_pages_for_the_model`].
fn huge_pages_for_rendering() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(false);
}

/// Builds a linked static website from a dossier of annotated news articles:
/// a page per article (passages highlighted and linked), person, claim and
/// outlet, a timeline, search, and a flag wherever the sources disagree.
#[derive(Parser)]
#[command(name = "dossier", version)]
#[command(
    after_help = "Start a dossier with `dossier init DIR`, or run `dossier build` in a folder that has config.yaml and content/.\nEvery setting is explained in the config.yaml that `init` writes."
)]
struct Cli {
    /// The dossier's folder (holding config.yaml and content/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print per-stage timings.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: <root>/public).
    ///
    /// The new site replaces the old one only when the whole build succeeds.
    Build {
        /// Where to write the site.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check the dossier without writing anything: every error and warning,
    /// with file:line and a hint. Exits 1 when there are errors.
    Check {
        /// `human` (rustc-style) or `json` (one object per line).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a new dossier in DIR (which must be empty or missing): a sample
    /// article with its annotations, people, claims, a commented config.yaml,
    /// a GitHub Pages workflow and a README for editors.
    Init {
        /// The folder to create the dossier in.
        dir: PathBuf,
    },
    /// Create a new item in the dossier.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Turn text copied out of news pages into articles: guesses the title,
    /// outlet, date and address, drops page furniture (menus, share buttons,
    /// related articles, cookie banners, subscription prompts, photo credits),
    /// keeps the article's paragraphs as they are, and reports every guess
    /// and every line it dropped. Never overwrites an article.
    Import {
        /// The text files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Where to write the articles (default: <root>/content/articles).
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum New {
    /// An article (content/articles/SLUG.md with front matter) and its empty
    /// annotations file (SLUG.yaml). Refuses to overwrite either.
    Article {
        /// The file name: lower-case letters, digits and `-`.
        slug: String,
        /// The outlet that published it.
        #[arg(long)]
        outlet: Option<String>,
        /// The date printed on it, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        published: Option<String>,
        /// The article's address.
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    keep_freed_memory();
    small_pages_for_the_model();
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Init { dir } => match dossier::author::init(&dir) {
            Ok(written) => {
                for path in &written {
                    println!("created {}", path.display());
                }
                println!(
                    "\nA new dossier is in {0}. Next: `dossier build --root {0}`, and read {0}/README.md.",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(message) => fail(&message),
        },
        Command::New {
            what:
                New::Article {
                    slug,
                    outlet,
                    published,
                    url,
                },
        } => {
            let new = dossier::author::NewArticle {
                slug,
                outlet,
                published,
                url,
            };
            match dossier::author::new_article(&cli.root.join("content/articles"), &new) {
                Ok(paths) => {
                    for path in paths {
                        println!("created {}", path.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(message) => fail(&message),
            }
        }
        Command::Import { files, into } => {
            let into = into.unwrap_or_else(|| cli.root.join("content/articles"));
            let mut failed = false;
            for file in &files {
                match dossier::author::import_file(file, &into) {
                    Ok(done) => println!(
                        "{} -> {}\n{}",
                        file.display(),
                        done.written.display(),
                        done.imported.report()
                    ),
                    Err(message) => {
                        eprintln!("error: {message}");
                        failed = true;
                    }
                }
            }
            exit(failed)
        }
        Command::Check {
            format,
            deny_warnings,
        } => {
            let mut checked = dossier::check(&cli.root);
            from_working_dir(&mut checked.diagnostics, &cli.root);
            match format {
                Format::Json => {
                    for d in &checked.diagnostics {
                        println!(
                            "{}",
                            serde_json::to_string(d).expect("diagnostics serialise")
                        );
                    }
                }
                Format::Human => {
                    print_diagnostics(&checked.diagnostics, color);
                    let (errors, warnings) = count(&checked.diagnostics);
                    match (&checked.dossier, &checked.analysis) {
                        (Some(d), Some(a)) => eprintln!(
                            "checked {} articles, {} people, {} claims: {} flags, {errors} errors, {warnings} warnings",
                            d.articles.len(),
                            d.people.len(),
                            d.claims.len(),
                            a.flags.len()
                        ),
                        _ => eprintln!("check failed: {errors} errors, {warnings} warnings"),
                    }
                }
            }
            if cli.verbose {
                print_timings(&checked.timings);
            }
            let (errors, warnings) = count(&checked.diagnostics);
            leak_at_exit(checked.dossier.take().zip(checked.analysis.take()));
            exit(errors > 0 || (deny_warnings && warnings > 0))
        }
        Command::Build {
            output,
            deny_warnings,
        } => {
            let output = output.unwrap_or_else(|| cli.root.join("public"));
            let progress = progress_bar();
            let on_page: Option<Box<dyn Fn(usize) + Sync>> = progress.clone().map(|bar| {
                Box::new(move |total: usize| {
                    // Small dossiers build faster than a bar can be read.
                    bar.set_length(total as u64);
                    if total >= MIN_PAGES_FOR_PROGRESS && bar.is_hidden() {
                        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
                    }
                    bar.inc(1);
                }) as Box<dyn Fn(usize) + Sync>
            });
            let mut built = dossier::build(&dossier::BuildOptions {
                root: cli.root.clone(),
                output: output.clone(),
                on_page,
                before_render: Some(Box::new(huge_pages_for_rendering)),
            });
            leak_at_exit(built.model.take());
            from_working_dir(&mut built.diagnostics, &cli.root);
            if let Some(bar) = progress {
                bar.finish_and_clear();
            }
            print_diagnostics(&built.diagnostics, color);
            if cli.verbose {
                print_timings(&built.timings);
            }
            let (errors, warnings) = count(&built.diagnostics);
            match built.summary {
                Some(summary) => {
                    eprintln!("built {}: {summary}", output.display());
                    exit(deny_warnings && warnings > 0)
                }
                None => {
                    eprintln!(
                        "build failed with {errors} error{}{}; {} was left as it was",
                        if errors == 1 { "" } else { "s" },
                        if warnings > 0 {
                            format!(
                                " and {warnings} warning{}",
                                if warnings == 1 { "" } else { "s" }
                            )
                        } else {
                            String::new()
                        },
                        output.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Hands the model to the operating system: freeing millions of small
/// allocations one by one takes a noticeable part of a large build, and the
/// process is about to exit anyway.
fn leak_at_exit(model: Option<(dossier::resolve::Dossier, dossier::analyze::Analysis)>) {
    std::mem::forget(model);
}

/// Diagnostics name files relative to the dossier's root; printed, they are
/// relative to the working directory, so that terminals and editors can open
/// `file:line:column` as shown.
fn from_working_dir(diagnostics: &mut [Diagnostic], root: &std::path::Path) {
    if root == std::path::Path::new(".") {
        return;
    }
    for d in diagnostics {
        if let Some(loc) = &mut d.location {
            // "(built-in theme) base.html" is no file on disk.
            if loc.file.is_relative() && !loc.file.to_string_lossy().starts_with('(') {
                loc.file = root.join(&loc.file);
            }
        }
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn print_diagnostics(diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        eprintln!("{}\n", d.render(color));
    }
}

fn print_timings(timings: &dossier::Timings) {
    for (stage, time) in &timings.0 {
        eprintln!("  {stage:<16} {:>8.3} s", time.as_secs_f64());
    }
}

/// Builds of fewer pages (a few hundred articles) show no progress bar.
const MIN_PAGES_FOR_PROGRESS: usize = 1000;

/// A progress bar on a terminal; none when stderr is redirected (CI, logs).
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
        )
        .expect("valid template"),
    );
    // Small dossiers build faster than a bar can be read.
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the hand-written option number: mimalloc's purge delay is the
    /// option that defaults to 1000 ms (`options.c`), and setting it reads back.
    #[test]
    fn purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets plain integer options.
        unsafe {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 1000);
            }
            keep_freed_memory();
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), -1);
        }
    }

    /// The two halves of the memory policy really switch huge pages off and
    /// on again (the only test in this binary that touches the setting).
    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_go_off_for_the_model_and_on_for_rendering() {
        let disabled = || rustix::thread::transparent_huge_pages_are_disabled().unwrap();
        small_pages_for_the_model();
        assert!(disabled());
        huge_pages_for_rendering();
        assert!(!disabled());
    }
}
