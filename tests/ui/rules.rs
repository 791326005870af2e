//! Pushing many groups at once in the real app: the Push dialog's match result (a ranked
//! proposal with its reason, or *Create group* filled in when nothing matches), a rule
//! previewing several demo groups with one unticked and the rest made (Direct push and
//! Okta push), and a new Okta group proposed at the next check. The words of both dialogs
//! read plainly: no stale suggestion, no stretched spacing, no small print.

use crate::support::{
    Setup, click, click_containing, fixture, fixture_with, is_justified, replace_text, screenshot,
    settle, text_rows, type_into, wait, wait_for_label,
};
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
use serde_json::json;
use std::time::Duration;

#[test]
fn push_proposes_the_team_a_group_feeds_and_fills_in_create_when_nothing_matches() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Payments");
    click_containing(h, "Payments Engineers (");
    let use_it = "Use Statsig-Checkout-Payments-Member";
    assert!(h.query_by_label(use_it).is_some(), "the team is proposed");
    assert!(
        h.query_all_by_label_contains("the group's name contains \"Payments\", a team in Checkout")
            .next()
            .is_some(),
        "with its reason"
    );
    // Never taken on its own: one click takes it.
    assert!(h.query_by_label_contains("to add").is_none());
    click(h, use_it);
    assert!(
        h.query_by_label_contains("to add").is_some()
            || h.query_by_label_contains("unchanged").is_some(),
        "the proposal is the link's target, previewed"
    );
    // A group that matches no team: Create group is filled in from its name.
    replace_text(h, "Find Okta group", "Sales");
    click_containing(h, "Sales (");
    assert!(
        h.query_by_label_contains(
            "Match result: No match found. Create group is filled in with Statsig-"
        )
        .is_some()
    );
    click(h, "Create group");
    assert_eq!(
        h.get_by_label("Team name").value().as_deref(),
        Some("Sales")
    );
    assert!(h.query_by_label("Valid name").is_some());
}

fn rule_through_the_dialog(mode: PushModeChoice, shot: Option<&str>) {
    let mut f = fixture_with(Setup {
        mode,
        ..Setup::default()
    });
    let h = &mut f.harness;
    click_containing(h, "Pushed groups");
    click(h, "Push by rule…");
    type_into(h, "Rule name", "Squads");
    h.get_by_label("Okta group names").click();
    settle(h);
    click(h, "contains");
    type_into(h, "Text or pattern", "squad");
    click(h, "Create each as a new team");
    h.get_by_label("New teams in").click();
    settle(h);
    click(h, "Mobile");
    // The draft previews every match before it is saved.
    assert!(h.query_by_label("Fraud Squad").is_some());
    assert!(h.query_by_label("Onboarding Squad").is_some());
    click(h, "Save rule");
    wait(h, "the saved rule", |a| a.is_idle());
    wait_for_label(h, "Make 2 mappings");
    click(h, "Onboarding Squad");
    assert!(h.query_by_label("Make 1 mapping").is_some(), "unticked");
    if let Some(name) = shot {
        screenshot(h, name);
    }
    click(h, "Make 1 mapping");
    wait(h, "the rule's mappings", |a| {
        a.is_idle()
            && a.mappings()
                .iter()
                .any(|m| m.okta_group_name == "Fraud Squad")
    });
    let made: Vec<String> = h
        .state()
        .mappings()
        .iter()
        .filter(|m| m.okta_group_name.ends_with("Squad"))
        .map(|m| m.statsig_group_name.clone())
        .collect();
    assert_eq!(made, ["Statsig-Mobile-Fraud-Member"]);
    let made = f.sandbox.until(Duration::from_secs(20), |w| {
        crate::common::statsig_emails_in(w, "Statsig-Mobile-Fraud-Member").is_some()
    });
    assert!(made, "the team in Statsig");
    assert!(
        crate::common::statsig_emails(&f.sandbox, "Statsig-Mobile-Onboarding-Member").is_none()
    );
}

#[test]
fn a_rule_previews_several_groups_and_makes_all_but_the_unticked_in_direct_push() {
    rule_through_the_dialog(PushModeChoice::Direct, Some("rule-preview"));
}

#[test]
fn a_rule_previews_several_groups_and_makes_all_but_the_unticked_in_okta_push() {
    rule_through_the_dialog(PushModeChoice::Okta, None);
}

#[test]
fn a_new_okta_group_that_a_rule_matches_is_proposed_at_the_next_check() {
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws, _, _| {
            ws.add_rule(PushRule {
                id: String::new(),
                name: "Crews".into(),
                how: NameMatch::StartsWith,
                text: "Crew ".into(),
                kind: None,
                action: RuleAction::Create {
                    project: "Mobile".into(),
                },
                auto_create: false,
            })
            .unwrap();
        })),
        ..Setup::default()
    });
    let h = &mut f.harness;
    click_containing(h, "Pushed groups");
    assert!(h.query_by_label_contains("match a rule").is_none());
    assert!(h.query_by_label_contains("matches a rule").is_none());
    // Someone makes a group in Okta's console.
    let s = &f.sandbox;
    f._rt.block_on(async {
        let g = crate::common::okta(
            s,
            "POST",
            "/api/v1/groups",
            Some(json!({"profile": {"name": "Crew Night", "description": ""}})),
        )
        .await;
        assert!(g.status < 300);
    });
    let h = &mut f.harness;
    click(h, "Check now");
    wait(h, "the check", |a| a.is_idle());
    wait_for_label(h, "1 Okta group matches a rule and is not pushed yet.");
    click(h, "Review…");
    assert!(
        h.query_by_label("Crew Night").is_some(),
        "the proposal, in the preview"
    );
    assert!(h.state().mappings().is_empty(), "nothing made unasked");
}

#[test]
fn the_match_result_follows_the_form_and_reads_left_to_right() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Sales");
    click_containing(h, "Sales (");
    let filled = "Match result: No match found. Create group is filled in with Statsig-";
    assert!(h.query_by_label_contains(filled).is_some());
    assert!(
        !is_justified(h, filled),
        "the match result is set left to right, not with stretched word spacing"
    );
    click(h, "Create group");
    replace_text(h, "Team name", "Sales Ops");
    assert!(
        h.query_by_label_contains("filled in with").is_none(),
        "the match result no longer names the team it filled in"
    );
    replace_text(h, "Team name", "Sales");
    assert!(
        h.query_by_label_contains(filled).is_some(),
        "the form holds what was filled in again"
    );
    h.get_by_label("Project").click();
    settle(h);
    click(h, "Mobile");
    assert!(
        h.query_by_label_contains("filled in with").is_none(),
        "nor after the project changed"
    );
    assert!(h.query_by_label("Match result: No match found.").is_some());
}

#[test]
fn the_rule_dialogs_explanation_is_in_the_body_font() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push by rule…");
    let explanation = text_rows(h, "The team is what the rule leaves of the group's name");
    let body = text_rows(h, "Okta group names");
    let row = |rows: &[(egui::Rect, String, Vec<f32>)]| rows[0].0.height();
    assert!(
        (row(&explanation) - row(&body)).abs() < 1.0,
        "the explanation's rows are as tall as the body's: {} and {}",
        row(&explanation),
        row(&body)
    );
    assert!(!is_justified(
        h,
        "A rule pushes every Okta group whose name matches it"
    ));
}
