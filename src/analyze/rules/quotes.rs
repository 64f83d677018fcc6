//! Comparing quotes word by word, for `quote-wording` and `quote-attribution`.
//!
//! A quote is read as a sequence of words. Each word has a key for comparison:
//! lower case, typographic quotes and dashes folded (as for anchoring),
//! punctuation dropped (a hyphen or dash separates words; an apostrophe inside
//! a word is dropped: "couldn't" -> "couldnt"). Two quotes whose keys are equal
//! are the same words, whatever their punctuation or case. Each word also keeps
//! its text as written, for showing a difference.

use crate::analyze::DiffPiece;

/// A quote as words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    /// Comparison keys, one per word.
    pub keys: Vec<String>,
    /// Each word as written, with the punctuation that follows it.
    pub shown: Vec<String>,
}

impl Words {
    pub fn new(text: &str) -> Words {
        let text = crate::body::normalize_text(text);
        let mut keys: Vec<String> = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        each_word(&text, |start, key| {
            keys.push(key.to_owned());
            starts.push(start);
        });
        // A word is shown from its first character (or the start of the
        // quote, for the first) up to the next word.
        let shown = (0..starts.len())
            .map(|w| {
                let from = if w == 0 { 0 } else { starts[w] };
                let to = starts.get(w + 1).copied().unwrap_or(text.len());
                text[from..to].trim().to_owned()
            })
            .collect();
        Words { keys, shown }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// The comparison key of `text` (the keys of its words joined by single
/// spaces) and its number of words, without building [`Words`]: quotes are
/// grouped by key first, and many repeat one already seen.
pub fn key_of(text: &str) -> (String, usize) {
    // Of ASCII text, normalising changes only white space, which the words
    // do not see: it is skipped, with its copy of the quote.
    let normalised;
    let text = if text.is_ascii() {
        text
    } else {
        normalised = crate::body::normalize_text(text);
        normalised.as_str()
    };
    let mut joined = String::with_capacity(text.len());
    let mut count = 0;
    each_word(text, |_, key| {
        if count > 0 {
            joined.push(' ');
        }
        joined.push_str(key);
        count += 1;
    });
    (joined, count)
}

/// Calls `each(start, key)` for every word of the normalised `text`: where
/// it starts and its comparison key (lower case, apostrophes inside a word
/// dropped).
fn each_word(text: &str, mut each: impl FnMut(usize, &str)) {
    let mut key = String::new();
    let mut start = 0;
    // Letters and digits, ASCII (most of them) without Unicode's tables.
    let alphanumeric = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if alphanumeric(c) {
            if key.is_empty() {
                start = i;
            }
            if c.is_ascii() {
                key.push(c.to_ascii_lowercase());
            } else {
                key.extend(c.to_lowercase());
            }
        } else if c == '\''
            && !key.is_empty()
            && chars.peek().is_some_and(|&(_, n)| alphanumeric(n))
        {
            // An apostrophe within a word: "couldn't", "Israel's".
        } else if !key.is_empty() {
            each(start, &key);
            key.clear();
        }
    }
    if !key.is_empty() {
        each(start, &key);
    }
}

/// How alike two quotes are, 0..=1, and their difference.
pub struct Comparison {
    /// Words in common (longest common subsequence), over the length of the
    /// longer of: the shorter quote, and the stretch of the longer quote that
    /// the common words span. 1 when one quote is an exact excerpt of the
    /// other (or both are the same words).
    pub similarity: f64,
    /// Number of words in common.
    pub common: usize,
    /// Word-level difference, `a` to `b`.
    pub diff: Vec<DiffPiece>,
}

/// Longer quotes than this (in words) are not compared: the table of common
/// subsequences would grow with the square of their lengths.
pub const MAX_WORDS: usize = 2_000;

/// Compares `a` and `b` word by word.
pub fn compare(a: &Words, b: &Words) -> Comparison {
    let (n, m) = (a.len(), b.len());
    // suffix[i][j]: words in common of a[i..] and b[j..].
    let width = m + 1;
    let mut suffix = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            suffix[i * width + j] = if a.keys[i] == b.keys[j] {
                suffix[(i + 1) * width + j + 1] + 1
            } else {
                suffix[(i + 1) * width + j].max(suffix[i * width + j + 1])
            };
        }
    }
    let common = suffix[0] as usize;
    // Forward walk: matches as early as possible.
    let mut pairs = Vec::with_capacity(common);
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a.keys[i] == b.keys[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if suffix[(i + 1) * width + j] >= suffix[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let diff = diff_from(a, b, &pairs);
    // The same words matched as late as possible give the other tightest
    // window: a common word early in the longer quote may pull the first
    // alignment's window wide.
    let late = late_pairs(a, b);
    let similarity = window_similarity(n, m, &pairs).max(window_similarity(n, m, &late));
    Comparison {
        similarity,
        common,
        diff,
    }
}

/// The common words matched as late as possible (a walk back from the ends
/// over a prefix table).
fn late_pairs(a: &Words, b: &Words) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // prefix[i][j]: words in common of a[..i] and b[..j].
    let mut prefix = vec![0u32; (n + 1) * width];
    for i in 1..=n {
        for j in 1..=m {
            prefix[i * width + j] = if a.keys[i - 1] == b.keys[j - 1] {
                prefix[(i - 1) * width + j - 1] + 1
            } else {
                prefix[(i - 1) * width + j].max(prefix[i * width + j - 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if a.keys[i - 1] == b.keys[j - 1] {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if prefix[(i - 1) * width + j] >= prefix[i * width + j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// Common words over the longer of the shorter quote and the span of the
/// longer quote they cover.
fn window_similarity(n: usize, m: usize, pairs: &[(usize, usize)]) -> f64 {
    let (Some(first), Some(last)) = (pairs.first(), pairs.last()) else {
        return 0.0;
    };
    let (short, window) = if n <= m {
        (n, last.1 - first.1 + 1)
    } else {
        (m, last.0 - first.0 + 1)
    };
    pairs.len() as f64 / short.max(window) as f64
}

fn diff_from(a: &Words, b: &Words, pairs: &[(usize, usize)]) -> Vec<DiffPiece> {
    let mut pieces: Vec<DiffPiece> = Vec::new();
    let mut push = |text: &str, change: &'static str| match pieces.last_mut() {
        Some(last) if last.change == change => {
            last.text.push(' ');
            last.text.push_str(text);
        }
        _ => pieces.push(DiffPiece {
            text: text.to_owned(),
            change,
        }),
    };
    let (mut i, mut j) = (0, 0);
    for &(pi, pj) in pairs.iter().chain(std::iter::once(&(a.len(), b.len()))) {
        while i < pi {
            push(&a.shown[i], "removed");
            i += 1;
        }
        while j < pj {
            push(&b.shown[j], "added");
            j += 1;
        }
        if pi < a.len() && pj < b.len() {
            push(&a.shown[pi], "same");
            i = pi + 1;
            j = pj + 1;
        }
    }
    pieces
}

/// The first change of a difference with a word of context before it (and
/// after it, for a word only one quote has), as each quote has it ("own Hamas channel", "own channel to Hamas") without
/// punctuation, and how
/// many changes there are. Changes separated by one or two unchanged words
/// count as one.
pub fn first_change(diff: &[DiffPiece]) -> Option<(String, String, usize)> {
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < diff.len() {
        if diff[k].change == "same" {
            k += 1;
            continue;
        }
        let start = k;
        let mut end = k;
        // A change, or one or two unchanged words followed by more.
        while end < diff.len()
            && (diff[end].change != "same"
                || (end + 1 < diff.len() && diff[end].text.split(' ').count() <= 2))
        {
            end += 1;
        }
        hunks.push((start, end));
        k = end;
    }
    let &(start, end) = hunks.first()?;
    let before = start
        .checked_sub(1)
        .and_then(|k| diff[k].text.split(' ').next_back());
    // The word after only when one side has nothing of its own there
    // ("am sure" / "am not sure"); otherwise the changed words say enough.
    let one_sided = !diff[start..end].iter().any(|p| p.change == "removed")
        || !diff[start..end].iter().any(|p| p.change == "added");
    let after = diff
        .get(end)
        .filter(|_| one_sided)
        .and_then(|p| p.text.split(' ').next());
    // Words without the punctuation around them: an unchanged word is shown
    // as the first quote has it, which may not be how the second punctuates it.
    let side = |change: &str| {
        let mut words: Vec<&str> = before.into_iter().collect();
        for p in diff[start..end]
            .iter()
            .filter(|p| p.change == "same" || p.change == change)
        {
            words.extend(p.text.split(' '));
        }
        words.extend(after);
        let words: Vec<&str> = words
            .iter()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect();
        words.join(" ")
    };
    Some((side("removed"), side("added"), hunks.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Skipping normalisation for ASCII text gives the key it would give.
        #[test]
        fn keys_of_ascii_text_are_those_of_the_normalised_text(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "Hamas", "don", "'", "t", " ", "  ", "\n", "\t", "-", "--", ".", ",", "19", "x",
                "\"", "...", "A", "'s",
            ][..]), 0..30),
        ) {
            let text = pieces.concat();
            let normalised = crate::body::normalize_text(&text);
            proptest::prop_assert_eq!(key_of(&text), key_of(&normalised));
        }

        /// A key is the words' keys joined by single spaces, and counts
        /// them: `quote-wording` reads a version's words from its key, and
        /// builds its [`Words`] only to compare it.
        #[test]
        fn a_key_is_the_words_keys_joined(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "Hamas", "don", "'", "’", "t", " ", "\u{a0}", "\n", "-", "—", ".", "…", "19",
                "\"", "“", "”", "é", "Ç", "\u{ad}", "\u{200b}", "x", "A", "'s", "日本",
            ][..]), 0..30),
        ) {
            let text = pieces.concat();
            let words = Words::new(&text);
            proptest::prop_assert_eq!(key_of(&text), (words.keys.join(" "), words.len()));
        }
    }

    fn w(text: &str) -> Words {
        Words::new(text)
    }

    #[test]
    fn keys_ignore_case_punctuation_and_typography() {
        assert_eq!(
            w("It tells me, “they think” — so.").keys,
            w("it tells me \"They think\" - so").keys
        );
        assert_eq!(
            w("We couldn’t bridge it").keys,
            vec!["we", "couldnt", "bridge", "it"]
        );
        assert_eq!(
            w("Israeli-American hostage").keys,
            vec!["israeli", "american", "hostage"]
        );
        assert_eq!(
            w("him [Bahbah] as a window").keys,
            vec!["him", "bahbah", "as", "a", "window"]
        );
        assert_eq!(w("'Quoted' … end.").shown, vec!["'Quoted' ...", "end."]);
    }

    #[test]
    fn arabic_words_are_words() {
        assert_eq!(w("قال خليل الحية، إن").keys.len(), 4);
    }

    #[test]
    fn identical_words_are_similarity_one_without_changes() {
        let c = compare(
            &w("They want their own channel."),
            &w("they want their own channel"),
        );
        assert_eq!(c.similarity, 1.0);
        assert!(c.diff.iter().all(|p| p.change == "same"));
    }

    #[test]
    fn an_exact_excerpt_is_similarity_one() {
        let c = compare(
            &w("We couldn't bridge this gap"),
            &w("We tried. We couldn't bridge this gap, he said"),
        );
        assert_eq!(c.similarity, 1.0);
        let c = compare(
            &w("the talks will go on"),
            &w("the president said the talks will go on"),
        );
        assert_eq!(c.similarity, 1.0);
    }

    #[test]
    fn a_changed_word_is_near() {
        let c = compare(
            &w("They want their own Hamas channel"),
            &w("They want their own channel to Hamas"),
        );
        assert!(
            c.similarity >= 0.7 && c.similarity < 1.0,
            "{}",
            c.similarity
        );
        assert_eq!(
            c.diff,
            vec![
                DiffPiece {
                    text: "They want their own".into(),
                    change: "same"
                },
                DiffPiece {
                    text: "Hamas".into(),
                    change: "removed"
                },
                DiffPiece {
                    text: "channel".into(),
                    change: "same"
                },
                DiffPiece {
                    text: "to Hamas".into(),
                    change: "added"
                },
            ]
        );
        assert_eq!(
            first_change(&c.diff),
            Some(("own Hamas channel".into(), "own channel to Hamas".into(), 1))
        );
    }

    #[test]
    fn a_near_excerpt_uses_the_tight_window() {
        let c = compare(
            &w("the talks will go on"),
            &w("the president said the talks will go ahead"),
        );
        assert!(c.similarity >= 0.75, "{}", c.similarity);
    }

    #[test]
    fn words_scattered_through_a_long_quote_are_not_near() {
        let c = compare(
            &w("we want peace now"),
            &w("we said many things that day, and we do want many things, among them peace, but not now"),
        );
        assert!(c.similarity < 0.5, "{}", c.similarity);
    }

    #[test]
    fn first_change_of_a_pure_insertion() {
        let c = compare(&w("I am sure"), &w("I am not sure"));
        assert_eq!(
            first_change(&c.diff),
            Some(("am sure".into(), "am not sure".into(), 1))
        );
        let c = compare(
            &w("one two three four five six seven"),
            &w("one 2 three four five six 7"),
        );
        assert_eq!(
            first_change(&c.diff),
            Some(("one two".into(), "one 2".into(), 2))
        );
    }
}
