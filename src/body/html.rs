//! Escaping and slugs: the only ways article text reaches the HTML output.

/// Appends `s` as HTML text. `"` and `'` are escaped too so the same function
/// is safe inside quoted attribute values.
pub fn escape_into(out: &mut String, s: &str) {
    out.reserve(s.len());
    escape_pieces(s, |piece| {
        out.push_str(piece);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {});
}

/// Writes `s` as HTML text, as [`escape_into`] does: the escaper the
/// templates use, writing straight into the page being rendered.
pub fn escape_to(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_pieces(s, |piece| out.write_all(piece.as_bytes()))
}

/// Strings shorter than this are read a byte at a time (see
/// [`escape_pieces`]).
const SHORT: usize = 64;

/// Hands `s` to `put` escaped, in pieces: runs of text that need nothing and
/// the entities between them. Every string of every page goes through here,
/// so in a long string the bytes to replace are found with `memchr`'s vector
/// search, markup characters and quotes in two searches that each resume
/// only after the byte they found. Most strings a template prints are short
/// (hrefs, names, dates), and setting up the two searches costs more than
/// reading a short string byte by byte.
fn escape_pieces<E>(s: &str, mut put: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = s.as_bytes();
    if bytes.len() < SHORT {
        let mut copied = 0;
        for (at, rep) in bytes
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| Some((i, entity(b)?)))
        {
            // Escaped bytes are ASCII: every cut is a char boundary.
            if copied < at {
                put(&s[copied..at])?;
            }
            put(rep)?;
            copied = at + 1;
        }
        if copied < s.len() {
            put(&s[copied..])?;
        }
        return Ok(());
    }
    let end_or = |from: usize, found: Option<usize>| found.map_or(bytes.len(), |i| from + i);
    let next_markup = |from: usize| end_or(from, memchr::memchr3(b'&', b'<', b'>', &bytes[from..]));
    let next_quote = |from: usize| end_or(from, memchr::memchr2(b'"', b'\'', &bytes[from..]));
    let (mut markup, mut quote) = (next_markup(0), next_quote(0));
    let mut copied = 0;
    loop {
        let at = markup.min(quote);
        let Some(rep) = bytes.get(at).and_then(|&b| entity(b)) else {
            break;
        };
        // Escaped bytes are ASCII: every cut is a char boundary.
        if copied < at {
            put(&s[copied..at])?;
        }
        put(rep)?;
        copied = at + 1;
        if at == markup {
            markup = next_markup(copied);
        } else {
            quote = next_quote(copied);
        }
    }
    if copied < s.len() {
        put(&s[copied..])?;
    }
    Ok(())
}

/// The entity that replaces `b` in HTML text and attribute values, if any.
fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// `s` escaped for HTML text or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
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

    /// The two interleaved searches give what escaping each character does,
    /// however markup characters, quotes and multi-byte characters mix.
    #[test]
    fn escaping_matches_escaping_each_character() {
        fn reference(s: &str) -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_owned(),
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&#39;".to_owned(),
                    c => c.to_string(),
                })
                .collect()
        }
        // Up to 150 characters: strings on both sides of `SHORT` bytes.
        proptest::proptest!(|(s in "[a<>&\"'é غ —\n]{0,150}")| {
            proptest::prop_assert_eq!(escape(&s), reference(&s));
            let mut written = Vec::new();
            escape_to(&s, &mut written).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(written).unwrap(), reference(&s));
        });
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Who said “what”, and when?"), "who-said-what-and-when");
        assert_eq!(slug("  --  "), "section");
        assert_eq!(slug("مفاوضات غزة"), "مفاوضات-غزة");
        assert_eq!(slug("Ünïcode 2025"), "ünïcode-2025");
    }
}
