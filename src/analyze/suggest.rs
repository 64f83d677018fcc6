//! Suggestions for annotating more completely: warnings printed by `build` and
//! `check`, never flags in the site.
//!
//! - `unknown-name`: a capitalised word in an article that is spelled almost,
//!   but not exactly, like a word of a person's name, alias or variant ("did
//!   you mean Steve Witkoff?"): a misspelling to add to their `variants`, or a
//!   form to add to their `aliases`.
//! - `uncovered-names`: one warning listing the names (two or more capitalised
//!   words in a row) that occur most often in the articles and belong to
//!   nobody in people.yaml.
//!
//! Both read every article once (in parallel) and then work on distinct words
//! and names, so their cost follows the size of the text, not the number of
//! people times the number of words. Comparing a word with the people's words
//! only looks at words of the same first letter and a length within reach of
//! the similarity threshold.
//!
//! To keep false alarms low, a word that the articles also use in lower case
//! ("House", "Strip", "According") is taken for an ordinary word; for the
//! coverage report, a name that comes after "the" or a preposition of place
//! ("in", "from", "near"...), or that contains a word typical of places and
//! organisations ("Council", "Forum", "Strip"...), is taken for a place or an
//! organisation, and titles in front of a name ("Prime Minister", "Envoy")
//! are dropped. Either suggestion can be turned off with `checks:`
//! (`unknown-name: off`, `uncovered-names: off`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::{LazyLock, Mutex};

use foldhash::fast::FixedState;
use rayon::prelude::*;

use crate::body::TextSpan;
use crate::diagnostic::Diagnostic;
use crate::model::CheckLevel;
use crate::resolve::{ArticleIx, Dossier, PassageShape, PersonIx};

/// The codes of the suggestions, also accepted as `checks:` keys.
pub const CODES: &[&str] = &["unknown-name", "uncovered-names"];

/// Similarity (normalised Damerau-Levenshtein) from which a word is taken for
/// a misspelling of a person's word.
pub const CLOSE: f64 = 0.8;

/// How many names the coverage report lists.
const LISTED: usize = 20;

pub fn suggest(dossier: &Dossier) -> Vec<Diagnostic> {
    let level = |code: &str| {
        dossier
            .config
            .checks
            .get(code)
            .copied()
            .unwrap_or(CheckLevel::Warning)
    };
    let (unknown, uncovered) = (level("unknown-name"), level("uncovered-names"));
    if unknown == CheckLevel::Off && uncovered == CheckLevel::Off {
        return Vec::new();
    }
    let known = Known::new(dossier);
    // Each thread scans the articles it takes into a corpus of its own, and
    // the corpora are merged at the end: one per thread, so little merging
    // of large word sets, while the articles are taken in small pieces, so
    // that no thread is left with a long piece when the others are done.
    // (A loop too short to split runs on the calling thread, which may be
    // none of rayon's: it has the last corpus.)
    let threads = rayon::current_num_threads();
    let corpora: Vec<Mutex<Corpus>> = (0..=threads).map(|_| Mutex::default()).collect();
    (0..dossier.articles.len())
        .into_par_iter()
        .with_max_len(crate::PIECE)
        .for_each(|ix| {
            let thread = rayon::current_thread_index().unwrap_or(threads);
            let mut corpus = corpora[thread].lock().expect("no scan panics");
            scan(dossier, &known, ix, &mut corpus);
        });
    let corpus = corpora
        .into_iter()
        .map(|c| c.into_inner().expect("no scan panics"))
        .reduce(Corpus::merge)
        .unwrap_or_default();
    let mut out = Vec::new();
    if unknown != CheckLevel::Off {
        out.extend(
            unknown_names(dossier, &known, &corpus)
                .into_iter()
                .map(|d| with_level(d, unknown)),
        );
    }
    if uncovered != CheckLevel::Off {
        out.extend(uncovered_names(dossier, &corpus).map(|d| with_level(d, uncovered)));
    }
    out
}

fn with_level(mut d: Diagnostic, level: CheckLevel) -> Diagnostic {
    if level == CheckLevel::Error {
        d.severity = crate::diagnostic::Severity::Error;
    }
    d
}

// ------------------------------------------------------------------ words

/// A word of an article's text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Word<'a> {
    /// Without a possessive "'s".
    text: &'a str,
    start: usize,
    end: usize,
    /// Followed by "'s" (or "'"): a name ends there.
    possessive: bool,
    /// Separated from the previous word by white space only.
    joined: bool,
    /// First word of its block or after ".", "!", "?", ":" or ";".
    sentence_start: bool,
    /// [`is_name_word`].
    name: bool,
}

/// The words of `text`: letters and digits, with hyphens and apostrophes
/// inside a word kept ("Dekel-Chen", "al-Hayya", "O'Brien"). Reads bytes,
/// decoding only non-ASCII characters, and looks at each byte once: this
/// runs over every article.
fn words(text: &str) -> Vec<Word<'_>> {
    let bytes = text.as_bytes();
    // The character at byte `i` (on a boundary) and its length.
    let char_at = |i: usize| -> (char, usize) {
        let b = bytes[i];
        if b.is_ascii() {
            (b as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        }
    };
    // News text is full of curly quotes and dashes: General Punctuation
    // holds no letter or digit, and it is answered without Unicode's tables.
    let is_word_char = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            !GENERAL_PUNCTUATION.contains(&c) && c.is_alphanumeric()
        }
    };
    // About one word per six bytes of prose.
    let mut out: Vec<Word<'_>> = Vec::with_capacity(text.len() / 6);
    let mut i = 0;
    loop {
        // The gap up to the next word, judged on the way: white space only
        // (the word is joined to the one before), or the end of a sentence.
        let (mut spaces_only, mut sentence_end) = (true, false);
        let start = loop {
            let Some(&b) = bytes.get(i) else {
                return out;
            };
            let class = GAP_CLASS[usize::from(b)];
            if class & (WORD_BYTE | WIDE_BYTE) == 0 {
                spaces_only &= class & SPACE_BYTE != 0;
                sentence_end |= class & STOP_BYTE != 0;
                i += 1;
            } else if class & WORD_BYTE != 0 {
                break i;
            } else {
                let (c, len) = char_at(i);
                if is_word_char(c) {
                    break i;
                }
                spaces_only &= c.is_whitespace();
                i += len;
            }
        };
        let mut end = start;
        let mut ascii = true;
        loop {
            end += ascii_run(&bytes[end..]);
            // After a run of ASCII letters and digits, only a non-ASCII
            // letter, or a hyphen or apostrophe with a letter after it,
            // goes on with the word.
            match bytes.get(end) {
                None => break,
                Some(&b) if b.is_ascii() && b != b'-' && b != b'\'' => break,
                Some(_) => {}
            }
            let (c, len) = char_at(end);
            let inner = matches!(c, '-' | '\'' | '’')
                && end + len < bytes.len()
                && is_word_char(char_at(end + len).0);
            if !is_word_char(c) && !inner {
                break;
            }
            ascii &= c.is_ascii();
            end += len;
        }
        // A possessive "'s" is cut off; a plural's "s'" stays.
        const CURLY: &[u8] = "’".as_bytes();
        let mut cut = 0;
        let mut possessive = false;
        if let [stem @ .., b's' | b'S'] = &bytes[start..end] {
            if stem.ends_with(b"'") {
                (cut, possessive) = (2, true);
            } else if stem.ends_with(CURLY) {
                (cut, possessive) = (1 + CURLY.len(), true);
            } else {
                possessive = bytes[end..].starts_with(b"'") || bytes[end..].starts_with(CURLY);
            }
        }
        let word = &text[start..end - cut];
        let name = if ascii {
            ascii_name_word(word.as_bytes())
        } else {
            is_name_word(word)
        };
        let previous = out.last().map(|w| w.possessive);
        out.push(Word {
            text: word,
            start,
            end: end - cut,
            possessive,
            joined: previous == Some(false) && spaces_only,
            sentence_start: previous.is_none() || sentence_end,
            name,
        });
        i = end;
    }
}

/// The Unicode block of curly quotes, dashes and typographic spaces.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

// The classes of [`GAP_CLASS`].
const WORD_BYTE: u8 = 1;
const WIDE_BYTE: u8 = 2;
const SPACE_BYTE: u8 = 4;
const STOP_BYTE: u8 = 8;

/// What [`words`] needs to know of a byte between words, from one table
/// lookup instead of a test per kind: an ASCII letter or digit, a byte of a
/// non-ASCII character (decoded to be judged), ASCII white space, or a
/// sentence's end.
static GAP_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            WORD_BYTE
        } else if !byte.is_ascii() {
            WIDE_BYTE
        } else if (byte as char).is_whitespace() {
            SPACE_BYTE
        } else if matches!(byte, b'.' | b'!' | b'?' | b':' | b';') {
            STOP_BYTE
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The length of the run of ASCII letters and digits that `bytes` starts
/// with.
///
/// Eight bytes at a time: each byte is classed by range checks on one `u64`
/// at once, and the run ends at the first byte outside every range. A byte
/// at a time, the end of each word was a mispredicted branch, the largest
/// cost of reading the articles' words.
fn ascii_run(bytes: &[u8]) -> usize {
    /// Bit 7 of each byte of `v` (bytes below 0x80) that lies in `lo..=hi`:
    /// adding `0x80 - lo` sets it from `lo` up, adding `0x7f - hi` from
    /// above `hi`, and no sum carries into the next byte.
    fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
        let splat = |b: u8| u64::from_ne_bytes([b; 8]);
        (v.wrapping_add(splat(0x80 - lo)) & !v.wrapping_add(splat(0x7f - hi))) & splat(0x80)
    }
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const CASE: u64 = u64::from_ne_bytes([0x20; 8]);
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let v = x & !HIGH;
        // Setting bit 5 makes every upper-case letter lower-case, and takes
        // no other byte into `a..=z`.
        let word = (in_range(v | CASE, b'a', b'z') | in_range(v, b'0', b'9')) & !x;
        let stop = !word & HIGH;
        if stop != 0 {
            return at + stop.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len() - at)
}

/// Capitalised, not all capitals, no digits, two letters or more: "Witkoff",
/// "Al", "Dekel-Chen"; also an Arabic article before a capital: "al-Hayya".
fn is_name_word(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.is_ascii() {
        return ascii_name_word(bytes);
    }
    is_name_word_unicode(word)
}

/// [`is_name_word`] for an ASCII word. Most words start with a lower-case
/// letter and fail at the first or second test, before their letters are
/// read.
fn ascii_name_word(bytes: &[u8]) -> bool {
    let no_digit = || !bytes.iter().any(u8::is_ascii_digit);
    if bytes.len() < 2 {
        return false;
    }
    if bytes[0].is_ascii_uppercase() {
        return bytes.iter().any(u8::is_ascii_lowercase) && no_digit();
    }
    // Every Arabic article ends in a hyphen at the third or fourth byte.
    bytes[0].is_ascii_lowercase()
        && bytes.get(2..4).is_some_and(|b| b.contains(&b'-'))
        && no_digit()
        && ARTICLES.iter().any(|a| {
            bytes
                .strip_prefix(a.as_bytes())
                .is_some_and(|rest| rest.first().is_some_and(u8::is_ascii_uppercase))
        })
}

/// [`is_name_word`] for words outside ASCII ("Özdemir", "Ægir").
fn is_name_word_unicode(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if word.chars().any(|c| c.is_numeric()) || word.chars().count() < 2 {
        return false;
    }
    if first.is_uppercase() {
        return word.chars().any(char::is_lowercase);
    }
    ARTICLES.iter().any(|a| {
        word.strip_prefix(a)
            .is_some_and(|rest| rest.starts_with(char::is_uppercase))
    })
}

const ARTICLES: &[&str] = &[
    "al-", "el-", "ad-", "an-", "ar-", "as-", "ash-", "at-", "az-",
];

/// Small words inside names: "Mohammed bin Salman", "Ursula von der Leyen".
static CONNECTORS: LazyLock<WordSet<'static>> = LazyLock::new(|| {
    word_set("bin ibn bint abu al el de da di del della van von der den la le du dos das ben")
});

/// Words that come before a name as a title, dropped from the front of a name.
static TITLES: LazyLock<WordSet<'static>> = LazyLock::new(|| {
    word_set(
        "mr mrs ms dr sir dame lord lady president vice prime minister secretary envoy ambassador \
         spokesman spokeswoman spokesperson general gen colonel col major captain lieutenant \
         sergeant admiral commander sheikh shaikh king queen prince princess emir sultan crown \
         chief director chairman chairwoman senator sen representative rep congressman \
         congresswoman governor gov mayor judge justice pope cardinal rabbi imam father deputy \
         special acting former foreign defense defence interior finance national security adviser \
         advisor officer official leader speaker commissioner attorney professor prof ceo founder \
         chancellor premier journalist reporter correspondent photographer analyst negotiator \
         mediator hostage soldier",
    )
});

/// Words typical of the names of places and organisations.
static PLACE_OR_ORGANISATION: LazyLock<WordSet<'static>> = LazyLock::new(|| {
    word_set(
        "house strip bank council forum ministry army radio cabinet office department agency \
         authority administration government parliament congress senate assembly committee \
         commission court party movement front brigade brigades forces force command corps guard \
         police service services intelligence united nations union states state kingdom republic \
         emirates east west north south middle eastern western northern southern central gulf sea \
         river valley mountain mountains island islands coast desert heights province district \
         region county city town village camp crossing border street square road bridge airport \
         port station hospital school university college institute institution center centre \
         foundation fund program programme project initiative organization organisation association \
         society company corporation group holdings international global world news network times \
         post press daily journal herald tribune gazette magazine media channel television tv \
         online cross crescent mosque church temple cathedral palace castle museum library economic \
         summit conference accord accords agreement treaty plan deal act law operation war day week \
         month year january february march april may june july august september october november \
         december monday tuesday wednesday thursday friday saturday sunday islamic jihad \
         revolutionary liberation resistance democratic republican democrats republicans liberal \
         conservative labour federal supreme high general affairs relations defense defence \
         security",
    )
});

/// Words after which a name is a place: "in Khan Younis", "from Tel Aviv".
static PLACE_BEFORE: LazyLock<WordSet<'static>> = LazyLock::new(|| {
    word_set(
        "in at from near into across towards toward outside inside around throughout through via \
         within beyond past",
    )
});

/// The words of a word list written as one string.
fn word_set(list: &'static str) -> WordSet<'static> {
    list.split_whitespace().collect()
}

// ---------------------------------------------------------------- scanning

/// Sets and maps of words hashed with foldhash: words are short, and these
/// hold every distinct word of the dossier (std's SipHash is built to resist
/// hostile keys, which article words are not, at several times the cost). A
/// fixed seed keeps runs alike.
type WordSet<'a> = HashSet<&'a str, FixedState>;
type WordMap<'a, V> = HashMap<&'a str, V, FixedState>;

/// Adds what one article contributes to `out`.
fn scan<'a>(dossier: &'a Dossier, known: &Known<'_>, article_ix: ArticleIx, out: &mut Corpus<'a>) {
    let article = &dossier.articles[article_ix];
    // Capitalised words outside linked names: word -> first place. Counted
    // once per article.
    let mut capitalised = std::mem::take(&mut out.article_capitalised);
    // Spans of names already linked to a person, in block order: (block,
    // start, end).
    let mut linked: Vec<(usize, usize, usize)> = (article.passages.iter())
        .filter(|p| matches!(p.shape, PassageShape::NameLink(_)))
        .map(|p| (p.span.block, p.span.start, p.span.end))
        .collect();
    linked.sort_unstable();
    // Each end becomes the furthest end of the block's spans so far: whether
    // a word overlaps a linked name is then one binary search, not a pass
    // over every name of its paragraph (quadratic in a long one).
    for i in 1..linked.len() {
        if linked[i].0 == linked[i - 1].0 {
            linked[i].2 = linked[i].2.max(linked[i - 1].2);
        }
    }
    for (block_ix, block) in article.body.blocks().iter().enumerate() {
        if !block.anchorable {
            continue;
        }
        let words = words(&block.text);
        let from = linked.partition_point(|&(b, _, _)| b < block_ix);
        let to = from + linked[from..].partition_point(|&(b, _, _)| b == block_ix);
        let links = &linked[from..to];
        let is_linked = |start: usize, end: usize| {
            let before = links.partition_point(|&(_, s, _)| s < end);
            before > 0 && links[before - 1].2 > start
        };
        let span = |start: usize, end: usize| TextSpan {
            block: block_ix,
            start,
            end,
        };
        for w in &words {
            let first = w.text.as_bytes()[0];
            let lower_case = if first.is_ascii() {
                first.is_ascii_lowercase()
            } else {
                w.text.starts_with(char::is_lowercase)
            };
            if lower_case {
                out.lower.insert(w.text);
            } else if w.name {
                if !w.sentence_start {
                    out.mid_sentence.insert(w.text);
                }
                if w.text.len() >= 4 && !is_linked(w.start, w.end) {
                    capitalised
                        .entry(w.text)
                        .or_insert_with(|| span(w.start, w.end));
                }
            }
        }
        // Names: runs of joined name words, with connectors inside.
        let mut k = 0;
        while k < words.len() {
            if !words[k].name {
                k += 1;
                continue;
            }
            let mut end = k + 1;
            while end < words.len() && words[end].joined && !words[end - 1].possessive {
                let w = words[end].text;
                if words[end].name {
                    end += 1;
                } else if CONNECTORS.contains(&w)
                    && words.get(end + 1).is_some_and(|n| n.joined && n.name)
                    && !words[end].possessive
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let (start, run) = (k, &words[k..end]);
            k = end;
            if run.len() == 1 {
                out.alone.insert(run[0].text);
                continue;
            }
            if is_linked(run[0].start, run[run.len() - 1].end) || known.names_someone(run) {
                continue;
            }
            let text = run.iter().map(|w| w.text).collect::<Vec<_>>().join(" ");
            let first = run[0];
            let prev = start.checked_sub(1).map(|p| &words[p]);
            let placelike = prev.is_some_and(|p| {
                let gap = &block.text[p.end..first.start];
                let lower = p.text.to_lowercase();
                gap.chars().all(char::is_whitespace)
                    && (lower == "the" || PLACE_BEFORE.contains(&lower.as_str()))
            });
            if placelike {
                out.placelike.insert(text.clone());
            }
            *out.names.entry((text, first.sentence_start)).or_default() += 1;
        }
    }
    for (word, span) in capitalised.drain() {
        out.add_capitalised(word, (article_ix, span, 1));
    }
    out.article_capitalised = capitalised;
}

/// A set of the articles' words that most of them enter again and again:
/// ordinary words ("the", "said": every word of every article in lower case
/// goes through here), and capitalised ones ("Gaza", "Hamas").
///
/// Keyed by the word's 64-bit hash, which is all an insert compares: an
/// insert of a word already there (most of them) then reads no text, where a
/// set of words would compare it with the first occurrence, somewhere else in
/// memory. Each hash keeps the first word seen with it, and a lookup compares
/// that word, so an answer is exact unless two words share a 64-bit hash.
#[derive(Default)]
struct SeenWords<'a> {
    by_hash: HashMap<u64, &'a str, BuildHasherDefault<PreHashed>>,
    hasher: FixedState,
}

impl<'a> SeenWords<'a> {
    fn insert(&mut self, word: &'a str) {
        self.by_hash
            .entry(self.hasher.hash_one(word))
            .or_insert(word);
    }

    fn merge(&mut self, other: SeenWords<'a>) {
        for (hash, word) in other.by_hash {
            self.by_hash.entry(hash).or_insert(word);
        }
    }

    fn len(&self) -> usize {
        self.by_hash.len()
    }

    fn contains(&self, word: &str) -> bool {
        self.by_hash.get(&self.hasher.hash_one(word)) == Some(&word)
    }
}

/// The hasher of keys that are hashes already: passes them through.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed with PreHashed")
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What the articles contain, for both suggestions.
#[derive(Default)]
struct Corpus<'a> {
    /// Every word used in lower case (ordinary words).
    lower: SeenWords<'a>,
    /// Capitalised word outside linked names -> (first article, first place
    /// there, number of articles).
    capitalised: WordMap<'a, (ArticleIx, TextSpan, usize)>,
    /// Capitalised words seen other than at the start of a sentence.
    mid_sentence: SeenWords<'a>,
    /// Names (two or more capitalised words) by text and whether they start
    /// a sentence: how often.
    names: HashMap<(String, bool), usize, FixedState>,
    /// Names seen after "the" or a preposition of place.
    placelike: HashSet<String, FixedState>,
    /// Capitalised words that stand alone, not next to another ("Israel
    /// says", "Starmer said").
    alone: SeenWords<'a>,
    /// [`scan`]'s table of one article's capitalised words, kept empty
    /// between articles: grown once, not again for every article.
    article_capitalised: WordMap<'a, TextSpan>,
}

impl<'a> Corpus<'a> {
    fn add_capitalised(&mut self, word: &'a str, seen: (ArticleIx, TextSpan, usize)) {
        self.capitalised
            .entry(word)
            .and_modify(|e| {
                // The first article wins whichever thread scanned it.
                if seen.0 < e.0 {
                    (e.0, e.1) = (seen.0, seen.1);
                }
                e.2 += seen.2;
            })
            .or_insert(seen);
    }

    /// Both corpora in one; the larger one's tables are kept and grown.
    fn merge(mut self, mut other: Corpus<'a>) -> Corpus<'a> {
        if self.lower.len() < other.lower.len() {
            std::mem::swap(&mut self, &mut other);
        }
        self.lower.merge(other.lower);
        for (word, seen) in other.capitalised {
            self.add_capitalised(word, seen);
        }
        self.mid_sentence.merge(other.mid_sentence);
        for (name, count) in other.names {
            *self.names.entry(name).or_default() += count;
        }
        self.placelike.extend(other.placelike);
        self.alone.merge(other.alone);
        self
    }

    /// An ordinary word: the articles also use it in lower case.
    fn ordinary(&self, word: &str) -> bool {
        self.lower.contains(&word.to_lowercase())
    }
}

// ---------------------------------------------------------- unknown names

/// A word of a person's name, alias or variant.
struct PersonWord<'a> {
    word: &'a str,
    person: PersonIx,
}

/// What people.yaml says about names, for both suggestions.
struct Known<'a> {
    /// Every name, alias and variant as words joined by single spaces, also
    /// with the first letter in upper case (as the linker matches them).
    forms: HashSet<String, FixedState>,
    /// Every word of those forms.
    words: WordSet<'a>,
    /// The capitalised words of those forms, by first letter (lower case) and
    /// length in characters.
    buckets: HashMap<(char, usize), Vec<PersonWord<'a>>, FixedState>,
    /// The most words in a form.
    longest: usize,
}

impl<'a> Known<'a> {
    fn new(dossier: &'a Dossier) -> Self {
        let mut known = Known {
            forms: HashSet::default(),
            words: WordSet::default(),
            buckets: HashMap::default(),
            longest: 0,
        };
        for (person, entry) in dossier.people.iter().enumerate() {
            let p = &entry.person;
            for form in std::iter::once(&p.name)
                .chain(&p.aliases)
                .chain(&p.variants)
            {
                let ws = words(form);
                let joined = ws.iter().map(|w| w.text).collect::<Vec<_>>().join(" ");
                known.longest = known.longest.max(ws.len());
                known.forms.insert(upper_first(&joined));
                known.forms.insert(joined);
                for w in ws {
                    if !known.words.insert(w.text) || !w.name {
                        continue;
                    }
                    let len = w.text.chars().count();
                    known
                        .buckets
                        .entry((first_lower(w.text), len))
                        .or_default()
                        .push(PersonWord {
                            word: w.text,
                            person,
                        });
                }
            }
        }
        known
    }

    /// Whether some words in a row of `run` are a known form: a name the
    /// linker did not link (in a Markdown link's text, say) is still known.
    fn names_someone(&self, run: &[Word<'_>]) -> bool {
        let mut joined = String::new();
        (0..run.len()).any(|i| {
            joined.clear();
            (i..run.len().min(i + self.longest)).any(|j| {
                if j > i {
                    joined.push(' ');
                }
                joined.push_str(run[j].text);
                self.forms.contains(&joined)
            })
        })
    }
}

fn unknown_names(dossier: &Dossier, known: &Known<'_>, corpus: &Corpus) -> Vec<Diagnostic> {
    let mut found: Vec<(&str, &PersonWord<'_>, &(ArticleIx, TextSpan, usize))> = Vec::new();
    for (word, at) in &corpus.capitalised {
        let len = word.chars().count();
        if len < 4 || known.words.contains(word) || corpus.ordinary(word) || not_a_name(word) {
            continue;
        }
        // Damerau-Levenshtein similarity is 1 - distance / longer length, and
        // the distance is at least the difference in length.
        let reach = ((1.0 - CLOSE) * len as f64 / CLOSE).floor() as usize;
        let lo = ((len as f64 * CLOSE).ceil() as usize).max(1);
        let mut best: Option<(f64, &PersonWord<'_>)> = None;
        for other_len in lo..=len + reach {
            for pw in known
                .buckets
                .get(&(first_lower(word), other_len))
                .into_iter()
                .flatten()
            {
                let score = strsim::normalized_damerau_levenshtein(word, pw.word);
                if score >= CLOSE && best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, pw));
                }
            }
        }
        if let Some((_, pw)) = best {
            found.push((word, pw, at));
        }
    }
    found.sort_by(|a, b| (a.2 .0, a.2 .1, a.0).cmp(&(b.2 .0, b.2 .1, b.0)));
    found
        .into_iter()
        .map(|(word, pw, &(article_ix, span, articles))| {
            let person = &dossier.people[pw.person];
            let elsewhere = match articles {
                1 => String::new(),
                2 => " (and in 1 other article)".to_owned(),
                n => format!(" (and in {} other articles)", n - 1),
            };
            let d = Diagnostic::warning(
                "unknown-name",
                format!("'{word}' is close to '{}', a name of {}{elsewhere}", pw.word, person.person.name.trim()),
            )
            .with_hint(format!(
                "did you mean {}? add '{word}' to their aliases (a correct form) or variants (a misspelling) in {}",
                person.person.name.trim(),
                person.file.display()
            ));
            super::at_passage(d, &dossier.root, &dossier.articles[article_ix], span)
        })
        .collect()
}

/// Words that are not names whatever their spelling: months, weekdays,
/// titles, words of places and organisations, nationalities.
fn not_a_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    TITLES.contains(&lower.as_str())
        || PLACE_OR_ORGANISATION.contains(&lower.as_str())
        || NATIONALITIES.contains(&lower.trim_end_matches('s'))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn first_lower(word: &str) -> char {
    word.chars()
        .next()
        .and_then(|c| c.to_lowercase().next())
        .unwrap_or(' ')
}

// -------------------------------------------------------- uncovered names

fn uncovered_names(dossier: &Dossier, corpus: &Corpus) -> Option<Diagnostic> {
    let outlets: Vec<String> = dossier
        .index
        .outlets
        .iter()
        .map(|o| o.name.to_lowercase())
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for ((name, initial), &count) in &corpus.names {
        if corpus.placelike.contains(name) {
            continue;
        }
        // A first word seen only at the start of sentences ("Then", "Later")
        // is not part of the name; after "The" comes a place or an
        // organisation ("The Kerem Shalom crossing").
        let name = match name.split_once(' ') {
            Some(("The", _)) => continue,
            Some((first, rest))
                if *initial && rest.contains(' ') && !corpus.mid_sentence.contains(first) =>
            {
                rest
            }
            _ => name.as_str(),
        };
        if corpus.placelike.contains(name) {
            continue;
        }
        let Some(name) = person_like(name, corpus) else {
            continue;
        };
        let lower = name.to_lowercase();
        let padded = format!(" {lower} ");
        if outlets
            .iter()
            .any(|o| o.contains(&lower) || padded.contains(&format!(" {o} ")))
        {
            continue;
        }
        *counts.entry(name).or_default() += count;
    }
    // A person named once, and never by their last name alone, is as likely
    // a place or a title ("Tel Aviv", "Kerem Shalom"): left out.
    counts.retain(|name, count| {
        *count >= 2
            || name
                .rsplit(' ')
                .next()
                .is_some_and(|last| corpus.alone.contains(last))
    });
    if counts.is_empty() {
        return None;
    }
    let total = counts.len();
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.truncate(LISTED);
    let shown: Vec<String> = list
        .iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    let more = if total > LISTED {
        format!(" (the {LISTED} most frequent of {total})")
    } else {
        String::new()
    };
    let what = if total == 1 {
        "name that is"
    } else {
        "names that are"
    };
    Some(
        Diagnostic::warning(
            "uncovered-names",
            format!("the articles use {total} {what} nobody's in people.yaml{more}: {}", shown.join(", ")),
        )
        .with_hint(
            "add the people among them to content/people.yaml (or to a known person's `aliases:`); set `checks: {uncovered-names: off}` to silence this",
        ),
    )
}

/// The name as a person's name, or `None` when it looks like a place, an
/// organisation or an ordinary phrase. Titles, nationalities and ordinary
/// words in front are dropped ("Envoy", "Israeli", "According") while two
/// words are left. Refused: a name with a word typical of places and
/// organisations, a title, a nationality or an ordinary word in it; one whose
/// first word stands alone elsewhere ("Israel" of "Israel Hayom"); one that
/// starts with an Arabic article ("Al Jazeera": a person's name has a given
/// name first).
fn person_like(name: &str, corpus: &Corpus) -> Option<String> {
    let is_title = |w: &str| {
        let lower = w.to_lowercase();
        TITLES.contains(&lower.as_str()) || lower.split('-').any(|part| TITLES.contains(&part))
    };
    let words: Vec<&str> = name.split(' ').collect();
    let mut rest = &words[..];
    while rest.len() > 2
        && (is_title(rest[0])
            || corpus.ordinary(rest[0])
            || is_nationality(rest[0])
            || demonym_like(rest[0]))
    {
        rest = &rest[1..];
    }
    if rest.iter().filter(|w| !CONNECTORS.contains(*w)).count() < 2 {
        return None;
    }
    let refused = rest.iter().any(|w| {
        let lower = w.to_lowercase();
        !CONNECTORS.contains(*w)
            && (PLACE_OR_ORGANISATION.contains(&lower.as_str())
                || lower
                    .split('-')
                    .any(|part| PLACE_OR_ORGANISATION.contains(&part))
                || corpus.ordinary(w)
                || is_title(w)
                || is_nationality(w))
    });
    let first = rest[0];
    if refused
        || corpus.alone.contains(first)
        || ["Al", "El", "Ad", "An", "As", "Ash", "At", "Az"].contains(&first)
    {
        return None;
    }
    Some(rest.join(" "))
}

/// "Israeli", "Americans", "Israeli-American": a nationality (or several).
fn is_nationality(word: &str) -> bool {
    word.split('-').all(|part| {
        let lower = part.to_lowercase();
        NATIONALITIES.contains(&lower.as_str())
            || lower
                .strip_suffix('s')
                .is_some_and(|l| NATIONALITIES.contains(&l))
    })
}

/// Ends like an adjective of nationality ("-ian", "-ese", "-i"): dropped from
/// the front of a longer name, never a reason to refuse one ("Adrian").
fn demonym_like(word: &str) -> bool {
    let lower = word.to_lowercase();
    [
        "ian", "ean", "ese", "ish", "eli", "ari", "aqi", "udi", "ani", "can", "ine",
    ]
    .iter()
    .any(|e| lower.len() > e.len() + 2 && lower.ends_with(e))
}

/// Nationalities and peoples, in lower case, as they precede names.
static NATIONALITIES: LazyLock<WordSet<'static>> = LazyLock::new(|| {
    word_set(
        "afghan african albanian algerian american arab argentine argentinian armenian asian \
         australian austrian azerbaijani bahraini belgian brazilian british bulgarian canadian \
         chinese colombian croatian cuban czech danish dutch egyptian emirati english eritrean \
         ethiopian european filipino finnish french georgian german greek hungarian indian \
         indonesian iranian iraqi irish israeli italian japanese jewish jordanian kazakh kenyan \
         korean kurdish kuwaiti lebanese libyan malaysian mexican moroccan muslim nigerian \
         norwegian omani pakistani palestinian persian polish portuguese qatari romanian russian \
         saudi scottish serbian somali spanish sudanese swedish swiss syrian taiwanese thai \
         tunisian turkish ukrainian venezuelan vietnamese welsh yemeni druze bedouin kurd turk jew \
         shia shiite sunni western",
    )
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rules::testing::TestDossier;

    const PEOPLE: &str = "
- id: steve-witkoff
  name: Steve Witkoff
  aliases: [Witkoff]
  variants: [Weitekamp]
- id: khalil-al-hayya
  name: Khalil al-Hayya
";

    fn run(body: &str) -> Vec<Diagnostic> {
        let d = TestDossier::new()
            .people(PEOPLE)
            .article("a", "Albawaba", "2025-05-11", body, "")
            .build();
        suggest(&d)
    }

    fn codes(ds: &[Diagnostic]) -> Vec<&str> {
        ds.iter().map(|d| d.code).collect()
    }

    #[test]
    fn words_keep_inner_hyphens_and_drop_possessives() {
        let ws = words("Trump's envoy Dekel-Chen met al-Hayya. The Netanyahus' home");
        let texts: Vec<&str> = ws.iter().map(|w| w.text).collect();
        assert_eq!(
            texts,
            [
                "Trump",
                "envoy",
                "Dekel-Chen",
                "met",
                "al-Hayya",
                "The",
                "Netanyahus",
                "home"
            ]
        );
        assert!(ws[0].possessive && !ws[1].joined);
        assert!(ws[5].sentence_start && !ws[5].joined);
        assert!(ws[6].possessive);
        // Whether a word is a name is judged without its possessive.
        let names: Vec<(&str, bool)> =
            words("NATO's chief Witkoff's aide F16s al-Hayya's Özdemir's")
                .iter()
                .map(|w| (w.text, w.name))
                .collect();
        assert_eq!(
            names,
            [
                ("NATO", false),
                ("chief", false),
                ("Witkoff", true),
                ("aide", false),
                ("F16s", false),
                ("al-Hayya", true),
                ("Özdemir", true)
            ]
        );
    }

    /// `words` as its definition reads, a character at a time.
    fn words_plainly(text: &str) -> Vec<Word<'_>> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
        let mut out: Vec<Word<'_>> = Vec::new();
        let (mut k, mut last_end) = (0, 0);
        while k < chars.len() {
            if !chars[k].1.is_alphanumeric() {
                k += 1;
                continue;
            }
            let mut j = k + 1;
            while chars.get(j).is_some_and(|&(_, c)| {
                c.is_alphanumeric()
                    || (matches!(c, '-' | '\'' | '’')
                        && chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric()))
            }) {
                j += 1;
            }
            let (start, end) = (at(k), at(j));
            let whole = &text[start..end];
            let (word, possessive) = match whole.strip_suffix(['s', 'S']) {
                Some(stem) => match stem.strip_suffix(['\'', '’']) {
                    Some(stem) => (stem, true),
                    None => (whole, text[end..].starts_with(['\'', '’'])),
                },
                None => (whole, false),
            };
            let gap = &text[last_end..start];
            out.push(Word {
                text: word,
                start,
                end: start + word.len(),
                possessive,
                joined: out.last().is_some_and(|w| !w.possessive)
                    && gap.chars().all(char::is_whitespace),
                sentence_start: out.is_empty() || gap.contains(['.', '!', '?', ':', ';']),
                name: is_name_word(word),
            });
            (k, last_end) = (j, end);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn words_are_what_their_definition_gives(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "Trump", "envoy", "s", "S", "'", "’", "-", "al", "Hayya", "NATO", "F16", "2024",
                " ", "  ", "\n", "\t", "\u{b}", "\u{a0}", "\u{2003}", ".", ",", ":", "?", "(",
                "“", "”", "é", "Özdemir", "日本", "_", "x", "abcdefghij", "O", "Brien",
            ][..]), 0..40),
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(words(&text), words_plainly(&text));
        }
    }

    #[test]
    fn the_shortcuts_agree_with_unicode() {
        // `words` skips Unicode's tables for General Punctuation.
        assert!(GENERAL_PUNCTUATION.clone().all(|c| !c.is_alphanumeric()));
        for b in 0..=255u8 {
            let class = GAP_CLASS[usize::from(b)];
            let c = b as char;
            assert_eq!(class & WORD_BYTE != 0, b.is_ascii_alphanumeric(), "{b}");
            assert_eq!(class & WIDE_BYTE != 0, !b.is_ascii(), "{b}");
            assert_eq!(
                class & SPACE_BYTE != 0,
                b.is_ascii() && c.is_whitespace(),
                "{b}"
            );
            assert_eq!(class & STOP_BYTE != 0, ".!?:;".contains(c), "{b}");
        }
    }

    #[test]
    fn ascii_runs_end_where_a_byte_at_a_time_ends_them() {
        let byte_at_a_time = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len())
        };
        let texts = [
            "",
            "a",
            "Witkoff said",
            "abcdefgh",
            "abcdefghi j",
            "ABCDEFGH12345678 x",
            "al-Hayya",
            "Özdemir",
            "Dekel’s",
            "0123456789",
            "zZ09 @[`{/:",
            "ab\u{7f}cd",
            "éé",
            "aaaaaaa\u{80}",
            "x\n\ty",
            "@@@@@@@@@@",
            "Ab1Ab1Ab1Ab1Ab1Ab1Ab1.",
        ];
        for text in texts {
            for start in 0..text.len() {
                let bytes = &text.as_bytes()[start..];
                assert_eq!(
                    ascii_run(bytes),
                    byte_at_a_time(bytes),
                    "{text:?} from {start}"
                );
            }
        }
        // Every byte value at every place of a chunk, between letters.
        for b in 0..=255u8 {
            for at in 0..10 {
                let mut bytes = vec![b'k'; 12];
                bytes[at] = b;
                assert_eq!(ascii_run(&bytes), byte_at_a_time(&bytes), "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn name_words() {
        assert!(is_name_word("Witkoff"));
        assert!(is_name_word("al-Hayya"));
        assert!(is_name_word("Al"));
        assert!(!is_name_word("BABA"));
        assert!(!is_name_word("envoy"));
        assert!(!is_name_word("A"));
        assert!(!is_name_word("F16s"));
        assert!(!is_name_word("al-Hayya2"));
        assert!(!is_name_word("al-hayya"));
        assert!(is_name_word("Özdemir"));
        assert!(!is_name_word("ÖZDEMIR"));
    }

    /// Counted once for each article that has it, and shown where the
    /// first article has it: a thread scans article after article with one
    /// table, which must start empty for each.
    #[test]
    fn a_near_spelling_is_counted_by_article() {
        let mut d = TestDossier::new().people(PEOPLE);
        for (slug, body) in [
            ("a", "Some text. Envoy Witkof met the team. Witkof left."),
            ("b", "Nothing of that kind here."),
            ("c", "Witkof again."),
            ("d", "The envoy stayed."),
        ] {
            d = d.article(slug, "Albawaba", "2025-05-11", body, "");
        }
        let ds = suggest(&d.build());
        assert_eq!(codes(&ds), ["unknown-name"]);
        assert_eq!(
            ds[0].message,
            "'Witkof' is close to 'Witkoff', a name of Steve Witkoff (and in 1 other article)"
        );
        let at = ds[0].location.as_ref().unwrap();
        assert_eq!(at.file.to_str().unwrap(), "content/articles/a.md");
    }

    #[test]
    fn a_near_spelling_of_a_name_is_suggested() {
        let ds = run("Some text.\n\nEnvoy Witkof met the team. Witkof left.");
        assert_eq!(codes(&ds), ["unknown-name"]);
        let d = &ds[0];
        assert_eq!(
            d.message,
            "'Witkof' is close to 'Witkoff', a name of Steve Witkoff"
        );
        assert!(d
            .hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean Steve Witkoff?"));
        let at = d.location.as_ref().unwrap();
        assert_eq!(
            (at.file.to_str().unwrap(), at.line, at.column),
            ("content/articles/a.md", 8, 7)
        );
    }

    #[test]
    fn listed_forms_and_far_words_are_not_suggested() {
        assert!(run("Steve Witkoff and Witkoff and Weitekamp met Khalil al-Hayya.").is_empty());
        assert!(run("Wittgenstein and Kissinger spoke.").is_empty());
    }

    #[test]
    fn ordinary_words_are_not_suggested() {
        // "Whitkoff" is not ordinary, but "Stove" is used in lower case.
        assert!(run("Stove is hot. The stove was hot.").is_empty());
    }

    #[test]
    fn names_nobody_covers_are_listed_once_with_counts() {
        let ds = run(
            "Keir Starmer met Emmanuel Macron. Later Keir Starmer spoke. Macron agreed.\n\nPrime Minister Keir Starmer said so to Steve Witkoff.",
        );
        assert_eq!(codes(&ds), ["uncovered-names"]);
        assert_eq!(
            ds[0].message,
            "the articles use 2 names that are nobody's in people.yaml: Keir Starmer (3), Emmanuel Macron (1)"
        );
    }

    #[test]
    fn places_organisations_and_known_people_are_not_listed() {
        let ds = run(
            "The White House said it. Aid reached the Gaza Strip and Khan Younis, in Khan Younis. \
             Israeli Prime Minister Benjamin Netanyahu and the Security Cabinet met. The house was white; the strip was narrow. \
             Envoy Steve Witkoff met Khalil al-Hayya. Qatar Economic Forum. Israeli Army Radio. According to Albawaba News, \
             it was so. MAX BLUESTEIN spoke. Netanyahu agreed. Israel says so, and Israel Hayom reported it to Al Jazeera \
             after Saudi Arabia said so. Arab Americans voted. [Steve Witkoff](https://example.org) met [Khalil al-Hayya](https://example.org). \
             Between Washington and Tel Aviv. The Kerem Shalom crossing opened. Trucks went through Kerem Shalom.",
        );
        let listed: Vec<&str> = ds
            .iter()
            .filter(|d| d.code == "uncovered-names")
            .map(|d| d.message.as_str())
            .collect();
        // Benjamin Netanyahu is nobody in this test's people.yaml: he is the one name.
        assert_eq!(
            listed,
            ["the articles use 1 name that is nobody's in people.yaml: Benjamin Netanyahu (1)"]
        );
    }

    #[test]
    fn a_name_used_once_and_never_alone_is_left_out() {
        assert!(run("Keir Starmer met the press.").is_empty());
        assert_eq!(
            codes(&run("Keir Starmer met the press. Starmer left.")),
            ["uncovered-names"]
        );
    }

    #[test]
    fn a_word_seen_only_at_sentence_starts_is_not_part_of_a_name() {
        let ds = run("Then Keir Starmer spoke. Keir Starmer left.");
        assert!(
            ds[0].message.ends_with(": Keir Starmer (2)"),
            "{}",
            ds[0].message
        );
    }

    #[test]
    fn suggestions_can_be_turned_off() {
        let d = TestDossier::new()
            .file(
                "config.yaml",
                "title: T\nchecks:\n  unknown-name: off\n  uncovered-names: off\n",
            )
            .people(PEOPLE)
            .article("a", "A", "2025-05-11", "Witkof met Keir Starmer.", "")
            .build();
        assert!(suggest(&d).is_empty());
    }
}
