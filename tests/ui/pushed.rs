//! Pushed groups where features meet: a check keeps rows where they are (marking what
//! changed) and the selection; sync health from the start, beside its legend, per
//! connection; every column readable at 1024x700.

use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{Command, Target};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::time::Duration;

type H = egui_kittest::Harness<'static, okta_statsig_teams::ui::App>;

/// The text nodes reading exactly `text`.
fn texts<'h>(h: &'h H, text: &str) -> Vec<egui_kittest::Node<'h>> {
    h.root()
        .children_recursive()
        .filter(|n| {
            let a = n.accesskit_node();
            a.role() != egui::accesskit::Role::TextRun
                && (a.label().as_deref() == Some(text) || a.value().as_deref() == Some(text))
        })
        .collect()
}

/// The Okta groups of the list's rows, top to bottom (the list is left of the details).
fn row_order(h: &H) -> Vec<String> {
    let mut rows: Vec<(f32, String)> = h
        .state()
        .mappings()
        .iter()
        .filter_map(|m| {
            let cell = texts(h, &m.okta_group_name)
                .into_iter()
                .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))?;
            Some((cell.rect().center().y, m.okta_group_name.clone()))
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|r| r.1).collect()
}

/// The list's cell of the Okta group `name`.
fn cell(h: &H, name: &str) -> egui::Rect {
    texts(h, name)
        .into_iter()
        .map(|n| n.rect())
        .min_by(|a, b| a.left().total_cmp(&b.left()))
        .expect("the row shows")
}

#[test]
fn check_now_keeps_rows_in_place_marks_what_changed_and_keeps_the_selection() {
    let mut f = fixture_with(Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    });
    let h = &mut f.harness;
    // A new mapping goes to the end of the list.
    pick_okta_test_link(h);
    click(h, "Save");
    wait(h, "the link", |a| a.is_idle() && a.mappings().len() == 5);
    pass_shield(h);
    let before = row_order(h);
    assert_eq!(before.last().map(String::as_str), Some("Okta Test Team"));
    // The admin selects it and Okta pushes it.
    let id = mapping_id(h, "Okta Test Team");
    h.get_by_label("Okta Test Team").click();
    settle(h);
    let pushed = f.sandbox.until(Duration::from_secs(20), |w| {
        w.push_mappings[&id].last_push.is_some()
    });
    assert!(pushed, "Okta pushes");
    let h = &mut f.harness;
    click(h, "Check now");
    wait(h, "the check", |a| a.is_idle());
    settle(h);
    assert_eq!(row_order(h), before, "a check moves no row");
    assert_eq!(
        h.state().selected_mapping(),
        Some(id.as_str()),
        "the selection stays"
    );
    // Its row is marked with what changed; the others are not.
    let row = cell(h, "Okta Test Team");
    let marks: Vec<egui::Rect> = h
        .root()
        .children_recursive()
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("Changed at the last look"))
        })
        .map(|n| n.rect())
        .collect();
    assert!(
        marks
            .iter()
            .any(|m| m.center().y > row.top() - 8.0 && m.center().y < row.bottom() + 8.0),
        "the changed row is marked: {marks:?} near {row:?}"
    );
    assert!(
        h.query_all_by_label_contains("pushed at").next().is_some(),
        "the mark says what changed"
    );
}

#[test]
fn sync_health_shows_from_the_start_beside_its_legend_and_starts_over_for_another_org() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    click(h, "Pushed groups");
    assert!(
        h.query_by_label("Sync health since connecting").is_some(),
        "the chart shows right after start"
    );
    let chart = h
        .query_all_by_label_contains("Sync health: ")
        .next()
        .expect("the chart describes itself")
        .rect();
    for name in ["in sync", "changes waiting", "errors"] {
        let legend = h
            .query_all_by_label_contains(name)
            .map(|n| n.rect())
            .find(|r| r.top() < chart.bottom() + 40.0)
            .unwrap_or_else(|| panic!("the legend names {name}"));
        assert!(
            !legend.intersects(chart),
            "the legend's {name} at {legend:?} is beside the chart at {chart:?}, not over it"
        );
    }
    // Another org: its chart starts with it.
    let other = f
        ._rt
        .block_on(Sandbox::start_with_world(
            SandboxConfig::default(),
            okta_statsig_teams::sandbox::seed::build(&Default::default()),
        ))
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let h = &mut f.harness;
    assert!(!h.state().sync_health().is_empty());
    let switched = h.ctx.input(|i| i.time);
    h.state().engine().send(Command::Connect(Target::Direct {
        connection: Box::new(okta_statsig_teams::engine::Connection {
            push_mode: PushModeChoice::Auto,
            ..connection(&other)
        }),
        state_dir: state.path().to_path_buf(),
        label: "Another org".into(),
        demo: false,
    }));
    wait(h, "the other org", |a| {
        a.is_idle()
            && a.connection().is_some_and(|c| c.label == "Another org")
            && a.mappings().len() == 4
            && !a.sync_health().is_empty()
    });
    let samples = h.state().sync_health();
    assert!(
        samples.iter().all(|s| s.at >= switched),
        "no sample of the previous org: {samples:?}"
    );
    assert!(
        samples.last().is_some_and(|s| s.errors == 1),
        "the other org's error shows: {samples:?}"
    );
}

/// Activate held by the deletion guard asks to confirm the removals by the team's name,
/// lists who goes, and then activates `group`'s mapping with them allowed.
fn activate_held_by_the_guard_asks_and_goes_ahead(setup: Setup, group: &str) {
    let okta = setup.mode == PushModeChoice::Auto;
    let mut f = fixture_with(setup);
    let h = &mut f.harness;
    if okta {
        wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    }
    dismiss_messages(h);
    click_containing(h, "Pushed groups");
    let id = mapping_id(h, group);
    select_mapping(h, group);
    click(h, "Activate");
    wait(h, "the guard's question", |a| a.is_idle() && a.has_dialog());
    assert!(
        h.query_by_label("Confirm removals").is_some(),
        "the confirm dialog opens"
    );
    assert!(
        h.query_all_by_label_contains("members removed:")
            .next()
            .is_some(),
        "who goes is listed"
    );
    let field = h
        .query_all_by_label_contains("Type the team name, ")
        .find_map(|n| n.accesskit_node().label())
        .unwrap();
    let word = field
        .trim_start_matches("Type the team name, ")
        .trim_end_matches(", to confirm")
        .to_string();
    type_into(h, &field, &word);
    // Enter ends typing and moves on to the button; it removes no one by itself.
    h.key_press(egui::Key::Enter);
    settle(h);
    assert!(h.state().has_dialog(), "Enter alone sends nothing");
    assert!(
        h.get_by_label_contains("members and activate").is_focused(),
        "Enter on the right name moves on to the button"
    );
    click_containing(h, "members and activate");
    wait(h, "the activation", |a| {
        a.is_idle()
            && !a.has_dialog()
            && a.mappings().iter().any(|m| {
                m.id == id && m.status == okta_statsig_teams::model::mapping::MappingStatus::Active
            })
    });
}

#[test]
fn activate_held_by_the_guard_confirms_removals_in_okta_push() {
    let setup = Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    };
    activate_held_by_the_guard_asks_and_goes_ahead(setup, "Warehouse Crew");
}

#[test]
fn activate_held_by_the_guard_confirms_removals_in_direct_push() {
    // A group of two linked to the seed's team of six, not pushed and made Inactive:
    // activating it would empty the team.
    let setup = Setup {
        before: Some(Box::new(|ws, rt, _| {
            let users: Vec<String> = ws
                .directory()
                .okta_group_by_name("Payments Engineers")
                .unwrap()
                .members
                .iter()
                .take(2)
                .cloned()
                .collect();
            let g = rt
                .block_on(ws.create_mapping_group("Pair", "", &users))
                .unwrap();
            let (_, team) =
                crate::common::pair(ws, "Pair", "Statsig-Okta Test Proj-Test Team-Member");
            let m = rt.block_on(ws.link(&g.id, &team, false)).unwrap();
            rt.block_on(ws.set_active(&m.id, false)).unwrap();
        })),
        ..Setup::default()
    };
    activate_held_by_the_guard_asks_and_goes_ahead(setup, "Pair");
}
