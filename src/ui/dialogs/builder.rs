//! New mapping group: an Okta group built from searched users or another group's members.

use super::frame::{Shown, modal};
use super::user_picker::{UserPicker, user_table};
use crate::engine::runner::Command;
use crate::model::OktaGroup;
use crate::model::names;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets;
use std::collections::BTreeSet;

/// The dialog's state.
pub struct GroupBuilder {
    name: String,
    description: String,
    users: UserPicker,
    selected: BTreeSet<String>,
}

impl GroupBuilder {
    /// A builder, starting from `from`'s members when given.
    pub fn new(from: Option<&OktaGroup>) -> Self {
        GroupBuilder {
            name: from
                .map(|g| format!("{} (copy)", g.name))
                .unwrap_or_default(),
            description: String::new(),
            users: UserPicker::default(),
            selected: from
                .map(|g| g.members.iter().cloned().collect())
                .unwrap_or_default(),
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let d = view.directory;
        let (shown, escape) = modal(ctx, "builder", "New mapping group", 680.0, |ui| {
            widgets::labelled_text(
                ui,
                "Group name",
                &mut self.name,
                "e.g. Checkout Risk Team",
                false,
            );
            widgets::labelled_text(ui, "Description", &mut self.description, "optional", false);
            ui.horizontal(|ui| {
                let l = ui.label("Start from group");
                egui::ComboBox::from_id_salt("builder-from")
                    .selected_text("add a group's members…")
                    .show_ui(ui, |ui| {
                        for g in &d.okta_groups {
                            let text = format!(
                                "{} ({})",
                                names::display_safe(&g.name),
                                widgets::member_count(g)
                            );
                            // A group whose members are not in has none to copy yet.
                            let r = ui
                                .add_enabled(
                                    !g.members_pending,
                                    egui::Button::selectable(false, text),
                                )
                                .on_disabled_hover_text("Its members are not read yet");
                            if r.clicked() {
                                self.selected.extend(g.members.iter().cloned());
                            }
                        }
                    })
                    .response
                    .labelled_by(l.id);
            });
            self.users.search_field(ui);
            let hits = self.users.found(view);
            ui.horizontal(|ui| {
                ui.label(format!("{} selected", self.selected.len()));
                if ui.button("Select all shown").clicked() {
                    self.selected
                        .extend(hits.iter().map(|&i| d.okta_users[i].id.clone()));
                }
                if ui.button("Clear").clicked() {
                    self.selected.clear();
                }
            });
            user_table(ui, view, hits, &mut self.selected);
            ui.separator();
            self.footer(ui, view)
        });
        if escape { Shown::close() } else { shown }
    }

    fn footer(&self, ui: &mut egui::Ui, view: &View) -> Shown {
        let d = view.directory;
        let name = self.name.trim();
        let problem = if name.is_empty() {
            Some("Type a name for the new Okta group.".to_string())
        } else if d.okta_group_by_name(name).is_some() {
            Some(format!("An Okta group named \"{name}\" already exists."))
        } else {
            None
        };
        if let Some(p) = &problem {
            widgets::warn_text(ui, p);
        }
        let mut out = Shown::stay();
        ui.horizontal(|ui| {
            if widgets::send_button(ui, view.can_send, problem.is_none(), "Create in Okta")
                .clicked()
            {
                out = Shown::done(Action::Send(Command::CreateMappingGroup {
                    name: name.to_string(),
                    description: self.description.trim().to_string(),
                    user_ids: self.selected.iter().cloned().collect(),
                }));
            }
            if ui.button("Cancel").clicked() {
                out = Shown::close();
            }
        });
        out
    }
}
