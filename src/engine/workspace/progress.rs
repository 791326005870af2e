//! Progress of long work (an import, many mappings made in Okta), as the busy indicator
//! shows it, and where a warm start's refresh begins.

use std::time::Duration;

/// Progress: which stage, how much is done of how much is known, and the time left when
/// it can be told honestly (Okta's rate limit sets it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// "Statsig users", "Okta memberships", …
    pub stage: &'static str,
    /// Pages (or groups) done.
    pub done: usize,
    /// Pages (or groups) known so far.
    pub total: usize,
    /// The time left at the least, when known.
    pub left: Option<Duration>,
}

/// A cached directory now shown (see `cache.rs`), and what its refresh starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warm {
    /// When the cached read began (the cache's `taken_at`).
    pub read_at: String,
    /// Okta changes after this time are read again (a little before `read_at`).
    pub since: String,
}
