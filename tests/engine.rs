//! The engine as the app drives it: commands in, events out, over a sandbox on loopback.
//! Each job is reported once with its id and a typed outcome; the directory the app is
//! sent is shared with the engine, never copied whole.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{Activity, Command, Event, JobId, JobKind, Target};
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::engine::workspace::PushMode;
use okta_statsig_teams::engine::{Connection, DataDir};
use okta_statsig_teams::model::Directory;
use okta_statsig_teams::model::mapping::Mapping;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The engine on a fresh sandbox, connected and imported; the events so far.
struct Engine {
    handle: common::Engine,
    events: Vec<Event>,
    sandbox: Sandbox,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    _rt: tokio::runtime::Runtime,
}

impl Engine {
    fn start() -> Engine {
        Engine::start_in(SandboxConfig::default(), PushModeChoice::Direct)
    }

    /// The engine on a fresh sandbox started with `config`, connected in `push_mode`.
    fn start_in(config: SandboxConfig, push_mode: PushModeChoice) -> Engine {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
        let (data, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let handle = common::engine(Arc::new(MemoryStore::default()), DataDir::new(data.path()));
        handle.send(Command::Connect(Target::Direct {
            connection: Box::new(Connection {
                push_mode,
                ..common::connection(&sandbox)
            }),
            state_dir: state.path().to_path_buf(),
            label: "test".into(),
            demo: false,
        }));
        let mut e = Engine {
            handle,
            events: Vec::new(),
            sandbox,
            _dirs: (data, state),
            _rt: rt,
        };
        e.until_finished(JobKind::Connect)
            .expect("connecting to the sandbox works");
        e
    }

    /// Collects events until a job of `kind` finishes; its outcome.
    fn until_finished(&mut self, kind: JobKind) -> Result<String, String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            for ev in self.handle.next_events(deadline) {
                let done = match &ev {
                    Event::JobFinished {
                        kind: k, outcome, ..
                    } if *k == kind => Some(outcome.clone().map_err(|e| e.to_string())),
                    _ => None,
                };
                self.events.push(ev);
                if let Some(o) = done {
                    return o;
                }
            }
            assert!(Instant::now() < deadline, "no end of {kind:?}");
        }
    }

    /// Collects events until `done` holds (30 s at most, so a hang fails with `what`).
    fn until(&mut self, what: &str, mut done: impl FnMut(&Engine) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&*self) {
            assert!(Instant::now() < deadline, "{what}");
            let events = self.handle.next_events(deadline);
            self.events.extend(events);
        }
    }

    /// The mappings last sent.
    fn mappings(&self) -> Vec<Mapping> {
        self.events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Mappings(m) => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The mapping `id` as last sent.
    fn mapping(&self, id: &str) -> Option<Mapping> {
        self.mappings().into_iter().find(|m| m.id == id)
    }

    fn directories(&self) -> Vec<Arc<Directory>> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Directory { directory, .. } => Some(directory.clone()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn each_job_is_reported_once_with_its_id_and_a_typed_outcome() {
    let mut e = Engine::start();
    e.handle.send(Command::Push {
        mapping_id: "m404".into(),
        allowed_removals: 0,
    });
    let outcome = e.until_finished(JobKind::Push);
    assert_eq!(outcome, Err("There is no mapping m404.".to_string()));
    let mut started: Vec<(JobId, JobKind)> = Vec::new();
    let mut finished: Vec<(JobId, JobKind)> = Vec::new();
    for ev in &e.events {
        match ev {
            Event::JobStarted { id, kind } => started.push((*id, *kind)),
            Event::JobFinished { id, kind, .. } => finished.push((*id, *kind)),
            _ => {}
        }
    }
    assert_eq!(started, finished, "every job that starts finishes, once");
    assert_eq!(
        started.iter().map(|(_, k)| *k).collect::<Vec<_>>(),
        [JobKind::Connect, JobKind::Push]
    );
    assert!(started[0].0 < started[1].0, "ids follow the order jobs ran");
}

#[test]
fn the_directory_is_shared_not_copied_between_jobs() {
    let mut e = Engine::start();
    let before = e.directories().last().unwrap().clone();
    let (okta, target) = {
        let d = &before;
        (
            d.okta_group_by_name("Payments Engineers")
                .unwrap()
                .id
                .clone(),
            d.statsig_group_by_name("Statsig-Checkout-Payments-Member")
                .unwrap()
                .id
                .clone(),
        )
    };
    e.handle.send(Command::Link {
        okta_group_id: okta,
        statsig_group_id: target.clone(),
        push_now: true,
        allowed_removals: 0,
    });
    e.until_finished(JobKind::Link).unwrap();
    let after = e.directories().last().unwrap().clone();
    assert!(
        !Arc::ptr_eq(&before, &after),
        "the push changed the directory"
    );
    // What the push did not touch is the very same memory the app already holds.
    assert!(Arc::ptr_eq(&before.statsig_users, &after.statsig_users));
    assert!(Arc::ptr_eq(&before.okta_users, &after.okta_users));
    let shared = before
        .statsig_groups
        .iter()
        .zip(after.statsig_groups.iter())
        .filter(|(a, b)| Arc::ptr_eq(a, b))
        .count();
    assert!(
        shared >= before.statsig_groups.len() - 1,
        "{shared} of {} groups shared",
        before.statsig_groups.len()
    );
    // A job that changes nothing sends no directory at all.
    let sent = e.directories().len();
    e.handle.send(Command::Push {
        mapping_id: "m404".into(),
        allowed_removals: 0,
    });
    e.until_finished(JobKind::Push).unwrap_err();
    assert_eq!(e.directories().len(), sent);
}

/// Watching: with the watcher on, a change made in Okta to a linked group reaches Statsig
/// with no command sent; turned off, it says so.
#[test]
fn the_periodic_watcher_pushes_a_change_made_in_okta_by_itself() {
    let mut e = Engine::start();
    let d = e.directories().last().unwrap().clone();
    let group = d.okta_group_by_name("ML Platform").unwrap().clone();
    let team = "Statsig-Data-Platform-ML-Ops-Member";
    let target = d.statsig_group_by_name(team).unwrap().id.clone();
    let newcomer = d
        .okta_users
        .iter()
        .find(|u| {
            u.is_active() && !group.members.contains(&u.id) && d.statsig_user_for(u).is_some()
        })
        .unwrap()
        .clone();
    e.handle.send(Command::Link {
        okta_group_id: group.id.clone(),
        statsig_group_id: target,
        push_now: true,
        allowed_removals: usize::MAX,
    });
    e.until_finished(JobKind::Link).unwrap();
    let email = newcomer.email.to_lowercase();
    assert!(
        !common::statsig_emails(&e.sandbox, team)
            .unwrap()
            .contains(&email)
    );

    e.handle.send(Command::SetWatching {
        on: true,
        interval: Duration::from_millis(200),
    });
    // The change comes after the link's reads (Okta stamps to the millisecond).
    common::next_millisecond();
    e.sandbox
        .world()
        .set_okta_membership(
            &group.id,
            &newcomer.id,
            true,
            &okta_statsig_teams::clock::now(),
        )
        .unwrap();
    let start = Instant::now();
    while !common::statsig_emails(&e.sandbox, team)
        .unwrap()
        .contains(&email)
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the watcher pushed the newcomer"
        );
        e.until_finished(JobKind::Watch).unwrap();
    }
    assert!(
        e.events
            .iter()
            .any(|ev| matches!(ev, Event::Watching(true)))
    );
    assert!(
        !e.events.iter().any(|ev| matches!(
            ev,
            Event::JobStarted {
                kind: JobKind::Push,
                ..
            }
        )),
        "no push was asked for: the watcher pushed"
    );
    e.handle.send(Command::SetWatching {
        on: false,
        interval: Duration::from_millis(200),
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while !e
        .events
        .iter()
        .any(|ev| matches!(ev, Event::Watching(false)))
    {
        assert!(Instant::now() < deadline, "watching off is said");
        e.events.extend(e.handle.next_events(deadline));
    }
}

/// How many mappings a watch's sentence says were pushed ("…, 1 pushed.").
fn pushed_in(outcome: &str) -> usize {
    let at = outcome
        .find(" pushed")
        .unwrap_or_else(|| panic!("a watch says what was pushed: {outcome}"));
    outcome[..at].rsplit(' ').next().unwrap().parse().unwrap()
}

/// Watching in Okta push: a member added in Okta to a group Okta pushes is seen by the
/// periodic watcher with no job asked for. Okta's own push worker pushes it, never the app:
/// while Okta has not, the mapping says "Okta is pushing" and Statsig is untouched; once it
/// has, the watch counts one push and the mapping and the directory show what Okta pushed.
#[test]
fn the_periodic_watcher_in_okta_push_sees_a_change_and_reports_what_okta_pushed() {
    let config = SandboxConfig {
        okta_push_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    };
    let mut e = Engine::start_in(config, PushModeChoice::Okta);
    assert!(
        e.events.iter().any(|ev| matches!(
            ev,
            Event::Mode(r) if matches!(r.mode, PushMode::Okta(_))
        )),
        "connected in Okta push"
    );
    let team = "Statsig-Mobile-iOS-Member";
    let (group, mapping, newcomer, app) = ios_guild_and_a_newcomer(&e.sandbox);
    let seen = e.mapping(&mapping.id).expect("Okta's mapping is listed");
    assert_eq!(seen.last_push, mapping.last_push);
    let statsig_id = newcomer.external_id.clone().unwrap();
    let in_statsig = |e: &Engine| -> BTreeSet<String> {
        e.sandbox
            .world()
            .group_member_ids(team)
            .unwrap()
            .into_iter()
            .collect()
    };
    let before = in_statsig(&e);
    assert!(!before.contains(&statsig_id));

    // Statsig holds every write: whoever pushes waits at its door.
    let held = e.sandbox.hold_statsig_requests(|method, _| method != "GET");
    common::next_millisecond();
    e.sandbox
        .world()
        .set_okta_membership(
            &group.id,
            &newcomer.id,
            true,
            &okta_statsig_teams::clock::now(),
        )
        .unwrap();
    e.handle.send(Command::SetWatching {
        on: true,
        interval: Duration::from_millis(100),
    });
    let pending = |e: &Engine| e.mapping(&mapping.id).and_then(|m| m.remote?.pending);
    e.until("the watcher sees Okta's change, not pushed yet", |e| {
        pending(e).is_some_and(|p| p.starts_with("Okta is pushing"))
            && e.directories().last().is_some_and(|d| {
                d.okta_group_by_name("iOS Guild")
                    .is_some_and(|g| g.members.contains(&newcomer.id))
            })
    });
    assert!(
        held.until_one_waits(Duration::from_secs(30)),
        "Okta's worker is pushing the change"
    );
    assert_eq!(in_statsig(&e), before, "nothing reached Statsig yet");
    let released_at = e.events.len();
    held.release();

    let want: BTreeSet<String> = {
        let w = e.sandbox.world();
        w.pushable_scim_ids(&app, &w.okta_groups[&group.id].members)
    };
    assert!(want.contains(&statsig_id));
    // A look publishes what it read, then finishes with its sentence.
    let counted = |e: &Engine| {
        e.events[released_at..].iter().any(|ev| {
            matches!(ev, Event::JobFinished { kind: JobKind::Watch, outcome: Ok(said), .. }
                if pushed_in(said) > 0)
        })
    };
    e.until("the watcher sees what Okta pushed", |e| {
        let okta_last_push = e.sandbox.world().push_mappings[&mapping.id]
            .last_push
            .clone();
        let shown = e.mapping(&mapping.id);
        let team_shown = e.directories().last().and_then(|d| {
            d.statsig_group_by_name(team)
                .map(|g| g.members.iter().cloned().collect::<BTreeSet<_>>())
        });
        counted(e)
            && okta_last_push != mapping.last_push
            && shown.is_some_and(|m| {
                m.last_push == okta_last_push && m.remote.is_some_and(|o| o.pending.is_none())
            })
            && team_shown.as_ref() == Some(&want)
    });
    // What Okta pushed is what Statsig holds, exactly.
    assert_eq!(in_statsig(&e), want);
    let shown = e.mapping(&mapping.id).unwrap();
    assert_eq!(shown.drift, None, "Okta's push is no edit made in Statsig");

    // Every job was the watcher's; each sentence counts Okta's pushes: one, after it pushed.
    only_okta_pushed(&e.events, released_at);
}

/// The seed's iOS Guild, the push mapping Okta has for it, someone Okta would push who is
/// not in it, and the Statsig app's id.
fn ios_guild_and_a_newcomer(
    s: &Sandbox,
) -> (
    okta_statsig_teams::sandbox::world::OktaGroupRec,
    okta_statsig_teams::sandbox::world::PushMappingRec,
    okta_statsig_teams::sandbox::world::AppUserRec,
    String,
) {
    let w = s.world();
    let group = w.okta_group_by_name("iOS Guild").unwrap().clone();
    let app = w
        .apps
        .values()
        .find(|a| a.label == "Statsig SCIM")
        .unwrap()
        .id
        .clone();
    let newcomer = w.app_users[&app]
        .values()
        .find(|u| {
            u.external_id.is_some()
                && !group.members.contains(&u.id)
                && w.okta_users[&u.id].status == "ACTIVE"
        })
        .unwrap()
        .clone();
    let mapping = w
        .push_mappings
        .values()
        .find(|m| m.source_group_id == group.id)
        .unwrap()
        .clone();
    (group, mapping, newcomer, app)
}

/// Every job was the watcher's (after connecting), the app sent Statsig nothing but reads,
/// and the watch's sentences counted one push by Okta, after `released_at`.
fn only_okta_pushed(events: &[Event], released_at: usize) {
    let mut pushes = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::JobStarted { kind, .. } => assert!(
                matches!(kind, JobKind::Connect | JobKind::Watch),
                "no job but the watcher's: {kind:?}"
            ),
            Event::JobFinished {
                kind: JobKind::Watch,
                outcome,
                ..
            } => {
                let said = outcome.as_ref().expect("each look works");
                if pushed_in(said) > 0 {
                    pushes.push((i, said.clone()));
                }
            }
            // The app sends Statsig nothing but reads: Okta pushes.
            Event::Activity(Activity::Request(r)) => assert!(
                r.service != "Statsig" || r.method == "GET",
                "the app wrote to Statsig: {} {}",
                r.method,
                r.path
            ),
            _ => {}
        }
    }
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert!(pushes[0].0 > released_at, "counted once Okta pushed");
    assert!(pushes[0].1.contains(", 1 pushed"), "{}", pushes[0].1);
}
