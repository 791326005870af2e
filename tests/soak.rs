//! Resilience under faults, over real HTTP on loopback: many seeded pushes of thousands of
//! membership changes with 500s, 503s, 429s, resets, slow and garbled answers injected,
//! and out-of-band edits made while pushes run. After each push: Statsig has exactly the
//! planned membership, no team exists twice, nothing outside the plan was removed, and
//! every mapping ended Active or Error with a cause. Bounded in time and requests.
//! `scripts/test.sh` runs it with its figures printed.

mod common;

use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::engine::{Connection, Workspace};
use okta_statsig_teams::net::{Observer, RequestRecord, RetryPolicy, WaitRecord};
use okta_statsig_teams::sandbox::faults::Faults;
use okta_statsig_teams::sandbox::seed::{Scale, SeedKind, SeedSpec};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const FAULTS: &str = "500=0.05,503=0.05,429=0.05,reset=0.02,slow=0.01,garbage=0.01";
/// Bounds: the soak stops adding pushes after this long, and never sends more than this.
const TIME_BUDGET: Duration = Duration::from_secs(90);
const MAX_REQUESTS: u64 = 40_000;

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    retries: AtomicU64,
}

impl Observer for Tally {
    fn request(&self, _: RequestRecord) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    fn wait(&self, _: WaitRecord) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
}

fn policy() -> RetryPolicy {
    // Short waits and a short timeout keep the soak quick; the schedule itself is shown by
    // the paused-clock tests in src/net.rs.
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
        timeout: Duration::from_millis(400),
        ..RetryPolicy::default()
    }
}

fn faulty(seed: u64, kind: SeedKind) -> SandboxConfig {
    SandboxConfig {
        seed: SeedSpec {
            seed,
            kind,
            generic: false,
        },
        faults: Faults {
            slow_delay: Duration::from_millis(600),
            retry_after: 0,
            ..Faults::parse(FAULTS, seed).unwrap()
        },
        ..SandboxConfig::default()
    }
}

fn connect(s: &Sandbox, dir: &std::path::Path, observer: Arc<dyn Observer>) -> Workspace {
    // Small batches: more requests, so more of them meet a fault.
    let conn = Connection {
        batch_size: 20,
        ..common::connection(s)
    };
    common::open(conn, dir, policy(), observer)
}

/// What Statsig must hold for an Okta group, computed from the sandbox alone: the active
/// Okta members who have a Statsig account.
fn desired(s: &Sandbox, okta_group: &str) -> BTreeSet<String> {
    let w = s.world();
    w.okta_groups[okta_group]
        .members
        .iter()
        .filter_map(|uid| w.okta_users.get(uid))
        .filter(|u| u.status == "ACTIVE")
        .filter_map(|u| w.user_id_by_name(&u.email))
        .collect()
}

fn members(s: &Sandbox, group_name: &str) -> BTreeSet<String> {
    s.world()
        .group_member_ids(group_name)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn count_named(s: &Sandbox, name: &str) -> usize {
    s.world()
        .groups
        .iter()
        .filter(|g| {
            g["displayName"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_pushes_converge_under_faults() {
    let started = Instant::now();
    let scale = Scale {
        users: 3000,
        projects: 4,
        teams: 24,
        okta_groups: 48,
        team_members: 60,
        group_members: 150,
    };
    let s = Sandbox::start(faulty(11, SeedKind::Scaled(scale)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tally = Arc::new(Tally::default());
    let mut ws = connect(&s, dir.path(), tally.clone());
    let mut import_tries = 0;
    while let Err(e) = ws.import(|_| {}).await {
        import_tries += 1;
        assert!(import_tries < 5, "import kept failing: {e}");
    }

    let okta_groups: Vec<String> = ws
        .directory()
        .okta_groups
        .iter()
        .map(|g| g.id.clone())
        .collect();
    let teams: Vec<(String, String)> = ws
        .directory()
        .teams()
        .iter()
        .flat_map(|(p, t)| t.keys().map(move |k| (p.clone(), k.clone())))
        .collect();
    // Groups no mapping touches, with their membership, to check nothing strays there.
    let untouched: Vec<String> = teams
        .iter()
        .skip(16)
        .map(|(p, t)| format!("Statsig-{p}-{t}-Admin"))
        .collect();
    let mut expected_untouched: BTreeMap<String, BTreeSet<String>> = untouched
        .iter()
        .map(|n| (n.clone(), members(&s, n)))
        .collect();
    let some_user = s.world().users.iter().nth(7).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (mut pushes, mut changes, mut mismatches, mut errors_left, mut created) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut rng = 0x1234_5678u64;
    let mut next = |n: usize| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((rng >> 33) as usize) % n.max(1)
    };
    for round in 0..40 {
        if started.elapsed() > TIME_BUDGET || tally.requests.load(Ordering::Relaxed) > MAX_REQUESTS
        {
            break;
        }
        // Out of band, while pushes run: someone edits a team no mapping touches.
        let oob = untouched[round % untouched.len()].clone();
        {
            let mut w = s.world();
            let gid = w.groups.by_name(&oob).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            w.patch_group(&gid, &json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": some_user}]}]})).unwrap();
        }
        expected_untouched
            .get_mut(&oob)
            .unwrap()
            .insert(some_user.clone());

        let okta = okta_groups[round % okta_groups.len()].clone();
        let (target_name, outcome) = if round % 4 == 3 {
            // Create a new team by push.
            let team = format!("Soak Team {round}");
            let r = ws.create(&okta, &teams[0].0, &team, true).await;
            created += 1;
            (
                format!("Statsig-{}-{team}-Member", teams[0].0),
                r.map(|m| m.id),
            )
        } else {
            let (p, t) = &teams[round % 16];
            let name = format!("Statsig-{p}-{t}-Member");
            let gid = ws
                .directory()
                .statsig_group_by_name(&name)
                .unwrap()
                .id
                .clone();
            let r = ws.link_confirmed(&okta, &gid, true, usize::MAX).await;
            (name, r.map(|m| m.id))
        };
        pushes += 1;
        let id = match outcome {
            Ok(id) => id,
            Err(e) => match ws.mappings().iter().find(|m| m.okta_group_id == okta) {
                Some(m) => {
                    // The mapping exists and shows the failure with its cause.
                    assert!(
                        matches!(&m.status, MappingStatus::Error { cause, .. } if !cause.is_empty()),
                        "{e}: {:?}",
                        m.status
                    );
                    m.id.clone()
                }
                None => {
                    // Create failed before a team existed: nothing half-made is left.
                    assert_eq!(count_named(&s, &target_name), 0, "{e}");
                    continue;
                }
            },
        };
        // Errors are retried from fresh reads until they converge (bounded).
        for _ in 0..5 {
            if !matches!(
                ws.state().mapping(&id).unwrap().status,
                MappingStatus::Error { .. }
            ) {
                break;
            }
            let _ = ws.confirm_removals(&id, usize::MAX).await;
        }
        let m = ws.state().mapping(&id).unwrap().clone();
        match &m.status {
            MappingStatus::Active => {
                let want = desired(&s, &okta);
                let have = members(&s, &target_name);
                if want != have {
                    mismatches += 1;
                    eprintln!(
                        "mismatch in {target_name}: {} wanted, {} held",
                        want.len(),
                        have.len()
                    );
                }
                changes += m.last_counts.map(|c| c.added + c.removed).unwrap_or(0);
            }
            MappingStatus::Error { cause, .. } => {
                assert!(!cause.is_empty());
                errors_left += 1;
            }
            other => panic!("mapping {id} ended {other:?}"),
        }
        assert_eq!(
            count_named(&s, &target_name),
            1,
            "{target_name} exists exactly once"
        );
        if target_name.starts_with("Statsig-")
            && m.action == okta_statsig_teams::engine::state::PushAction::Create
        {
            assert_eq!(
                count_named(&s, &target_name.replace("-Member", "-Admin")),
                1
            );
        }
        // Change the Okta group and push again.
        {
            let mut w = s.world();
            let all: Vec<String> = w.okta_users.keys().cloned().collect();
            let group = w.okta_groups.get_mut(&okta).unwrap();
            let current: Vec<String> = group.members.iter().cloned().collect();
            for uid in current.iter().take(20) {
                group.members.remove(uid);
            }
            for k in 0..40 {
                group
                    .members
                    .insert(all[(next(all.len()) + k) % all.len()].clone());
            }
        }
        if m.status == MappingStatus::Active {
            let _ = ws.confirm_removals(&id, usize::MAX).await;
            for _ in 0..5 {
                if !matches!(
                    ws.state().mapping(&id).unwrap().status,
                    MappingStatus::Error { .. }
                ) {
                    break;
                }
                let _ = ws.confirm_removals(&id, usize::MAX).await;
            }
            pushes += 1;
            let m = ws.state().mapping(&id).unwrap().clone();
            match &m.status {
                MappingStatus::Active => {
                    if desired(&s, &okta) != members(&s, &target_name) {
                        mismatches += 1;
                    }
                    changes += m.last_counts.map(|c| c.added + c.removed).unwrap_or(0);
                }
                MappingStatus::Error { cause, .. } => {
                    assert!(!cause.is_empty());
                    errors_left += 1;
                }
                other => panic!("mapping {id} ended {other:?}"),
            }
        }
        // Unlink, so the team can be pushed from another group later: created teams are
        // deleted (under faults too), linked ones left as they are.
        let m = ws.state().mapping(&id).unwrap().clone();
        if m.action == okta_statsig_teams::engine::state::PushAction::Create {
            let word = ws.confirmation_word(&id).unwrap();
            let mut done = false;
            for _ in 0..5 {
                if ws
                    .unlink(&id, okta_statsig_teams::engine::Unlink::Delete, &word)
                    .await
                    .is_ok()
                {
                    done = true;
                    break;
                }
            }
            assert!(done, "delete kept failing");
            assert_eq!(count_named(&s, &target_name), 0, "the created team is gone");
        } else {
            ws.unlink(&id, okta_statsig_teams::engine::Unlink::Leave, "")
                .await
                .unwrap();
        }
    }
    for (name, want) in &expected_untouched {
        assert_eq!(
            &members(&s, name),
            want,
            "{name} was touched by no mapping and must hold only the out-of-band edits"
        );
    }
    let injected = s.scim_faults.counts.injected() + s.okta_faults.counts.injected();
    println!(
        "soak: {pushes} pushes ({created} creates), {changes} membership changes, {} requests, {injected} faults injected ({} SCIM, {} Okta), {} retries, {errors_left} ended in Error, mismatches = {mismatches}, {:.1} s",
        tally.requests.load(Ordering::Relaxed),
        s.scim_faults.counts.injected(),
        s.okta_faults.counts.injected(),
        tally.retries.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(mismatches, 0);
    assert!(pushes >= 40, "the soak ran its pushes ({pushes})");
    assert!(
        changes >= 5000,
        "thousands of membership changes ({changes})"
    );
    assert!(injected > 50, "faults were injected ({injected})");
}

/// With faults on, an import gives the same snapshot as with faults off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_import_under_faults_gives_the_same_snapshot() {
    let clean = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let faulty = Sandbox::start(faulty(7, SeedKind::Demo)).await.unwrap();
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = connect(&clean, d1.path(), Arc::new(Tally::default()));
    let mut b = connect(&faulty, d2.path(), Arc::new(Tally::default()));
    a.import(|_| {}).await.unwrap();
    b.import(|_| {}).await.unwrap();
    let (mut sa, mut sb) = (a.snapshot(true), b.snapshot(true));
    sb.taken_at = sa.taken_at.clone();
    sa.source = sb.source.clone();
    assert!(
        faulty.scim_faults.counts.injected() + faulty.okta_faults.counts.injected() > 0,
        "faults were injected"
    );
    assert_eq!(
        String::from_utf8(sa.to_json()).unwrap(),
        String::from_utf8(sb.to_json()).unwrap()
    );
}
