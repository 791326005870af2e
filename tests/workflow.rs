//! The seed document's whole workflow through the engine, over real HTTP to the sandbox,
//! one step a test: import, mapping group, push with Link, verify in Statsig, change in
//! Okta and watch, deactivate, push now, unlink with Leave and Delete, and Create a team.
#![allow(clippy::unwrap_used)]

mod common;
mod shared_workflow;

use common::{enc, okta, sandbox, scim, workspace};
use okta_statsig_teams::engine::state::Mapping;
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::engine::{EngineError, Unlink, Workspace};
use okta_statsig_teams::model::OktaGroup;
use okta_statsig_teams::model::ParsedName;
use okta_statsig_teams::sandbox::Sandbox;
use serde_json::json;
use shared_workflow::{SEED_TEAM, pushable_emails};

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A sandbox, a state folder, and a workspace on them, imported.
async fn imported() -> (Sandbox, tempfile::TempDir, Workspace) {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    (s, dir, ws)
}

/// The seed team group's id.
fn seed_team(ws: &Workspace) -> String {
    ws.directory()
        .statsig_group_by_name(SEED_TEAM)
        .expect("the seed's team group is imported")
        .id
        .clone()
}

/// A mapping group of five pushable users, linked to the seed team with the removals
/// confirmed: (the mapping, its Okta group, the users' emails).
async fn linked(s: &Sandbox, ws: &mut Workspace) -> (Mapping, OktaGroup, Vec<String>) {
    let chosen = pushable_emails(s, 5, 40);
    let ids: Vec<String> = chosen
        .iter()
        .map(|e| ws.directory().okta_user_by_email(e).unwrap().id.clone())
        .collect();
    let group = ws
        .create_mapping_group("Test Team mapping", "for the seed team", &ids)
        .await
        .unwrap();
    ws.link_confirmed(&group.id, &seed_team(ws), true, usize::MAX)
        .await
        .unwrap();
    let m = ws.mappings()[0].clone();
    (m, group, chosen)
}

/// The checks every push backend passes (`tests/shared_workflow/`), here with Direct push.
#[tokio::test]
async fn direct_push_passes_the_shared_workflow() {
    let (s, _dir, mut ws) = imported().await;
    shared_workflow::every_step(&s, &mut ws).await;
}

#[tokio::test]
async fn import_reads_both_directories_and_every_team_name() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    let pages = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let p = pages.clone();
    ws.import(move |_| {
        p.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .await
    .unwrap();
    assert!(
        pages.load(std::sync::atomic::Ordering::Relaxed) >= 4,
        "progress events for every stage"
    );
    let d = ws.directory();
    let idx = d.statsig_group_index(&seed_team(&ws)).unwrap();
    assert_eq!(
        d.parsed(idx),
        &ParsedName::Team {
            project: "Okta Test Proj".into(),
            team: "Test Team".into(),
            role: okta_statsig_teams::model::Role::Member
        }
    );
    assert!(d.teams()["Checkout Web"].contains_key("Payments"));
    assert!(
        d.unreadable().iter().any(
            |u| d.statsig_groups[u.group].display_name == "Statsig-Mobile-Payments-Core-Member"
        )
    );
}

#[tokio::test]
async fn a_mapping_group_is_made_in_okta_once() {
    let (s, _dir, mut ws) = imported().await;
    let chosen = pushable_emails(&s, 5, 40);
    let ids: Vec<String> = chosen
        .iter()
        .map(|e| ws.directory().okta_user_by_email(e).unwrap().id.clone())
        .collect();
    let group = ws
        .create_mapping_group("Test Team mapping", "for the seed team", &ids)
        .await
        .unwrap();
    assert_eq!(group.members.len(), 5);
    assert_eq!(
        s.world()
            .okta_group_by_name("Test Team mapping")
            .unwrap()
            .members
            .len(),
        5,
        "the group exists in Okta with its members"
    );
    let err = ws
        .create_mapping_group("test team MAPPING", "", &[])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[tokio::test]
async fn link_stops_at_the_guard_and_pushes_once_confirmed() {
    let (s, _dir, mut ws) = imported().await;
    let chosen = pushable_emails(&s, 5, 40);
    let ids: Vec<String> = chosen
        .iter()
        .map(|e| ws.directory().okta_user_by_email(e).unwrap().id.clone())
        .collect();
    let group = ws
        .create_mapping_group("Test Team mapping", "", &ids)
        .await
        .unwrap();
    let seed_id = seed_team(&ws);
    let plan = ws.plan(&group.id, &seed_id).unwrap();
    assert_eq!(plan.adds.len() + plan.unchanged.len(), 5);
    assert!(
        !plan.removes.is_empty(),
        "the team's current members are not in the group"
    );
    // The plan empties the team: the guard holds its removals (its adds go), and the
    // mapping waits for confirmation.
    let before = common::statsig_emails(&s, SEED_TEAM).unwrap();
    let e = ws.link(&group.id, &seed_id, true).await.unwrap_err();
    assert!(matches!(e, EngineError::NeedsConfirmation(_)), "{e}");
    assert!(
        e.to_string()
            .contains("team \"Test Team\" (Member) in project \"Okta Test Proj\""),
        "{e}"
    );
    let mut with_adds = before.clone();
    with_adds.extend(plan.adds.iter().map(|m| m.display.to_string()));
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(with_adds),
        "no one was removed; the adds went"
    );
    let m = ws.mappings()[0].clone();
    assert!(
        matches!(m.status, MappingStatus::NeedsConfirmation { removals, .. } if removals == plan.removes.len())
    );
    // Confirming fewer removals than the plan needs stops again; confirming them goes through.
    assert!(
        ws.confirm_removals(&m.id, plan.removes.len() - 1)
            .await
            .is_err()
    );
    ws.confirm_removals(&m.id, plan.removes.len())
        .await
        .unwrap();
    let m = ws.mappings()[0].clone();
    assert_eq!(m.status, MappingStatus::Active);
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(chosen),
        "Statsig's team has exactly the group's members"
    );
    assert!(m.last_push.is_some());
    assert_eq!(m.last_counts.unwrap().requests, 1);
}

#[tokio::test]
async fn one_okta_group_feeds_one_team_group() {
    let (s, _dir, mut ws) = imported().await;
    let (_, group, _) = linked(&s, &mut ws).await;
    let d = ws.directory();
    let other = d.okta_group_by_name("Pricing Council").unwrap().id.clone();
    let growth = d
        .statsig_group_by_name("Statsig-Checkout-Growth-Member")
        .unwrap()
        .id
        .clone();
    let project_group = d
        .statsig_group_by_name("Statsig-Checkout-Admin")
        .unwrap()
        .id
        .clone();
    let e = ws.link(&group.id, &growth, false).await.unwrap_err();
    assert!(
        matches!(e, EngineError::Rule(_)) && e.to_string().contains("already pushed"),
        "{e}"
    );
    let e = ws.link(&other, &seed_team(&ws), false).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("pushed from Okta group \"Test Team mapping\""),
        "{e}"
    );
    let e = ws.link(&other, &project_group, false).await.unwrap_err();
    assert!(e.to_string().contains("project role group"), "{e}");
}

#[tokio::test]
async fn the_watcher_pushes_okta_changes_until_deactivated() {
    let (s, _dir, mut ws) = imported().await;
    let (m, group, chosen) = linked(&s, &mut ws).await;
    ws.watch_once().await.unwrap(); // the first cycle sets the watermark
    let newcomer = pushable_emails(&s, 1, 80).remove(0);
    let newcomer_id = ws
        .directory()
        .okta_user_by_email(&newcomer)
        .unwrap()
        .id
        .clone();
    common::next_millisecond();
    let path = format!("/api/v1/groups/{}/users/{newcomer_id}", group.id);
    assert_eq!(okta(&s, "PUT", &path, None).await.status, 204);
    let report = ws.watch_once().await.unwrap();
    assert_eq!(report.pushed, vec![m.id.clone()]);
    let mut expected = chosen.clone();
    expected.push(newcomer.clone());
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(expected.clone())
    );
    let quiet = ws.watch_once().await.unwrap();
    assert!(
        quiet.pushed.is_empty() && quiet.okta_groups_changed == 0,
        "nothing changed, nothing pushed: {quiet:?}"
    );
    // Deactivated: changes in Okta are not pushed, memberships stay.
    ws.set_active(&m.id, false).await.unwrap();
    common::next_millisecond();
    okta(&s, "DELETE", &path, None).await;
    let r = ws.watch_once().await.unwrap();
    assert!(r.pushed.is_empty());
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(expected),
        "inactive mappings keep memberships"
    );
    let e = ws.push(&m.id).await.unwrap_err();
    assert!(e.to_string().contains("deactivated"), "{e}");
    // Activating pushes; Push now on an in-sync mapping sends nothing new.
    ws.set_active(&m.id, true).await.unwrap();
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(chosen.clone())
    );
    let again = ws.push(&m.id).await.unwrap();
    assert!(again.plan.is_noop() && again.plan.batches().is_empty());
    // Unlink with Leave: nothing changes in Statsig.
    ws.unlink(&m.id, Unlink::Leave, "").await.unwrap();
    assert!(ws.mappings().is_empty());
    assert_eq!(
        common::statsig_emails(&s, SEED_TEAM).unwrap(),
        sorted(chosen)
    );
}

#[tokio::test]
async fn create_makes_a_team_and_unlink_with_delete_removes_it() {
    let (s, _dir, mut ws) = imported().await;
    let squad = ws
        .directory()
        .okta_group_by_name("Fraud Squad")
        .unwrap()
        .clone();
    let e = ws
        .create(&squad.id, "Checkout", "Bad\u{202E}Name", true)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("right-to-left"), "{e}");
    let e = ws
        .create(&squad.id, "Checkout", "Payments", true)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("already exists in Statsig; use Link"),
        "{e}"
    );
    let created = ws
        .create(&squad.id, "Checkout", "Chargebacks", true)
        .await
        .unwrap();
    assert_eq!(
        created.statsig_group_name,
        "Statsig-Checkout-Chargebacks-Member"
    );
    let members = common::statsig_emails(&s, "Statsig-Checkout-Chargebacks-Member")
        .expect("the team exists in Statsig");
    let expected: Vec<String> = ws
        .plan(&squad.id, &created.statsig_group_id)
        .unwrap()
        .unchanged
        .iter()
        .map(|m| m.display.to_lowercase())
        .collect();
    assert_eq!(members, sorted(expected));
    assert!(!members.is_empty());
    assert!(
        common::statsig_emails(&s, "Statsig-Checkout-Chargebacks-Admin").is_some(),
        "the new team has its Admin group too"
    );
    assert!(ws.directory().teams()["Checkout"].contains_key("Chargebacks"));
    // Delete needs the team's name; a wrong one sends nothing.
    let e = ws
        .unlink(&created.id, Unlink::Delete, "Chargeback")
        .await
        .unwrap_err();
    assert!(
        matches!(e, EngineError::NotConfirmed { .. }) && e.to_string().contains("\"Chargebacks\""),
        "{e}"
    );
    assert!(common::statsig_emails(&s, "Statsig-Checkout-Chargebacks-Member").is_some());
    assert_eq!(
        ws.confirmation_word(&created.id).as_deref(),
        Some("Chargebacks")
    );
    ws.unlink(&created.id, Unlink::Delete, "Chargebacks")
        .await
        .unwrap();
    assert!(common::statsig_emails(&s, "Statsig-Checkout-Chargebacks-Member").is_none());
    assert!(common::statsig_emails(&s, "Statsig-Checkout-Chargebacks-Admin").is_none());
    assert!(!ws.directory().teams()["Checkout"].contains_key("Chargebacks"));
}

#[tokio::test]
async fn a_target_deleted_or_edited_in_statsig_is_reported_not_overwritten() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    let (okta_group, target) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    let m = ws.link(&okta_group, &target, true).await.unwrap();
    ws.watch_once().await.unwrap();

    // Someone adds a member directly in Statsig.
    let stranger = {
        s.world()
            .users
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .find(|id| {
                !ws.directory()
                    .statsig_group(&target)
                    .unwrap()
                    .members
                    .contains(id)
            })
            .unwrap()
    };
    let a = scim(&s, "PATCH", &format!("/Groups/{target}"), Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": stranger}]}]}))).await;
    assert_eq!(a.status, 200);
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.drifted, vec![m.id.clone()]);
    let drift = ws.state().mapping(&m.id).unwrap().drift.clone().unwrap();
    assert_eq!(drift.added_in_statsig, vec![stranger.clone()]);
    assert!(
        s.world()
            .group_member_ids("Statsig-Checkout-Payments-Member")
            .unwrap()
            .contains(&stranger),
        "the watcher leaves drift alone"
    );
    // Push now keeps the edit; Overwrite is the admin's explicit choice to undo it.
    ws.push(&m.id).await.unwrap();
    assert!(
        s.world()
            .group_member_ids("Statsig-Checkout-Payments-Member")
            .unwrap()
            .contains(&stranger),
        "Push now never pushes over an edit made in Statsig"
    );
    ws.resolve_drift(
        &m.id,
        okta_statsig_teams::model::mapping::DriftChoice::Overwrite,
    )
    .await
    .unwrap();
    assert!(
        !s.world()
            .group_member_ids("Statsig-Checkout-Payments-Member")
            .unwrap()
            .contains(&stranger)
    );
    assert!(ws.state().mapping(&m.id).unwrap().drift.is_none());

    // Someone deletes the team in Statsig.
    assert_eq!(
        scim(&s, "DELETE", &format!("/Groups/{target}"), None)
            .await
            .status,
        200
    );
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.errors.len(), 1);
    let MappingStatus::Error { cause, .. } = &ws.state().mapping(&m.id).unwrap().status else {
        panic!("expected Error")
    };
    assert!(
        cause.contains("deleted in Statsig") && cause.contains("Leave"),
        "{cause}"
    );
    let e = ws.push(&m.id).await.unwrap_err();
    assert!(e.to_string().contains("no longer exists"), "{e}");
    // The way out: Leave, then Create anew.
    ws.unlink(&m.id, Unlink::Leave, "").await.unwrap();
    let again = ws
        .create(&okta_group, "Checkout", "Payments", true)
        .await
        .unwrap();
    assert_eq!(again.status, MappingStatus::Active);
}

#[tokio::test]
async fn mappings_persist_and_a_push_cut_short_is_replanned() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut ws = workspace(&s, dir.path());
        ws.import(|_| {}).await.unwrap();
        let (g, t) = common::pair(&ws, "ML Platform", "Statsig-Data-Platform-ML-Ops-Member");
        ws.link(&g, &t, false).await.unwrap().id
    };
    // Simulate a process killed mid-push: the saved status says Pushing.
    let path = dir.path().join("state.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"Active\"", "\"Pushing\"");
    std::fs::write(&path, text).unwrap();
    let mut ws = workspace(&s, dir.path());
    let MappingStatus::Error { cause, .. } = &ws.state().mapping(&id).unwrap().status else {
        panic!("a cut-short push shows as Error")
    };
    assert!(cause.contains("stopped during a push"));
    ws.import(|_| {}).await.unwrap();
    let retried = ws.retry_errors().await;
    let pushed: Vec<&str> = retried.pushed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(pushed, vec![id.as_str()]);
    assert!(retried.failed.is_empty() && retried.skipped.is_empty());
    assert_eq!(
        ws.state().mapping(&id).unwrap().status,
        MappingStatus::Active
    );
    let _ = enc("");
}

#[tokio::test]
async fn pushes_send_the_planned_batches_capped_by_the_server() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::Arc::new(common::Requests::default());
    let conn = okta_statsig_teams::engine::Connection {
        org_domains: vec![],
        batch_size: 2,
        ..common::connection(&s)
    };
    let mut ws = common::open(
        conn.clone(),
        dir.path(),
        okta_statsig_teams::net::RetryPolicy::default(),
        counter.clone(),
    );
    ws.import(|_| {}).await.unwrap();
    assert_eq!(ws.batch_size(), 2);
    let (squad, target) = common::pair(
        &ws,
        "Fraud Squad",
        "Statsig-Growth Experiments-Empty Team-Member",
    );
    let plan = ws.plan(&squad, &target).unwrap();
    assert_eq!(plan.adds.len(), 5);
    assert_eq!(plan.batches().len(), 3, "5 changes in batches of 2");
    counter.0.lock().unwrap().clear();
    ws.link(&squad, &target, true).await.unwrap();
    let patches = counter
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, _)| m == "PATCH")
        .count();
    assert_eq!(patches, 3, "exactly the planned requests");
    assert_eq!(
        s.world()
            .group_member_ids("Statsig-Growth Experiments-Empty Team-Member")
            .unwrap()
            .len(),
        5
    );

    // Asking for more than the server allows gets what it allows.
    let conn = okta_statsig_teams::engine::Connection {
        batch_size: 50_000,
        ..conn
    };
    let dir2 = tempfile::tempdir().unwrap();
    let mut ws = common::open(
        conn,
        dir2.path(),
        okta_statsig_teams::net::RetryPolicy::default(),
        std::sync::Arc::new(okta_statsig_teams::net::Silent),
    );
    ws.import(|_| {}).await.unwrap();
    let announced =
        scim(&s, "GET", "/ServiceProviderConfig", None).await.body["filter"]["maxResults"]
            .as_u64()
            .unwrap() as usize;
    assert_eq!(ws.batch_size(), announced);
}

/// A Statsig user not in the group who also has an Okta account, skipping `taken`.
fn outsider(s: &Sandbox, group: &str, taken: &[String]) -> (String, String) {
    let w = s.world();
    let members = w.group_member_ids(group).unwrap();
    w.users
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_string(),
                u["userName"].as_str().unwrap().to_string(),
            )
        })
        .find(|(id, email)| {
            !members.contains(id)
                && !taken.contains(id)
                && w.okta_users
                    .values()
                    .any(|o| o.email.eq_ignore_ascii_case(email))
        })
        .unwrap()
}

async fn add_in_statsig(s: &Sandbox, group_id: &str, user_id: &str) {
    let a = scim(s, "PATCH", &format!("/Groups/{group_id}"), Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": user_id}]}]}))).await;
    assert_eq!(a.status, 200);
}

/// While a mapping's removals wait for confirmation, someone joins its Okta group: the next
/// watch cycle pushes the add, holds the removals again, and still says the mapping waits.
async fn an_add_goes_ahead_while_removals_wait(
    s: &Sandbox,
    ws: &mut Workspace,
    mapping: &str,
    okta_group: &str,
    before: &[String],
) {
    const TEAM: &str = "Statsig-Checkout-Payments-Member";
    let newcomer = pushable_emails(s, 40, 0)
        .into_iter()
        .find(|e| !before.contains(e))
        .expect("someone pushable outside the team");
    let newcomer_id = ws
        .directory()
        .okta_user_by_email(&newcomer)
        .unwrap()
        .id
        .clone();
    common::next_millisecond();
    let path = format!("/api/v1/groups/{okta_group}/users/{newcomer_id}");
    assert_eq!(okta(s, "PUT", &path, None).await.status, 204);
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.okta_groups_changed, 1);
    assert_eq!(r.needs_confirmation, vec![mapping.to_string()], "{r:?}");
    let mut with_newcomer = before.to_vec();
    with_newcomer.push(newcomer);
    with_newcomer.sort();
    assert_eq!(
        sorted(common::statsig_emails(s, TEAM).unwrap()),
        with_newcomer,
        "the add went ahead and every held removal stayed held"
    );
    assert!(matches!(
        ws.state().mapping(mapping).unwrap().status,
        MappingStatus::NeedsConfirmation { removals: 4, .. }
    ));
}

#[tokio::test]
async fn the_guard_stops_the_watcher_and_each_drift_choice_does_what_it_says() {
    use okta_statsig_teams::model::mapping::DriftChoice;
    const TEAM: &str = "Statsig-Checkout-Payments-Member";
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    let okta_group = ws
        .directory()
        .okta_group_by_name("Payments Engineers")
        .unwrap()
        .clone();
    let target = ws
        .directory()
        .statsig_group_by_name(TEAM)
        .unwrap()
        .id
        .clone();
    let m = ws.link(&okta_group.id, &target, true).await.unwrap();
    ws.watch_once().await.unwrap();

    // Someone removes a third of the group in Okta: the watcher stops, nothing is sent.
    let before = common::statsig_emails(&s, TEAM).unwrap();
    common::next_millisecond();
    for uid in okta_group.members.iter().take(4) {
        assert_eq!(
            okta(
                &s,
                "DELETE",
                &format!("/api/v1/groups/{}/users/{uid}", okta_group.id),
                None
            )
            .await
            .status,
            204
        );
    }
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.needs_confirmation, vec![m.id.clone()]);
    assert!(r.pushed.is_empty());
    assert_eq!(
        common::statsig_emails(&s, TEAM).unwrap(),
        before,
        "the watcher never performs guarded removals"
    );
    assert!(matches!(
        ws.state().mapping(&m.id).unwrap().status,
        MappingStatus::NeedsConfirmation { removals: 4, .. }
    ));

    an_add_goes_ahead_while_removals_wait(&s, &mut ws, &m.id, &okta_group.id, &before).await;
    ws.confirm_removals(&m.id, 4).await.unwrap();
    assert_eq!(
        common::statsig_emails(&s, TEAM).unwrap().len(),
        before.len() + 1 - 4
    );
    ws.watch_once().await.unwrap();

    // Overwrite: the member added in Statsig is removed again.
    let (a, _) = outsider(&s, TEAM, &[]);
    add_in_statsig(&s, &target, &a).await;
    assert_eq!(ws.watch_once().await.unwrap().drifted, vec![m.id.clone()]);
    ws.resolve_drift(&m.id, DriftChoice::Overwrite)
        .await
        .unwrap();
    assert!(!s.world().group_member_ids(TEAM).unwrap().contains(&a));
    assert!(ws.state().mapping(&m.id).unwrap().drift.is_none());

    // Adopt: the member added in Statsig joins the Okta group and stays in Statsig.
    let (b, b_email) = outsider(&s, TEAM, std::slice::from_ref(&a));
    add_in_statsig(&s, &target, &b).await;
    assert_eq!(ws.watch_once().await.unwrap().drifted, vec![m.id.clone()]);
    ws.resolve_drift(&m.id, DriftChoice::Adopt).await.unwrap();
    assert!(s.world().group_member_ids(TEAM).unwrap().contains(&b));
    {
        let w = s.world();
        let okta_id = w
            .okta_users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(&b_email))
            .unwrap()
            .id
            .clone();
        assert!(
            w.okta_groups[&okta_group.id].members.contains(&okta_id),
            "the Okta group adopted the member"
        );
    }
    assert!(ws.state().mapping(&m.id).unwrap().drift.is_none());
    assert_eq!(
        ws.state().mapping(&m.id).unwrap().status,
        MappingStatus::Active
    );

    // Pause: Statsig keeps its edit and nothing is pushed any more.
    let (c, _) = outsider(&s, TEAM, &[a.clone(), b.clone()]);
    add_in_statsig(&s, &target, &c).await;
    ws.watch_once().await.unwrap();
    ws.resolve_drift(&m.id, DriftChoice::Pause).await.unwrap();
    assert_eq!(
        ws.state().mapping(&m.id).unwrap().status,
        MappingStatus::Inactive
    );
    ws.watch_once().await.unwrap();
    assert!(
        s.world().group_member_ids(TEAM).unwrap().contains(&c),
        "a paused mapping leaves Statsig's edit"
    );
}

#[tokio::test]
async fn a_push_that_gives_up_shows_error_with_the_last_cause_and_request() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::Arc::new(common::Requests::default());
    let conn = okta_statsig_teams::engine::Connection {
        org_domains: vec![],
        batch_size: 0,
        ..common::connection(&s)
    };
    let policy = okta_statsig_teams::net::RetryPolicy {
        max_attempts: 3,
        base_delay: std::time::Duration::from_millis(1),
        ..Default::default()
    };
    let mut ws = common::open(conn, dir.path(), policy, counter.clone());
    ws.import(|_| {}).await.unwrap();
    let (g, t) = common::pair(&ws, "ML Platform", "Statsig-Data-Platform-ML-Ops-Member");
    let m = ws.link(&g, &t, false).await.unwrap();
    let (statsig, okta_url) = (s.statsig_url.clone(), s.okta_url.clone());
    drop(s); // both services go away
    common::until_closed(&statsig).await;
    common::until_closed(&okta_url).await;
    counter.0.lock().unwrap().clear();
    let e = ws.push(&m.id).await.unwrap_err();
    let MappingStatus::Error { cause, request, .. } =
        ws.state().mapping(&m.id).unwrap().status.clone()
    else {
        panic!("Error expected")
    };
    assert_eq!(cause, e.to_string());
    assert!(
        cause.contains("did not answer") && cause.contains("could not connect"),
        "{cause}"
    );
    let request = request.unwrap();
    let tries = counter
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, p)| format!("{m} {p}") == request)
        .count();
    assert_eq!(tries, 3, "{request} was tried up to the attempt cap");
}

/// Cancels the running job once it has seen `after` PATCH requests.
struct CancelAfter {
    cancel: okta_statsig_teams::net::CancelToken,
    patches: std::sync::atomic::AtomicUsize,
    after: usize,
}

impl okta_statsig_teams::net::Observer for CancelAfter {
    fn request(&self, r: okta_statsig_teams::net::RequestRecord) {
        if r.method == "PATCH"
            && self
                .patches
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1
                == self.after
        {
            self.cancel.cancel();
        }
    }
    fn wait(&self, _: okta_statsig_teams::net::WaitRecord) {}
}

#[tokio::test]
async fn a_cancelled_push_stops_between_requests_and_says_so() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = okta_statsig_teams::net::CancelToken::default();
    let observer = std::sync::Arc::new(CancelAfter {
        cancel: cancel.clone(),
        patches: Default::default(),
        after: 2,
    });
    let conn = okta_statsig_teams::engine::Connection {
        org_domains: vec![],
        batch_size: 1,
        ..common::connection(&s)
    };
    let mut ws = common::open_with_cancel(
        conn,
        dir.path(),
        Default::default(),
        observer,
        cancel.clone(),
    );
    ws.import(|_| {}).await.unwrap();
    let (g, t) = common::pair(
        &ws,
        "Fraud Squad",
        "Statsig-Growth Experiments-Empty Team-Member",
    );
    let m = ws.link(&g, &t, false).await.unwrap();
    cancel.reset();
    let e = ws.push(&m.id).await.unwrap_err();
    assert!(
        e.to_string().contains("Cancelled after 2 of 5 requests"),
        "{e}"
    );
    assert_eq!(
        s.world()
            .group_member_ids("Statsig-Growth Experiments-Empty Team-Member")
            .unwrap()
            .len(),
        2,
        "exactly what was sent"
    );
    let MappingStatus::Error { cause, .. } = &ws.state().mapping(&m.id).unwrap().status else {
        panic!("a visible state")
    };
    assert!(cause.contains("Push again to finish"));
    // Pushing again finishes from a fresh read.
    cancel.reset();
    let rest = ws.push(&m.id).await.unwrap();
    assert_eq!(rest.plan.adds.len(), 3, "only what was not sent yet");
    assert_eq!(
        s.world()
            .group_member_ids("Statsig-Growth Experiments-Empty Team-Member")
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn pushing_many_mappings_sends_the_fewest_requests() {
    use okta_statsig_teams::sandbox::seed::{Scale, SeedKind, SeedSpec};
    let config = okta_statsig_teams::sandbox::SandboxConfig {
        seed: SeedSpec {
            seed: 3,
            kind: SeedKind::Scaled(Scale {
                users: 2000,
                projects: 2,
                teams: 30,
                okta_groups: 30,
                team_members: 24,
                group_members: 120,
                // No Statsig app in Okta: every team is free for Direct push, and the requests counted are its own.
                okta_app: false,
            }),
            generic: false,
        },
        ..Default::default()
    };
    let s = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::Arc::new(common::Requests::default());
    let conn = okta_statsig_teams::engine::Connection {
        org_domains: vec![],
        batch_size: 0,
        ..common::connection(&s)
    };
    let mut ws = common::open(conn, dir.path(), Default::default(), counter.clone());
    ws.import(|_| {}).await.unwrap();
    let okta: Vec<String> = ws
        .directory()
        .okta_groups
        .iter()
        .take(20)
        .map(|g| g.id.clone())
        .collect();
    let targets: Vec<String> = ws
        .directory()
        .teams()
        .values()
        .flat_map(|t| t.values())
        .filter_map(|g| g.admin)
        .take(20)
        .map(|i| ws.directory().statsig_groups[i].id.clone())
        .collect();
    let mut ids = Vec::new();
    let mut lower_bound = 0;
    for (o, t) in okta.iter().zip(&targets) {
        let plan = ws.plan(o, t).unwrap();
        lower_bound += (plan.adds.len() + plan.removes.len()).div_ceil(100);
        ids.push(ws.link(o, t, false).await.unwrap().id);
    }
    counter.0.lock().unwrap().clear();
    let results = ws.push_many(&ids, usize::MAX).await;
    assert!(
        results.iter().all(|(_, r)| r.is_ok()),
        "{:?}",
        results
            .iter()
            .filter_map(|(_, r)| r.as_ref().err())
            .collect::<Vec<_>>()
    );
    let log = counter.0.lock().unwrap().clone();
    let patches = log.iter().filter(|(m, _)| m == "PATCH").count();
    let scim_reads = log
        .iter()
        .filter(|(m, p)| m == "GET" && p.starts_with("/Groups"))
        .count();
    let okta_reads = log
        .iter()
        .filter(|(m, p)| m == "GET" && p.starts_with("/api/v1/groups"))
        .count();
    assert_eq!(patches, lower_bound, "one PATCH per 100 changes, no more");
    assert_eq!(scim_reads, 1, "the 20 Statsig groups in one filtered read");
    assert_eq!(okta_reads, 20, "each Okta group's members once");
    // A watch cycle with nothing changed costs the same few requests however many
    // mappings there are: Okta's changed groups, Statsig's modified groups, a count.
    ws.watch_once().await.unwrap();
    counter.0.lock().unwrap().clear();
    let quiet = ws.watch_once().await.unwrap();
    assert!(quiet.pushed.is_empty() && quiet.drifted.is_empty());
    assert_eq!(
        counter.0.lock().unwrap().len(),
        3,
        "{:?}",
        counter.0.lock().unwrap()
    );
    for (o, t) in okta.iter().zip(&targets) {
        assert!(ws.plan(o, t).unwrap().is_noop());
        assert_statsig_holds(&s, &ws, t);
    }
}

/// Statsig holds exactly the members the workspace thinks group `id` has.
fn assert_statsig_holds(s: &Sandbox, ws: &Workspace, id: &str) {
    let g = ws.directory().statsig_group(id).unwrap();
    let held: std::collections::BTreeSet<String> = s
        .world()
        .group_member_ids(&g.display_name)
        .unwrap()
        .into_iter()
        .collect();
    let want: std::collections::BTreeSet<String> = g.members.iter().cloned().collect();
    assert_eq!(held, want);
}
