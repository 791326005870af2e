//! History in the real app: the demo's Growth Lab mapping shows its timeline (made by an
//! admin, then three failures with Okta's reason), and a token without `okta.logs.read`
//! gets one sentence naming the scope while the app's own record still shows.

use crate::support::{
    Setup, click, click_containing, fixture_with, screenshot, select_mapping, wait, wait_for_label,
};
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::connection::PushModeChoice;

/// Every label and text value in the window (a wrapped text's lines are nodes of their
/// own).
fn labels(h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>) -> Vec<String> {
    h.root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label().or(n.accesskit_node().value()))
        .collect()
}

fn okta_setup() -> Setup {
    Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    }
}

#[test]
fn growth_labs_timeline_shows_its_creation_and_three_failures_with_oktas_reason() {
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    select_mapping(h, "Growth Lab");
    click(h, "History");
    wait_for_label(h, "created");
    wait(h, "the history read", |a| a.is_idle());
    assert!(
        h.query_all_by_label("Dana Okafor").count() >= 1,
        "created by whom"
    );
    assert_eq!(
        h.query_all_by_label("failed (needs an admin)").count(),
        3,
        "three failures"
    );
    let reasons: Vec<String> = labels(h)
        .into_iter()
        .filter(|l| l.starts_with("Okta's reason: Failed on") && l.contains("Statsig answered 400"))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        h.query_by_label_contains("Okta's System Log from")
            .is_some(),
        "the timeline says where it starts"
    );
    screenshot(h, "history-growth-lab");
}

#[test]
fn a_token_without_the_logs_scope_names_it_and_the_apps_own_record_shows() {
    let mut f = fixture_with(Setup {
        no_logs_scope: true,
        before: Some(Box::new(|ws, rt, _| {
            let crew = ws
                .mappings()
                .iter()
                .find(|m| m.okta_group_name == "Warehouse Crew")
                .unwrap()
                .id
                .clone();
            rt.block_on(ws.set_active_confirmed(&crew, true, usize::MAX))
                .unwrap();
        })),
        ..okta_setup()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    select_mapping(h, "Warehouse Crew");
    click(h, "History");
    let start = std::time::Instant::now();
    while h
        .query_all_by_label_contains("activate done")
        .next()
        .is_none()
    {
        assert!(start.elapsed().as_secs() < 30, "the app's own record shows");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    wait(h, "the history read", |a| a.is_idle());
    let scope: Vec<String> = labels(h)
        .into_iter()
        .filter(|l| l.contains("okta.logs.read") && l.ends_with("this app's own record is."))
        .collect();
    assert!(!scope.is_empty(), "one sentence names the scope");
    assert!(
        h.query_by_label("created").is_none(),
        "no Okta event without the scope"
    );
}

#[test]
fn a_teams_detail_shows_the_history_of_the_mapping_that_feeds_it() {
    use okta_statsig_teams::ui::Action;
    let mut f = fixture_with(okta_setup());
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    h.state_mut()
        .perform(Action::SelectProject("Mobile".into()));
    h.state_mut().perform(Action::SelectTeam("iOS".into()));
    crate::support::settle(h);
    click(h, "History");
    let start = std::time::Instant::now();
    while h.query_all_by_label("pushed").next().is_none() {
        assert!(start.elapsed().as_secs() < 30, "the team's history shows");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    wait(h, "the history read", |a| a.is_idle());
    let all = labels(h);
    assert!(
        all.iter()
            .any(|l| l.starts_with("Push group to app: ") && l.contains(" added, ")),
        "Okta's push with its counts"
    );
    assert!(
        !all.iter().any(|l| l.starts_with("Okta's reason: ")),
        "Growth Lab's failures are not iOS's"
    );
}
