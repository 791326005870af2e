//! A person's row offers Explain two ways: a small "Explain…" button at the end of the
//! row's last cell (named `Explain <who>` for screen readers, so each row's button says
//! whom it explains; reached with Tab), and the row's context menu. Teams' members, an
//! Okta group's members and Verify use it; `who` is the email.

use crate::ui::action::{Action, Open};
use egui::{Response, Ui};

/// The row's last cell: the Explain button at its right end, then `content` in the
/// room left.
pub fn last_cell(ui: &mut Ui, who: &str, actions: &mut Vec<Action>, content: impl FnOnce(&mut Ui)) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if !who.is_empty() {
            let r = ui
                .small_button("Explain…")
                .on_hover_text("Why this person is or is not in each team role");
            crate::ui::a11y::name(
                &r,
                &format!("Explain {}", crate::model::names::display_safe(who)),
            );
            if r.clicked() {
                actions.push(explain(who));
            }
        }
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), content);
    });
}

/// The row's context menu: Explain.
pub fn menu(row: &Response, who: &str, actions: &mut Vec<Action>) {
    if who.is_empty() {
        return;
    }
    row.context_menu(|ui| {
        if ui.button("Explain…").clicked() {
            actions.push(explain(who));
            ui.close();
        }
    });
}

fn explain(who: &str) -> Action {
    Action::Open(Open::Explain(Some(who.to_string())))
}
