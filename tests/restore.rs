//! Restore, copy and undo through the engine, over real HTTP to the sandbox, in both push
//! modes: a mapping unlinked with Delete is put back from an earlier snapshot (the team
//! exists again with the members it had, as the plan's preview said, even when the answer
//! to the request that makes it is lost), a second run makes nothing, a restore cancelled halfway and run again ends as a clean one, a rule's forty
//! mappings are undone by Undo last bulk apply, and a copy to another org matches by name
//! and lists what has no match.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::Workspace;
use okta_statsig_teams::engine::backend::Unlink;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::workspace::journal::BulkKind;
use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
use okta_statsig_teams::model::restore::{Applied, RestoreOptions, RestorePlan};
use okta_statsig_teams::model::snapshot::Snapshot;
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::sync::Arc;
use std::time::Duration;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_push_delay: Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn open(s: &Sandbox, mode: PushModeChoice, dir: &std::path::Path) -> Workspace {
    let conn = okta_statsig_teams::engine::Connection {
        push_mode: mode,
        ..common::connection(s)
    };
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let mut ws = common::open(conn, dir, policy, Arc::new(Silent));
    ws.import(|_| {}).await.unwrap();
    ws
}

/// Mapping groups named `names`, each with some of Payments Engineers' members (pushable).
async fn groups(ws: &mut Workspace, names: &[String]) {
    let users: Vec<String> = ws
        .directory()
        .okta_group_by_name("Payments Engineers")
        .unwrap()
        .members
        .iter()
        .take(4)
        .cloned()
        .collect();
    for (i, n) in names.iter().enumerate() {
        ws.create_mapping_group(n, "", &users[..1 + i % users.len()])
            .await
            .unwrap();
    }
}

fn rule(name: &str, text: &str) -> PushRule {
    PushRule {
        id: String::new(),
        name: name.into(),
        how: NameMatch::StartsWith,
        text: text.into(),
        kind: Some("OKTA_GROUP".into()),
        action: RuleAction::Create {
            project: "Mobile".into(),
        },
        auto_create: false,
    }
}

async fn eventually(s: &Sandbox, what: &str, mut ok: impl FnMut() -> bool) {
    let done = s.until_async(Duration::from_secs(30), async || ok()).await;
    assert!(done, "{what}");
}

async fn apply(ws: &mut Workspace, plan: &RestorePlan) -> Vec<Applied> {
    let done = ws
        .apply_restore(plan, "Restore", BulkKind::Restore, &[], 0, &|_, _, _| {})
        .await
        .unwrap();
    assert!(done.failed.is_empty(), "{:?}", done.failed);
    done.applied
}

/// The pairs a workspace's mappings make, sorted.
fn pairs(ms: &[okta_statsig_teams::model::mapping::Mapping]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = ms
        .iter()
        .map(|m| (m.okta_group_name.clone(), m.statsig_group_name.clone()))
        .collect();
    p.sort();
    p
}

/// The state of the mappings of the app (Direct push) or in Okta (Okta push), and no
/// Okta group pushed twice.
fn no_duplicate(s: &Sandbox, ws: &Workspace) {
    let mut sources: Vec<&String> = ws.mappings().iter().map(|m| &m.okta_group_id).collect();
    let all = sources.len();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), all, "one mapping per Okta group in the app");
    let w = s.world();
    let mut okta: Vec<&String> = w
        .push_mappings
        .values()
        .map(|m| &m.source_group_id)
        .collect();
    let all = okta.len();
    okta.sort();
    okta.dedup();
    assert_eq!(okta.len(), all, "one mapping per Okta group in Okta");
}

async fn deleted_then_restored(mode: PushModeChoice) {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, mode, dir.path()).await;
    groups(&mut ws, &["Crew Restore".to_string()]).await;
    let okta = ws
        .directory()
        .okta_group_by_name("Crew Restore")
        .unwrap()
        .id
        .clone();
    let team = "Statsig-Mobile-Restore-Member";
    ws.create(&okta, "Mobile", "Restore", true).await.unwrap();
    eventually(&s, "the team pushed", || {
        common::statsig_emails(&s, team).is_some_and(|m| !m.is_empty())
    })
    .await;
    let before = common::statsig_emails(&s, team).unwrap();
    ws.import(|_| {}).await.unwrap();
    let snap: Snapshot = ws.snapshot(false);
    let mine = |ws: &Workspace| {
        ws.mappings()
            .iter()
            .filter(|m| m.okta_group_id == okta)
            .count()
    };
    let id = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_id == okta)
        .unwrap()
        .id
        .clone();
    let word = ws.confirmation_word(&id).unwrap();
    ws.unlink(&id, Unlink::Delete, &word).await.unwrap();
    eventually(&s, "the team deleted", || {
        common::statsig_emails(&s, team).is_none()
    })
    .await;
    ws.import(|_| {}).await.unwrap();
    assert_eq!(mine(&ws), 0);

    let plan = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    let row = plan.rows.iter().find(|r| r.what == "Crew Restore").unwrap();
    assert_eq!(row.label(), "Create", "{row:?}");
    assert_eq!(row.target, team);
    let mut gains = row.gains.clone();
    gains.sort();
    assert_eq!(gains, before, "the preview names who the team gets back");
    assert!(row.loses.is_empty());
    // The answer to the request that makes it again is lost: the restore must find what
    // was made, not make a second one.
    let (faults, method, path) = match mode {
        PushModeChoice::Direct => (&s.scim_faults, "POST", "/Groups"),
        _ => (&s.okta_faults, "POST", "/group-push/mappings"),
    };
    faults.lose_next_answer(method, path);
    let done = apply(&mut ws, &plan).await;
    assert_eq!(
        faults
            .counts
            .reset
            .load(std::sync::atomic::Ordering::Relaxed),
        1,
        "the answer was lost once"
    );
    assert!(
        done.iter().any(|a| matches!(a, Applied::Made { okta_group_name, .. } if okta_group_name == "Crew Restore")),
        "{done:?}"
    );
    // After the push (Okta's, in Okta push) the team has the members it had.
    eventually(&s, "the team back with its members", || {
        common::statsig_emails(&s, team).as_ref() == Some(&before)
    })
    .await;
    assert_eq!(mine(&ws), 1);
    // A second run makes nothing.
    ws.import(|_| {}).await.unwrap();
    let again = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    assert_eq!(again.ready(), 0, "{:?}", again.rows);
    assert!(apply(&mut ws, &again).await.is_empty());
    assert_eq!(mine(&ws), 1);
    no_duplicate(&s, &ws);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_unlinked_with_delete_is_restored_with_its_team_and_members_in_direct_push() {
    deleted_then_restored(PushModeChoice::Direct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_unlinked_with_delete_is_restored_with_its_team_and_members_in_okta_push() {
    deleted_then_restored(PushModeChoice::Okta).await;
}

async fn cancelled_then_finished(mode: PushModeChoice) {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, mode, dir.path()).await;
    let names: Vec<String> = (1..=6).map(|i| format!("Squad {i:02}")).collect();
    groups(&mut ws, &names).await;
    let r = ws.add_rule(rule("Squads", "Squad ")).unwrap();
    let made = ws.apply_rule(&r.id, &[], 0, &|_, _, _| {}).await.unwrap();
    assert_eq!(made.made.len(), 6);
    eventually(&s, "the six teams in Statsig", || {
        (1..=6)
            .all(|i| common::statsig_emails(&s, &format!("Statsig-Mobile-{i:02}-Member")).is_some())
    })
    .await;
    ws.import(|_| {}).await.unwrap();
    let snap = ws.snapshot(false);
    let mine: Vec<(String, String)> = pairs(&snap.mappings)
        .into_iter()
        .filter(|(o, _)| o.starts_with("Squad "))
        .collect();
    assert_eq!(mine.len(), 6);
    let squads = |ws: &Workspace| -> Vec<(String, String)> {
        pairs(ws.mappings())
            .into_iter()
            .filter(|(o, _)| o.starts_with("Squad "))
            .collect()
    };
    // Delete the squads' mappings (and teams).
    let ids: Vec<String> = ws
        .mappings()
        .iter()
        .filter(|m| m.okta_group_name.starts_with("Squad "))
        .map(|m| m.id.clone())
        .collect();
    for id in &ids {
        let word = ws.confirmation_word(id).unwrap();
        ws.unlink(id, Unlink::Delete, &word).await.unwrap();
    }
    eventually(&s, "the squads' teams deleted", || {
        (1..=6)
            .all(|i| common::statsig_emails(&s, &format!("Statsig-Mobile-{i:02}-Member")).is_none())
    })
    .await;
    ws.import(|_| {}).await.unwrap();
    assert!(squads(&ws).is_empty());

    let plan = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    assert_eq!(plan.ready(), 6, "{:?}", plan.rows);
    let cancel = ws.cancel_token().clone();
    let cut = move |done: usize, _: usize, _: Option<Duration>| {
        if done >= 2 {
            cancel.cancel();
        }
    };
    let first = ws
        .apply_restore(&plan, "Restore", BulkKind::Restore, &[], 0, &cut)
        .await
        .unwrap();
    assert!(
        (2..6).contains(&first.applied.len()),
        "cut short: {:?}",
        first.applied
    );
    assert!(first.skipped.iter().any(|(_, why)| why == "cancelled"));
    ws.cancel_token().reset();
    // The next run plans again and finishes it.
    ws.import(|_| {}).await.unwrap();
    let rest = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    assert_eq!(rest.ready(), 6 - first.applied.len(), "{:?}", rest.rows);
    let second = apply(&mut ws, &rest).await;
    assert_eq!(first.applied.len() + second.len(), 6);
    assert_eq!(squads(&ws), mine, "as a clean restore");
    for i in 1..=6 {
        let team = format!("Statsig-Mobile-{i:02}-Member");
        let okta = format!("Squad {i:02}");
        eventually(&s, &format!("{team} pushed"), || {
            common::statsig_emails(&s, &team) == Some(common::okta_pushable_emails(&s, &okta))
        })
        .await;
    }
    no_duplicate(&s, &ws);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_cancelled_halfway_and_run_again_ends_as_a_clean_one_in_direct_push() {
    cancelled_then_finished(PushModeChoice::Direct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_cancelled_halfway_and_run_again_ends_as_a_clean_one_in_okta_push() {
    cancelled_then_finished(PushModeChoice::Okta).await;
}

async fn forty_undone(mode: PushModeChoice) {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, mode, dir.path()).await;
    let before = pairs(ws.mappings());
    let names: Vec<String> = (1..=40).map(|i| format!("Pod {i:02}")).collect();
    groups(&mut ws, &names).await;
    let r = ws.add_rule(rule("Pods", "Pod ")).unwrap();
    let made = ws.apply_rule(&r.id, &[], 0, &|_, _, _| {}).await.unwrap();
    assert_eq!(made.made.len(), 40, "{:?}", made.failed);
    let journal = ws.journal().unwrap();
    let last = journal.last().unwrap();
    assert_eq!(last.kind, BulkKind::Rule);
    assert_eq!((last.planned.len(), last.done.len()), (40, 40));

    // The teams exist (Okta made them, in Okta push) before the undo.
    eventually(&s, "the forty teams in Statsig", || {
        (1..=40)
            .all(|i| common::statsig_emails(&s, &format!("Statsig-Mobile-{i:02}-Member")).is_some())
    })
    .await;
    let (entry, plan) = ws.undo_plan().unwrap();
    assert_eq!(entry.what, "Rule \"Pods\"");
    assert_eq!(plan.ready(), 40);
    assert!(plan.rows.iter().all(|r| r.label() == "Unlink (Leave)"));
    let done = ws.undo_last(&[], 0, &|_, _, _| {}).await.unwrap();
    assert_eq!(done.applied.len(), 40, "{:?}", done.failed);
    assert_eq!(
        pairs(ws.mappings()),
        before,
        "the forty are gone, the rest stay"
    );
    if mode == PushModeChoice::Okta {
        let w = s.world();
        assert!(
            !w.push_mappings.values().any(|m| w
                .okta_groups
                .get(&m.source_group_id)
                .is_some_and(|g| g.name.starts_with("Pod "))),
            "Okta holds none of them"
        );
    }
    // Leave: the teams stay in Statsig.
    assert!(common::statsig_emails(&s, "Statsig-Mobile-07-Member").is_some());
    // The undo is journaled; the rule apply is not undone twice.
    let journal = ws.journal().unwrap();
    assert_eq!(journal.last().unwrap().kind, BulkKind::Undo);
    assert!(
        journal
            .iter()
            .any(|e| e.what == "Rule \"Pods\"" && e.undone)
    );
    let e = ws.undo_plan().unwrap_err().to_string();
    assert!(e.contains("no bulk apply to undo"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_forty_mappings_are_undone_by_undo_last_bulk_apply_in_direct_push() {
    forty_undone(PushModeChoice::Direct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rules_forty_mappings_are_undone_by_undo_last_bulk_apply_in_okta_push() {
    forty_undone(PushModeChoice::Okta).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_to_another_org_matches_by_name_and_lists_what_has_no_match() {
    let (from, to) = (sandbox().await, sandbox().await);
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = open(&from, PushModeChoice::Direct, d1.path()).await;
    groups(&mut a, &["Only Here".to_string()]).await;
    let only = a
        .directory()
        .okta_group_by_name("Only Here")
        .unwrap()
        .id
        .clone();
    a.create(&only, "Mobile", "Only", true).await.unwrap();
    let (okta, team) = common::pair(&a, "Payments Engineers", "Statsig-Checkout-Payments-Member");
    a.link(&okta, &team, true).await.unwrap();
    let snap = a.snapshot(false);

    let mut b = open(&to, PushModeChoice::Direct, d2.path()).await;
    let e = b
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("another org") && e.contains("copy"), "{e}");
    let copy = RestoreOptions {
        copy: true,
        ..RestoreOptions::default()
    };
    let plan = b.restore_plan(&snap, false, copy).unwrap();
    let only_row = plan.rows.iter().find(|r| r.what == "Only Here").unwrap();
    assert_eq!(
        only_row.skipped.as_deref(),
        Some("No Okta group here is named \"Only Here\", so its mapping is not copied.")
    );
    let pay = plan
        .rows
        .iter()
        .find(|r| r.what == "Payments Engineers")
        .unwrap();
    assert_eq!(pay.label(), "Link");
    let done = b
        .apply_restore(&plan, "Copy", BulkKind::Copy, &[], 0, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(done.applied.len(), 1, "{:?}", done.failed);
    assert_eq!(
        pairs(b.mappings()),
        [(
            "Payments Engineers".to_string(),
            "Statsig-Checkout-Payments-Member".to_string()
        )]
    );
    // By name: the other org's own ids.
    let (okta_b, team_b) =
        common::pair(&b, "Payments Engineers", "Statsig-Checkout-Payments-Member");
    assert_eq!(b.mappings()[0].okta_group_id, okta_b);
    assert_eq!(b.mappings()[0].statsig_group_id, team_b);
    assert_eq!(
        common::statsig_emails(&to, "Statsig-Checkout-Payments-Member").unwrap(),
        common::okta_pushable_emails(&to, "Payments Engineers")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_and_mappings_made_since_are_put_back_only_when_asked() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Direct, dir.path()).await;
    // Crew Kept gets three members (see `groups`).
    let names = ["Crew Since", "Crew Pad", "Crew Kept"].map(String::from);
    groups(&mut ws, &names).await;
    let id = |ws: &Workspace, n: &str| ws.directory().okta_group_by_name(n).unwrap().id.clone();
    let kept = id(&ws, "Crew Kept");
    ws.create(&kept, "Mobile", "Kept", true).await.unwrap();
    let snap = ws.snapshot(false);
    let was = ws.directory().okta_group(&kept).unwrap().members.clone();
    // Since: a member left the group, another joined, and a new mapping was made.
    let other: String = ws
        .directory()
        .okta_group_by_name("Payments Engineers")
        .unwrap()
        .members
        .iter()
        .find(|u| !was.contains(u))
        .unwrap()
        .clone();
    ws.set_okta_members(&kept, std::slice::from_ref(&other), &was[..1])
        .await
        .unwrap();
    let kept_id = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_id == kept)
        .unwrap()
        .id
        .clone();
    ws.push(&kept_id).await.unwrap();
    let pushed_then = common::statsig_emails(&s, "Statsig-Mobile-Kept-Member").unwrap();
    let since = id(&ws, "Crew Since");
    ws.create(&since, "Mobile", "Since", true).await.unwrap();

    let plain = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    assert!(plain.rows.is_empty(), "{:?}", plain.rows);
    let asked = RestoreOptions {
        unlink_new: true,
        members: true,
        copy: false,
    };
    let plan = ws.restore_plan(&snap, false, asked).unwrap();
    let labels: Vec<&str> = plan.rows.iter().map(|r| r.label()).collect();
    assert_eq!(labels, ["Members", "Unlink (Leave)"]);
    let m = plan.rows[0].clone();
    assert_eq!(m.people.len(), 2, "{:?}", m.people);
    assert!(m.people[0].starts_with("+ ") && m.people[1].starts_with("- "));
    // The preview: the team gets back the one who left, loses the one who joined.
    assert_eq!((m.gains.len(), m.loses.len()), (1, 1), "{m:?}");
    let done = apply(&mut ws, &plan).await;
    assert_eq!(done.len(), 2);
    let mut now = ws.directory().okta_group(&kept).unwrap().members.clone();
    now.sort();
    let mut then = was.clone();
    then.sort();
    assert_eq!(now, then, "the group's members are the snapshot's");
    ws.push(&kept_id).await.unwrap();
    let after = common::statsig_emails(&s, "Statsig-Mobile-Kept-Member").unwrap();
    assert_eq!(after, common::okta_pushable_emails(&s, "Crew Kept"));
    // The push made exactly the adds and removes the preview showed.
    let gained: Vec<&String> = after.iter().filter(|e| !pushed_then.contains(e)).collect();
    let lost: Vec<&String> = pushed_then.iter().filter(|e| !after.contains(e)).collect();
    assert_eq!(gained, m.gains.iter().collect::<Vec<_>>());
    assert_eq!(lost, m.loses.iter().collect::<Vec<_>>());
    assert!(!ws.mappings().iter().any(|m| m.okta_group_id == since));
    assert!(
        common::statsig_emails(&s, "Statsig-Mobile-Since-Member").is_some(),
        "Leave: the team stays"
    );
}

/// A mapping that was Inactive in the snapshot is linked back Inactive, with no push: the
/// guard, which would stop a push that empties its team, has nothing to hold, and the
/// team keeps its members.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inactive_mapping_is_linked_back_inactive_without_a_push() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Auto, dir.path()).await;
    let crew = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Warehouse Crew")
        .unwrap()
        .clone();
    assert_eq!(
        crew.status,
        okta_statsig_teams::model::mapping::MappingStatus::Inactive
    );
    let team_before = common::statsig_emails(&s, &crew.statsig_group_name).unwrap();
    let snap: Snapshot = ws.snapshot(false);
    ws.unlink(&crew.id, Unlink::Leave, "").await.unwrap();
    ws.import(|_| {}).await.unwrap();
    let plan = ws
        .restore_plan(&snap, false, RestoreOptions::default())
        .unwrap();
    let row = plan
        .rows
        .iter()
        .find(|r| r.what == "Warehouse Crew")
        .unwrap();
    assert_eq!(row.label(), "Link", "{row:?}");
    assert!(row.ready(), "nothing for the guard to hold: {row:?}");
    apply(&mut ws, &plan).await;
    let back = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Warehouse Crew")
        .expect("linked back");
    assert_eq!(
        back.status,
        okta_statsig_teams::model::mapping::MappingStatus::Inactive
    );
    assert_eq!(
        common::statsig_emails(&s, &crew.statsig_group_name).unwrap(),
        team_before,
        "nothing was pushed"
    );
}
