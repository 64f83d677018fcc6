//! The dossier as written by its editors: config, articles, sidecars, people and
//! claims, exactly as the format contract (`content-format.md`) names them.
//!
//! These types are what the loader deserialises into. They carry no resolved
//! references: a `PersonId` here is only a string the editor typed, which the
//! resolve stage checks.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// An article's slug: the stem of its `.md` file.
    ArticleSlug
);
id_type!(
    /// A person's id in `people.yaml` (defaults to a slug of the name).
    PersonId
);
id_type!(
    /// A claim's id in `claims.yaml`.
    ClaimId
);

/// `config.yaml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Only used for absolute URLs (sitemap, feed, canonical links, JSON-LD).
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub theme: Option<String>,
    /// Per-rule severity; rules not named here show as flags in the site.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckLevel>,
}

fn default_language() -> String {
    "en".to_owned()
}

/// What a rule's findings do to a build (`checks:` in config.yaml).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    /// Fails the build.
    Error,
    /// Printed by `build` and `check`, and shown in the site.
    Warning,
    /// Shown in the site only (the default).
    Flag,
    /// Not computed.
    Off,
}

impl CheckLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckLevel::Error => "error",
            CheckLevel::Warning => "warning",
            CheckLevel::Flag => "flag",
            CheckLevel::Off => "off",
        }
    }
}

/// One article: front matter, body and optional sidecar.
#[derive(Clone, Debug)]
pub struct Article {
    pub slug: ArticleSlug,
    /// Path of the `.md` file relative to the dossier root, for diagnostics.
    pub path: PathBuf,
    pub front: FrontMatter,
    /// The Markdown; emptied once the article is resolved.
    pub body: String,
    /// Number of source lines before the body (front matter and its fences), so
    /// body line N is file line N + body_line_offset.
    pub body_line_offset: usize,
    /// The editor's annotations; emptied once the article is resolved.
    pub sidecar: Sidecar,
    /// Path of the sidecar relative to the root, if there is one.
    pub sidecar_path: Option<PathBuf>,
    /// The sidecar's YAML text, to point diagnostics at its lines; dropped
    /// once the article is resolved.
    pub sidecar_source: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub outlet: String,
    pub published: NaiveDate,
    #[serde(default)]
    pub published_estimated: bool,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub retrieved: Option<NaiveDate>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// `content/articles/<slug>.yaml`: the editor's annotations of one article.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    #[serde(default)]
    pub mentions: Vec<Mention>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub claims: Vec<Assertion>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub flags: Vec<DeclaredFlag>,
    /// Per section, the position in the file of each entry kept, when broken
    /// entries were left out (empty when none were); see [`Sidecar::source_index`].
    #[serde(skip)]
    pub source_indexes: BTreeMap<String, Vec<usize>>,
}

impl Sidecar {
    /// The position in the file of entry `index` of `section`, for pointing
    /// diagnostics at it.
    pub fn source_index(&self, section: &str, index: usize) -> usize {
        self.source_indexes
            .get(section)
            .and_then(|positions| positions.get(index))
            .copied()
            .unwrap_or(index)
    }
}

/// How an annotation points at a passage (contract: "Anchoring").
#[derive(Clone, Debug)]
pub struct SelectorSpec<'a> {
    pub quote: &'a str,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
    pub occurrence: Option<usize>,
}

/// Every sidecar entry type carries the same four selector fields; they are
/// spelled out in each struct (not flattened) so `deny_unknown_fields` works.
pub trait Anchored {
    fn selector(&self) -> SelectorSpec<'_>;
}

macro_rules! anchored {
    ($($t:ty),*) => {$(
        impl Anchored for $t {
            fn selector(&self) -> SelectorSpec<'_> {
                SelectorSpec {
                    quote: &self.quote,
                    prefix: self.prefix.as_deref(),
                    suffix: self.suffix.as_deref(),
                    occurrence: self.occurrence,
                }
            }
        }
    )*};
}
anchored!(Mention, Quote, Assertion, Note, DeclaredFlag);

/// A person referred to without (or beside) their name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mention {
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub person: PersonId,
    /// The role the text gives them: one of their `roles` by title.
    #[serde(default, rename = "as")]
    pub role: Option<String>,
}

/// Direct speech.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub speaker: PersonId,
}

/// A stance on a claim in this article: the outlet's own, or its `speaker`'s.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    pub claim: ClaimId,
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub occurrence: Option<usize>,
    #[serde(default)]
    pub value: Option<QuantityValue>,
    #[serde(default)]
    pub stance: Stance,
    /// `YYYY-MM-DD` or a weekday name (resolved against the article's date).
    #[serde(default)]
    pub date: Option<String>,
    /// The person whose stance it is (a spokesman the article quotes);
    /// without it, the stance is the outlet's own.
    #[serde(default)]
    pub speaker: Option<PersonId>,
}

/// A quantity: one number, or a range for wording like "in its twentieth month".
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum QuantityValue {
    Exact(f64),
    Range { min: f64, max: f64 },
}

/// By hand rather than `untagged`, so a wrong value gets a message that says
/// what is expected ("a number or a range {min: N, max: N}") instead of
/// serde's "data did not match any variant".
impl<'de> Deserialize<'de> for QuantityValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct Expect;
        impl<'de> Visitor<'de> for Expect {
            type Value = QuantityValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a range {min: N, max: N}")
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<QuantityValue, E> {
                if v.is_finite() {
                    Ok(QuantityValue::Exact(v))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
                }
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<QuantityValue, E> {
                Ok(QuantityValue::Exact(v as f64))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<QuantityValue, E> {
                Ok(QuantityValue::Exact(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<QuantityValue, A::Error> {
                let (mut min, mut max) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "min" => &mut min,
                        "max" => &mut max,
                        other => return Err(A::Error::unknown_field(other, &["min", "max"])),
                    };
                    let value = map.next_value::<f64>()?;
                    if !value.is_finite() {
                        return Err(A::Error::invalid_value(
                            serde::de::Unexpected::Float(value),
                            &"a finite number",
                        ));
                    }
                    *slot = Some(value);
                }
                match (min, max) {
                    (Some(min), Some(max)) => Ok(QuantityValue::Range { min, max }),
                    (None, _) => Err(A::Error::missing_field("min")),
                    (_, None) => Err(A::Error::missing_field("max")),
                }
            }
        }
        deserializer.deserialize_any(Expect)
    }
}

impl QuantityValue {
    pub fn bounds(self) -> (f64, f64) {
        match self {
            QuantityValue::Exact(v) => (v, v),
            QuantityValue::Range { min, max } => (min.min(max), min.max(max)),
        }
    }
}

impl fmt::Display for QuantityValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QuantityValue::Exact(v) => write!(f, "{v}"),
            QuantityValue::Range { min, max } => write!(f, "{min}–{max}"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    #[default]
    Asserts,
    Denies,
    /// Attributes the claim to others without endorsing it.
    Reports,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Asserts => "asserts",
            Stance::Denies => "denies",
            Stance::Reports => "reports",
        }
    }
}

/// The editor's own remark, shown beside the passage.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub text: String,
}

/// An inconsistency the editor found that no rule computes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredFlag {
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub kind: String,
    pub text: String,
}

/// An entry of `people.yaml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[serde(default)]
    pub id: Option<PersonId>,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Wrong or divergent spellings seen in sources: linked and flagged.
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub links: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub title: String,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Empty: still holds it.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

impl Role {
    /// Whether the role was held on `date` (both ends inclusive).
    pub fn held_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }
}

/// An entry of `claims.yaml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: ClaimId,
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub kind: ClaimKind,
    #[serde(default)]
    pub unit: Option<String>,
    /// Quantity claims: absolute slack when comparing values.
    #[serde(default)]
    pub tolerance: f64,
    #[serde(default)]
    pub about: Vec<PersonId>,
    #[serde(default)]
    pub contradicts: Vec<ClaimId>,
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// Sum claims: the claim whose value the parts must add up to.
    #[serde(default)]
    pub total: Option<ClaimId>,
    #[serde(default)]
    pub parts: Vec<ClaimId>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    #[default]
    Statement,
    Quantity,
    Date,
    Sum,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Statement => "statement",
            ClaimKind::Quantity => "quantity",
            ClaimKind::Date => "date",
            ClaimKind::Sum => "sum",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub rating: Rating,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    True,
    MostlyTrue,
    Mixed,
    Misleading,
    False,
    Unproven,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::True => "true",
            Rating::MostlyTrue => "mostly-true",
            Rating::Mixed => "mixed",
            Rating::Misleading => "misleading",
            Rating::False => "false",
            Rating::Unproven => "unproven",
        }
    }

    /// Position on schema.org ClaimReview's 1 (false) .. 5 (true) scale.
    pub fn score(self) -> Option<u8> {
        match self {
            Rating::False => Some(1),
            Rating::Misleading => Some(2),
            Rating::Mixed => Some(3),
            Rating::MostlyTrue => Some(4),
            Rating::True => Some(5),
            Rating::Unproven => None,
        }
    }
}

/// Everything the loader read, before any reference is checked.
#[derive(Debug)]
pub struct Input {
    /// The dossier's folder: later stages read an article's Markdown again
    /// from here when a diagnostic points into it (see `resolve_article`).
    pub root: PathBuf,
    pub config: Config,
    pub articles: Vec<Article>,
    /// People with the file each came from.
    pub people: Vec<Sourced<Person>>,
    pub claims: Vec<Sourced<Claim>>,
    /// The text of every people/claims file, to point diagnostics at lines.
    pub sources: std::collections::HashMap<PathBuf, String>,
    /// Ids of people and claims whose entries are broken (already reported):
    /// references to them are not reported again as unknown.
    pub broken_ids: std::collections::HashSet<String>,
}

/// A list entry and where it was written, for diagnostics.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub file: PathBuf,
    /// Index within that file's list.
    pub index: usize,
}

/// Whether `id` can name a page file: letters, digits, `-`, `_` and `.`, not
/// starting with `.` (ids become `people/<id>.html`, so `/` or `..` must never
/// reach the file system).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether an article's file stem can be its slug, which names its page
/// (`articles/<slug>.html`) in every link, `sitemap.xml` and `dossier.json`:
/// ASCII letters, digits, `-`, `_` and `.` (not first), and the letters,
/// digits and marks of any other script (percent-encoded where a URL must be
/// ASCII). Never white space, a control or invisible character, or other
/// ASCII punctuation, which a URL reads as syntax (`#`, `?`, `%`, `/`...).
pub fn is_valid_slug(slug: &str) -> bool {
    let allowed = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
        } else {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    // Invisible in a file name: soft hyphen, Arabic letter
                    // mark, zero-width and bidirectional marks, word joiner
                    // and its kin, byte-order mark; and the replacement
                    // character a file name that is not UTF-8 shows.
                    '\u{00AD}'
                        | '\u{061C}'
                        | '\u{180E}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2060}'..='\u{206F}'
                        | '\u{FEFF}'
                        | '\u{FFF0}'..='\u{FFFF}'
                )
        }
    };
    !slug.is_empty() && !slug.starts_with('.') && slug.chars().all(allowed)
}

/// A URL-safe slug: lower case ASCII letters and digits joined by `-`,
/// other scripts kept as they are (so Arabic names still get a readable id).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_keeps_words_and_scripts() {
        assert_eq!(slugify("Steve Witkoff"), "steve-witkoff");
        assert_eq!(slugify("  Al-Hayya, Khalil! "), "al-hayya-khalil");
        assert_eq!(slugify("الجزيرة نت"), "الجزيرة-نت");
    }

    #[test]
    fn ids_that_could_escape_the_output_are_invalid() {
        assert!(is_valid_id("steve-witkoff"));
        assert!(is_valid_id("خليل"));
        assert!(!is_valid_id("../etc/passwd"));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id(".hidden"));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn slugs_are_safe_in_a_url_in_any_script() {
        for ok in [
            "alpha",
            "2025-05-21_report.v2",
            "Beta",
            "حماس-تؤكد",
            "नरेन्द्र-मोदी",
            "東京",
        ] {
            assert!(is_valid_slug(ok), "{ok}");
        }
        for bad in [
            "",
            ".hidden",
            "a#b",
            "c?d",
            "%41",
            "a b",
            "a/b",
            "a\\b",
            "a&b",
            "a\"b",
            "a'b",
            "a<b",
            "a+b",
            "a\u{200B}b",
            "a\u{200F}",
            "a\u{A0}b",
            "a\u{0}b",
            "a\u{FFFD}",
        ] {
            assert!(!is_valid_slug(bad), "{bad:?}");
        }
    }

    #[test]
    fn role_dates_are_inclusive() {
        let role = Role {
            title: "President".into(),
            org: None,
            from: NaiveDate::from_ymd_opt(2021, 1, 20),
            to: NaiveDate::from_ymd_opt(2025, 1, 20),
        };
        assert!(role.held_on(NaiveDate::from_ymd_opt(2025, 1, 20).unwrap()));
        assert!(!role.held_on(NaiveDate::from_ymd_opt(2025, 5, 11).unwrap()));
        assert!(!role.held_on(NaiveDate::from_ymd_opt(2020, 5, 11).unwrap()));
    }

    #[test]
    fn quantity_ranges_are_ordered() {
        assert_eq!(
            QuantityValue::Range {
                min: 20.0,
                max: 19.0
            }
            .bounds(),
            (19.0, 20.0)
        );
        assert_eq!(QuantityValue::Exact(3.0).bounds(), (3.0, 3.0));
    }
}
