//! Resilience under faults, over real HTTP on loopback: many seeded pushes of thousands of
//! membership changes with 500s, 503s, 429s, resets, slow and garbled answers injected,
//! and out-of-band edits made while pushes run. After each push: Statsig has exactly the
//! planned membership, no team exists twice, nothing outside the plan was removed, and
//! every mapping ended Active or Error with a cause. Bounded in time and requests.
//! `scripts/test.sh` runs it with its figures printed.
#![allow(clippy::unwrap_used)]

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
/// The soak's size: its rounds (each a push, a change pushed again, an unlink), and the
/// requests it may send for them (a bound on work, not on time: a slow machine runs the
/// same rounds, only later).
const ROUNDS: usize = 40;
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

/// What the soak counted.
#[derive(Default)]
struct Stats {
    pushes: usize,
    changes: usize,
    mismatches: usize,
    errors_left: usize,
    created: usize,
}

/// The soak's world: a faulty sandbox, a workspace on it, and what it expects.
struct Soak {
    s: Sandbox,
    ws: Workspace,
    tally: Arc<Tally>,
    stats: Stats,
    okta_groups: Vec<String>,
    teams: Vec<(String, String)>,
    /// Groups no mapping touches, with the membership they must keep.
    untouched: BTreeMap<String, BTreeSet<String>>,
    some_user: String,
    rng: u64,
    _dir: tempfile::TempDir,
}

impl Soak {
    async fn start() -> Soak {
        let scale = Scale {
            users: 3000,
            projects: 4,
            teams: 24,
            okta_groups: 48,
            team_members: 60,
            group_members: 150,
            // No Statsig app in Okta: Direct push at scale, every team free to push.
            okta_app: false,
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
        let okta_groups = ws
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
        let untouched = teams
            .iter()
            .skip(16)
            .map(|(p, t)| format!("Statsig-{p}-{t}-Admin"))
            .map(|n| (n.clone(), members(&s, &n)))
            .collect();
        let some_user = s.world().users.iter().nth(7).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        Soak {
            s,
            ws,
            tally,
            stats: Stats::default(),
            okta_groups,
            teams,
            untouched,
            some_user,
            rng: 0x1234_5678,
            _dir: dir,
        }
    }

    fn next(&mut self, n: usize) -> usize {
        self.rng = self
            .rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.rng >> 33) as usize) % n.max(1)
    }

    /// Out of band, while pushes run: someone edits a team no mapping touches.
    fn edit_out_of_band(&mut self, round: usize) {
        let names: Vec<String> = self.untouched.keys().cloned().collect();
        let oob = names[round % names.len()].clone();
        {
            let mut w = self.s.world();
            let gid = w.groups.by_name(&oob).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            w.patch_group(&gid, &json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": self.some_user}]}]})).unwrap();
        }
        self.untouched
            .get_mut(&oob)
            .unwrap()
            .insert(self.some_user.clone());
    }

    /// A mapping made by Create (every fourth round) or Link: (its id, the target's name);
    /// `None` when a create failed before the team existed (nothing half-made is left).
    async fn make_mapping(&mut self, round: usize, okta: &str) -> Option<(String, String)> {
        let (target, outcome) = if round % 4 == 3 {
            let team = format!("Soak Team {round}");
            let project = self.teams[0].0.clone();
            let r = self.ws.create(okta, &project, &team, true).await;
            self.stats.created += 1;
            (format!("Statsig-{project}-{team}-Member"), r.map(|m| m.id))
        } else {
            let (p, t) = &self.teams[round % 16];
            let name = format!("Statsig-{p}-{t}-Member");
            let gid = self
                .ws
                .directory()
                .statsig_group_by_name(&name)
                .unwrap()
                .id
                .clone();
            let r = self.ws.link_confirmed(okta, &gid, true, usize::MAX).await;
            (name, r.map(|m| m.id))
        };
        self.stats.pushes += 1;
        match outcome {
            Ok(id) => Some((id, target)),
            Err(e) => match self.ws.mappings().iter().find(|m| m.okta_group_id == okta) {
                Some(m) => {
                    // The mapping exists and shows the failure with its cause.
                    assert!(
                        matches!(&m.status, MappingStatus::Error { cause, .. } if !cause.is_empty()),
                        "{e}: {:?}",
                        m.status
                    );
                    Some((m.id.clone(), target))
                }
                None => {
                    assert_eq!(count_named(&self.s, &target), 0, "{e}");
                    None
                }
            },
        }
    }

    /// Errors are retried from fresh reads until they converge (bounded).
    async fn retry_errors(&mut self, id: &str) {
        for _ in 0..5 {
            if !matches!(
                self.ws.state().mapping(id).unwrap().status,
                MappingStatus::Error { .. }
            ) {
                break;
            }
            let _ = self.ws.confirm_removals(id, usize::MAX).await;
        }
    }

    /// Active means Statsig holds exactly what Okta says; Error means a cause is given.
    fn check(&mut self, id: &str, okta: &str, target: &str) -> MappingStatus {
        let m = self.ws.state().mapping(id).unwrap().clone();
        match &m.status {
            MappingStatus::Active => {
                let (want, have) = (desired(&self.s, okta), members(&self.s, target));
                if want != have {
                    self.stats.mismatches += 1;
                    eprintln!(
                        "mismatch in {target}: {} wanted, {} held",
                        want.len(),
                        have.len()
                    );
                }
                self.stats.changes += m.last_counts.map(|c| c.added + c.removed).unwrap_or(0);
            }
            MappingStatus::Error { cause, .. } => {
                assert!(!cause.is_empty());
                self.stats.errors_left += 1;
            }
            other => panic!("mapping {id} ended {other:?}"),
        }
        assert_eq!(
            count_named(&self.s, target),
            1,
            "{target} exists exactly once"
        );
        if m.action == okta_statsig_teams::engine::state::PushAction::Create {
            assert_eq!(
                count_named(&self.s, &target.replace("-Member", "-Admin")),
                1
            );
        }
        m.status
    }

    /// Changes the Okta group: 20 members leave, 40 join.
    fn change_okta_group(&mut self, okta: &str) {
        let all: Vec<String> = self.s.world().okta_users.keys().cloned().collect();
        let joining: Vec<String> = (0..40)
            .map(|k| all[(self.next(all.len()) + k) % all.len()].clone())
            .collect();
        let mut w = self.s.world();
        let group = w.okta_groups.get_mut(okta).unwrap();
        let current: Vec<String> = group.members.iter().cloned().collect();
        for uid in current.iter().take(20) {
            group.members.remove(uid);
        }
        group.members.extend(joining);
    }

    /// Unlinks, so the team can be pushed from another group later: created teams are
    /// deleted (under faults too), linked ones left as they are.
    async fn unlink(&mut self, id: &str, target: &str) {
        use okta_statsig_teams::engine::Unlink;
        let m = self.ws.state().mapping(id).unwrap().clone();
        if m.action != okta_statsig_teams::engine::state::PushAction::Create {
            self.ws.unlink(id, Unlink::Leave, "").await.unwrap();
            return;
        }
        let word = self.ws.confirmation_word(id).unwrap();
        let mut done = false;
        for _ in 0..5 {
            if self.ws.unlink(id, Unlink::Delete, &word).await.is_ok() {
                done = true;
                break;
            }
        }
        assert!(done, "delete kept failing");
        assert_eq!(count_named(&self.s, target), 0, "the created team is gone");
    }

    /// One round: an out-of-band edit, a mapping pushed, its Okta group changed and pushed
    /// again, then unlinked.
    async fn round(&mut self, round: usize) {
        self.edit_out_of_band(round);
        let okta = self.okta_groups[round % self.okta_groups.len()].clone();
        let Some((id, target)) = self.make_mapping(round, &okta).await else {
            return;
        };
        self.retry_errors(&id).await;
        if self.check(&id, &okta, &target) == MappingStatus::Active {
            self.change_okta_group(&okta);
            let _ = self.ws.confirm_removals(&id, usize::MAX).await;
            self.retry_errors(&id).await;
            self.stats.pushes += 1;
            self.check(&id, &okta, &target);
        } else {
            self.change_okta_group(&okta);
        }
        self.unlink(&id, &target).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_pushes_converge_under_faults() {
    let started = Instant::now();
    let mut soak = Soak::start().await;
    for round in 0..ROUNDS {
        let requests = soak.tally.requests.load(Ordering::Relaxed);
        assert!(
            requests <= MAX_REQUESTS,
            "{requests} requests by round {round}: retries are not bounded"
        );
        soak.round(round).await;
    }
    for (name, want) in &soak.untouched {
        assert_eq!(
            &members(&soak.s, name),
            want,
            "{name} was touched by no mapping and must hold only the out-of-band edits"
        );
    }
    let s = &soak.s;
    let st = &soak.stats;
    let injected = s.scim_faults.counts.injected() + s.okta_faults.counts.injected();
    println!(
        "soak: {} pushes ({} creates), {} membership changes, {} requests, {injected} faults injected ({} SCIM, {} Okta), {} retries, {} ended in Error, mismatches = {}, {:.1} s",
        st.pushes,
        st.created,
        st.changes,
        soak.tally.requests.load(Ordering::Relaxed),
        s.scim_faults.counts.injected(),
        s.okta_faults.counts.injected(),
        soak.tally.retries.load(Ordering::Relaxed),
        st.errors_left,
        st.mismatches,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(st.mismatches, 0);
    assert!(
        st.pushes >= ROUNDS,
        "every round pushed its change ({} of {ROUNDS})",
        st.pushes
    );
    assert!(
        st.changes >= 5000,
        "thousands of membership changes ({})",
        st.changes
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
