//! What both servers share: the world behind them, their tokens, Okta's rate window.

use super::world::World;
use crate::model::secret::Secret;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Largest request body either server reads.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// Okta's per-minute rate limit window.
#[derive(Debug)]
pub struct RateWindow {
    limit: u32,
    /// The window's length in seconds (Okta's is a minute).
    secs: u64,
    state: Mutex<(u64, u32)>,
}

impl RateWindow {
    pub(super) fn new(limit: u32, secs: u64) -> Self {
        RateWindow {
            limit,
            secs: secs.max(1),
            state: Mutex::new((0, 0)),
        }
    }

    /// Counts one request: (allowed, limit, remaining, reset epoch seconds).
    pub fn take(&self) -> (bool, u64, u64, u64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let window = now / self.secs;
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.0 != window {
            *s = (window, 0);
        }
        let allowed = s.1 < self.limit;
        if allowed {
            s.1 += 1;
        }
        let remaining = self.limit.saturating_sub(s.1);
        (
            allowed,
            self.limit as u64,
            remaining as u64,
            (window + 1) * self.secs,
        )
    }
}

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
