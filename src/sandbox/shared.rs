//! What both servers share: the world behind them, their tokens, Okta's rate windows.

use super::world::World;
use crate::model::secret::Secret;
use std::sync::{Mutex, MutexGuard};

/// Largest request body either server reads.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// State both servers share.
pub struct Shared {
    pub(super) world: Mutex<World>,
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
}

impl Shared {
    /// The world, locked. A panic while it was held cannot leave it half-written (every
    /// change is computed first, then stored), so a poisoned lock is taken over.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }
}
