//! Nothing lost, nothing half-written: a build that fails leaves the output
//! folder byte for byte as it was, and a build killed at any moment leaves
//! either the complete old site or the complete new one, never a mix; what a
//! killed or failed build left in the staging folder never reaches a site.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::copy_dir;

/// Every file under `dir`: relative path -> contents.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A digest of [`snapshot`], for comparing large sites cheaply.
fn digest(dir: &Path) -> (usize, u64) {
    let files = snapshot(dir);
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    (files.len(), h.finish())
}

fn build(root: &Path, output: &Path) -> dossier::Built {
    dossier::build(&dossier::BuildOptions {
        root: root.to_owned(),
        output: output.to_owned(),
        on_page: None,
        before_render: None,
    })
}

/// The names in `dir` (to see staging folders left beside the output).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn failed_build_leaves_the_output_byte_for_byte_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        &root,
    );
    let out = root.join("public");
    let built = build(&root, &out);
    assert!(built.summary.is_some(), "{:?}", built.diagnostics);
    let before = snapshot(&out);
    assert!(before.len() > 10);

    // 1. An error found by the checks: nothing is rendered.
    let claims = root.join("content/claims.yaml");
    let good_claims = fs::read_to_string(&claims).unwrap();
    fs::write(
        &claims,
        format!("{good_claims}\n- id: broken\n  about: [nobody]\n"),
    )
    .unwrap();
    let built = build(&root, &out);
    assert!(built.summary.is_none());
    assert!(
        built
            .diagnostics
            .iter()
            .any(|d| d.code == "unknown-reference"),
        "{:?}",
        built.diagnostics
    );
    assert_eq!(snapshot(&out), before);
    fs::write(&claims, good_claims).unwrap();

    // 2. An error found while rendering, with pages already in the staging
    // folder.
    let templates = root.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join("claim.html"), "{% extends \"base.html\" %}{% block main %}{{ claim.no_such_field.deeper }}{% endblock main %}").unwrap();
    let built = build(&root, &out);
    assert!(built.summary.is_none());
    assert!(
        built.diagnostics.iter().any(|d| d.code == "template"),
        "{:?}",
        built.diagnostics
    );
    assert_eq!(snapshot(&out), before);

    // 3. Fixed again: the pages the failed build left in the staging folder
    // do not reach the new site, which is exactly what a fresh build makes.
    fs::remove_dir_all(root.join("themes")).unwrap();
    let alpha = root.join("content/articles/alpha.md");
    let changed = fs::read_to_string(&alpha)
        .unwrap()
        .replace("title: \"Alpha", "title: \"Changed");
    fs::write(&alpha, changed).unwrap();
    assert!(build(&root, &out).summary.is_some());
    let fresh = tmp.path().join("fresh");
    assert!(build(&root, &fresh).summary.is_some());
    assert_ne!(snapshot(&out), before);
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// A dossier of `n` small articles: big enough that a build takes a while.
fn big_dossier(root: &Path, n: usize, title: &str) {
    let articles = root.join("content/articles");
    fs::create_dir_all(&articles).unwrap();
    fs::write(root.join("config.yaml"), format!("title: \"{title}\"\n")).unwrap();
    fs::write(
        root.join("content/people.yaml"),
        "- id: steve-witkoff\n  name: Steve Witkoff\n",
    )
    .unwrap();
    for i in 0..n {
        fs::write(
            articles.join(format!("a{i:05}.md")),
            format!(
                "---\ntitle: \"Article {i}\"\noutlet: Outlet {}\npublished: 2025-05-{:02}\n---\nSteve Witkoff met someone on day {i}.\n\nA second paragraph with *emphasis*.\n",
                i % 7,
                1 + i % 28
            ),
        )
        .unwrap();
    }
}

/// When to kill a build: called in a loop, with the time the build started,
/// until it says so.
type Ready<'a> = Box<dyn Fn(SystemTime) -> bool + 'a>;

fn spawn_build(root: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "--root",
            root.to_str().unwrap(),
            "build",
            "-o",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `ready()` or the child exits; then SIGKILLs it (if still
/// running). Returns whether it was killed while running.
fn kill_when(child: &mut Child, ready: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if ready() || Instant::now() > deadline {
            let killed = child.kill().is_ok();
            child.wait().unwrap();
            return killed;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Files under `dir` written at or after `since`.
fn count_files_since(dir: &Path, since: SystemTime) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .is_some_and(|t| t >= since)
        })
        .count()
}

#[cfg(unix)]
fn inode(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).ok().map(|m| m.ino())
}

#[cfg(unix)]
#[test]
fn build_killed_at_any_moment_leaves_the_old_or_the_new_site() {
    const ARTICLES: usize = 500;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dossier");
    let out = tmp.path().join("site");
    let staging = tmp.path().join(".site.staging");

    big_dossier(&root, ARTICLES, "Old title");
    let built = build(&root, &out);
    assert!(built.summary.is_some());
    let old = digest(&out);
    let files = old.0;
    assert!(files > ARTICLES);

    // The new version changes every page (the title is on each).
    fs::write(root.join("config.yaml"), "title: \"New title\"\n").unwrap();

    // Kill moments: during loading, once rendering has begun, half-way
    // through rendering, and right after the swap. The staging folder may
    // hold files of earlier builds, so progress is counted in files written
    // since the build started.
    let old_inode = inode(&out);
    let moments: Vec<(&str, Ready)> = vec![
        ("loading", Box::new(|_| true)),
        (
            "rendering started",
            Box::new(|since| count_files_since(&staging, since) > 0),
        ),
        (
            "half rendered",
            Box::new(|since| count_files_since(&staging, since) > files / 2),
        ),
        ("swapped", Box::new(|_| inode(&out) != old_inode)),
    ];
    let mut seen = Vec::new();
    for (moment, ready) in moments {
        let since = SystemTime::now() - Duration::from_millis(10);
        let mut child = spawn_build(&root, &out);
        let killed = kill_when(&mut child, || ready(since));
        seen.push((moment, killed, digest(&out), staging.exists()));
    }
    // A build killed while rendering leaves its staging folder behind...
    assert!(
        seen[2].1 && seen[2].3,
        "the half-rendered build left no staging folder"
    );

    // ...and the next complete build makes exactly the site a build into a
    // fresh folder makes: nothing a killed build left reaches it.
    let built = build(&root, &out);
    assert!(built.summary.is_some());
    let new = digest(&out);
    assert_ne!(new, old);
    let fresh = tmp.path().join("fresh").join("site");
    assert!(build(&root, &fresh).summary.is_some());
    assert_eq!(digest(&fresh), new);
    assert!(
        !names(tmp.path()).iter().any(|n| n.ends_with(".retired")),
        "{:?}",
        names(tmp.path())
    );

    for (moment, killed, state, _) in &seen {
        assert!(
            *state == old || *state == new,
            "killed at {moment} (killed: {killed}): the output is neither the old nor the new site"
        );
    }
    // The kills before the swap found the old site in place.
    assert_eq!(seen[0].2, old);
    assert_eq!(seen[1].2, old);
}

/// `before_render` runs once, after the checks and before the first page,
/// and never for a build that the checks stop (the command line switches its
/// memory policy there).
#[test]
fn before_render_runs_once_between_the_checks_and_the_pages() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let tmp = tempfile::tempdir().unwrap();
    let build_counting = |root: &Path| {
        let (calls, pages) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let pages_at_call = Arc::new(AtomicUsize::new(usize::MAX));
        let built = dossier::build(&dossier::BuildOptions {
            root: root.to_owned(),
            output: tmp.path().join("public"),
            on_page: Some(Box::new({
                let pages = pages.clone();
                move |_| {
                    pages.fetch_add(1, Ordering::SeqCst);
                }
            })),
            before_render: Some(Box::new({
                let (calls, pages, at) = (calls.clone(), pages.clone(), pages_at_call.clone());
                move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    at.store(pages.load(Ordering::SeqCst), Ordering::SeqCst);
                }
            })),
        });
        (
            built,
            calls.load(Ordering::SeqCst),
            pages.load(Ordering::SeqCst),
            pages_at_call.load(Ordering::SeqCst),
        )
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let (built, calls, pages, pages_at_call) = build_counting(&fixtures.join("basic"));
    assert!(built.summary.is_some(), "{:?}", built.diagnostics);
    assert_eq!((calls, pages_at_call), (1, 0));
    assert!(pages > 10, "{pages} pages");
    let (built, calls, pages, _) = build_counting(&fixtures.join("invalid"));
    assert!(built.summary.is_none());
    assert_eq!((calls, pages), (0, 0));
}
