//! Syntax highlighting of fenced code blocks with syntect.
//!
//! Classes, not inline styles: the theme's CSS decides colours, pages stay
//! small, and a strict Content-Security-Policy needs no `unsafe-inline`.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::html::escape;

/// Loaded on first use only: most articles have no code, and loading the
/// default syntaxes costs tens of milliseconds.
fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The language token of a fence's info string (`rust,ignore` -> `rust`).
pub(super) fn language(info: &str) -> Option<String> {
    let token = info
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
        .trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// A code block as HTML: highlighted with classed spans when syntect knows
/// the language, plain escaped text otherwise.
pub(super) fn code_block_html(code: &str, lang: Option<&str>) -> String {
    let Some(lang) = lang else {
        return format!("<pre><code>{}</code></pre>\n", escape(code));
    };
    let class = escape(lang);
    match highlighted(code, lang) {
        Some(inner) => {
            format!("<pre class=\"code\"><code class=\"language-{class}\">{inner}</code></pre>\n")
        }
        None => format!(
            "<pre><code class=\"language-{class}\">{}</code></pre>\n",
            escape(code)
        ),
    }
}

fn highlighted(code: &str, lang: &str) -> Option<String> {
    let set = syntax_set();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_token() {
        assert_eq!(language("rust,ignore").as_deref(), Some("rust"));
        assert_eq!(language(" python {.x}").as_deref(), Some("python"));
        assert_eq!(language(""), None);
    }

    #[test]
    fn known_language_gets_classed_spans() {
        let html = code_block_html("fn main() { let x = \"<b>\"; }\n", Some("rust"));
        assert!(html.contains("<span class=\"source rust\">"), "{html}");
        assert!(html.contains("class=\"language-rust\""));
        assert!(
            html.contains("&lt;b&gt;") && !html.contains("<b>"),
            "{html}"
        );
    }

    #[test]
    fn unknown_language_is_plain_escaped() {
        let html = code_block_html("<script>x</script>", Some("no-such-lang\""));
        assert_eq!(
            html,
            "<pre><code class=\"language-no-such-lang&quot;\">&lt;script&gt;x&lt;/script&gt;</code></pre>\n"
        );
    }
}
