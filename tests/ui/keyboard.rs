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
