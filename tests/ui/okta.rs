//! Okta push in the real app: the mode in sight, Okta's mappings (one made in its console
//! in ERROR) in Pushed groups, a Link that Okta pushes, deactivate and activate, a
//! mapping made in Okta's console showing at the next check, and the app picker.

use crate::support::{
    Setup, click, click_containing, dismiss_messages, fill_in_create, fixture_with, last_message,
    mapping_id, pick_okta_test_link, screenshot, select_mapping, type_into, wait, wait_for_label,
};
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::world::World;
use serde_json::json;
use std::time::Duration;

fn okta_setup() -> Setup {
    Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    }
}

#[test]
fn pushed_groups_show_oktas_mappings_with_status_and_error_summary() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    assert_eq!(h.state().mappings().len(), 4, "made in Okta's console");
    select_mapping(h, "Growth Lab");
    assert!(
        h.query_by_label_contains("Okta reports ERROR").is_some()
            && h.query_by_label_contains("Statsig answered 400").is_some(),
        "the ERROR shows Okta's errorSummary"
    );
    assert!(h.query_by_label_contains("Okta's mapping gPm").is_some());
    dismiss_messages(h);
    screenshot(h, "pushed-groups-okta");
}

/// Ticks or unticks the Push dialog's "Push group memberships immediately".
fn push_now_box(h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>) {
    use egui_kittest::kittest::Queryable as _;
    h.get_by_role_and_label(
        egui::accesskit::Role::CheckBox,
        "Push group memberships immediately",
    )
    .click();
    crate::support::settle(h);
}

#[test]
fn link_in_okta_push_is_pushed_by_okta_then_deactivated_and_activated() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    pick_okta_test_link(h);
    assert!(
        h.query_by_label_contains("Okta will add").is_some()
            && h.query_by_label_contains("Okta will not push").is_some(),
        "the preview says what Okta will do"
    );
    // Not pushed now: the mapping is made Inactive, and Okta adds no one until activated.
    push_now_box(h);
    assert!(
        h.query_all_by_label_contains("Okta will").next().is_none()
            && h.query_all_by_label_contains("Okta would add")
                .next()
                .is_some(),
        "unticked, the preview does not promise a push"
    );
    push_now_box(h);
    assert!(h.query_by_label_contains("Okta will add").is_some());
    click(h, "Save");
    wait(h, "the link", |a| a.is_idle() && a.mappings().len() == 5);
    assert!(
        last_message(h).starts_with(
            "Linked Okta Test Team to Statsig-Okta Test Proj-Test Team-Member in Okta"
        ),
        "{}",
        last_message(h)
    );
    let id = mapping_id(h, "Okta Test Team");
    assert!(id.starts_with("gPm"));
    // Okta's worker pushes it to Statsig.
    eventually(&f.sandbox, "Okta pushes", |w| {
        w.push_mappings[&id].last_push.is_some()
    });
    let h = &mut f.harness;
    select_mapping(h, "Okta Test Team");
    click(h, "Deactivate");
    wait(h, "deactivated", |a| a.is_idle());
    assert_eq!(f.sandbox.world().push_mappings[&id].status, "INACTIVE");
    let h = &mut f.harness;
    click(h, "Activate");
    wait(h, "activated", |a| a.is_idle());
    assert_eq!(f.sandbox.world().push_mappings[&id].status, "ACTIVE");
}

/// Waits until `ok` holds of the sandbox's world, looking again at each write to it
/// (20 s at most, so a hang fails).
fn eventually(s: &Sandbox, what: &str, ok: impl FnMut(&World) -> bool) {
    assert!(s.until(Duration::from_secs(20), ok), "{what}");
}

#[test]
fn create_in_okta_push_then_unlink_with_delete_and_okta_deletes_the_team() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    fill_in_create(h, "Chargebacks");
    click(h, "Save");
    wait(h, "Okta's mapping", |a| {
        a.is_idle() && a.mappings().len() == 5
    });
    assert!(last_message(h).contains("Okta creates Statsig-Checkout-Chargebacks-Member"));
    let team = "Statsig-Checkout-Chargebacks-Member";
    eventually(&f.sandbox, "Okta creates the team", |w| {
        w.group_member_ids(team).is_some()
    });
    let h = &mut f.harness;
    click(h, "Check now");
    wait(h, "the check", |a| a.is_idle());
    select_mapping(h, "Fraud Squad");
    click(h, "Unlink…");
    click(h, "Delete the group in the target app");
    type_into(
        h,
        "Type the team name, Chargebacks, to confirm",
        "Chargebacks",
    );
    click(h, "Unlink");
    wait(h, "unlink with Delete", |a| {
        a.is_idle() && a.mappings().len() == 4
    });
    eventually(&f.sandbox, "Okta deletes the team in Statsig", |w| {
        w.group_member_ids(team).is_none()
    });
}

#[test]
fn a_mapping_made_in_oktas_console_shows_at_the_next_check() {
    let mut f = fixture_with(okta_setup());
    {
        let mut w = f.sandbox.world();
        let app = w
            .apps
            .values()
            .find(|a| a.label == "Statsig SCIM")
            .unwrap()
            .id
            .clone();
        let source = w.okta_group_by_name("Fraud Squad").unwrap().id.clone();
        let target = w
            .okta_group_by_name("Statsig-Checkout-Fraud Detection-Member")
            .unwrap()
            .id
            .clone();
        w.create_push_mapping(
            &app,
            &json!({"sourceGroupId": source, "targetGroupId": target, "status": "INACTIVE"}),
            &okta_statsig_teams::clock::now(),
        )
        .unwrap();
    }
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    click(h, "Check now");
    wait(h, "the check", |a| a.is_idle() && a.mappings().len() == 5);
    assert!(
        h.state()
            .mappings()
            .iter()
            .any(|m| m.okta_group_name == "Fraud Squad")
    );
}

#[test]
fn the_app_picker_asks_when_several_apps_match() {
    let mut f = fixture_with(Setup {
        world: Some(Box::new(|w| {
            w.add_app("Statsig SCIM EU", "AUTO_LOGIN", &["GROUP_PUSH"]);
        })),
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Choose the Statsig app in Okta");
    assert!(h.query_by_label("Statsig SCIM EU").is_some());
    assert!(h.query_by_label_contains("Okta push (not ready)").is_some());
    dismiss_messages(h);
    screenshot(h, "app-picker");
    click(h, "Statsig SCIM EU");
    // By keyboard: Tab to the button, Space presses it.
    assert!(crate::support::press_by_keyboard(h, &["Use this app"]));
    wait_for_label(h, "Okta push via \"Statsig SCIM EU\"");
}

#[test]
fn teams_okta_has_not_imported_are_counted_as_teams_under_their_own_project() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    // Data-Platform's team Analytics Eng (its Admin and Member groups) is newer than
    // Okta's last import: one team, under its own project.
    click_containing(h, "Data-Platform  (");
    h.get_by_label("1 team of this project is not imported into Okta yet: Analytics Eng.");
    // A project whose teams are all imported says nothing of the others'.
    click_containing(h, "Checkout  (");
    assert!(
        h.query_by_label_contains("not imported into Okta yet")
            .is_none(),
        "nothing under a project whose teams Okta has"
    );
}

/// A change to a mapped group in Okta that Okta has not pushed yet: the row and the
/// mapping say "Okta is pushing", and Statsig does not have the change yet.
#[test]
fn a_change_okta_has_not_pushed_yet_shows_okta_is_pushing() {
    let mut f = fixture_with(Setup {
        // Okta's worker waits an hour: the change stays unpushed while the test looks.
        sandbox: Some(Box::new(|c| c.okta_push_delay = Duration::from_secs(3600))),
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    assert!(h.query_by_label("Okta is pushing").is_none());
    let team = "Statsig-Mobile-iOS-Member";
    let before = crate::common::statsig_emails(&f.sandbox, team).unwrap();
    {
        let mut w = f.sandbox.world();
        let group = w.okta_group_by_name("iOS Guild").unwrap().clone();
        let newcomer = w
            .okta_users
            .values()
            .find(|u| u.status == "ACTIVE" && !group.members.contains(&u.id))
            .unwrap()
            .id
            .clone();
        let at = okta_statsig_teams::clock::now();
        w.set_okta_membership(&group.id, &newcomer, true, &at)
            .unwrap();
    }
    let h = &mut f.harness;
    click(h, "Check now");
    wait(h, "Okta's push to be owed", |a| {
        a.is_idle()
            && a.mappings().iter().any(|m| {
                m.okta_group_name == "iOS Guild"
                    && m.remote.as_ref().is_some_and(|r| r.pending.is_some())
            })
    });
    assert!(
        h.query_all_by_label("Okta is pushing").next().is_some(),
        "the list says so"
    );
    select_mapping(h, "iOS Guild");
    assert!(
        h.query_all_by_label("Okta is pushing").count() >= 2,
        "in the list and in the mapping's pane"
    );
    assert_eq!(
        crate::common::statsig_emails(&f.sandbox, team).unwrap(),
        before,
        "Okta has not pushed the change to Statsig"
    );
}
