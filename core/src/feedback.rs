//! "Was this page useful?" (the DGA Platforms Code): which page an answer is
//! about, and the counts per page.

use serde::{Deserialize, Serialize};

/// The longest page key kept.
const MAX_KEY: usize = 200;

/// The page an answer is about, as counted: the path without its query, every
/// id in it written `{id}` (all transaction pages are one page); `None` for
/// anything that is not a path on this site.
pub fn page_key(back: &str) -> Option<String> {
    let path = back.split(['?', '#']).next().unwrap_or_default();
    let local = path.starts_with('/') && !path.starts_with("//") && !path.contains('\\');
    if !local || path.len() > MAX_KEY || path.chars().any(char::is_control) {
        return None;
    }
    let key = path
        .split('/')
        .map(|segment| if uuid::Uuid::parse_str(segment).is_ok() { "{id}" } else { segment })
        .collect::<Vec<_>>()
        .join("/");
    Some(key)
}

/// How one page was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PageFeedbackCount {
    pub page: String,
    pub useful: u64,
    pub not_useful: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_by_their_shape() {
        for (back, key) in [
            ("/transactions", Some("/transactions")),
            ("/transactions?status=open&late=1", Some("/transactions")),
            ("/transactions/01936f5e-0000-7000-8000-000000000001", Some("/transactions/{id}")),
            ("/admin/employees/01936f5e-0000-7000-8000-000000000001?saved=1", Some("/admin/employees/{id}")),
            ("/lookup#reference", Some("/lookup")),
            ("https://evil.example/", None),
            ("//evil.example/", None),
            ("/\\evil", None),
            ("", None),
        ] {
            assert_eq!(page_key(back).as_deref(), key, "{back}");
        }
        assert_eq!(page_key(&format!("/{}", "a".repeat(300))), None);
    }
}
