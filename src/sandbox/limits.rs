//! Okta's per-minute rate limits as the emulator applies them: one bucket per group of
//! endpoints, each with its own `X-Rate-Limit-*` headers, as Okta publishes them for its
//! editions ("Management rate limits" in Okta's developer documentation; real orgs name
//! their own limits in the headers, which is what clients must trust).

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The endpoint groups Okta counts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OktaBucket {
    /// `/api/v1/users` and below.
    Users,
    /// `/api/v1/groups` itself (list, create).
    Groups,
    /// `/api/v1/groups/{id}` and below (one group, its members).
    Group,
    /// `/api/v1/apps` and everything below it (apps, app users, push mappings).
    Apps,
    /// `/api/v1/logs`, the System Log.
    Logs,
    /// Anything else.
    Other,
}

impl OktaBucket {
    /// The bucket a request path counts against.
    pub fn of(path: &str) -> Self {
        match path.trim_end_matches('/') {
            p if p.starts_with("/api/v1/apps") => OktaBucket::Apps,
            p if p.starts_with("/api/v1/users") => OktaBucket::Users,
            "/api/v1/logs" => OktaBucket::Logs,
            "/api/v1/groups" => OktaBucket::Groups,
            p if p.starts_with("/api/v1/groups/") => OktaBucket::Group,
            _ => OktaBucket::Other,
        }
    }
}

/// Requests per window of each bucket (0 never answers; `u32::MAX` is no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OktaLimits {
    /// `/api/v1/users*`.
    pub users: u32,
    /// `/api/v1/groups` (list, create).
    pub groups: u32,
    /// `/api/v1/groups/{id}*` (a group's members among them).
    pub group: u32,
    /// `/api/v1/apps*`.
    pub apps: u32,
    /// `/api/v1/logs`.
    pub logs: u32,
    /// Everything else.
    pub other: u32,
}

const UNLIMITED: u32 = u32::MAX;

impl OktaLimits {
    /// No limit on anything.
    pub const fn none() -> Self {
        Self::all(UNLIMITED)
    }

    /// The same limit for every bucket.
    pub const fn all(n: u32) -> Self {
        OktaLimits {
            users: n,
            groups: n,
            group: n,
            apps: n,
            logs: n,
            other: n,
        }
    }

    /// An Enterprise org's published per-minute limits: users 600, the groups list 600,
    /// a group and its members 600, apps (push mappings included) 100, the System Log 120.
    pub const fn enterprise() -> Self {
        OktaLimits {
            users: 600,
            groups: 600,
            group: 600,
            apps: 100,
            logs: 120,
            other: 600,
        }
    }

    /// A free developer (Integrator) org's: 100 for users and groups, 20 for apps, 60 for
    /// the System Log.
    pub const fn developer() -> Self {
        OktaLimits {
            users: 100,
            groups: 100,
            group: 100,
            apps: 20,
            logs: 60,
            other: 100,
        }
    }

    /// These limits with the apps bucket at `n`.
    pub const fn with_apps(self, n: u32) -> Self {
        OktaLimits { apps: n, ..self }
    }

    /// The preset a name stands for (`enterprise`, `developer`, `none`).
    pub fn named(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "enterprise" => Some(Self::enterprise()),
            "developer" => Some(Self::developer()),
            "none" => Some(Self::none()),
            _ => None,
        }
    }

    /// The limit of `bucket`.
    pub fn of(&self, bucket: OktaBucket) -> u32 {
        match bucket {
            OktaBucket::Users => self.users,
            OktaBucket::Groups => self.groups,
            OktaBucket::Group => self.group,
            OktaBucket::Apps => self.apps,
            OktaBucket::Logs => self.logs,
            OktaBucket::Other => self.other,
        }
    }
}

impl Default for OktaLimits {
    fn default() -> Self {
        Self::none()
    }
}

/// Okta's per-minute rate limit window. A window opens at the first request it counts
/// and lasts its length from there, so a test's requests fall in one window unless the
/// test itself takes longer than the window (never on a turn of the wall-clock minute).
#[derive(Debug)]
pub struct RateWindow {
    limit: u32,
    /// The window's length (Okta's is a minute).
    len: Duration,
    /// The open window: when it ends, its reset as epoch seconds, requests counted.
    state: Mutex<Option<(Instant, u64, u32)>>,
}

impl RateWindow {
    pub(super) fn new(limit: u32, secs: u64) -> Self {
        RateWindow {
            limit,
            len: Duration::from_secs(secs.max(1)),
            state: Mutex::new(None),
        }
    }

    /// Counts one request: (allowed, limit, remaining, reset epoch seconds). The reset is
    /// rounded up to a whole second, so a client that waits for it finds a new window.
    pub fn take(&self) -> (bool, u64, u64, u64) {
        let now = Instant::now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (_, reset, count) = match *s {
            Some(open) if now < open.0 => s.insert(open),
            _ => {
                let ends = SystemTime::now() + self.len;
                let ms = ends
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis() as u64;
                s.insert((now + self.len, ms.div_ceil(1000), 0))
            }
        };
        let allowed = *count < self.limit;
        if allowed {
            *count += 1;
        }
        let remaining = self.limit.saturating_sub(*count);
        (allowed, self.limit as u64, remaining as u64, *reset)
    }

    /// Ends the open window: the next request opens a new one.
    pub fn end(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// One window per bucket.
#[derive(Debug)]
pub struct OktaWindows {
    users: RateWindow,
    groups: RateWindow,
    group: RateWindow,
    apps: RateWindow,
    logs: RateWindow,
    other: RateWindow,
}

impl OktaWindows {
    /// Windows of `secs` seconds with `limits`.
    pub fn new(limits: OktaLimits, secs: u64) -> Self {
        let w = |b| RateWindow::new(limits.of(b), secs);
        OktaWindows {
            users: w(OktaBucket::Users),
            groups: w(OktaBucket::Groups),
            group: w(OktaBucket::Group),
            apps: w(OktaBucket::Apps),
            logs: w(OktaBucket::Logs),
            other: w(OktaBucket::Other),
        }
    }

    /// Ends every bucket's open window (a test's "the minute turned over").
    pub fn end_all(&self) {
        for w in [
            &self.users,
            &self.groups,
            &self.group,
            &self.apps,
            &self.logs,
            &self.other,
        ] {
            w.end();
        }
    }

    /// The window a request path counts against.
    pub fn for_path(&self, path: &str) -> &RateWindow {
        match OktaBucket::of(path) {
            OktaBucket::Users => &self.users,
            OktaBucket::Groups => &self.groups,
            OktaBucket::Group => &self.group,
            OktaBucket::Apps => &self.apps,
            OktaBucket::Logs => &self.logs,
            OktaBucket::Other => &self.other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_count_against_their_own_bucket() {
        assert_eq!(OktaBucket::of("/api/v1/users"), OktaBucket::Users);
        assert_eq!(OktaBucket::of("/api/v1/users/00u1"), OktaBucket::Users);
        assert_eq!(OktaBucket::of("/api/v1/groups"), OktaBucket::Groups);
        assert_eq!(OktaBucket::of("/api/v1/groups/"), OktaBucket::Groups);
        assert_eq!(
            OktaBucket::of("/api/v1/groups/00g1/users"),
            OktaBucket::Group
        );
        assert_eq!(
            OktaBucket::of("/api/v1/apps/0oa1/group-push/mappings"),
            OktaBucket::Apps
        );
        assert_eq!(OktaBucket::of("/api/v1/logs"), OktaBucket::Logs);
        assert_eq!(OktaBucket::of("/api/v1/org"), OktaBucket::Other);
    }

    #[test]
    fn a_window_opens_at_its_first_request_and_counts_to_its_limit() {
        let w = RateWindow::new(3, 60);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let taken: Vec<_> = (0..4).map(|_| w.take()).collect();
        let resets: Vec<u64> = taken.iter().map(|t| t.3).collect();
        assert!(resets.iter().all(|r| *r == resets[0]), "{resets:?}");
        assert!(resets[0] >= now + 60 && resets[0] <= now + 61, "{resets:?}");
        let counted: Vec<(bool, u64)> = taken.iter().map(|t| (t.0, t.2)).collect();
        assert_eq!(counted, [(true, 2), (true, 1), (true, 0), (false, 0)]);
        w.end();
        assert!(w.take().0, "a new window after the end");
    }

    #[test]
    fn presets_are_named() {
        assert_eq!(
            OktaLimits::named("Enterprise"),
            Some(OktaLimits::enterprise())
        );
        assert_eq!(OktaLimits::named("developer").map(|l| l.apps), Some(20));
        assert_eq!(OktaLimits::named("none"), Some(OktaLimits::none()));
        assert_eq!(OktaLimits::named("gold"), None);
    }
}
