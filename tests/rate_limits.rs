//! Okta's per-bucket rate limits: the sandbox applies them as Okta publishes them, and an
//! import paces each bucket on its own, side by side, and never meets a 429.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::net::{Observer, RequestRecord, RetryPolicy, WaitRecord};
use okta_statsig_teams::sandbox::limits::OktaLimits;
use okta_statsig_teams::sandbox::seed::{Scale, SeedKind, SeedSpec};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::sync::{Arc, Mutex};

/// Every Okta answer's path and status.
#[derive(Default)]
struct Statuses(Mutex<Vec<(String, Option<u16>)>>);

impl Observer for Statuses {
    fn request(&self, r: RequestRecord) {
        if r.service == "Okta" {
            self.0.lock().unwrap().push((r.path, r.status));
        }
    }
    fn wait(&self, _: WaitRecord) {}
}

async fn limited(limits: OktaLimits) -> Sandbox {
    Sandbox::start(SandboxConfig {
        seed: SeedSpec {
            seed: 3,
            kind: SeedKind::Scaled(Scale {
                users: 450,
                projects: 2,
                teams: 6,
                okta_groups: 24,
                team_members: 10,
                group_members: 15,
                // No Statsig app in Okta: the counts below are the generated groups'.
                okta_app: false,
            }),
            generic: false,
        },
        okta_limits: limits,
        // One-second windows: the same arithmetic as Okta's minute, in a test's time.
        okta_rate_window_secs: 1,
        // A network's delay, so that requests sent side by side are out together.
        latency: std::time::Duration::from_millis(30),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_paces_every_bucket_and_never_meets_a_429() {
    let limits = OktaLimits {
        users: 1,
        groups: 2,
        group: 5,
        apps: 2,
        logs: 2,
        other: 2,
    };
    let s = limited(limits).await;
    // Sent all at once, a group's members are refused past the bucket's limit.
    let burst = futures::future::join_all(
        (0..12).map(|_| common::okta(&s, "GET", "/api/v1/groups/nope/users", None)),
    )
    .await;
    assert!(
        burst.iter().any(|a| a.status == 429),
        "the sandbox enforces the group bucket"
    );
    // The window the burst spent ends; the import starts in a new one.
    s.end_okta_rate_windows();

    let dir = tempfile::tempdir().unwrap();
    let statuses = Arc::new(Statuses::default());
    let mut ws = common::open(
        common::connection(&s),
        dir.path(),
        RetryPolicy::default(),
        statuses.clone(),
    );
    let d = ws.import(|_| {}).await.unwrap();
    assert_eq!(d.okta_users.len(), 450, "every user, over three pages");
    assert_eq!(d.okta_groups.len(), 24);
    assert!(
        d.okta_groups.iter().all(|g| !g.members.is_empty()),
        "every group's members"
    );
    let seen = statuses.0.lock().unwrap().clone();
    let refused: Vec<_> = seen.iter().filter(|(_, st)| *st == Some(429)).collect();
    assert!(refused.is_empty(), "no request met a 429: {refused:?}");
    let member_reads = seen
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1/groups/") && p.ends_with("/users"))
        .count();
    assert_eq!(member_reads, 24, "one read per group");
}

/// A cancel that drops Okta requests mid-flight (the first of their bucket, whose answer
/// would have told the bucket's limit) does not leave the next requests of that bucket
/// waiting for an answer that never comes: after a cancelled import, Check now reads.
#[tokio::test]
async fn a_request_dropped_in_flight_does_not_hold_its_bucket() {
    let s = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let group = s.world().okta_groups.keys().next().unwrap().clone();
    let okta = okta_statsig_teams::okta::OktaClient::new(
        &s.okta_url,
        s.okta_token.clone(),
        RetryPolicy::default(),
        Arc::new(okta_statsig_teams::net::Silent),
    )
    .unwrap();
    let held = s.hold_okta_requests(|_, p| p.ends_with("/users") && p.contains("/groups/"));
    let stuck = {
        let (okta, group) = (okta.clone(), group.clone());
        tokio::spawn(async move { okta.group_members(&group).await })
    };
    let reached = held
        .until_one_waits_async(std::time::Duration::from_secs(10))
        .await;
    assert!(reached, "the request reaches Okta");
    // As a cancelled import drops the reads it started: the request never comes back.
    stuck.abort();
    assert!(stuck.await.unwrap_err().is_cancelled());
    held.release();
    let members = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        okta.group_members(&group),
    )
    .await
    .expect("the next request of the bucket goes, not waits for the dropped one");
    assert_eq!(
        members.unwrap().len(),
        s.world().okta_groups[&group].members.len()
    );
}
