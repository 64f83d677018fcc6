//! The inconsistency rules, one module each. A rule reads the resolved dossier
//! (and its indexes) and returns findings; it knows nothing of severities,
//! ids or rendering.

mod declared;
mod name_variant;

use super::Finding;
use crate::resolve::Dossier;

/// A rule: its id (as in the contract and in `checks:`) and its check.
pub struct Rule {
    pub id: &'static str,
    pub check: fn(&Dossier) -> Vec<Finding>,
}

/// Every rule, in the order the inconsistencies page lists them.
pub const ALL: &[Rule] = &[
    Rule {
        id: "name-variant",
        check: name_variant::check,
    },
    Rule {
        id: "declared",
        check: declared::check,
    },
];

/// "Albawaba", "Albawaba and CNN", "Albawaba, CNN and Axios".
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::join_names;

    #[test]
    fn joins_like_prose() {
        assert_eq!(join_names::<&str>(&[]), "");
        assert_eq!(join_names(&["A"]), "A");
        assert_eq!(join_names(&["A", "B"]), "A and B");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
    }
}
