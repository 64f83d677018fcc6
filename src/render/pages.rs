//! View models of the pages other than articles: people, claims, outlets,
//! the lists, the overview, the inconsistencies page and the timeline.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::FixedState;
use serde::Serialize;

use super::views::{
    article_href, article_item, claim_href, claim_text, iso_date, passage_href, person_href,
    rule_explanation, rule_label, ArticleItem, FlagView, Link,
};
use crate::analyze::Analysis;
use crate::body::{link_allowed, markdown_to_html, markdown_to_inline_html};
use crate::resolve::{ClaimIx, Dossier, NameForm, Outlet, PersonIx, SpellingIx};

/// At most this many mention snippets on a person page: a page must not grow
/// without bound with the dossier.
pub const MAX_SNIPPETS: usize = 100;

#[derive(Serialize)]
pub struct Spelling {
    pub text: String,
    pub form: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct RoleView {
    pub title: String,
    pub org: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub summary_html: String,
    pub aliases: Vec<String>,
    pub variants: Vec<String>,
    pub links: Vec<String>,
    pub roles: Vec<RoleView>,
    pub spellings: Vec<Spelling>,
}

#[derive(Serialize)]
pub struct Snippet<'a> {
    pub href: String,
    pub outlet: &'a str,
    pub published: String,
    pub before: &'a str,
    pub text: &'a str,
    pub after: &'a str,
    pub role: Option<&'a str>,
}

#[derive(Serialize)]
pub struct QuoteView {
    pub href: String,
    pub outlet: String,
    pub published: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct PersonPage<'a> {
    pub person: PersonView,
    pub mentions: Vec<Snippet<'a>>,
    pub mentions_total: usize,
    pub quotes: Vec<QuoteView>,
    pub claims: Vec<Link>,
    pub flags: Vec<&'a tera::Value>,
}

pub fn person_page<'a>(
    dossier: &'a Dossier,
    analysis: &Analysis,
    flags: &'a [tera::Value],
    claims_about: &[Vec<ClaimIx>],
    p: PersonIx,
) -> PersonPage<'a> {
    let entry = &dossier.people[p];
    let person = &entry.person;
    let all = &dossier.index.mentions_of[p];
    // How often each spelling is used: counted from the index alone, since
    // a person named 50,000 times has mentions in thousands of articles.
    let mut counts: HashMap<SpellingIx, (NameForm, usize), FixedState> = HashMap::default();
    for at in all {
        if let (Some(form), Some(spelling)) = (at.form, at.spelling) {
            counts.entry(spelling).or_insert((form, 0)).1 += 1;
        }
    }
    let mut spellings: Vec<((&str, u8), usize)> = counts
        .into_iter()
        .map(|(spelling, (form, n))| {
            let order = match form {
                NameForm::Name => 0,
                NameForm::Alias => 1,
                NameForm::Variant => 2,
            };
            ((dossier.spellings[spelling as usize].as_str(), order), n)
        })
        .collect();
    spellings.sort_unstable();
    let mentions = all
        .iter()
        .take(MAX_SNIPPETS)
        .map(|at| {
            let article = &dossier.articles[at.article];
            let m = &article.mentions[at.entry];
            let passage = article.passage(m.passage);
            let (before, text, after) = article.body.context(passage.span, 70);
            Snippet {
                href: passage_href(dossier, at.article, m.passage),
                outlet: &article.article.front.outlet,
                published: iso_date(article.article.front.published),
                before,
                text,
                after,
                role: m.role.map(|r| person.roles[r].title.as_str()),
            }
        })
        .collect();
    let quotes = dossier.index.quotes_by[p]
        .iter()
        .map(|at| {
            let article = &dossier.articles[at.article];
            let ix = article.quotes[at.entry].passage;
            QuoteView {
                href: passage_href(dossier, at.article, ix),
                outlet: article.article.front.outlet.clone(),
                published: iso_date(article.article.front.published),
                text: article.passage_text(ix).to_owned(),
            }
        })
        .collect();
    PersonPage {
        person: PersonView {
            id: entry.id.to_string(),
            name: person.name.clone(),
            summary_html: person
                .summary
                .as_deref()
                .map(markdown_to_html)
                .unwrap_or_default(),
            aliases: person.aliases.clone(),
            variants: person.variants.clone(),
            links: person
                .links
                .iter()
                .filter(|l| link_allowed(l))
                .cloned()
                .collect(),
            roles: person
                .roles
                .iter()
                .map(|r| RoleView {
                    title: r.title.clone(),
                    org: r.org.clone(),
                    from: r.from.map(|d| d.to_string()),
                    to: r.to.map(|d| d.to_string()),
                })
                .collect(),
            spellings: spellings
                .into_iter()
                .map(|((text, order), count)| Spelling {
                    text: text.to_owned(),
                    form: ["name", "alias", "variant"][order as usize],
                    count,
                })
                .collect(),
        },
        mentions_total: all.len(),
        mentions,
        quotes,
        claims: claims_about[p]
            .iter()
            .map(|&c| Link {
                href: claim_href(dossier, c),
                text: claim_text(dossier, c).to_owned(),
            })
            .collect(),
        flags: analysis.by_person[p].iter().map(|&f| &flags[f]).collect(),
    }
}

/// For each person, the claims that are `about` them (one pass over claims).
pub fn claims_about(dossier: &Dossier) -> Vec<Vec<ClaimIx>> {
    let mut about = vec![Vec::new(); dossier.people.len()];
    for (c, entry) in dossier.claims.iter().enumerate() {
        for &p in &entry.about {
            about[p].push(c);
        }
    }
    about
}

#[derive(Serialize)]
pub struct AssertionView {
    pub href: String,
    pub outlet: String,
    pub published: String,
    pub stance: &'static str,
    pub value: Option<String>,
    pub date: Option<String>,
    pub date_written: Option<String>,
    pub text: String,
}

#[derive(Serialize)]
pub struct VerdictView {
    pub rating: &'static str,
    pub html: String,
}

#[derive(Serialize)]
pub struct SumView {
    pub total: Link,
    pub parts: Vec<Link>,
}

#[derive(Serialize)]
pub struct ClaimView {
    pub id: String,
    pub statement_html: String,
    pub kind: &'static str,
    pub unit: Option<String>,
    pub verdict: Option<VerdictView>,
    pub about: Vec<Link>,
    pub contradicts: Vec<Link>,
    pub sum: Option<SumView>,
    /// schema.org ClaimReview as JSON-LD, when the claim has a verdict.
    pub review_json: Option<String>,
}

#[derive(Serialize)]
pub struct ClaimPage<'a> {
    pub claim: ClaimView,
    pub assertions: Vec<AssertionView>,
    pub flags: Vec<&'a tera::Value>,
}

pub fn claim_page<'a>(
    dossier: &Dossier,
    analysis: &Analysis,
    flags: &'a [tera::Value],
    c: ClaimIx,
) -> ClaimPage<'a> {
    let entry = &dossier.claims[c];
    let claim = &entry.claim;
    let link = |c: ClaimIx| Link {
        href: claim_href(dossier, c),
        text: claim_text(dossier, c).to_owned(),
    };
    let assertions: Vec<AssertionView> = dossier.index.assertions_of[c]
        .iter()
        .map(|at| {
            let article = &dossier.articles[at.article];
            let a = &article.assertions[at.entry];
            AssertionView {
                href: passage_href(dossier, at.article, a.passage),
                outlet: article.article.front.outlet.clone(),
                published: iso_date(article.article.front.published),
                stance: a.stance.as_str(),
                value: a.value.map(|v| match &claim.unit {
                    Some(unit) => format!("{v} {unit}"),
                    None => v.to_string(),
                }),
                date: a.date.map(iso_date),
                date_written: a.date_written.clone(),
                text: article.passage_text(a.passage).to_owned(),
            }
        })
        .collect();
    let review_json = claim.verdict.as_ref().map(|v| {
        let url = dossier
            .config
            .base_url
            .as_deref()
            .map(|b| format!("{}/{}", b.trim_end_matches('/'), claim_href(dossier, c)));
        script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": claim_text(dossier, c),
            "reviewRating": {
                "@type": "Rating",
                "alternateName": v.rating.as_str(),
                "ratingValue": v.rating.score(),
                "bestRating": 5,
                "worstRating": 1,
            },
            "itemReviewed": {
                "@type": "Claim",
                "appearance": assertions.iter().map(|a| serde_json::json!({"@type": "CreativeWork", "headline": a.text, "publisher": a.outlet})).collect::<Vec<_>>(),
            },
        }))
    });
    ClaimPage {
        claim: ClaimView {
            id: claim.id.to_string(),
            statement_html: markdown_to_inline_html(if claim.statement.is_empty() {
                claim.id.as_str()
            } else {
                &claim.statement
            }),
            kind: claim.kind.as_str(),
            unit: claim.unit.clone(),
            verdict: claim.verdict.as_ref().map(|v| VerdictView {
                rating: v.rating.as_str(),
                html: v.text.as_deref().map(markdown_to_html).unwrap_or_default(),
            }),
            about: entry
                .about
                .iter()
                .map(|&p| Link {
                    href: person_href(dossier, p),
                    text: dossier.people[p].person.name.clone(),
                })
                .collect(),
            contradicts: entry.contradicts.iter().map(|&c| link(c)).collect(),
            sum: entry.total.map(|t| SumView {
                total: link(t),
                parts: entry.parts.iter().map(|&p| link(p)).collect(),
            }),
            review_json,
        },
        assertions,
        flags: analysis.by_claim[c].iter().map(|&f| &flags[f]).collect(),
    }
}

#[derive(Serialize)]
pub struct OutletView {
    pub name: String,
    pub articles: Vec<ArticleItem>,
    pub flags: usize,
}

pub fn outlet_page(dossier: &Dossier, analysis: &Analysis, outlet: &Outlet) -> OutletView {
    let articles: Vec<ArticleItem> = outlet
        .articles
        .iter()
        .rev()
        .map(|&a| article_item(dossier, analysis, a))
        .collect();
    OutletView {
        name: outlet.name.clone(),
        flags: articles.iter().map(|a| a.flags).sum(),
        articles,
    }
}

/// An entry of a list page (articles, people, claims, outlets).
#[derive(Serialize)]
pub struct ListItem {
    pub href: String,
    pub text: String,
    pub meta: String,
    pub flags: usize,
}

#[derive(Serialize)]
pub struct ListPage {
    pub heading: &'static str,
    pub intro: Option<String>,
    pub items: Vec<ListItem>,
}

pub fn list_pages(
    dossier: &Dossier,
    analysis: &Analysis,
) -> Vec<(&'static str, &'static str, ListPage)> {
    let mut articles: Vec<usize> = (0..dossier.articles.len()).collect();
    articles.sort_by(|&a, &b| {
        let (fa, fb) = (
            &dossier.articles[a].article.front,
            &dossier.articles[b].article.front,
        );
        (fb.published, &fa.title).cmp(&(fa.published, &fb.title))
    });
    let article_items = articles
        .into_iter()
        .map(|a| {
            let item = article_item(dossier, analysis, a);
            ListItem {
                meta: format!(
                    "{} · {}{}",
                    item.outlet,
                    item.published,
                    if item.estimated { " (est.)" } else { "" }
                ),
                href: item.href,
                text: item.title,
                flags: item.flags,
            }
        })
        .collect();
    let mut people: Vec<usize> = (0..dossier.people.len()).collect();
    people.sort_by_cached_key(|&p| sort_name(&dossier.people[p].person.name));
    let people_items = people
        .into_iter()
        .map(|p| {
            let person = &dossier.people[p].person;
            let n = dossier.index.mentions_of[p].len();
            ListItem {
                href: person_href(dossier, p),
                text: person.name.clone(),
                meta: format!("{n} mention{}", if n == 1 { "" } else { "s" }),
                flags: analysis.by_person[p].len(),
            }
        })
        .collect();
    let mut claims: Vec<usize> = (0..dossier.claims.len()).collect();
    claims.sort_by_cached_key(|&c| claim_text(dossier, c).to_lowercase());
    let claim_items = claims
        .into_iter()
        .map(|c| {
            let n = dossier.index.assertions_of[c].len();
            let claim = &dossier.claims[c].claim;
            ListItem {
                href: claim_href(dossier, c),
                text: claim_text(dossier, c).to_owned(),
                meta: format!(
                    "{} · {n} source{}{}",
                    claim.kind.as_str(),
                    if n == 1 { "" } else { "s" },
                    claim
                        .verdict
                        .as_ref()
                        .map(|v| format!(" · verdict: {}", v.rating.as_str()))
                        .unwrap_or_default()
                ),
                flags: analysis.by_claim[c].len(),
            }
        })
        .collect();
    let outlet_items = dossier
        .index
        .outlets
        .iter()
        .map(|o| ListItem {
            href: format!("outlets/{}.html", o.slug),
            text: o.name.clone(),
            meta: format!(
                "{} article{}",
                o.articles.len(),
                if o.articles.len() == 1 { "" } else { "s" }
            ),
            flags: o
                .articles
                .iter()
                .map(|&a| analysis.by_article[a].len())
                .sum(),
        })
        .collect();
    vec![
        (
            "articles.html",
            "articles",
            ListPage {
                heading: "Articles",
                intro: Some("Newest first.".into()),
                items: article_items,
            },
        ),
        (
            "people.html",
            "people",
            ListPage {
                heading: "People",
                intro: None,
                items: people_items,
            },
        ),
        (
            "claims.html",
            "claims",
            ListPage {
                heading: "Claims",
                intro: Some("Every checkable statement, with how many sources make it.".into()),
                items: claim_items,
            },
        ),
        (
            "outlets.html",
            "outlets",
            ListPage {
                heading: "Outlets",
                intro: None,
                items: outlet_items,
            },
        ),
    ]
}

/// Sort people by family name where the name has several words.
fn sort_name(name: &str) -> String {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 {
        let last = words.pop().unwrap_or_default();
        words.insert(0, last);
    }
    words.join(" ").to_lowercase()
}

#[derive(Serialize)]
pub struct Counts {
    pub articles: usize,
    pub outlets: usize,
    pub people: usize,
    pub claims: usize,
    pub flags: usize,
}

#[derive(Serialize)]
pub struct IndexPage<'a> {
    pub counts: Counts,
    pub latest_flags: Vec<&'a tera::Value>,
    pub latest_articles: Vec<ArticleItem>,
}

pub fn index_page<'a>(
    dossier: &Dossier,
    analysis: &Analysis,
    flags: &'a [tera::Value],
) -> IndexPage<'a> {
    // The newest articles, and the flags that involve them.
    let mut order: Vec<usize> = (0..dossier.articles.len()).collect();
    order.sort_by_key(|&a| std::cmp::Reverse(dossier.articles[a].article.front.published));
    let mut latest_flags: Vec<usize> = Vec::new();
    for &a in &order {
        for &f in &analysis.by_article[a] {
            if latest_flags.len() < 10 && !latest_flags.contains(&f) {
                latest_flags.push(f);
            }
        }
        if latest_flags.len() >= 10 {
            break;
        }
    }
    IndexPage {
        counts: Counts {
            articles: dossier.articles.len(),
            outlets: dossier.index.outlets.len(),
            people: dossier.people.len(),
            claims: dossier.claims.len(),
            flags: analysis.flags.len(),
        },
        latest_flags: latest_flags.into_iter().map(|f| &flags[f]).collect(),
        latest_articles: order
            .into_iter()
            .take(20)
            .map(|a| article_item(dossier, analysis, a))
            .collect(),
    }
}

#[derive(Serialize)]
pub struct RuleGroup<'a> {
    pub rule: &'static str,
    pub label: &'static str,
    pub explanation: &'static str,
    pub flags: Vec<&'a tera::Value>,
}

#[derive(Serialize)]
pub struct InconsistenciesPage<'a> {
    pub total: usize,
    pub groups: Vec<RuleGroup<'a>>,
}

/// `flags` are the rendered flags, in the order of `views` (grouped by rule).
pub fn inconsistencies_page<'a>(
    views: &[FlagView],
    flags: &'a [tera::Value],
) -> InconsistenciesPage<'a> {
    let mut groups: Vec<RuleGroup<'a>> = Vec::new();
    for (flag, html) in views.iter().zip(flags) {
        match groups.iter_mut().find(|g| g.rule == flag.rule) {
            Some(g) => g.flags.push(html),
            None => groups.push(RuleGroup {
                rule: flag.rule,
                label: rule_label(flag.rule),
                explanation: rule_explanation(flag.rule),
                flags: vec![html],
            }),
        }
    }
    InconsistenciesPage {
        total: flags.len(),
        groups,
    }
}

#[derive(Serialize)]
pub struct TimelineEntry {
    pub kind: &'static str,
    pub href: String,
    pub text: String,
    pub meta: String,
}

#[derive(Serialize)]
pub struct TimelineDay {
    pub date: String,
    pub weekday: String,
    pub entries: Vec<TimelineEntry>,
}

#[derive(Serialize)]
pub struct TimelinePage {
    pub days: Vec<TimelineDay>,
}

pub fn timeline_page(dossier: &Dossier) -> TimelinePage {
    let mut days: BTreeMap<chrono::NaiveDate, Vec<TimelineEntry>> = BTreeMap::new();
    for (ix, a) in dossier.articles.iter().enumerate() {
        let front = &a.article.front;
        days.entry(front.published)
            .or_default()
            .push(TimelineEntry {
                kind: "article",
                href: article_href(dossier, ix),
                text: front.title.clone(),
                meta: format!(
                    "{}{}",
                    front.outlet,
                    if front.published_estimated {
                        " (date estimated)"
                    } else {
                        ""
                    }
                ),
            });
    }
    for (c, ats) in dossier.index.assertions_of.iter().enumerate() {
        for at in ats {
            let article = &dossier.articles[at.article];
            let a = &article.assertions[at.entry];
            if let Some(date) = a.date {
                days.entry(date).or_default().push(TimelineEntry {
                    kind: "event",
                    href: claim_href(dossier, c),
                    text: claim_text(dossier, c).to_owned(),
                    meta: format!(
                        "according to {} ({})",
                        article.article.front.outlet, article.article.front.published
                    ),
                });
            }
        }
    }
    TimelinePage {
        days: days
            .into_iter()
            .map(|(date, entries)| TimelineDay {
                date: date.to_string(),
                weekday: date.format("%A").to_string(),
                entries,
            })
            .collect(),
    }
}

/// JSON to embed in a `<script>` element: `<`, `>` and `&` written as
/// `\u003c`, `\u003e` and `\u0026`, so that no string of the dossier (an
/// outlet named `<!--<script>`, a `</script>`) can end the element or switch
/// the HTML parser into a state that swallows the rest of the page. Outside
/// strings JSON has none of the three, so the text stays the same JSON.
fn script_json(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}
