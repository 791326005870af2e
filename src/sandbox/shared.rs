//! What both servers share: the world behind them, their tokens, Okta's rate windows.

use super::changes::{Changes, WorldGuard};
use super::world::World;
use crate::model::secret::Secret;
use std::sync::Mutex;
use std::time::Duration;

/// Largest request body either server reads.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// State both servers share.
pub struct Shared {
    pub(super) world: Mutex<World>,
    /// The world's writes, told to whoever waits for one.
    pub(super) changes: Changes,
    /// The SCIM server's token.
    pub statsig_token: Secret,
    /// The Okta server's token.
    pub okta_token: Secret,
    /// The Okta server's URL, for paging links.
    pub okta_base: String,
    /// Okta's rate-limit windows, one per bucket.
    pub okta_windows: super::limits::OktaWindows,
    /// The Okta token's admin may not see apps (every `/api/v1/apps` request is a 403).
    pub okta_apps_forbidden: bool,
    /// Further Okta tokens, made without the `okta.logs.read` scope: they read and write
    /// everything the main token does but the System Log.
    pub okta_tokens_without_logs: Mutex<Vec<Secret>>,
}

/// What a request's Okta token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OktaTokenKind {
    /// The main token: every scope.
    Full,
    /// A token made without `okta.logs.read`.
    WithoutLogs,
}

impl Shared {
    /// Which of the Okta server's tokens `candidate` is, if any.
    pub fn okta_token_kind(&self, candidate: &str) -> Option<OktaTokenKind> {
        if self.okta_token.matches(candidate) {
            return Some(OktaTokenKind::Full);
        }
        self.okta_tokens_without_logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|t| t.matches(candidate))
            .then_some(OktaTokenKind::WithoutLogs)
    }

    /// The world, locked. A panic while it was held cannot leave it half-written (every
    /// change is computed first, then stored), so a poisoned lock is taken over. A write
    /// through it wakes whoever waits in [`Shared::until`].
    pub fn world(&self) -> WorldGuard<'_> {
        WorldGuard::new(
            self.world.lock().unwrap_or_else(|p| p.into_inner()),
            &self.changes,
        )
    }

    /// Blocks this thread until `done` holds of the world, asking again after each write
    /// to it; `false` when `limit` passed first.
    pub fn until(&self, limit: Duration, done: impl FnMut(&World) -> bool) -> bool {
        self.changes.until(&self.world, limit, done)
    }

    /// Waits until `done` holds, asking again after each write to the world; `false` when
    /// `limit` passed first.
    pub async fn until_async(&self, limit: Duration, done: impl AsyncFnMut() -> bool) -> bool {
        self.changes.until_async(limit, done).await
    }
}
