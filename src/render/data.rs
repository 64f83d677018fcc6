//! Machine-readable outputs: dossier.json, annotations.jsonld (W3C Web
//! Annotations), search-index.js (for search from file://), sitemap.xml and
//! feed.xml (Atom).

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::json;
use super::views::{article_href, claim_href, claim_text, iso_date, person_href, FlagView};
use crate::analyze::{Analysis, DiffPiece};
use crate::resolve::{Anchor, Dossier, PassageShape};

#[derive(Serialize)]
struct ArticleJson<'a> {
    slug: &'a str,
    title: &'a str,
    outlet: &'a str,
    published: String,
    published_estimated: bool,
    author: Option<&'a str>,
    url: Option<&'a str>,
    lang: &'a str,
    page: String,
}

#[derive(Serialize)]
struct MentionJson<'a> {
    article: &'a str,
    text: &'a str,
    anchor: Anchor,
    form: Option<crate::resolve::NameForm>,
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct PersonJson<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    variants: &'a [String],
    page: String,
    mentions: Vec<MentionJson<'a>>,
    quotes: Vec<PassageJson<'a>>,
}

#[derive(Serialize)]
struct PassageJson<'a> {
    article: &'a str,
    quote: &'a str,
    anchor: Anchor,
}

#[derive(Serialize)]
struct AssertionJson<'a> {
    article: &'a str,
    quote: &'a str,
    /// Whose stance: a person's id, or null for the outlet's own voice.
    speaker: Option<&'a str>,
    stance: &'static str,
    value: Option<crate::model::QuantityValue>,
    date: Option<String>,
    anchor: Anchor,
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    id: &'a str,
    statement: &'a str,
    kind: &'static str,
    unit: Option<&'a str>,
    page: String,
    verdict: Option<&'static str>,
    contradicts: Vec<&'a str>,
    assertions: Vec<AssertionJson<'a>>,
}

#[derive(Serialize)]
struct FlagJson<'a> {
    id: &'a str,
    rule: &'static str,
    kind: Option<&'a str>,
    severity: &'static str,
    message: &'a str,
    people: Vec<&'a str>,
    claims: Vec<&'a str>,
    passages: Vec<PassageJson<'a>>,
    /// `quote-wording`: the word-level difference of the two quotes.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    diff: &'a [DiffPiece],
}

/// `dossier.json`: everything resolved (the contract's minimum and more),
/// streamed to `out`.
pub fn dossier_json(
    dossier: &Dossier,
    analysis: &Analysis,
    flag_views: &[FlagView],
    out: impl Write,
) -> io::Result<()> {
    let articles = || {
        dossier.articles.iter().enumerate().map(|(ix, a)| {
            let f = &a.article.front;
            ArticleJson {
                slug: a.slug(),
                title: &f.title,
                outlet: &f.outlet,
                published: iso_date(f.published),
                published_estimated: f.published_estimated,
                author: f.author.as_deref(),
                url: f.url.as_deref(),
                lang: &a.lang,
                page: article_href(dossier, ix),
            }
        })
    };
    let people = || {
        dossier
            .people
            .iter()
            .enumerate()
            .map(|(p, entry)| PersonJson {
                id: entry.id.as_str(),
                name: &entry.person.name,
                aliases: &entry.person.aliases,
                variants: &entry.person.variants,
                page: person_href(dossier, p),
                mentions: dossier.index.mentions_of[p]
                    .iter()
                    .map(|at| {
                        let article = &dossier.articles[at.article];
                        let m = &article.mentions[at.entry];
                        let passage = article.passage(m.passage);
                        MentionJson {
                            article: article.slug(),
                            // A name found in the text is its spelling.
                            text: match at.spelling {
                                Some(s) => &dossier.spellings[s as usize],
                                None => article.body.text(passage.span),
                            },
                            anchor: article.anchor(m.passage),
                            form: m.form,
                            role: m.role.map(|r| entry.person.roles[r].title.as_str()),
                        }
                    })
                    .collect(),
                quotes: dossier.index.quotes_by[p]
                    .iter()
                    .map(|at| {
                        let article = &dossier.articles[at.article];
                        let ix = article.quotes[at.entry].passage;
                        PassageJson {
                            article: article.slug(),
                            quote: article.passage_text(ix),
                            anchor: article.anchor(ix),
                        }
                    })
                    .collect(),
            })
    };
    let claims = || {
        dossier
            .claims
            .iter()
            .enumerate()
            .map(|(c, entry)| ClaimJson {
                id: entry.claim.id.as_str(),
                statement: &entry.claim.statement,
                kind: entry.claim.kind.as_str(),
                unit: entry.claim.unit.as_deref(),
                page: claim_href(dossier, c),
                verdict: entry.claim.verdict.as_ref().map(|v| v.rating.as_str()),
                contradicts: entry
                    .contradicts
                    .iter()
                    .map(|&o| dossier.claims[o].claim.id.as_str())
                    .collect(),
                assertions: dossier.index.assertions_of[c]
                    .iter()
                    .map(|at| {
                        let article = &dossier.articles[at.article];
                        let a = &article.assertions[at.entry];
                        AssertionJson {
                            article: article.slug(),
                            quote: article.passage_text(a.passage),
                            speaker: a.speaker.map(|p| dossier.people[p].id.as_str()),
                            stance: a.stance.as_str(),
                            value: a.value,
                            date: a.date.map(iso_date),
                            anchor: article.anchor(a.passage),
                        }
                    })
                    .collect(),
            })
    };
    let flags = || {
        analysis
            .flags
            .iter()
            .zip(flag_views)
            .map(|(f, view)| FlagJson {
                id: view.id,
                rule: f.rule,
                kind: f.kind.as_deref(),
                severity: f.level.as_str(),
                message: &f.message,
                people: f
                    .people
                    .iter()
                    .map(|&p| dossier.people[p].id.as_str())
                    .collect(),
                claims: f
                    .claims
                    .iter()
                    .map(|&c| dossier.claims[c].claim.id.as_str())
                    .collect(),
                passages: f
                    .passages
                    .iter()
                    .map(|p| {
                        let article = &dossier.articles[p.article];
                        PassageJson {
                            article: article.slug(),
                            quote: article.passage_text(p.passage),
                            anchor: article.anchor(p.passage),
                        }
                    })
                    .collect(),
                diff: &f.diff,
            })
    };
    #[derive(Serialize)]
    #[serde(bound = "Streamed<A>: Serialize, Streamed<P>: Serialize, \
                      Streamed<C>: Serialize, Streamed<F>: Serialize")]
    struct DossierJson<'a, A, P, C, F> {
        title: &'a str,
        description: Option<&'a str>,
        base_url: Option<&'a str>,
        articles: Streamed<A>,
        people: Streamed<P>,
        claims: Streamed<C>,
        flags: Streamed<F>,
    }
    let doc = DossierJson {
        title: &dossier.config.title,
        description: dossier.config.description.as_deref(),
        base_url: dossier.config.base_url.as_deref(),
        articles: Streamed(articles),
        people: Streamed(people),
        claims: Streamed(claims),
        flags: Streamed(flags),
    };
    // Typed structs straight to the file, each entry built as it is written:
    // no intermediate JSON tree, and never the whole dossier's views at once.
    json::to_writer(out, &doc)
}

/// A JSON array serialised from the iterator `F` makes, one entry at a time.
struct Streamed<F>(F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// One W3C Web Annotation, serialised from borrowed parts (a
/// `serde_json::Value` per annotation would copy every string).
#[derive(Serialize)]
struct AnnotationJson<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    body: AnnotationBody<'a>,
    target: TargetJson<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum AnnotationBody<'a> {
    One(BodyJson<'a>),
    Two([BodyJson<'a>; 2]),
}

#[derive(Serialize)]
struct BodyJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> BodyJson<'a> {
    fn resource(source: String) -> Self {
        BodyJson {
            kind: "SpecificResource",
            source: Some(source),
            purpose: None,
            format: None,
            value: None,
        }
    }

    fn text(purpose: Option<&'static str>, value: impl Into<std::borrow::Cow<'a, str>>) -> Self {
        BodyJson {
            kind: "TextualBody",
            source: None,
            purpose,
            format: None,
            value: Some(value.into()),
        }
    }
}

#[derive(Serialize)]
struct TargetJson<'a> {
    source: &'a str,
    selector: SelectorJson<'a>,
}

#[derive(Serialize)]
struct SelectorJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

/// `annotations.jsonld`: every sidecar annotation as a W3C Web Annotation with
/// a TextQuoteSelector on the article page, streamed to `out`. Articles are
/// serialised in parallel, a batch at a time, so memory stays bounded.
pub fn annotations_jsonld(dossier: &Dossier, mut out: impl Write) -> io::Result<()> {
    let page_url = |href: &str| absolute_url(dossier, href);
    let article_items = |ix: usize| {
        let a = &dossier.articles[ix];
        let source = page_url(&article_href(dossier, ix));
        let target = |p: usize| {
            let (prefix, exact, suffix) = a.body.context(a.passage(p).span, 32);
            TargetJson {
                source: &source,
                selector: SelectorJson {
                    kind: "TextQuoteSelector",
                    exact,
                    prefix,
                    suffix,
                },
            }
        };
        let item = |kind: &str, n: usize, motivation, body, passage| AnnotationJson {
            id: [&*source, "#", kind, "-", itoa::Buffer::new().format(n)].concat(),
            kind: "Annotation",
            motivation,
            body,
            target: target(passage),
        };
        let mut items: Vec<AnnotationJson<'_>> = Vec::new();
        for (n, m) in a
            .mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| a.passage(m.passage).shape == PassageShape::Mark)
        {
            let person = BodyJson::resource(page_url(&person_href(dossier, m.person)));
            items.push(item(
                "mention",
                n,
                "identifying",
                AnnotationBody::One(person),
                m.passage,
            ));
        }
        for (n, q) in a.quotes.iter().enumerate() {
            let speaker = format!("Spoken by {}", dossier.people[q.speaker].person.name);
            let body = AnnotationBody::One(BodyJson::text(Some("describing"), speaker));
            items.push(item("quote", n, "identifying", body, q.passage));
        }
        for (n, c) in a.assertions.iter().enumerate() {
            let body = AnnotationBody::Two([
                BodyJson::resource(page_url(&claim_href(dossier, c.claim))),
                BodyJson::text(Some("tagging"), c.stance.as_str()),
            ]);
            items.push(item("claim", n, "assessing", body, c.passage));
        }
        for (n, note) in a.notes.iter().enumerate() {
            let body = AnnotationBody::One(BodyJson {
                format: Some("text/markdown"),
                ..BodyJson::text(None, note.text.as_str())
            });
            items.push(item("note", n, "commenting", body, note.passage));
        }
        for (n, flag) in a.declared_flags.iter().enumerate() {
            let body = AnnotationBody::One(BodyJson::text(Some("commenting"), flag.text.as_str()));
            items.push(item("flag", n, "questioning", body, flag.passage));
        }
        let mut bytes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            json::to_writer(&mut bytes, item).expect("JSON of plain data");
        }
        (items.len(), bytes)
    };
    let total: usize = dossier
        .articles
        .iter()
        .map(|a| {
            a.mentions
                .iter()
                .filter(|m| a.passage(m.passage).shape == PassageShape::Mark)
                .count()
                + a.quotes.len()
                + a.assertions.len()
                + a.notes.len()
                + a.declared_flags.len()
        })
        .sum();
    out.write_all(
        br#"{"@context":"http://www.w3.org/ns/anno.jsonld","type":"AnnotationCollection","label":"#,
    )?;
    json::write_str(&mut out, &dossier.config.title)?;
    write!(
        out,
        r#","total":{total},"first":{{"type":"AnnotationPage","items":["#
    )?;
    let mut first = true;
    let indexes: Vec<usize> = (0..dossier.articles.len()).collect();
    for batch in indexes.chunks(512) {
        let pieces: Vec<(usize, Vec<u8>)> = batch.par_iter().map(|&ix| article_items(ix)).collect();
        for (n, bytes) in pieces {
            if n == 0 {
                continue;
            }
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            out.write_all(&bytes)?;
        }
    }
    out.write_all(b"]}}\n")?;
    out.flush()
}

/// `search-index.js`: `window.DOSSIER_SEARCH = [[kind, title, href, detail, keywords], ...]`.
/// A script, not JSON, so search.html can load it from file:// without fetch.
/// Per article it holds the title, outlet, date and the names of the people
/// it mentions, not the full text, to keep it small at 10,000 articles.
pub fn search_index(dossier: &Dossier, mut out: impl Write) -> io::Result<()> {
    // Entry by entry, as `dossier.json` is: the index is never held whole.
    type Entry<'e> = (&'e str, &'e str, &'e str, &'e str, &'e str);
    let mut first = true;
    let mut entry = |out: &mut dyn Write, e: Entry<'_>| -> io::Result<()> {
        out.write_all(if first { b"[" } else { b"," })?;
        first = false;
        json::to_writer(out, &e)
    };
    out.write_all(b"window.DOSSIER_SEARCH=")?;
    for (ix, a) in dossier.articles.iter().enumerate() {
        let f = &a.article.front;
        let mut names: Vec<&str> = a
            .mentions
            .iter()
            .map(|m| dossier.people[m.person].person.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let detail = format!("{} · {}", f.outlet, f.published);
        let href = article_href(dossier, ix);
        entry(&mut out, ("a", &f.title, &href, &detail, &names.join(" ")))?;
    }
    for (p, e) in dossier.people.iter().enumerate() {
        let person = &e.person;
        let keywords = person
            .aliases
            .iter()
            .chain(&person.variants)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let detail = person
            .summary
            .as_deref()
            .map(crate::body::plain_text)
            .unwrap_or_default();
        let href = person_href(dossier, p);
        entry(&mut out, ("p", &person.name, &href, &detail, &keywords))?;
    }
    for c in 0..dossier.claims.len() {
        let claim = &dossier.claims[c].claim;
        let href = claim_href(dossier, c);
        entry(
            &mut out,
            (
                "c",
                claim_text(dossier, c),
                &href,
                claim.kind.as_str(),
                claim.id.as_str(),
            ),
        )?;
    }
    for o in &dossier.index.outlets {
        let href = format!("outlets/{}.html", o.slug);
        let detail = format!("{} articles", o.articles.len());
        entry(&mut out, ("o", &o.name, &href, &detail, ""))?;
    }
    out.write_all(if first { b"[" } else { b"" })?;
    out.write_all(b"];\n")?;
    out.flush()
}

/// `sitemap.xml` of every page, with absolute URLs when `base_url` is set.
pub fn sitemap(dossier: &Dossier, pages: &[String], mut out: impl Write) -> io::Result<()> {
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")?;
    for page in pages {
        let loc = absolute_url(dossier, page);
        for piece in ["  <url><loc>", &xml_escape(&loc), "</loc></url>\n"] {
            out.write_all(piece.as_bytes())?;
        }
    }
    out.write_all(b"</urlset>\n")?;
    out.flush()
}

/// `feed.xml`: an Atom feed of the articles, newest first.
pub fn feed(dossier: &Dossier) -> Vec<u8> {
    let url = |href: &str| absolute_url(dossier, href);
    let mut order: Vec<usize> = (0..dossier.articles.len()).collect();
    order.sort_by_key(|&a| std::cmp::Reverse(dossier.articles[a].article.front.published));
    let updated = order
        .first()
        .map(|&a| dossier.articles[a].article.front.published.to_string())
        .unwrap_or_else(|| "1970-01-01".into());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <link href=\"{}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n",
        xml_escape(&dossier.config.title),
        xml_escape(&url("index.html")),
        xml_escape(&url("index.html")),
    );
    for &a in order.iter().take(100) {
        let f = &dossier.articles[a].article.front;
        let href = url(&article_href(dossier, a));
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <author><name>{}</name></author>\n  </entry>\n",
            xml_escape(&f.title),
            xml_escape(&href),
            xml_escape(&href),
            f.published,
            xml_escape(f.author.as_deref().unwrap_or(&f.outlet)),
        ));
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// `href` (relative to the site root) made absolute with `base_url`, or left
/// relative when the dossier has none.
fn absolute_url(dossier: &Dossier, href: &str) -> String {
    match dossier
        .config
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/'))
    {
        Some(base) if !base.is_empty() => [base, "/", &percent_encoded(href)].concat(),
        _ => percent_encoded(href),
    }
}

/// `href` as a URL must hold it: every byte outside ASCII letters, digits,
/// `-._~/#` percent-encoded, e.g. the Arabic letters of a slug or id
/// (`people/خليل.html`). Links in pages keep the letters (browsers encode
/// them); `sitemap.xml`, the feed and `annotations.jsonld` hold URLs.
fn percent_encoded(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for &b in href.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'#') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn xml_escape(text: &str) -> String {
    super::escape(text)
}
