//! Keyboard: Escape closes dialogs, arrows move through lists.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::ui::Tab;

#[test]
fn escape_closes_dialogs_and_arrows_move_through_lists() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "Push groups…");
    assert!(h.state().has_dialog());
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(!h.state().has_dialog());
    pass_shield(h);
    // Focus is back on what opened the dialog; Escape leaves it, and the arrows move
    // through the list.
    assert!(h.get_by_label("Push groups…").is_focused());
    h.key_press(egui::Key::Escape);
    settle(h);
    h.key_press(egui::Key::ArrowDown);
    settle(h);
    let groups: Vec<String> = h
        .state()
        .directory()
        .okta_groups
        .iter()
        .map(|g| g.id.clone())
        .collect();
    assert_eq!(h.state().selected_okta_group(), Some(groups[0].as_str()));
    h.key_press(egui::Key::ArrowDown);
    settle(h);
    assert_eq!(h.state().selected_okta_group(), Some(groups[1].as_str()));
    assert_eq!(h.state().tab(), Tab::OktaGroups);
}

#[test]
fn every_dialog_is_operable_by_keyboard_alone() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    let dialogs = every_dialog(h);
    let mut failed = Vec::new();
    for (name, open) in dialogs {
        h.state_mut()
            .perform(okta_statsig_teams::ui::Action::Open(open));
        settle(h);
        assert!(h.state().has_dialog(), "{name} opens");
        if !press_by_keyboard(h, &["Cancel", "Close", "Not now"]) || h.state().has_dialog() {
            failed.push(name);
            h.key_press(egui::Key::Escape);
            settle(h);
        }
        pass_shield(h);
    }
    // The file path dialog (no desktop file dialog here) and Compare come from the engine.
    h.state_mut()
        .perform(okta_statsig_teams::ui::Action::PickFile {
            job: okta_statsig_teams::ui::action::FileJob::ExportSnapshot { redact: false },
            suggested: "snapshot.json".into(),
        });
    wait(h, "the path dialog", |a| a.has_dialog());
    if !press_by_keyboard(h, &["Cancel"]) || h.state().has_dialog() {
        failed.push("File path");
    }
    pass_shield(h);
    let file = f.data.path().join("before.json");
    let h = &mut f.harness;
    h.state().engine().send(
        okta_statsig_teams::engine::runner::Command::ExportSnapshot {
            path: file.clone(),
            redact: false,
        },
    );
    wait(h, "the export", |a| a.is_idle());
    h.state()
        .engine()
        .send(okta_statsig_teams::engine::runner::Command::Compare { path: file });
    wait(h, "Compare", |a| a.has_dialog());
    if !press_by_keyboard(h, &["Close"]) || h.state().has_dialog() {
        failed.push("Compare");
    }
    assert!(failed.is_empty(), "not closed by Tab and Space: {failed:?}");
}

/// The focused widget's label and rectangle.
fn focused(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
) -> Option<(String, egui::Rect)> {
    use egui_kittest::kittest::NodeT;
    h.root()
        .children_recursive()
        .find(|n| n.is_focused())
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
}

/// Tabs `times` times; after each, the row Tab focused (a label `is_row` accepts) must lie
/// between `above` and `below`, the list's visible band. Returns the rows reached, each
/// once.
fn tab_through_rows(
    h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    times: usize,
    band: impl Fn(&egui_kittest::Harness<'static, okta_statsig_teams::ui::App>) -> (f32, f32),
    is_row: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut rows = Vec::new();
    for _ in 0..times {
        h.key_press(egui::Key::Tab);
        settle(h);
        let Some((label, rect)) = focused(h) else {
            continue;
        };
        if !is_row(&label) {
            continue;
        }
        let (top, bottom) = band(h);
        assert!(
            rect.top() >= top - 0.5 && rect.bottom() <= bottom + 0.5,
            "the focused row {label:?} at {rect:?} is out of the list's view ({top}..{bottom})"
        );
        if !rows.contains(&label) {
            rows.push(label);
        }
    }
    rows
}

#[test]
fn tab_scrolls_the_focused_row_into_view_in_every_list() {
    use okta_statsig_teams::ui::action::Open;
    let mut f = small_window();
    let h = &mut f.harness;
    // Push Groups: the Okta groups list shows about six rows of fifty.
    open_dialog(h, Open::Push { okta_group: None });
    h.get_by_label("Find Okta group").focus();
    settle(h);
    let band = |h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>| {
        (
            h.get_by_label("Find Okta group").rect().bottom(),
            h.get_by_label("2. Match result & push action").rect().top(),
        )
    };
    let is_row = |l: &str| l.ends_with(')') && l.contains(" (");
    let rows = tab_through_rows(h, 14, band, is_row);
    assert!(
        rows.len() >= 12,
        "Tab walks on through the list, each row in view: {rows:?}"
    );
    close_dialog(h);

    // New mapping group: a table of Okta users, each with a checkbox.
    open_dialog(h, Open::Builder { from_group: None });
    h.get_by_label("Clear").focus();
    settle(h);
    let band = |h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>| {
        (
            h.get_by_label("Clear").rect().bottom(),
            h.get_by_label("Create in Okta").rect().top(),
        )
    };
    let rows = tab_through_rows(h, 24, band, |l| l.contains('@'));
    assert!(
        rows.len() >= 20,
        "Tab walks on through the users, each in view: {rows:?}"
    );
}

#[test]
fn ctrl_q_quits_and_is_in_the_file_menu_and_in_help() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "File");
    assert!(
        h.query_by_label_contains("Quit").is_some(),
        "File > Quit is there"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    h.key_press(egui::Key::F1);
    settle(h);
    assert!(
        h.query_by_label("Ctrl+Q").is_some(),
        "Help's shortcuts list Ctrl+Q"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    let closes = |h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>| {
        h.output()
            .viewport_output
            .values()
            .any(|v| v.commands.contains(&egui::ViewportCommand::Close))
    };
    assert!(!closes(h));
    h.input_mut()
        .events
        .push(egui::Event::ModifiersChanged(egui::Modifiers::COMMAND));
    h.input_mut().events.push(egui::Event::Key {
        key: egui::Key::Q,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    h.step();
    assert!(closes(h), "Ctrl+Q closes the window");
}
