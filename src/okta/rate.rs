//! Okta's rate limits, per bucket: what the last answer of each bucket said, and how long
//! to wait before the next request so that normal work never runs into a 429.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Okta limits each group of endpoints on its own; these are the ones this app calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// `/api/v1/users` and below.
    Users,
    /// `/api/v1/groups` (list, create).
    Groups,
    /// `/api/v1/groups/{id}` and below (a group, its members).
    Group,
    /// `/api/v1/apps` and everything below it (apps, app users, push mappings).
    Apps,
    /// Anything else.
    Other,
}

impl Bucket {
    /// The bucket a path (below the org URL, without the query) counts against.
    pub fn of(path: &str) -> Bucket {
        let path = path.split('?').next().unwrap_or_default();
        if path.starts_with("/api/v1/apps") {
            Bucket::Apps
        } else if path.starts_with("/api/v1/users") {
            Bucket::Users
        } else if path == "/api/v1/groups" {
            Bucket::Groups
        } else if path.starts_with("/api/v1/groups/") {
            Bucket::Group
        } else {
            Bucket::Other
        }
    }
}

/// What the last answer of a bucket said of its limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateState {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// When the window resets, in epoch seconds.
    pub reset: u64,
}

/// How long to wait before the next request, from the last rate-limit headers: nothing
/// while more than a tenth of the window's requests are left; then what is left of the
/// window spread over the requests left (all of it when none are).
pub fn pacing(limit: u64, remaining: u64, reset_epoch: u64, now_epoch: u64) -> Option<Duration> {
    if limit == 0 || remaining > limit / 10 {
        return None;
    }
    let left = reset_epoch.saturating_sub(now_epoch);
    if left == 0 {
        return None;
    }
    Some(if remaining == 0 {
        Duration::from_secs(left)
    } else {
        Duration::from_millis(left * 1000 / (remaining + 1))
    })
}

/// The rate state of every bucket seen.
#[derive(Debug, Default)]
pub struct Pacer(Mutex<HashMap<Bucket, RateState>>);

impl Pacer {
    /// The wait before the next request of `bucket`, and the state that asks for it.
    pub fn wait(&self, bucket: Bucket, now_epoch: u64) -> Option<(Duration, RateState)> {
        let state = *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&bucket)?;
        pacing(state.limit, state.remaining, state.reset, now_epoch).map(|w| (w, state))
    }

    /// Notes what an answer's headers say of `bucket`.
    pub fn note(&self, bucket: Bucket, headers: &reqwest::header::HeaderMap) {
        let get = |k: &str| {
            headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let (Some(limit), Some(remaining), Some(reset)) = (
            get("x-rate-limit-limit"),
            get("x-rate-limit-remaining"),
            get("x-rate-limit-reset"),
        ) {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
                bucket,
                RateState {
                    limit,
                    remaining,
                    reset,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slows_down_as_the_rate_limit_runs_low() {
        assert_eq!(pacing(600, 300, 1_060, 1_000), None, "plenty left");
        assert_eq!(
            pacing(600, 60, 1_060, 1_000),
            Some(Duration::from_millis(60_000 / 61))
        );
        assert_eq!(
            pacing(600, 0, 1_060, 1_000),
            Some(Duration::from_secs(60)),
            "none left: wait for the reset"
        );
        assert_eq!(
            pacing(600, 0, 1_000, 1_000),
            None,
            "the window already reset"
        );
        assert_eq!(pacing(0, 0, 0, 0), None, "no headers seen");
    }

    #[test]
    fn paths_fall_into_okta_buckets() {
        assert_eq!(Bucket::of("/api/v1/users"), Bucket::Users);
        assert_eq!(Bucket::of("/api/v1/groups"), Bucket::Groups);
        assert_eq!(Bucket::of("/api/v1/groups/00g1/users"), Bucket::Group);
        assert_eq!(
            Bucket::of("/api/v1/apps/0oa1/group-push/mappings"),
            Bucket::Apps
        );
        assert_eq!(Bucket::of("/api/v1/apps"), Bucket::Apps);
    }
}
