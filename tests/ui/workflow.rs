//! The seed workflow through the window, one step a test.

use crate::common;
use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::Workspace;
use okta_statsig_teams::engine::state::MappingStatus;

/// A set-up that links "Okta Test Team" to its team and pushes, and creates Chargebacks.
fn two_mappings() -> Setup {
    Setup {
        before: Some(Box::new(|ws: &mut Workspace, rt, _| {
            let (okta, target) =
                common::pair(ws, "Payments Engineers", "Statsig-Checkout-Payments-Member");
            rt.block_on(ws.link(&okta, &target, true)).unwrap();
            let fraud = ws
                .directory()
                .okta_group_by_name("Fraud Squad")
                .unwrap()
                .id
                .clone();
            rt.block_on(ws.create(&fraud, "Checkout", "Chargebacks", true))
                .unwrap();
        })),
        ..Setup::default()
    }
}

#[test]
fn browsing_shows_a_teams_members_and_who_feeds_each_role() {
    let mut f = fixture();
    let h = &mut f.harness;
    click_containing(h, "Okta Test Proj  (");
    click_containing(h, "Test Team  (");
    let member = common::statsig_emails(&f.sandbox, "Statsig-Okta Test Proj-Test Team-Member")
        .unwrap()[0]
        .clone();
    assert!(
        h.query_by_label(&member).is_some(),
        "the team's members are listed by email"
    );
    assert_eq!(
        h.query_all_by_label_contains("not pushed from Okta")
            .count(),
        2,
        "both roles say who feeds them"
    );
    screenshot(h, "main-window");
}

#[test]
fn a_mapping_group_is_built_from_searched_users() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "New mapping group…");
    type_into(h, "Group name", "Test Team mapping");
    let chosen: Vec<String> = {
        let w = f.sandbox.world();
        w.okta_users
            .values()
            .filter(|u| u.status == "ACTIVE" && w.user_id_by_name(&u.email).is_some())
            .skip(30)
            .take(3)
            .map(|u| u.email.clone())
            .collect()
    };
    for email in &chosen {
        // Search first: only visible rows are laid out.
        replace_text(h, "Find Okta users", email);
        click(h, email);
    }
    assert!(h.query_by_label("3 selected").is_some());
    click(h, "Create in Okta");
    wait_message(h, "Created Okta group");
    assert!(
        h.state()
            .directory()
            .okta_group_by_name("Test Team mapping")
            .is_some()
    );
    assert_eq!(
        f.sandbox
            .world()
            .okta_group_by_name("Test Team mapping")
            .unwrap()
            .members
            .len(),
        3
    );
}

#[test]
fn link_previews_the_plan_and_waits_for_the_team_name_past_the_guard() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Okta Test");
    click_containing(h, "Okta Test Team (");
    type_into(h, "Find team group", "Okta Test");
    click(h, "Statsig-Okta Test Proj-Test Team-Member");
    assert!(
        h.query_by_label_contains("to add").is_some(),
        "the plan preview shows first"
    );
    // Pushing this group into another team would empty it: Save waits for the team's name.
    replace_text(h, "Find team group", "Fraud Detection");
    click(h, "Statsig-Checkout-Fraud Detection-Member");
    let guard = h
        .query_all_by_label_contains("more than the deletion guard allows")
        .count();
    assert_eq!(guard, 1, "the guard's warning shows once");
    click(h, "Save");
    assert!(
        h.state().has_dialog() && h.state().mappings().is_empty(),
        "nothing is saved unconfirmed"
    );
    type_into(
        h,
        "Type the team name, Fraud Detection, to allow the removals",
        "fraud detection",
    );
    assert!(
        h.query_by_label_contains("same capitals").is_some(),
        "the typed name is checked exactly"
    );
    screenshot(h, "push-dialog");
    replace_text(
        h,
        "Type the team name, Fraud Detection, to allow the removals",
        "Fraud Detection",
    );
    click(h, "Save");
    wait(h, "the linked push", |a| {
        a.is_idle() && a.mappings().iter().any(|m| m.last_push.is_some())
    });
    assert!(
        last_message(h).starts_with("Linked Okta Test Team"),
        "{}",
        last_message(h)
    );
    let want = common::okta_pushable_emails(&f.sandbox, "Okta Test Team");
    assert_eq!(
        common::statsig_emails(&f.sandbox, "Statsig-Checkout-Fraud Detection-Member").unwrap(),
        want,
        "the team now has exactly the group's pushable members"
    );
}

#[test]
fn create_makes_a_new_team_and_pushes() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    fill_in_create(h, "Chargebacks");
    assert!(
        h.query_by_label("Group name: Statsig-Checkout-Chargebacks-Member")
            .is_some()
    );
    click(h, "Save");
    wait(h, "the new team", |a| {
        a.is_idle() && a.mappings().len() == 1
    });
    assert!(
        !common::statsig_emails(&f.sandbox, "Statsig-Checkout-Chargebacks-Member")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn deactivate_activate_and_push_now() {
    let mut f = fixture_with(two_mappings());
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    click(h, "Deactivate");
    wait(h, "deactivation", |a| {
        a.is_idle()
            && a.mappings()
                .iter()
                .any(|m| m.status == MappingStatus::Inactive)
    });
    click(h, "Activate");
    wait(h, "activation", |a| {
        a.is_idle()
            && a.mappings()
                .iter()
                .all(|m| m.status == MappingStatus::Active)
    });
    click(h, "Push now");
    wait_message(
        h,
        "Pushed Statsig-Checkout-Payments-Member: 0 added, 0 removed",
    );
}

#[test]
fn unlink_with_leave_keeps_the_team() {
    let mut f = fixture_with(two_mappings());
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    click(h, "Unlink…");
    click(h, "Leave the group in the target app");
    click(h, "Unlink");
    wait(h, "unlink with Leave", |a| {
        a.is_idle() && a.mappings().len() == 1
    });
    assert!(common::statsig_emails(&f.sandbox, "Statsig-Checkout-Payments-Member").is_some());
}

#[test]
fn unlink_with_delete_needs_the_team_name() {
    let mut f = fixture_with(two_mappings());
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    click(h, "Unlink…");
    click(h, "Delete the group in the target app");
    assert!(
        h.query_by_label_contains(
            "team \"Chargebacks\" in project \"Checkout\" (both its Admin and Member roles)"
        )
        .is_some(),
        "Delete deletes the whole team, and the dialog says so"
    );
    assert!(
        h.get_by_label("Unlink").accesskit_node().is_disabled(),
        "nothing can be deleted before the team name is typed"
    );
    type_into(
        h,
        "Type the team name, Chargebacks, to confirm",
        "Chargebacks",
    );
    click(h, "Unlink");
    wait(h, "unlink with Delete", |a| {
        a.is_idle() && a.mappings().len() == 1
    });
    assert!(
        common::statsig_emails(&f.sandbox, "Statsig-Checkout-Chargebacks-Member").is_none(),
        "the team is gone in Statsig"
    );
}

#[test]
fn save_and_add_another_saves_and_keeps_push_groups_open_for_the_next() {
    const CHARGEBACKS: &str = "Statsig-Checkout-Chargebacks-Member";
    const PAYMENTS: &str = "Statsig-Checkout-Payments-Member";
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    fill_in_create(h, "Chargebacks");
    click(h, "Save & Add Another");
    wait_message(h, "Created ");
    assert!(h.state().mappings()[0].last_push.is_some(), "pushed");
    assert_eq!(
        last_message(h),
        format!("Created {CHARGEBACKS} from Fraud Squad.")
    );
    // The dialog stays, emptied for the next group.
    assert!(h.state().has_dialog(), "Push Groups stays open");
    assert_eq!(
        h.get_by_label("Find Okta group")
            .accesskit_node()
            .value()
            .unwrap_or_default(),
        "",
        "the search is cleared"
    );
    assert!(
        h.query_all_by_label_contains("Pick an Okta group to see what the push would change.")
            .next()
            .is_some(),
        "no group is picked"
    );
    assert!(h.get_by_label("Save").accesskit_node().is_disabled());
    assert_eq!(
        common::statsig_emails(&f.sandbox, CHARGEBACKS).unwrap(),
        common::okta_pushable_emails(&f.sandbox, "Fraud Squad"),
        "the new team has the group's pushable members"
    );
    // The next one, from the same dialog: Link.
    type_into(h, "Find Okta group", "Payments");
    click_containing(h, "Payments Engineers (");
    type_into(h, "Find team group", "Payments");
    click(h, PAYMENTS);
    click(h, "Save");
    wait_message(h, "Linked ");
    assert_eq!(h.state().mappings().len(), 2, "a second mapping");
    assert!(
        last_message(h).starts_with(&format!("Linked Payments Engineers to {PAYMENTS}. Pushed:")),
        "{}",
        last_message(h)
    );
    assert!(!h.state().has_dialog(), "Save closes the dialog");
    settle(h);
    for group in ["Fraud Squad", "Payments Engineers"] {
        assert!(
            h.query_all_by_label(group).next().is_some(),
            "Pushed groups lists {group}"
        );
    }
    assert_eq!(
        common::statsig_emails(&f.sandbox, PAYMENTS).unwrap(),
        common::okta_pushable_emails(&f.sandbox, "Payments Engineers"),
        "the linked team has the group's pushable members"
    );
}

#[test]
fn enter_in_unlinks_team_name_moves_focus_on_to_unlink() {
    let mut f = fixture_with(two_mappings());
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    click(h, "Unlink…");
    click(h, "Delete the group in the target app");
    let field = "Type the team name, Chargebacks, to confirm";
    // A wrong name: Enter keeps focus in the field.
    type_into(h, field, "Chargeback");
    h.key_press(egui::Key::Enter);
    settle(h);
    assert!(
        h.get_by_label(field).is_focused(),
        "focus stays in the field"
    );
    type_into(h, field, "s");
    h.key_press(egui::Key::Enter);
    settle(h);
    assert!(
        h.get_by_label("Unlink").is_focused(),
        "Enter on the right name moves on to Unlink"
    );
    assert!(h.state().has_dialog(), "Enter alone deletes nothing");
}

#[test]
fn after_an_unlink_took_the_button_away_focus_is_somewhere_again() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    click(h, "Unlink…");
    click(h, "Leave the group in the target app");
    click(h, "Unlink");
    wait(h, "unlink with Leave", |a| {
        a.is_idle() && a.mappings().is_empty()
    });
    pass_shield(h);
    // The only mapping is gone, and its Unlink… with it: focus is on the view's search.
    assert!(h.query_by_label("Unlink…").is_none());
    let focused = h
        .root()
        .children_recursive()
        .find(|n| n.is_focused())
        .map(|n| format!("{:?}", n.accesskit_node().role()));
    assert_eq!(
        focused.as_deref(),
        Some("TextInput"),
        "focus is on the search"
    );
}
