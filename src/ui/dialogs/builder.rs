//! New mapping group: an Okta group built from searched users or another group's members.

use super::frame::{Shown, modal};
use crate::engine::runner::Command;
use crate::model::OktaGroup;
use crate::model::names;
use crate::ui::action::Action;
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets;
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;

/// The dialog's state.
pub struct GroupBuilder {
    name: String,
    description: String,
    search: String,
    selected: BTreeSet<String>,
    /// The users the search shows, kept until the search or the directory changes.
    shown: Memo<(u64, String), Vec<usize>>,
}

impl GroupBuilder {
    /// A builder, starting from `from`'s members when given.
    pub fn new(from: Option<&OktaGroup>) -> Self {
        GroupBuilder {
            name: from
                .map(|g| format!("{} (copy)", g.name))
                .unwrap_or_default(),
            description: String::new(),
            search: String::new(),
            selected: from
                .map(|g| g.members.iter().cloned().collect())
                .unwrap_or_default(),
            shown: Memo::default(),
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
            widgets::labelled_text(
                ui,
                "Find Okta users",
                &mut self.search,
                "name or email contains…",
                false,
            );
            let search = self.search.clone();
            let mut memo = std::mem::take(&mut self.shown);
            // Filtering 100,000 users is done when the search changes, not every frame.
            let hits = memo.get((view.generation, search.clone()), || {
                let needle = search.trim().to_lowercase();
                d.okta_users
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| {
                        needle.is_empty()
                            || u.email.to_lowercase().contains(&needle)
                            || u.display_name().to_lowercase().contains(&needle)
                    })
                    .map(|(i, _)| i)
                    .collect()
            });
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
            self.shown = memo;
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

/// The users shown, each with a checkbox; only visible rows are laid out.
pub fn user_table(ui: &mut egui::Ui, view: &View, hits: &[usize], selected: &mut BTreeSet<String>) {
    let d = view.directory;
    let height = (ui.available_height() - 70.0).clamp(120.0, 300.0);
    TableBuilder::new(ui)
        .id_salt("builder-users")
        .striped(true)
        .max_scroll_height(height)
        .column(
            Column::initial(280.0)
                .at_least(120.0)
                .resizable(true)
                .clip(true),
        )
        .column(
            Column::initial(180.0)
                .at_least(80.0)
                .resizable(true)
                .clip(true),
        )
        .column(Column::remainder().at_least(widgets::USER_STATE_WIDTH))
        .body(|body| {
            body.rows(22.0, hits.len(), |mut row| {
                let u = &d.okta_users[hits[row.index()]];
                let mut on = selected.contains(&u.id);
                row.col(|ui| {
                    if ui
                        .checkbox(&mut on, names::display_safe(&u.email))
                        .changed()
                    {
                        if on {
                            selected.insert(u.id.clone());
                        } else {
                            selected.remove(&u.id);
                        }
                    }
                });
                row.col(|ui| {
                    widgets::elided(ui, &names::display_safe(&u.display_name()));
                });
                row.col(|ui| {
                    ui.label(widgets::okta_user_state(d, u));
                });
            });
        });
}
