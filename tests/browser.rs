//! The fixture site in a real browser: builds tests/fixtures/basic and runs
//! `node tests/browser/run.mjs <site>` (search from file://, no other host,
//! previews, keys, no-JS reading, dark/print/phone, accessibility basics).
//!
//! Needs node, Debian's chromium and `npm ci` in tests/browser. Without them the
//! test is skipped with a message, unless DOSSIER_BROWSER_TESTS=required (as in
//! CI), when their absence fails it. DOSSIER_BROWSER_TESTS=off skips it always.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    std::env::var_os("DOSSIER_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing to run the browser tests, if anything.
fn missing_tools(dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => missing.push("node (Node.js 20 or later) is not on PATH".to_owned()),
    }
    let chromium = chromium();
    if !chromium.is_file() {
        missing.push(format!(
            "no chromium at {} (apt-get install chromium, or set DOSSIER_CHROMIUM)",
            chromium.display()
        ));
    }
    if !dir
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push(format!(
            "playwright-core is not installed (run `npm ci` in {})",
            dir.display()
        ));
    }
    missing
}

#[test]
fn fixture_site_works_in_a_browser() {
    let mode = std::env::var("DOSSIER_BROWSER_TESTS").unwrap_or_default();
    if mode == "off" {
        eprintln!("browser tests skipped: DOSSIER_BROWSER_TESTS=off");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let missing = missing_tools(&dir);
    if !missing.is_empty() {
        let why = missing.join("; ");
        assert!(
            mode != "required",
            "DOSSIER_BROWSER_TESTS=required but the browser tests cannot run: {why}"
        );
        eprintln!("browser tests SKIPPED: {why}. Set DOSSIER_BROWSER_TESTS=required to make this a failure.");
        return;
    }

    let site = common::build(&common::fixture("basic"));
    let out = Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(&site.out)
        .current_dir(&dir)
        .env("DOSSIER_CHROMIUM", chromium())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser tests failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    // Shown with --nocapture: the measured search latency.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("# ") && l.contains("latency"))
    {
        println!("{line}");
    }
}
