//! The workflow every push backend passes, whoever pushes, checked in the sandbox's
//! Statsig: link and push, a change in Okta sent by Push now and by the watcher,
//! deactivate (nothing pushed, memberships stay), activate (pushed again), Create a team,
//! unlink with Leave (Statsig untouched) and with Delete (the team gone). Direct push runs
//! it in `tests/workflow.rs`; a backend written only in a test runs it in
//! `tests/third_backend/`.
#![allow(dead_code)]

use crate::common::{self, okta};
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::engine::{EngineError, Unlink, Workspace};
use okta_statsig_teams::sandbox::Sandbox;

/// The seed's team group the mapping pushes into.
pub const SEED_TEAM: &str = "Statsig-Okta Test Proj-Test Team-Member";
/// The team Create makes.
const NEW_TEAM: &str = "Statsig-Checkout-Chargebacks-Member";

/// Emails of active, provisioned users, in Okta order.
pub fn pushable_emails(s: &Sandbox, n: usize, skip: usize) -> Vec<String> {
    let w = s.world();
    w.okta_users
        .values()
        .filter(|u| {
            u.status == "ACTIVE"
                && w.user_id_by_name(&u.email)
                    .is_some_and(|id| w.users.get(&id).unwrap()["active"] == true)
        })
        .skip(skip)
        .take(n)
        .map(|u| u.email.to_lowercase())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Every step of the workflow on `ws` (imported, nothing mapped yet), checked in Statsig.
pub async fn every_step(s: &Sandbox, ws: &mut Workspace) {
    let linked = link_push_watch(s, ws).await;
    pause_and_resume(s, ws, &linked).await;
    create_and_unlink(s, ws, &linked).await;
}

/// What the first steps made: the mapping, the Okta path of the newcomer's membership,
/// the members linked, and the newcomer's email.
pub struct Linked {
    m: okta_statsig_teams::engine::state::Mapping,
    path: String,
    chosen: Vec<String>,
    newcomer: String,
}

/// Link and push; a change in Okta sent by Push now, then by the watcher.
async fn link_push_watch(s: &Sandbox, ws: &mut Workspace) -> Linked {
    // Link: a mapping group of five pushable users into the seed's team, pushed at once.
    let chosen = pushable_emails(s, 5, 40);
    let ids: Vec<String> = chosen
        .iter()
        .map(|e| ws.directory().okta_user_by_email(e).unwrap().id.clone())
        .collect();
    let group = ws
        .create_mapping_group("Test Team mapping", "for the seed team", &ids)
        .await
        .unwrap();
    let target = ws
        .directory()
        .statsig_group_by_name(SEED_TEAM)
        .expect("the seed's team group is imported")
        .id
        .clone();
    let m = ws
        .link_confirmed(&group.id, &target, true, usize::MAX)
        .await
        .unwrap();
    assert_eq!(m.status, MappingStatus::Active, "{m:?}");
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(chosen.clone()),
        "linking pushed the Okta group's members"
    );
    // One look sets the watcher's watermark; nothing changed, nothing is pushed.
    ws.watch_once().await.unwrap();

    // A member added in Okta goes with Push now.
    let newcomer = pushable_emails(s, 1, 80).remove(0);
    let newcomer_id = ws
        .directory()
        .okta_user_by_email(&newcomer)
        .unwrap()
        .id
        .clone();
    let path = format!("/api/v1/groups/{}/users/{newcomer_id}", group.id);
    common::next_millisecond();
    assert_eq!(okta(s, "PUT", &path, None).await.status, 204);
    let pushed = ws.push(&m.id).await.unwrap();
    assert_eq!(pushed.plan.adds.len(), 1, "{pushed:?}");
    let mut with_newcomer = chosen.clone();
    with_newcomer.push(newcomer.clone());
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(with_newcomer.clone())
    );

    // A member removed in Okta goes with the watcher's next look; a quiet look sends nothing.
    common::next_millisecond();
    assert_eq!(okta(s, "DELETE", &path, None).await.status, 204);
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.pushed, vec![m.id.clone()], "{r:?}");
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(chosen.clone())
    );
    let quiet = ws.watch_once().await.unwrap();
    assert!(quiet.pushed.is_empty(), "nothing changed: {quiet:?}");
    Linked {
        m,
        path,
        chosen,
        newcomer,
    }
}

/// Deactivate (nothing pushed, memberships stay), then activate (pushed at once).
async fn pause_and_resume(s: &Sandbox, ws: &mut Workspace, l: &Linked) {
    let Linked {
        m,
        path,
        chosen,
        newcomer,
    } = l;
    let mut with_newcomer = chosen.clone();
    with_newcomer.push(newcomer.clone());

    // Deactivated: a change in Okta is not pushed, by Push now or the watcher.
    ws.set_active(&m.id, false).await.unwrap();
    assert_eq!(ws.mappings()[0].status, MappingStatus::Inactive);
    common::next_millisecond();
    assert_eq!(okta(s, "PUT", path, None).await.status, 204);
    let r = ws.watch_once().await.unwrap();
    assert!(r.pushed.is_empty(), "{r:?}");
    assert!(
        ws.push(&m.id).await.is_err(),
        "an inactive mapping is not pushed"
    );
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(chosen.clone()),
        "inactive mappings keep memberships"
    );

    // Activated: pushed at once.
    ws.set_active(&m.id, true).await.unwrap();
    assert_eq!(ws.mappings()[0].status, MappingStatus::Active);
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(with_newcomer)
    );
}

/// Create a team; unlink with Leave, then with Delete.
async fn create_and_unlink(s: &Sandbox, ws: &mut Workspace, l: &Linked) {
    let mut with_newcomer = l.chosen.clone();
    with_newcomer.push(l.newcomer.clone());
    let m = &l.m;
    // Create: a new team whose members are the Okta group's pushable members.
    let squad = ws
        .directory()
        .okta_group_by_name("Fraud Squad")
        .unwrap()
        .clone();
    let created = ws
        .create(&squad.id, "Checkout", "Chargebacks", true)
        .await
        .unwrap();
    assert_eq!(created.statsig_group_name, NEW_TEAM);
    let members = common::statsig_emails(s, NEW_TEAM).expect("the team exists in Statsig");
    let expected: Vec<String> = ws
        .plan(&squad.id, &created.statsig_group_id)
        .unwrap()
        .unchanged
        .iter()
        .map(|m| m.display.to_lowercase())
        .collect();
    assert!(!members.is_empty());
    assert_eq!(members, sorted(expected));

    // Unlink with Leave: the mapping goes, Statsig keeps its members.
    ws.unlink(&m.id, Unlink::Leave, "").await.unwrap();
    assert!(ws.mappings().iter().all(|x| x.id != m.id));
    assert_eq!(
        common::statsig_emails(s, SEED_TEAM).unwrap(),
        sorted(with_newcomer)
    );

    // Unlink with Delete: a wrong word sends nothing; the team's name deletes the team.
    let e = ws
        .unlink(&created.id, Unlink::Delete, "Chargeback")
        .await
        .unwrap_err();
    assert!(matches!(e, EngineError::NotConfirmed { .. }), "{e}");
    assert!(common::statsig_emails(s, NEW_TEAM).is_some());
    ws.unlink(&created.id, Unlink::Delete, "Chargebacks")
        .await
        .unwrap();
    assert!(common::statsig_emails(s, NEW_TEAM).is_none());
    assert!(ws.mappings().is_empty());
    assert!(
        ws.directory()
            .teams()
            .get("Checkout")
            .is_none_or(|t| !t.contains_key("Chargebacks")),
        "the deleted team left the directory"
    );
}
