//! Health and Explain in the real app: the seeded findings listed with why and the fix, a
//! fix button that goes through the usual command, and a member not assigned to the
//! Statsig app explained.

use crate::support::{
    Setup, click, click_containing, fixture_with, last_message, screenshot, settle, type_into,
    wait, wait_for_label,
};
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::model::SkipReason;
use okta_statsig_teams::model::mapping::MappingStatus;

fn okta_setup() -> Setup {
    Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    }
}

#[test]
fn health_lists_each_seeded_finding_and_a_fix_button_works() {
    let mut f = fixture_with(okta_setup());
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
