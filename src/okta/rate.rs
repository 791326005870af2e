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
    /// `/api/v1/logs`: the System Log, limited on its own.
    Logs,
    /// Anything else.
    Other,
}

impl Bucket {
    /// The bucket a path (below the org URL, without the query) counts against.
    pub fn of(path: &str) -> Bucket {
        let path = path.split('?').next().unwrap_or_default();
        if path.starts_with("/api/v1/apps") {
            Bucket::Apps
        } else if path == "/api/v1/logs" {
            Bucket::Logs
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
    /// Requests left in the window, less those sent since.
    pub remaining: u64,
    /// When the window resets, in epoch seconds.
    pub reset: u64,
}

/// One request of a bucket counted as in flight by [`Pacer::take`]. It is settled by
/// [`InFlight::answered`]; dropped unanswered (it failed, or a cancel dropped it mid-flight)
/// it is forgotten, so the bucket never waits for an answer that will not come.
#[must_use]
pub struct InFlight<'a> {
    pacer: &'a Pacer,
    bucket: Bucket,
    open: bool,
}

impl<'a> InFlight<'a> {
    /// Holds the request [`Pacer::take`] just counted for `bucket`.
    pub fn counted(pacer: &'a Pacer, bucket: Bucket) -> InFlight<'a> {
        InFlight {
            pacer,
            bucket,
            open: true,
        }
    }

    /// The answer came back: its headers say what is left of the bucket.
    pub fn answered(mut self, headers: &reqwest::header::HeaderMap) {
        self.open = false;
        self.pacer.note(self.bucket, headers);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.open {
            self.pacer.forget_one(self.bucket);
        }
    }
}

/// The rate state of every bucket seen, counted down as requests go out, so that
/// requests sent side by side never overrun what the server said is left.
#[derive(Debug, Default)]
pub struct Pacer(Mutex<HashMap<Bucket, Slot>>);

#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    state: RateState,
    /// Requests sent and not answered yet.
    in_flight: u64,
    /// An answer of this bucket came back (with or without rate-limit headers).
    answered: bool,
}

/// A little after the reset Okta names, for clocks that differ by a fraction of a second.
const RESET_MARGIN: Duration = Duration::from_millis(250);
/// How often a request asks again while the first of its bucket is still out.
const PROBE_WAIT: Duration = Duration::from_millis(10);

impl Pacer {
    /// Takes one request of `bucket` at `now` (epoch seconds with a fraction): `None`
    /// when it may go now (it is counted), else how long to wait before asking again.
    pub fn take(&self, bucket: Bucket, now: f64) -> Option<(Duration, RateState)> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let slot = map.entry(bucket).or_default();
        let s = &mut slot.state;
        if s.limit > 0 && now >= s.reset as f64 {
            // A new window: all of it is there again (the next answer says exactly).
            s.remaining = s.limit;
            s.reset = now as u64 + 60;
        }
        if !slot.answered && slot.in_flight > 0 {
            // The first request of a bucket finds out its limit; the rest wait for it
            // rather than all going at once into a limit nobody knows yet.
            return Some((PROBE_WAIT, *s));
        }
        if s.limit == 0 || s.remaining > 0 {
            s.remaining = s.remaining.saturating_sub(1);
            slot.in_flight += 1;
            return None;
        }
        let wait = Duration::from_secs_f64((s.reset as f64 - now).max(0.0)) + RESET_MARGIN;
        Some((wait, *s))
    }

    /// Notes what an answer's headers say of `bucket` (and that one request came back).
    pub fn note(&self, bucket: Bucket, headers: &reqwest::header::HeaderMap) {
        let get = |k: &str| {
            headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let slot = map.entry(bucket).or_default();
        slot.in_flight = slot.in_flight.saturating_sub(1);
        slot.answered = true;
        if let (Some(limit), Some(remaining), Some(reset)) = (
            get("x-rate-limit-limit"),
            get("x-rate-limit-remaining"),
            get("x-rate-limit-reset"),
        ) {
            // Requests still in flight may not be counted in this answer yet.
            let remaining = remaining.saturating_sub(slot.in_flight);
            let s = &mut slot.state;
            s.remaining = if reset == s.reset {
                remaining.min(s.remaining)
            } else {
                remaining
            };
            s.limit = limit;
            s.reset = reset;
        }
    }

    /// A request that never got an answer (it failed or was cancelled).
    fn forget_one(&self, bucket: Bucket) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = map.get_mut(&bucket) {
            slot.in_flight = slot.in_flight.saturating_sub(1);
        }
    }

    /// How long `requests` more of `bucket` take at the least, from what is known of its
    /// limit (`None` before any answer said).
    pub fn time_for(&self, bucket: Bucket, requests: u64, now: f64) -> Option<Duration> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let s = map.get(&bucket)?.state;
        if s.limit == 0 {
            return None;
        }
        if requests <= s.remaining {
            return Some(Duration::ZERO);
        }
        let windows = (requests - s.remaining - 1) / s.limit;
        let to_reset = (s.reset as f64 - now).max(0.0);
        Some(Duration::from_secs_f64(to_reset + windows as f64 * 60.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(limit: u64, remaining: u64, reset: u64) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-rate-limit-limit", limit.to_string().parse().unwrap());
        h.insert(
            "x-rate-limit-remaining",
            remaining.to_string().parse().unwrap(),
        );
        h.insert("x-rate-limit-reset", reset.to_string().parse().unwrap());
        h
    }

    #[test]
    fn spends_what_is_left_then_waits_for_the_reset() {
        let p = Pacer::default();
        assert_eq!(p.take(Bucket::Apps, 1_000.0), None, "nothing known: go");
        p.note(Bucket::Apps, &headers(100, 2, 1_060));
        assert_eq!(p.take(Bucket::Apps, 1_001.0), None);
        assert_eq!(p.take(Bucket::Apps, 1_001.0), None);
        let (wait, state) = p.take(Bucket::Apps, 1_001.5).expect("none left: wait");
        assert_eq!(state.remaining, 0);
        assert_eq!(wait, Duration::from_millis(58_500) + RESET_MARGIN);
        assert_eq!(p.take(Bucket::Apps, 1_060.0), None, "the window reset");
        assert_eq!(p.take(Bucket::Users, 1_001.0), None, "buckets are apart");
    }

    #[test]
    fn the_first_request_of_a_bucket_finds_its_limit_before_the_rest_go() {
        let p = Pacer::default();
        assert_eq!(p.take(Bucket::Group, 1_000.0), None, "the first goes");
        let (wait, _) = p.take(Bucket::Group, 1_000.0).expect("the rest wait");
        assert_eq!(wait, PROBE_WAIT);
        assert_eq!(p.take(Bucket::Users, 1_000.0), None, "other buckets go");
        p.note(Bucket::Group, &headers(3, 2, 1_060));
        assert_eq!(p.take(Bucket::Group, 1_000.0), None);
        assert_eq!(p.take(Bucket::Group, 1_000.0), None);
        assert!(
            p.take(Bucket::Group, 1_000.0).is_some(),
            "the limit is spent"
        );
        // A server that names no limit is not limited.
        p.note(Bucket::Users, &reqwest::header::HeaderMap::new());
        for _ in 0..100 {
            assert_eq!(p.take(Bucket::Users, 1_000.0), None);
        }
    }

    #[test]
    fn requests_in_flight_are_not_spent_twice() {
        let p = Pacer::default();
        p.take(Bucket::Apps, 1_000.0);
        p.note(Bucket::Apps, &headers(10, 3, 1_060));
        // Three go out side by side; the first answer still says two are left.
        for _ in 0..3 {
            assert_eq!(p.take(Bucket::Apps, 1_001.0), None);
        }
        p.note(Bucket::Apps, &headers(10, 2, 1_060));
        assert!(p.take(Bucket::Apps, 1_001.0).is_some(), "two are in flight");
    }

    #[test]
    fn the_time_for_many_requests_counts_whole_windows() {
        let p = Pacer::default();
        p.take(Bucket::Apps, 1_000.0);
        p.note(Bucket::Apps, &headers(100, 100, 1_060));
        assert_eq!(p.time_for(Bucket::Apps, 50, 1_000.0), Some(Duration::ZERO));
        assert_eq!(
            p.time_for(Bucket::Apps, 200, 1_000.0),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            p.time_for(Bucket::Apps, 201, 1_000.0),
            Some(Duration::from_secs(120))
        );
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

    #[test]
    fn a_request_dropped_unanswered_does_not_hold_its_bucket() {
        let p = Pacer::default();
        assert_eq!(p.take(Bucket::Group, 1_000.0), None, "the first goes");
        let first = InFlight::counted(&p, Bucket::Group);
        assert!(
            p.take(Bucket::Group, 1_000.0).is_some(),
            "the rest wait for its answer"
        );
        drop(first);
        assert_eq!(
            p.take(Bucket::Group, 1_000.0),
            None,
            "a cancel dropped it: the next goes"
        );
    }
}
