//! `dossier import`: raw text copied out of a news page -> an article file.
//!
//! The text is cut into units (a line, or a hard-wrapped paragraph of several
//! lines). Each unit is page furniture (menus, share buttons, related
//! articles, cookie banners, subscription prompts, photo credits, comment
//! forms), a line the front matter is guessed from (title, date, URL,
//! byline), or the article's own text, which is kept exactly, in order. Every
//! guess and every dropped line is reported with its line number, so that an
//! editor can check the result against the original.

use chrono::NaiveDate;

/// What `import` made of one text.
#[derive(Debug)]
pub struct Imported {
    /// The article's file name stem, from its title (or the input's name).
    pub slug: String,
    /// The whole `.md` file: front matter and body.
    pub markdown: String,
    pub guesses: Vec<Guess>,
    pub dropped: Vec<Dropped>,
    /// How many blocks of article text were kept.
    pub kept: usize,
}

/// A front-matter field and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub field: &'static str,
    /// `None`: not found in the text (the field is left for the editor).
    pub value: Option<String>,
    /// 1-based line and its text.
    pub from: Option<(usize, String)>,
    /// How the value was read from that line, when it is not the whole line.
    pub how: &'static str,
}

/// A line left out of the article, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub line: usize,
    pub text: String,
    pub why: &'static str,
}

/// One block of the input: a line, or several lines of a hard-wrapped paragraph.
struct Unit {
    line: usize,
    text: String,
}

impl Unit {
    fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    Heading,
    ListItem,
}

/// Imports one text. `name` (the input's file stem) names the article when
/// no title is found.
pub fn import(name: &str, text: &str) -> Imported {
    let units = units(text);
    let mut dropped = Vec::new();
    let mut title: Option<&Unit> = None;
    let mut published: Option<(NaiveDate, &Unit, bool)> = None;
    let mut url: Option<(String, &Unit)> = None;
    let mut author: Option<(String, &Unit)> = None;
    let mut outlet: Option<(String, &Unit, &'static str, u8)> = None;
    let mut body: Vec<(&Unit, Kind)> = Vec::new();
    let mut tail = Tail::None;
    let menus = menu_runs(&units);

    for (i, unit) in units.iter().enumerate() {
        let t = unit.text.as_str();
        let mut drop = |why: &'static str| {
            dropped.push(Dropped {
                line: unit.line,
                text: t.to_owned(),
                why,
            })
        };
        if tail == Tail::Comments {
            drop("comments section");
            continue;
        }
        if let Some(why) = comments_marker(t) {
            tail = Tail::Comments;
            drop(why);
            continue;
        }
        if tail == Tail::Related {
            if looks_like_paragraph(t) {
                tail = Tail::None;
            } else {
                drop("related-articles list");
                continue;
            }
        }
        if related_marker(t) {
            tail = Tail::Related;
            drop("related-articles list");
            continue;
        }
        if let Some(u) = url_line(t) {
            if url.is_none() {
                url = Some((u, unit));
            }
            drop("the article's address");
            continue;
        }
        if let Some((date, updated)) = date_line(t) {
            // The first date printed as published wins over an update.
            let better = match published {
                None => true,
                Some((_, _, was_update)) => was_update && !updated,
            };
            if better {
                published = Some((date, unit, updated));
            }
            drop("date line");
            continue;
        }
        if let Some((name, why)) = copyright_line(t) {
            if outlet.as_ref().is_none_or(|o| o.3 > 0) {
                outlet = Some((name, unit, why, 0));
            }
            drop("copyright line");
            continue;
        }
        if let Some(name) = source_line(t) {
            if outlet.as_ref().is_none_or(|o| o.3 > 1) {
                outlet = Some((name, unit, "after \"Source:\"", 1));
            }
            drop("source line");
            continue;
        }
        if let Some(why) = furniture(t) {
            drop(why);
            continue;
        }
        if menus[i] {
            drop("menu or tag list");
            continue;
        }
        if let Some(name) = byline(t) {
            if author.is_none() {
                author = Some((name, unit));
            }
            drop("byline");
            continue;
        }
        let Some(title_unit) = title else {
            if is_title(unit) && body.is_empty() {
                title = Some(unit);
                if let Some((_, site)) = t.rsplit_once(" | ") {
                    if outlet.as_ref().is_none_or(|o| o.3 > 3) {
                        outlet = Some((site.trim().to_owned(), unit, "after \" | \"", 3));
                    }
                }
            } else if body.is_empty() && unit.words() <= 3 && !looks_like_paragraph(t) {
                // Before the headline: a section label or a lone menu item.
                drop("label before the headline");
            } else {
                body.push((unit, kind(unit, &body)));
            }
            continue;
        };
        if same_text(t, &title_unit.text) {
            drop("repeats the title");
            continue;
        }
        if body
            .last()
            .is_some_and(|(last, _)| same_text(t, &last.text))
        {
            drop("repeats the line before");
            continue;
        }
        body.push((unit, kind(unit, &body)));
    }
    // Short lines at the very end with no paragraph after them are not
    // headings of anything: the end of a page (a tag, a label).
    while let Some((unit, Kind::Heading)) = body.last() {
        dropped.push(Dropped {
            line: unit.line,
            text: unit.text.clone(),
            why: "label after the article",
        });
        body.pop();
    }
    dropped.sort_by_key(|d| d.line);

    for (unit, _) in body.iter().take(2) {
        if let Some((name, how, rank)) = dateline_outlet(&unit.text) {
            if outlet.as_ref().is_none_or(|o| o.3 > rank) {
                outlet = Some((name, unit, how, rank));
            }
            break;
        }
    }
    if let Some((u, unit)) = &url {
        if outlet.is_none() {
            if let Some(host) = host_of(u) {
                outlet = Some((host, unit, "the address's host name", 9));
            }
        }
        if published.is_none() {
            if let Some(date) = date_in_path(u) {
                published = Some((date, unit, false));
            }
        }
    }

    let title_text = title.map(|u| {
        u.text
            .rsplit_once(" | ")
            .map_or(u.text.as_str(), |(t, _)| t.trim())
            .to_owned()
    });
    let slug = slugify(title_text.as_deref().unwrap_or(name));
    let slug = if slug.is_empty() {
        "article".to_owned()
    } else {
        slug
    };
    let at = |u: &Unit| Some((u.line, u.text.clone()));
    let guesses = vec![
        Guess {
            field: "title",
            value: title_text.clone(),
            from: title.and_then(at),
            how: "",
        },
        Guess {
            field: "outlet",
            value: outlet.as_ref().map(|o| o.0.clone()),
            from: outlet.as_ref().and_then(|o| at(o.1)),
            how: outlet.as_ref().map_or("", |o| o.2),
        },
        Guess {
            field: "published",
            value: published.map(|p| p.0.to_string()),
            from: published.and_then(|p| at(p.1)),
            how: "",
        },
        Guess {
            field: "url",
            value: url.as_ref().map(|u| u.0.clone()),
            from: url.as_ref().and_then(|u| at(u.1)),
            how: "",
        },
        Guess {
            field: "author",
            value: author.as_ref().map(|a| a.0.clone()),
            from: author.as_ref().and_then(|a| at(a.1)),
            how: "after \"By\"",
        },
    ];
    let markdown = markdown(&guesses, title_text.is_none(), name, &body);
    Imported {
        slug,
        markdown,
        guesses,
        dropped,
        kept: body.len(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    None,
    /// After "Related articles", "Read also": headlines until a paragraph.
    Related,
    /// After "Leave a reply", "Comments": nothing of the article follows.
    Comments,
}

/// The front matter (fields not found are left empty, for `check` to point
/// at) and the body.
fn markdown(guesses: &[Guess], untitled: bool, name: &str, body: &[(&Unit, Kind)]) -> String {
    let mut out = String::from("---\n");
    for g in guesses {
        match (&g.value, g.field) {
            (Some(v), "published") => out.push_str(&format!("published: {v}\n")),
            (Some(v), field) => out.push_str(&format!("{field}: {}\n", yaml_string(v))),
            (None, "title") if untitled => out.push_str(&format!(
                "title: {}   # not found in the text: write the headline\n",
                yaml_string(name)
            )),
            (None, "outlet") => out.push_str("outlet:   # not found in the text: fill it in\n"),
            (None, "published") => {
                out.push_str("published:   # not found in the text: YYYY-MM-DD\n")
            }
            (None, _) => {}
        }
    }
    out.push_str("---\n");
    let mut previous: Option<Kind> = None;
    for (unit, kind) in body {
        if previous.is_some() {
            // Items of one list stay together; everything else is a block.
            let tight = previous == Some(Kind::ListItem) && *kind == Kind::ListItem;
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        match kind {
            Kind::Heading => {
                out.push_str("## ");
                out.push_str(&unit.text);
            }
            Kind::ListItem => out.push_str(&unit.text),
            Kind::Paragraph => {
                // A paragraph that would read as Markdown structure keeps its
                // text: the mark is escaped.
                if unit.text.starts_with(['#', '>']) {
                    out.push('\\');
                }
                out.push_str(&unit.text);
            }
        }
        previous = Some(*kind);
    }
    out.push('\n');
    out
}

/// A YAML scalar for `s`: double-quoted, escaped as JSON (which YAML reads).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// The input in units. Blank lines separate blocks; a block is one unit per
/// line, unless it is one paragraph wrapped at a fixed width, which is one
/// unit of several lines (joined by newlines: Markdown reads them as one
/// paragraph).
fn units(text: &str) -> Vec<Unit> {
    let lines: Vec<&str> = text.lines().collect();
    let mut units = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        let block = &lines[start..i];
        if is_wrapped(block) {
            let text: Vec<&str> = block.iter().map(|l| l.trim()).collect();
            units.push(Unit {
                line: start + 1,
                text: text.join("\n"),
            });
        } else {
            units.extend(block.iter().enumerate().map(|(k, l)| Unit {
                line: start + k + 1,
                text: l.trim().to_owned(),
            }));
        }
    }
    units
}

/// A block of lines wrapped at one width: every line but the last is long
/// and about as long as the longest, which is no longer than a terminal line.
/// (Unwrapped text has one paragraph per line, of any length.)
fn is_wrapped(block: &[&str]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let widths: Vec<usize> = block.iter().map(|l| l.trim().chars().count()).collect();
    let widest = *widths.iter().max().unwrap_or(&0);
    if !(50..=100).contains(&widest) {
        return false;
    }
    let lines = &block[..block.len() - 1];
    lines.iter().zip(&widths).all(|(l, &w)| {
        w + 15 >= widest && !l.trim_start().starts_with(['-', '*', '•']) && !is_list_item(l.trim())
    })
}

fn kind(unit: &Unit, body: &[(&Unit, Kind)]) -> Kind {
    let t = unit.text.as_str();
    if is_list_item(t) {
        Kind::ListItem
    } else if !body.is_empty() && is_heading(t) {
        // A short line before any paragraph is a standfirst or a caption.
        Kind::Heading
    } else {
        Kind::Paragraph
    }
}

fn is_list_item(t: &str) -> bool {
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") || {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && digits < 3 && t[digits..].starts_with(". ")
    }
}

/// A subheading: a short line that does not end like a sentence.
fn is_heading(t: &str) -> bool {
    let words = t.split_whitespace().count();
    (1..=12).contains(&words) && !t.contains('\n') && !ends_like_sentence(t)
}

fn ends_like_sentence(t: &str) -> bool {
    t.trim_end().ends_with([
        '.', '!', '?', ':', ';', ',', '"', '”', '’', '…', ')', '»', '؟', '。',
    ])
}

/// A unit that reads as running text: a sentence of some length.
fn looks_like_paragraph(t: &str) -> bool {
    let words = t.split_whitespace().count();
    words >= 25 || (words >= 8 && ends_like_sentence(t))
}

/// A headline: a line of a few words up to a long sentence.
fn is_title(unit: &Unit) -> bool {
    let words = unit.words();
    (4..=30).contains(&words) && unit.text.chars().count() <= 250 && !unit.text.contains('\n')
}

/// Collapsed white space (NBSP included) and case, for repeated lines.
fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// Words of a line, lower case, without the punctuation around them.
fn words(t: &str) -> Vec<String> {
    t.split(|c: char| c.is_whitespace() || c == '|' || c == '/' || c == '·' || c == '•')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Marks each unit that belongs to a run of at least three short lines that
/// are not sentences: a menu, a list of sections or tags.
fn menu_runs(units: &[Unit]) -> Vec<bool> {
    let short = |u: &Unit| {
        u.words() <= 3
            && u.text.chars().count() <= 30
            && !ends_like_sentence(&u.text)
            && !is_list_item(&u.text)
    };
    let mut marks = vec![false; units.len()];
    let mut i = 0;
    while i < units.len() {
        let mut j = i;
        while j < units.len() && short(&units[j]) {
            j += 1;
        }
        if j - i >= 3 {
            marks[i..j].fill(true);
        }
        i = j.max(i + 1);
    }
    marks
}

/// Whole lines that are page furniture, compared in lower case without the
/// punctuation around them.
const FURNITURE: &[(&str, &[&str])] = &[
    (
        "menu",
        &[
            "home",
            "menu",
            "search",
            "skip to content",
            "skip to main content",
            "sign in",
            "log in",
            "login",
            "register",
            "my account",
            "back to top",
            "close",
            "next",
            "previous",
            "next article",
            "previous article",
            "show more",
            "load more",
            "continue reading",
            "all news",
            "latest news",
            "top stories",
            "more",
        ],
    ),
    (
        "label",
        &[
            "breaking",
            "breaking news",
            "breaking headline",
            "live",
            "live updates",
            "exclusive",
            "watch",
            "video",
            "listen",
            "listen to this article",
            "photo",
            "gallery",
            "featured",
            "featured news",
            "editor's picks",
            "editors picks",
            "most read",
            "most popular",
            "trending",
            "trending now",
            "latest",
        ],
    ),
    (
        "advertisement",
        &[
            "advertisement",
            "advertising",
            "ad",
            "ads",
            "sponsored",
            "sponsored content",
            "story continues below advertisement",
            "article continues below advertisement",
            "scroll to continue",
            "scroll to continue with content",
        ],
    ),
    (
        "cookie banner",
        &[
            "accept",
            "accept all",
            "accept cookies",
            "reject all",
            "i agree",
            "agree",
            "got it",
            "ok",
            "manage preferences",
            "manage cookies",
            "cookie settings",
            "privacy settings",
        ],
    ),
    (
        "subscription prompt",
        &[
            "subscribe",
            "subscribe now",
            "newsletter",
            "sign up",
            "sign up now",
            "donate",
            "support us",
        ],
    ),
    (
        "share buttons",
        &[
            "follow us",
            "copy link",
            "link copied",
            "copied",
            "share this",
            "share this article",
            "share this story",
        ],
    ),
    ("tags", &["tags", "topics", "filed under"]),
];

/// Words of share buttons: a line of only these is a row of buttons.
const SHARE_WORDS: &[&str] = &[
    "share",
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "telegram",
    "linkedin",
    "email",
    "e-mail",
    "mail",
    "print",
    "reddit",
    "pinterest",
    "tweet",
    "messenger",
    "copy",
    "link",
    "on",
    "via",
    "this",
    "article",
    "story",
];

/// Page furniture, by the look of a whole line; why it was dropped.
fn furniture(t: &str) -> Option<&'static str> {
    if !t.chars().any(char::is_alphanumeric) {
        return Some("punctuation only");
    }
    let key = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((why, _)) = FURNITURE.iter().find(|(_, lines)| lines.contains(&&*key)) {
        return Some(why);
    }
    let w = words(t);
    if w.iter().all(|w| SHARE_WORDS.contains(&w.as_str()))
        && w.iter().any(|w| w != "on" && w != "this" && w != "via")
    {
        return Some("share buttons");
    }
    if w.len() <= 8 && (w.first().is_some_and(|f| f == "share") || key.starts_with("follow us")) {
        return Some("share buttons");
    }
    if breadcrumb(t) {
        return Some("menu");
    }
    let labelled = |labels: &[&str]| {
        t.split_once(':')
            .is_some_and(|(label, _)| labels.iter().any(|l| label.trim().eq_ignore_ascii_case(l)))
    };
    if labelled(&["tags", "topics", "filed under", "categories"]) && w.len() <= 20 {
        return Some("tags");
    }
    if labelled(&[
        "read more",
        "read also",
        "also read",
        "see also",
        "related",
        "watch",
    ]) && w.len() <= 20
    {
        return Some("link to another article");
    }
    let has = |needles: &[&str]| needles.iter().any(|n| key.contains(n));
    if w.len() <= 60
        && key.contains("cookie")
        && has(&[
            "we use",
            "this site",
            "this website",
            "our site",
            "our website",
            "accept",
            "consent",
            "preferences",
            "privacy",
            "by continuing",
        ])
    {
        return Some("cookie banner");
    }
    if w.len() <= 30
        && has(&[
            "subscribe",
            "subscriber",
            "subscription",
            "newsletter",
            "sign up",
            "inbox",
            "paywall",
            "premium",
            "unlimited access",
            "support our journalism",
            "support independent journalism",
            "become a member",
        ])
        && (w
            .iter()
            .any(|w| ["you", "your", "our", "us"].contains(&w.as_str()))
            || [
                "subscribe",
                "sign up",
                "sign in",
                "log in",
                "already",
                "get ",
            ]
            .iter()
            .any(|s| key.starts_with(s)))
    {
        return Some("subscription prompt");
    }
    if has(&[
        "your email address will not be published",
        "required fields are marked",
    ]) {
        return Some("comment form");
    }
    if photo_credit(&key, w.len()) {
        return Some("photo credit");
    }
    if w.len() <= 4
        && (key.ends_with("min read")
            || key.ends_with("minute read")
            || key.ends_with("minutes read")
            || key.ends_with(" ago"))
    {
        return Some("reading time");
    }
    None
}

/// "Home > World > Middle East", "News | Politics | Gaza".
fn breadcrumb(t: &str) -> bool {
    let parts: Vec<&str> = t
        .split(['>', '|', '›', '»', '/', '·', '•'])
        .map(str::trim)
        .collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.split_whitespace().count() <= 3 && !ends_like_sentence(p))
}

/// A credit on its own line: "Photo: Reuters", "(AP Photo/Jane Doe)",
/// "Getty Images", "Image credit: ...". (`key` is the line in lower case
/// without the punctuation around it.)
fn photo_credit(key: &str, words: usize) -> bool {
    if words > 12 {
        return false;
    }
    const AGENCIES: &[&str] = &[
        "ap",
        "afp",
        "reuters",
        "getty",
        "epa",
        "anadolu",
        "xinhua",
        "wafa",
        "shutterstock",
        "alamy",
        "upi",
        "dpa",
    ];
    let starts = [
        "photo:",
        "photo by",
        "photo credit",
        "photos:",
        "photograph:",
        "image:",
        "image credit",
        "image by",
        "picture:",
        "credit:",
        "illustration:",
        "file photo",
        "(photo",
        "photo/",
    ];
    if starts.iter().any(|s| key.starts_with(s)) {
        return true;
    }
    let first = key
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    (AGENCIES.contains(&first) && (key.contains("photo") || key.contains("images") || words <= 3))
        || key.ends_with("getty images")
}

/// A line that ends the article: a comment section follows.
fn comments_marker(t: &str) -> Option<&'static str> {
    let key = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let comments = [
        "leave a reply",
        "leave a comment",
        "comments",
        "add a comment",
        "post a comment",
        "join the conversation",
        "join the discussion",
        "discussion",
        "responses",
    ];
    let numbered = key
        .split_once(' ')
        .is_some_and(|(n, w)| n.parse::<u32>().is_ok() && (w == "comments" || w == "comment"));
    (comments.contains(&key.as_str()) || numbered).then_some("comments section")
}

/// A heading of a list of other articles.
fn related_marker(t: &str) -> bool {
    let key = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let exact = [
        "read also",
        "read more",
        "also read",
        "see also",
        "related",
        "related articles",
        "related news",
        "related stories",
        "related posts",
        "related content",
        "related topics",
        "you may also like",
        "you might also like",
        "recommended",
        "recommended for you",
        "more stories",
        "more news",
        "more on this story",
        "more on this topic",
        "in other news",
        "what to read next",
        "popular stories",
    ];
    exact.contains(&key.as_str()) || (key.starts_with("more from ") && key.split(' ').count() <= 5)
}

/// A line that is only an address, or one labelled as the source.
fn url_line(t: &str) -> Option<String> {
    let start = t.find("http://").or_else(|| t.find("https://"))?;
    let url = t[start..].split_whitespace().next()?;
    let url = url.trim_end_matches(['.', ',', ')', '>', ']']);
    let before = t[..start]
        .trim()
        .trim_end_matches([':', '-', '(', '<', '['])
        .trim()
        .to_lowercase();
    let after = t[start + url.len()..].trim_matches(|c: char| !c.is_alphanumeric());
    let labels = [
        "",
        "source",
        "url",
        "link",
        "original",
        "canonical",
        "permalink",
        "originally published at",
        "originally published on",
        "read the original",
        "read the original article",
        "read more at",
    ];
    (labels.contains(&before.as_str()) && after.is_empty()).then(|| url.to_owned())
}

/// "Source: Outlet" (not an address).
fn source_line(t: &str) -> Option<String> {
    let (label, rest) = t.split_once(':')?;
    let rest = rest.trim();
    (label.trim().eq_ignore_ascii_case("source")
        && !rest.is_empty()
        && rest.split_whitespace().count() <= 5)
        .then(|| rest.trim_end_matches('.').to_owned())
}

/// "© 2025 The Daily Example. All rights reserved." -> the outlet's name.
fn copyright_line(t: &str) -> Option<(String, &'static str)> {
    let lower = t.to_lowercase();
    let rest = if let Some(rest) = t.strip_prefix('©') {
        rest
    } else if lower.starts_with("copyright") {
        t["copyright".len()..].trim_start_matches([' ', '©'])
    } else if lower.starts_with("(c) ") {
        &t[4..]
    } else {
        return None;
    };
    if t.split_whitespace().count() > 16 {
        return None;
    }
    let rest = rest.trim();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '–');
    let name = rest
        .split(['.', '|'])
        .next()
        .unwrap_or("")
        .split(" All rights")
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(',')
        .trim();
    let name = name.strip_prefix("by ").unwrap_or(name);
    (!name.is_empty() && name.split_whitespace().count() <= 6)
        .then(|| (name.to_owned(), "after the copyright sign"))
}

/// "By Jane Doe" (a few words) -> "Jane Doe".
fn byline(t: &str) -> Option<String> {
    let rest = t.strip_prefix("By ").or_else(|| t.strip_prefix("by "))?;
    let name = rest.split(['|', '•', '·']).next()?.trim();
    let words = name.split_whitespace().count();
    ((1..=6).contains(&words) && (!ends_like_sentence(name) || name.ends_with('.')))
        .then(|| name.trim_end_matches('.').to_owned())
}

/// A line's first block names its outlet: "Washington (Outlet) - ..." or
/// "OUTLET - ...". Returns the name, how it was read, and its rank (lower wins).
fn dateline_outlet(t: &str) -> Option<(String, &'static str, u8)> {
    let head: String = t.chars().take(80).collect();
    if let Some(open) = head.find('(') {
        if let Some(close) = head[open..].find(')').map(|c| open + c) {
            let after = head[close + 1..].trim_start();
            let inside = head[open + 1..close].trim();
            let place = head[..open].trim();
            if after.starts_with(['-', '–', '—', ':'])
                && !place.is_empty()
                && place.split_whitespace().count() <= 4
                && inside.chars().next().is_some_and(char::is_uppercase)
                && (1..=5).contains(&inside.split_whitespace().count())
            {
                return Some((
                    inside.to_owned(),
                    "in brackets in the dateline; may be a news agency",
                    2,
                ));
            }
        }
    }
    for dash in [" - ", " – ", " — "] {
        if let Some((prefix, _)) = head.split_once(dash) {
            let letters = prefix.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 3
                && !prefix.contains(' ')
                && prefix
                    .chars()
                    .all(|c| c.is_uppercase() || c == '.' || c == '-' || c.is_ascii_digit())
            {
                return Some((
                    prefix.to_owned(),
                    "the capitals that open the first paragraph; may be a place",
                    4,
                ));
            }
        }
    }
    None
}

/// "https://www.example.com/..." -> "example.com".
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_owned())
}

/// ".../2025/05/21/..." in an address.
fn date_in_path(url: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = url.split('/').collect();
    parts.windows(3).find_map(|w| {
        if w[0].len() != 4 || w[1].len() != 2 || w[2].len() != 2 {
            return None;
        }
        NaiveDate::from_ymd_opt(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)
    })
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() <= 4 && m.starts_with(w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

fn day(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let digits = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    let suffix = &w[digits.len()..];
    if !["", "st", "nd", "rd", "th"].contains(&suffix) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(word: &str) -> Option<i32> {
    (word.len() == 4)
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// Words that may stand around a date on a date line.
const DATE_LINE_WORDS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "last",
    "modified",
    "on",
    "at",
    "date",
    "am",
    "pm",
    "a.m",
    "p.m",
    "gmt",
    "utc",
    "est",
    "edt",
    "cet",
    "cest",
    "bst",
    "et",
    "pt",
    "ast",
    "msk",
    "eet",
    "eest",
    "local",
    "time",
    "first",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// A line that is a date and little else ("Published May 11th, 2025 - 06:29
/// GMT", "2025-05-21", "Updated: 3 June 2025"); whether it is an update.
fn date_line(t: &str) -> Option<(NaiveDate, bool)> {
    let tokens: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '•' || c == '·')
        .map(|w| w.trim_matches(|c: char| matches!(c, ':' | '(' | ')' | '-' | '–' | '—' | '.')))
        .filter(|w| !w.is_empty())
        .collect();
    if tokens.len() > 14 {
        return None;
    }
    // "Posted on 2025-01-15 by admin": the byline is no part of the date.
    let tokens = match tokens.iter().position(|w| w.eq_ignore_ascii_case("by")) {
        Some(by) if tokens.len() - by <= 4 => &tokens[..by],
        _ => &tokens[..],
    };
    let mut date = None;
    let mut used = vec![false; tokens.len()];
    for i in 0..tokens.len() {
        if date.is_some() {
            break;
        }
        if let Some(d) = iso_date(tokens[i]) {
            date = Some(d);
            used[i] = true;
        } else if let Some(m) = month(tokens[i]) {
            // "May 11th 2025" or "11 May 2025"
            let after = tokens
                .get(i + 1)
                .and_then(|w| day(w))
                .zip(tokens.get(i + 2).and_then(|w| year(w)));
            let before = i
                .checked_sub(1)
                .and_then(|b| day(tokens[b]))
                .zip(tokens.get(i + 1).and_then(|w| year(w)));
            if let Some((d, y)) = after {
                date = NaiveDate::from_ymd_opt(y, m, d);
                used[i..=i + 2].fill(true);
            } else if let Some((d, y)) = before {
                date = NaiveDate::from_ymd_opt(y, m, d);
                used[i - 1..=i + 1].fill(true);
            }
        }
    }
    let date = date?;
    let rest = tokens
        .iter()
        .zip(&used)
        .filter(|(w, used)| {
            !**used
                && !DATE_LINE_WORDS.contains(&w.to_lowercase().trim_end_matches('.'))
                && !w
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
        })
        .count();
    let lower = t.to_lowercase();
    let updated = lower.contains("updated") || lower.contains("modified");
    (rest <= 1).then_some((date, updated))
}

/// "2025-05-21", "2025-05-21T06:29:00Z", "2025/05/21".
fn iso_date(word: &str) -> Option<NaiveDate> {
    let head = word.get(..10)?;
    let b = head.as_bytes();
    if !(b[4] == b'-' && b[7] == b'-' || b[4] == b'/' && b[7] == b'/') {
        return None;
    }
    if word.len() > 10 && !word[10..].starts_with(['T', ' ']) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        head[..4].parse().ok()?,
        head[5..7].parse().ok()?,
        head[8..10].parse().ok()?,
    )
}

/// A file name from a title: lower-case ASCII letters and digits, words
/// joined by `-`, at most about 60 characters (cut at a word).
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    let title = title.replace(['\'', '’'], "");
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if word.is_empty() {
            continue;
        }
        if !slug.is_empty() && slug.len() + 1 + word.len() > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug.truncate(60);
    slug
}

impl Imported {
    /// The report printed for the editor: each guess with the line it came
    /// from, then every line left out.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for g in &self.guesses {
            match (&g.value, &g.from) {
                (Some(v), Some((line, text))) => {
                    out.push_str(&format!("  {:<10} {v}\n", g.field));
                    let how = if g.how.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", g.how)
                    };
                    out.push_str(&format!(
                        "  {:<10}   from line {line}{how}: {}\n",
                        "",
                        clip(text)
                    ));
                }
                _ if g.field == "author" || g.field == "url" => {
                    out.push_str(&format!("  {:<10} not found\n", g.field))
                }
                _ => out.push_str(&format!(
                    "  {:<10} not found: fill it in before building\n",
                    g.field
                )),
            }
        }
        out.push_str(&format!(
            "  kept {} block{} of article text\n",
            self.kept,
            if self.kept == 1 { "" } else { "s" }
        ));
        if self.dropped.is_empty() {
            out.push_str("  dropped nothing\n");
        } else {
            out.push_str(&format!(
                "  dropped {} line{}:\n",
                self.dropped.len(),
                if self.dropped.len() == 1 { "" } else { "s" }
            ));
            for d in &self.dropped {
                out.push_str(&format!(
                    "    line {:>4} ({}): {}\n",
                    d.line,
                    d.why,
                    clip(&d.text)
                ));
            }
        }
        out
    }
}

/// A line as shown in the report: one line, at most about 100 characters.
fn clip(text: &str) -> String {
    let one = text.replace('\n', " ");
    if one.chars().count() <= 100 {
        one
    } else {
        let cut: String = one.chars().take(97).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_on_their_own_line_are_read() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            date_line("Published May 11th, 2025 - 06:29 GMT"),
            Some((d(2025, 5, 11), false))
        );
        assert_eq!(date_line("2025-05-21"), Some((d(2025, 5, 21), false)));
        assert_eq!(
            date_line("Updated: Tuesday 3 June 2025, 14:05 BST"),
            Some((d(2025, 6, 3), true))
        );
        assert_eq!(date_line("Sept. 4, 2024"), Some((d(2024, 9, 4), false)));
        // A sentence with a date in it is text, not a date line.
        assert_eq!(
            date_line("The talks began on May 11, 2025 in Doha, officials said."),
            None
        );
        assert_eq!(date_line("May the talks succeed"), None);
    }

    #[test]
    fn furniture_is_recognised_and_text_is_not() {
        for line in [
            "Share on Facebook",
            "Facebook Twitter WhatsApp Email",
            "Home > World > Middle East",
            "We use cookies to improve your experience. By continuing you accept our policy.",
            "Sign up to our newsletter for exclusive updates and enhanced content",
            "Already a subscriber? Log in",
            "Photo: Reuters",
            "(AP Photo/Jane Doe)",
            "Getty Images",
            "Advertisement",
            "4 min read",
            "-",
        ] {
            assert!(furniture(line).is_some(), "{line}");
        }
        for line in [
            "The newspaper said it had lost half its subscribers in a year.",
            "Possible shifting dynamics",
            "Share prices fell by a third after the announcement, traders said.",
            "Reuters reported that the talks had stalled.",
        ] {
            assert_eq!(furniture(line), None, "{line}");
        }
    }

    #[test]
    fn outlets_are_read_from_datelines() {
        assert_eq!(
            dateline_outlet("Washington (Quds News Network)- The US has been").map(|o| o.0),
            Some("Quds News Network".to_owned())
        );
        assert_eq!(
            dateline_outlet("ALBAWABA - In order to achieve a truce").map(|o| o.0),
            Some("ALBAWABA".to_owned())
        );
        assert_eq!(
            dateline_outlet("The talks (which began in May) - as reported"),
            None
        );
        assert_eq!(
            copyright_line("© 2025 The Harbour Times. All rights reserved.").map(|o| o.0),
            Some("The Harbour Times".to_owned())
        );
    }

    #[test]
    fn slugs_are_plain_and_short() {
        assert_eq!(
            slugify("US and Hamas hold advanced negotiations over Gaza"),
            "us-and-hamas-hold-advanced-negotiations-over-gaza"
        );
        assert_eq!(slugify("Qatar’s PM: “No deal”"), "qatars-pm-no-deal");
        assert!(slugify(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn wrapped_paragraphs_are_one_block() {
        let text = "A headline that is long enough to be one\n\n\
            The first paragraph of the story is wrapped at a fixed width by the\n\
            program that saved it, so that each of its lines is about as long as\n\
            the others, and only the last is short.\n\n\
            One line.\nAnother line.\n";
        let u = units(text);
        assert_eq!(u.len(), 4);
        assert_eq!(u[1].line, 3);
        assert!(u[1].text.contains("by the\nprogram"));
    }
}
