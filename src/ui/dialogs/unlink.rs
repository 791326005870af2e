//! Unlink a pushed group: Delete (the team goes; its name typed) or Leave (nothing
//! changes in Statsig).

use super::frame::{Shown, modal};
use crate::engine::backend::Unlink;
use crate::engine::runner::Command;
use crate::model::mapping::Mapping;
use crate::model::names;
use crate::model::rules;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets;

/// Why Delete is off for a team that is gone.
const NOTHING_TO_DELETE: &str = "Nothing to delete: the team is already gone in Statsig.";

/// The dialog's state.
pub struct UnlinkDialog {
    mapping_id: String,
    okta_name: String,
    statsig_name: String,
    /// What must be typed to confirm a deletion: the team's name.
    word: String,
    what: String,
    how: Unlink,
    typed: String,
    /// The team was deleted in Statsig: Leave only removes the mapping, Delete has
    /// nothing to delete.
    gone: bool,
}

impl UnlinkDialog {
    /// For mapping `m`.
    pub fn new(m: &Mapping, view: &View) -> Self {
        UnlinkDialog {
            mapping_id: m.id.clone(),
            okta_name: m.okta_group_name.clone(),
            statsig_name: m.statsig_group_name.clone(),
            word: rules::confirmation_word(
                view.directory,
                &m.statsig_group_id,
                &m.statsig_group_name,
            ),
            what: rules::describe_deletion(
                view.directory,
                &m.statsig_group_id,
                &m.statsig_group_name,
            ),
            how: Unlink::Leave,
            typed: String::new(),
            gone: rules::team_gone(view.directory, m),
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, escape) = modal(ctx, "unlink", "Unlink pushed group", 540.0, |ui| {
            ui.label(format!(
                "{} -> {}",
                names::display_safe(&self.okta_name),
                names::display_safe(&self.statsig_name)
            ));
            ui.add_space(6.0);
            let gone = self.gone;
            ui.add_enabled_ui(!gone, |ui| {
                ui.radio_value(
                    &mut self.how,
                    Unlink::Delete,
                    "Delete the group in the target app",
                )
            })
            .inner
            .on_disabled_hover_text(NOTHING_TO_DELETE);
            ui.radio_value(
                &mut self.how,
                Unlink::Leave,
                "Leave the group in the target app",
            );
            ui.add_space(4.0);
            let mut entered = None;
            let confirmed = match self.how {
                Unlink::Leave if gone => {
                    ui.label(
                        "The Statsig team is already gone: it was deleted in Statsig. \
                         Leave only removes the mapping; Delete has nothing to delete.",
                    );
                    true
                }
                Unlink::Leave => {
                    ui.label("Stops pushing. The Statsig team and its members stay as they are.");
                    true
                }
                Unlink::Delete => {
                    widgets::error_text(
                        ui,
                        format!(
                            "This deletes the Statsig {} and all its memberships. User accounts are not deleted.",
                            self.what
                        ),
                    );
                    let field = widgets::labelled_text(
                        ui,
                        &format!("Type the team name, {}, to confirm", self.word),
                        &mut self.typed,
                        "",
                        false,
                    );
                    if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        entered = Some(field.id);
                    }
                    let mismatch = rules::confirmation_mismatch(&self.word, &self.typed);
                    if let Some(why) = mismatch.as_ref().filter(|_| !self.typed.is_empty()) {
                        widgets::warn_text(ui, why);
                    }
                    mismatch.is_none()
                }
            };
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                let unlink = widgets::send_button(ui, view.can_send, confirmed, "Unlink");
                // Enter in the name moves on to Unlink once the name is right, and keeps
                // focus in the field while it is not (egui's Enter leaves a field with
                // focus nowhere, and the next Tab would start the dialog over).
                if let Some(field) = entered {
                    let to = if unlink.enabled() { unlink.id } else { field };
                    ui.memory_mut(|m| m.request_focus(to));
                }
                if unlink.clicked() {
                    out = Shown::done(Action::Send(Command::Unlink {
                        mapping_id: self.mapping_id.clone(),
                        how: self.how,
                        confirmation: self.typed.clone(),
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
