//! Direct push keeps its word about edits made in Statsig, through the engine over real
//! HTTP to the sandbox, every result checked in the emulator's own world: a member added
//! in Statsig (and one removed there) survives Push now, Activate after Pause, Retry, the
//! watcher and a rule until the admin chooses; Overwrite and Adopt act on the named people
//! in both directions; the deletion guard holds removals only; what a retry cannot fix is
//! skipped by Retry all with what to do instead.
#![allow(clippy::unwrap_used)]

mod common;

use common::{okta, sandbox, scim, workspace};
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::engine::{EngineError, Workspace};
use okta_statsig_teams::model::mapping::DriftChoice;
use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
use okta_statsig_teams::sandbox::Sandbox;
use serde_json::json;

const TEAM: &str = "Statsig-Checkout-Payments-Member";
const GROUP: &str = "Payments Engineers";

/// A person with both an Okta account and a Statsig user: (Okta id, Statsig id, email).
#[derive(Debug, Clone)]
struct Person {
    okta: String,
    statsig: String,
    email: String,
}

/// Active people with both accounts who are in neither the team nor the Okta group.
fn outsiders(s: &Sandbox, n: usize) -> Vec<Person> {
    let w = s.world();
    let team = w.group_member_ids(TEAM).unwrap();
    let group = &w.okta_group_by_name(GROUP).unwrap().members;
    w.okta_users
        .values()
        .filter(|u| u.status == "ACTIVE" && !group.contains(&u.id))
        .filter_map(|u| {
            let sid = w.user_id_by_name(&u.email)?;
            (w.users.get(&sid).unwrap()["active"] == true && !team.contains(&sid)).then(|| Person {
                okta: u.id.clone(),
                statsig: sid,
                email: u.email.to_lowercase(),
            })
        })
        .take(n)
        .collect()
}

/// One member of the team as pushed from the Okta group.
fn a_member(s: &Sandbox) -> Person {
    let w = s.world();
    let team = w.group_member_ids(TEAM).unwrap();
    let g = w.okta_group_by_name(GROUP).unwrap();
    g.members
        .iter()
        .filter_map(|oid| {
            let u = w.okta_users.get(oid)?;
            let sid = w.user_id_by_name(&u.email)?;
            team.contains(&sid).then(|| Person {
                okta: oid.clone(),
                statsig: sid,
                email: u.email.to_lowercase(),
            })
        })
        .next()
        .unwrap()
}

fn in_team(s: &Sandbox, p: &Person) -> bool {
    s.world()
        .group_member_ids(TEAM)
        .unwrap()
        .contains(&p.statsig)
}

fn in_okta_group(s: &Sandbox, p: &Person) -> bool {
    s.world()
        .okta_group_by_name(GROUP)
        .unwrap()
        .members
        .contains(&p.okta)
}

async fn statsig_member(s: &Sandbox, group_id: &str, p: &Person, add: bool) {
    let op = if add {
        json!({"op": "add", "path": "members", "value": [{"value": p.statsig}]})
    } else {
        json!({"op": "remove", "path": format!("members[value eq \"{}\"]", p.statsig)})
    };
    let r = scim(
        s,
        "PATCH",
        &format!("/Groups/{group_id}"),
        Some(json!({"Operations": [op]})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn okta_member(s: &Sandbox, group_id: &str, p: &Person, add: bool) {
    // Okta stamps membership changes to the millisecond: a new one is after the last look.
    common::next_millisecond();
    let method = if add { "PUT" } else { "DELETE" };
    let path = format!("/api/v1/groups/{group_id}/users/{}", p.okta);
    assert_eq!(okta(s, method, &path, None).await.status, 204);
}

/// The team linked to the Okta group and pushed; the watcher has looked once.
async fn linked(s: &Sandbox, dir: &std::path::Path) -> (Workspace, String, String, String) {
    let mut ws = workspace(s, dir);
    ws.import(|_| {}).await.unwrap();
    let (group, team) = common::pair(&ws, GROUP, TEAM);
    let m = ws.link(&group, &team, true).await.unwrap();
    ws.watch_once().await.unwrap();
    (ws, m.id, group, team)
}

#[tokio::test]
async fn an_edit_made_in_statsig_survives_every_push_until_the_admin_chooses() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, id, group, team) = linked(&s, dir.path()).await;
    let people = outsiders(&s, 5);
    let (added_there, new_in_okta) = (&people[0], &people[1]);
    let removed_there = a_member(&s);
    statsig_member(&s, &team, added_there, true).await;
    statsig_member(&s, &team, &removed_there, false).await;
    okta_member(&s, &group, new_in_okta, true).await;

    // Push now: Okta's change goes; the two edits made in Statsig stay as they are.
    let r = ws.push(&id).await.unwrap();
    assert!(in_team(&s, new_in_okta), "Okta's own change is pushed");
    assert!(in_team(&s, added_there) && !in_team(&s, &removed_there));
    assert_eq!(r.held.added_in_statsig, vec![added_there.statsig.clone()]);
    assert_eq!(
        r.held.removed_in_statsig,
        vec![removed_there.statsig.clone()]
    );
    let note = ws.drift_note(&id).unwrap();
    assert!(
        note.contains(&format!("{} (added in Statsig)", added_there.email))
            && note.contains(&format!("{} (removed in Statsig)", removed_there.email)),
        "{note}"
    );

    // The watcher pushes Okta's next change, never over the edits.
    okta_member(&s, &group, &people[2], true).await;
    let w = ws.watch_once().await.unwrap();
    assert_eq!(w.pushed, vec![id.clone()]);
    assert_eq!(w.drifted, vec![id.clone()]);
    assert!(in_team(&s, &people[2]));
    assert!(in_team(&s, added_there) && !in_team(&s, &removed_there));

    // Pause keeps the edits listed; Activate pushes Okta's change and asks again.
    let paused = ws.resolve_drift(&id, DriftChoice::Pause).await.unwrap();
    assert!(paused.contains(&added_there.email), "{paused}");
    assert!(ws.state().mapping(&id).unwrap().drift.is_some());
    okta_member(&s, &group, &people[3], true).await;
    ws.set_active(&id, true).await.unwrap();
    assert!(in_team(&s, &people[3]));
    assert!(in_team(&s, added_there) && !in_team(&s, &removed_there));
    assert!(ws.state().mapping(&id).unwrap().drift.is_some());

    // A push rule making another mapping leaves them too.
    let fraud = ws
        .directory()
        .okta_group_by_name("Fraud Squad")
        .unwrap()
        .id
        .clone();
    ws.add_rule(PushRule {
        id: String::new(),
        name: "Squads".into(),
        how: NameMatch::StartsWith,
        text: "Fraud ".into(),
        kind: None,
        action: RuleAction::Create {
            project: "Checkout".into(),
        },
        auto_create: false,
    })
    .unwrap();
    let applied = ws
        .apply_rule("Squads", &[], 0, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(applied.made.len(), 1);
    assert_eq!(applied.made[0].okta_group_id, fraud);
    assert!(in_team(&s, added_there) && !in_team(&s, &removed_there));

    // Retry after the app stopped mid-push pushes from fresh reads, over nothing edited.
    drop(ws);
    let path = dir.path().join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for m in state["mappings"].as_array_mut().unwrap() {
        if m["id"] == id.as_str() {
            m["status"] = json!("Pushing");
        }
    }
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    assert!(matches!(
        ws.state().mapping(&id).unwrap().status,
        MappingStatus::Error { fix: None, .. }
    ));
    okta_member(&s, &group, &people[4], true).await;
    let retried = ws.retry_errors().await;
    let pushed: Vec<&str> = retried.pushed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(pushed, vec![id.as_str()], "{retried:?}");
    assert!(in_team(&s, &people[4]));
    assert!(in_team(&s, added_there) && !in_team(&s, &removed_there));

    // Overwrite, the admin's choice: each named person, both ways.
    let said = ws.resolve_drift(&id, DriftChoice::Overwrite).await.unwrap();
    assert!(!in_team(&s, added_there) && in_team(&s, &removed_there));
    assert_eq!(
        said,
        format!(
            "Overwrote the edits made in Statsig on {TEAM}: removed {}; added back {}.",
            added_there.email, removed_there.email
        )
    );
    assert!(ws.state().mapping(&id).unwrap().drift.is_none());
    assert!(ws.push(&id).await.unwrap().plan.is_noop(), "in sync");
}

#[tokio::test]
async fn adopt_makes_the_okta_group_take_both_edits_by_name() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, id, _, team) = linked(&s, dir.path()).await;
    let added_there = outsiders(&s, 1).remove(0);
    let removed_there = a_member(&s);
    statsig_member(&s, &team, &added_there, true).await;
    statsig_member(&s, &team, &removed_there, false).await;
    assert_eq!(ws.watch_once().await.unwrap().drifted, vec![id.clone()]);
    assert_eq!(
        ws.drift_people(&id),
        [
            format!("{} (added in Statsig)", added_there.email),
            format!("{} (removed in Statsig)", removed_there.email)
        ]
    );

    let said = ws.resolve_drift(&id, DriftChoice::Adopt).await.unwrap();
    assert_eq!(
        said,
        format!(
            "Okta group \"{GROUP}\" adopted the edits made in Statsig: added to it {}; removed from it {}; Statsig keeps them.",
            added_there.email, removed_there.email
        )
    );
    assert!(in_okta_group(&s, &added_there), "joined the Okta group");
    assert!(!in_okta_group(&s, &removed_there), "left the Okta group");
    assert!(in_team(&s, &added_there) && !in_team(&s, &removed_there));
    assert!(ws.state().mapping(&id).unwrap().drift.is_none());
    let later = ws.watch_once().await.unwrap();
    assert!(
        later.drifted.is_empty() && later.errors.is_empty(),
        "{later:?}"
    );
    assert!(ws.push(&id).await.unwrap().plan.is_noop());

    // Nothing is left to settle: a second choice says so and sends nothing.
    let e = ws
        .resolve_drift(&id, DriftChoice::Overwrite)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no edits made in Statsig"), "{e}");
}

#[tokio::test]
async fn the_guard_holds_mass_removals_only_and_lets_adds_through() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    // A small team of two, fed by a group of two.
    let people = outsiders(&s, 4);
    let ids: Vec<String> = people[..2].iter().map(|p| p.okta.clone()).collect();
    let group = ws.create_mapping_group("Pair", "", &ids).await.unwrap().id;
    let m = ws
        .create(&group, "Checkout", "Pair Team", true)
        .await
        .unwrap();
    let team_name = m.statsig_group_name.clone();
    let members = |s: &Sandbox| s.world().group_member_ids(&team_name).unwrap();
    assert_eq!(members(&s).len(), 2);
    ws.watch_once().await.unwrap();

    // One in, one out of two: a small team's floor, not a mass removal.
    okta_member(&s, &group, &people[0], false).await;
    okta_member(&s, &group, &people[2], true).await;
    let w = ws.watch_once().await.unwrap();
    assert_eq!(w.pushed, vec![m.id.clone()], "{w:?}");
    let now = members(&s);
    assert!(now.contains(&people[2].statsig) && !now.contains(&people[0].statsig));

    // Emptying it is held; the add in the same push goes.
    okta_member(&s, &group, &people[1], false).await;
    okta_member(&s, &group, &people[2], false).await;
    okta_member(&s, &group, &people[3], true).await;
    let e = ws.push(&m.id).await.unwrap_err();
    let EngineError::NeedsConfirmation(stop) = &e else {
        panic!("{e}")
    };
    assert_eq!(stop.added, 1);
    let mut held = vec![people[1].email.clone(), people[2].email.clone()];
    held.sort();
    assert_eq!(stop.names, held);
    let now = members(&s);
    assert!(now.contains(&people[3].statsig), "the add went ahead");
    assert!(now.contains(&people[1].statsig) && now.contains(&people[2].statsig));
    let MappingStatus::NeedsConfirmation { names, .. } = &ws.state().mapping(&m.id).unwrap().status
    else {
        panic!("Needs confirmation")
    };
    assert_eq!(names, &held);
    // Not drift: the held removals are the app's own, waiting.
    assert!(ws.watch_once().await.unwrap().drifted.is_empty());
    ws.confirm_removals(&m.id, 2).await.unwrap();
    assert_eq!(members(&s), vec![people[3].statsig.clone()]);
}

#[tokio::test]
async fn retry_all_skips_what_a_retry_cannot_fix_and_says_what_to_do() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, id, _, team) = linked(&s, dir.path()).await;
    assert_eq!(
        scim(&s, "DELETE", &format!("/Groups/{team}"), None)
            .await
            .status,
        200
    );
    let e = ws.push(&id).await.unwrap_err();
    assert!(matches!(e, EngineError::TargetGone { .. }), "{e}");
    let MappingStatus::Error {
        request,
        fix,
        cause,
        ..
    } = ws.state().mapping(&id).unwrap().status.clone()
    else {
        panic!("Error")
    };
    assert_eq!(request, Some(format!("GET /Groups/{team}")), "{cause}");
    assert!(
        fix.as_deref()
            .unwrap()
            .contains("Unlink with Leave, then Create")
    );
    let counter = std::sync::Arc::new(common::Requests::default());
    let mut ws = common::open(
        common::connection(&s),
        dir.path(),
        Default::default(),
        counter.clone(),
    );
    ws.import(|_| {}).await.unwrap();
    counter.clear();
    let retried = ws.retry_errors().await;
    assert!(retried.pushed.is_empty() && retried.failed.is_empty());
    assert_eq!(retried.skipped.len(), 1);
    assert_eq!(retried.skipped[0].0.id, id);
    assert_eq!(
        counter.with_method("PATCH") + counter.with_method("GET"),
        0,
        "nothing is sent for it"
    );
}
