//! Restore and *Undo last bulk apply* in the real app: from Compare, the plan of two
//! mappings unlinked with Delete, one unticked, the other applied (its team back in
//! Statsig with the members the row's preview named), then the restore undone from the
//! File menu (Direct push and Okta push). A snapshot of another org (another sandbox):
//! its restore refused with the copy offered, then copied by names, what has no match
//! listed with why. The plan's screenshot is `screenshots/restore-plan.png`.

use crate::support::{
    Before, Setup, click, fixture_with, replace_text, screenshot, settle, wait, wait_for_label,
};
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::backend::Unlink;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::Command;
use okta_statsig_teams::engine::state::StateStore;
use okta_statsig_teams::engine::workspace::Workspace;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::Action;
use std::sync::Arc;
use std::time::Duration;

/// Two mappings (each making a team of three), a snapshot of them at `path` (at a fixed
/// time: the screenshot shows it), then both unlinked with Delete.
fn two_deleted(path: std::path::PathBuf) -> Before {
    Box::new(move |ws, rt, s| {
        let users: Vec<String> = ws
            .directory()
            .okta_group_by_name("Payments Engineers")
            .unwrap()
            .members
            .iter()
            .take(3)
            .cloned()
            .collect();
        for (name, team) in [("Crew Restore", "Restore"), ("Crew Other", "Other")] {
            let g = rt
                .block_on(ws.create_mapping_group(name, "", &users))
                .unwrap();
            rt.block_on(ws.create(&g.id, "Mobile", team, true)).unwrap();
            let full = format!("Statsig-Mobile-{team}-Member");
            assert!(s.until(Duration::from_secs(20), |w| {
                crate::common::statsig_emails_in(w, &full).is_some_and(|m| m.len() == 3)
            }));
        }
        rt.block_on(ws.import(|_| {})).unwrap();
        // A fixed time: the screenshot shows it.
        let mut snap = ws.snapshot(false);
        snap.taken_at = "2026-03-02T09:30:00.000Z".into();
        okta_statsig_teams::engine::files::export_snapshot(&path, &snap).unwrap();
        let ids: Vec<String> = ws
            .mappings()
            .iter()
            .filter(|m| m.okta_group_name.starts_with("Crew "))
            .map(|m| m.id.clone())
            .collect();
        for id in ids {
            let word = ws.confirmation_word(&id).unwrap();
            rt.block_on(ws.unlink(&id, Unlink::Delete, &word)).unwrap();
        }
        assert!(s.until(Duration::from_secs(20), |w| {
            crate::common::statsig_emails_in(w, "Statsig-Mobile-Restore-Member").is_none()
                && crate::common::statsig_emails_in(w, "Statsig-Mobile-Other-Member").is_none()
        }));
    })
}

fn restore_through_the_dialog(mode: PushModeChoice, shot: Option<&str>) {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("before.json");
    let path = file.clone();
    let mut f = fixture_with(Setup {
        mode,
        before: Some(two_deleted(path)),
        ..Setup::default()
    });
    let before = crate::common::okta_pushable_emails(&f.sandbox, "Crew Restore");
    let h = &mut f.harness;
    h.state_mut()
        .perform(Action::Send(Command::Compare { path: file.clone() }));
    wait_for_label(h, "Restore…");
    click(h, "Restore…");
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the plan", |a| a.is_idle());
    assert!(h.query_by_label("Crew Restore").is_some());
    assert!(h.query_by_label("Statsig-Mobile-Restore-Member").is_some());
    assert!(
        h.query_all_by_label("Create").count() >= 2,
        "both teams are made again"
    );
    // The row's preview names who Statsig gets back.
    let gains = format!("Statsig gains at the next push: {}", before[0]);
    assert!(h.query_by_label_contains(&gains).is_some(), "the preview");
    click(h, "Crew Other");
    wait_for_label(h, "Apply 1 change");
    assert!(
        h.query_all_by_label_contains("(1 unticked, left as they are)")
            .next()
            .is_some(),
        "the plan's line says what the button leaves out"
    );
    if let Some(name) = shot {
        screenshot(h, name);
    }
    click(h, "Apply 1 change");
    wait(h, "the restore", |a| {
        a.is_idle()
            && a.mappings()
                .iter()
                .any(|m| m.okta_group_name == "Crew Restore")
    });
    assert!(
        !h.state()
            .mappings()
            .iter()
            .any(|m| m.okta_group_name == "Crew Other"),
        "the unticked row is left out"
    );
    let back = f.sandbox.until(Duration::from_secs(20), |w| {
        crate::common::statsig_emails_in(w, "Statsig-Mobile-Restore-Member").as_ref()
            == Some(&before)
    });
    assert!(back, "the team is back with the members the preview named");
    assert!(crate::common::statsig_emails(&f.sandbox, "Statsig-Mobile-Other-Member").is_none());

    // Undo last bulk apply, from the File menu: the same preview, then the mapping goes.
    let h = &mut f.harness;
    click(h, "File");
    settle(h);
    click(h, "Undo last bulk apply…");
    wait_for_label(h, "Apply 1 change");
    wait(h, "the undo's plan", |a| a.is_idle());
    assert!(h.query_by_label("Unlink (Leave)").is_some());
    click(h, "Apply 1 change");
    wait(h, "the undo", |a| {
        a.is_idle()
            && !a
                .mappings()
                .iter()
                .any(|m| m.okta_group_name == "Crew Restore")
    });
    assert!(
        crate::common::statsig_emails(&f.sandbox, "Statsig-Mobile-Restore-Member").is_some(),
        "Leave: the team stays"
    );
}

#[test]
fn a_restore_plans_from_compare_applies_the_ticked_rows_and_is_undone_in_direct_push() {
    restore_through_the_dialog(PushModeChoice::Direct, Some("restore-plan"));
}

#[test]
fn a_restore_plans_from_compare_applies_the_ticked_rows_and_is_undone_in_okta_push() {
    restore_through_the_dialog(PushModeChoice::Okta, None);
}

#[test]
fn restore_from_a_snapshots_review_returns_to_live_data_and_plans_there() {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("before.json");
    let mut f = fixture_with(Setup {
        before: Some(two_deleted(file.clone())),
        ..Setup::default()
    });
    let h = &mut f.harness;
    h.state_mut()
        .perform(Action::Send(Command::OpenSnapshot(file.clone())));
    wait_for_label(h, "Close snapshot");
    wait(h, "the snapshot", |a| a.is_idle());
    click(h, "Restore…");
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the plan", |a| a.is_idle());
    assert!(
        h.query_by_label("Close snapshot").is_none(),
        "back on live data, where the plan applies"
    );
    assert!(h.query_by_label("Crew Other").is_some());
}

/// Org A (another sandbox, another profile's org): "Only Here" (a group only A has)
/// mapped to a new team, Payments Engineers linked to its team, Pricing Council mapped to
/// a new team; its snapshot written to `path`.
fn other_orgs_snapshot(f: &crate::support::Fixture, path: &std::path::Path) -> Sandbox {
    let rt = &f._rt;
    let world = okta_statsig_teams::sandbox::seed::build(&Default::default());
    let a = rt
        .block_on(Sandbox::start_with_world(SandboxConfig::default(), world))
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(
        crate::support::connection(&a),
        StateStore::new(state.path().join("state.json")),
        Default::default(),
        Arc::new(okta_statsig_teams::net::Silent),
    )
    .unwrap()
    .0;
    rt.block_on(ws.import(|_| {})).unwrap();
    let users: Vec<String> = ws
        .directory()
        .okta_group_by_name("Payments Engineers")
        .unwrap()
        .members
        .iter()
        .take(3)
        .cloned()
        .collect();
    let only = rt
        .block_on(ws.create_mapping_group("Only Here", "", &users))
        .unwrap();
    rt.block_on(ws.create(&only.id, "Mobile", "Only", true))
        .unwrap();
    let (okta, team) = crate::common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    rt.block_on(ws.link(&okta, &team, true)).unwrap();
    let pricing = ws
        .directory()
        .okta_group_by_name("Pricing Council")
        .unwrap()
        .id
        .clone();
    rt.block_on(ws.create(&pricing, "Mobile", "Council", true))
        .unwrap();
    rt.block_on(ws.import(|_| {})).unwrap();
    okta_statsig_teams::engine::files::export_snapshot(path, &ws.snapshot(false)).unwrap();
    a
}

fn copy_from_another_org(mode: PushModeChoice) {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("org-a.json");
    let mut f = fixture_with(Setup {
        mode,
        ..Setup::default()
    });
    let _a = other_orgs_snapshot(&f, &file);
    let h = &mut f.harness;
    wait(h, "connected to org B", |a| a.is_idle() && a.has_data());
    // A restore of A's snapshot in B: refused in one sentence, the copy offered.
    h.state_mut()
        .perform(Action::Send(Command::OpenSnapshot(file.clone())));
    wait_for_label(h, "Close snapshot");
    wait(h, "the snapshot", |a| a.is_idle());
    click(h, "Restore…");
    wait_for_label(h, "Copy by names instead");
    wait(h, "the refusal", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("This snapshot is of another org")
            .next()
            .is_some(),
        "the restore says why"
    );
    assert!(
        h.query_all_by_label_contains("Apply").next().is_none(),
        "nothing is planned for a restore"
    );
    assert!(
        !h.state()
            .mappings()
            .iter()
            .any(|m| m.okta_group_name == "Payments Engineers"),
        "nothing changed"
    );
    click(h, "Copy by names instead");
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the copy's plan", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("Also unlink the mappings made since")
            .next()
            .is_none(),
        "a copy unlinks nothing the other org made"
    );
    assert!(
        h.query_all_by_label_contains("Copy by names from the snapshot")
            .next()
            .is_some()
    );
    assert!(h.query_all_by_label("Payments Engineers").next().is_some());
    assert!(h.query_all_by_label("Pricing Council").next().is_some());
    assert!(
        h.query_all_by_label("Link").next().is_some(),
        "Payments' team exists here"
    );
    assert!(
        h.query_all_by_label("Create").next().is_some(),
        "Council's team is made here"
    );
    // The group B has no match for: listed with why, never guessed.
    assert!(h.query_all_by_label("Only Here").next().is_some());
    assert!(
        h.query_all_by_label_contains("No Okta group here is named \"Only Here\"")
            .next()
            .is_some(),
        "the unmatched name is listed with why"
    );
    click(h, "Apply 2 changes");
    wait(h, "the copy", |a| {
        a.is_idle()
            && ["Payments Engineers", "Pricing Council"]
                .iter()
                .all(|n| a.mappings().iter().any(|m| &m.okta_group_name == n))
    });
    assert!(
        !h.state()
            .mappings()
            .iter()
            .any(|m| m.okta_group_name == "Only Here"),
        "no mapping guessed for the unmatched group"
    );
    let b = &f.sandbox;
    let council = crate::common::okta_pushable_emails(b, "Pricing Council");
    assert!(
        b.until(Duration::from_secs(20), |w| {
            crate::common::statsig_emails_in(w, "Statsig-Mobile-Council-Member").as_ref()
                == Some(&council)
        }),
        "B's team is made, with B's members of B's group of that name"
    );
    assert!(b.world().okta_group_by_name("Only Here").is_none());
    // The journal records a copy: Undo last bulk apply plans its reverse.
    let h = &mut f.harness;
    click(h, "File");
    settle(h);
    click(h, "Undo last bulk apply…");
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the undo's plan", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("Undo of Copy by names")
            .next()
            .is_some()
    );
}

#[test]
fn a_copy_by_names_from_another_orgs_snapshot_applies_the_matches_and_lists_the_rest_in_direct_push()
 {
    copy_from_another_org(PushModeChoice::Direct);
}

#[test]
fn a_copy_by_names_from_another_orgs_snapshot_applies_the_matches_and_lists_the_rest_in_okta_push()
{
    copy_from_another_org(PushModeChoice::Okta);
}

#[test]
fn copy_by_names_is_offered_in_compare_and_the_file_menu() {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("org-a.json");
    let mut f = fixture_with(Setup::default());
    let _a = other_orgs_snapshot(&f, &file);
    let h = &mut f.harness;
    wait(h, "connected to org B", |a| a.is_idle() && a.has_data());
    // Compare: Copy by names… plans the copy at once.
    h.state_mut()
        .perform(Action::Send(Command::Compare { path: file.clone() }));
    wait_for_label(h, "Copy by names…");
    click(h, "Copy by names…");
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the copy's plan", |a| a.is_idle());
    assert!(h.query_by_label("Copy by names instead").is_none());
    assert!(h.query_all_by_label("Only Here").next().is_some());
    click(h, "Close");
    settle(h);
    // File → Copy mappings from a snapshot…: a file, then the same plan.
    click(h, "File");
    settle(h);
    click(h, "Copy mappings from a snapshot…");
    wait_for_label(h, "File path");
    replace_text(h, "File path", file.to_str().unwrap());
    // The path dialog's Open (the window has other buttons of that name), drawn last.
    h.query_all_by_label("Open").last().unwrap().click();
    settle(h);
    wait_for_label(h, "Apply 2 changes");
    wait(h, "the copy's plan", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("Copy by names from the snapshot")
            .next()
            .is_some()
    );
}
