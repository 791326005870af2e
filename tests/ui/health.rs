//! Health and Explain in the real app: the seeded findings listed with why and the fix, a
//! fix button that goes through the usual command, and a member not assigned to the
//! Statsig app explained.

use crate::support::{
    Setup, click, click_containing, fixture_with, last_message, screenshot, settle, type_into,
    wait, wait_for_label,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::state::State;
use okta_statsig_teams::model::SkipReason;
use okta_statsig_teams::model::mapping::{Mapping, MappingStatus, PushAction};
use okta_statsig_teams::sandbox::world::{World, id_of, push_error_summary};

fn okta_setup() -> Setup {
    Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    }
}

#[test]
fn health_lists_each_seeded_finding_and_a_fix_button_works() {
    // Tall enough for every finding of the demo at once.
    let mut f = fixture_with(Setup {
        size: [1280.0, 1560.0],
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Health (");
    for what in [
        "is active in Statsig, but deprovisioned in Okta.",
        "is in Error since",
        "both assigns the Statsig SCIM app and is pushed by the mapping",
        "has been Inactive since",
        "is not assigned to the Statsig app.",
        "not imported into Okta.",
        "cannot be read: it reads 2 ways",
        "The mapping Loyalty Crew -> Statsig-Checkout-Loyalty-Member pushes into a Statsig group that is gone.",
        "The Okta group Statsig-Checkout-Growth-Member is named like a Statsig team group but is not the team.",
    ] {
        assert!(
            h.query_all_by_label_contains(what).next().is_some(),
            "Health lists \"{what}\""
        );
    }
    assert!(
        h.query_all_by_label_contains("Why it matters: ")
            .next()
            .is_some()
    );
    screenshot(h, "health");
    // The leaver's fix: Explain, which shows who it is and why.
    // Findings are a list; each fix's button says what it acts on.
    let findings = h.get_by_role_and_label(egui::accesskit::Role::List, "Findings");
    assert!(
        findings
            .get_all_by_role(egui::accesskit::Role::ListItem)
            .count()
            >= 2
    );
    findings
        .get_all_by(|n| {
            n.role() == egui::accesskit::Role::Button
                && n.label().is_some_and(|l| l.starts_with("Explain "))
        })
        .next()
        .expect("the leaver's Explain, named by the leaver")
        .click();
    settle(h);
    wait_for_label(h, "Close");
    assert!(
        h.query_all_by_label_contains("is deprovisioned; Okta pushes active users only.")
            .next()
            .is_some(),
        "the trace of the leaver"
    );
    assert!(
        h.query_all_by_label_contains("Still has access to Statsig: the account ")
            .next()
            .is_some(),
        "a leaver is told they still have access, and what to do"
    );
    click(h, "Close");
    // The Inactive mapping's fix: Activate, through the same command and deletion guard
    // as its own button: activating it would empty its team, so the guard holds it.
    let inactive = h
        .state()
        .mappings()
        .iter()
        .find(|m| m.status == MappingStatus::Inactive)
        .expect("the demo has an Inactive mapping")
        .id
        .clone();
    let name = h
        .state()
        .mappings()
        .iter()
        .find(|m| m.id == inactive)
        .map(|m| m.okta_group_name.clone())
        .unwrap();
    click(h, &format!("Activate {name}"));
    wait(h, "the activation", |a| a.is_idle());
    assert!(
        last_message(h).contains("no one is removed until the removals are confirmed"),
        "{}",
        last_message(h)
    );
    assert!(
        h.state()
            .mappings()
            .iter()
            .any(|m| m.id == inactive && m.status == MappingStatus::Inactive),
        "nothing changed past the guard"
    );
}

#[test]
fn explain_on_a_member_not_assigned_to_the_app_says_so_and_why_okta_skips_them() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    let email = {
        let d = h.state().directory().clone();
        let mapped: Vec<String> = h
            .state()
            .mappings()
            .iter()
            .map(|m| m.okta_group_id.clone())
            .collect();
        mapped
            .iter()
            .filter_map(|g| d.okta_group(g))
            .flat_map(|g| g.members.clone())
            .find_map(|id| {
                let i = d.okta_user_index(&id)?;
                matches!(d.pushable(i), Err(SkipReason::NotAssigned { .. }))
                    .then(|| d.okta_users[i].email.clone())
            })
            .expect("the demo has a member of a pushed group not assigned to the app")
    };
    click_containing(h, "Health (");
    type_into(h, "Explain a person:", &email);
    h.get_all_by_label("Explain")
        .next()
        .expect("the search's button")
        .click();
    settle(h);
    wait_for_label(h, "not pushed: not assigned to the Statsig app");
    assert!(
        h.query_by_label_contains(
            "Not assigned to the \"Statsig SCIM\" app in Okta: Okta skips them in every push, without a word."
        )
        .is_some(),
        "the step says why Okta skips them"
    );
    assert!(
        h.query_by_label_contains("Next: In Okta, open Applications > Statsig SCIM > Assignments")
            .is_some()
    );
    screenshot(h, "explain");
}

/// The demo's iOS team, which Okta's console mapping from iOS Guild pushes.
const IOS_TEAM: &str = "Statsig-Mobile-iOS-Member";

/// The app's own Direct push mapping of iOS Guild into the iOS team, left from before the
/// org turned on Okta's Group Push: the team is fed by both pushers.
fn left_direct_mapping(w: &World) -> State {
    let okta = w.okta_group_by_name("iOS Guild").unwrap().id.clone();
    let team = id_of(w.groups.by_name(IOS_TEAM).unwrap()).to_string();
    let mut state = State::empty();
    state.mappings.push(Mapping {
        id: "m1".into(),
        okta_group_id: okta,
        okta_group_name: "iOS Guild".into(),
        statsig_group_id: team,
        statsig_group_name: IOS_TEAM.into(),
        action: PushAction::Link,
        status: MappingStatus::Active,
        created: "2025-11-02T09:00:00.000Z".into(),
        last_push: Some("2025-11-20T09:00:00.000Z".into()),
        last_counts: None,
        last_pushed_members: Vec::new(),
        drift: None,
        remote: None,
    });
    state.last_mapping_number = 1;
    state
}

fn listed(h: &Harness<'static, okta_statsig_teams::ui::App>, what: &str) -> bool {
    h.query_all_by_label_contains(what).next().is_some()
}

/// Unlink through the fix button: the usual Unlink dialog, Leave (its default) kept.
fn unlink_with_leave(
    h: &mut Harness<'static, okta_statsig_teams::ui::App>,
    source: &str,
    leave_says: &str,
) {
    let before = h.state().mappings().len();
    click(h, &format!("Unlink {source}"));
    wait_for_label(h, "Unlink pushed group");
    assert!(
        h.query_by_label_contains(leave_says).is_some(),
        "Leave is what the dialog offers first"
    );
    click(h, "Unlink");
    wait(h, "the unlink", |a| {
        a.is_idle() && a.mappings().len() == before - 1
    });
    assert!(
        !h.state()
            .mappings()
            .iter()
            .any(|m| m.okta_group_name == source),
        "{source}'s mapping is gone"
    );
}

#[test]
fn health_fixes_the_gone_team_and_the_double_feeder_by_unlinking_through_the_dialog() {
    let mut f = fixture_with(Setup {
        direct_state: Some(Box::new(left_direct_mapping)),
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Health (");
    let double = format!(
        "{IOS_TEAM} is pushed both by this app's mapping from iOS Guild and by this app's Direct push (mapping m1)."
    );
    let gone = "The mapping Loyalty Crew -> Statsig-Checkout-Loyalty-Member pushes into a Statsig group that is gone.";
    assert!(listed(h, &double), "the double feeder is listed");
    assert!(listed(h, gone), "the gone team is listed");
    let ios_members = f.sandbox.world().group_member_ids(IOS_TEAM).unwrap();
    let h = &mut f.harness;
    // The gone team's fix: Unlink with Leave (nothing to delete in Statsig).
    unlink_with_leave(
        h,
        "Loyalty Crew",
        "The Statsig team is already gone: it was deleted in Statsig. Leave only removes the mapping",
    );
    assert!(!listed(h, gone), "the finding is resolved");
    // The double feeder's fix: one pusher per team, Okta's mapping unlinked here.
    unlink_with_leave(
        h,
        "iOS Guild",
        "Stops pushing. The Statsig team and its members stay as they are.",
    );
    assert!(!listed(h, &double), "the finding is resolved");
    let w = f.sandbox.world();
    assert!(
        w.push_mappings.values().all(|m| w
            .okta_groups
            .get(&m.source_group_id)
            .is_none_or(|g| g.name != "iOS Guild" && g.name != "Loyalty Crew")),
        "Okta no longer has either mapping"
    );
    assert_eq!(
        w.group_member_ids(IOS_TEAM).unwrap(),
        ios_members,
        "Leave kept the iOS team as it was"
    );
}

#[test]
fn health_retry_on_a_mapping_in_error_pushes_it_again() {
    let mut f = fixture_with(Setup {
        world: Some(Box::new(|w: &mut World| {
            let source = w.okta_group_by_name("iOS Guild").unwrap().id.clone();
            let at = w.seeded_at.clone();
            let m = w
                .push_mappings
                .values_mut()
                .find(|m| m.source_group_id == source)
                .unwrap();
            m.status = "ERROR".into();
            m.error_summary = Some(push_error_summary(
                &at,
                IOS_TEAM,
                "Statsig answered 503 Service Unavailable",
            ));
        })),
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Health (");
    assert!(listed(
        h,
        "The mapping iOS Guild -> Statsig-Mobile-iOS-Member is in Error since"
    ));
    assert!(listed(h, "Fix: A retry may work: push it again."));
    click(h, "Retry iOS Guild");
    wait(h, "the retry", |a| {
        a.is_idle()
            && a.mappings()
                .iter()
                .any(|m| m.okta_group_name == "iOS Guild" && m.status == MappingStatus::Active)
    });
    assert!(
        !listed(
            h,
            "The mapping iOS Guild -> Statsig-Mobile-iOS-Member is in Error since"
        ),
        "the finding is resolved"
    );
    let w = f.sandbox.world();
    let m = w
        .push_mappings
        .values()
        .find(|m| {
            w.okta_groups
                .get(&m.source_group_id)
                .is_some_and(|g| g.name == "iOS Guild")
        })
        .unwrap();
    assert_eq!(m.status, "ACTIVE", "Okta pushes it again");
}
