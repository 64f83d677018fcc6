//! Which URLs may become `href`/`src` attributes: links in an article's
//! Markdown, and URLs from YAML (an article's `url:`, a person's `links:`).
//!
//! Articles are scraped from the web and may be hostile. Only http, https and
//! mailto, and relative URLs (including fragments), are allowed; anything
//! else (`javascript:`, `vbscript:`, `data:`, `file:`, unknown schemes) is
//! refused. Browsers ignore ASCII white space and control characters inside a
//! scheme (`java\tscript:`) and compare schemes case-insensitively, so this
//! check does the same before looking at the scheme.

use std::borrow::Cow;

/// Whether a link target may be emitted as an `href`.
pub fn link_allowed(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
    }
}

/// Whether an image may be emitted as `<img src>`: only a relative URL,
/// because the published site must load no file from another host.
pub(super) fn image_allowed(url: &str) -> bool {
    let cleaned = cleaned(url);
    // `//host/x` and `/\host/x` are network-path references: another host.
    let remote =
        cleaned.starts_with("//") || cleaned.starts_with("/\\") || cleaned.starts_with("\\");
    scheme(url).is_none() && !remote && !cleaned.is_empty()
}

/// Whether a (allowed) link leaves the site, so it gets `rel="noopener noreferrer"`.
pub(super) fn is_external(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https")) || cleaned(url).starts_with("//")
}

/// The URL as a browser's scheme parser sees it: leading/trailing C0 controls
/// and spaces trimmed, tabs and newlines anywhere removed. Borrowed when
/// there is nothing to remove, as in every link the generator makes itself.
fn cleaned(url: &str) -> Cow<'_, str> {
    if url.bytes().all(|b| b > b' ') {
        return Cow::Borrowed(url);
    }
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .into()
}

/// The URL's scheme in lower case, or None for a relative URL. A colon before
/// any `/`, `?` or `#` makes the text before it a scheme; if that text is not
/// a syntactically valid scheme it is still treated as one (and so refused),
/// erring on the safe side.
fn scheme(url: &str) -> Option<String> {
    let cleaned = cleaned(url);
    let end = cleaned.find([':', '/', '?', '#'])?;
    if cleaned.as_bytes()[end] != b':' {
        return None;
    }
    // Controls and spaces inside the scheme part are ignored as browsers do.
    let s: String = cleaned[..end].chars().filter(|&c| c > ' ').collect();
    Some(s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_web_mail_and_relative() {
        for u in [
            "https://x.org/a?b#c",
            "HTTP://x",
            "mailto:a@b.c",
            "../people/x.html",
            "articles/a.html#p1",
            "#fn-1",
            "a/b:c",
            "?q=1",
            "",
        ] {
            assert!(link_allowed(u), "{u}");
        }
    }

    #[test]
    fn refuses_script_data_and_unknown_schemes() {
        for u in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "vbscript:x",
            "data:text/html;base64,xx",
            "DATA:image/png,xx",
            "file:///etc/passwd",
            "foo:bar",
        ] {
            assert!(!link_allowed(u), "{u:?}");
            assert!(!image_allowed(u), "{u:?}");
        }
    }

    #[test]
    fn images_only_from_this_site() {
        assert!(image_allowed("static/map.png"));
        assert!(!image_allowed("https://cdn.example/x.png"));
        assert!(!image_allowed("//cdn.example/x.png"));
        assert!(!image_allowed("/\\cdn.example/x.png"));
    }

    #[test]
    fn external() {
        assert!(is_external("https://x"));
        assert!(is_external("//x"));
        assert!(!is_external("../x.html"));
        assert!(!is_external("mailto:a@b"));
    }
}
