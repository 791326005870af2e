//! What a new admin hits in the window: every member row shown, nothing drawn over
//! anything at 1024x700, no click reaching what is behind a closing dialog, focus kept
//! inside dialogs, a path field when no file dialog can show, changes waiting and Push
//! now in sight, the failing request of an error, members edited in the app, and words.

use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

#[test]
fn every_member_of_a_team_has_its_row() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Teams");
    click_containing(h, "Checkout  (");
    click_containing(h, "Growth  (");
    let d = h.state().directory().clone();
    let team = &d.teams()["Checkout"]["Growth"];
    let members: usize = [team.admin, team.member]
        .into_iter()
        .flatten()
        .map(|i| d.statsig_groups[i].members.len())
        .sum();
    // Each row has its Explain… button named by the person too: count the rows' text.
    let rows = h
        .query_all_by_label_contains("@northwind.dev")
        .filter(|n| n.accesskit_node().role() != egui::accesskit::Role::Button)
        .count();
    assert_eq!(rows, members, "one row per member, none hidden");
}

#[test]
fn nothing_is_drawn_over_anything_at_1024_by_700() {
    let size = egui::vec2(1024.0, 700.0);
    let mut f = fixture_with(Setup {
        size: [size.x, size.y],
        before: Some(Box::new(|ws, rt, _| {
            let (o, t) =
                crate::common::pair(ws, "Payments Engineers", "Statsig-Checkout-Payments-Member");
            rt.block_on(ws.link(&o, &t, true)).unwrap();
        })),
        ..Setup::default()
    });
    let h = &mut f.harness;
    // A message is a toast over the window until dismissed; what is under it is laid out.
    dismiss_messages(h);
    let mut found = Vec::new();
    click(h, "Teams");
    h.query_all_by_label_contains("Payments  (")
        .next()
        .unwrap()
        .click();
    settle(h);
    found.extend(overlaps(h).into_iter().map(|o| format!("Teams: {o}")));
    click(h, "Okta groups");
    click_containing(h, "Payments Engineers");
    settle(h);
    found.extend(overlaps(h).into_iter().map(|o| format!("Okta groups: {o}")));
    click_containing(h, "Pushed groups");
    settle(h);
    found.extend(
        overlaps(h)
            .into_iter()
            .map(|o| format!("Pushed groups: {o}")),
    );
    click(h, "Verify");
    settle(h);
    found.extend(overlaps(h).into_iter().map(|o| format!("Verify: {o}")));
    assert!(
        found.is_empty(),
        "overlapping widgets:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_quick_second_click_after_a_dialog_closes_reaches_nothing_behind() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "Push groups…");
    assert!(h.state().has_dialog());
    let at = h.get_by_label("Cancel").rect().center();
    h.get_by_label("Cancel").click();
    h.step();
    assert!(!h.state().has_dialog());
    // What is behind the button now, which the second click would hit.
    let behind: Vec<String> = widgets(h)
        .into_iter()
        .filter(|(_, r)| r.contains(at))
        .map(|(l, _)| l)
        .collect();
    assert!(!behind.is_empty(), "a widget lies behind the button");
    h.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.step();
    h.step();
    assert!(
        !h.state().has_dialog() && h.state().selected_okta_group().is_none(),
        "the click of the closing frame reached {behind:?}"
    );
}

#[test]
fn tab_keeps_focus_inside_a_dialog_and_enter_fires_nothing_behind_it() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    let behind = ["Refresh", "File", "View", "Teams", "Okta groups", "Verify"];
    for _ in 0..40 {
        h.key_press(egui::Key::Tab);
        h.step();
        for label in behind {
            // Each is drawn behind the dialog (a missing one would fail here, not pass).
            let n = h.get_by_label(label);
            assert!(!n.is_focused(), "Tab reached {label} behind the dialog");
        }
    }
    // Enter acts on what has focus inside the dialog (Cancel here), never behind it.
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert!(h.state().is_idle(), "nothing started behind the dialog");
    assert!(
        !h.state().messages().any(|m| m.starts_with("Imported")),
        "Refresh was not fired"
    );
}

#[test]
fn with_no_file_dialog_a_path_field_is_offered() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "File");
    click(h, "Export snapshot…");
    let start = std::time::Instant::now();
    while h
        .query_by_label_contains("No file dialog is available here")
        .is_none()
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the path field shows"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let path = f.data.path().join("typed.json");
    let h = &mut f.harness;
    replace_text(h, "File path", path.to_str().unwrap());
    click(h, "Save");
    wait(h, "the export", |a| a.is_idle() && !a.has_dialog());
    assert!(path.exists(), "written where typed");
}

#[test]
fn a_typed_path_to_no_file_is_named_and_the_directory_stays() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "File");
    click(h, "Open snapshot…");
    let start = std::time::Instant::now();
    while h.query_by_label("File path").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the path field shows"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let path = f.data.path().join("no-such-snapshot.json");
    let h = &mut f.harness;
    replace_text(h, "File path", path.to_str().unwrap());
    h.key_press(egui::Key::Enter);
    wait(h, "the open", |a| a.is_idle() && !a.has_dialog());
    let said = last_message(h);
    assert!(
        said.contains("no-such-snapshot.json") && said.contains("does not exist"),
        "{said}"
    );
    assert!(!h.state().shows_snapshot(), "the live directory stays");
}

#[test]
fn changes_waiting_show_in_pushed_groups_and_verify_offers_push_now() {
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws, rt, _| {
            let (o, t) =
                crate::common::pair(ws, "Payments Engineers", "Statsig-Checkout-Payments-Member");
            rt.block_on(ws.link(&o, &t, true)).unwrap();
        })),
        ..Setup::default()
    });
    {
        // Someone joins the Okta group; nothing pushes it yet.
        let mut w = f.sandbox.world();
        let g = w
            .okta_group_by_name("Payments Engineers")
            .unwrap()
            .id
            .clone();
        let u = w
            .okta_users
            .values()
            .find(|u| {
                u.status == "ACTIVE"
                    && w.user_id_by_name(&u.email).is_some()
                    && !w.okta_groups[&g].members.contains(&u.id)
            })
            .unwrap()
            .id
            .clone();
        let now = okta_statsig_teams::clock::now();
        w.set_okta_membership(&g, &u, true, &now).unwrap();
    }
    let h = &mut f.harness;
    click(h, "Refresh");
    wait(h, "the import", |a| a.is_idle());
    click_containing(h, "Pushed groups");
    assert!(
        h.query_by_label("1 waiting").is_some(),
        "the change not pushed yet is in sight"
    );
    click(h, "Verify");
    assert!(h.query_by_label("Push now").is_some());
    click(h, "Push now");
    wait(h, "the push", |a| a.is_idle());
    assert!(
        last_message(h).starts_with("Pushed "),
        "{}",
        last_message(h)
    );
    // Pushed groups draws how sync health went: changes waiting, then all in sync.
    click_containing(h, "Pushed groups");
    assert!(
        h.query_by_label("Sync health since connecting").is_some(),
        "the sync-health picture"
    );
    assert!(h.query_by_label("1 waiting").is_none(), "nothing waits now");
}

#[test]
fn an_errors_detail_names_the_failing_request() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    // Twice: a refused removal is tried once more in the other removal form.
    f.sandbox.scim_faults.refuse_next("PATCH", "/Groups/", 2);
    let h = &mut f.harness;
    click_containing(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    click(h, "Push now");
    wait(h, "the failed push", |a| a.is_idle());
    assert!(
        h.query_by_label_contains("Failing request: PATCH /Groups/")
            .is_some(),
        "the request that failed is named"
    );
}

#[test]
fn a_mapping_groups_members_are_edited_in_the_app() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click_containing(h, "Pricing Council");
    click(h, "Edit members…");
    type_into(h, "Find Okta users", "zoe.khan");
    click_containing(h, "zoe.khan@northwind.dev");
    click(h, "Apply");
    wait(h, "the change", |a| a.is_idle() && !a.has_dialog());
    let w = f.sandbox.world();
    let zoe = w
        .okta_users
        .values()
        .find(|u| u.email == "zoe.khan@northwind.dev")
        .unwrap()
        .id
        .clone();
    assert!(
        w.okta_group_by_name("Pricing Council")
            .unwrap()
            .members
            .contains(&zoe)
    );
}

#[test]
fn counts_are_in_words_with_their_plurals() {
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws, rt, s| {
            let (o, t) =
                crate::common::pair(ws, "ML Platform", "Statsig-Data-Platform-ML-Ops-Member");
            rt.block_on(ws.link(&o, &t, true)).unwrap();
            // The team is deleted in Statsig: the next push fails.
            let gid = okta_statsig_teams::sandbox::world::id_of(
                s.world()
                    .groups
                    .by_name("Statsig-Data-Platform-ML-Ops-Member")
                    .unwrap(),
            )
            .to_string();
            s.world().delete_group(&gid).unwrap();
            let id = ws.mappings()[0].id.clone();
            let _ = rt.block_on(ws.push(&id));
        })),
        ..Setup::default()
    });
    let h = &mut f.harness;
    assert!(h.query_by_label("Pushed groups (1 error)").is_some());
    click_containing(h, "Pushed groups");
    assert!(h.query_by_label("Errors (1)").is_some());
    assert!(h.query_by_label_contains("1 errors").is_none());
    assert!(h.query_by_label_contains("(s)").is_none());
}

#[test]
fn push_opens_with_the_chosen_group_in_sight_and_a_double_push_now_pushes_once() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    // The last Okta group of the list, chosen in the Okta groups tab, opens Push (Enter).
    click(h, "Okta groups");
    click(h, "Sales");
    h.key_press(egui::Key::Enter);
    settle(h);
    assert!(h.state().has_dialog(), "Enter on a group opens Push");
    assert!(
        h.query_by_label_contains("Sales (").is_some(),
        "the preselected group is scrolled into the dialog's list"
    );
    click(h, "Cancel");
    settle(h);
    // Push now, clicked twice in a row: one push.
    click_containing(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    let before = f
        .sandbox
        .scim_faults
        .counts
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    // Statsig holds the push's requests, so the push is still running at the second click.
    let held = f.sandbox.hold_statsig();
    let h = &mut f.harness;
    h.get_by_label("Push now").click();
    h.step();
    // The second click of the double click comes in the next frame, on the same button.
    h.get_by_label("Push now").click();
    h.step();
    h.step();
    assert!(
        h.get_by_label("Push now").accesskit_node().is_disabled(),
        "Push now is greyed while its push runs"
    );
    assert!(!h.state().is_idle(), "the push is still running");
    held.release();
    wait(h, "the push", |a| a.is_idle());
    settle(h);
    let pushes = h
        .state()
        .messages()
        .filter(|m| m.starts_with("Pushed Statsig-Checkout-Fraud Detection-Member"))
        .count();
    assert_eq!(pushes, 1, "one push for a double click");
    let after = f
        .sandbox
        .scim_faults
        .counts
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(after > before, "the push reached Statsig");
}

#[test]
fn reset_demo_data_asks_first() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    click(h, "File");
    click(h, "Reset demo data…");
    settle(h);
    assert!(
        h.state().has_dialog() && h.query_by_label("Reset demo data").is_some(),
        "a question comes first"
    );
    click(h, "Cancel");
    settle(h);
    assert!(!h.state().has_dialog());
    assert!(h.state().is_idle(), "nothing was reset");
    assert_eq!(h.state().mappings().len(), 1, "the mapping is still there");
}
