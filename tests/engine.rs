//! The engine as the app drives it: commands in, events out, over a sandbox on loopback.
//! Each job is reported once with its id and a typed outcome; the directory the app is
//! sent is shared with the engine, never copied whole.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::runner::{Command, Event, JobId, JobKind, Target};
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::model::Directory;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The engine on a fresh sandbox, connected and imported; the events so far.
struct Engine {
    handle: common::Engine,
    events: Vec<Event>,
    _sandbox: okta_statsig_teams::sandbox::Sandbox,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    _rt: tokio::runtime::Runtime,
}

impl Engine {
    fn start() -> Engine {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt.block_on(common::sandbox());
        let (data, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let handle = common::engine(Arc::new(MemoryStore::default()), DataDir::new(data.path()));
        handle.send(Command::Connect(Target::Direct {
            connection: Box::new(common::connection(&sandbox)),
            state_dir: state.path().to_path_buf(),
            label: "test".into(),
            demo: false,
        }));
        let mut e = Engine {
            handle,
            events: Vec::new(),
            _sandbox: sandbox,
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
        !common::statsig_emails(&e._sandbox, team)
            .unwrap()
            .contains(&email)
    );

    e.handle.send(Command::SetWatching {
        on: true,
        interval: Duration::from_millis(200),
    });
    // The change comes after the link's reads (Okta stamps to the millisecond).
    common::next_millisecond();
    e._sandbox
        .world()
        .set_okta_membership(
            &group.id,
            &newcomer.id,
            true,
            &okta_statsig_teams::clock::now(),
        )
        .unwrap();
    let start = Instant::now();
    while !common::statsig_emails(&e._sandbox, team)
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
