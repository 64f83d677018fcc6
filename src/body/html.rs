//! Escaping and slugs: the only ways article text reaches the HTML output.

/// Appends `s` as HTML text. `"` and `'` are escaped too so the same function
/// is safe inside quoted attribute values.
pub(super) fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped for HTML text or a quoted attribute value.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// A fragment id from a heading's text: lower case, letters and digits of any
/// script kept (Arabic headings get Arabic ids), everything else folded to
/// single hyphens. Never empty, so every heading can be linked.
pub(super) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if hyphen && !out.is_empty() {
                out.push('-');
            }
            hyphen = false;
            out.extend(c.to_lowercase());
        } else {
            hyphen = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attribute_characters() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("غزة — ok"), "غزة — ok");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Who said “what”, and when?"), "who-said-what-and-when");
        assert_eq!(slug("  --  "), "section");
        assert_eq!(slug("مفاوضات غزة"), "مفاوضات-غزة");
        assert_eq!(slug("Ünïcode 2025"), "ünïcode-2025");
    }
}
