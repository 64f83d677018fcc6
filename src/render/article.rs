//! An article's page: its body with every passage highlighted and linked,
//! names linked to people, numbered markers after annotated passages (with
//! sidenotes on wide screens), and the list of its annotations and flags.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{
    claim_href, claim_text, iso_date, person_href, text_fragment_url, FlagView, Link,
};
use crate::analyze::Analysis;
use crate::body::{escape, link_allowed, markdown_to_html, Decorations, Link as BodyLink, Mark};
use crate::resolve::{Anchor, ArticleIx, Dossier, PassageIx, PassageShape};

#[derive(Serialize)]
pub struct ArticleView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub outlet: &'a str,
    pub outlet_href: &'a str,
    pub published: String,
    pub estimated: bool,
    pub author: Option<&'a str>,
    pub url: Option<&'a str>,
    pub retrieved: Option<String>,
    pub lang: &'a str,
    pub dir: &'static str,
}

/// One entry of the article's annotation list.
#[derive(Serialize)]
pub struct AnnotationView<'a> {
    /// Element id of the entry: `ann-<n>`.
    pub id: String,
    /// Anchor of the passage it annotates.
    pub passage: Anchor,
    pub kind: &'static str,
    pub label: &'static str,
    /// What it says, as HTML marked safe (links to claims, people, flags).
    pub html: tera::Value,
    pub text: &'a str,
    /// The passage in the original article (text fragment link).
    pub original: Option<String>,
}

#[derive(Serialize)]
pub struct ArticlePage<'a> {
    pub article: ArticleView<'a>,
    /// The body as HTML marked safe: a template prints it as it is, without
    /// the copy `| safe` makes (15 KB an article).
    pub body_html: tera::Value,
    pub annotations: Vec<AnnotationView<'a>>,
    pub flags: Vec<&'a tera::Value>,
    pub people: Vec<Link>,
}

/// An annotation before numbering: which passage, what kind, what it says.
struct Pending<'v> {
    passage: PassageIx,
    kind: &'static str,
    label: &'static str,
    html: String,
    /// Plain text for the sidenote (notes and flags only).
    sidenote: Option<Cow<'v, str>>,
}

pub fn article_page<'a>(
    dossier: &'a Dossier,
    analysis: &Analysis,
    flag_views: &[FlagView],
    flags: &'a [tera::Value],
    ix: ArticleIx,
    outlet_href: &'a str,
) -> ArticlePage<'a> {
    let a = &dossier.articles[ix];
    let root = "../";
    let flag_passages: usize = (analysis.by_article[ix].iter())
        .map(|&f| analysis.flags[f].passages.len())
        .sum();
    let mut pending: Vec<Pending> = Vec::with_capacity(
        a.mentions.len() + a.quotes.len() + a.assertions.len() + a.notes.len() + flag_passages,
    );
    for m in a.mentions.iter().filter(|m| m.form.is_none()) {
        let person = &dossier.people[m.person];
        let role = m
            .role
            .map(|r| [" as ", &escape(&person.person.roles[r].title)].concat())
            .unwrap_or_default();
        pending.push(Pending {
            passage: m.passage,
            kind: "mention",
            label: "Refers to",
            html: link_html(
                "",
                [root, &person_href(dossier, m.person)],
                &person.person.name,
                &role,
            ),
            sidenote: None,
        });
    }
    for q in &a.quotes {
        let person = &dossier.people[q.speaker];
        pending.push(Pending {
            passage: q.passage,
            kind: "quote",
            label: "Quote",
            html: link_html(
                "spoken by ",
                [root, &person_href(dossier, q.speaker)],
                &person.person.name,
                "",
            ),
            sidenote: None,
        });
    }
    for c in &a.assertions {
        let mut detail = vec![c.stance.as_str().to_owned()];
        if let Some(v) = c.value {
            let unit = dossier.claims[c.claim].claim.unit.as_deref().unwrap_or("");
            detail.push(format!("{v} {unit}").trim().to_owned());
        }
        if let Some(d) = c.date {
            detail.push(d.to_string());
        }
        pending.push(Pending {
            passage: c.passage,
            kind: "claim",
            label: "Claim",
            html: link_html(
                "",
                [root, &claim_href(dossier, c.claim)],
                claim_text(dossier, c.claim),
                &[
                    " <span class=\"meta\">(",
                    &escape(&detail.join(", ")),
                    ")</span>",
                ]
                .concat(),
            ),
            sidenote: None,
        });
    }
    for n in &a.notes {
        pending.push(Pending {
            passage: n.passage,
            kind: "note",
            label: "Editor's note",
            html: markdown_to_html(&n.text),
            sidenote: Some(Cow::Owned(crate::body::plain_text(&n.text))),
        });
    }
    let article_flags: Vec<&tera::Value> =
        analysis.by_article[ix].iter().map(|&f| &flags[f]).collect();
    for &f in &analysis.by_article[ix] {
        let (flag, view) = (&analysis.flags[f], &flag_views[f]);
        for p in flag.passages.iter().filter(|p| p.article == ix) {
            pending.push(Pending {
                passage: p.passage,
                kind: "flag",
                label: "Inconsistency",
                html: [
                    &view.message_html,
                    " <a href=\"#",
                    view.id,
                    "\">details</a>",
                ]
                .concat(),
                sidenote: Some(Cow::Borrowed(&view.message_text)),
            });
        }
    }
    // Number in reading order: by passage position, then kind order above.
    pending.sort_by_key(|p| a.passage(p.passage).span);

    let mut by_passage: BTreeMap<PassageIx, Vec<usize>> = BTreeMap::new();
    let mut annotations: Vec<AnnotationView> = Vec::with_capacity(pending.len());
    let original = a.article.front.url.as_deref().filter(|u| link_allowed(u));
    for (i, p) in pending.iter().enumerate() {
        by_passage.entry(p.passage).or_default().push(i);
        let (anchor, text) = (a.anchor(p.passage), a.passage_text(p.passage));
        annotations.push(AnnotationView {
            id: ["ann-", itoa::Buffer::new().format(i + 1)].concat(),
            passage: anchor,
            kind: p.kind,
            label: p.label,
            html: tera::Value::safe_string(&p.html),
            text,
            // Entries of one passage are numbered in a row: the next ones
            // reuse the first one's link.
            original: match annotations.last() {
                Some(prev) if prev.passage == anchor => prev.original.clone(),
                _ => original.map(|u| text_fragment_url(u, text)),
            },
        });
    }

    let mut deco = Decorations::default();
    for (passage_ix, entries) in &by_passage {
        let passage = a.passage(*passage_ix);
        let mut classes: Vec<&str> = entries.iter().map(|&i| pending[i].kind).collect();
        classes.sort_unstable();
        classes.dedup();
        let class = classes
            .iter()
            .map(|k| if *k == "flag" { "flagged" } else { k })
            .collect::<Vec<_>>()
            .join(" ");
        let mut after = String::with_capacity(24 + 160 * entries.len());
        after.push_str("<sup class=\"refs\">");
        let mut sidenotes = String::new();
        for &i in entries {
            let mut n = itoa::Buffer::new();
            let n = n.format(i + 1);
            let p = &pending[i];
            let bang = if p.kind == "flag" { "!" } else { "" };
            for piece in [
                "<a href=\"#ann-",
                n,
                "\" id=\"ref-",
                n,
                "\" class=\"ref ref-",
                p.kind,
                "\" aria-label=\"",
                p.label,
                " ",
                n,
                "\">[",
                bang,
                n,
                "]</a>",
            ] {
                after.push_str(piece);
            }
            if let Some(note) = &p.sidenote {
                let class = if p.kind == "flag" {
                    "sidenote flag-note"
                } else {
                    "sidenote"
                };
                for piece in [
                    "<span class=\"",
                    class,
                    "\" aria-hidden=\"true\"><span class=\"n\">",
                    bang,
                    n,
                    "</span> ",
                    &escape(note),
                    "</span>",
                ] {
                    sidenotes.push_str(piece);
                }
            }
        }
        after.push_str("</sup>");
        after.push_str(&sidenotes);
        let title = entries
            .iter()
            .map(|&i| pending[i].label)
            .collect::<Vec<_>>()
            .join(", ");
        let anchor = a.anchor(*passage_ix).text();
        let id = match passage.shape {
            PassageShape::Mark => anchor.to_owned(),
            // A flagged name is a link; its marker rides on a mark of its own.
            PassageShape::NameLink(_) => [&anchor, "-mark"].concat(),
        };
        deco.marks.push(Mark {
            span: passage.span,
            id,
            class,
            title: Some(title),
            after,
        });
    }
    let mut people_named: Vec<usize> = Vec::new();
    // Looked up per passage: a set, not a scan of every mention (an article
    // with thousands of names would be quadratic).
    let variant_passages: std::collections::HashSet<usize> = a
        .mentions
        .iter()
        .filter(|m| m.form == Some(crate::resolve::NameForm::Variant))
        .map(|m| m.passage)
        .collect();
    for (ix_p, passage) in a.passages.iter().enumerate() {
        if let PassageShape::NameLink(person) = passage.shape {
            let entry = &dossier.people[person];
            let variant = variant_passages.contains(&ix_p);
            deco.links.push(BodyLink {
                span: passage.span,
                href: [root, &person_href(dossier, person)].concat(),
                id: a.anchor(ix_p).text().to_owned(),
                class: if variant {
                    "person variant".into()
                } else {
                    "person".into()
                },
                title: Some(if variant {
                    [&entry.person.name, " (spelled differently here)"].concat()
                } else {
                    entry.person.name.clone()
                }),
            });
        }
    }
    let mut seen_people = std::collections::HashSet::new();
    for m in &a.mentions {
        if seen_people.insert(m.person) {
            people_named.push(m.person);
        }
    }
    let people = people_named
        .into_iter()
        .map(|p| Link {
            href: person_href(dossier, p),
            text: dossier.people[p].person.name.clone(),
        })
        .collect();

    let front = &a.article.front;
    ArticlePage {
        article: ArticleView {
            slug: a.slug(),
            title: &front.title,
            outlet: &front.outlet,
            outlet_href,
            published: iso_date(front.published),
            estimated: front.published_estimated,
            author: front.author.as_deref(),
            url: front.url.as_deref().filter(|u| link_allowed(u)),
            retrieved: front.retrieved.map(|d| d.to_string()),
            lang: &a.lang,
            dir: a.dir,
        },
        body_html: tera::Value::safe_string(&a.body.render(&deco)),
        annotations,
        flags: article_flags,
        people,
    }
}

/// `before`, a link to `href` (its pieces joined) with `text` escaped, then
/// `after` (HTML), in one string: the annotation list's entries, built per
/// annotation without `format!`.
fn link_html(before: &str, href: [&str; 2], text: &str, after: &str) -> String {
    let text = escape(text);
    [
        before,
        "<a href=\"",
        href[0],
        href[1],
        "\">",
        &text,
        "</a>",
        after,
    ]
    .concat()
}
