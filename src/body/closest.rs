//! The closest passage to a quote that matched nowhere: a hint for the error
//! message, never an anchor.
//!
//! Two rules shape it:
//! - Never propose a passage whose numbers differ from the quote's. A dossier
//!   exists to catch "19 months" vs "25 months"; a hint that says "did you
//!   mean 19 months?" would invite the editor to paper over a discrepancy.
//! - Bounded work. Windows of the quote's length in words slide over every
//!   block once, scored by how many of their words occur in the quote
//!   (constant work per word, so linear in the article); only the best
//!   [`WINDOWS`] are compared by edit distance, first on words, then the
//!   best [`REFINE`] on characters.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet, VecDeque};

use super::{Body, Closest, TextSpan};

/// Windows kept from the word-overlap prefilter.
const WINDOWS: usize = 48;
/// Candidates compared character by character.
const REFINE: usize = 8;
/// Below this similarity a "closest" passage is noise, not a hint.
const MIN_SIMILARITY: f64 = 0.4;
/// Longer texts are compared on words only (character edit distance is quadratic).
const MAX_CHAR_COMPARE: usize = 2000;

pub(super) fn closest(body: &Body, quote: &str) -> Option<Closest> {
    let qwords: Vec<&str> = quote.split(' ').collect();
    let n = qwords.len();
    let keys: HashSet<&str> = qwords
        .iter()
        .map(|w| key(w))
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return None;
    }
    let digits = digit_runs(quote);

    // 1. Prefilter: windows of `n` words sharing the most words with the quote.
    // Min-heap on (score, earlier position first): the root is the weakest.
    let mut heap: BinaryHeap<Reverse<WindowRank>> = BinaryHeap::new();
    let mut offer = |score: usize, block: usize, start: usize| {
        let entry = Reverse((score, Reverse(block), Reverse(start)));
        if heap.len() < WINDOWS {
            heap.push(entry);
        } else if heap.peek().is_some_and(|weakest| entry < *weakest) {
            heap.pop();
            heap.push(entry);
        }
    };
    for (block, (b, x)) in body.blocks.iter().zip(&body.extras).enumerate() {
        if !b.anchorable {
            continue;
        }
        let mut window: VecDeque<(usize, bool)> = VecDeque::with_capacity(n + 1);
        let mut score = 0;
        for (start, word) in words(&x.norm.text) {
            let hit = keys.contains(key(word));
            window.push_back((start, hit));
            score += usize::from(hit);
            if window.len() > n {
                let (_, h) = window.pop_front().expect("non-empty");
                score -= usize::from(h);
            }
            if window.len() == n && score > 0 {
                offer(score, block, window[0].0);
            }
        }
        if window.len() < n && score > 0 {
            // A block shorter than the quote: the whole block is a window.
            offer(score, block, 0);
        }
    }

    // 2. Around each window, shift by a word and vary the length by a word;
    // rank by word-level edit distance.
    let mut seen = HashSet::new();
    let mut ranked: Vec<(f64, usize, usize, usize)> = Vec::new();
    for Reverse((_, Reverse(block), Reverse(start))) in heap.into_vec() {
        let text = &body.extras[block].norm.text;
        let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(n + 3);
        if let Some(before) = start.checked_sub(1) {
            let s = text[..before].rfind(' ').map_or(0, |i| i + 1);
            bounds.push((s, before));
        }
        let first = bounds.len();
        bounds.extend(
            words(&text[start..])
                .take(n + 2)
                .map(|(s, w)| (start + s, start + s + w.len())),
        );
        for from in first.saturating_sub(1)..=first + 1 {
            for len in [n.saturating_sub(1), n, n + 1] {
                let Some(&(ws, _)) = bounds.get(from) else {
                    continue;
                };
                // Near a block's end the window shrinks to what is left, so
                // a quote that runs on into the next paragraph still gets a hint.
                let len = len.clamp(1, bounds.len() - from);
                let we = bounds[from + len - 1].1;
                if !seen.insert((block, ws, we)) {
                    continue;
                }
                let window = &text[ws..we];
                if digit_runs(window) != digits {
                    continue;
                }
                let wwords: Vec<&str> = window.split(' ').collect();
                let dist = strsim::generic_levenshtein(&qwords, &wwords);
                let sim = 1.0 - dist as f64 / n.max(wwords.len()) as f64;
                ranked.push((sim, block, ws, we));
            }
        }
    }
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then((a.1, a.2, a.3).cmp(&(b.1, b.2, b.3)))
    });

    // 3. The best few by character edit distance.
    let mut best: Option<(f64, usize, usize, usize)> = None;
    for &(word_sim, block, ws, we) in ranked.iter().take(REFINE) {
        let window = &body.extras[block].norm.text[ws..we];
        let sim = if quote.len() <= MAX_CHAR_COMPARE && window.len() <= MAX_CHAR_COMPARE {
            strsim::normalized_levenshtein(quote, window)
        } else {
            word_sim
        };
        if best.is_none_or(|b| sim > b.0) {
            best = Some((sim, block, ws, we));
        }
    }
    let (similarity, block, ws, we) = best.filter(|b| b.0 >= MIN_SIMILARITY)?;
    let norm = &body.extras[block].norm;
    let span = TextSpan {
        block,
        start: norm.orig_start(ws),
        end: norm.orig_end(we),
    };
    Some(Closest {
        text: body.text(span).to_string(),
        line: body.line_of(span),
        similarity,
    })
}

/// A prefilter window: (words shared with the quote, block, start byte);
/// the reversed positions make an earlier window rank higher on a tie.
type WindowRank = (usize, Reverse<usize>, Reverse<usize>);

/// Words of a normalised text (single spaces) with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split(' ').filter_map(move |w| {
        let start = at;
        at += w.len() + 1;
        (!w.is_empty()).then_some((start, w))
    })
}

/// A word without surrounding punctuation, for the overlap prefilter
/// ("bombardment," counts as "bombardment").
fn key(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The runs of digits in a text, Arabic-Indic and Persian digits read as
/// their values ("١٩" and "19" are the same number).
pub(super) fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let d = match c {
            '0'..='9' => Some(c),
            '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
            '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
            _ => None,
        };
        match d {
            Some(d) => cur.push(d),
            None if !cur.is_empty() => runs.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_read_eastern_digits() {
        assert_eq!(
            digit_runs("19 months, 2,000 and ١٩ or ۲۵"),
            ["19", "2", "000", "19", "25"]
        );
        assert!(digit_runs("no numbers").is_empty());
    }

    #[test]
    fn words_with_offsets() {
        let w: Vec<(usize, &str)> = words("a bc  d").collect();
        assert_eq!(w, [(0, "a"), (2, "bc"), (6, "d")]);
    }
}
