//! Keyboard: Escape closes dialogs, arrows move through lists.

use crate::support::*;
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
    use okta_statsig_teams::ui::action::Open;
    use okta_statsig_teams::ui::dialogs::help::HelpPage;
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    let mapping = h.state().mappings()[0].id.clone();
    let group = h
        .state()
        .directory()
        .okta_group_by_name("Fraud Squad")
        .unwrap()
        .id
        .clone();
    let dialogs = [
        ("Push Groups", Open::Push { okta_group: None }),
        ("New mapping group", Open::Builder { from_group: None }),
        ("Members", Open::Members { group }),
        ("Unlink", Open::Unlink(mapping.clone())),
        ("Confirm removals", Open::ConfirmRemovals(mapping)),
        ("Settings", Open::Settings),
        ("Reset demo data", Open::ConfirmResetDemo),
        ("Push by rule", Open::Rules),
        ("Help", Open::Help(HelpPage::About)),
        ("Connect", Open::Connect),
        ("New profile", Open::NewProfile),
    ];
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
