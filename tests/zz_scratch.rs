use std::fs;
use std::path::Path;
use std::time::Instant;

fn dossier(dir: &Path, article_body: &str, sidecar: Option<&str>, people: &str) {
    fs::create_dir_all(dir.join("content/articles")).unwrap();
    fs::write(dir.join("config.yaml"), "title: t\n").unwrap();
    fs::write(
        dir.join("content/articles/a.md"),
        format!("---\ntitle: a\noutlet: o\npublished: 2025-01-01\n---\n{article_body}"),
    )
    .unwrap();
    if let Some(s) = sidecar {
        fs::write(dir.join("content/articles/a.yaml"), s).unwrap();
    }
    fs::write(dir.join("content/people.yaml"), people).unwrap();
}

fn time(label: &str, body: String, sidecar: Option<String>, people: String) {
    let tmp = tempfile::tempdir().unwrap();
    dossier(tmp.path(), &body, sidecar.as_deref(), &people);
    let t = Instant::now();
    let c = dossier::check(tmp.path());
    eprintln!(
        "{label}: {:.2}s, {} diags, first: {:?}",
        t.elapsed().as_secs_f64(),
        c.diagnostics.len(),
        c.diagnostics
            .first()
            .map(|d| (d.code, d.message.chars().take(100).collect::<String>()))
    );
}

#[test]
fn scratch_huge() {
    let which = std::env::var("WHICH").unwrap_or_default();
    let p = "- id: steve\n  name: Steve Witkoff\n".to_string();
    if which.contains("big") {
        let para = "Steve Witkoff met the negotiators in Doha on Sunday, officials said again.\n\n";
        time(
            "5MB article",
            para.repeat(5_000_000 / para.len()),
            None,
            p.clone(),
        );
    }
    if which.contains("alias") {
        let mut people = String::from("- id: many\n  name: Many Names\n  aliases:\n");
        for i in 0..100_000 {
            people.push_str(&format!("    - Alias{i}\n"));
        }
        time(
            "100k aliases",
            "Alias5 met Alias99999.\n".into(),
            None,
            people,
        );
    }
    if which.contains("flow") {
        time(
            "deep flow yaml",
            "x\n".into(),
            None,
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        );
    }
    if which.contains("block") {
        let mut s = String::new();
        for i in 0..5_000 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        time("deep block yaml", "x\n".into(), None, s);
    }
    if which.contains("seqs") {
        time(
            "deep dash yaml",
            "x\n".into(),
            None,
            "- ".repeat(50_000) + "x\n",
        );
    }
    if which.contains("list") {
        let mut s = String::new();
        for i in 0..1_000 {
            s.push_str(&"  ".repeat(i));
            s.push_str("- item\n");
        }
        time("deep md list", s, None, p.clone());
        time(
            "deep md list one line",
            "- ".repeat(100_000) + "item\n",
            None,
            p.clone(),
        );
        time(
            "deep md mixed",
            "> - ".repeat(50_000) + "item\n",
            None,
            p.clone(),
        );
        time(
            "deep emphasis",
            "*a ".repeat(50_000) + &"a* ".repeat(50_000),
            None,
            p.clone(),
        );
        time(
            "deep links",
            "[".repeat(50_000) + &"](x)".repeat(50_000),
            None,
            p.clone(),
        );
    }
    if which.contains("quote") {
        time(
            "deep blockquote",
            ">".repeat(100_000) + " text\n",
            None,
            p.clone(),
        );
    }
    if which.contains("many") {
        let mut s = String::from("mentions:\n");
        for i in 0..5_000 {
            s.push_str(&format!("  - quote: \"Doha\"\n    person: nobody{i}\n"));
        }
        time("5k errors", "In Doha.\n".into(), Some(s), p.clone());
    }
}
