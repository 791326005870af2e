//! Dialogs where features meet: their pop-ups draw above them, and they keep their place
//! while their content changes.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::ui::action::Open;
use okta_statsig_teams::ui::dialogs::help::HelpPage;

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
    close_dialog(h);
    open_dialog(h, Open::Rules);
    for round in 0..3 {
        open_pick_and_click_elsewhere(h, "Okta group names", "contains", "Rule name", round);
        open_pick_and_click_elsewhere(h, "New teams in", "Mobile", "Rule name", round);
    }
    close_dialog(h);
    open_dialog(h, Open::Builder { from_group: None });
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

/// The top of the dialog titled `title` and the bottom of its button `button`.
fn extent(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    title: &str,
    button: &str,
) -> (f32, f32) {
    (
        h.get_by_label(title).rect().top(),
        h.get_by_label(button).rect().bottom(),
    )
}

/// Asserts that the dialog's height changed and its title did not move.
fn kept_place(before: (f32, f32), after: (f32, f32), what: &str) {
    assert!(
        (before.1 - before.0 - (after.1 - after.0)).abs() > 4.0,
        "{what}: the dialog's height changes ({before:?} → {after:?})"
    );
    assert!(
        (before.0 - after.0).abs() < 0.5,
        "{what}: the dialog moved from {} to {}",
        before.0,
        after.0
    );
}

#[test]
fn dialogs_keep_their_place_while_their_content_changes() {
    let mut f = small_window();
    let h = &mut f.harness;
    // Push Groups: a preview appears, then a search narrows the list.
    open_dialog(h, Open::Push { okta_group: None });
    let start = extent(h, "Push Groups", "Cancel");
    type_into(h, "Find Okta group", "Fraud");
    click_containing(h, "Fraud Squad (");
    settle(h);
    kept_place(start, extent(h, "Push Groups", "Cancel"), "Push Groups");
    close_dialog(h);

    // New mapping group: a search narrows the list of users.
    open_dialog(h, Open::Builder { from_group: None });
    let start = extent(h, "New mapping group", "Cancel");
    type_into(h, "Find Okta users", "zzz-nobody");
    settle(h);
    kept_place(
        start,
        extent(h, "New mapping group", "Cancel"),
        "New mapping group",
    );
    close_dialog(h);

    // Help: its pages differ in height.
    open_dialog(h, Open::Help(HelpPage::About));
    let start = extent(h, "Keyboard shortcuts", "Close");
    click(h, "Keyboard shortcuts");
    kept_place(start, extent(h, "Keyboard shortcuts", "Close"), "Help");
    // Taller than the room below it: it moves up only as far as it must.
    click(h, "Walkthrough");
    let tall = extent(h, "Keyboard shortcuts", "Close");
    assert!(
        tall.0 < start.0 && tall.0 >= 0.0 && tall.1 <= 700.0,
        "the walkthrough fits the window: {tall:?}"
    );
    close_dialog(h);

    // A dialog opened again is centred again (its place is kept only while it is open).
    close_dialog(h);
    open_dialog(h, Open::Help(HelpPage::About));
    let about = extent(h, "Keyboard shortcuts", "Close");
    let middle = (about.0 + about.1) / 2.0;
    assert!(
        (middle - 350.0).abs() < 20.0,
        "Help opens centred again: {about:?}"
    );
}

#[test]
fn nothing_in_any_dialog_is_drawn_over_anything_at_1024_by_700() {
    let mut f = fixture_with(Setup {
        size: SMALL,
        ..linked("Fraud Squad", "Statsig-Checkout-Fraud Detection-Member")
    });
    let h = &mut f.harness;
    dismiss_messages(h);
    let dialogs = every_dialog(h);
    let mut found = Vec::new();
    for (name, open) in dialogs {
        open_dialog(h, open);
        found.extend(overlaps(h).into_iter().map(|o| format!("{name}: {o}")));
        close_dialog(h);
    }
    assert!(
        found.is_empty(),
        "drawn over each other:\n{}",
        found.join("\n")
    );
}

/// A message waits while a dialog is open: it neither covers the dialog's controls (at
/// 1024x700 the toasts lay over *Create group* in Push Groups, and took its click) nor is
/// lost, and shows again once the dialog closes.
#[test]
fn a_message_waits_for_the_open_dialog_and_covers_none_of_it() {
    let mut f = fixture_with(Setup {
        size: SMALL,
        mode: okta_statsig_teams::engine::connection::PushModeChoice::Auto,
        ..Setup::default()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    dismiss_messages(h);
    // The deletion guard refuses to activate a mapping that would empty its team: an error.
    let warehouse = mapping_id(h, "Warehouse Crew");
    h.state_mut().perform(okta_statsig_teams::ui::Action::Send(
        okta_statsig_teams::engine::runner::Command::SetActive {
            mapping_id: warehouse,
            active: true,
            allowed_removals: 0,
        },
    ));
    wait(h, "the guard's refusal", |a| {
        a.is_idle()
            && a.messages()
                .any(|m| m.contains("would remove 10 of the 10"))
    });
    // It asks to confirm the removals; cancelled, the refusal stays as a toast.
    assert!(h.query_by_label("Confirm removals").is_some());
    click(h, "Cancel");
    assert!(
        h.query_by_label("Dismiss").is_some(),
        "the refusal shows as a toast"
    );
    // Nearly gone (a toast shows for 8 s) when a dialog opens.
    let time =
        |h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>| h.ctx.input(|i| i.time);
    let shown_at = time(h);
    while time(h) - shown_at < 7.0 {
        h.step();
    }
    open_dialog(h, Open::Push { okta_group: None });
    assert!(
        h.query_by_label("Dismiss").is_none(),
        "no toast is drawn over the open dialog"
    );
    click(h, "Create group");
    assert!(
        h.query_by_label("Project").is_some(),
        "Create group's form shows: the click reached the dialog"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(
        h.query_by_label("Dismiss").is_some()
            && h.query_all_by_label_contains("would remove 10 of the 10")
                .next()
                .is_some(),
        "the refusal shows again once the dialog is closed"
    );
    // ... long enough to be read: at least half its time.
    let closed_at = time(h);
    while time(h) - closed_at < 2.5 {
        h.step();
    }
    assert!(
        h.query_by_label("Dismiss").is_some(),
        "a toast that was about to go when the dialog opened still shows 2.5 s after it closed"
    );
}

/// At 1024x700, Push Groups with the deletion guard's confirmation shown (its warning, the
/// typed team name and the reason under the buttons) stays inside the window and draws
/// nothing over anything.
#[test]
fn push_groups_with_the_guards_confirmation_fits_at_1024_by_700() {
    let mut f = small_window();
    let h = &mut f.harness;
    dismiss_messages(h);
    open_dialog(
        h,
        Open::Push {
            okta_group: h
                .state()
                .directory()
                .okta_group_by_name("Onboarding Squad")
                .map(|g| g.id.clone()),
        },
    );
    click(h, "Use Statsig-Growth Experiments-Onboarding-Member");
    settle(h);
    assert!(
        h.query_by_label_contains("Type the team name, Onboarding")
            .is_some(),
        "the guard asks for the team name"
    );
    let found = overlaps(h);
    assert!(
        found.is_empty(),
        "drawn over each other:\n{}",
        found.join("\n")
    );
    let window = h.ctx.content_rect();
    for label in ["Push Groups", "Save", "Cancel"] {
        let r = h.get_by_label(label).rect();
        assert!(
            window.contains_rect(r) && r.bottom() <= window.bottom() - 26.0,
            "{label} is inside the window, above the status bar: {r:?}"
        );
    }
}
