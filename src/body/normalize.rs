//! Normalisation of text for anchoring, with a map back to the original bytes.
//!
//! Editors copy quotes from a rendered page, a PDF or their own notes, so the
//! quote and the article rarely agree on white space or on typographic forms
//! (curly vs straight quotes, dashes, ellipses). Matching is done on a
//! normalised form of both sides; the map lets a match in normalised text be
//! turned back into a span that covers exactly the original characters, so a
//! highlight never cuts a UTF-8 character or half of an "…".

/// What one original character (or white-space run) became, when that is not
/// a byte-for-byte copy. Between two units the normalised and original texts
/// are identical byte for byte, so only the units need storing: on ordinary
/// prose the map is a small fraction of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    /// Byte offset of the unit's output in the normalised text.
    norm: usize,
    /// Bytes of output (0 for characters that normalisation drops).
    norm_len: usize,
    /// Byte offset of the unit's source in the original text.
    orig: usize,
    /// Bytes of source.
    orig_len: usize,
}

/// A normalised text and its offset map back to the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Normalized {
    /// The normalised text: single spaces, no leading or trailing space,
    /// typographic forms replaced by their ASCII equivalents.
    pub(super) text: String,
    /// Non-identity units, in increasing `norm` (and `orig`) order.
    units: Vec<Unit>,
}

/// Normalises `s` (see [`Normalized`]); use [`normalize_str`] when no map is needed.
pub(super) fn normalize(s: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(s.len()),
        units: Vec::new(),
    };
    // Original byte range of the white-space run not yet written out.
    let mut space: Option<(usize, usize)> = None;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Printable ASCII, the bulk of any text, is copied a run at a time:
        // it is never white space, invisible or replaced, and a single space
        // between two such characters stays as it is.
        if bytes[i].is_ascii_graphic() {
            out.end_space(space.take());
            let run = i;
            i += graphic_run(&bytes[i..]);
            out.text.push_str(&s[run..i]);
            continue;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            space = Some((space.map_or(i, |(a, _)| a), end));
        } else if is_invisible(c) {
            match &mut space {
                // Inside a white-space run: the run absorbs it.
                Some((_, e)) => *e = end,
                None => out.units.push(Unit {
                    norm: out.text.len(),
                    norm_len: 0,
                    orig: i,
                    orig_len: end - i,
                }),
            }
        } else {
            out.end_space(space.take());
            match replacement(c) {
                Some(r) => {
                    out.units.push(Unit {
                        norm: out.text.len(),
                        norm_len: r.len(),
                        orig: i,
                        orig_len: end - i,
                    });
                    out.text.push_str(r);
                }
                None => out.text.push(c),
            }
        }
        i = end;
    }
    // Trailing white space is dropped; nothing after it needs mapping.
    out
}

/// The length of the run `bytes` starts with that normalisation copies as it
/// is: printable ASCII, with single spaces between printable characters.
/// Eight bytes at a time, each classed by range checks on one `u64`: this
/// runs over every article's text.
fn graphic_run(bytes: &[u8]) -> usize {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let splat = |b: u8| u64::from_ne_bytes([b; 8]);
    // Bit 7 of each byte that is printable ASCII (0x21..=0x7e): below 0x80,
    // and adding 0x5f (0x80 - 0x21) reaches 0x80 while adding 1 (0x7f -
    // 0x7e) does not.
    let graphic = |x: u64| {
        let v = x & !HIGH;
        (v.wrapping_add(splat(0x5f)) & !v.wrapping_add(splat(0x01))) & !x & HIGH
    };
    // Bit 7 of each byte that is a space: zero after xor with 0x20.
    let space = |x: u64| {
        let v = x ^ splat(b' ');
        !(v | ((v & !HIGH).wrapping_add(!HIGH))) & HIGH
    };
    let is_graphic = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_graphic);
    let mut at = 0;
    // Eight bytes and the one after them (whether a space at the end of
    // the eight goes on).
    while let Some(chunk) = bytes.get(at..at + 9) {
        let x = u64::from_le_bytes(chunk[..8].try_into().expect("eight bytes"));
        let g = graphic(x);
        // Whether the byte after each one is printable: `g` moved down a
        // byte, with the ninth byte's on top.
        let next = (g >> 8) | (u64::from(chunk[8].is_ascii_graphic()) << 63);
        let stop = !(g | (space(x) & next)) & HIGH;
        if stop != 0 {
            return at + stop.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    while is_graphic(at) || (bytes.get(at) == Some(&b' ') && is_graphic(at + 1)) {
        at += 1;
    }
    at
}

/// The normalised form of `s` without its map (for quotes, prefixes, suffixes).
pub(super) fn normalize_str(s: &str) -> String {
    normalize(s).text
}

impl Normalized {
    /// Writes out the white-space run `space` (original byte range) before a
    /// visible character: one space, or nothing at the start of the text.
    fn end_space(&mut self, space: Option<(usize, usize)>) {
        let Some((a, b)) = space else {
            return;
        };
        if self.text.is_empty() {
            // Leading white space is trimmed.
            self.units.push(Unit {
                norm: 0,
                norm_len: 0,
                orig: a,
                orig_len: b - a,
            });
            return;
        }
        // A single one-byte white-space character ("\n", "\t", " ") maps
        // byte for byte onto the space, so needs no unit.
        if b - a != 1 {
            self.units.push(Unit {
                norm: self.text.len(),
                norm_len: 1,
                orig: a,
                orig_len: b - a,
            });
        }
        self.text.push(' ');
    }

    /// Original byte offset where a match starting at normalised offset `n`
    /// starts. A start inside a unit (e.g. the second "." of an "…") widens
    /// to the whole unit, so spans always cover whole characters.
    pub(super) fn orig_start(&self, n: usize) -> usize {
        let idx = self.units.partition_point(|u| u.norm <= n);
        if idx == 0 {
            return n;
        }
        let u = self.units[idx - 1];
        if n < u.norm + u.norm_len {
            u.orig
        } else {
            u.orig + u.orig_len + (n - (u.norm + u.norm_len))
        }
    }

    /// Original byte offset where a match ending (exclusively) at normalised
    /// offset `n` ends; an end inside a unit widens to the whole unit.
    pub(super) fn orig_end(&self, n: usize) -> usize {
        let idx = self.units.partition_point(|u| u.norm < n);
        if idx == 0 {
            return n;
        }
        let u = self.units[idx - 1];
        if n <= u.norm + u.norm_len {
            u.orig + u.orig_len
        } else {
            u.orig + u.orig_len + (n - (u.norm + u.norm_len))
        }
    }
}

/// The ASCII form of a typographic character, if it has one.
///
/// The list is the format contract's (“ ” „ ″, ‘ ’ ‚ ′, – — ‒ −, …) plus the
/// few look-alikes of the same families that scraped pages also use
/// (‟ ‛, the hyphen U+2010/U+2011 and the horizontal bar U+2015).
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => "\"",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => "'",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => "-",
        '\u{2026}' => "...",
        _ => return None,
    })
}

/// Characters a reader cannot see, which scraped text is full of and a typed
/// quote never contains: soft hyphen, zero-width space, word joiner, BOM, and
/// the bidirectional marks and isolates that Arabic and Hebrew pages sprinkle
/// around numbers and Latin words. They are dropped before matching.
/// (ZWJ/ZWNJ are kept: they change how Persian and Arabic words are spelt.)
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphic_runs_end_where_a_byte_at_a_time_ends_them() {
        let byte_at_a_time = |bytes: &[u8]| {
            let graphic = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_graphic);
            let mut at = 0;
            while graphic(at) || (bytes.get(at) == Some(&b' ') && graphic(at + 1)) {
                at += 1;
            }
            at
        };
        // Every byte value at every place of two chunks, in printable text,
        // alone and before a space.
        for b in 0..=255u8 {
            for at in 0..18 {
                for after in [b'x', b' '] {
                    let mut bytes = vec![b'k'; 20];
                    bytes[at] = b;
                    bytes[(at + 1).min(19)] = after;
                    assert_eq!(
                        graphic_run(&bytes),
                        byte_at_a_time(&bytes),
                        "{b:#x} at {at}"
                    );
                }
            }
        }
        for text in [
            "",
            "a",
            "a b",
            "a  b",
            "ab cd ef gh ij",
            "word “quoted”",
            "end ",
            "x\ny z",
        ] {
            let bytes = text.as_bytes();
            assert_eq!(graphic_run(bytes), byte_at_a_time(bytes), "{text:?}");
        }
    }

    fn n(s: &str) -> String {
        normalize_str(s)
    }

    #[test]
    fn collapses_and_trims_white_space() {
        assert_eq!(n("  a \n\t b  "), "a b");
        assert_eq!(n("a\u{00A0}b\u{2009}c\u{202F}d\u{2007}e"), "a b c d e");
        assert_eq!(n("a \u{00A0}\n b"), "a b");
        assert_eq!(n(" \n "), "");
    }

    #[test]
    fn maps_each_typographic_form() {
        for c in ['“', '”', '„', '″', '‟'] {
            assert_eq!(n(&format!("{c}x{c}")), "\"x\"", "{c}");
        }
        for c in ['‘', '’', '‚', '′', '‛'] {
            assert_eq!(n(&format!("{c}x{c}")), "'x'", "{c}");
        }
        for c in ['–', '—', '‒', '−', '‐', '‑', '―'] {
            assert_eq!(n(&format!("a{c}b")), "a-b", "{c}");
        }
        assert_eq!(n("wait…"), "wait...");
    }

    #[test]
    fn drops_invisible_characters() {
        assert_eq!(n("ab\u{00AD}c\u{200B}d"), "abcd");
        assert_eq!(n("\u{200F}٢٥\u{200F} شهرا"), "٢٥ شهرا");
        assert_eq!(n("a \u{200B} b"), "a b");
        // ZWNJ is part of Persian spelling and stays.
        assert_eq!(n("می\u{200C}خواهم"), "می\u{200C}خواهم");
    }

    #[test]
    fn is_case_sensitive_and_keeps_other_characters() {
        assert_eq!(n("Gaza «غزة» 中文"), "Gaza «غزة» 中文");
    }

    /// Every normalised char boundary maps to an original char boundary, and
    /// the mapped range re-normalises to the same text.
    fn check_map(s: &str) {
        let m = normalize(s);
        let t = &m.text;
        let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        for (k, &a) in bounds.iter().enumerate() {
            for &b in &bounds[k + 1..] {
                let (oa, ob) = (m.orig_start(a), m.orig_end(b));
                assert!(
                    s.is_char_boundary(oa) && s.is_char_boundary(ob),
                    "{s:?} {a}..{b}"
                );
                assert!(oa <= ob && ob <= s.len());
                let sub = &t[a..b];
                // A span may widen to whole units ("…" for "."), never shrink.
                let back = n(&s[oa..ob]);
                assert!(back.contains(sub.trim()), "{s:?}: {sub:?} -> {back:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn offset_map_round_trips_on_any_text(s in "[a \n\t.\u{a0}\u{2009}“”‘’…—\u{200b}\u{200f}\u{ad}é١غ🙂]{0,24}") {
            check_map(&s);
        }
    }

    #[test]
    fn offset_map_round_trips() {
        check_map("  “Hello,”  she said —\n\u{00A0}wait… ok ");
        check_map("a\u{200B}b \u{200F} c…d");
        check_map("غزة — ١٩ شهرا…");
        check_map("");
    }

    #[test]
    fn match_inside_ellipsis_widens_to_whole_character() {
        let s = "so… yes";
        let m = normalize(s);
        assert_eq!(m.text, "so... yes");
        let i = m.text.find("..").unwrap() + 1; // the second dot
        assert_eq!(&s[m.orig_start(i)..m.orig_end(i + 1)], "…");
        assert_eq!(&s[m.orig_start(0)..m.orig_end(5)], "so…");
    }

    #[test]
    fn collapsed_run_maps_to_whole_run() {
        let s = "a \n  b";
        let m = normalize(s);
        assert_eq!(m.text, "a b");
        assert_eq!(m.orig_start(2), 5);
        assert_eq!(m.orig_end(3), 6);
        assert_eq!(&s[m.orig_start(0)..m.orig_end(3)], s);
    }
}
