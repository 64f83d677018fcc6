//! Exact anchoring: a selector -> one passage, or an error an editor can act on.
//!
//! Matching is exact on normalised text (see `normalize.rs`), never fuzzy: a
//! dossier exists to catch differences in wording and numbers, so a quote
//! that is almost in the article must fail loudly (with a hint), not anchor
//! somewhere near.

use super::normalize::normalize_str;
use super::{closest, AnchorError, Body, Candidate, Closest, Selector, TextSpan};

/// A match in normalised text: block and normalised byte range.
#[derive(Debug, Clone, Copy)]
struct Match {
    block: usize,
    start: usize,
    end: usize,
}

pub(super) fn find(body: &Body, sel: &Selector) -> Result<TextSpan, AnchorError> {
    let quote = normalize_str(sel.quote);
    if quote.is_empty() {
        return Err(AnchorError::EmptyQuote);
    }
    let prefix = sel.prefix.map(normalize_str).filter(|p| !p.is_empty());
    let suffix = sel.suffix.map(normalize_str).filter(|s| !s.is_empty());
    let all = matches(body, &quote);
    let kept: Vec<Match> = all
        .iter()
        .copied()
        .filter(|m| {
            prefix
                .as_deref()
                .is_none_or(|p| before_ends_with(body, m.block, m.start, p))
        })
        .filter(|m| {
            suffix
                .as_deref()
                .is_none_or(|s| after_starts_with(body, m.block, m.end, s))
        })
        .collect();
    if kept.is_empty() {
        let closest = if all.is_empty() {
            closest::closest(body, &quote)
        } else {
            // The quote is there but not with that prefix/suffix: show where.
            closest_with_context(body, &all, prefix.as_deref(), &quote, suffix.as_deref())
        };
        return Err(AnchorError::NotFound { closest });
    }
    match sel.occurrence {
        Some(n) if (1..=kept.len()).contains(&n) => Ok(span(body, kept[n - 1])),
        Some(n) => Err(AnchorError::OccurrenceOutOfRange {
            requested: n,
            found: kept.len(),
        }),
        None if kept.len() == 1 => Ok(span(body, kept[0])),
        None => Err(AnchorError::Ambiguous {
            matches: kept
                .iter()
                .map(|&m| candidate(body, span(body, m)))
                .collect(),
        }),
    }
}

pub(super) fn occurrences(body: &Body, quote: &str) -> Vec<TextSpan> {
    let quote = normalize_str(quote);
    if quote.is_empty() {
        return Vec::new();
    }
    matches(body, &quote)
        .into_iter()
        .map(|m| span(body, m))
        .collect()
}

/// Every match of a (non-empty, normalised) quote in the anchorable blocks,
/// overlapping ones included ("aa" twice in "aaa": both are passages an
/// editor could mean), in document order. A substring search per block.
fn matches(body: &Body, quote: &str) -> Vec<Match> {
    let mut out = Vec::new();
    let blocks = || {
        (body.blocks.iter().zip(&body.extras))
            .enumerate()
            .filter(|(_, (b, _))| b.anchorable)
            .map(|(block, (_, x))| (block, x.norm.text.as_str()))
    };
    let text_len = blocks().map(|(_, hay)| hay.len()).sum();
    let mut search = QuoteSearch::new(quote.as_bytes(), text_len);
    for (block, hay) in blocks() {
        let mut from = 0;
        while let Some(start) = search.find(hay.as_bytes(), from) {
            out.push(Match {
                block,
                start,
                end: start + quote.len(),
            });
            from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// A quote searched for in an article's blocks. A quote is usually found in
/// one or two blocks of a few hundred bytes, where building a
/// `memmem::Finder` (its Two-Way tables cost thousands of instructions) costs
/// more than the search; so candidates come from the quote's rarest byte
/// (memchr) and are compared directly. Once the failed comparisons have cost
/// a few passes over the article (near-misses of a quote of one repeated
/// letter would), the Finder takes over, which keeps the search linear.
struct QuoteSearch<'q> {
    quote: &'q [u8],
    /// The quote's rarest byte and its offset in the quote.
    rare: (u8, usize),
    /// Bytes the failed comparisons may still cost before the Finder is built.
    budget: usize,
    finder: Option<memchr::memmem::Finder<'q>>,
}

impl<'q> QuoteSearch<'q> {
    fn new(quote: &'q [u8], text_len: usize) -> Self {
        let at =
            memchr::arch::all::packedpair::Pair::new(quote).map_or(0, |p| usize::from(p.index1()));
        QuoteSearch {
            quote,
            rare: (quote[at], at),
            budget: 4 * text_len + 4096,
            finder: None,
        }
    }

    /// Where the quote occurs first in `hay` at or after `from`.
    fn find(&mut self, hay: &[u8], from: usize) -> Option<usize> {
        if let Some(finder) = &self.finder {
            return finder.find(hay.get(from..)?).map(|i| from + i);
        }
        let (byte, offset) = self.rare;
        let mut start = from;
        while start + self.quote.len() <= hay.len() {
            let i = memchr::memchr(
                byte,
                &hay[start + offset..hay.len() - (self.quote.len() - offset - 1)],
            )?;
            let candidate = start + i;
            if hay[candidate..].starts_with(self.quote) {
                return Some(candidate);
            }
            match self.budget.checked_sub(self.quote.len()) {
                Some(left) => self.budget = left,
                None => {
                    let finder = self.finder.insert(memchr::memmem::Finder::new(self.quote));
                    return finder
                        .find(&hay[candidate + 1..])
                        .map(|i| candidate + 1 + i);
                }
            }
            start = candidate + 1;
        }
        None
    }
}

/// The match as a span of original block text (whole characters).
fn span(body: &Body, m: Match) -> TextSpan {
    let norm = &body.extras[m.block].norm;
    TextSpan {
        block: m.block,
        start: norm.orig_start(m.start),
        end: norm.orig_end(m.end),
    }
}

/// The previous/next anchorable block, for prefixes and suffixes that reach
/// past the start or end of the matched block.
fn neighbour(body: &Body, block: usize, forward: bool) -> Option<usize> {
    let mut b = block;
    loop {
        b = if forward {
            b.checked_add(1)?
        } else {
            b.checked_sub(1)?
        };
        if body.blocks.get(b)?.anchorable {
            return Some(b);
        }
    }
}

/// Whether the normalised text before `at` ends with `prefix`, white space
/// at the junction ignored. A prefix longer than what precedes the match in
/// its block continues into the previous block (blocks joined by a space), so
/// a quote opening a paragraph can be told apart by the previous one's end.
fn before_ends_with(body: &Body, block: usize, at: usize, prefix: &str) -> bool {
    let mut need = prefix;
    let mut block = block;
    let mut hay = &body.extras[block].norm.text[..at];
    loop {
        let have = hay.trim_end();
        if have.ends_with(need) {
            return true;
        }
        if need.len() <= have.len() || !need.ends_with(have) {
            return false;
        }
        need = need[..need.len() - have.len()].trim_end();
        let Some(prev) = neighbour(body, block, false) else {
            return false;
        };
        block = prev;
        hay = &body.extras[block].norm.text;
    }
}

/// Whether the normalised text after `at` starts with `suffix` (see
/// [`before_ends_with`]).
fn after_starts_with(body: &Body, block: usize, at: usize, suffix: &str) -> bool {
    let mut need = suffix;
    let mut block = block;
    let mut hay = &body.extras[block].norm.text[at..];
    loop {
        let have = hay.trim_start();
        if have.starts_with(need) {
            return true;
        }
        if need.len() <= have.len() || !need.starts_with(have) {
            return false;
        }
        need = need[have.len()..].trim_start();
        let Some(next) = neighbour(body, block, true) else {
            return false;
        };
        block = next;
        hay = &body.extras[block].norm.text;
    }
}

/// Characters of context on each side in an ambiguity listing.
const CONTEXT_CHARS: usize = 40;

fn candidate(body: &Body, span: TextSpan) -> Candidate {
    Candidate {
        span,
        line: body.line_of(span),
        context: context_line(body, span, CONTEXT_CHARS, CONTEXT_CHARS),
    }
}

/// The passage in «guillemets» with context on one line, "…" where cut.
fn context_line(body: &Body, span: TextSpan, before_chars: usize, after_chars: usize) -> String {
    let text = &body.blocks[span.block].text;
    let before = body.context(span, before_chars).0;
    let (_, passage, after) = body.context(span, after_chars);
    let cut_before = !text[..span.start - before.len()].trim().is_empty();
    let cut_after = !text[span.end + after.len()..].trim().is_empty();
    let line = format!(
        "{}{before}«{passage}»{after}{}",
        if cut_before { "…" } else { "" },
        if cut_after { "…" } else { "" }
    );
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bound on matches examined for the hint (a one-word quote can match often).
const MAX_CONTEXT_CANDIDATES: usize = 200;

/// The hint when the quote matches but no match has the given prefix/suffix:
/// the match whose surroundings are most like them, with those surroundings.
fn closest_with_context(
    body: &Body,
    all: &[Match],
    prefix: Option<&str>,
    quote: &str,
    suffix: Option<&str>,
) -> Option<Closest> {
    let wanted: Vec<&str> = [prefix, Some(quote), suffix]
        .into_iter()
        .flatten()
        .collect();
    let wanted = wanted.join(" ");
    let before_chars = prefix.map_or(0, |p| p.chars().count());
    let after_chars = suffix.map_or(0, |s| s.chars().count());
    let mut best: Option<Closest> = None;
    for &m in all.iter().take(MAX_CONTEXT_CANDIDATES) {
        let span = span(body, m);
        let before = body.context(span, before_chars).0;
        let (_, passage, after) = body.context(span, after_chars);
        let text = format!("{before}{passage}{after}");
        let similarity = strsim::normalized_levenshtein(&wanted, &normalize_str(&text));
        if best.as_ref().is_none_or(|b| similarity > b.similarity) {
            best = Some(Closest {
                text: text.trim().to_string(),
                line: body.line_of(span),
                similarity,
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::QuoteSearch;
    use proptest::prelude::*;

    /// Every start of `quote` in `hay`, by brute force.
    fn naive(hay: &[u8], quote: &[u8]) -> Vec<usize> {
        (0..hay.len())
            .filter(|&i| hay[i..].starts_with(quote))
            .collect()
    }

    fn all(search: &mut QuoteSearch<'_>, hay: &[u8]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(i) = search.find(hay, from) {
            out.push(i);
            from = i + 1;
        }
        out
    }

    #[test]
    fn near_misses_switch_to_the_finder_which_finds_the_match() {
        // A quote of one letter, whatever byte is taken for its rarest, and
        // runs of that letter one short of it: every candidate fails, late,
        // the worst case of direct comparisons; the quote itself at the end.
        let quote = "a".repeat(300);
        let hay = ("a".repeat(299) + "c").repeat(20) + &quote;
        // A budget for a short text, so the comparisons run out of it.
        let mut search = QuoteSearch::new(quote.as_bytes(), 10);
        let found = all(&mut search, hay.as_bytes());
        assert!(search.finder.is_some());
        assert_eq!(found, vec![6000]);
        assert_eq!(found, naive(hay.as_bytes(), quote.as_bytes()));
    }

    proptest! {
        /// Over a small alphabet, so that quotes recur and near-misses abound;
        /// with a budget of 0 to 64 bytes, the switch to the Finder happens at
        /// every point of a search.
        #[test]
        fn finds_what_a_brute_force_search_finds(
            hay in "[ab ]{0,200}",
            quote in "[ab ]{1,8}",
            budget in 0usize..64,
        ) {
            let mut search = QuoteSearch::new(quote.as_bytes(), 0);
            search.budget = budget;
            prop_assert_eq!(all(&mut search, hay.as_bytes()), naive(hay.as_bytes(), quote.as_bytes()));
        }
    }
}
