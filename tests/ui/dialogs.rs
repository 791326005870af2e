//! Dialogs where features meet: their pop-ups draw above them.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::ui::Action;
use okta_statsig_teams::ui::action::Open;

/// Opens the combo box labelled `label` with a quick click, checks that its pop-up shows `item` above the
/// dialog, and picks `item`; then clicks `elsewhere` inside the dialog (which raises the
/// dialog, as any click on it does).
fn open_pick_and_click_elsewhere(
    h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    label: &str,
    item: &str,
    elsewhere: &str,
    round: usize,
) {
    quick_click(h, label);
    assert!(
        h.query_by_label(item).is_some(),
        "round {round}: the {label} pop-up shows {item}"
    );
    let under = popups_under_top_dialog(h);
    assert!(
        under.is_empty(),
        "round {round}: the {label} pop-up is drawn behind its dialog: {under:?}"
    );
    click(h, item);
    click(h, elsewhere);
}

#[test]
fn pop_ups_inside_dialogs_draw_above_them_every_time() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "Push groups…");
    click(h, "Create group");
    for round in 0..5 {
        open_pick_and_click_elsewhere(h, "Project", "Checkout Web", "Team name", round);
    }
    h.key_press(egui::Key::Escape);
    settle(h);
    pass_shield(h);
    h.state_mut().perform(Action::Open(Open::Rules));
    settle(h);
    for round in 0..3 {
        open_pick_and_click_elsewhere(h, "Okta group names", "contains", "Rule name", round);
        open_pick_and_click_elsewhere(h, "New teams in", "Mobile", "Rule name", round);
    }
    h.key_press(egui::Key::Escape);
    settle(h);
    pass_shield(h);
    h.state_mut()
        .perform(Action::Open(Open::Builder { from_group: None }));
    settle(h);
    for round in 0..3 {
        open_pick_and_click_elsewhere(
            h,
            "Start from group",
            "Fraud Squad (5)",
            "Group name",
            round,
        );
    }
}
