//! The seed workflow in Okta push, through the engine, over real HTTP to the sandbox's
//! Okta emulator and its push worker: find the app, import, build a mapping group, Link
//! with preview and guard, Okta pushes, a change is pushed, deactivate and activate,
//! Create, unlink with Leave and Delete, a mapping made in Okta's console appears, and an
//! ERROR shows Okta's errorSummary. Then the bad inputs, one sentence each.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::engine::workspace::PushMode;
use okta_statsig_teams::engine::{Connection, EngineError, Unlink, Workspace};
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_push_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn okta_connection(s: &Sandbox, mode: PushModeChoice) -> Connection {
    Connection {
        push_mode: mode,
        ..common::connection(s)
    }
}

async fn open(conn: Connection, dir: &std::path::Path) -> Workspace {
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let mut ws = common::open(conn, dir, policy, Arc::new(Silent));
    ws.import(|_| {}).await.unwrap();
    ws
}

/// What Okta must have pushed for an Okta group: its active members assigned to the app.
fn desired(s: &Sandbox, okta_group: &str) -> Vec<String> {
    let w = s.world();
    let app = w.apps.values().find(|a| a.label == "Statsig SCIM").unwrap();
    let members = w.okta_groups[okta_group].members.clone();
    w.pushable_scim_ids(&app.id, &members).into_iter().collect()
}

fn app_id(s: &Sandbox, label: &str) -> String {
    let w = s.world();
    w.apps
        .values()
        .find(|a| a.label == label)
        .unwrap()
        .id
        .clone()
}

fn statsig_app(s: &Sandbox) -> String {
    app_id(s, "Statsig SCIM")
}

/// Waits until `ok` holds, looking again at each write to the sandbox's world (20 s at
/// most, so a hang fails).
async fn eventually(s: &Sandbox, what: &str, mut ok: impl FnMut() -> bool) {
    let done = s.until_async(Duration::from_secs(20), async || ok()).await;
    assert!(done, "{what}");
}

#[tokio::test]
async fn the_statsig_app_is_found_and_okta_console_mappings_show_with_their_status() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let PushMode::Okta(app) = ws.push_mode() else {
        panic!("Okta push, got {:?}", ws.push_mode());
    };
    assert_eq!(app.label, "Statsig SCIM");
    let by_okta = |name: &str| {
        ws.mappings()
            .iter()
            .find(|m| m.okta_group_name == name)
            .unwrap_or_else(|| panic!("{name} is listed"))
            .clone()
    };
    assert_eq!(by_okta("iOS Guild").status, MappingStatus::Active);
    assert!(by_okta("iOS Guild").last_push.is_some());
    assert_eq!(by_okta("Warehouse Crew").status, MappingStatus::Inactive);
    match by_okta("Growth Lab").status {
        MappingStatus::Error { cause, .. } => {
            assert!(cause.contains("Statsig answered 400"), "{cause}");
            assert!(cause.contains("Statsig-Growth Lab-Experiments-Member"));
        }
        other => panic!("Growth Lab is in ERROR, not {other:?}"),
    }
    // Teams made in Statsig since Okta's last import are named, with where to click.
    let missing: Vec<String> = ws
        .directory()
        .not_imported()
        .iter()
        .map(|g| g.display_name.clone())
        .collect();
    assert!(missing.contains(&"Statsig-Data-Platform-Analytics Eng-Member".to_string()));
    assert!(!missing.contains(&"Statsig-Checkout-Payments-Member".to_string()));
    // Members Okta will not push, with the reason: not assigned to the app.
    let contractor = ws
        .directory()
        .okta_user_by_email("sam@partner-agency.com")
        .unwrap()
        .id
        .clone();
    let i = ws.directory().okta_user_index(&contractor).unwrap();
    let reason = ws.directory().pushable(i).unwrap_err().to_string();
    assert!(
        reason.contains("not assigned to the \"Statsig SCIM\" app"),
        "{reason}"
    );
}

#[tokio::test]
async fn link_with_preview_and_guard_then_okta_pushes_and_keeps_pushing() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    let team = "Statsig-Checkout-Growth-Member";
    let target = ws
        .directory()
        .statsig_group_by_name(team)
        .unwrap()
        .id
        .clone();
    let has = ws.directory().statsig_group(&target).unwrap().members.len();
    assert!(has > 3);
    // A mapping group of two: linking would remove every current member of the team.
    let two: Vec<String> = desired(
        &s,
        &ws.directory()
            .okta_group_by_name("Fraud Squad")
            .unwrap()
            .id
            .clone(),
    )
    .into_iter()
    .take(2)
    .filter_map(|sid| {
        let d = ws.directory();
        let u = d.statsig_user(&sid)?;
        d.okta_user_by_email(&u.user_name).map(|o| o.id.clone())
    })
    .collect();
    let group = ws
        .create_mapping_group("Growth Core", "two people", &two)
        .await
        .unwrap();
    let plan = ws.plan(&group.id, &target).unwrap();
    assert_eq!(plan.adds.len(), 2);
    let before = s.world().push_mappings.len();
    match ws.link(&group.id, &target, true).await {
        Err(EngineError::NeedsConfirmation(stop)) => assert_eq!(stop.removals, has),
        other => panic!("the guard stops it, got {other:?}"),
    }
    assert_eq!(
        s.world().push_mappings.len(),
        before,
        "nothing made in Okta"
    );
    let m = ws
        .link_confirmed(&group.id, &target, true, has)
        .await
        .unwrap();
    assert!(m.id.starts_with("gPm"), "the mapping is Okta's: {}", m.id);
    assert_eq!(m.status, MappingStatus::Active);
    let gid = group.id.clone();
    eventually(&s, "Okta pushes the group to Statsig", || {
        let want = desired(&s, &gid);
        s.world().group_member_ids(team) == Some(want)
    })
    .await;

    // A change in Okta: Okta pushes it.
    let third = ws
        .directory()
        .okta_users
        .iter()
        .find(|u| {
            u.is_active()
                && !two.contains(&u.id)
                && ws
                    .directory()
                    .okta_user_index(&u.id)
                    .is_some_and(|i| ws.directory().pushable(i).is_ok())
        })
        .unwrap()
        .id
        .clone();
    ws.set_okta_members(&group.id, std::slice::from_ref(&third), &[])
        .await
        .unwrap();
    eventually(&s, "Okta pushes the change", || {
        s.world()
            .group_member_ids(team)
            .is_some_and(|m| m.len() == 3)
    })
    .await;
    // The watcher sees Okta's push: nothing pending, no drift.
    eventually(&s, "Okta's lastPush is after the change", || {
        let w = s.world();
        w.push_mappings[&m.id].last_push.is_some()
            && w.push_mappings[&m.id].synced_membership.as_deref()
                == Some(w.okta_groups[&gid].last_membership_updated.as_str())
    })
    .await;
    ws.watch_once().await.unwrap();
    let now = ws.mappings().iter().find(|x| x.id == m.id).unwrap().clone();
    assert_eq!(now.remote.as_ref().unwrap().pending, None, "{now:?}");
    assert_eq!(now.drift, None);

    // Deactivate, then activate: Okta's status follows.
    ws.set_active(&m.id, false).await.unwrap();
    assert_eq!(s.world().push_mappings[&m.id].status, "INACTIVE");
    ws.set_active(&m.id, true).await.unwrap();
    assert_eq!(s.world().push_mappings[&m.id].status, "ACTIVE");

    // Unlink with Leave: the mapping goes, the team stays.
    ws.unlink(&m.id, Unlink::Leave, "").await.unwrap();
    assert!(!s.world().push_mappings.contains_key(&m.id));
    assert!(ws.mappings().iter().all(|x| x.id != m.id));
    assert_eq!(s.world().group_member_ids(team).map(|m| m.len()), Some(3));
}

#[tokio::test]
async fn create_then_unlink_with_delete_removes_the_team_from_statsig() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    let pricing = ws
        .directory()
        .okta_group_by_name("Pricing Council")
        .unwrap()
        .id
        .clone();
    let m = ws
        .create(&pricing, "Checkout", "Pricing Council", true)
        .await
        .unwrap();
    let name = "Statsig-Checkout-Pricing Council-Member";
    assert_eq!(m.statsig_group_name, name);
    eventually(&s, "Okta creates the team at its first push", || {
        let want = desired(&s, &pricing);
        s.world().group_member_ids(name) == Some(want)
    })
    .await;
    ws.import(|_| {}).await.unwrap();
    let m = ws.mappings().iter().find(|x| x.id == m.id).unwrap().clone();
    assert!(!m.statsig_group_id.is_empty(), "the new team is known now");
    let refused = ws.unlink(&m.id, Unlink::Delete, "Pricing").await;
    assert!(matches!(refused, Err(EngineError::NotConfirmed { .. })));
    assert!(s.world().push_mappings.contains_key(&m.id), "nothing sent");
    ws.unlink(&m.id, Unlink::Delete, "Pricing Council")
        .await
        .unwrap();
    eventually(&s, "Okta deletes the team in Statsig", || {
        s.world().group_member_ids(name).is_none()
    })
    .await;
}

#[tokio::test]
async fn a_mapping_made_in_oktas_console_appears_at_the_next_watch() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let made = {
        let mut w = s.world();
        let app = w
            .apps
            .values()
            .find(|a| a.label == "Statsig SCIM")
            .unwrap()
            .id
            .clone();
        let source = w.okta_group_by_name("Onboarding Squad").unwrap().id.clone();
        let target = w
            .okta_group_by_name("Statsig-Growth Experiments-Onboarding-Member")
            .unwrap()
            .id
            .clone();
        let now = okta_statsig_teams::clock::now();
        w.create_push_mapping(
            &app,
            &json!({"sourceGroupId": source, "targetGroupId": target}),
            &now,
        )
        .unwrap()
        .id
    };
    ws.watch_once().await.unwrap();
    let m = ws
        .mappings()
        .iter()
        .find(|m| m.id == made)
        .expect("it appears");
    assert_eq!(m.okta_group_name, "Onboarding Squad");
    assert_eq!(
        m.statsig_group_name,
        "Statsig-Growth Experiments-Onboarding-Member"
    );
    // Deleted in the console: gone at the next full look, and a push of it says so.
    s.world().push_mappings.remove(&made);
    let e = ws
        .push_confirmed(&made, usize::MAX)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("was deleted in Okta"), "{e}");
    assert!(ws.mappings().iter().all(|m| m.id != made));
}

#[tokio::test]
async fn without_a_statsig_token_okta_push_still_works_and_says_what_it_cannot_know() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection {
        statsig_url: String::new(),
        statsig_token: Default::default(),
        ..okta_connection(&s, PushModeChoice::Okta)
    };
    let mut ws = open(conn, dir.path()).await;
    assert!(matches!(ws.push_mode(), PushMode::Okta(_)));
    assert!(!ws.directory().statsig_read);
    let teams: usize = ws.directory().teams().values().map(|t| t.len()).sum();
    assert!(teams > 5, "teams come from the groups imported into Okta");
    let (src, target) = common::pair(
        &ws,
        "Okta Test Team",
        "Statsig-Okta Test Proj-Test Team-Member",
    );
    let m = ws.link(&src, &target, true).await.unwrap();
    eventually(&s, "Okta pushes", || {
        let want = desired(&s, &src);
        s.world()
            .group_member_ids("Statsig-Okta Test Proj-Test Team-Member")
            == Some(want)
    })
    .await;
    assert!(ws.scim().is_err(), "verify needs Statsig: {:?}", m.id);
}

#[tokio::test]
async fn bad_inputs_each_get_one_sentence_and_change_nothing() {
    let s = sandbox().await;
    // No app matches the search.
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection {
        app_search: "Nowhere".into(),
        ..okta_connection(&s, PushModeChoice::Okta)
    };
    let mut ws = open(conn, dir.path()).await;
    let (src, target) = common::pair(
        &ws,
        "Okta Test Team",
        "Statsig-Okta Test Proj-Test Team-Member",
    );
    let e = ws.link(&src, &target, true).await.unwrap_err().to_string();
    assert!(
        e.contains("No app in this Okta org has a label starting with \"Nowhere\""),
        "{e}"
    );
    // An app without Group Push: Auto falls back to Direct push and says why.
    let console = app_id(&s, "Statsig Console");
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection {
        okta_app_id: Some(console),
        ..okta_connection(&s, PushModeChoice::Auto)
    };
    let ws = open(conn, dir.path()).await;
    assert_eq!(ws.push_mode(), PushMode::Direct);
    let w = ws.mode_report().unwrap().warning.clone().unwrap();
    assert!(
        w.contains("has no Group Push") && w.contains("Direct push"),
        "{w}"
    );
    // Direct push refuses a team Okta pushes (one pusher per team).
    let (ios, ios_team) = common::pair(&ws, "Pricing Council", "Statsig-Mobile-iOS-Member");
    let dir = tempfile::tempdir().unwrap();
    let mut direct = open(okta_connection(&s, PushModeChoice::Direct), dir.path()).await;
    let e = direct
        .link(&ios, &ios_team, true)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("already pushed by Okta's push mapping"), "{e}");
    // Several apps match: the admin chooses.
    s.world()
        .add_app("Statsig SCIM EU", "AUTO_LOGIN", &["GROUP_PUSH"]);
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let r = ws.mode_report().unwrap();
    assert!(matches!(r.mode, PushMode::OktaUnavailable(_)));
    let labels: BTreeSet<&str> = r.candidates.iter().map(|a| a.label.as_str()).collect();
    assert!(labels.contains("Statsig SCIM") && labels.contains("Statsig SCIM EU"));
    // A team not imported into Okta yet cannot be linked; Okta's Import Now fixes it.
    let dir = tempfile::tempdir().unwrap();
    let app = statsig_app(&s);
    let mut ws = open(
        Connection {
            okta_app_id: Some(app),
            ..okta_connection(&s, PushModeChoice::Okta)
        },
        dir.path(),
    )
    .await;
    let (src, wallet) = common::pair(
        &ws,
        "Okta Test Team",
        "Statsig-Data-Platform-Analytics Eng-Member",
    );
    let e = ws.link(&src, &wallet, true).await.unwrap_err().to_string();
    assert!(
        e.contains("is not imported into Okta yet") && e.contains("Import Now"),
        "{e}"
    );
    assert!(ws.sandbox_import_now().await.unwrap() >= 2);
    ws.import(|_| {}).await.unwrap();
    ws.link(&src, &wallet, false).await.unwrap();
}

/// Every request's status and every wait, as the engine reports them.
#[derive(Default)]
struct Seen {
    statuses: std::sync::Mutex<Vec<(String, Option<u16>)>>,
    waits: std::sync::Mutex<Vec<String>>,
}

impl okta_statsig_teams::net::Observer for Seen {
    fn request(&self, r: okta_statsig_teams::net::RequestRecord) {
        self.statuses.lock().unwrap().push((r.path, r.status));
    }
    fn wait(&self, w: okta_statsig_teams::net::WaitRecord) {
        self.waits.lock().unwrap().push(w.reason);
    }
}

/// Six links against an apps bucket of six per window: the import's requests and the
/// first links spend the window, so the rest wait for it to reset. The window opens at the
/// import's first request to `/api/v1/apps` and lasts 5 s, far longer than the few
/// requests that spend it take, so the links always meet a spent bucket (at the cost of
/// one wait).
#[tokio::test]
async fn many_links_are_paced_to_the_apps_bucket_and_never_meet_a_429() {
    const APPS_PER_WINDOW: usize = 6;
    let s = Sandbox::start(SandboxConfig {
        okta_limits: okta_statsig_teams::sandbox::limits::OktaLimits::none()
            .with_apps(APPS_PER_WINDOW as u32),
        okta_rate_window_secs: 5,
        okta_push_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let seen = Arc::new(Seen::default());
    let mut ws = common::open(
        okta_connection(&s, PushModeChoice::Okta),
        dir.path(),
        RetryPolicy::default(),
        seen.clone(),
    );
    ws.import(|_| {}).await.unwrap();
    let apps_requests = |seen: &Seen| {
        seen.statuses
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| path.starts_with("/api/v1/apps"))
            .count()
    };
    let imported = apps_requests(&seen);
    assert!(
        imported < APPS_PER_WINDOW && imported + 6 > APPS_PER_WINDOW,
        "the import leaves part of the window and the links need more: {imported}"
    );
    assert!(
        seen.waits.lock().unwrap().is_empty(),
        "the import had enough"
    );
    let sources = [
        "Engineering",
        "Product",
        "Design",
        "Data Science",
        "Sales",
        "Finance",
    ];
    let targets = [
        "Statsig-Checkout-Payments-Admin",
        "Statsig-Checkout-Growth-Admin",
        "Statsig-Checkout Web-Payments-Admin",
        "Statsig-Checkout Web-Storefront-Admin",
        "Statsig-Data-Platform-ML-Ops-Admin",
        "Statsig-Data-Platform-Warehouse-Admin",
    ];
    let pairs: Vec<(String, String)> = sources
        .iter()
        .zip(targets)
        .map(|(a, b)| common::pair(&ws, a, b))
        .collect();
    let reports = std::sync::Mutex::new(Vec::new());
    let report = |done: usize, total: usize, left: Option<Duration>| {
        reports.lock().unwrap().push((done, total, left));
    };
    let results = ws.link_many(&pairs, false, 0, &report).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        s.world().push_mappings.len(),
        4 + 6,
        "the demo's four and six new"
    );
    assert_eq!(apps_requests(&seen), imported + 6, "one request a link");
    let statuses = seen.statuses.lock().unwrap();
    assert!(
        statuses.iter().all(|(_, st)| *st != Some(429)),
        "paced: no 429 ever, {statuses:?}"
    );
    assert!(
        seen.waits
            .lock()
            .unwrap()
            .iter()
            .any(|w| w.contains("Okta's rate limit")),
        "the links waited for the window to reset"
    );
    let reports = reports.lock().unwrap();
    assert_eq!(reports.last().map(|r| (r.0, r.1)), Some((6, 6)));
    assert!(
        reports.iter().any(|r| r.2.is_some_and(|l| !l.is_zero())),
        "the time left is told while the bucket is spent: {reports:?}"
    );
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_looked_up_and_never_made_twice() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    let (src, target) = common::pair(&ws, "Sales", "Statsig-Checkout-Payments-Admin");
    s.okta_faults
        .lose_next_answer("POST", "/group-push/mappings");
    let m = ws.link(&src, &target, false).await.unwrap();
    let w = s.world();
    let of_source: Vec<&String> = w
        .push_mappings
        .values()
        .filter(|x| x.source_group_id == src)
        .map(|x| &x.id)
        .collect();
    assert_eq!(of_source, vec![&m.id], "one mapping, the one Okta made");
    assert_eq!(
        s.okta_faults
            .counts
            .reset
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn a_token_that_may_not_see_apps_is_named_and_auto_falls_back_to_direct_push() {
    let s = Sandbox::start(SandboxConfig {
        okta_apps_forbidden: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    assert_eq!(ws.push_mode(), PushMode::Direct);
    let w = ws.mode_report().unwrap().warning.clone().unwrap();
    assert!(w.contains("403") && w.contains("okta.apps.read"), "{w}");
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    let (src, target) = common::pair(&ws, "Sales", "Statsig-Checkout-Payments-Admin");
    let e = ws.link(&src, &target, false).await.unwrap_err().to_string();
    assert!(e.contains("permission to read apps"), "{e}");
}

#[tokio::test]
async fn health_names_what_a_token_that_may_not_see_apps_hides() {
    let s = Sandbox::start(SandboxConfig {
        okta_apps_forbidden: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let now = okta_statsig_teams::clock::now();
    let findings = ws.findings(&now);
    let access: Vec<_> = findings
        .iter()
        .filter(|f| f.kind == okta_statsig_teams::model::health::Kind::Access)
        .collect();
    assert_eq!(access.len(), 1, "{access:?}");
    let f = access[0];
    assert_eq!(
        f.severity,
        okta_statsig_teams::model::health::Severity::Error
    );
    assert!(
        f.what
            .contains("may not read the Statsig app in Okta (Okta answered 403)"),
        "{}",
        f.what
    );
    assert!(f.why.contains("Okta's push mappings"), "{}", f.why);
    assert!(f.fix.contains("okta.apps.read"), "{}", f.fix);
    // With the rights, no such finding.
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    assert!(
        !ws.findings(&now)
            .iter()
            .any(|f| f.kind == okta_statsig_teams::model::health::Kind::Access)
    );
}

#[tokio::test]
async fn a_team_deleted_in_statsig_puts_oktas_mapping_in_error_with_the_reason() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let team = "Statsig-Mobile-iOS-Member";
    let (guild, mapping) = {
        let w = s.world();
        let m = w
            .push_mappings
            .values()
            .find(|m| w.okta_groups[&m.source_group_id].name == "iOS Guild")
            .unwrap();
        (m.source_group_id.clone(), m.id.clone())
    };
    // Deleted in Statsig, then a change in Okta makes Okta push into the deleted group.
    let gid = okta_statsig_teams::sandbox::world::id_of(s.world().groups.by_name(team).unwrap())
        .to_string();
    s.world().delete_group(&gid).unwrap();
    let someone = ws
        .directory()
        .okta_users
        .iter()
        .find(|u| {
            u.is_active()
                && !ws
                    .directory()
                    .okta_group(&guild)
                    .unwrap()
                    .members
                    .contains(&u.id)
        })
        .unwrap()
        .id
        .clone();
    ws.set_okta_members(&guild, &[someone], &[]).await.unwrap();
    eventually(&s, "Okta's push fails", || {
        s.world().push_mappings[&mapping].status == "ERROR"
    })
    .await;
    ws.watch_once().await.ok();
    let m = ws.mappings().iter().find(|m| m.id == mapping).unwrap();
    match &m.status {
        MappingStatus::Error { cause, .. } => {
            assert!(cause.contains("not found in Statsig"), "{cause}")
        }
        other => panic!("ERROR, not {other:?}"),
    }
}

#[tokio::test]
async fn check_now_counts_what_okta_pushed_since_the_last_look() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    ws.watch_once().await.unwrap();
    let (okta, target) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    let m = ws.link(&okta, &target, true).await.unwrap();
    assert_eq!(m.status, MappingStatus::Active);
    eventually(&s, "Okta pushes the new mapping", || {
        s.world().push_mappings[&m.id].last_push.is_some()
    })
    .await;
    let looked = ws.watch_once().await.unwrap();
    assert_eq!(looked.pushed, vec![m.id.clone()], "Okta pushed it since");
    let again = ws.watch_once().await.unwrap();
    assert!(
        again.pushed.is_empty(),
        "nothing pushed since the last look"
    );
}

#[tokio::test]
async fn a_generated_data_set_has_the_statsig_app_and_console_mappings_as_the_demo_has() {
    use okta_statsig_teams::sandbox::seed::{Scale, SeedKind, SeedSpec};
    let s = Sandbox::start(SandboxConfig {
        seed: SeedSpec {
            seed: 7,
            kind: SeedKind::Scaled(Scale {
                users: 400,
                projects: 3,
                teams: 9,
                okta_groups: 12,
                team_members: 8,
                group_members: 10,
                okta_app: true,
            }),
            generic: false,
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ws = open(okta_connection(&s, PushModeChoice::Auto), dir.path()).await;
    let PushMode::Okta(app) = ws.push_mode() else {
        panic!("Okta push at scale, got {:?}", ws.push_mode());
    };
    assert!(app.has_group_push());
    let d = ws.directory();
    let provisioned = d.statsig_users.len();
    let with_external_id = d
        .app
        .users
        .values()
        .filter(|u| u.external_id.is_some())
        .count();
    assert_eq!(
        with_external_id, provisioned,
        "every provisioned user assigned"
    );
    // Statsig's groups imported, but the newest team's (Team 0008's two role groups).
    let imported = d
        .statsig_groups
        .iter()
        .filter(|g| d.app.group_named(&g.display_name).is_some())
        .count();
    assert_eq!(imported, d.statsig_groups.len() - 2);
    let unimported: Vec<&str> = d
        .not_imported()
        .iter()
        .map(|g| g.display_name.as_str())
        .collect();
    assert_eq!(
        unimported,
        [
            "Statsig-Project 02-Team 0008-Admin",
            "Statsig-Project 02-Team 0008-Member"
        ]
    );
    let status = |okta_group: &str| {
        ws.mappings()
            .iter()
            .find(|m| m.okta_group_name == okta_group)
            .map(|m| m.status.clone())
            .unwrap_or_else(|| panic!("a console mapping from {okta_group}"))
    };
    assert_eq!(ws.mappings().len(), 3);
    assert_eq!(status("Group 00000"), MappingStatus::Active);
    assert_eq!(status("Group 00001"), MappingStatus::Inactive);
    assert!(matches!(status("Group 00002"), MappingStatus::Error { .. }));
    let active = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Group 00000")
        .unwrap();
    assert_eq!(
        active.statsig_group_name,
        "Statsig-Project 00-Team 0000-Member"
    );
    assert!(active.last_push.is_some(), "pushed");
    assert_eq!(active.drift, None, "in sync");
}

/// The first import of a start is cancelled before the Statsig app was found, with the
/// cached directory on screen: a Link made then, and Check now, still go through Okta's
/// own Group Push, never past it straight to Statsig.
#[tokio::test]
async fn a_cancelled_first_import_leaves_okta_in_charge_of_link_and_check_now() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let policy = || RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let conn = || okta_connection(&s, PushModeChoice::Auto);
    {
        let mut first = common::open(conn(), dir.path(), policy(), Arc::new(Silent));
        first.keep_cache(true);
        first.import(|_| {}).await.unwrap();
    }
    let cancel = okta_statsig_teams::net::CancelToken::default();
    let mut ws = common::open_with_cancel(
        conn(),
        dir.path(),
        policy(),
        Arc::new(Silent),
        cancel.clone(),
    );
    ws.keep_cache(true);
    assert!(matches!(
        ws.load_cache(),
        okta_statsig_teams::engine::workspace::cache::CacheLoad::Shown(_)
    ));
    cancel.cancel();
    assert!(matches!(
        ws.import(|_| {}).await,
        Err(EngineError::Cancelled)
    ));
    cancel.reset();

    let looked = ws.watch_once().await.unwrap();
    assert!(matches!(ws.push_mode(), PushMode::Okta(_)));
    let okta_lists: BTreeSet<String> = s.world().push_mappings.keys().cloned().collect();
    let app_shows: BTreeSet<String> = ws.mappings().iter().map(|m| m.id.clone()).collect();
    assert_eq!(app_shows, okta_lists, "after Check now: {looked:?}");

    let (okta, target) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    let m = ws.link(&okta, &target, true).await.unwrap();
    assert!(
        s.world().push_mappings.contains_key(&m.id),
        "the link is Okta's own push mapping, not one the app pushes itself"
    );
}

/// A team Okta made after the last import (its mapping since unlinked with Leave) is not
/// created again from another group: Okta would push into the existing team and replace its
/// members. The name is asked of Statsig before Okta is told anything.
#[tokio::test]
async fn create_of_a_name_okta_made_since_the_last_import_is_refused_and_sends_nothing() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(okta_connection(&s, PushModeChoice::Okta), dir.path()).await;
    let group = |ws: &Workspace, n: &str| ws.directory().okta_group_by_name(n).unwrap().id.clone();
    let pricing = group(&ws, "Pricing Council");
    let m = ws
        .create(&pricing, "Checkout", "Pricing Council", true)
        .await
        .unwrap();
    let name = "Statsig-Checkout-Pricing Council-Member";
    eventually(&s, "Okta creates the team at its first push", || {
        s.world().group_member_ids(name).is_some()
    })
    .await;
    ws.unlink(&m.id, Unlink::Leave, "").await.unwrap();
    assert!(
        ws.directory().statsig_group_by_name(name).is_none(),
        "not imported since"
    );
    let members = s.world().group_member_ids(name);
    let mappings = s.world().push_mappings.len();

    let other = group(&ws, "Payments Engineers");
    let e = ws
        .create(&other, "Checkout", "Pricing Council", true)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("\"{name}\" already exists in Statsig; use Link group instead.")
    );
    assert_eq!(s.world().push_mappings.len(), mappings, "no mapping made");
    assert_eq!(
        s.world().group_member_ids(name),
        members,
        "its members kept"
    );
    assert!(
        ws.directory().statsig_group_by_name(name).is_some(),
        "now known"
    );
}

/// After a first import cancelled before Statsig's teams were read, Push now of a mapping
/// Okta lists is refused with the reason, not pushed past the deletion guard unseen.
#[tokio::test]
async fn push_now_before_statsig_is_read_is_refused_not_pushed_unguarded() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = okta_statsig_teams::net::CancelToken::default();
    let mut ws = common::open_with_cancel(
        okta_connection(&s, PushModeChoice::Auto),
        dir.path(),
        RetryPolicy {
            base_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        Arc::new(Silent),
        cancel.clone(),
    );
    cancel.cancel();
    assert!(ws.import(|_| {}).await.is_err());
    cancel.reset();
    ws.watch_once().await.unwrap();
    let guild = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "iOS Guild")
        .unwrap()
        .clone();
    let pushes = s.world().push_mappings[&guild.id].last_push.clone();
    let e = ws.push(&guild.id).await.unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Statsig's teams are not read yet"),
        "{e}"
    );
    assert_eq!(
        s.world().push_mappings[&guild.id].last_push,
        pushes,
        "Okta was not asked to push"
    );
}
