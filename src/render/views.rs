//! View models: small, precomputed structs that templates read. A page's
//! context holds only what that page shows, never the whole site, so
//! rendering cost and page size stay independent of the dossier's size.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::analyze::{Analysis, DiffPiece, Flag};
use crate::body::{markdown_to_html, markdown_to_inline_html};
use crate::resolve::{ArticleIx, ClaimIx, Dossier, PassageIx, PersonIx};

/// Site-wide settings every page shows (title, language).
#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub language: String,
    pub description_html: String,
    pub base_url: Option<String>,
}

impl SiteView {
    pub fn new(dossier: &Dossier) -> Self {
        let config = &dossier.config;
        SiteView {
            title: config.title.clone(),
            language: config.language.clone(),
            description_html: config
                .description
                .as_deref()
                .map(markdown_to_html)
                .unwrap_or_default(),
            base_url: config.base_url.as_ref().map(|u| {
                if u.ends_with('/') {
                    u.clone()
                } else {
                    format!("{u}/")
                }
            }),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct Link {
    /// Relative to the site root; templates prefix `root`.
    pub href: String,
    pub text: String,
}

/// A date as `YYYY-MM-DD`, as chrono prints it. Pages print a date for each
/// of hundreds of thousands of snippets and passages; chrono's `Display`
/// goes through the formatting machinery a character at a time, this writes
/// the ten bytes at once (years outside 0-9999 are left to chrono).
pub fn iso_date(date: NaiveDate) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        return date.to_string();
    };
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        '-',
        digit(month / 10),
        digit(month),
        '-',
        digit(day / 10),
        digit(day),
    ]
    .into_iter()
    .collect()
}

pub fn article_href(dossier: &Dossier, a: ArticleIx) -> String {
    ["articles/", dossier.articles[a].slug(), ".html"].concat()
}

/// The link to passage `passage` of article `a`, from a page one folder down.
pub fn passage_href(dossier: &Dossier, a: ArticleIx, passage: PassageIx) -> String {
    let article = &dossier.articles[a];
    [
        "articles/",
        article.slug(),
        ".html#",
        &article.anchor(passage).text(),
    ]
    .concat()
}

pub fn person_href(dossier: &Dossier, p: PersonIx) -> String {
    ["people/", dossier.people[p].id.as_str(), ".html"].concat()
}

pub fn claim_href(dossier: &Dossier, c: ClaimIx) -> String {
    ["claims/", dossier.claims[c].claim.id.as_str(), ".html"].concat()
}

/// A claim's statement as plain text, for link texts and titles.
pub fn claim_text(dossier: &Dossier, c: ClaimIx) -> &str {
    &dossier.claims[c].text
}

/// Human names of the rules, for headings.
pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "name-variant" => "Name spelled differently",
        "anachronism" => "Role named outside its dates",
        "quantity-conflict" => "Figures disagree",
        "sum-mismatch" => "Figures don't add up",
        "date-conflict" => "Dates disagree",
        "weekday-mismatch" => "Weekday doesn't match the date",
        "stance-conflict" => "Asserted by one source, denied by another",
        "contradiction" => "Contradictory claims asserted",
        "quote-wording" => "Quote worded differently",
        "quote-attribution" => "Quote attributed to different speakers",
        "declared" => "Found by the editor",
        _ => "Inconsistency",
    }
}

/// One sentence on what a rule checks, for the inconsistencies page.
pub fn rule_explanation(rule: &str) -> &'static str {
    match rule {
        "name-variant" => {
            "A person is named by a spelling that differs from their name and from other sources."
        }
        "anachronism" => "The text gives someone a role they did not hold on the article's date.",
        "quantity-conflict" => {
            "Two sources give figures for the same quantity whose ranges do not overlap."
        }
        "sum-mismatch" => "Within one article, the parts do not add up to the total.",
        "date-conflict" => "Two sources date the same event differently.",
        "weekday-mismatch" => "A date falls on another weekday than the text names.",
        "stance-conflict" => "One source asserts what another denies.",
        "contradiction" => "Sources assert two claims that cannot both be true.",
        "quote-wording" => {
            "One speaker's words appear in two sources in nearly, but not exactly, the same form."
        }
        "quote-attribution" => "The same words are attributed to different speakers.",
        "declared" => "Inconsistencies the editor found and explained that no rule computes.",
        _ => "",
    }
}

#[derive(Serialize, Clone)]
pub struct FlagPassageView<'a> {
    /// `articles/<slug>.html#<anchor>`.
    pub href: String,
    pub outlet: &'a str,
    pub published: String,
    pub text: &'a str,
}

/// A flag as every page shows it.
#[derive(Serialize, Clone)]
pub struct FlagView<'a> {
    pub id: &'a str,
    pub rule: &'static str,
    pub rule_label: Cow<'static, str>,
    pub kind: Option<&'a str>,
    pub level: &'static str,
    pub message: &'a str,
    /// The message as inline HTML (declared flags' text is Markdown; rules'
    /// messages are plain text).
    pub message_html: String,
    /// The message as plain text (for the article's sidenotes).
    #[serde(skip)]
    pub message_text: Cow<'a, str>,
    pub diff: Vec<DiffPiece>,
    /// All its passages; `flag.html` gets the ones to list beside the flag.
    #[serde(skip)]
    pub passages: Vec<FlagPassageView<'a>>,
    /// Pages of the claims and people involved.
    pub links: Vec<Link>,
}

pub fn flag_views<'a>(
    dossier: &'a Dossier,
    analysis: &'a Analysis,
    ids: &'a [String],
) -> Vec<FlagView<'a>> {
    analysis
        .flags
        .par_iter()
        .zip(ids)
        .with_max_len(crate::PIECE)
        .map(|(f, id)| flag_view(dossier, f, id))
        .collect()
}

fn flag_view<'a>(dossier: &'a Dossier, flag: &'a Flag, id: &'a str) -> FlagView<'a> {
    let passages = flag
        .passages
        .iter()
        .map(|p| {
            let article = &dossier.articles[p.article];
            FlagPassageView {
                href: passage_href(dossier, p.article, p.passage),
                outlet: &article.article.front.outlet,
                published: iso_date(article.article.front.published),
                text: article.passage_text(p.passage),
            }
        })
        .collect();
    let links = flag
        .claims
        .iter()
        .map(|&c| Link {
            href: claim_href(dossier, c),
            text: format!("Claim: {}", claim_text(dossier, c)),
        })
        .chain(flag.people.iter().map(|&p| Link {
            href: person_href(dossier, p),
            text: dossier.people[p].person.name.clone(),
        }))
        .collect();
    // An editor's declared flag is Markdown; a rule's message is plain text
    // that may quote the articles (whose `*` or `_` are not markup).
    let (message_html, message_text) = if flag.rule == "declared" {
        (
            markdown_to_inline_html(&flag.message),
            Cow::Owned(crate::body::plain_text(&flag.message)),
        )
    } else {
        (
            super::escape(&flag.message),
            Cow::Borrowed(flag.message.as_str()),
        )
    };
    let rule_label = match &flag.kind {
        Some(kind) => Cow::Owned(format!("{} ({kind})", rule_label(flag.rule))),
        None => Cow::Borrowed(rule_label(flag.rule)),
    };
    FlagView {
        id,
        rule: flag.rule,
        rule_label,
        kind: flag.kind.as_deref(),
        level: flag.level.as_str(),
        message: &flag.message,
        message_html,
        message_text,
        diff: word_runs(&flag.diff),
        passages,
        links,
    }
}

/// A word-level difference with each run of words of one kind joined into
/// one piece (`<del>two words</del>`, not a tag per word): fewer pieces for
/// `flag.html` to loop over, and a change reads as one edit.
fn word_runs(diff: &[DiffPiece]) -> Vec<DiffPiece> {
    let mut runs: Vec<DiffPiece> = Vec::new();
    for piece in diff {
        match runs.last_mut() {
            Some(run) if run.change == piece.change => {
                run.text.push(' ');
                run.text.push_str(&piece.text);
            }
            _ => runs.push(piece.clone()),
        }
    }
    runs
}

/// An article in a list.
#[derive(Serialize)]
pub struct ArticleItem {
    pub href: String,
    pub title: String,
    pub outlet: String,
    pub published: String,
    pub estimated: bool,
    pub flags: usize,
}

pub fn article_item(dossier: &Dossier, analysis: &Analysis, a: ArticleIx) -> ArticleItem {
    let front = &dossier.articles[a].article.front;
    ArticleItem {
        href: article_href(dossier, a),
        title: front.title.clone(),
        outlet: front.outlet.clone(),
        published: iso_date(front.published),
        estimated: front.published_estimated,
        flags: analysis.by_article[a].len(),
    }
}

/// A link to a passage in the original article, as a text fragment
/// (`#:~:text=`), so the reader's browser scrolls to and highlights it.
pub fn text_fragment_url(url: &str, passage: &str) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let words: Vec<&str> = passage.split_whitespace().collect();
    // A long passage as its first and last five words (`start,end`).
    let (start, end): (&[&str], &[&str]) = match words.len() {
        0..=12 => (&words, &[]),
        n => (&words[..5], &words[n - 5..]),
    };
    // Bytes, not chars: all but the URL is ASCII by construction.
    let mut out = Vec::with_capacity(base.len() + 10 + passage.len() * 2);
    out.extend_from_slice(base.as_bytes());
    out.extend_from_slice(b"#:~:text=");
    for (part, words) in [start, end].into_iter().enumerate() {
        if part == 1 && !words.is_empty() {
            out.push(b',');
        }
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b"%20");
            }
            fragment_encode(word, &mut out);
        }
    }
    String::from_utf8(out).expect("a URL and ASCII")
}

/// Percent-encodes `text` onto `out` for a text directive: everything but
/// unreserved characters, including `-`, `,` and `&`, which are text-fragment
/// syntax.
fn fragment_encode(text: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_as_chrono_prints_them() {
        let years = [
            -1, 0, 7, 99, 999, 1000, 1969, 2024, 2025, 9999, 10000, 262_142,
        ];
        for year in years {
            for (month, day) in [(1, 1), (2, 29), (9, 30), (10, 9), (12, 31)] {
                if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
                    assert_eq!(iso_date(date), date.to_string());
                }
            }
        }
        assert_eq!(iso_date(NaiveDate::MIN), NaiveDate::MIN.to_string());
        assert_eq!(iso_date(NaiveDate::MAX), NaiveDate::MAX.to_string());
    }

    #[test]
    fn text_fragments_encode_syntax_characters() {
        assert_eq!(
            text_fragment_url("https://x.org/a#top", "19 months, - & more"),
            "https://x.org/a#:~:text=19%20months%2C%20%2D%20%26%20more"
        );
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen";
        assert_eq!(
            text_fragment_url("https://x.org/a", long),
            "https://x.org/a#:~:text=one%20two%20three%20four%20five,nine%20ten%20eleven%20twelve%20thirteen"
        );
    }

    #[test]
    fn a_diff_is_shown_as_runs_of_words() {
        let piece = |text: &str, change| DiffPiece {
            text: text.into(),
            change,
        };
        let diff = [
            piece("Both", "same"),
            piece("sides", "same"),
            piece("need", "same"),
            piece("a", "removed"),
            piece("serious", "removed"),
            piece("the", "added"),
            piece("answer", "same"),
        ];
        assert_eq!(
            word_runs(&diff),
            [
                piece("Both sides need", "same"),
                piece("a serious", "removed"),
                piece("the", "added"),
                piece("answer", "same"),
            ]
        );
        assert_eq!(word_runs(&[]), []);
    }

    #[test]
    fn rule_messages_are_text_and_declared_ones_markdown() {
        let dossier = crate::analyze::rules::testing::TestDossier::new().build();
        let flag = |rule, message: &str| Flag {
            rule,
            kind: None,
            level: crate::model::CheckLevel::Flag,
            message: message.into(),
            people: Vec::new(),
            claims: Vec::new(),
            passages: Vec::new(),
            diff: Vec::new(),
        };
        let rule_flag = flag("quote-wording", "QNN has '*wrap* it up' & <b>");
        let view = flag_view(&dossier, &rule_flag, "f");
        assert_eq!(
            view.message_html,
            "QNN has &#39;*wrap* it up&#39; &amp; &lt;b&gt;"
        );
        assert_eq!(view.message_text, "QNN has '*wrap* it up' & <b>");
        let declared = flag("declared", "Called *envoy* <b>");
        let view = flag_view(&dossier, &declared, "f");
        assert_eq!(view.message_html, "Called <em>envoy</em> &lt;b&gt;");
        assert_eq!(view.message_text, "Called envoy");
    }
}
