//! Import progress, as the busy indicator shows it.

/// Import progress: which side, pages done, pages known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// "Statsig users", "Okta memberships", …
    pub stage: &'static str,
    /// Pages (or groups) done.
    pub done: usize,
    /// Pages (or groups) known so far.
    pub total: usize,
}
