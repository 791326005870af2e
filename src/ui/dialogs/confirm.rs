//! Confirmations: removals the deletion guard stopped (the team's name typed), and
//! starting the demo over.

use super::frame::{Shown, modal};
use crate::engine::runner::{Command, Target};
use crate::model::mapping::{Mapping, MappingStatus};
use crate::model::rules::GuardStop;
use crate::model::text::plural;
use crate::model::{names, rules};
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets;

/// Confirms removals the deletion guard held: who goes is listed by name, and the team's
/// name must be typed.
pub struct ConfirmRemovals {
    mapping_id: String,
    word: String,
    text: String,
    removals: usize,
    names: Vec<String>,
    typed: String,
    /// Confirms an Activate (not a push) the guard held.
    activate: bool,
}

impl ConfirmRemovals {
    /// For mapping `m`, stopped by the guard.
    pub fn new(m: &Mapping, view: &View) -> Self {
        let (removals, members, names) = match &m.status {
            MappingStatus::NeedsConfirmation {
                removals,
                members,
                names,
                ..
            } => (*removals, *members, names.clone()),
            _ => (0, 0, Vec::new()),
        };
        ConfirmRemovals {
            mapping_id: m.id.clone(),
            text: format!(
                "Pushing {} removes {removals} of the {members} members of {}.",
                m.okta_group_name,
                rules::describe_target(view.directory, &m.statsig_group_id, &m.statsig_group_name)
            ),
            word: rules::confirmation_word(
                view.directory,
                &m.statsig_group_id,
                &m.statsig_group_name,
            ),
            removals,
            names,
            typed: String::new(),
            activate: false,
        }
    }

    /// For activating mapping `mapping_id`, which the guard held with `stop`.
    pub fn activating(mapping_id: &str, stop: &GuardStop) -> Self {
        ConfirmRemovals {
            mapping_id: mapping_id.to_string(),
            text: format!(
                "Activating {} pushes it, which removes {} of the {} members of {}.",
                stop.okta_group, stop.removals, stop.members, stop.target
            ),
            word: stop.word.clone(),
            removals: stop.removals,
            names: stop.names.clone(),
            typed: String::new(),
            activate: true,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, escape) = modal(ctx, "confirm-removals", "Confirm removals", 540.0, |ui| {
            widgets::error_text(ui, &self.text);
            if !self.names.is_empty() {
                ui.label(format!("{} removed:", plural(self.names.len(), "member")));
                let row = ui.text_style_height(&egui::TextStyle::Body);
                egui::ScrollArea::vertical()
                    .id_salt("confirm-removals-names")
                    .max_height(row * 8.0 + 8.0)
                    .auto_shrink([false, true])
                    .show_rows(ui, row, self.names.len(), |ui, range| {
                        for n in &self.names[range] {
                            widgets::error_text(ui, format!("- {}", names::display_safe(n)));
                        }
                    });
            }
            ui.label("The plan is made again from fresh reads before anything is sent; if it removes more than this, the push stops again. Edits made in Statsig are never among them.");
            let field = widgets::labelled_text(
                ui,
                &format!("Type the team name, {}, to confirm", self.word),
                &mut self.typed,
                "",
                false,
            );
            let mismatch = rules::confirmation_mismatch(&self.word, &self.typed);
            if let Some(why) = mismatch.as_ref().filter(|_| !self.typed.is_empty()) {
                widgets::warn_text(ui, why);
            }
            let go = mismatch.is_none() && view.can_send.is_ok();
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                let then = if self.activate { "activate" } else { "push" };
                let label = format!("Remove {} and {then}", plural(self.removals, "member"));
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let button = widgets::send_button(ui, view.can_send, go, &label);
                // As in Unlink: Enter on the right name moves on to the button, so removals
                // are never sent by the key that ends typing; a wrong name keeps focus.
                if enter {
                    let to = if button.enabled() {
                        button.id
                    } else {
                        field.id
                    };
                    ui.memory_mut(|m| m.request_focus(to));
                }
                if button.clicked() {
                    let mapping_id = self.mapping_id.clone();
                    let allowed_removals = self.removals;
                    out = Shown::done(Action::Send(if self.activate {
                        Command::SetActive {
                            mapping_id,
                            active: true,
                            allowed_removals,
                        }
                    } else {
                        Command::Push {
                            mapping_id,
                            allowed_removals,
                        }
                    }));
                }
                if ui.button("Cancel").clicked() {
                    out = Shown::close();
                }
            });
            out
        });
        if escape { Shown::close() } else { shown }
    }
}

/// Asks before the demo starts over.
#[derive(Default)]
pub struct ConfirmResetDemo;

impl ConfirmResetDemo {
    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> Shown {
        let (shown, escape) = modal(ctx, "confirm-reset", "Reset demo data?", 460.0, |ui| {
            ui.label("The demo starts over with fresh data: every mapping and change made in the demo is forgotten. Real connections are not touched.");
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                if ui.button("Reset demo data").clicked() {
                    out = Shown::done(Action::Send(Command::Connect(Target::Demo { reset: true })));
                }
                if ui.button("Cancel").clicked() {
                    out = Shown::close();
                }
            });
            out
        });
        if escape { Shown::close() } else { shown }
    }
}
